//! The shared state behind every endpoint: sessions, sockets, conversations, chats.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use liveengage_proto::enums::Availability;
use liveengage_proto::requests::SubscribeExConversations;
use liveengage_proto::{Frame, Notification, Response, Secret};
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use crate::agent_clock::AgentClock;
use crate::chat_model::ChatCore;
use crate::config::{SimConfig, UserConfig};
use crate::conversation::Conversation;
use crate::faults::FaultSettings;

/// Milliseconds since the epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A fresh random id.
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// What a socket task is told to do.
#[derive(Debug, Clone)]
pub(crate) enum Out {
    /// Send a text frame.
    Text(String),
    /// Send a close frame with this code and reason, then stop.
    Close(u16, String),
    /// Stop at once without a close frame (the peer sees 1006).
    Drop,
    /// Send a text frame (a consumer message to an agent), then note in the
    /// agent clock when it was written, under this dialog id.
    Timed(String, Arc<str>),
}

/// Something to check at a given time.
#[derive(Debug, Clone)]
pub(crate) enum TimerKind {
    /// Expire this ring unless it was answered.
    Ring {
        conversation: String,
        ring_id: String,
    },
    /// End this chat if its agent has been idle for the chat timeout.
    ChatIdle { chat: String },
}

/// A timer: what to check and when.
#[derive(Debug, Clone)]
pub(crate) struct Timer {
    pub kind: TimerKind,
    pub at: Instant,
}

/// A login session.
#[derive(Clone)]
pub(crate) struct Session {
    pub login: String,
    pub csrf: String,
    pub cookie: String,
    pub expires_at: Instant,
}

/// Who is on a socket.
#[derive(Debug, Clone)]
pub(crate) enum Who {
    Agent { login: String, bearer: Secret },
    Consumer { consumer_id: String },
}

/// The key of [`Core`]'s socket index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum WhoKey {
    Agent(String),
    Consumer(String),
}

impl WhoKey {
    fn of(who: &Who) -> Self {
        match who {
            Who::Agent { login, .. } => Self::Agent(login.clone()),
            Who::Consumer { consumer_id } => Self::Consumer(consumer_id.clone()),
        }
    }
}

/// One conversation subscription of a socket.
pub(crate) struct ExSub {
    pub id: String,
    pub filter: SubscribeExConversations,
    /// Conversations already sent as UPSERT, so leaving the filter gives a DELETE.
    pub seen: HashSet<String>,
}

/// One open WebSocket.
pub(crate) struct Conn {
    pub tx: UnboundedSender<Out>,
    pub who: Who,
    pub ex_subs: Vec<ExSub>,
    pub routing_sub: Option<String>,
    pub agent_state_sub: Option<String>,
    pub dialog_subs: HashSet<String>,
}

/// Everything, behind one lock. Sends on unbounded channels never block, so
/// they happen under the lock and frames keep a global order.
pub(crate) struct Core {
    pub config: SimConfig,
    /// `host:port` of the listener, the value of every CSDS entry.
    pub host: String,
    pub tls: bool,
    pub sessions: HashMap<String, Session>,
    pub conns: HashMap<u64, Conn>,
    /// Socket ids per agent login and per consumer id (see [`Core::conns_of`]),
    /// so a message reaches its participants without a scan of every socket.
    conn_index: HashMap<WhoKey, BTreeSet<u64>>,
    next_conn: u64,
    pub availability: HashMap<String, Availability>,
    pub conversations: HashMap<String, Conversation>,
    pub conversation_order: Vec<String>,
    /// Position of each conversation in `conversation_order`.
    order_index: HashMap<String, usize>,
    /// Conversations waiting for an agent, by position (refreshed on every
    /// conversation change, so routing visits only these).
    queued: BTreeMap<usize, String>,
    /// Each consumer's conversations, oldest first.
    by_consumer: HashMap<String, Vec<String>>,
    /// consumer JWT → consumer id.
    pub consumers: HashMap<String, String>,
    pub chat: ChatCore,
    pub faults: FaultSettings,
    /// Schedules ring expiries and chat timeouts (set once the server runs).
    pub timers: Option<UnboundedSender<Timer>>,
    /// Notifications produced while handling a request, sent after its response.
    outbox: Vec<(u64, Out)>,
    /// Turn times at the agent socket, when they are measured.
    pub agent_clock: Option<AgentClock>,
    /// When the agent frame being handled was read from its socket.
    pub received_at: Option<Instant>,
}

impl Core {
    pub(crate) fn new(config: SimConfig, host: String, tls: bool) -> Self {
        Self {
            config,
            host,
            tls,
            sessions: HashMap::new(),
            conns: HashMap::new(),
            conn_index: HashMap::new(),
            next_conn: 1,
            availability: HashMap::new(),
            conversations: HashMap::new(),
            conversation_order: Vec::new(),
            order_index: HashMap::new(),
            queued: BTreeMap::new(),
            by_consumer: HashMap::new(),
            consumers: HashMap::new(),
            chat: ChatCore::default(),
            faults: FaultSettings::default(),
            timers: None,
            outbox: Vec::new(),
            agent_clock: None,
            received_at: None,
        }
    }

    /// `http(s)://host:port`.
    pub(crate) fn base_url(&self) -> String {
        format!(
            "{}://{}",
            if self.tls { "https" } else { "http" },
            self.host
        )
    }

    pub(crate) fn account(&self) -> &str {
        &self.config.account_id
    }

    pub(crate) fn user(&self, login: &str) -> Option<&UserConfig> {
        self.config.users.iter().find(|u| u.login == login)
    }

    /// `{accountId}.{userId}`.
    pub(crate) fn legacy_id(&self, login: &str) -> String {
        let user_id = self.user(login).map_or(login, |u| u.user_id.as_str());
        format!("{}.{}", self.config.account_id, user_id)
    }

    pub(crate) fn pid(&self, login: &str) -> String {
        self.user(login)
            .map_or_else(|| login.to_owned(), UserConfig::pid)
    }

    /// Finds an agent by legacy id, participant id, user id or login.
    pub(crate) fn resolve_agent(&self, id: &str) -> Option<String> {
        let account_prefix = format!("{}.", self.config.account_id);
        let bare = id.strip_prefix(&account_prefix).unwrap_or(id);
        self.config
            .users
            .iter()
            .find(|u| u.user_id == bare || u.pid() == id || u.login == id)
            .map(|u| u.login.clone())
    }

    pub(crate) fn skill_exists(&self, skill: &str) -> bool {
        self.config.skills.iter().any(|s| s.id == skill)
    }

    /// The id of a skill given by id or by name.
    pub(crate) fn find_skill(&self, id_or_name: &str) -> Option<String> {
        self.config
            .skills
            .iter()
            .find(|s| s.id == id_or_name || s.name == id_or_name)
            .map(|s| s.id.clone())
    }

    pub(crate) fn availability(&self, login: &str) -> Availability {
        self.availability
            .get(login)
            .cloned()
            .unwrap_or(Availability::Offline)
    }

    /// Whether a bearer is known and not expired; returns its session.
    pub(crate) fn session(&self, bearer: &str) -> Option<&Session> {
        self.sessions
            .get(bearer)
            .filter(|s| s.expires_at > Instant::now())
    }

    /// Schedules a timer (no-op before the server runs).
    pub(crate) fn schedule(&self, kind: TimerKind, at: Instant) {
        if let Some(timers) = &self.timers {
            let _ = timers.send(Timer { kind, at });
        }
    }

    /// Runs a timer that fired.
    pub(crate) fn fire(&mut self, kind: &TimerKind) {
        match kind {
            TimerKind::Ring {
                conversation,
                ring_id,
            } => self.expire_ring(conversation, ring_id),
            TimerKind::ChatIdle { chat } => self.chat_idle_check(chat),
        }
    }

    pub(crate) fn add_conn(&mut self, tx: UnboundedSender<Out>, who: Who) -> u64 {
        let id = self.next_conn;
        self.next_conn += 1;
        self.conn_index
            .entry(WhoKey::of(&who))
            .or_default()
            .insert(id);
        self.conns.insert(
            id,
            Conn {
                tx,
                who,
                ex_subs: Vec::new(),
                routing_sub: None,
                agent_state_sub: None,
                dialog_subs: HashSet::new(),
            },
        );
        id
    }

    /// Queues a notification for a socket (sent after the current response).
    pub(crate) fn notify(&mut self, conn: u64, notification: Notification) {
        self.notify_frame(conn, Frame::Notification(notification).encode());
    }

    /// Queues an encoded notification frame for a socket.
    pub(crate) fn notify_frame(&mut self, conn: u64, frame: String) {
        self.outbox.push((conn, Out::Text(frame)));
    }

    /// Queues a consumer message (an encoded frame) for an agent socket; the
    /// agent clock notes when it is written.
    pub(crate) fn notify_timed(&mut self, conn: u64, frame: String, dialog: Arc<str>) {
        self.outbox.push((conn, Out::Timed(frame, dialog)));
    }

    /// Sends `response` on `conn`, then everything queued.
    pub(crate) fn flush(&mut self, conn: u64, response: Option<Response>) {
        if let Some(response) = response {
            self.send(conn, Out::Text(Frame::Resp(response).encode()));
        }
        self.flush_outbox();
    }

    /// Sends everything queued.
    pub(crate) fn flush_outbox(&mut self) {
        for (target, out) in std::mem::take(&mut self.outbox) {
            self.send(target, out);
        }
    }

    pub(crate) fn send(&self, conn: u64, out: Out) {
        if let Some(c) = self.conns.get(&conn) {
            // A closed receiver means the socket task is ending; nothing to do.
            let _ = c.tx.send(out);
        }
    }

    /// Adds a new conversation (last in the order).
    pub(crate) fn add_conversation(&mut self, conv: Conversation) {
        let id = conv.id.clone();
        self.order_index
            .insert(id.clone(), self.conversation_order.len());
        self.conversation_order.push(id.clone());
        self.by_consumer
            .entry(conv.consumer_id.clone())
            .or_default()
            .push(id.clone());
        self.conversations.insert(id, conv);
    }

    /// Conversations of a consumer, oldest first.
    pub(crate) fn conversations_of(
        &self,
        consumer_id: &str,
    ) -> impl Iterator<Item = &Conversation> {
        self.by_consumer
            .get(consumer_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.conversations.get(id))
    }

    /// The conversation holding `dialog_id` (the MAIN dialog's id is the
    /// conversation's, so that is looked up first).
    pub(crate) fn conversation_of_dialog(&self, dialog_id: &str) -> Option<&Conversation> {
        match self.conversations.get(dialog_id) {
            Some(c) if c.dialog(dialog_id).is_some() => Some(c),
            _ => self
                .conversations
                .values()
                .find(|c| c.dialog(dialog_id).is_some()),
        }
    }

    /// Notes whether `conv_id` waits for an agent now.
    pub(crate) fn refresh_queued(&mut self, conv_id: &str) {
        let Some(&position) = self.order_index.get(conv_id) else {
            return;
        };
        if self
            .conversations
            .get(conv_id)
            .is_some_and(Conversation::is_queued)
        {
            self.queued.insert(position, conv_id.to_owned());
        } else {
            self.queued.remove(&position);
        }
    }

    /// The conversations waiting for an agent, oldest first.
    pub(crate) fn queued_conversations(&self) -> Vec<String> {
        self.queued.values().cloned().collect()
    }

    /// Forgets a socket (it takes no more notifications).
    pub(crate) fn remove_conn(&mut self, conn: u64) {
        if let Some(c) = self.conns.remove(&conn) {
            let key = WhoKey::of(&c.who);
            if let Some(ids) = self.conn_index.get_mut(&key) {
                ids.remove(&conn);
                if ids.is_empty() {
                    self.conn_index.remove(&key);
                }
            }
        }
    }

    fn conns_of(&self, key: &WhoKey) -> Vec<u64> {
        self.conn_index
            .get(key)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Socket ids of an agent, in the order they connected.
    pub(crate) fn agent_conns(&self, login: &str) -> Vec<u64> {
        self.conns_of(&WhoKey::Agent(login.to_owned()))
    }

    /// Whether socket `conn` is an agent's.
    pub(crate) fn is_agent_conn(&self, conn: u64) -> bool {
        self.conns
            .get(&conn)
            .is_some_and(|c| matches!(c.who, Who::Agent { .. }))
    }

    /// Socket ids of a consumer, in the order they connected.
    pub(crate) fn consumer_conns(&self, consumer_id: &str) -> Vec<u64> {
        self.conns_of(&WhoKey::Consumer(consumer_id.to_owned()))
    }

    /// Socket ids of every agent, in the order they connected.
    pub(crate) fn all_agent_conns(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .conn_index
            .iter()
            .filter(|(key, _)| matches!(key, WhoKey::Agent(_)))
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// The emulator's shared state.
pub(crate) struct Inner {
    core: Mutex<Core>,
    /// The response delay fault in microseconds (0: off); read on every
    /// frame, so kept outside the lock.
    delay_micros: AtomicU64,
}

impl Inner {
    pub(crate) fn new(core: Core) -> Arc<Self> {
        Arc::new(Self {
            core: Mutex::new(core),
            delay_micros: AtomicU64::new(0),
        })
    }

    /// Locks the state. A poisoned lock (a panic elsewhere) is recovered:
    /// the state stays usable for the remaining tests.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Core> {
        self.core
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The configured response delay, if any.
    pub(crate) fn delay(&self) -> Option<Duration> {
        match self.delay_micros.load(Ordering::Relaxed) {
            0 => None,
            micros => Some(Duration::from_micros(micros)),
        }
    }

    /// Sets the response delay (`Duration::ZERO` turns it off).
    pub(crate) fn set_delay(&self, delay: Duration) {
        let micros = u64::try_from(delay.as_micros()).unwrap_or(u64::MAX);
        self.delay_micros.store(micros, Ordering::Relaxed);
    }
}
