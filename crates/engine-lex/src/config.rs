//! The engine configuration, deserializable from TOML (`bot-connector` embeds it).

use std::ops::RangeInclusive;

use connector_core::Secret;
use serde::{Deserialize, Serialize};
use url::Url;

/// The timeout of one HTTP call when `request_timeout_secs` is not set: 20 seconds.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 20;
/// The allowed `request_timeout_secs`: 1 to 300 seconds. There is no "no
/// timeout": an endpoint that never answers would hold a conversation (and a
/// Test Connection) forever.
pub const REQUEST_TIMEOUT_SECS_RANGE: RangeInclusive<u64> = 1..=300;

/// Which Lex API a bot uses, with its settings. In TOML the key `api` chooses
/// the variant: `"v2"` (Lex V2 RecognizeText) or `"v1"` (Lex V1 PostText).
///
/// # Examples
///
/// ```
/// use engine_lex::LexConfig;
///
/// let config: LexConfig = toml::from_str(r#"
///     api = "v2"
///     region = "eu-west-1"
///     bot_id = "ABCDEFGHIJ"
///     bot_alias_id = "TSTALIASID"
///     locale_id = "en_US"
///
///     [credentials]
///     access_key_id = "AKIDEXAMPLE"
///     secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
/// "#).unwrap();
/// let LexConfig::V2(v2) = &config else { unreachable!() };
/// assert_eq!(v2.locale_id, "en_US");
/// assert_eq!(format!("{:?}", v2.credentials), "Some(StaticCredentials { access_key_id: \"AKIDEXAMPLE\", secret_access_key: ***, session_token: None })");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "api", rename_all = "lowercase")]
#[non_exhaustive]
pub enum LexConfig {
    /// Lex V2: `RecognizeText` on `runtime-v2-lex.{region}.amazonaws.com`.
    V2(V2Config),
    /// Lex V1: `PostText` on `runtime.lex.{region}.amazonaws.com`. AWS ended
    /// support for Lex V1 on 2025-09-15; kept for LivePerson bots that still use it.
    V1(V1Config),
}

/// Lex V2 settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct V2Config {
    /// The AWS region of the bot, e.g. `us-east-1`.
    pub region: String,
    /// The bot id: 10 alphanumeric characters.
    pub bot_id: String,
    /// The alias id, e.g. `TSTALIASID` for the draft test alias.
    pub bot_alias_id: String,
    /// The locale, e.g. `en_US`.
    pub locale_id: String,
    /// Static IAM keys. Absent: the AWS default credential chain (needs the
    /// cargo feature `default-credentials`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<StaticCredentials>,
    /// The runtime endpoint. Default `https://runtime-v2-lex.{region}.amazonaws.com`
    /// (use `https://runtime-v2-lex-fips.{region}.amazonaws.com` for FIPS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Url>,
    /// The text sent for the welcome event. Default `WELCOME-INTENT`.
    #[serde(default = "default_welcome_text")]
    pub welcome_text: String,
    /// Timeout of one HTTP call, in seconds: 1 to 300
    /// ([`REQUEST_TIMEOUT_SECS_RANGE`]). Default 20.
    #[serde(default = "default_timeout")]
    pub request_timeout_secs: u64,
}

impl V2Config {
    /// A V2 configuration with the defaults.
    #[must_use]
    pub fn new(
        region: impl Into<String>,
        bot_id: impl Into<String>,
        bot_alias_id: impl Into<String>,
        locale_id: impl Into<String>,
        credentials: Option<StaticCredentials>,
    ) -> Self {
        Self {
            region: region.into(),
            bot_id: bot_id.into(),
            bot_alias_id: bot_alias_id.into(),
            locale_id: locale_id.into(),
            credentials,
            base_url: None,
            welcome_text: default_welcome_text(),
            request_timeout_secs: default_timeout(),
        }
    }
}

/// Lex V1 settings (LivePerson's wizard: region, access key, secret key, bot
/// name, bot alias).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct V1Config {
    /// The AWS region of the bot, e.g. `us-east-1`.
    pub region: String,
    /// The bot name.
    pub bot_name: String,
    /// The bot alias (`$LATEST` is not allowed by PostText; use an alias).
    pub bot_alias: String,
    /// Static IAM keys. Absent: the AWS default credential chain (needs the
    /// cargo feature `default-credentials`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<StaticCredentials>,
    /// The runtime endpoint. Default `https://runtime.lex.{region}.amazonaws.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Url>,
    /// The text sent for the welcome event. Default `WELCOME-INTENT`.
    #[serde(default = "default_welcome_text")]
    pub welcome_text: String,
    /// Timeout of one HTTP call, in seconds: 1 to 300
    /// ([`REQUEST_TIMEOUT_SECS_RANGE`]). Default 20.
    #[serde(default = "default_timeout")]
    pub request_timeout_secs: u64,
}

impl V1Config {
    /// A V1 configuration with the defaults.
    #[must_use]
    pub fn new(
        region: impl Into<String>,
        bot_name: impl Into<String>,
        bot_alias: impl Into<String>,
        credentials: Option<StaticCredentials>,
    ) -> Self {
        Self {
            region: region.into(),
            bot_name: bot_name.into(),
            bot_alias: bot_alias.into(),
            credentials,
            base_url: None,
            welcome_text: default_welcome_text(),
            request_timeout_secs: default_timeout(),
        }
    }
}

/// IAM keys of a user allowed `lex:RecognizeText` (V2) or `lex:PostText` (V1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StaticCredentials {
    /// The access key id (`AKIA...`).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: Secret,
    /// A session token, for temporary credentials only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_token: Option<Secret>,
}

impl StaticCredentials {
    /// Long-term keys.
    #[must_use]
    pub fn new(access_key_id: impl Into<String>, secret_access_key: Secret) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key,
            session_token: None,
        }
    }
}

/// The welcome text LivePerson's Lex connector documents (`WELCOME-INTENT`).
pub const WELCOME_TEXT: &str = "WELCOME-INTENT";

fn default_welcome_text() -> String {
    WELCOME_TEXT.to_owned()
}

fn default_timeout() -> u64 {
    DEFAULT_REQUEST_TIMEOUT_SECS
}
