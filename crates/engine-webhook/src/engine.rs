//! [`WebhookEngine`]: the `BotEngine` over the Custom Endpoint contract.

use std::time::Duration;

use async_trait::async_trait;
use connector_core::{BotEngine, BotReply, EngineError, EngineSession, EventKind, InboundEvent};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use url::Url;

use crate::client::{self, Client};
use crate::config::WebhookConfig;
use crate::error::{WebhookError, codes};
use crate::request;
use crate::response::{self, Intent};
use crate::token::TokenCache;
use crate::upstream;

/// The [`EngineSession`] key that records that the service knows the conversation.
pub const CREATED_KEY: &str = "conversationCreated";
/// The [`EngineSession`] key holding the `analytics.intents` of the last answer.
pub const INTENTS_KEY: &str = "analyticsIntents";

const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The state `GET .../state` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BotState {
    /// The only healthy state: the bot may start.
    Online,
    /// Offline.
    Offline,
    /// In error.
    Error,
    /// Under maintenance.
    Maintenance,
    /// A state the contract does not name.
    Other(String),
}

#[derive(Deserialize)]
struct StateBody {
    state: String,
    #[serde(default)]
    version: Option<String>,
}

/// A bot behind LivePerson's Custom Endpoint contract as a LiveEngage bot engine.
///
/// On the first event of a conversation the engine creates it on the service
/// (`PUT .../conversations/{id}` with the SDEs and the conversation context)
/// and records that in the [`EngineSession`]; every event is then a
/// `POST .../events`. A 404 on an event (the service forgot the conversation)
/// re-creates it once.
pub struct WebhookEngine {
    client: Client,
    base: Url,
    bot_id: String,
    environment: String,
}

impl std::fmt::Debug for WebhookEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookEngine")
            .field("base", &self.base.as_str())
            .field("bot_id", &self.bot_id)
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

impl WebhookEngine {
    /// An engine from its configuration; every call goes through `http`.
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] naming the key at fault: a bot id that breaks the
    /// contract's pattern, an empty field, a base URL that cannot hold a path,
    /// a number outside its range ([`MAX_ATTEMPTS_RANGE`](crate::MAX_ATTEMPTS_RANGE),
    /// [`REQUEST_TIMEOUT_SECS_RANGE`](crate::REQUEST_TIMEOUT_SECS_RANGE),
    /// [`RETRY_DELAY_SECS_RANGE`](crate::RETRY_DELAY_SECS_RANGE),
    /// [`MAX_RETRY_DELAYS`](crate::MAX_RETRY_DELAYS)).
    pub fn from_config(
        config: &WebhookConfig,
        http: reqwest::Client,
    ) -> Result<Self, WebhookError> {
        let bot = &config.bot_id;
        if bot.is_empty()
            || bot.len() > 36
            || !bot.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(WebhookError::invalid(
                "bot_id",
                format!("`{bot}` must be 1 to 36 letters, digits or `-` (a UUID is recommended)"),
            ));
        }
        if config.environment.trim().is_empty() {
            return Err(WebhookError::invalid(
                "environment",
                "is empty; the default is `draft`",
            ));
        }
        if config.client_id.trim().is_empty() {
            return Err(WebhookError::invalid("client_id", "is empty"));
        }
        if config.client_secret.is_empty() {
            return Err(WebhookError::invalid("client_secret", "is empty"));
        }
        config.check_limits()?;
        for (field, url) in [
            ("base_url", &config.base_url),
            ("token_url", &config.token_url),
        ] {
            if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
                return Err(WebhookError::invalid(
                    field,
                    format!("`{url}` must be an http(s) URL"),
                ));
            }
        }
        if config.base_url.as_str().ends_with('/') && config.base_url.path() != "/" {
            tracing::debug!("the trailing `/` of base_url is ignored");
        }
        let timeout = Duration::from_secs(config.request_timeout_secs);
        Ok(Self {
            client: Client {
                http,
                tokens: TokenCache::new(
                    config.token_url.clone(),
                    config.client_id.trim().to_owned(),
                    config.client_secret.clone(),
                    timeout,
                ),
                timeout,
                max_attempts: config.max_attempts,
                delays: config
                    .retry_delays_secs
                    .iter()
                    .map(|s| Duration::from_secs(*s))
                    .collect(),
            },
            base: config.base_url.clone(),
            bot_id: config.bot_id.clone(),
            environment: config.environment.trim().to_owned(),
        })
    }

    /// `{base}/v1/bots/{bot}/environments/{env}` followed by `segments`.
    fn url(&self, segments: &[&str]) -> Url {
        let mut path = self.base.path().trim_end_matches('/').to_owned();
        for segment in [
            "v1",
            "bots",
            &self.bot_id,
            "environments",
            &self.environment,
        ]
        .iter()
        .chain(segments)
        {
            path.push('/');
            path.extend(utf8_percent_encode(segment, SEGMENT));
        }
        let mut url = self.base.clone();
        url.set_path(&path);
        url
    }

    /// The bot's state and version (`GET .../state`).
    ///
    /// # Errors
    ///
    /// When the token or the call fails, or the answer is not `{"state": ...}`.
    pub async fn state(&self) -> Result<(BotState, Option<String>), EngineError> {
        let answer = self
            .client
            .call(Method::GET, &self.url(&["state"]), None, &codes::STATE)
            .await?;
        if !answer.status.is_success() {
            return Err(client::rejected(&answer, "GET state", &codes::STATE));
        }
        let body: StateBody =
            serde_json::from_slice(&answer.body).map_err(|e| EngineError::InvalidResponse {
                code: codes::STATE,
                message: format!(
                    "the state answer is not {{\"state\": ...}}: {}",
                    upstream::json_problem(&e)
                ),
                body: String::from_utf8_lossy(&answer.body).into_owned(),
            })?;
        let state = match body.state.as_str() {
            "online" => BotState::Online,
            "offline" => BotState::Offline,
            "error" => BotState::Error,
            "maintenance" => BotState::Maintenance,
            other => BotState::Other(other.to_owned()),
        };
        Ok((state, body.version))
    }

    async fn create(&self, event: &InboundEvent) -> Result<(), EngineError> {
        let url = self.url(&["conversations", event.context.conversation_id.as_str()]);
        let body = request::create_conversation(&event.context);
        let answer = self
            .client
            .call(Method::PUT, &url, Some(&body), &codes::CREATE_CONVERSATION)
            .await?;
        // 409: the service already has it (a retry after a lost answer).
        if answer.status.is_success() || answer.status == StatusCode::CONFLICT {
            Ok(())
        } else {
            Err(client::rejected(
                &answer,
                "PUT conversation",
                &codes::CREATE_CONVERSATION,
            ))
        }
    }

    async fn post_event(
        &self,
        event: &InboundEvent,
        body: &serde_json::Value,
    ) -> Result<client::Answer, EngineError> {
        let url = self.url(&[
            "conversations",
            event.context.conversation_id.as_str(),
            "events",
        ]);
        self.client
            .call(Method::POST, &url, Some(body), &codes::SEND_EVENT)
            .await
    }
}

#[async_trait]
impl BotEngine for WebhookEngine {
    fn vendor(&self) -> &str {
        "webhook"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        session: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        let Some(body) = request::event(&event.context, &event.kind) else {
            return Ok(BotReply::new());
        };
        let closing = matches!(event.kind, EventKind::ConversationClosed);
        let created = session.get::<bool>(CREATED_KEY).unwrap_or(false);
        if closing && !created {
            return Ok(BotReply::new());
        }
        if !created {
            self.create(event).await?;
            session.set(CREATED_KEY, &true);
        }
        let mut answer = self.post_event(event, &body).await?;
        if answer.status == StatusCode::NOT_FOUND && !closing {
            // The contract: repeat once from the create-conversation step.
            tracing::info!(conversation = %event.context.conversation_id, "custom endpoint lost the conversation; creating it again");
            self.create(event).await?;
            answer = self.post_event(event, &body).await?;
        }
        if closing {
            return Ok(BotReply::new());
        }
        if !answer.status.is_success() {
            return Err(client::rejected(&answer, "POST events", &codes::SEND_EVENT));
        }
        let (reply, intents) = response::parse(&answer.body)?;
        tracing::debug!(intents = ?intents, "custom endpoint analytics");
        session.set::<Vec<Intent>>(INTENTS_KEY, &intents);
        Ok(reply)
    }

    /// Gets a token and checks that `GET .../state` reports `online`, the only
    /// state in which a Custom Endpoint bot may start.
    async fn test_connection(&self) -> Result<(), EngineError> {
        match self.state().await? {
            (BotState::Online, _) => Ok(()),
            (state, version) => {
                // Only the contract's states are named: a state or version
                // string is the service's text, not repeated in the message.
                tracing::info!(state = ?state, version = ?version, "the Custom Endpoint bot is not online");
                let state = match &state {
                    BotState::Other(_) => "an unknown state".to_owned(),
                    known => format!("{known:?}"),
                };
                Err(EngineError::permanent(
                    codes::NOT_ONLINE,
                    format!(
                        "the Custom Endpoint bot reports state {state}; only `online` may start"
                    ),
                ))
            }
        }
    }
}
