//! The [`BotEngine`] implementation.

use async_trait::async_trait;
use connector_core::{BotEngine, BotReply, EngineError, EngineSession, EventKind, InboundEvent};
use reqwest::Method;

use crate::auth::Authenticator;
use crate::config::{WatsonApi, WatsonConfig};
use crate::error::{WatsonError, codes};
use crate::http::WatsonClient;
use crate::parse::{ParseOptions, parse_reply};
use crate::{inbound, state, v1, v2};

/// IBM Watson Assistant (v1 or v2) as a LiveEngage bot engine.
///
/// Cheap to share: wrap it in an `Arc` and hand it to the runtime. All
/// conversation state lives in the [`EngineSession`]s the runtime keeps.
pub struct WatsonEngine {
    client: WatsonClient,
    api: WatsonApi,
    stateless: bool,
    /// The assistant id (v2) or workspace id (v1).
    target: String,
    channel_filter: Option<String>,
}

impl std::fmt::Debug for WatsonEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatsonEngine")
            .field("api", &self.api)
            .field("stateless", &self.stateless)
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl WatsonEngine {
    /// An engine with its own HTTP client.
    ///
    /// # Errors
    ///
    /// [`WatsonError`] naming the configuration field that is missing or invalid.
    pub fn new(config: &WatsonConfig) -> Result<Self, WatsonError> {
        let client = reqwest::Client::builder()
            .build()
            .map_err(WatsonError::HttpClient)?;
        Self::with_client(config, client)
    }

    /// An engine sharing `client` (connection pool, TLS settings) with the rest
    /// of the process.
    ///
    /// # Errors
    ///
    /// [`WatsonError`] naming the configuration field that is missing or invalid.
    pub fn with_client(
        config: &WatsonConfig,
        client: reqwest::Client,
    ) -> Result<Self, WatsonError> {
        let target = config.check()?;
        let timeout = config.request_timeout();
        let auth = Authenticator::new(&config.auth, client.clone(), timeout)?;
        Ok(Self {
            client: WatsonClient::new(
                client,
                auth,
                config.url.clone(),
                config.version_date().to_owned(),
                timeout,
            ),
            api: config.api,
            stateless: config.stateless,
            target,
            channel_filter: config.channel.clone(),
        })
    }

    async fn close(&self, session: &EngineSession) {
        if self.api != WatsonApi::V2 || self.stateless {
            return;
        }
        if let Some(id) = session.get::<String>(state::SESSION_ID)
            && let Err(err) =
                v2::delete_session(&self.client, &self.target, &id, &codes::SEND_QUERY).await
        {
            // The session expires on its own; nothing to escalate.
            tracing::debug!(error = %err, "could not delete the Watson session");
        }
    }
}

#[async_trait]
impl BotEngine for WatsonEngine {
    fn vendor(&self) -> &str {
        "watson"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        session: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        let offered = state::offered(session);
        let Some(text) = inbound::input_text(&event.kind, &offered) else {
            if matches!(event.kind, EventKind::ConversationClosed) {
                self.close(session).await;
            }
            return Ok(BotReply::new());
        };
        session.remove(state::OFFERED);
        let lp = inbound::lp_variables(event);
        let response = match (self.api, self.stateless) {
            (WatsonApi::V1, _) => {
                v1::message(&self.client, &self.target, &text, lp, session).await?
            }
            (WatsonApi::V2, true) => {
                v2::stateless(&self.client, &self.target, &text, lp, session).await?
            }
            (WatsonApi::V2, false) => {
                v2::stateful(&self.client, &self.target, &text, lp, session).await?
            }
        };
        let mut counters = state::counters(session);
        let options = ParseOptions {
            channel: event.context.channel,
            channel_filter: self.channel_filter.as_deref(),
            conversation: event.context.conversation_id.as_str(),
        };
        let parsed = parse_reply(&response, &options, &mut counters)?;
        if !counters.is_empty() {
            session.set(state::SELECTION, &counters);
        }
        if !parsed.offered.is_empty() {
            session.set(state::OFFERED, &parsed.offered);
        }
        Ok(parsed.reply)
    }

    /// v1: reads the workspace; v2: creates a session and deletes it again.
    async fn test_connection(&self) -> Result<(), EngineError> {
        match self.api {
            WatsonApi::V1 => {
                let what = "Watson v1 read workspace";
                self.client
                    .call(
                        Method::GET,
                        &["v1", "workspaces", &self.target],
                        None,
                        &codes::TEST_CONNECTION,
                        what,
                    )
                    .await
                    .map(drop)
                    .map_err(|e| e.into_engine_error(codes::TEST_CONNECTION, what))
            }
            WatsonApi::V2 => {
                let id = v2::create_session(&self.client, &self.target)
                    .await
                    .map_err(|e| recode(e, codes::TEST_CONNECTION))?;
                v2::delete_session(&self.client, &self.target, &id, &codes::TEST_CONNECTION).await
            }
        }
    }
}

fn recode(err: EngineError, code: connector_core::ErrorCode) -> EngineError {
    match err {
        EngineError::Transient {
            message,
            retry_after,
            ..
        } => EngineError::Transient {
            code,
            message,
            retry_after,
        },
        EngineError::Unauthorized { message, .. } => EngineError::Unauthorized { code, message },
        EngineError::InvalidResponse { message, body, .. } => EngineError::InvalidResponse {
            code,
            message,
            body,
        },
        other => EngineError::permanent(code, other.to_string()),
    }
}
