//! [`LexEngine`]: the `BotEngine` over Lex V2 or V1.

use std::time::Duration;

use async_trait::async_trait;
use connector_core::{
    BotEngine, BotReply, EngineError, EngineSession, ErrorCode, EventKind, InboundEvent,
};
use url::Url;

use crate::config::{LexConfig, REQUEST_TIMEOUT_SECS_RANGE, V1Config, V2Config};
use crate::credentials::CredentialSource;
use crate::error::{LexError, codes};
use crate::http::LexHttp;
use crate::v1::V1Api;
use crate::v2::V2Api;

/// The session id [`BotEngine::test_connection`] talks in, apart from every
/// conversation's.
pub const TEST_CONNECTION_SESSION: &str = "bot-connector-test-connection";

/// Which Lex API an engine speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LexApi {
    /// Lex V2 (RecognizeText).
    V2,
    /// Lex V1 (PostText).
    V1,
}

enum Api {
    V2(V2Api),
    V1(V1Api),
}

/// An Amazon Lex bot as a LiveEngage bot engine.
///
/// The Lex session id (V2) or user id (V1) is the LiveEngage conversation id.
/// Each request carries `requestAttributes["BC-LP-CONTEXT"]`, the JSON string
/// of `{lpEvent, lpSdes}`, and the session attributes (with `convId`) kept in
/// the [`EngineSession`]. The welcome event is sent as the text
/// `WELCOME-INTENT` (configurable); files and rich content as LivePerson's
/// identifier texts; the close event is not sent.
pub struct LexEngine {
    api: Api,
    http: LexHttp,
    welcome_text: String,
}

impl std::fmt::Debug for LexEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LexEngine")
            .field("api", &self.api())
            .field("region", &self.http.region)
            .field("credentials", &self.http.credentials)
            .finish_non_exhaustive()
    }
}

impl LexEngine {
    /// An engine from its configuration; every call goes through `http`.
    ///
    /// # Errors
    ///
    /// A [`LexError`] naming the configuration key at fault: an empty field, a
    /// V2 bot id that is not 10 alphanumeric characters, an unusable base URL,
    /// a `request_timeout_secs` outside
    /// [`REQUEST_TIMEOUT_SECS_RANGE`](crate::REQUEST_TIMEOUT_SECS_RANGE), or
    /// no credentials without the `default-credentials` feature.
    pub fn from_config(config: &LexConfig, http: reqwest::Client) -> Result<Self, LexError> {
        match config {
            LexConfig::V2(c) => Self::v2(c, http),
            LexConfig::V1(c) => Self::v1(c, http),
        }
    }

    /// A Lex V2 engine.
    ///
    /// # Errors
    ///
    /// As [`LexEngine::from_config`].
    pub fn v2(config: &V2Config, http: reqwest::Client) -> Result<Self, LexError> {
        non_empty("region", &config.region)?;
        if config.bot_id.len() != 10 || !config.bot_id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(LexError::invalid(
                "bot_id",
                format!(
                    "`{}` must be the 10-character bot id shown in the Lex console",
                    config.bot_id
                ),
            ));
        }
        non_empty("bot_alias_id", &config.bot_alias_id)?;
        non_empty("locale_id", &config.locale_id)?;
        non_empty("welcome_text", &config.welcome_text)?;
        let base = base_url(
            config.base_url.as_ref(),
            &format!(
                "https://runtime-v2-lex.{}.amazonaws.com",
                config.region.trim()
            ),
        )?;
        Ok(Self {
            api: Api::V2(V2Api {
                base,
                bot_id: config.bot_id.clone(),
                bot_alias_id: config.bot_alias_id.trim().to_owned(),
                locale_id: config.locale_id.trim().to_owned(),
            }),
            http: lex_http(
                http,
                config.credentials.as_ref(),
                &config.region,
                config.request_timeout_secs,
            )?,
            welcome_text: config.welcome_text.clone(),
        })
    }

    /// A Lex V1 engine.
    ///
    /// # Errors
    ///
    /// As [`LexEngine::from_config`].
    pub fn v1(config: &V1Config, http: reqwest::Client) -> Result<Self, LexError> {
        non_empty("region", &config.region)?;
        non_empty("bot_name", &config.bot_name)?;
        non_empty("bot_alias", &config.bot_alias)?;
        non_empty("welcome_text", &config.welcome_text)?;
        let base = base_url(
            config.base_url.as_ref(),
            &format!("https://runtime.lex.{}.amazonaws.com", config.region.trim()),
        )?;
        Ok(Self {
            api: Api::V1(V1Api {
                base,
                bot_name: config.bot_name.trim().to_owned(),
                bot_alias: config.bot_alias.trim().to_owned(),
            }),
            http: lex_http(
                http,
                config.credentials.as_ref(),
                &config.region,
                config.request_timeout_secs,
            )?,
            welcome_text: config.welcome_text.clone(),
        })
    }

    /// The API this engine speaks.
    #[must_use]
    pub fn api(&self) -> LexApi {
        match self.api {
            Api::V2(_) => LexApi::V2,
            Api::V1(_) => LexApi::V1,
        }
    }

    async fn call(
        &self,
        session_id: &str,
        text: &str,
        event: Option<&InboundEvent>,
        session: &mut EngineSession,
        code: &ErrorCode,
    ) -> Result<BotReply, EngineError> {
        match &self.api {
            Api::V2(api) => {
                api.recognize(&self.http, session_id, text, event, session, code)
                    .await
            }
            Api::V1(api) => {
                api.post_text(&self.http, session_id, text, event, session, code)
                    .await
            }
        }
    }
}

#[async_trait]
impl BotEngine for LexEngine {
    fn vendor(&self) -> &str {
        "lex"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        session: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        let text = match &event.kind {
            EventKind::ConversationStarted { .. } => self.welcome_text.as_str(),
            EventKind::ConversationClosed => return Ok(BotReply::new()),
            kind => match kind.utterance() {
                Some(text) => text,
                None => return Ok(BotReply::new()),
            },
        };
        let session_id = event.context.conversation_id.as_str();
        self.call(session_id, text, Some(event), session, &codes::SEND_QUERY)
            .await
    }

    /// Sends the welcome text in the session [`TEST_CONNECTION_SESSION`]: this
    /// checks the credentials, the region, the bot path and that the answer can
    /// be read (the bot's welcome intent runs once).
    async fn test_connection(&self) -> Result<(), EngineError> {
        let mut session = EngineSession::default();
        match self
            .call(
                TEST_CONNECTION_SESSION,
                &self.welcome_text,
                None,
                &mut session,
                &codes::TEST_CONNECTION,
            )
            .await
        {
            // A failed intent or an unusual payload still proves the connection.
            Ok(_) => Ok(()),
            Err(e) if e.code() != &codes::TEST_CONNECTION => Ok(()),
            Err(e) => Err(e),
        }
    }
}

fn lex_http(
    client: reqwest::Client,
    credentials: Option<&crate::config::StaticCredentials>,
    region: &str,
    timeout_secs: u64,
) -> Result<LexHttp, LexError> {
    if !REQUEST_TIMEOUT_SECS_RANGE.contains(&timeout_secs) {
        return Err(LexError::invalid(
            "request_timeout_secs",
            format!(
                "is {timeout_secs}; write a number of seconds from {} to {} (default 20; there is no \"no timeout\")",
                REQUEST_TIMEOUT_SECS_RANGE.start(),
                REQUEST_TIMEOUT_SECS_RANGE.end()
            ),
        ));
    }
    Ok(LexHttp {
        client,
        credentials: CredentialSource::from_config(credentials, region.trim())?,
        region: region.trim().to_owned(),
        timeout: Duration::from_secs(timeout_secs),
    })
}

fn non_empty(field: &'static str, value: &str) -> Result<(), LexError> {
    if value.trim().is_empty() {
        Err(LexError::invalid(field, "is empty"))
    } else {
        Ok(())
    }
}

fn base_url(configured: Option<&Url>, default: &str) -> Result<Url, LexError> {
    let url = match configured {
        Some(url) => url.clone(),
        None => Url::parse(default).map_err(|e| {
            LexError::invalid(
                "region",
                format!("gives the host `{default}`, not a URL: {e}"),
            )
        })?,
    };
    if url.cannot_be_a_base()
        || !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
    {
        return Err(LexError::invalid(
            "base_url",
            format!(
                "`{url}` must be an http(s) URL such as https://runtime-v2-lex.us-east-1.amazonaws.com"
            ),
        ));
    }
    Ok(url)
}
