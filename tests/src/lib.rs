//! Helpers for the end-to-end tests: a bot on `liveengage-sim` through the
//! real messaging transport and runtime.
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
        .with_reconnect(Duration::from_millis(50), Duration::from_millis(500));
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
