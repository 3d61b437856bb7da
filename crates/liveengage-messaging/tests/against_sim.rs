//! The messaging transport against `liveengage-sim`, driven by
//! `connector-runtime`, over TLS (`wss://`, the emulator's generated CA) as
//! against a real account.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use connector_core::{
    Action, BotEngine, BotReply, EngineError, EngineSession, ErrorHandling, EventKind,
    InboundEvent, Secret, Ttr,
};
use connector_runtime::{BotStatus, Connector, ConnectorConfig, ConnectorHandle};
use liveengage_messaging::{
    AgentLogin, BearerProvider, LoginError, MessagingChannel, MessagingConfig, Trust,
};
use liveengage_proto::enums::Role;
use liveengage_sim::Entry;
use liveengage_sim::client::ConsumerClient;
use liveengage_sim::{Sim, SimHandle};

const WAIT: Duration = Duration::from_secs(10);

/// Logs in through the emulator's token issuer and counts logins.
struct SimLogin {
    sim: Arc<SimHandle>,
    logins: AtomicUsize,
    relogins: AtomicUsize,
    /// The next logins to fail (slowly), as a failing Login Service would.
    fail_next: AtomicUsize,
}

#[async_trait]
impl BearerProvider for SimLogin {
    async fn login(&self, relogin: bool) -> Result<AgentLogin, LoginError> {
        self.logins.fetch_add(1, Ordering::SeqCst);
        if relogin {
            self.relogins.fetch_add(1, Ordering::SeqCst);
        }
        if self.fail_next.load(Ordering::SeqCst) > 0 {
            self.fail_next.fetch_sub(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(200)).await;
            return Err(LoginError {
                message: "503 from the Login Service".into(),
                transient: true,
            });
        }
        let bearer = self.sim.issue_token("echo-bot").map_err(|e| LoginError {
            message: e.to_string(),
            transient: true,
        })?;
        Ok(AgentLogin {
            bearer: Secret::new(bearer.expose()),
            user_id: "1234567890".into(),
        })
    }
}

/// Echoes, and acts on a few commands.
struct Commands;

#[async_trait]
impl BotEngine for Commands {
    fn vendor(&self) -> &str {
        "commands"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        _: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        let EventKind::ConsumerText { text, .. } = &event.kind else {
            return Ok(BotReply::new());
        };
        Ok(match text.as_str() {
            "human" => BotReply::new()
                .with_text("transferring")
                .with_action(Action::transfer("Human")),
            "bye" => BotReply::new()
                .with_text("goodbye")
                .with_action(Action::Close { without_pcs: true }),
            "hurry" => BotReply::new()
                .with_text("on it")
                .with_action(Action::ChangeTtr(Ttr::Urgent)),
            other => BotReply::new().with_text(format!("echo: {other}")),
        })
    }
}

struct Bot {
    sim: Arc<SimHandle>,
    login: Arc<SimLogin>,
    handle: ConnectorHandle,
    task: tokio::task::JoinHandle<Result<(), connector_runtime::RuntimeError>>,
}

type Running = (
    ConnectorHandle,
    tokio::task::JoinHandle<Result<(), connector_runtime::RuntimeError>>,
);

/// Runs the `Commands` engine over `channel` and waits until it is Online.
async fn run_online(channel: Arc<MessagingChannel>) -> Running {
    let connector = Connector::builder(
        ConnectorConfig::new("bot-1"),
        channel,
        Arc::new(Commands),
        Arc::new(ErrorHandling::new("Human")),
    )
    .build();
    let handle = connector.handle();
    let task = tokio::spawn(connector.run());
    let mut status = handle.watch_status();
    tokio::time::timeout(WAIT, status.wait_for(|s| *s == BotStatus::Online))
        .await
        .unwrap()
        .unwrap();
    (handle, task)
}

/// The bot's texts in a conversation, in order.
fn bot_texts_in(sim: &SimHandle, conversation: &str) -> Vec<String> {
    sim.transcript(conversation)
        .map(|t| {
            t.texts()
                .into_iter()
                .filter(|(role, _)| *role != Role::Consumer)
                .map(|(_, t)| t)
                .collect()
        })
        .unwrap_or_default()
}

async fn start_bot() -> Bot {
    start_bot_with(|config| config).await
}

/// An emulator serving TLS, and a trust holding its CA.
async fn tls_sim() -> (Arc<SimHandle>, Trust) {
    let sim = Arc::new(Sim::builder().tls(true).start().await.unwrap());
    let trust = Trust::default()
        .with_extra_ca_pem(sim.ca_pem().unwrap().as_bytes())
        .unwrap();
    (sim, trust)
}

async fn start_bot_with(tune: impl FnOnce(MessagingConfig) -> MessagingConfig) -> Bot {
    start_bot_login(|login| login, tune).await
}

async fn start_bot_login(
    wrap: impl FnOnce(Arc<SimLogin>) -> Arc<dyn BearerProvider>,
    tune: impl FnOnce(MessagingConfig) -> MessagingConfig,
) -> Bot {
    let (sim, trust) = tls_sim().await;
    assert!(sim.ws_base_url().starts_with("wss://"));
    let login = Arc::new(SimLogin {
        sim: Arc::clone(&sim),
        logins: AtomicUsize::new(0),
        relogins: AtomicUsize::new(0),
        fail_next: AtomicUsize::new(0),
    });
    let config = MessagingConfig::new(
        "bot-1",
        sim.account_id(),
        sim.ws_base_url().parse().unwrap(),
    )
    .with_trust(trust)
    .with_skill("Bot", "1")
    .with_skill("Human", "2")
    .with_request_timeout(Duration::from_secs(3))
    .with_keepalive(Duration::from_secs(5), Duration::from_secs(15))
    .with_reconnect(Duration::from_millis(50), Duration::from_millis(500));
    let channel = MessagingChannel::start(tune(config), wrap(login.clone()));
    let (handle, task) = run_online(channel).await;
    Bot {
        sim,
        login,
        handle,
        task,
    }
}

impl Bot {
    async fn stop(self) {
        self.handle.shutdown();
        self.task.await.unwrap().unwrap();
    }

    fn bot_texts(&self, conversation: &str) -> Vec<String> {
        bot_texts_in(&self.sim, conversation)
    }
}

async fn consumer(bot: &Bot) -> (ConsumerClient, String) {
    let mut consumer = bot.sim.consumer().await.unwrap();
    let conversation = consumer.open_conversation(None).await.unwrap();
    (consumer, conversation)
}

async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..400 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_converses_and_is_transferred_to_a_human_skill() {
    let bot = start_bot().await;
    let (mut consumer, conversation) = consumer(&bot).await;
    consumer.send_text("hello").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: hello");
    consumer.send_text("human").await.unwrap();
    assert_eq!(
        consumer.next_agent_text(WAIT).await.unwrap(),
        "transferring"
    );
    eventually("transfer in the transcript", || {
        bot.sim.transcript(&conversation).is_some_and(|t| {
            t.has(|e| matches!(e, Entry::TransferredToSkill { to, .. } if to == "2"))
        })
    })
    .await;
    assert_eq!(
        bot.bot_texts(&conversation),
        ["echo: hello", "transferring"]
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ttr_change_and_close_without_survey_reach_liveengage() {
    let bot = start_bot().await;
    let (mut consumer, conversation) = consumer(&bot).await;
    consumer.send_text("hurry").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "on it");
    eventually("TTR in the transcript", || {
        bot.sim
            .transcript(&conversation)
            .is_some_and(|t| t.has(|e| matches!(e, Entry::TtrChanged { .. })))
    })
    .await;
    consumer.send_text("bye").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "goodbye");
    eventually("close in the transcript", || {
        bot.sim.transcript(&conversation).is_some_and(|t| {
            t.has(|e| {
                matches!(
                    e,
                    Entry::Closed {
                        with_survey: false,
                        ..
                    }
                )
            })
        })
    })
    .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_sent_while_the_socket_is_down_are_answered_exactly_once() {
    let bot = start_bot().await;
    let (mut consumer, conversation) = consumer(&bot).await;
    consumer.send_text("before").await.unwrap();
    assert_eq!(
        consumer.next_agent_text(WAIT).await.unwrap(),
        "echo: before"
    );
    assert!(bot.sim.faults().drop_sockets() >= 1);
    consumer.send_text("during").await.unwrap();
    consumer.send_text("after").await.unwrap();
    assert_eq!(
        consumer.next_agent_text(WAIT).await.unwrap(),
        "echo: during"
    );
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: after");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        bot.bot_texts(&conversation),
        ["echo: before", "echo: during", "echo: after"]
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4401_close_logs_in_again_and_loses_nothing() {
    let bot = start_bot().await;
    let (mut consumer, conversation) = consumer(&bot).await;
    consumer.send_text("one").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: one");
    assert!(bot.sim.faults().close_sockets(4401) >= 1);
    let login = Arc::clone(&bot.login);
    eventually("a fresh login after 4401", || {
        login.relogins.load(Ordering::SeqCst) >= 1
    })
    .await;
    consumer.send_text("two").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: two");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(bot.bot_texts(&conversation), ["echo: one", "echo: two"]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_frame_is_skipped() {
    let bot = start_bot().await;
    let (mut consumer, conversation) = consumer(&bot).await;
    assert!(bot.sim.faults().send_malformed_frame() >= 1);
    consumer.send_text("still there?").await.unwrap();
    assert_eq!(
        consumer.next_agent_text(WAIT).await.unwrap(),
        "echo: still there?"
    );
    assert_eq!(bot.bot_texts(&conversation), ["echo: still there?"]);
    assert_eq!(
        bot.login.logins.load(Ordering::SeqCst),
        1,
        "a malformed frame must not cost a reconnect"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_and_a_slow_failing_login_lose_nothing_and_duplicate_nothing() {
    let bot = start_bot().await;
    let (mut consumer, conversation) = consumer(&bot).await;
    consumer.send_text("first").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: first");
    bot.login.fail_next.store(3, Ordering::SeqCst);
    assert!(bot.sim.faults().expire_tokens() >= 1);
    consumer.send_text("while logged out").await.unwrap();
    assert_eq!(
        consumer.next_agent_text(WAIT).await.unwrap(),
        "echo: while logged out"
    );
    assert_eq!(
        bot.login.fail_next.load(Ordering::SeqCst),
        0,
        "the failing logins were not retried"
    );
    assert!(
        bot.login.logins.load(Ordering::SeqCst) >= 5,
        "1 + 3 failed + 1 good login"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        bot.bot_texts(&conversation),
        ["echo: first", "echo: while logged out"]
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_bot_answers_what_arrived_while_it_was_away_once() {
    let bot = start_bot().await;
    let (mut consumer, conversation) = consumer(&bot).await;
    consumer.send_text("hello").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: hello");
    let sim = Arc::clone(&bot.sim);
    bot.stop().await;
    consumer.send_text("anyone?").await.unwrap();
    // A new process: same bot user, no memory of the conversation.
    let login = Arc::new(SimLogin {
        sim: Arc::clone(&sim),
        logins: AtomicUsize::new(0),
        relogins: AtomicUsize::new(0),
        fail_next: AtomicUsize::new(0),
    });
    let config = MessagingConfig::new(
        "bot-1",
        sim.account_id(),
        sim.ws_base_url().parse().unwrap(),
    )
    .with_trust(
        Trust::default()
            .with_extra_ca_pem(sim.ca_pem().unwrap().as_bytes())
            .unwrap(),
    )
    .with_reconnect(Duration::from_millis(50), Duration::from_millis(500));
    let channel = MessagingChannel::start(config, login);
    let (handle, task) = run_online(channel).await;
    assert_eq!(
        consumer.next_agent_text(WAIT).await.unwrap(),
        "echo: anyone?"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        bot_texts_in(&sim, &conversation),
        ["echo: hello", "echo: anyone?"]
    );
    handle.shutdown();
    task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_logged_in_through_csds_and_the_login_service_survives_token_expiry() {
    use liveengage_auth::{AuthConfig, Authenticator, Credentials};

    let (sim, trust) = tls_sim().await;
    let auth = Authenticator::new(
        AuthConfig::new(
            sim.account_id(),
            Credentials::user_password("echo-bot", "secret"),
        )
        .with_csds_base(sim.base_url().parse().unwrap())
        .with_trust(trust.clone()),
    )
    .unwrap();
    let base = liveengage_messaging::socket_base(&auth).await.unwrap();
    assert_eq!(base.scheme(), "wss");
    let config = MessagingConfig::new("bot-1", sim.account_id(), base)
        .with_trust(trust)
        .with_reconnect(Duration::from_millis(50), Duration::from_millis(500));
    let channel = MessagingChannel::start(config, Arc::new(auth.clone()));
    let (handle, task) = run_online(channel).await;
    let first = auth.current().unwrap().generation();

    let mut consumer = sim.consumer().await.unwrap();
    let conversation = consumer.open_conversation(None).await.unwrap();
    consumer.send_text("hi").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: hi");

    assert!(sim.faults().expire_tokens() >= 1);
    let auth_watch = auth.clone();
    eventually("a new login", || {
        auth_watch.current().is_some_and(|s| s.generation() > first)
    })
    .await;
    consumer.send_text("still here").await.unwrap();
    assert_eq!(
        consumer.next_agent_text(WAIT).await.unwrap(),
        "echo: still here"
    );
    assert_eq!(
        bot_texts_in(&sim, &conversation),
        ["echo: hi", "echo: still here"]
    );
    handle.shutdown();
    task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_stops_answering_is_replaced() {
    let bot = start_bot_with(|config| {
        config
            .with_request_timeout(Duration::from_millis(300))
            .with_keepalive(Duration::from_millis(200), Duration::from_secs(5))
    })
    .await;
    let (mut consumer, conversation) = consumer(&bot).await;
    consumer.send_text("one").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: one");
    let logins = bot.login.logins.load(Ordering::SeqCst);
    // The emulator keeps the socket open but answers nothing in time: the
    // keep-alive's GetClock times out and the transport reconnects.
    bot.sim.faults().delay_responses(Duration::from_secs(2));
    let login = Arc::clone(&bot.login);
    eventually("a reconnect", || {
        login.logins.load(Ordering::SeqCst) > logins
    })
    .await;
    bot.sim.faults().clear();
    consumer.send_text("two").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: two");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(bot.bot_texts(&conversation), ["echo: one", "echo: two"]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_turn_observer_times_each_live_message_answered_once() {
    let turns = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&turns);
    let observer = liveengage_messaging::TurnObserver::new(move |turn| {
        seen.lock().unwrap().push(turn);
    });
    let bot = start_bot_with(|config| config.with_turn_observer(observer)).await;
    let (mut consumer, _conversation) = consumer(&bot).await;
    // The first message may reach the bot by history (not timed); once it
    // is answered, the bot reads the conversation live.
    consumer.send_text("hello").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: hello");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = turns.lock().unwrap().len();
    assert!(before <= 1, "{before}");
    for text in ["one", "two", "three"] {
        consumer.send_text(text).await.unwrap();
        assert_eq!(
            consumer.next_agent_text(WAIT).await.unwrap(),
            format!("echo: {text}")
        );
    }
    eventually("three turns", || turns.lock().unwrap().len() == before + 3).await;
    // Nothing more: a turn is counted once, when its answer is written.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let turns = turns.lock().unwrap().clone();
    assert_eq!(turns.len(), before + 3, "{turns:?}");
    assert!(turns.iter().all(|t| *t < WAIT), "{turns:?}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_to_an_untrusted_server_is_an_interruption_not_a_panic() {
    let (sim, _) = tls_sim().await;
    let login = Arc::new(SimLogin {
        sim: Arc::clone(&sim),
        logins: AtomicUsize::new(0),
        relogins: AtomicUsize::new(0),
        fail_next: AtomicUsize::new(0),
    });
    // Mozilla's roots only: the emulator's CA is not trusted.
    let config = MessagingConfig::new(
        "bot-1",
        sim.account_id(),
        sim.ws_base_url().parse().unwrap(),
    )
    .with_reconnect(Duration::from_millis(50), Duration::from_millis(200));
    let connector = Connector::builder(
        ConnectorConfig::new("bot-1"),
        MessagingChannel::start(config, login.clone()),
        Arc::new(Commands),
        Arc::new(ErrorHandling::new("Human")),
    )
    .build();
    let handle = connector.handle();
    let task = tokio::spawn(connector.run());
    let mut status = handle.watch_status();
    let seen = tokio::time::timeout(
        WAIT,
        status.wait_for(|s| matches!(s, BotStatus::ServiceInterruption { .. })),
    )
    .await
    .unwrap()
    .unwrap()
    .clone();
    let BotStatus::ServiceInterruption { code, message } = seen else {
        unreachable!()
    };
    assert_eq!(code.as_str(), "messaging.connection");
    assert!(message.contains("socket connection failed"), "{message}");
    assert!(message.to_lowercase().contains("certificate"), "{message}");
    // It keeps trying (with a new login each time), and stops cleanly.
    let retries = Arc::clone(&login);
    eventually("retries", || retries.logins.load(Ordering::SeqCst) >= 3).await;
    handle.shutdown();
    task.await.unwrap().unwrap();
}

/// A login that panics once, as a buggy `BearerProvider` would.
struct PanicsOnce {
    login: Arc<SimLogin>,
    panicked: std::sync::atomic::AtomicBool,
}

#[async_trait]
impl BearerProvider for PanicsOnce {
    async fn login(&self, relogin: bool) -> Result<AgentLogin, LoginError> {
        if self.login.logins.load(Ordering::SeqCst) >= 1
            && !self.panicked.swap(true, Ordering::SeqCst)
        {
            panic!("injected login failure");
        }
        self.login.login(relogin).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_the_connection_task_interrupts_and_reconnects() {
    let bot = start_bot_login(
        |login| {
            Arc::new(PanicsOnce {
                login,
                panicked: std::sync::atomic::AtomicBool::new(false),
            })
        },
        |config| config,
    )
    .await;
    let (mut consumer, conversation) = consumer(&bot).await;
    consumer.send_text("one").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: one");
    let mut status = bot.handle.watch_status();
    // The next connection's login panics: the bot must say so, then come back.
    assert!(bot.sim.faults().drop_sockets() >= 1);
    let seen = tokio::time::timeout(
        WAIT,
        status.wait_for(|s| {
            matches!(s, BotStatus::ServiceInterruption { code, .. } if code.as_str() == "messaging.transport-failure")
        }),
    )
    .await
    .expect("a Service Interruption with the transport-failure code")
    .unwrap()
    .clone();
    let BotStatus::ServiceInterruption { message, .. } = seen else {
        unreachable!()
    };
    assert!(message.contains("injected login failure"), "{message}");
    tokio::time::timeout(WAIT, status.wait_for(|s| *s == BotStatus::Online))
        .await
        .unwrap()
        .unwrap();
    consumer.send_text("two").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: two");
    assert_eq!(bot.bot_texts(&conversation), ["echo: one", "echo: two"]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_the_socket_writer_interrupts_and_reconnects() {
    let armed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trigger = Arc::clone(&armed);
    // The turn observer runs in the socket's writer task.
    let observer = liveengage_messaging::TurnObserver::new(move |_| {
        if trigger.swap(false, Ordering::SeqCst) {
            panic!("injected writer failure");
        }
    });
    let bot = start_bot_with(|config| config.with_turn_observer(observer)).await;
    let (mut consumer, conversation) = consumer(&bot).await;
    consumer.send_text("one").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: one");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let logins = bot.login.logins.load(Ordering::SeqCst);
    let mut status = bot.handle.watch_status();
    armed.store(true, Ordering::SeqCst);
    consumer.send_text("two").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: two");
    let seen = tokio::time::timeout(
        WAIT,
        status.wait_for(|s| matches!(s, BotStatus::ServiceInterruption { .. })),
    )
    .await
    .unwrap()
    .unwrap()
    .clone();
    let BotStatus::ServiceInterruption { code, message } = seen else {
        unreachable!()
    };
    assert_eq!(code.as_str(), "messaging.transport-failure");
    assert!(message.contains("injected writer failure"), "{message}");
    let login = Arc::clone(&bot.login);
    eventually("a reconnect", || {
        login.logins.load(Ordering::SeqCst) > logins
    })
    .await;
    tokio::time::timeout(WAIT, status.wait_for(|s| *s == BotStatus::Online))
        .await
        .unwrap()
        .unwrap();
    consumer.send_text("three").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: three");
    assert_eq!(
        bot.bot_texts(&conversation),
        ["echo: one", "echo: two", "echo: three"]
    );
    bot.stop().await;
}
