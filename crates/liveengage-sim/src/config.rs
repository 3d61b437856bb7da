//! Accounts, skills and users: from TOML or built in code, with defaults
//! that make `le-sim` usable with no arguments.

use std::path::Path;
use std::time::Duration;

use liveengage_proto::Secret;
use serde::{Deserialize, Serialize};

use crate::SimError;

/// A skill (routing queue).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillConfig {
    /// Skill id, a decimal string.
    pub id: String,
    /// Skill name, used by transfers by name.
    pub name: String,
}

/// OAuth 1.0 API key of a user ("Application Login").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    /// Consumer (app) key.
    pub app_key: String,
    /// Consumer secret.
    pub secret: Secret,
    /// Access token.
    pub access_token: Secret,
    /// Access token secret.
    pub access_token_secret: Secret,
}

/// A bot user or human agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// Login name.
    pub login: String,
    /// Password.
    pub password: Secret,
    /// Legacy user id; the agent's old id is `{accountId}.{userId}`.
    pub user_id: String,
    /// Participant id (UUID); derived from `user_id` when absent.
    #[serde(default)]
    pub user_pid: Option<String>,
    /// Skills whose conversations ring this user.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Display name; the login when absent.
    #[serde(default)]
    pub nickname: Option<String>,
    /// API key for the "Application Login" and OAuth-signed logins.
    #[serde(default)]
    pub api_key: Option<ApiKeyConfig>,
}

impl UserConfig {
    /// A user with a login, a password, a legacy user id and skills.
    #[must_use]
    pub fn new(login: &str, password: &str, user_id: &str, skills: &[&str]) -> Self {
        Self {
            login: login.to_owned(),
            password: Secret::new(password),
            user_id: user_id.to_owned(),
            user_pid: None,
            skills: skills.iter().map(|s| (*s).to_owned()).collect(),
            nickname: None,
            api_key: None,
        }
    }

    /// Adds an API key.
    #[must_use]
    pub fn with_api_key(
        mut self,
        app_key: &str,
        secret: &str,
        access_token: &str,
        access_token_secret: &str,
    ) -> Self {
        self.api_key = Some(ApiKeyConfig {
            app_key: app_key.to_owned(),
            secret: Secret::new(secret),
            access_token: Secret::new(access_token),
            access_token_secret: Secret::new(access_token_secret),
        });
        self
    }

    /// The participant id: configured, or derived from the user id so it is
    /// stable across restarts.
    #[must_use]
    pub fn pid(&self) -> String {
        if let Some(pid) = &self.user_pid {
            return pid.clone();
        }
        let digits: String = self
            .user_id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let tail = if digits.len() > 12 {
            &digits[digits.len() - 12..]
        } else {
            &digits
        };
        format!("00000000-0000-4000-8000-{tail:0>12}")
    }
}

fn default_account() -> String {
    "12345678".into()
}
fn default_token_ttl() -> Duration {
    Duration::from_secs(8 * 3600)
}
fn default_ring_expiration() -> Duration {
    Duration::from_secs(72)
}
fn default_chat_timeout() -> Duration {
    Duration::from_secs(40)
}

/// The whole emulator configuration.
///
/// Every key is optional in TOML; unknown keys are rejected with their name.
///
/// ```toml
/// account_id = "12345678"
/// token_ttl = "8h"
/// post_conversation_survey = false
/// default_skill = "1"
/// [[skills]]
/// id = "1"
/// name = "Bot"
/// [[users]]
/// login = "echo-bot"
/// password = "secret"
/// user_id = "1234567890"
/// skills = ["1"]
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    /// The account (brand) id.
    #[serde(default = "default_account")]
    pub account_id: String,
    /// Bearer token lifetime; refresh extends it. Default 8 h (LivePerson's `sessionTTl`).
    #[serde(default = "default_token_ttl", with = "humantime_serde")]
    pub token_ttl: Duration,
    /// How long a ring waits for an answer. Default 72 s.
    #[serde(default = "default_ring_expiration", with = "humantime_serde")]
    pub ring_expiration: Duration,
    /// Chat idle timeout reported in chat info. Default 40 s.
    #[serde(default = "default_chat_timeout", with = "humantime_serde")]
    pub chat_timeout: Duration,
    /// Whether closing the MAIN dialog with `DialogChange` opens a post-conversation survey.
    #[serde(default)]
    pub post_conversation_survey: bool,
    /// The skill given to conversations that ask for none or for `-1`.
    #[serde(default)]
    pub default_skill: Option<String>,
    /// Skills. Default: `1` Bot, `2` Human.
    #[serde(default)]
    pub skills: Vec<SkillConfig>,
    /// Users. Default: bot `echo-bot`/`secret` (skill 1) and agent `agent`/`secret` (skill 2).
    #[serde(default)]
    pub users: Vec<UserConfig>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            account_id: default_account(),
            token_ttl: default_token_ttl(),
            ring_expiration: default_ring_expiration(),
            chat_timeout: default_chat_timeout(),
            post_conversation_survey: false,
            default_skill: None,
            skills: Vec::new(),
            users: Vec::new(),
        }
        .with_defaults()
    }
}

impl SimConfig {
    /// A configuration with no skills and no users.
    #[must_use]
    pub fn empty() -> Self {
        Self {
            skills: Vec::new(),
            users: Vec::new(),
            ..Self::default()
        }
    }

    /// Fills in the default skills and users where none are configured.
    #[must_use]
    pub fn with_defaults(mut self) -> Self {
        if self.skills.is_empty() {
            self.skills = vec![
                SkillConfig {
                    id: "1".into(),
                    name: "Bot".into(),
                },
                SkillConfig {
                    id: "2".into(),
                    name: "Human".into(),
                },
            ];
        }
        if self.users.is_empty() {
            let mut bot = UserConfig::new("echo-bot", "secret", "1234567890", &["1"]).with_api_key(
                "bot-app-key",
                "bot-app-secret",
                "bot-access-token",
                "bot-token-secret",
            );
            bot.user_pid = Some("a1b2c3d4-0000-4000-8000-00000000b07a".into());
            let agent = UserConfig::new("agent", "secret", "1234567891", &["2"]);
            self.users = vec![bot, agent];
        }
        self
    }

    /// Parses TOML text; missing skills and users get the defaults.
    ///
    /// # Errors
    /// [`SimError::Config`] naming the bad key.
    pub fn from_toml(text: &str) -> Result<Self, SimError> {
        let config: Self = toml::from_str(text).map_err(|e| SimError::Config(e.to_string()))?;
        Ok(config.with_defaults())
    }

    /// Reads a TOML file.
    ///
    /// # Errors
    /// [`SimError::Config`] when the file cannot be read or parsed.
    pub fn from_file(path: &Path) -> Result<Self, SimError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SimError::Config(format!("cannot read {}: {e}", path.display())))?;
        Self::from_toml(&text)
    }

    /// The default skill id for conversations and chats without one.
    #[must_use]
    pub fn default_skill_id(&self) -> String {
        self.default_skill
            .clone()
            .or_else(|| self.skills.first().map(|s| s.id.clone()))
            .unwrap_or_else(|| "-1".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_with_unknown_key_names_it() {
        let err = SimConfig::from_toml("acount_id = \"1\"").unwrap_err();
        assert!(err.to_string().contains("acount_id"), "{err}");
    }

    #[test]
    fn toml_defaults() {
        let config = SimConfig::from_toml("account_id = \"99\"\ntoken_ttl = \"5m\"").unwrap();
        assert_eq!(config.account_id, "99");
        assert_eq!(config.token_ttl, Duration::from_secs(300));
        assert_eq!(config.users[0].login, "echo-bot");
        assert_eq!(config.default_skill_id(), "1");
        assert!(!format!("{config:?}").contains("bot-app-secret"));
    }

    #[test]
    fn derived_pid_is_stable_and_uuid_shaped() {
        let user = UserConfig::new("a", "b", "1234567891", &[]);
        assert_eq!(user.pid(), "00000000-0000-4000-8000-001234567891");
    }
}
