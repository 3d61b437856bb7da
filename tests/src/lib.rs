//! Helpers for the end-to-end tests: a bot on `liveengage-sim` through the
//! real messaging transport and runtime. The tests start the emulator with
//! TLS, as LiveEngage is: every helper trusts its generated CA
//! ([`SimHandle::client_trust`]).
#![deny(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use connector_core::{BotEngine, ErrorHandling, Secret};
use connector_runtime::{BotStatus, Connector, ConnectorConfig, ConnectorHandle, RuntimeError};
use liveengage_messaging::{
    AgentLogin, BearerProvider, LoginError, MessagingChannel, MessagingConfig,
};
use liveengage_sim::SimHandle;

/// How long a test waits for anything.
pub const WAIT: Duration = Duration::from_secs(10);

/// Logs the emulator's default bot user (`echo-bot`) in through its token issuer.
pub struct SimLogin(pub Arc<SimHandle>);

#[async_trait]
impl BearerProvider for SimLogin {
    async fn login(&self, _relogin: bool) -> Result<AgentLogin, LoginError> {
        let bearer = self.0.issue_token("echo-bot").map_err(|e| LoginError {
            message: e.to_string(),
            transient: true,
        })?;
        Ok(AgentLogin {
            bearer: Secret::new(bearer.expose()),
            user_id: "1234567890".into(),
        })
    }
}

/// A running bot.
pub struct RunningBot {
    /// Observes and stops it.
    pub handle: ConnectorHandle,
    /// Its transport.
    pub channel: Arc<MessagingChannel>,
    task: tokio::task::JoinHandle<Result<(), RuntimeError>>,
}

impl RunningBot {
    /// Starts `engine` as the emulator's bot user, with the given skills
    /// (name, id) and escalation skill, and waits until it is Online.
    ///
    /// # Panics
    ///
    /// When the bot does not come Online within [`WAIT`].
    pub async fn start(
        sim: &Arc<SimHandle>,
        engine: Arc<dyn BotEngine>,
        skills: &[(&str, &str)],
        escalation: &str,
    ) -> Self {
        Self::start_with(
            sim,
            engine,
            skills,
            escalation,
            ConnectorConfig::new("bot-1"),
        )
        .await
    }

    /// As [`RunningBot::start`], with runtime settings of your own.
    ///
    /// # Panics
    ///
    /// When the bot does not come Online within [`WAIT`].
    pub async fn start_with(
        sim: &Arc<SimHandle>,
        engine: Arc<dyn BotEngine>,
        skills: &[(&str, &str)],
        escalation: &str,
        runtime: ConnectorConfig,
    ) -> Self {
        let mut config = MessagingConfig::new(
            "bot-1",
            sim.account_id(),
            sim.ws_base_url().parse().expect("ws url"),
        )
        .with_reconnect(Duration::from_millis(50), Duration::from_millis(500))
        .with_trust(sim.client_trust());
        for (name, id) in skills {
            config = config.with_skill(*name, *id);
        }
        let channel = MessagingChannel::start(config, Arc::new(SimLogin(Arc::clone(sim))));
        let connector = Connector::builder(
            runtime,
            Arc::clone(&channel) as Arc<dyn connector_core::ConversationChannel>,
            engine,
            Arc::new(ErrorHandling::new(escalation)),
        )
        .build();
        let handle = connector.handle();
        let task = tokio::spawn(connector.run());
        let mut status = handle.watch_status();
        tokio::time::timeout(WAIT, status.wait_for(|s| *s == BotStatus::Online))
            .await
            .expect("bot online in time")
            .expect("status channel open");
        Self {
            handle,
            channel,
            task,
        }
    }

    /// Stops the bot and waits for it.
    ///
    /// # Panics
    ///
    /// When the connector task failed.
    pub async fn stop(self) {
        self.handle.shutdown();
        self.task
            .await
            .expect("connector task")
            .expect("clean shutdown");
    }
}

/// Polls `cond` every 25 ms for up to 10 s.
///
/// # Panics
///
/// When `cond` does not hold in time.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..400 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Logs `login` (password `secret`, as every emulator user) in through
/// `liveengage-auth`, with the emulator as CSDS and Login Service.
///
/// # Panics
///
/// When the emulator's base URL does not parse or the authenticator cannot
/// be built.
#[must_use]
pub fn sim_authenticator(sim: &SimHandle, login: &str) -> Arc<liveengage_auth::Authenticator> {
    let config = liveengage_auth::AuthConfig::new(
        sim.account_id(),
        liveengage_auth::Credentials::user_password(login, "secret"),
    )
    .with_csds_base(sim.base_url().parse().expect("emulator base URL"))
    .with_trust(sim.client_trust())
    // Only a plain emulator (a test that says why) is reached over http://.
    .allow_http(sim.ca_pem().is_none());
    Arc::new(liveengage_auth::Authenticator::new(config).expect("authenticator"))
}

/// A chat configuration for tests: the Chat Agent API found through CSDS,
/// fast polling, a 400 ms request timeout and short retry delays, so faults
/// play out in about a second.
///
/// # Panics
///
/// When CSDS does not list the chat service.
pub async fn fast_chat_config(
    auth: &liveengage_auth::Authenticator,
    bot_id: &str,
    account_id: &str,
    settings: liveengage_chat::ChatSettings,
) -> liveengage_chat::ChatConfig {
    use liveengage_auth::retry::{FixedJitter, RetryPolicy};
    let base = liveengage_chat::chat_base(auth)
        .await
        .expect("CSDS lists agentVep");
    let settings = liveengage_chat::ChatSettings {
        request_timeout: Duration::from_millis(400),
        polling: liveengage_chat::PollingSettings {
            active: Duration::from_millis(50),
            idle: Duration::from_millis(50),
            idle_max: Duration::from_millis(200),
        },
        ..settings
    };
    liveengage_chat::ChatConfig::new(bot_id, account_id, base)
        .with_http_client(auth.http_client().clone())
        .with_settings(settings)
        .with_retry_policy(
            RetryPolicy::liveperson()
                .with_jitter(FixedJitter(0.0))
                .with_server_error_delays(vec![Duration::from_millis(100); 3])
                .with_backoff(Duration::from_millis(200), Duration::from_millis(400)),
        )
        .with_send_grace(Duration::from_secs(10))
}

/// A running chat bot: the emulator's bot user (`echo-bot`) logged in
/// through `liveengage-auth`, on the chat transport.
pub struct RunningChatBot {
    /// Observes and stops it.
    pub handle: ConnectorHandle,
    /// Its transport.
    pub channel: Arc<liveengage_chat::ChatChannel>,
    task: tokio::task::JoinHandle<Result<(), RuntimeError>>,
}

impl RunningChatBot {
    /// Starts `engine` with the chat `settings` (polling and timeouts are
    /// replaced by [`fast_chat_config`]'s) and escalation skill, and waits
    /// until it is Online.
    ///
    /// # Panics
    ///
    /// When the settings are invalid or the bot does not come Online within [`WAIT`].
    pub async fn start(
        sim: &Arc<SimHandle>,
        engine: Arc<dyn BotEngine>,
        settings: liveengage_chat::ChatSettings,
        escalation: &str,
    ) -> Self {
        let auth = sim_authenticator(sim, "echo-bot");
        let config = fast_chat_config(&auth, "chat-bot-1", &sim.account_id(), settings).await;
        config.validate().expect("valid chat settings");
        let channel =
            liveengage_chat::ChatChannel::start(config, auth).expect("chat transport starts");
        let connector = Connector::builder(
            ConnectorConfig::new("chat-bot-1"),
            Arc::clone(&channel) as Arc<dyn connector_core::ConversationChannel>,
            engine,
            Arc::new(ErrorHandling::new(escalation)),
        )
        .build();
        let handle = connector.handle();
        let task = tokio::spawn(connector.run());
        let mut status = handle.watch_status();
        tokio::time::timeout(WAIT, status.wait_for(|s| *s == BotStatus::Online))
            .await
            .expect("chat bot online in time")
            .expect("status channel open");
        Self {
            handle,
            channel,
            task,
        }
    }

    /// Stops the bot and waits for it.
    ///
    /// # Panics
    ///
    /// When the connector task failed.
    pub async fn stop(self) {
        self.handle.shutdown();
        self.task
            .await
            .expect("connector task")
            .expect("clean shutdown");
    }
}
