//! Configuration: where the Chat Agent API is, how often to poll, how many
//! chats to hold, and the inactivity settings.

use std::collections::HashMap;
use std::time::Duration;

use connector_core::BotId;
use liveengage_auth::retry::RetryPolicy;
use serde::{Deserialize, Serialize};
use url::Url;

/// LiveEngage's "Conversation Type" settings for chat bots: a warning after
/// some consumer inactivity, and a close after more.
///
/// Both spans count from the consumer's last line (or from the moment the
/// bot took the chat, before the consumer wrote): the warning comes
/// `warning_after` after it, the close `close_after` after it. Each consumer
/// line starts both again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InactivitySettings {
    /// "Time until warning" (e.g. `"3m"`); no warning when absent.
    #[serde(
        default,
        with = "humantime_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub warning_after: Option<Duration>,
    /// "Warning message".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning_message: Option<String>,
    /// "Time until conversation close" (e.g. `"5m"`); the chat stays open when absent.
    #[serde(
        default,
        with = "humantime_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub close_after: Option<Duration>,
    /// "Close message", sent just before the chat is ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_message: Option<String>,
}

impl InactivitySettings {
    /// Warn after `after` with `message`.
    #[must_use]
    pub fn warn(mut self, after: Duration, message: impl Into<String>) -> Self {
        self.warning_after = Some(after);
        self.warning_message = Some(message.into());
        self
    }

    /// Close after `after`, sending `message` first.
    #[must_use]
    pub fn close(mut self, after: Duration, message: impl Into<String>) -> Self {
        self.close_after = Some(after);
        self.close_message = Some(message.into());
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    ///
    /// A message naming the key to fix: a zero span, a warning without its
    /// message, or a close that does not come after the warning.
    pub fn validate(&self) -> Result<(), String> {
        if self.warning_after.is_some_and(|d| d.is_zero()) {
            return Err("inactivity.warning_after: must be more than zero".into());
        }
        if self.close_after.is_some_and(|d| d.is_zero()) {
            return Err("inactivity.close_after: must be more than zero".into());
        }
        if self.warning_after.is_some()
            && self
                .warning_message
                .as_deref()
                .is_none_or(|m| m.trim().is_empty())
        {
            return Err("inactivity.warning_message: set the text of the warning".into());
        }
        if let (Some(warn), Some(close)) = (self.warning_after, self.close_after)
            && close <= warn
        {
            return Err(
                "inactivity.close_after: must be longer than warning_after (both count from the consumer's last line)"
                    .into(),
            );
        }
        Ok(())
    }
}

/// How often to poll. The interval adapts: `active` while the bot holds
/// chats; without chats it starts at `idle` and doubles on every empty poll up
/// to `idle_max`, so an idle bot is cheap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollingSettings {
    /// While chats are open (default 1 s).
    #[serde(default = "default_active", with = "humantime_serde")]
    pub active: Duration,
    /// The first interval without chats (default 2 s, as LivePerson's sample).
    #[serde(default = "default_idle", with = "humantime_serde")]
    pub idle: Duration,
    /// The longest interval without chats (default 8 s). LiveEngage sets an
    /// agent Away when a ringing chat is not taken within 20 s, so keep it well
    /// under that.
    #[serde(default = "default_idle_max", with = "humantime_serde")]
    pub idle_max: Duration,
}

fn default_active() -> Duration {
    Duration::from_secs(1)
}
fn default_idle() -> Duration {
    Duration::from_secs(2)
}
fn default_idle_max() -> Duration {
    Duration::from_secs(8)
}

impl Default for PollingSettings {
    fn default() -> Self {
        Self {
            active: default_active(),
            idle: default_idle(),
            idle_max: default_idle_max(),
        }
    }
}

impl PollingSettings {
    /// Checks the intervals.
    ///
    /// # Errors
    ///
    /// A message naming the key to fix.
    pub fn validate(&self) -> Result<(), String> {
        if self.active.is_zero() || self.idle.is_zero() {
            return Err("polling: intervals must be more than zero".into());
        }
        if self.idle_max < self.idle {
            return Err("polling.idle_max: must not be shorter than polling.idle".into());
        }
        if self.idle_max >= Duration::from_secs(20) {
            return Err(
                "polling.idle_max: must be under 20s (LiveEngage sets an agent Away when a chat rings 20s unanswered)"
                    .into(),
            );
        }
        Ok(())
    }
}

/// The TOML/JSON form of the chat settings of one bot, e.g.
///
/// ```toml
/// max_chats = 20
/// request_timeout = "10s"
/// [polling]
/// active = "1s"
/// [inactivity]
/// warning_after = "3m"
/// warning_message = "Are you still there?"
/// close_after = "5m"
/// close_message = "I'm closing this chat. Come back any time!"
/// [skills]
/// human-agents = "1251428632"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatSettings {
    /// The bot's chat slots: how many chats it holds at once (default 10).
    #[serde(default = "default_max_chats")]
    pub max_chats: usize,
    /// Per-request timeout (default 10 s); a slower answer counts as lost.
    #[serde(default = "default_request_timeout", with = "humantime_serde")]
    pub request_timeout: Duration,
    /// Polling intervals.
    #[serde(default)]
    pub polling: PollingSettings,
    /// Inactivity warning and close.
    #[serde(default)]
    pub inactivity: InactivitySettings,
    /// Skill name → id for transfers. Optional: names are also resolved from
    /// the chat's transfer list and the bot's own skills, but only a configured
    /// skill can be told apart from a missing one when no agent is online.
    #[serde(default)]
    pub skills: HashMap<String, String>,
}

fn default_max_chats() -> usize {
    10
}
fn default_request_timeout() -> Duration {
    Duration::from_secs(10)
}

impl Default for ChatSettings {
    fn default() -> Self {
        Self {
            max_chats: default_max_chats(),
            request_timeout: default_request_timeout(),
            polling: PollingSettings::default(),
            inactivity: InactivitySettings::default(),
            skills: HashMap::new(),
        }
    }
}

/// Everything [`ChatChannel::start`](crate::ChatChannel::start) needs.
#[derive(Debug, Clone)]
#[must_use]
pub struct ChatConfig {
    pub(crate) bot_id: BotId,
    pub(crate) account_id: String,
    pub(crate) base: Url,
    pub(crate) settings: ChatSettings,
    pub(crate) retry: RetryPolicy,
    pub(crate) send_grace: Duration,
    pub(crate) http_client: Option<reqwest::Client>,
    pub(crate) trust: connector_http::Trust,
}

impl ChatConfig {
    /// A configuration for bot `bot_id` of `account_id`, with the Chat Agent
    /// API at `base` (the CSDS `agentVep` domain as a URL, see
    /// [`chat_base`](crate::chat_base)). Defaults: [`ChatSettings::default`],
    /// LivePerson's retry policy, 60 s send grace.
    pub fn new(bot_id: impl Into<BotId>, account_id: impl Into<String>, base: Url) -> Self {
        Self {
            bot_id: bot_id.into(),
            account_id: account_id.into(),
            base,
            settings: ChatSettings::default(),
            retry: RetryPolicy::liveperson(),
            send_grace: Duration::from_secs(60),
            http_client: None,
            trust: connector_http::Trust::default(),
        }
    }

    /// Replaces the settings.
    pub fn with_settings(mut self, settings: ChatSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Sets the chat slots.
    pub fn with_max_chats(mut self, max_chats: usize) -> Self {
        self.settings.max_chats = max_chats;
        self
    }

    /// Sets the polling intervals.
    pub fn with_polling(mut self, polling: PollingSettings) -> Self {
        self.settings.polling = polling;
        self
    }

    /// Sets the inactivity warning and close.
    pub fn with_inactivity(mut self, inactivity: InactivitySettings) -> Self {
        self.settings.inactivity = inactivity;
        self
    }

    /// Maps a skill name to its id for transfers.
    pub fn with_skill(mut self, name: impl Into<String>, id: impl Into<String>) -> Self {
        self.settings.skills.insert(name.into(), id.into());
        self
    }

    /// Sets the per-request timeout.
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.settings.request_timeout = timeout;
        self
    }

    /// Replaces the retry policy for 5xx, 429 and lost answers (default:
    /// LivePerson's, 5/10/15 s then exponential).
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How long a send or action keeps retrying before it gives up (default 60 s).
    pub fn with_send_grace(mut self, grace: Duration) -> Self {
        self.send_grace = grace;
        self
    }

    /// Which certificate authorities the transport's own HTTP client trusts
    /// (default: the webpki roots); not used with
    /// [`with_http_client`](Self::with_http_client).
    pub fn with_trust(mut self, trust: connector_http::Trust) -> Self {
        self.trust = trust;
        self
    }

    /// Uses this HTTP client (e.g. `Authenticator::http_client()`, which
    /// trusts the configured root CAs) instead of one built on
    /// [`with_trust`](Self::with_trust).
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> &ChatSettings {
        &self.settings
    }

    /// Checks the configuration.
    ///
    /// # Errors
    ///
    /// A message naming the key to fix.
    pub fn validate(&self) -> Result<(), String> {
        if self.account_id.trim().is_empty() {
            return Err("account_id: must not be empty".into());
        }
        if !matches!(self.base.scheme(), "http" | "https") {
            return Err(format!(
                "base: {} is not an http(s) URL (the agentVep domain)",
                self.base
            ));
        }
        if self.settings.max_chats == 0 {
            return Err("max_chats: the bot needs at least one chat slot".into());
        }
        if self.settings.request_timeout.is_zero() {
            return Err("request_timeout: must be more than zero".into());
        }
        self.settings.polling.validate()?;
        self.settings.inactivity.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_from_toml_with_defaults_and_reject_unknown_keys() {
        let parsed: ChatSettings = toml::from_str(
            r#"
            max_chats = 3
            [inactivity]
            warning_after = "3m"
            warning_message = "Still there?"
            close_after = "5m"
            close_message = "Bye"
            [skills]
            human-agents = "3"
            "#,
        )
        .unwrap();
        assert_eq!(parsed.max_chats, 3);
        assert_eq!(parsed.polling, PollingSettings::default());
        assert_eq!(
            parsed.inactivity.warning_after,
            Some(Duration::from_secs(180))
        );
        assert_eq!(parsed.inactivity.close_message.as_deref(), Some("Bye"));
        assert_eq!(
            parsed.skills.get("human-agents").map(String::as_str),
            Some("3")
        );
        let err = toml::from_str::<ChatSettings>("max_chat = 3").unwrap_err();
        assert!(err.to_string().contains("max_chat"), "{err}");
    }

    #[test]
    fn validation_names_the_key() {
        let base: Url = "https://va.agentvep.example".parse().unwrap();
        let ok = ChatConfig::new("b", "1", base.clone());
        assert_eq!(ok.validate(), Ok(()));
        let close_first = ChatConfig::new("b", "1", base.clone()).with_inactivity(
            InactivitySettings::default()
                .warn(Duration::from_secs(60), "w")
                .close(Duration::from_secs(30), "c"),
        );
        assert!(close_first.validate().unwrap_err().contains("close_after"));
        let no_slots = ChatConfig::new("b", "1", base.clone()).with_max_chats(0);
        assert!(no_slots.validate().unwrap_err().contains("max_chats"));
        let slow = ChatConfig::new("b", "1", base).with_polling(PollingSettings {
            idle_max: Duration::from_secs(30),
            ..PollingSettings::default()
        });
        assert!(slow.validate().unwrap_err().contains("idle_max"));
    }
}
