//! The engine configuration, deserializable from TOML (`bot-connector` embeds it).

use std::ops::RangeInclusive;

use connector_core::Secret;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::WebhookError;

/// The allowed `max_attempts`: 1 to 10 (the contract makes 3).
pub const MAX_ATTEMPTS_RANGE: RangeInclusive<u32> = 1..=10;
/// The allowed `request_timeout_secs`: 1 to 300 seconds (the contract's is
/// 60). There is no "no timeout": a service that never answers would hold
/// the conversation (and a Test Connection) forever.
pub const REQUEST_TIMEOUT_SECS_RANGE: RangeInclusive<u64> = 1..=300;
/// The allowed value of each `retry_delays_secs` entry: 0 to 300 seconds.
pub const RETRY_DELAY_SECS_RANGE: RangeInclusive<u64> = 0..=300;
/// The most entries `retry_delays_secs` may have (one pause fewer than the
/// most attempts is ever used; the last one repeats).
pub const MAX_RETRY_DELAYS: usize = 10;

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
    /// Timeout of one HTTP call (token, state, conversation, event), in
    /// seconds: 1 to 300 ([`REQUEST_TIMEOUT_SECS_RANGE`]). Default 60 (the
    /// contract's).
    #[serde(default = "default_timeout")]
    pub request_timeout_secs: u64,
    /// Attempts per call when the service answers 429 or 5xx or cannot be
    /// reached: 1 to 10 ([`MAX_ATTEMPTS_RANGE`]). Default 3 ("after three
    /// attempts no further request").
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// Pauses before the 2nd, 3rd, ... attempt after a 5xx or a network error,
    /// in seconds (the last repeats): at most [`MAX_RETRY_DELAYS`] values of
    /// 0 to 300 ([`RETRY_DELAY_SECS_RANGE`]). Default `[5, 10, 15]`. A 429
    /// waits for its `Retry-After`, at least 1 s and at most 300 s.
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

impl WebhookConfig {
    /// Checks the numeric settings against their documented ranges.
    pub(crate) fn check_limits(&self) -> Result<(), WebhookError> {
        if !MAX_ATTEMPTS_RANGE.contains(&self.max_attempts) {
            return Err(WebhookError::invalid(
                "max_attempts",
                format!(
                    "is {}; write a number from {} to {} (the contract makes 3)",
                    self.max_attempts,
                    MAX_ATTEMPTS_RANGE.start(),
                    MAX_ATTEMPTS_RANGE.end()
                ),
            ));
        }
        if !REQUEST_TIMEOUT_SECS_RANGE.contains(&self.request_timeout_secs) {
            return Err(WebhookError::invalid(
                "request_timeout_secs",
                format!(
                    "is {}; write a number of seconds from {} to {} (the contract's is 60; there is no \"no timeout\")",
                    self.request_timeout_secs,
                    REQUEST_TIMEOUT_SECS_RANGE.start(),
                    REQUEST_TIMEOUT_SECS_RANGE.end()
                ),
            ));
        }
        if self.retry_delays_secs.len() > MAX_RETRY_DELAYS {
            return Err(WebhookError::invalid(
                "retry_delays_secs",
                format!(
                    "has {} values; give at most {MAX_RETRY_DELAYS} (the last one repeats)",
                    self.retry_delays_secs.len()
                ),
            ));
        }
        if let Some(bad) = self
            .retry_delays_secs
            .iter()
            .find(|d| !RETRY_DELAY_SECS_RANGE.contains(d))
        {
            return Err(WebhookError::invalid(
                "retry_delays_secs",
                format!(
                    "contains {bad}; each pause is {} to {} seconds",
                    RETRY_DELAY_SECS_RANGE.start(),
                    RETRY_DELAY_SECS_RANGE.end()
                ),
            ));
        }
        Ok(())
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
