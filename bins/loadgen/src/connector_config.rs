//! The `bot-connector` configuration file a separate-process run writes: one
//! bot on the emulator, the engine of `--engine`, the runtime knobs of the
//! in-process bench.

use std::time::Duration;

use connector_core::ErrorHandling;
use engine_webhook::WebhookConfig;
use serde_json::{Value, json};

use crate::bot::{LOGIN_RETRY, RECONNECT};
use crate::engine_kind::ECHO_SCRIPT;

/// The bot's id in the file (and in the `/metrics` labels).
pub const BOT_ID: &str = "loadgen-bot";

/// The engine section.
#[derive(Debug, Clone)]
pub enum EngineSection {
    /// `type = "script"` with [`ECHO_SCRIPT`].
    Script,
    /// `type = "webhook"` with `WebhookConfig`'s own fields (needs a
    /// `bot-connector` that knows the webhook engine).
    Webhook(Box<WebhookConfig>),
}

/// What the file says.
#[derive(Debug, Clone)]
pub struct ConnectorFile {
    /// The emulator's CSDS base URL (`https://127.0.0.1:port`).
    pub csds: String,
    /// The emulator's CA certificate (`[tls] extra_ca_file`), when it runs TLS.
    pub extra_ca_file: Option<std::path::PathBuf>,
    /// The emulator's account.
    pub account_id: String,
    /// The escalation settings.
    pub escalation: ErrorHandling,
    /// The engine.
    pub engine: EngineSection,
    /// `runtime.engine_timeout`.
    pub engine_timeout: Duration,
    /// `runtime.max_open_conversations`.
    pub max_open_conversations: usize,
    /// `runtime.max_concurrent_turns`.
    pub max_concurrent_turns: usize,
    /// `runtime.spam_guard`.
    pub spam_guard: bool,
    /// `server.database`.
    pub database: std::path::PathBuf,
    /// `server.admin_token` (so none is generated and printed).
    pub admin_token: String,
}

impl ConnectorFile {
    /// The file as TOML.
    ///
    /// # Errors
    ///
    /// When a value cannot be written as TOML (not expected).
    pub fn to_toml(&self) -> Result<String, String> {
        let engine = match &self.engine {
            EngineSection::Script => json!({"type": "script", "source": ECHO_SCRIPT}),
            EngineSection::Webhook(config) => {
                let mut engine = serde_json::to_value(config).map_err(|e| e.to_string())?;
                if let Value::Object(map) = &mut engine {
                    map.insert("type".into(), json!("webhook"));
                }
                engine
            }
        };
        let escalation = serde_json::to_value(&self.escalation).map_err(|e| e.to_string())?;
        let mut file = json!({
            "tls": {
                "extra_ca_file": self.extra_ca_file.as_ref().map(|p| p.display().to_string()),
            },
            "server": {
                "listen": "127.0.0.1:0",
                "database": self.database.display().to_string(),
                "admin_token": self.admin_token,
            },
            "bots": [{
                "id": BOT_ID,
                "liveengage": {
                    "account_id": self.account_id,
                    "csds": self.csds,
                    "login": {"type": "password", "username": "echo-bot", "password": "secret"},
                    "skills": {"Bot": "1", "Human": "2"},
                    "reconnect": {
                        "base": millis(RECONNECT.0),
                        "max": millis(RECONNECT.1),
                    },
                    "retry": {
                        "server_error_delays": LOGIN_RETRY.server_error_delays.map(millis),
                        "backoff_start": millis(LOGIN_RETRY.backoff_start),
                        "backoff_cap": millis(LOGIN_RETRY.backoff_cap),
                    },
                },
                "conversation": {"type": "messaging", "welcome": false},
                "escalation": escalation,
                "engine": engine,
                "runtime": {
                    "engine_timeout": millis(self.engine_timeout),
                    "max_open_conversations": self.max_open_conversations,
                    "max_concurrent_turns": self.max_concurrent_turns,
                    "spam_guard": self.spam_guard,
                },
            }],
        });
        drop_nulls(&mut file);
        toml::to_string(&file).map_err(|e| e.to_string())
    }
}

/// A duration as the config file writes it (`"300ms"`).
fn millis(duration: Duration) -> String {
    format!("{}ms", duration.as_millis())
}

/// TOML has no null: unset optional settings are left out.
fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(engine: EngineSection) -> ConnectorFile {
        ConnectorFile {
            csds: "https://127.0.0.1:4000".into(),
            extra_ca_file: Some("/tmp/x/ca.pem".into()),
            account_id: "123".into(),
            escalation: ErrorHandling::new("Human").customer_message("Transferring"),
            engine,
            engine_timeout: Duration::from_secs(1),
            max_open_conversations: 999,
            max_concurrent_turns: 1024,
            spam_guard: false,
            database: "/tmp/x/bot-connector.db".into(),
            admin_token: "token".into(),
        }
    }

    #[test]
    fn the_script_file_is_toml_with_the_runtime_knobs() {
        let text = file(EngineSection::Script).to_toml().unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let bot = &table["bots"].as_array().unwrap()[0];
        assert_eq!(bot["engine"]["type"].as_str(), Some("script"));
        assert_eq!(bot["runtime"]["spam_guard"].as_bool(), Some(false));
        assert_eq!(bot["runtime"]["engine_timeout"].as_str(), Some("1000ms"));
        let retry = &bot["liveengage"]["retry"];
        assert_eq!(retry["backoff_start"].as_str(), Some("300ms"));
        assert_eq!(retry["server_error_delays"][1].as_str(), Some("200ms"));
        let reconnect = &bot["liveengage"]["reconnect"];
        assert_eq!(reconnect["base"].as_str(), Some("50ms"));
        assert_eq!(reconnect["max"].as_str(), Some("1000ms"));
        assert!(bot["escalation"].get("failure_message").is_none());
        assert_eq!(
            bot["liveengage"]["csds"].as_str(),
            Some("https://127.0.0.1:4000")
        );
        assert_eq!(
            table["tls"]["extra_ca_file"].as_str(),
            Some("/tmp/x/ca.pem")
        );
    }

    #[test]
    fn the_webhook_engine_uses_the_webhook_config_field_names() {
        let config = WebhookConfig::new(
            "http://127.0.0.1:5000/".parse().unwrap(),
            "bot-1",
            "http://127.0.0.1:5000/token".parse().unwrap(),
            "client",
            connector_core::Secret::new("secret"),
        );
        let text = file(EngineSection::Webhook(Box::new(config.clone())))
            .to_toml()
            .unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let mut engine = table["bots"].as_array().unwrap()[0]["engine"]
            .as_table()
            .unwrap()
            .clone();
        assert_eq!(
            engine
                .remove("type")
                .and_then(|t| t.as_str().map(str::to_owned)),
            Some("webhook".into())
        );
        let back: WebhookConfig = engine.try_into().unwrap();
        assert_eq!(back, config);
    }
}
