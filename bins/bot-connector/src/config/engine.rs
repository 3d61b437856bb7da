//! The engine section: a tagged enum, so each engine crate adds one variant.

use std::path::{Path, PathBuf};

use engine_dialogflow::{CxConfig, DialogflowConfig, EsConfig, V1Config};
use engine_lex::LexConfig;
use engine_watson::WatsonConfig;
use engine_webhook::WebhookConfig;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::FieldError;

/// Which AI engine answers, with its settings (`type = "script"`,
/// `"watson"`, `"dialogflow"`, `"lex"` or `"webhook"`); the other keys are the
/// engine crate's own configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum EngineSpec {
    /// The local rule engine (`engine-script`).
    Script(ScriptSpec),
    /// IBM Watson Assistant v1 or v2 (`engine-watson`).
    Watson(WatsonConfig),
    /// Google Dialogflow ES, CX or V1 (`engine-dialogflow`).
    Dialogflow(DialogflowConfig),
    /// Amazon Lex V2 or V1 (`engine-lex`).
    Lex(LexConfig),
    /// LivePerson's Custom Endpoint contract: a bot service over HTTP
    /// (`engine-webhook`).
    Webhook(WebhookConfig),
}

/// The engine types, as written in `type`.
pub const ENGINE_TYPES: &[&str] = &["script", "watson", "dialogflow", "lex", "webhook"];

impl EngineSpec {
    /// The vendor label shown in the dashboard.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Script(_) => "script",
            Self::Watson(_) => "watson",
            Self::Dialogflow(_) => "dialogflow",
            Self::Lex(_) => "lex",
            Self::Webhook(_) => "webhook",
        }
    }

    /// Makes relative file paths (script file, service-account key file)
    /// start at `base_dir`.
    pub fn resolve_paths(&mut self, base_dir: &Path) {
        let relative = |path: &mut Option<PathBuf>| {
            if let Some(p) = path
                && p.is_relative()
            {
                *p = base_dir.join(&*p);
            }
        };
        match self {
            Self::Script(script) => relative(&mut script.path),
            Self::Dialogflow(DialogflowConfig::Es(c)) => relative(&mut c.service_account.key_file),
            Self::Dialogflow(DialogflowConfig::Cx(c)) => relative(&mut c.service_account.key_file),
            Self::Watson(_) | Self::Dialogflow(_) | Self::Lex(_) | Self::Webhook(_) => {}
        }
    }
}

/// A script for `engine-script`: a file, or the script text itself.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptSpec {
    /// The script file; relative paths start at the config file's folder.
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// The script text (what the dashboard stores).
    #[serde(default)]
    pub source: Option<String>,
}

/// Reads an `engine` table with the key path of a bad key inside it (a
/// plain tagged enum would only name `engine`).
///
/// # Errors
///
/// The first problem, with its path relative to the bot (`engine.auth.apikey`).
pub fn parse_engine(raw: &Value) -> Result<EngineSpec, FieldError> {
    let mut table = raw
        .as_object()
        .cloned()
        .ok_or_else(|| FieldError::new("engine", "must be a table with a `type` key"))?;
    let kind = take_tag(&mut table, "engine", "type", ENGINE_TYPES)?;
    let body = Value::Object(table.clone());
    match kind.as_str() {
        "script" => typed(body, "engine").map(EngineSpec::Script),
        "watson" => typed(body, "engine").map(EngineSpec::Watson),
        "webhook" => typed(body, "engine").map(EngineSpec::Webhook),
        "lex" => {
            // Read per variant, as for Dialogflow: an internally tagged enum
            // would lose the key path of a bad key.
            let api = take_tag(&mut table, "engine", "api", &["v2", "v1"])?;
            let body = Value::Object(table);
            let config = match api.as_str() {
                "v2" => LexConfig::V2(typed::<engine_lex::V2Config>(body, "engine")?),
                _ => LexConfig::V1(typed::<engine_lex::V1Config>(body, "engine")?),
            };
            Ok(EngineSpec::Lex(config))
        }
        _ => {
            let api = take_tag(&mut table, "engine", "api", &["es", "cx", "v1"])?;
            let body = Value::Object(table);
            let config = match api.as_str() {
                "es" => DialogflowConfig::Es(typed::<EsConfig>(body, "engine")?),
                "cx" => DialogflowConfig::Cx(typed::<CxConfig>(body, "engine")?),
                _ => DialogflowConfig::V1(typed::<V1Config>(body, "engine")?),
            };
            Ok(EngineSpec::Dialogflow(config))
        }
    }
}

fn take_tag(
    table: &mut serde_json::Map<String, Value>,
    prefix: &str,
    key: &str,
    allowed: &[&str],
) -> Result<String, FieldError> {
    let path = format!("{prefix}.{key}");
    let expected = allowed
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect::<Vec<_>>()
        .join(", ");
    match table.remove(key) {
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(s),
        Some(other) => Err(FieldError::new(
            path,
            format!("{other} is not one of {expected}"),
        )),
        None => Err(FieldError::new(
            path,
            format!("is missing; set it to one of {expected}"),
        )),
    }
}

fn typed<T: DeserializeOwned>(body: Value, prefix: &str) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        FieldError::new(path, e.into_inner().to_string()).under(prefix)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_keys_inside_an_engine_are_named_with_their_path() {
        let err = parse_engine(
            &json!({"type": "watson", "api": "v2", "url": "https://w.example",
            "assistant_id": "a", "auth": {"type": "iam", "apikey": "k", "tokn_url": "x"}}),
        )
        .unwrap_err();
        assert_eq!(err.path, "engine.auth");
        assert!(err.message.contains("tokn_url"), "{}", err.message);

        let err = parse_engine(
            &json!({"type": "dialogflow", "api": "es", "project_id": "p",
            "language_code": "en", "service_account": {"key_file": "k.json", "scop": "x"}}),
        )
        .unwrap_err();
        assert_eq!(err.path, "engine.service_account.scop");
        assert!(err.message.contains("scop"), "{}", err.message);

        let err = parse_engine(&json!({"type": "dialogflow", "api": "v3"})).unwrap_err();
        assert_eq!(err.path, "engine.api");
        assert!(err.message.contains("\"cx\""), "{}", err.message);

        let err = parse_engine(&json!({"type": "rasa"})).unwrap_err();
        assert_eq!(err.path, "engine.type");
        assert!(err.message.contains("\"webhook\""), "{}", err.message);

        let err = parse_engine(&json!({"type": "lex"})).unwrap_err();
        assert_eq!(err.path, "engine.api");

        let err = parse_engine(
            &json!({"type": "lex", "api": "v2", "region": "us-east-1", "bot_id": "ABCDEFGHIJ",
            "bot_alias_id": "TSTALIASID", "locale_id": "en_US",
            "credentials": {"access_key_id": "AKID", "secret_acess_key": "s"}}),
        )
        .unwrap_err();
        assert_eq!(err.path, "engine.credentials.secret_acess_key");
        assert!(err.message.contains("secret_acess_key"), "{}", err.message);

        let err = parse_engine(
            &json!({"type": "lex", "api": "v1", "region": "us-east-1", "bot_name": "B"}),
        )
        .unwrap_err();
        assert!(err.message.contains("bot_alias"), "{}", err.message);

        let ok = parse_engine(
            &json!({"type": "lex", "api": "v1", "region": "us-east-1", "bot_name": "B",
            "bot_alias": "prod"}),
        )
        .unwrap();
        assert_eq!(ok.label(), "lex");

        let err = parse_engine(
            &json!({"type": "webhook", "base_url": "not a url", "bot_id": "b",
            "token_url": "https://t.example/token", "client_id": "c", "client_secret": "s"}),
        )
        .unwrap_err();
        assert_eq!(err.path, "engine.base_url");

        let ok = parse_engine(
            &json!({"type": "webhook", "base_url": "https://bot.example", "bot_id": "b",
            "token_url": "https://t.example/token", "client_id": "c", "client_secret": "s",
            "max_attempts": 4}),
        )
        .unwrap();
        let EngineSpec::Webhook(config) = &ok else {
            panic!("{ok:?}")
        };
        assert_eq!(config.max_attempts, 4);

        let ok = parse_engine(
            &json!({"type": "dialogflow", "api": "cx", "project_id": "p",
            "location": "global", "agent_id": "a", "language_code": "en",
            "service_account": {"key_file": "k.json"}}),
        )
        .unwrap();
        assert_eq!(ok.label(), "dialogflow");
    }
}
