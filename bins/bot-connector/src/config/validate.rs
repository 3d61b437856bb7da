//! Turns a raw bot tree into a checked [`BotSpec`], collecting every error.

use std::path::Path;
use std::time::Duration;

use connector_core::Secret;
use engine_dialogflow::{DialogflowEngine, DialogflowError};
use engine_lex::{LexEngine, LexError};
use engine_script::ScriptEngine;
use engine_watson::{WatsonEngine, WatsonError};
use engine_webhook::{WebhookEngine, WebhookError};
use serde_json::{Value, json};

use super::bot::{BotSpec, ConversationSpec, LoginSpec};
use super::engine::{EngineSpec, parse_engine};
use super::engine_defaults;
use super::env::substitute;
use super::error::FieldError;

/// Substitutes `${ENV}` references in `raw`, deserializes it and validates
/// the result. Relative script paths are resolved against `base_dir`.
///
/// # Errors
///
/// Every problem found, each with its key path relative to the bot.
pub fn parse_bot(
    raw: &Value,
    base_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<BotSpec, Vec<FieldError>> {
    let mut value = raw.clone();
    substitute(&mut value, env)?;
    let mut errors = Vec::new();
    // The engine is read on its own so an error inside it keeps its full key
    // path; a stand-in lets the rest of the bot be checked in the same pass.
    let engine = match value.get("engine").map(parse_engine) {
        Some(Err(e)) => {
            errors.push(e);
            value["engine"] = json!({"type": "script", "source": ""});
            None
        }
        Some(Ok(engine)) => Some(engine),
        None => None,
    };
    let written = value.clone();
    let mut spec: BotSpec = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        errors.push(FieldError::new(path, e.into_inner().to_string()));
        std::mem::take(&mut errors)
    })?;
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(engine) = engine {
        spec.engine = engine;
    }
    spec.engine.resolve_paths(base_dir);
    engine_defaults::apply(&mut spec, &written);
    let errors = validate_bot(&spec);
    if errors.is_empty() {
        Ok(spec)
    } else {
        Err(errors)
    }
}

/// The semantic checks of one bot (everything serde cannot say).
#[must_use]
pub fn validate_bot(spec: &BotSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut fail = |path: &str, message: String| errors.push(FieldError::new(path, message));

    if !valid_id(&spec.id) {
        fail(
            "id",
            format!(
                "{:?} is not a valid bot id; use 1-64 lowercase letters, digits, `-` or `_`",
                spec.id
            ),
        );
    }
    let le = &spec.liveengage;
    if le.account_id.trim().is_empty() {
        fail(
            "liveengage.account_id",
            "is empty; set the LiveEngage account (site) id".into(),
        );
    }
    if !matches!(le.csds.scheme(), "http" | "https") {
        fail(
            "liveengage.csds",
            format!("{} is not an http(s) URL", le.csds),
        );
    }
    let username = le.login.username();
    if username.trim().is_empty() {
        fail(
            "liveengage.login.username",
            "is empty; set the bot user's login name".into(),
        );
    }
    let secrets: Vec<(&str, &Secret)> = match &le.login {
        LoginSpec::Password { password, .. } => vec![("password", password)],
        LoginSpec::ApiKey {
            app_key,
            app_secret,
            token,
            token_secret,
            ..
        } => {
            if app_key.trim().is_empty() {
                fail(
                    "liveengage.login.app_key",
                    "is empty; copy the app key of the bot user's API key".into(),
                );
            }
            vec![
                ("app_secret", app_secret),
                ("token", token),
                ("token_secret", token_secret),
            ]
        }
    };
    for (key, secret) in secrets {
        if secret.is_empty() {
            fail(
                &format!("liveengage.login.{key}"),
                "is empty; set it (`${ENV}` keeps it out of the file)".into(),
            );
        }
    }
    let retry = &le.retry;
    if retry.server_error_delays.iter().any(Duration::is_zero) || retry.backoff_start.is_zero() {
        fail(
            "liveengage.retry",
            "has a wait of 0; give every wait a duration such as \"500ms\" (a login retried \
             at once hammers the Login Service)"
                .into(),
        );
    }
    let reconnect = &le.reconnect;
    if reconnect.base.is_zero() {
        fail(
            "liveengage.reconnect.base",
            "is 0; give it a duration such as \"100ms\" (a socket reconnected at once \
             hammers LiveEngage)"
                .into(),
        );
    }
    if reconnect.max < reconnect.base {
        fail(
            "liveengage.reconnect.max",
            format!(
                "({:?}) is shorter than base ({:?}); make it at least as long",
                reconnect.max, reconnect.base
            ),
        );
    }
    if retry.backoff_cap < retry.backoff_start {
        fail(
            "liveengage.retry.backoff_cap",
            format!(
                "({:?}) is shorter than backoff_start ({:?}); make it at least as long",
                retry.backoff_cap, retry.backoff_start
            ),
        );
    }
    for (name, id) in &le.skills {
        if id.trim().is_empty() {
            fail(
                &format!("liveengage.skills.{name}"),
                "has no skill id".into(),
            );
        }
    }
    let skill = &spec.escalation.transfer_skill;
    if skill.trim().is_empty() {
        fail(
            "escalation.transfer_skill",
            "is empty; name the skill conversations are escalated to".into(),
        );
    } else if !le.skills.contains_key(skill) {
        fail(
            "escalation.transfer_skill",
            format!("skill {skill:?} is not in liveengage.skills; add it with its id"),
        );
    }
    match &spec.conversation {
        ConversationSpec::Messaging { combine, .. } => {
            if let Some(combine) = combine {
                if combine.max_messages < 2 {
                    fail(
                        "conversation.combine.max_messages",
                        "must be at least 2 (1 would combine nothing)".into(),
                    );
                }
                if combine.window.is_zero() {
                    fail(
                        "conversation.combine.window",
                        "must be longer than 0s".into(),
                    );
                }
            }
        }
        ConversationSpec::Chat(settings) => {
            if let Some((key, message)) = chat_error(settings) {
                fail(&format!("conversation{key}"), message);
            }
        }
    }
    for error in engine_errors(&spec.engine) {
        fail(&error.path, error.message);
    }
    for (id, function) in &spec.functions {
        if !matches!(function.url.scheme(), "http" | "https") {
            fail(
                &format!("functions.{id}.url"),
                format!("{} is not an http(s) URL", function.url),
            );
        }
    }
    let rt = &spec.runtime;
    if rt.engine_timeout.is_zero() {
        fail("runtime.engine_timeout", "must be longer than 0s".into());
    }
    if rt.max_open_conversations == 0 {
        fail(
            "runtime.max_open_conversations",
            "must be at least 1".into(),
        );
    }
    if rt.max_concurrent_turns == 0 {
        fail("runtime.max_concurrent_turns", "must be at least 1".into());
    }
    errors
}

/// The transport's own check of the chat settings, as (`.key` or empty,
/// message). The Chat Agent API's address comes from CSDS when the bot
/// starts and the account is checked above, so placeholders stand in for them.
fn chat_error(settings: &liveengage_chat::ChatSettings) -> Option<(String, String)> {
    let base = url::Url::parse("https://agentvep.invalid").ok()?;
    let config =
        liveengage_chat::ChatConfig::new("check", "0", base).with_settings(settings.clone());
    let error = config.validate().err()?;
    // The transport's messages start with the key they are about.
    Some(match error.split_once(": ") {
        Some((key, message)) if !key.contains(' ') => (format!(".{key}"), message.to_owned()),
        _ => (String::new(), error),
    })
}

/// Whether `id` is a valid bot id.
#[must_use]
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// What building the engine reports (a script that does not load, a Watson,
/// Dialogflow, Lex or Custom Endpoint field that is missing or malformed, an
/// unreadable key file, Lex without credentials), each at its key path. Builds the engine without any network call.
fn engine_errors(engine: &EngineSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut fail = |path: &str, message: String| errors.push(FieldError::new(path, message));
    match engine {
        EngineSpec::Script(script) => match (&script.path, &script.source) {
            (Some(_), Some(_)) | (None, None) => fail(
                "engine",
                "set exactly one of `path` (a script file) and `source` (the script text)".into(),
            ),
            (Some(path), None) => {
                if let Err(err) = ScriptEngine::from_path(path) {
                    fail("engine.path", err.to_string());
                }
            }
            (None, Some(source)) => {
                if let Err(err) = ScriptEngine::from_toml_str(source) {
                    fail("engine.source", err.to_string());
                }
            }
        },
        EngineSpec::Watson(config) => {
            if let Err(err) = WatsonEngine::with_client(config, reqwest::Client::new()) {
                match &err {
                    WatsonError::InvalidField { field, problem } => {
                        fail(&format!("engine.{field}"), problem.clone());
                    }
                    _ => fail("engine", err.to_string()),
                }
            }
        }
        EngineSpec::Dialogflow(config) => {
            if let Err(err) = DialogflowEngine::from_config(config, reqwest::Client::new()) {
                let (path, message) = match &err {
                    DialogflowError::InvalidField { field, problem } => {
                        (format!("engine.{field}"), problem.clone())
                    }
                    DialogflowError::KeyFile { .. } | DialogflowError::KeyJson(_) => (
                        "engine.service_account.key_file".to_owned(),
                        err.to_string(),
                    ),
                    DialogflowError::PrivateKey(_) => (
                        "engine.service_account.private_key".to_owned(),
                        err.to_string(),
                    ),
                    _ => ("engine".to_owned(), err.to_string()),
                };
                fail(&path, message);
            }
        }
        EngineSpec::Lex(config) => {
            if let Err(err) = LexEngine::from_config(config, reqwest::Client::new()) {
                let (path, message) = match &err {
                    LexError::InvalidField { field, problem } => {
                        (format!("engine.{field}"), problem.clone())
                    }
                    LexError::NoCredentials => ("engine.credentials".to_owned(), err.to_string()),
                    _ => ("engine".to_owned(), err.to_string()),
                };
                fail(&path, message);
            }
        }
        EngineSpec::Webhook(config) => {
            if let Err(err) = WebhookEngine::from_config(config, reqwest::Client::new()) {
                match &err {
                    WebhookError::InvalidField { field, problem } => {
                        fail(&format!("engine.{field}"), problem.clone());
                    }
                    _ => fail("engine", err.to_string()),
                }
            }
        }
    }
    errors
}
