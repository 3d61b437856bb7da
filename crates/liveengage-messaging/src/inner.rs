//! State shared by the channel and its connection task.

use std::sync::{Arc, Mutex};

use connector_core::ChannelEvent;
use tokio::sync::{Notify, mpsc, watch};
use url::Url;

use crate::auth::BearerProvider;
use crate::config::MessagingConfig;
use crate::socket::Socket;
use crate::state::Conversations;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) struct Inner {
    pub(crate) config: MessagingConfig,
    pub(crate) auth: Arc<dyn BearerProvider>,
    pub(crate) shutdown: Notify,
    shut_down: std::sync::atomic::AtomicBool,
    events: Mutex<Option<mpsc::UnboundedSender<ChannelEvent>>>,
    socket: Mutex<Option<Socket>>,
    /// The socket whose session is fully set up (subscribed, conversations
    /// reconciled); `None` while (re)connecting.
    ready: watch::Sender<Option<Socket>>,
    /// The epoch whose conversation snapshot (the first conversation
    /// notification after subscribing) has not been seen yet.
    awaiting_snapshot: Mutex<Option<u64>>,
    conversations: Mutex<Conversations>,
    user_id: Mutex<String>,
    /// Sessions set up so far (the first connection and every reconnect).
    sessions: std::sync::atomic::AtomicU64,
}

impl Inner {
    pub(crate) fn new(
        config: MessagingConfig,
        auth: Arc<dyn BearerProvider>,
        events: mpsc::UnboundedSender<ChannelEvent>,
    ) -> Self {
        Self {
            config,
            auth,
            shutdown: Notify::new(),
            shut_down: std::sync::atomic::AtomicBool::new(false),
            events: Mutex::new(Some(events)),
            socket: Mutex::new(None),
            ready: watch::Sender::new(None),
            awaiting_snapshot: Mutex::new(None),
            conversations: Mutex::new(Conversations::new()),
            user_id: Mutex::new(String::new()),
            sessions: std::sync::atomic::AtomicU64::new(0),
        }
    }

    pub(crate) fn emit(&self, event: ChannelEvent) {
        if let Some(tx) = lock(&self.events).as_ref() {
            let _ = tx.send(event);
        }
    }

    pub(crate) fn close_events(&self) {
        lock(&self.events).take();
    }

    pub(crate) fn is_shut_down(&self) -> bool {
        self.shut_down.load(std::sync::atomic::Ordering::Acquire)
    }

    pub(crate) fn begin_shutdown(&self) {
        self.shut_down
            .store(true, std::sync::atomic::Ordering::Release);
        // `notify_one` stores a permit, so a task not waiting yet still sees it.
        self.shutdown.notify_one();
        self.shutdown.notify_waiters();
    }

    pub(crate) fn socket(&self) -> Option<Socket> {
        lock(&self.socket).clone()
    }

    pub(crate) fn set_socket(&self, socket: Option<Socket>) {
        if socket.is_none() {
            self.ready.send_replace(None);
        }
        *lock(&self.socket) = socket;
    }

    /// Reconnects so far: sessions set up after the first.
    pub(crate) fn reconnects(&self) -> u64 {
        self.sessions
            .load(std::sync::atomic::Ordering::Relaxed)
            .saturating_sub(1)
    }

    /// Marks `socket` as fully set up.
    pub(crate) fn set_ready(&self, socket: Socket) {
        self.sessions
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.ready.send_replace(Some(socket));
    }

    /// The set-up socket, waiting for one until `deadline`.
    pub(crate) async fn ready_socket(&self, deadline: tokio::time::Instant) -> Option<Socket> {
        let mut rx = self.ready.subscribe();
        let wait = rx.wait_for(Option::is_some);
        match tokio::time::timeout_at(deadline, wait).await {
            Ok(Ok(socket)) => socket.clone(),
            _ => None,
        }
    }

    /// Expects the conversation snapshot of `epoch` next.
    pub(crate) fn expect_snapshot(&self, epoch: u64) {
        *lock(&self.awaiting_snapshot) = Some(epoch);
    }

    /// Whether this conversation notification on `epoch` is the snapshot
    /// (and from now on, no longer expected).
    pub(crate) fn take_snapshot(&self, epoch: u64) -> bool {
        let mut awaiting = lock(&self.awaiting_snapshot);
        if *awaiting == Some(epoch) {
            *awaiting = None;
            true
        } else {
            false
        }
    }

    /// The moment the oldest unanswered live consumer message of
    /// conversation `id` was read, now answered (for the turn observer).
    pub(crate) fn answered(&self, id: &str) -> Option<tokio::time::Instant> {
        lock(&self.conversations)
            .get_mut(id)
            .and_then(|c| c.awaiting.pop_front())
    }

    /// Whether the bot holds the conversation.
    pub(crate) fn holds(&self, id: &str) -> bool {
        lock(&self.conversations).contains_key(id)
    }

    /// The highest consumer sequence delivered in a conversation.
    pub(crate) fn last_delivered(&self, id: &str) -> i64 {
        lock(&self.conversations)
            .get(id)
            .and_then(|c| c.last_delivered)
            .unwrap_or(-1)
    }

    pub(crate) fn set_user_id(&self, user_id: &str) {
        user_id.clone_into(&mut lock(&self.user_id));
    }

    /// The bot's legacy agent id, `{accountId}.{userId}`.
    pub(crate) fn my_id(&self) -> String {
        format!("{}.{}", self.config.account_id, lock(&self.user_id))
    }

    pub(crate) fn with_conversations<T>(&self, f: impl FnOnce(&mut Conversations) -> T) -> T {
        f(&mut lock(&self.conversations))
    }

    /// How many conversations the transport tracks.
    pub(crate) fn conversation_count(&self) -> usize {
        lock(&self.conversations).len()
    }

    /// Forgets a conversation; `true` if the bot held it.
    pub(crate) fn forget(&self, id: &str) -> bool {
        lock(&self.conversations).remove(id).is_some()
    }

    pub(crate) fn socket_url(&self, bearer: &str) -> Result<Url, String> {
        let mut url = self.config.socket_base.clone();
        let path = format!(
            "/ws_api/account/{}/messaging/brand/{}",
            self.config.account_id, bearer
        );
        url.set_path(&path);
        url.set_query(Some("v=2.1"));
        match url.scheme() {
            "ws" | "wss" => Ok(url),
            other => Err(format!(
                "the socket base URL must be ws:// or wss://, not {other}://; use the asyncMessagingEnt domain"
            )),
        }
    }
}
