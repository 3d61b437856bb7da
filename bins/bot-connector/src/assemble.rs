//! Builds a running bot from its definition: engine, transport, runtime.
//!
//! Each engine and conversation type is one match arm here.

use std::sync::Arc;

use connector_core::{BotEngine, ConversationChannel};
use connector_runtime::{CombineMessages, Connector, ConnectorConfig, SpamGuard};
use engine_dialogflow::DialogflowEngine;
use engine_lex::LexEngine;
use engine_script::ScriptEngine;
use engine_watson::WatsonEngine;
use engine_webhook::WebhookEngine;
use liveengage_auth::Authenticator;
use liveengage_chat::{ChatChannel, ChatConfig, TokenSource, chat_base};
use liveengage_messaging::{
    BearerProvider, MessagingChannel, MessagingConfig, TurnObserver, socket_base,
};

use crate::config::{BotSpec, ConversationSpec, EngineSpec};
use crate::functions::HttpFunctionInvoker;
use crate::instrument::MeasuredEngine;
use crate::login::{Persistence, authenticator};
use crate::telemetry::{BotLabel, Telemetry};

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
    /// The conversation settings are invalid.
    #[error("conversation: {0}; fix the bot's conversation settings")]
    Conversation(String),
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
            Self::Conversation(_) => "bot-connector.conversation-config",
            Self::EngineUnavailable { code, .. } => code,
        }
    }
}

/// What every connection of every bot shares: the trusted roots (CSDS,
/// login, messaging socket, chat API) and the HTTP client built on them
/// (engines and functions).
#[derive(Debug, Clone)]
pub struct Network {
    /// The roots every TLS connection trusts.
    pub trust: connector_http::Trust,
    /// One client (connection pool) for every engine's and function's calls.
    pub http: reqwest::Client,
}

impl Network {
    /// The client on `trust`.
    ///
    /// # Errors
    ///
    /// When the HTTP client cannot be built (a message saying why).
    pub fn new(trust: connector_http::Trust) -> Result<Self, String> {
        let http = trust
            .http_client_builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self { trust, http })
    }
}

/// Builds the engine a definition names; the cloud engines share `http`.
///
/// # Errors
///
/// [`AssembleError::Engine`] when its settings do not load.
pub fn build_engine(
    spec: &EngineSpec,
    http: &reqwest::Client,
) -> Result<Arc<dyn BotEngine>, AssembleError> {
    let engine = |e: String| AssembleError::Engine(e);
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
            .map_err(|e| engine(e.to_string()))?;
            Ok(Arc::new(engine))
        }
        EngineSpec::Watson(config) => Ok(Arc::new(
            WatsonEngine::with_client(config, http.clone()).map_err(|e| engine(e.to_string()))?,
        )),
        EngineSpec::Dialogflow(config) => Ok(Arc::new(
            DialogflowEngine::from_config(config, http.clone())
                .map_err(|e| engine(e.to_string()))?,
        )),
        EngineSpec::Lex(config) => Ok(Arc::new(
            LexEngine::from_config(config, http.clone()).map_err(|e| engine(e.to_string()))?,
        )),
        EngineSpec::Webhook(config) => Ok(Arc::new(
            WebhookEngine::from_config(config, http.clone()).map_err(|e| engine(e.to_string()))?,
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
        // Chat always sends the welcome event; its settings are the transport's.
        ConversationSpec::Chat(_) => {}
    }
    config
}

/// A bot ready to run: its connector and its login, which the caller shuts
/// down (logout) once the connector has stopped.
pub struct Assembled {
    /// The runtime.
    pub connector: Connector,
    /// The bot user's login, refreshed in the background.
    pub auth: Authenticator,
}

/// Builds the bot's connector: checks that a Custom Endpoint bot is
/// `online`, discovers the account's socket domain, starts
/// the transport with a refreshed login and wires the engine (measured for
/// `/metrics`), the escalation policy and the function invoker.
///
/// # Errors
///
/// [`AssembleError`] when the engine does not load or LiveEngage cannot be reached.
pub async fn assemble(
    spec: &BotSpec,
    telemetry: &Arc<Telemetry>,
    network: &Network,
) -> Result<Assembled, AssembleError> {
    let engine = build_engine(&spec.engine, &network.http)?;
    if let EngineSpec::Webhook(_) = &spec.engine {
        // The Custom Endpoint contract: only a bot whose `GET .../state`
        // answers `online` may start.
        check_engine(engine.as_ref()).await?;
    }
    let engine: Arc<dyn BotEngine> =
        Arc::new(MeasuredEngine::new(engine, &spec.id, Arc::clone(telemetry)));
    let trust = &network.trust;
    let auth = authenticator(spec, Persistence::Running, trust)?;
    let channel: Arc<dyn ConversationChannel> = match &spec.conversation {
        ConversationSpec::Messaging { .. } => {
            // One quick CSDS look-up, so a wrong account or CSDS URL fails
            // the start at once instead of after LivePerson's retry delays.
            let probe = authenticator(spec, Persistence::Probe, trust)?;
            let socket = socket_base(&probe)
                .await
                .map_err(|e| AssembleError::LiveEngage(e.to_string()))?;
            let mut config = MessagingConfig::new(
                spec.id.as_str(),
                spec.liveengage.account_id.as_str(),
                socket,
            )
            .with_trust(trust.clone());
            for (name, id) in &spec.liveengage.skills {
                config = config.with_skill(name.as_str(), id.as_str());
            }
            let reconnect = spec.liveengage.reconnect;
            config = config.with_reconnect(reconnect.base, reconnect.max);
            let turns = telemetry
                .turn_latency
                .get_or_create(&BotLabel {
                    bot: spec.id.to_string(),
                })
                .clone();
            config = config.with_turn_observer(TurnObserver::new(move |turn| {
                turns.observe(turn.as_secs_f64())
            }));
            let login: Arc<dyn BearerProvider> = Arc::new(auth.clone());
            MessagingChannel::start(config, login)
        }
        ConversationSpec::Chat(settings) => {
            // As for messaging: one quick CSDS look-up fails a wrong account at once.
            let probe = authenticator(spec, Persistence::Probe, trust)?;
            let base = chat_base(&probe)
                .await
                .map_err(|e| AssembleError::LiveEngage(e.to_string()))?;
            let mut settings = settings.clone();
            // The bot's skills (the escalation skill among them) are transfer
            // targets too; the chat table's own entries win.
            for (name, id) in &spec.liveengage.skills {
                settings
                    .skills
                    .entry(name.clone())
                    .or_insert_with(|| id.clone());
            }
            let config =
                ChatConfig::new(spec.id.as_str(), spec.liveengage.account_id.as_str(), base)
                    .with_http_client(auth.http_client().clone())
                    .with_settings(settings);
            config.validate().map_err(AssembleError::Conversation)?;
            let tokens: Arc<dyn TokenSource> = Arc::new(auth.clone());
            ChatChannel::start(config, tokens)
                .map_err(|e| AssembleError::Conversation(e.to_string()))?
        }
    };
    auth.spawn_keep_alive();
    let connector = Connector::builder(
        connector_config(spec),
        channel,
        engine,
        Arc::new(spec.escalation.clone()),
    )
    .function_invoker(Arc::new(HttpFunctionInvoker::new(
        network.http.clone(),
        spec.functions.clone(),
    )))
    .build();
    Ok(Assembled { connector, auth })
}

/// The engine's own test connection, as an [`AssembleError`].
async fn check_engine(engine: &dyn BotEngine) -> Result<(), AssembleError> {
    engine
        .test_connection()
        .await
        .map_err(|e| AssembleError::EngineUnavailable {
            code: e.code().to_string(),
            message: e.to_string(),
        })
}

/// The dashboard's "Test Connection": the engine loads and answers its
/// test, and the bot user can log in to LiveEngage (then logs out); a chat
/// bot's account must also list the Chat Agent API (`agentVep`) in CSDS.
///
/// # Errors
///
/// The first [`AssembleError`] met.
pub async fn test_connection(spec: &BotSpec, network: &Network) -> Result<(), AssembleError> {
    let engine = build_engine(&spec.engine, &network.http)?;
    let trust = &network.trust;
    check_engine(engine.as_ref()).await?;
    let auth = authenticator(spec, Persistence::Probe, trust)?;
    auth.login()
        .await
        .map_err(|e| AssembleError::LiveEngage(e.to_string()))?;
    if let ConversationSpec::Chat(_) = &spec.conversation {
        // The chat bot also needs the Chat Agent API's domain.
        chat_base(&auth)
            .await
            .map_err(|e| AssembleError::LiveEngage(format!("chat (agentVep): {e}")))?;
    }
    if let Err(err) = auth.shutdown().await {
        tracing::debug!(bot_id = %spec.id, "logout after the test connection failed: {err}");
    }
    Ok(())
}
