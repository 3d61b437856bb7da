//! [`DialogflowEngine`]: the `BotEngine` over V1, ES or CX.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use connector_core::{BotEngine, BotReply, EngineError, EngineSession, InboundEvent};
use url::Url;

use crate::auth::{ServiceAccountKey, ServiceAccountTokenSource, TokenSource};
use crate::config::{
    CxConfig, DialogflowConfig, EsConfig, REQUEST_TIMEOUT_SECS_RANGE, ServiceAccountConfig,
    V1Config,
};
use crate::cx::CxApi;
use crate::error::{DialogflowError, codes};
use crate::es::EsApi;
use crate::google::GoogleClient;
use crate::query::{self, Query, WELCOME_EVENT};
use crate::v1::V1Api;

/// The session id [`BotEngine::test_connection`] queries in, apart from every
/// conversation's.
pub const TEST_CONNECTION_SESSION: &str = "bot-connector-test-connection";

/// Which Dialogflow API an engine speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiVersion {
    /// Dialogflow V1 (deprecated).
    V1,
    /// Dialogflow ES (v2).
    Es,
    /// Dialogflow CX (v3).
    Cx,
}

enum Api {
    V1(V1Api),
    Es(EsApi),
    Cx(CxApi),
}

/// A Dialogflow agent as a LiveEngage bot engine.
///
/// Each LiveEngage conversation is one Dialogflow session whose id is the
/// conversation id, as LivePerson's connector does; Dialogflow keeps the
/// dialogue state, so the [`EngineSession`] stays empty. The welcome event is
/// sent as the Dialogflow event `WELCOME`, texts over the length limit as
/// `DIALOGFLOW_CHAR_LIMIT`, files and rich content as LivePerson's identifier
/// texts; the close event is not sent.
pub struct DialogflowEngine {
    api: Api,
}

impl std::fmt::Debug for DialogflowEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DialogflowEngine")
            .field("api", &self.api_version())
            .finish_non_exhaustive()
    }
}

impl DialogflowEngine {
    /// An engine from its configuration. ES and CX authenticate with the
    /// configured service account; every call goes through `http`.
    ///
    /// # Errors
    ///
    /// A [`DialogflowError`] naming the configuration key at fault: an empty
    /// required field, a key file that cannot be read, a private key that is
    /// not PEM RSA, a base URL that cannot hold a path, a
    /// `request_timeout_secs` outside [`REQUEST_TIMEOUT_SECS_RANGE`].
    pub fn from_config(
        config: &DialogflowConfig,
        http: reqwest::Client,
    ) -> Result<Self, DialogflowError> {
        match config {
            DialogflowConfig::V1(c) => Self::v1(c, http),
            DialogflowConfig::Es(c) => {
                let timeout = request_timeout(c.request_timeout_secs)?;
                let tokens = service_account(&c.service_account, http.clone(), timeout)?;
                Self::es(c, http, tokens)
            }
            DialogflowConfig::Cx(c) => {
                let timeout = request_timeout(c.request_timeout_secs)?;
                let tokens = service_account(&c.service_account, http.clone(), timeout)?;
                Self::cx(c, http, tokens)
            }
        }
    }

    /// A V1 engine.
    ///
    /// # Errors
    ///
    /// An empty token or language, a `request_timeout_secs` outside
    /// [`REQUEST_TIMEOUT_SECS_RANGE`].
    pub fn v1(config: &V1Config, http: reqwest::Client) -> Result<Self, DialogflowError> {
        Ok(Self {
            api: Api::V1(V1Api::new(config, http)?),
        })
    }

    /// An ES engine with its own token source (`config.service_account` is
    /// not read).
    ///
    /// # Errors
    ///
    /// An empty project or language, an unusable base URL, a
    /// `request_timeout_secs` outside [`REQUEST_TIMEOUT_SECS_RANGE`].
    pub fn es(
        config: &EsConfig,
        http: reqwest::Client,
        tokens: Arc<dyn TokenSource>,
    ) -> Result<Self, DialogflowError> {
        let timeout = request_timeout(config.request_timeout_secs)?;
        let client = GoogleClient {
            http,
            tokens,
            timeout,
        };
        Ok(Self {
            api: Api::Es(EsApi::new(config, client)?),
        })
    }

    /// A CX engine with its own token source (`config.service_account` is
    /// not read).
    ///
    /// # Errors
    ///
    /// An empty project, location, agent or language, an unusable base URL,
    /// a `request_timeout_secs` outside [`REQUEST_TIMEOUT_SECS_RANGE`].
    pub fn cx(
        config: &CxConfig,
        http: reqwest::Client,
        tokens: Arc<dyn TokenSource>,
    ) -> Result<Self, DialogflowError> {
        let timeout = request_timeout(config.request_timeout_secs)?;
        let client = GoogleClient {
            http,
            tokens,
            timeout,
        };
        Ok(Self {
            api: Api::Cx(CxApi::new(config, client)?),
        })
    }

    /// The API this engine speaks.
    #[must_use]
    pub fn api_version(&self) -> ApiVersion {
        match self.api {
            Api::V1(_) => ApiVersion::V1,
            Api::Es(_) => ApiVersion::Es,
            Api::Cx(_) => ApiVersion::Cx,
        }
    }

    fn char_limit(&self) -> usize {
        match &self.api {
            Api::V1(a) => a.char_limit,
            Api::Es(a) => a.char_limit,
            Api::Cx(a) => a.char_limit,
        }
    }

    async fn call(
        &self,
        session: &str,
        query: &Query<'_>,
        event: Option<&InboundEvent>,
        code: &connector_core::ErrorCode,
    ) -> Result<BotReply, EngineError> {
        match &self.api {
            Api::V1(api) => api.query(session, query, code).await,
            Api::Es(api) => api.detect_intent(session, query, event, code).await,
            Api::Cx(api) => api.detect_intent(session, query, event, code).await,
        }
    }
}

#[async_trait]
impl BotEngine for DialogflowEngine {
    fn vendor(&self) -> &str {
        "dialogflow"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        _session: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        let Some(query) = query::query(&event.kind, self.char_limit()) else {
            return Ok(BotReply::new());
        };
        let session = event.context.conversation_id.as_str();
        self.call(session, &query, Some(event), &codes::SEND_QUERY)
            .await
    }

    /// Sends the `WELCOME` event in the session [`TEST_CONNECTION_SESSION`]:
    /// this checks the credentials, the agent path and that the answer can be
    /// read. The agent's welcome intent (and its webhook, if any) runs once.
    async fn test_connection(&self) -> Result<(), EngineError> {
        let query = Query::Event(WELCOME_EVENT);
        self.call(
            TEST_CONNECTION_SESSION,
            &query,
            None,
            &codes::TEST_CONNECTION,
        )
        .await
        .map(|_| ())
    }
}

fn service_account(
    config: &ServiceAccountConfig,
    http: reqwest::Client,
    timeout: Duration,
) -> Result<Arc<dyn TokenSource>, DialogflowError> {
    let key = service_account_key(config)?;
    let source = ServiceAccountTokenSource::new(
        http,
        &key,
        config.token_url.clone(),
        Some(config.scope.clone()),
    )?
    .with_request_timeout(timeout);
    Ok(Arc::new(source))
}

/// `request_timeout_secs`, checked against [`REQUEST_TIMEOUT_SECS_RANGE`].
pub(crate) fn request_timeout(secs: u64) -> Result<Duration, DialogflowError> {
    if REQUEST_TIMEOUT_SECS_RANGE.contains(&secs) {
        Ok(Duration::from_secs(secs))
    } else {
        Err(DialogflowError::invalid(
            "request_timeout_secs",
            format!(
                "is {secs}; write a number of seconds from {} to {} (default 20; there is no \"no timeout\")",
                REQUEST_TIMEOUT_SECS_RANGE.start(),
                REQUEST_TIMEOUT_SECS_RANGE.end()
            ),
        ))
    }
}

/// The key from `key_file`, or from `client_email` + `private_key`.
fn service_account_key(
    config: &ServiceAccountConfig,
) -> Result<ServiceAccountKey, DialogflowError> {
    let inline = config.client_email.is_some() || config.private_key.is_some();
    match (&config.key_file, inline) {
        (Some(_), true) => Err(DialogflowError::invalid(
            "service_account",
            "has both `key_file` and `client_email`/`private_key`; give one or the other",
        )),
        (Some(path), false) => {
            let json =
                std::fs::read_to_string(path).map_err(|source| DialogflowError::KeyFile {
                    path: path.clone(),
                    source,
                })?;
            ServiceAccountKey::from_json(&json)
        }
        (None, _) => {
            let email = config.client_email.clone().ok_or_else(|| {
                DialogflowError::invalid(
                    "service_account.client_email",
                    "is missing; give `key_file`, or `client_email` and `private_key`",
                )
            })?;
            let private_key = config.private_key.clone().ok_or_else(|| {
                DialogflowError::invalid(
                    "service_account.private_key",
                    "is missing; paste the PEM key from the key file",
                )
            })?;
            let mut key = ServiceAccountKey::new(email, private_key);
            key.private_key_id.clone_from(&config.private_key_id);
            Ok(key)
        }
    }
}

pub(crate) fn non_empty(field: &'static str, value: &str) -> Result<(), DialogflowError> {
    if value.trim().is_empty() {
        Err(DialogflowError::invalid(field, "is empty"))
    } else {
        Ok(())
    }
}

pub(crate) fn parse_url(field: &'static str, raw: &str) -> Result<Url, DialogflowError> {
    Url::parse(raw)
        .map_err(|e| DialogflowError::invalid(field, format!("`{raw}` is not a URL: {e}")))
}

pub(crate) fn check_base(field: &'static str, url: &Url) -> Result<(), DialogflowError> {
    if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
        Err(DialogflowError::invalid(
            field,
            format!("`{url}` must be an http(s) URL such as https://dialogflow.googleapis.com"),
        ))
    } else {
        Ok(())
    }
}
