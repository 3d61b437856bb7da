//! One bot's definition: the LiveEngage side, the conversation type, the
//! escalation settings, the engine and the runtime knobs.

use std::collections::BTreeMap;
use std::time::Duration;

use connector_core::{ErrorHandling, Secret};
use serde::Deserialize;
use url::Url;

use super::engine::EngineSpec;

/// A bot, as written in `[[bots]]` or posted to `/api/bots`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotSpec {
    /// Unique id: lowercase letters, digits, `-` and `_`.
    pub id: String,
    /// Display name (default: the id).
    #[serde(default)]
    pub name: Option<String>,
    /// Start the bot when the process starts (default true for file bots;
    /// API bots remember whether they were running).
    #[serde(default = "yes")]
    pub autostart: bool,
    /// The LiveEngage account and bot user.
    pub liveengage: LiveEngageSpec,
    /// The conversation type and its settings.
    pub conversation: ConversationSpec,
    /// LiveEngage's "Error Handling" step.
    pub escalation: ErrorHandling,
    /// The AI engine.
    pub engine: EngineSpec,
    /// Function ids of invoke-function actions mapped to HTTP endpoints.
    #[serde(default)]
    pub functions: BTreeMap<String, FunctionSpec>,
    /// Runtime knobs.
    #[serde(default)]
    pub runtime: RuntimeSpec,
}

fn yes() -> bool {
    true
}

impl BotSpec {
    /// The display name.
    #[must_use]
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// The LiveEngage side of a bot.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveEngageSpec {
    /// The account (site) id.
    pub account_id: String,
    /// The CSDS base URL (default LivePerson's production CSDS); the
    /// emulator's base URL (`http://127.0.0.1:port`) in demos and tests.
    #[serde(default = "default_csds")]
    pub csds: Url,
    /// How the bot user logs in.
    pub login: LoginSpec,
    /// Skill names (case sensitive) to ids: every skill the bot transfers
    /// to, the escalation skill included.
    #[serde(default)]
    pub skills: BTreeMap<String, String>,
    /// How the running bot retries a failing login (default LivePerson's
    /// policy: 5 s, 10 s, 15 s after a server error, then from 2 minutes
    /// doubling up to 30). Shorter waits suit emulator and load-test setups.
    #[serde(default)]
    pub retry: LoginRetrySpec,
    /// How the messaging socket waits between reconnects (default from
    /// `500ms`, doubling up to `30s`, with jitter). Shorter waits suit
    /// emulator and load-test setups.
    #[serde(default)]
    pub reconnect: ReconnectSpec,
}

/// The waits between reconnects of the messaging socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReconnectSpec {
    /// The first wait (default `500ms`), doubled after each failed attempt.
    #[serde(default = "default_reconnect_base", with = "humantime_serde")]
    pub base: Duration,
    /// The longest wait (default `30s`).
    #[serde(default = "default_reconnect_max", with = "humantime_serde")]
    pub max: Duration,
}

impl Default for ReconnectSpec {
    fn default() -> Self {
        Self {
            base: default_reconnect_base(),
            max: default_reconnect_max(),
        }
    }
}

fn default_reconnect_base() -> Duration {
    Duration::from_millis(500)
}
fn default_reconnect_max() -> Duration {
    Duration::from_secs(30)
}

/// The waits between login attempts after server errors (5xx) and network
/// failures; LivePerson's recommendation by default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRetrySpec {
    /// The first waits, one per failed attempt (default `["5s", "10s", "15s"]`).
    #[serde(
        default = "default_server_error_delays",
        deserialize_with = "duration_list"
    )]
    pub server_error_delays: Vec<Duration>,
    /// The wait after those, doubled at each further failure (default `2m`).
    #[serde(default = "default_backoff_start", with = "humantime_serde")]
    pub backoff_start: Duration,
    /// The longest wait (default `30m`).
    #[serde(default = "default_backoff_cap", with = "humantime_serde")]
    pub backoff_cap: Duration,
}

impl Default for LoginRetrySpec {
    fn default() -> Self {
        Self {
            server_error_delays: default_server_error_delays(),
            backoff_start: default_backoff_start(),
            backoff_cap: default_backoff_cap(),
        }
    }
}

/// A list of durations written as `"5s"`, `"300ms"`, ….
fn duration_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Duration>, D::Error> {
    let items = Vec::<humantime_serde::Serde<Duration>>::deserialize(d)?;
    Ok(items
        .into_iter()
        .map(humantime_serde::Serde::into_inner)
        .collect())
}

fn default_server_error_delays() -> Vec<Duration> {
    [5, 10, 15].map(Duration::from_secs).to_vec()
}
fn default_backoff_start() -> Duration {
    Duration::from_secs(120)
}
fn default_backoff_cap() -> Duration {
    Duration::from_secs(30 * 60)
}

fn default_csds() -> Url {
    Url::parse("https://adminlogin.liveperson.net").expect("a valid constant URL")
}

/// How the bot user logs in to LiveEngage.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum LoginSpec {
    /// Login name and password.
    Password {
        /// The bot user's login name.
        username: String,
        /// The password (`${ENV}` recommended).
        password: Secret,
    },
    /// An API key ("Application Login") issued for the bot user.
    ApiKey {
        /// The bot user's login name.
        username: String,
        /// The app key.
        app_key: String,
        /// The app secret (`${ENV}` recommended).
        app_secret: Secret,
        /// The access token (`${ENV}` recommended).
        token: Secret,
        /// The access token secret (`${ENV}` recommended).
        token_secret: Secret,
    },
}

impl LoginSpec {
    /// The bot user's login name.
    #[must_use]
    pub fn username(&self) -> &str {
        match self {
            Self::Password { username, .. } | Self::ApiKey { username, .. } => username,
        }
    }
}

/// The conversation type with its settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ConversationSpec {
    /// Messaging over the UMS WebSocket.
    Messaging {
        /// Send the welcome event on new and transferred conversations.
        #[serde(default)]
        welcome: bool,
        /// Combine consecutive consumer texts.
        #[serde(default)]
        combine: Option<CombineSpec>,
    },
    /// Chat over the Chat Agent REST API: chat slots, polling, inactivity
    /// warning and close, transfer skills (`liveengage_chat::ChatSettings`).
    /// The welcome event is always sent on chat.
    Chat(liveengage_chat::ChatSettings),
}

impl ConversationSpec {
    /// `messaging` or `chat`.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Messaging { .. } => "messaging",
            Self::Chat(_) => "chat",
        }
    }
}

/// "Combine Messages".
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CombineSpec {
    /// At most this many texts are merged (at least 2).
    pub max_messages: usize,
    /// Wait for a further text this long (`"2s"`).
    #[serde(with = "humantime_serde")]
    pub window: Duration,
}

/// An HTTP endpoint for an invoke-function action.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    /// Receives `POST` with the invocation as JSON.
    pub url: Url,
    /// Sent as `Authorization: Bearer` when set.
    #[serde(default)]
    pub bearer: Option<Secret>,
    /// How long the call may take (default 30 s, LivePerson's limit).
    #[serde(default = "default_function_timeout", with = "humantime_serde")]
    pub timeout: Duration,
}

fn default_function_timeout() -> Duration {
    Duration::from_secs(30)
}

/// Runtime knobs; every one has LiveEngage's default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeSpec {
    /// How long one engine call may take (default `15s`).
    #[serde(default = "default_engine_timeout", with = "humantime_serde")]
    pub engine_timeout: Duration,
    /// Open conversations beyond this are escalated (default 999).
    #[serde(default = "default_max_open")]
    pub max_open_conversations: usize,
    /// Turns running at once across conversations (default 256).
    #[serde(default = "default_concurrency")]
    pub max_concurrent_turns: usize,
    /// The consumer spam guard (default on: more than 4 messages in 2 s).
    #[serde(default = "yes")]
    pub spam_guard: bool,
}

fn default_engine_timeout() -> Duration {
    Duration::from_secs(15)
}
fn default_max_open() -> usize {
    connector_runtime::DEFAULT_MAX_OPEN_CONVERSATIONS
}
fn default_concurrency() -> usize {
    256
}

impl Default for RuntimeSpec {
    fn default() -> Self {
        Self {
            engine_timeout: default_engine_timeout(),
            max_open_conversations: default_max_open(),
            max_concurrent_turns: default_concurrency(),
            spam_guard: true,
        }
    }
}
