//! The engine configuration, deserializable from TOML (`bot-connector` embeds it).

use connector_core::Secret;
use serde::{Deserialize, Serialize};
use url::Url;

/// A Custom Endpoint bot (LivePerson's wizard: base URL, client id and secret
/// of an app installation, bot id, environment).
///
/// # Examples
///
/// ```
/// use engine_webhook::WebhookConfig;
///
/// let config: WebhookConfig = toml::from_str(r#"
///     base_url = "https://bot.example.com/api"
///     bot_id = "5809777a-e548-4bd2-bc5f-a1003c132a28"
///     token_url = "https://sentinel.example.com/sentinel/api/account/123/app/token?v=1.0"
///     client_id = "installation-id"
///     client_secret = "s3cr3t"
/// "#).unwrap();
/// assert_eq!(config.environment, "draft");
/// assert_eq!(config.request_timeout_secs, 60);
/// assert!(!format!("{config:?}").contains("s3cr3t"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WebhookConfig {
    /// The service's base URL; requests go to `{base_url}/v1/bots/{bot_id}/environments/{environment}/...`.
    pub base_url: Url,
    /// The bot id: letters, digits and `-`, at most 36 characters (a UUID is recommended).
    pub bot_id: String,
    /// The environment. Default `draft`.
    #[serde(default = "default_environment")]
    pub environment: String,
    /// The OAuth2 token endpoint (client-credentials grant). LivePerson uses
    /// Sentinel: `https://{sentinel}/sentinel/api/account/{accountId}/app/token?v=1.0`.
    pub token_url: Url,
    /// The client id (the app installation's id).
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
    /// Timeout of one HTTP call, in seconds. Default 60 (the contract's).
    #[serde(default = "default_timeout")]
    pub request_timeout_secs: u64,
    /// Attempts per call when the service answers 429 or 5xx or cannot be
    /// reached. Default 3 ("after three attempts no further request").
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// Pauses before the 2nd, 3rd, ... attempt after a 5xx or a network error,
    /// in seconds (the last repeats). Default `[5, 10, 15]`. A 429 waits for
    /// its `Retry-After`, at least 1 s.
    #[serde(default = "default_delays")]
    pub retry_delays_secs: Vec<u64>,
}

impl WebhookConfig {
    /// A configuration with the defaults.
    #[must_use]
    pub fn new(
        base_url: Url,
        bot_id: impl Into<String>,
        token_url: Url,
        client_id: impl Into<String>,
        client_secret: Secret,
    ) -> Self {
        Self {
            base_url,
            bot_id: bot_id.into(),
            environment: default_environment(),
            token_url,
            client_id: client_id.into(),
            client_secret,
            request_timeout_secs: default_timeout(),
            max_attempts: default_attempts(),
            retry_delays_secs: default_delays(),
        }
    }
}

fn default_environment() -> String {
    "draft".to_owned()
}

fn default_timeout() -> u64 {
    60
}

fn default_attempts() -> u32 {
    3
}

fn default_delays() -> Vec<u64> {
    vec![5, 10, 15]
}
