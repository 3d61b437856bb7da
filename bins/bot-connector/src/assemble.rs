//! Builds a running bot from its definition: engine, transport, runtime.
//!
//! Each engine and conversation type is one match arm here, so the crates
//! that land later (Watson, Dialogflow, Lex, webhook; chat) are a local change.

use std::sync::Arc;

use connector_core::BotEngine;
use connector_runtime::{CombineMessages, Connector, ConnectorConfig, SpamGuard};
use engine_script::ScriptEngine;
use liveengage_messaging::{BearerProvider, MessagingChannel, MessagingConfig};

use crate::config::{BotSpec, ConversationSpec, EngineSpec, LoginSpec};
use crate::functions::HttpFunctionInvoker;
use crate::instrument::MeasuredEngine;
use crate::login::PasswordLogin;
use crate::telemetry::Telemetry;

/// Why a bot cannot start.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AssembleError {
    /// The engine cannot be built from its settings.
    #[error("engine: {0}; fix the bot's engine settings")]
    Engine(String),
    /// LiveEngage cannot be reached or refused the bot user.
    #[error("LiveEngage: {0}")]
    LiveEngage(String),
    /// The engine's test connection failed.
    #[error("engine test connection failed ({code}): {message}")]
    EngineUnavailable {
        /// The stable error code.
        code: String,
        /// What happened.
        message: String,
    },
}

impl AssembleError {
    /// A stable code for status events.
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            Self::Engine(_) => "bot-connector.engine-config",
            Self::LiveEngage(_) => "bot-connector.liveengage-login",
            Self::EngineUnavailable { code, .. } => code,
        }
    }
}

/// Builds the engine a definition names.
///
/// # Errors
///
/// [`AssembleError::Engine`] when its settings do not load.
pub fn build_engine(spec: &EngineSpec) -> Result<Arc<dyn BotEngine>, AssembleError> {
    match spec {
        EngineSpec::Script(script) => {
            let engine = match (&script.path, &script.source) {
                (Some(path), _) => ScriptEngine::from_path(path),
                (None, Some(source)) => ScriptEngine::from_toml_str(source),
                (None, None) => {
                    return Err(AssembleError::Engine(
                        "set engine.path or engine.source".into(),
                    ));
                }
            }
            .map_err(|e| AssembleError::Engine(e.to_string()))?;
            Ok(Arc::new(engine))
        }
    }
}

/// The bot user's login for a definition.
#[must_use]
pub fn build_login(spec: &BotSpec) -> Arc<PasswordLogin> {
    let le = &spec.liveengage;
    match &le.login {
        LoginSpec::Password { username, password } => Arc::new(PasswordLogin::new(
            le.csds.clone(),
            &le.account_id,
            username,
            password.clone(),
        )),
    }
}

/// The runtime settings of a definition.
#[must_use]
pub fn connector_config(spec: &BotSpec) -> ConnectorConfig {
    let rt = &spec.runtime;
    let mut config = ConnectorConfig::new(spec.id.as_str())
        .with_engine_timeout(rt.engine_timeout)
        .with_max_open_conversations(rt.max_open_conversations)
        .with_max_concurrent_turns(rt.max_concurrent_turns)
        .with_spam_guard(rt.spam_guard.then(SpamGuard::default));
    match &spec.conversation {
        ConversationSpec::Messaging { welcome, combine } => {
            config = config.with_messaging_welcome(*welcome);
            if let Some(c) = combine {
                config = config.with_combine(CombineMessages {
                    max_messages: c.max_messages,
                    window: c.window,
                });
            }
        }
    }
    config
}

/// Builds the bot's connector: discovers the account's domains, starts the
/// transport and wires the engine (measured for `/metrics`), the escalation
/// policy and the function invoker.
///
/// # Errors
///
/// [`AssembleError`] when the engine does not load or LiveEngage cannot be reached.
pub async fn assemble(
    spec: &BotSpec,
    telemetry: &Arc<Telemetry>,
) -> Result<Connector, AssembleError> {
    let engine = build_engine(&spec.engine)?;
    let engine: Arc<dyn BotEngine> =
        Arc::new(MeasuredEngine::new(engine, &spec.id, Arc::clone(telemetry)));
    let login = build_login(spec);
    let channel = match &spec.conversation {
        ConversationSpec::Messaging { .. } => {
            let domains = login
                .discover()
                .await
                .map_err(|e| AssembleError::LiveEngage(e.message))?;
            let mut config = MessagingConfig::new(
                spec.id.as_str(),
                spec.liveengage.account_id.as_str(),
                domains.socket_base,
            );
            for (name, id) in &spec.liveengage.skills {
                config = config.with_skill(name.as_str(), id.as_str());
            }
            let auth: Arc<dyn BearerProvider> = login;
            MessagingChannel::start(config, auth)
        }
    };
    Ok(Connector::builder(
        connector_config(spec),
        channel,
        engine,
        Arc::new(spec.escalation.clone()),
    )
    .function_invoker(Arc::new(HttpFunctionInvoker::new(spec.functions.clone())))
    .build())
}

/// The dashboard's "Test Connection": the engine loads and answers its
/// test, and the bot user can log in to LiveEngage.
///
/// # Errors
///
/// The first [`AssembleError`] met.
pub async fn test_connection(spec: &BotSpec) -> Result<(), AssembleError> {
    let engine = build_engine(&spec.engine)?;
    engine
        .test_connection()
        .await
        .map_err(|e| AssembleError::EngineUnavailable {
            code: e.code().to_string(),
            message: e.to_string(),
        })?;
    build_login(spec)
        .login(true)
        .await
        .map_err(|e| AssembleError::LiveEngage(e.message))?;
    Ok(())
}
