//! The engine configuration, deserializable from TOML (`bot-connector` embeds it).

use std::ops::RangeInclusive;
use std::path::PathBuf;

use connector_core::Secret;
use serde::{Deserialize, Serialize};
use url::Url;

/// The timeout of one HTTP call (detectIntent, V1 `query`, the token
/// request) when `request_timeout_secs` is not set: 20 seconds.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 20;
/// The allowed `request_timeout_secs`: 1 to 300 seconds. There is no "no
/// timeout": an endpoint that never answers would hold a conversation (and a
/// Test Connection) forever.
pub const REQUEST_TIMEOUT_SECS_RANGE: RangeInclusive<u64> = 1..=300;

/// Which Dialogflow API a bot uses, with its settings. In TOML the key `api`
/// chooses the variant: `"v1"`, `"es"` or `"cx"`.
///
/// # Examples
///
/// ```
/// use engine_dialogflow::DialogflowConfig;
///
/// let config: DialogflowConfig = toml::from_str(r#"
///     api = "cx"
///     project_id = "shop-bot"
///     location = "europe-west2"
///     agent_id = "0c6a1f7e-3c1b-4c1a-9a44-1b2f0e5f7a10"
///     language_code = "en"
///
///     [service_account]
///     key_file = "/etc/bot/shop-bot-key.json"
/// "#).unwrap();
/// assert!(matches!(config, DialogflowConfig::Cx(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "api", rename_all = "lowercase")]
#[non_exhaustive]
pub enum DialogflowConfig {
    /// Dialogflow V1 (the legacy `query` API). Deprecated: Google shut it down
    /// in 2019; kept for self-hosted or proxied V1-compatible agents.
    V1(V1Config),
    /// Dialogflow ES (API v2).
    Es(EsConfig),
    /// Dialogflow CX (API v3).
    Cx(CxConfig),
}

/// Dialogflow V1 (deprecated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct V1Config {
    /// The agent's client access token, sent as `Authorization: Bearer`.
    pub client_access_token: Secret,
    /// The query language (`lang`). Default `en`.
    #[serde(default = "default_v1_language")]
    pub language: String,
    /// The query URL (LivePerson's "Dialogflow query url").
    /// Default `https://api.dialogflow.com/v1/query`.
    #[serde(default = "default_v1_query_url")]
    pub query_url: Url,
    /// The protocol version sent as `?v=`. Default `20150910`.
    #[serde(default = "default_v1_protocol")]
    pub protocol_version: String,
    /// Texts longer than this many characters are replaced by the event
    /// `DIALOGFLOW_CHAR_LIMIT`. Default 255, as LivePerson documents for V1.
    #[serde(default = "default_char_limit_255")]
    pub char_limit: usize,
    /// Timeout of one HTTP call (`query`), in seconds: 1 to 300
    /// ([`REQUEST_TIMEOUT_SECS_RANGE`]). Default 20 ([`DEFAULT_REQUEST_TIMEOUT_SECS`]).
    #[serde(default = "default_timeout")]
    pub request_timeout_secs: u64,
}

impl V1Config {
    /// A V1 configuration with the defaults.
    #[must_use]
    pub fn new(client_access_token: Secret) -> Self {
        Self {
            client_access_token,
            language: default_v1_language(),
            query_url: default_v1_query_url(),
            protocol_version: default_v1_protocol(),
            char_limit: default_char_limit_255(),
            request_timeout_secs: default_timeout(),
        }
    }
}

/// Dialogflow ES (API v2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EsConfig {
    /// The Google Cloud project of the agent.
    pub project_id: String,
    /// The query language, e.g. `en-US`.
    pub language_code: String,
    /// The agent's region (`europe-west1`, `europe-west2`, `australia-southeast1`,
    /// `asia-northeast1`, ...). Absent or `global`: the global agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The environment (e.g. `production`). Absent: the draft agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The user id in environment paths. Default `-` (the default user).
    #[serde(default = "default_user")]
    pub user_id: String,
    /// The API base URL. Default `https://dialogflow.googleapis.com`, or
    /// `https://{location}-dialogflow.googleapis.com` for a regional agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Url>,
    /// `queryParams.timeZone`, e.g. `Europe/Paris`. Absent: the agent's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Texts longer than this many characters are replaced by the event
    /// `DIALOGFLOW_CHAR_LIMIT`. Default 256, as LivePerson documents for ES.
    #[serde(default = "default_char_limit_256")]
    pub char_limit: usize,
    /// Timeout of one HTTP call (detectIntent and the service account's token request), in seconds: 1 to 300
    /// ([`REQUEST_TIMEOUT_SECS_RANGE`]). Default 20 ([`DEFAULT_REQUEST_TIMEOUT_SECS`]).
    #[serde(default = "default_timeout")]
    pub request_timeout_secs: u64,
    /// The service account the engine authenticates as.
    pub service_account: ServiceAccountConfig,
}

impl EsConfig {
    /// An ES configuration for the global draft agent of `project_id`.
    #[must_use]
    pub fn new(
        project_id: impl Into<String>,
        language_code: impl Into<String>,
        service_account: ServiceAccountConfig,
    ) -> Self {
        Self {
            project_id: project_id.into(),
            language_code: language_code.into(),
            location: None,
            environment: None,
            user_id: default_user(),
            base_url: None,
            time_zone: None,
            char_limit: default_char_limit_256(),
            request_timeout_secs: default_timeout(),
            service_account,
        }
    }
}

/// Dialogflow CX (API v3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CxConfig {
    /// The Google Cloud project of the agent.
    pub project_id: String,
    /// The agent's location: `global`, `us-central1`, `europe-west2`, ...
    pub location: String,
    /// The agent id: the last segment of
    /// `projects/<project>/locations/<location>/agents/<agent id>`.
    pub agent_id: String,
    /// The environment id (last segment of `.../environments/<id>`). Absent:
    /// the draft flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The query language, e.g. `en`.
    pub language_code: String,
    /// The API base URL. Default `https://{location}-dialogflow.googleapis.com`,
    /// or `https://dialogflow.googleapis.com` for `global`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Url>,
    /// `queryParams.timeZone`. Absent: the agent's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Texts longer than this many characters are replaced by the event
    /// `DIALOGFLOW_CHAR_LIMIT`. Default 255, as LivePerson documents for CX.
    #[serde(default = "default_char_limit_255")]
    pub char_limit: usize,
    /// Timeout of one HTTP call (detectIntent and the service account's token request), in seconds: 1 to 300
    /// ([`REQUEST_TIMEOUT_SECS_RANGE`]). Default 20 ([`DEFAULT_REQUEST_TIMEOUT_SECS`]).
    #[serde(default = "default_timeout")]
    pub request_timeout_secs: u64,
    /// The service account the engine authenticates as.
    pub service_account: ServiceAccountConfig,
}

impl CxConfig {
    /// A CX configuration for the draft flow of an agent.
    #[must_use]
    pub fn new(
        project_id: impl Into<String>,
        location: impl Into<String>,
        agent_id: impl Into<String>,
        language_code: impl Into<String>,
        service_account: ServiceAccountConfig,
    ) -> Self {
        Self {
            project_id: project_id.into(),
            location: location.into(),
            agent_id: agent_id.into(),
            environment: None,
            language_code: language_code.into(),
            base_url: None,
            time_zone: None,
            char_limit: default_char_limit_255(),
            request_timeout_secs: default_timeout(),
            service_account,
        }
    }
}

/// The service account an ES or CX engine authenticates as: either the key
/// file Google issues (`key_file`), or LivePerson's two fields
/// (`client_email` and `private_key`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ServiceAccountConfig {
    /// A service-account key JSON file, read when the engine is built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    /// The service account's e-mail (`client_email` in the key file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_email: Option<String>,
    /// The PEM private key, newlines kept (`private_key` in the key file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<Secret>,
    /// The key id, sent as the JWT `kid` (`private_key_id` in the key file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_id: Option<String>,
    /// The OAuth token endpoint. Default: the key file's `token_uri`, else
    /// `https://oauth2.googleapis.com/token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<Url>,
    /// The OAuth scope. Default `https://www.googleapis.com/auth/cloud-platform`.
    #[serde(default = "default_scope")]
    pub scope: String,
}

impl ServiceAccountConfig {
    /// A service account from a key file.
    #[must_use]
    pub fn key_file(path: impl Into<PathBuf>) -> Self {
        Self {
            key_file: Some(path.into()),
            scope: default_scope(),
            ..Self::default()
        }
    }

    /// A service account from its e-mail and PEM private key.
    #[must_use]
    pub fn inline(client_email: impl Into<String>, private_key: Secret) -> Self {
        Self {
            client_email: Some(client_email.into()),
            private_key: Some(private_key),
            scope: default_scope(),
            ..Self::default()
        }
    }

    /// Sets the token endpoint (tests point it at a mock server).
    #[must_use]
    pub fn with_token_url(mut self, url: Url) -> Self {
        self.token_url = Some(url);
        self
    }
}

/// Google's OAuth token endpoint.
pub const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
/// The OAuth scope used by default.
pub const CLOUD_PLATFORM_SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";

fn default_scope() -> String {
    CLOUD_PLATFORM_SCOPE.to_owned()
}

fn default_user() -> String {
    "-".to_owned()
}

fn default_v1_language() -> String {
    "en".to_owned()
}

fn default_v1_protocol() -> String {
    "20150910".to_owned()
}

fn default_v1_query_url() -> Url {
    Url::parse("https://api.dialogflow.com/v1/query").expect("a valid constant URL")
}

fn default_char_limit_255() -> usize {
    255
}

fn default_char_limit_256() -> usize {
    256
}

fn default_timeout() -> u64 {
    DEFAULT_REQUEST_TIMEOUT_SECS
}
