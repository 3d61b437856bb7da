//! The bot under test in this process: transport, runtime and engine.

use std::sync::Arc;
use std::time::Duration;

use connector_core::{BotEngine, ErrorHandling};
use connector_runtime::{BotStatus, Connector, ConnectorConfig, ConnectorHandle, RuntimeError};
use liveengage_messaging::{MessagingChannel, MessagingConfig, TurnObserver, socket_base};
use liveengage_sim::SimHandle;

use crate::bot::{LOGIN_RETRY, RECONNECT, StartError, engine_timeout, err, escalation};
use crate::options::Options;
use crate::turn_buckets::TurnCounter;

/// A running bot in this process.
pub struct InProcessBot {
    /// The bot's runtime.
    pub handle: ConnectorHandle,
    /// The bot's transport.
    pub channel: Arc<MessagingChannel>,
    /// The transport's own turn times.
    pub turns: Arc<TurnCounter>,
    task: tokio::task::JoinHandle<Result<(), RuntimeError>>,
}

impl InProcessBot {
    /// Starts the bot on `sim` (logged in through CSDS and the Login
    /// Service, as in production) and waits until it is Online.
    ///
    /// # Errors
    ///
    /// [`StartError`] when it does not come up within 30 s.
    pub async fn start(
        options: &Options,
        sim: &SimHandle,
        engine: Arc<dyn BotEngine>,
    ) -> Result<Self, StartError> {
        use liveengage_auth::{AuthConfig, Authenticator, Credentials, retry::RetryPolicy};

        let retry = RetryPolicy::liveperson()
            .with_server_error_delays(LOGIN_RETRY.server_error_delays.to_vec())
            .with_backoff(LOGIN_RETRY.backoff_start, LOGIN_RETRY.backoff_cap);
        let auth = Authenticator::new(
            AuthConfig::new(
                sim.account_id(),
                Credentials::user_password("echo-bot", "secret"),
            )
            .with_csds_base(sim.base_url().parse().map_err(err)?)
            .with_trust(sim.client_trust())
            .allow_http(options.plain)
            .with_retry_policy(retry),
        )
        .map_err(err)?;
        let base = socket_base(&auth).await.map_err(err)?;
        let config = MessagingConfig::new("loadgen-bot", sim.account_id(), base)
            .with_skill("Bot", "1")
            .with_skill("Human", "2")
            .with_request_timeout(Duration::from_secs(3))
            .with_keepalive(Duration::from_secs(2), Duration::from_secs(10))
            .with_reconnect(RECONNECT.0, RECONNECT.1)
            .with_trust(sim.client_trust());
        let turns = Arc::new(TurnCounter::new());
        let counter = Arc::clone(&turns);
        let config =
            config.with_turn_observer(TurnObserver::new(move |turn| counter.observe(turn)));
        let channel = MessagingChannel::start(config, Arc::new(auth));
        let mut runtime = ConnectorConfig::new("loadgen-bot")
            .with_max_concurrent_turns(1024)
            .with_max_open_conversations(options.conversations.max(999))
            .with_engine_timeout(engine_timeout(options));
        if !options.spam_guard {
            runtime = runtime.with_spam_guard(None);
        }
        let policy: ErrorHandling = escalation();
        let connector = Connector::builder(
            runtime,
            Arc::clone(&channel) as Arc<dyn connector_core::ConversationChannel>,
            engine,
            Arc::new(policy),
        )
        .build();
        let handle = connector.handle();
        let task = tokio::spawn(connector.run());
        let mut status = handle.watch_status();
        tokio::time::timeout(
            Duration::from_secs(30),
            status.wait_for(|s| *s == BotStatus::Online),
        )
        .await
        .map_err(|_| StartError("the bot did not come Online within 30 s".into()))?
        .map_err(err)?;
        Ok(Self {
            handle,
            channel,
            turns,
            task,
        })
    }

    /// Stops the bot.
    pub async fn stop(self) {
        self.handle.shutdown();
        let _ = self.task.await;
    }
}
