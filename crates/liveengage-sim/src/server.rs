//! Starting the emulator ([`Sim::builder`]) and driving it from tests ([`SimHandle`]).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use liveengage_proto::Secret;
use liveengage_proto::chat::ChatEvent;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::agent_clock::AgentClock;
use crate::client::ConsumerClient;
use crate::config::{SimConfig, SkillConfig, UserConfig};
use crate::faults::Faults;
use crate::state::{Core, Inner, Timer};
use crate::transcript::Transcript;
use crate::{SimError, http, tls};

/// Entry point: `Sim::builder()…start().await`.
#[derive(Debug)]
pub struct Sim;

impl Sim {
    /// A builder with the default configuration (account `12345678`, bot
    /// `echo-bot`/`secret` on skill `1`, agent `agent`/`secret` on skill `2`),
    /// plain HTTP on `127.0.0.1`, a free port.
    pub fn builder() -> SimBuilder {
        SimBuilder {
            config: SimConfig::default(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: false,
            ca_path: None,
            time_agent_turns: false,
        }
    }
}

/// Configures and starts an emulator.
#[must_use]
#[derive(Debug)]
pub struct SimBuilder {
    config: SimConfig,
    bind: SocketAddr,
    tls: bool,
    ca_path: Option<PathBuf>,
    time_agent_turns: bool,
}

impl SimBuilder {
    /// Replaces the whole configuration (e.g. from [`SimConfig::from_file`]).
    pub fn config(mut self, config: SimConfig) -> Self {
        self.config = config;
        self
    }

    /// The account id.
    pub fn account_id(mut self, account: &str) -> Self {
        account.clone_into(&mut self.config.account_id);
        self
    }

    /// Adds a skill.
    pub fn skill(mut self, id: &str, name: &str) -> Self {
        self.config.skills.push(SkillConfig {
            id: id.into(),
            name: name.into(),
        });
        self
    }

    /// Adds a user (bot or human agent).
    pub fn user(mut self, user: UserConfig) -> Self {
        self.config.users.push(user);
        self
    }

    /// Bearer token lifetime (default 8 h).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.config.token_ttl = ttl;
        self
    }

    /// How long a ring waits for an answer before it expires (default 72 s).
    pub fn ring_expiration(mut self, expiration: Duration) -> Self {
        self.config.ring_expiration = expiration;
        self
    }

    /// How long a chat agent may stop polling before the chat times out (default 40 s).
    pub fn chat_timeout(mut self, timeout: Duration) -> Self {
        self.config.chat_timeout = timeout;
        self
    }

    /// Whether closing the MAIN dialog opens a post-conversation survey (default off).
    pub fn post_conversation_survey(mut self, on: bool) -> Self {
        self.config.post_conversation_survey = on;
        self
    }

    /// Where to listen (default `127.0.0.1:0`).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Serve HTTPS/WSS with a CA generated at start (default plain HTTP/WS).
    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }

    /// Where to write the CA certificate (PEM) when TLS is on; default
    /// `le-sim-ca-{port}.pem` in the system temporary directory.
    pub fn ca_path(mut self, path: PathBuf) -> Self {
        self.ca_path = Some(path);
        self
    }

    /// Times the bot's share of each turn at the agent socket (default off):
    /// from writing a consumer's text or rich-content message to an agent's
    /// socket to reading that agent's next message in the same dialog.
    /// The loopback hop both ways and the bot are inside; the emulator and
    /// the consumer are not. Read with [`SimHandle::agent_turn_times`].
    pub fn time_agent_turns(mut self, on: bool) -> Self {
        self.time_agent_turns = on;
        self
    }

    /// Binds and starts serving.
    ///
    /// # Errors
    /// [`SimError::Io`] when the address cannot be bound or the CA file
    /// written; [`SimError::Tls`] when certificates cannot be made.
    pub async fn start(self) -> Result<SimHandle, SimError> {
        let listener = listen(self.bind)?;
        let addr = listener.local_addr()?;
        let host = match addr.ip() {
            ip if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
            std::net::IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
            ip => format!("{ip}:{}", addr.port()),
        };
        let mut core = Core::new(self.config, host.clone(), self.tls);
        core.agent_clock = self.time_agent_turns.then(AgentClock::default);
        let inner = Inner::new(core);
        spawn_timers(&inner);
        let app = http::router(inner.clone());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stop_rx.await;
        };
        let (task, tls_info) = if self.tls {
            let certs = tls::generate()?;
            let path = self.ca_path.unwrap_or_else(|| {
                std::env::temp_dir().join(format!("le-sim-ca-{}.pem", addr.port()))
            });
            std::fs::write(&path, &certs.ca_pem)?;
            let listener = tls::TlsListener::new(listener, certs.server_config)?;
            let task = tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown)
                    .await
                {
                    tracing::error!(error = %e, "le-sim stopped");
                }
            });
            (task, Some((certs.ca_pem, path)))
        } else {
            // Small frames must not wait for Nagle's algorithm.
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                let _ = tcp.set_nodelay(true);
            });
            let task = tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown)
                    .await
                {
                    tracing::error!(error = %e, "le-sim stopped");
                }
            });
            (task, None)
        };
        tracing::info!(%host, tls = tls_info.is_some(), "le-sim listening");
        Ok(SimHandle {
            inner,
            addr,
            host,
            tls: tls_info,
            stop: Some(stop_tx),
            task,
        })
    }
}

/// A running emulator. Dropping it stops the listener.
pub struct SimHandle {
    inner: Arc<Inner>,
    addr: SocketAddr,
    host: String,
    tls: Option<(String, PathBuf)>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// The bound address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `host:port`, the value of every CSDS `baseURI`.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `http://host:port` or `https://host:port`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!(
            "{}://{}",
            if self.tls.is_some() { "https" } else { "http" },
            self.host
        )
    }

    /// `ws://host:port` or `wss://host:port`.
    #[must_use]
    pub fn ws_base_url(&self) -> String {
        format!(
            "{}://{}",
            if self.tls.is_some() { "wss" } else { "ws" },
            self.host
        )
    }

    /// The account id.
    #[must_use]
    pub fn account_id(&self) -> String {
        self.inner.lock().account().to_owned()
    }

    /// `{base}/api/account/{a}/service/baseURI.json?version=1.0`.
    #[must_use]
    pub fn csds_url(&self) -> String {
        format!(
            "{}/api/account/{}/service/baseURI.json?version=1.0",
            self.base_url(),
            self.account_id()
        )
    }

    /// The agent socket URL for a bearer token (`?v=2.1`, as node-agent-sdk).
    #[must_use]
    pub fn agent_ws_url(&self, bearer: &str) -> String {
        format!(
            "{}/ws_api/account/{}/messaging/brand/{bearer}?v=2.1",
            self.ws_base_url(),
            self.account_id()
        )
    }

    /// The consumer socket URL (`?v=3`).
    #[must_use]
    pub fn consumer_ws_url(&self) -> String {
        format!(
            "{}/ws_api/account/{}/messaging/consumer?v=3",
            self.ws_base_url(),
            self.account_id()
        )
    }

    /// The CA certificate (PEM) when TLS is on.
    #[must_use]
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|(pem, _)| pem.as_str())
    }

    /// What a client of this emulator trusts: the default roots plus the
    /// generated CA when TLS is on (the default roots alone otherwise).
    ///
    /// # Panics
    ///
    /// Never: the CA was generated by this emulator and always parses.
    #[must_use]
    pub fn client_trust(&self) -> connector_http::Trust {
        let trust = connector_http::Trust::default();
        match self.ca_pem() {
            Some(pem) => trust
                .with_extra_ca_pem(pem.as_bytes())
                .expect("the emulator's own CA parses"),
            None => trust,
        }
    }

    /// Where the CA certificate was written when TLS is on.
    #[must_use]
    pub fn ca_path(&self) -> Option<&std::path::Path> {
        self.tls.as_ref().map(|(_, path)| path.as_path())
    }

    /// The configuration in force (with users and skills added since start).
    #[must_use]
    pub fn config(&self) -> SimConfig {
        self.inner.lock().config.clone()
    }

    /// Adds a skill while running.
    pub fn add_skill(&self, id: &str, name: &str) {
        self.inner.lock().config.skills.push(SkillConfig {
            id: id.into(),
            name: name.into(),
        });
    }

    /// Adds a user while running.
    pub fn add_user(&self, user: UserConfig) {
        self.inner.lock().config.users.push(user);
    }

    /// Logs `login` in without HTTP and returns its bearer token (for tests
    /// that exercise the socket, not the Login Service).
    ///
    /// # Errors
    /// [`SimError::NotFound`] when the user does not exist.
    pub fn issue_token(&self, login: &str) -> Result<Secret, SimError> {
        if self.inner.lock().user(login).is_none() {
            return Err(SimError::NotFound {
                kind: "user",
                id: login.into(),
            });
        }
        let (bearer, _) = crate::http::login::new_session(&self.inner, login);
        Ok(Secret::new(bearer))
    }

    /// The bot's turn times at the agent socket measured so far, in the
    /// order the answers arrived; empty unless
    /// [`SimBuilder::time_agent_turns`] turned the measurement on.
    #[must_use]
    pub fn agent_turn_times(&self) -> Vec<Duration> {
        self.inner
            .lock()
            .agent_clock
            .as_ref()
            .map(AgentClock::samples)
            .unwrap_or_default()
    }

    /// The fault switches.
    #[must_use]
    pub fn faults(&self) -> Faults {
        Faults {
            inner: self.inner.clone(),
        }
    }

    /// The transcript of a conversation or chat.
    #[must_use]
    pub fn transcript(&self, id: &str) -> Option<Transcript> {
        find_transcript(&self.inner, id)
    }

    /// Every transcript, messaging conversations first, in creation order.
    #[must_use]
    pub fn transcripts(&self) -> Vec<Transcript> {
        all_transcripts(&self.inner)
    }

    /// Signs up a new consumer and opens its Messaging Window socket.
    ///
    /// Works with plain and TLS emulators (the generated CA is trusted).
    ///
    /// # Errors
    /// [`SimError::Client`] when the socket cannot be opened.
    pub async fn consumer(&self) -> Result<ConsumerClient, SimError> {
        let account = self.account_id();
        let (jwt, consumer_id) = crate::http::login::issue_consumer_jwt(&self.inner, &account);
        ConsumerClient::connect(&self.consumer_ws_url(), &jwt, consumer_id, self.ca_pem()).await
    }

    /// Starts a chat as a visitor on a skill (id or name; the default skill
    /// when `None`), optionally with a first line. Returns the chat id.
    ///
    /// # Errors
    /// [`SimError::NotFound`] for an unknown skill.
    pub fn start_chat(
        &self,
        skill: Option<&str>,
        visitor_name: &str,
        first_line: Option<&str>,
    ) -> Result<String, SimError> {
        self.inner
            .lock()
            .visitor_start(skill, visitor_name, first_line)
            .map_err(|(_, m)| SimError::NotFound {
                kind: "skill",
                id: m,
            })
    }

    /// The visitor says something in a chat.
    ///
    /// # Errors
    /// [`SimError::NotFound`] when the chat does not exist or has ended.
    pub fn visitor_says(&self, chat_id: &str, text: &str) -> Result<(), SimError> {
        self.inner
            .lock()
            .visitor_line(chat_id, text)
            .map(|_| ())
            .map_err(|(_, m)| SimError::NotFound {
                kind: "open chat",
                id: m,
            })
    }

    /// The visitor leaves a chat.
    ///
    /// # Errors
    /// [`SimError::NotFound`] when the chat does not exist.
    pub fn visitor_leaves(&self, chat_id: &str) -> Result<(), SimError> {
        self.inner
            .lock()
            .visitor_end(chat_id)
            .map_err(|(_, m)| SimError::NotFound {
                kind: "chat",
                id: m,
            })
    }

    /// Every event of a chat as the agent sees it.
    #[must_use]
    pub fn chat_events(&self, chat_id: &str) -> Vec<ChatEvent> {
        self.inner
            .lock()
            .chat
            .chats
            .get(chat_id)
            .map(|c| c.events.clone())
            .unwrap_or_default()
    }

    /// Stops the listener (open sockets end with the runtime).
    pub fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.abort();
    }
}

/// Runs ring expiries and chat timeouts. The task holds only a weak
/// reference, so it ends with the emulator.
fn spawn_timers(inner: &Arc<Inner>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Timer>();
    inner.lock().timers = Some(tx);
    let weak = Arc::downgrade(inner);
    tokio::spawn(async move {
        while let Some(timer) = rx.recv().await {
            let weak = weak.clone();
            tokio::spawn(async move {
                tokio::time::sleep_until(timer.at).await;
                if let Some(inner) = weak.upgrade() {
                    let mut core = inner.lock();
                    core.fire(&timer.kind);
                    core.flush_outbox();
                }
            });
        }
    });
}

pub(crate) fn find_transcript(inner: &Inner, id: &str) -> Option<Transcript> {
    let core = inner.lock();
    core.conversations
        .get(id)
        .map(crate::conversation::Conversation::transcript)
        .or_else(|| {
            core.chat
                .chats
                .get(id)
                .map(crate::chat_model::ChatState::transcript)
        })
}

pub(crate) fn all_transcripts(inner: &Inner) -> Vec<Transcript> {
    let core = inner.lock();
    let messaging = core
        .conversation_order
        .iter()
        .filter_map(|id| core.conversations.get(id))
        .map(crate::conversation::Conversation::transcript);
    let chats = core
        .chat
        .order
        .iter()
        .filter_map(|id| core.chat.chats.get(id))
        .map(crate::chat_model::ChatState::transcript);
    messaging.chain(chats).collect()
}

/// Pending connections the listener holds (the kernel caps it at
/// `net.core.somaxconn`): thousands of consumers may connect at once, and
/// tokio's default of 1,024 drops the rest's SYNs into second-long retries.
const LISTEN_BACKLOG: u32 = 8192;

fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}
