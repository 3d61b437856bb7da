//! The state every task of one connector shares.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use connector_core::{
    BotEngine, ConversationChannel, ConversationId, EscalationPolicy, InboundEvent,
};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::task::TaskTracker;

use crate::config::ConnectorConfig;
use crate::function::FunctionInvoker;
use crate::metrics::ConnectorMetrics;
use crate::session::SessionStore;
use crate::spam::SpamWindow;
use crate::status::StatusTracker;

/// A conversation the bot holds: its worker's queue and its spam window.
pub(crate) struct Conversation {
    pub(crate) tx: mpsc::UnboundedSender<Box<InboundEvent>>,
    pub(crate) spam: SpamWindow,
    /// Distinguishes this worker from a later one for the same conversation id.
    pub(crate) generation: u64,
}

pub(crate) struct Shared {
    pub(crate) config: ConnectorConfig,
    pub(crate) channel: Arc<dyn ConversationChannel>,
    pub(crate) engine: Arc<dyn BotEngine>,
    pub(crate) policy: Arc<dyn EscalationPolicy>,
    pub(crate) sessions: Arc<dyn SessionStore>,
    pub(crate) invoker: Option<Arc<dyn FunctionInvoker>>,
    pub(crate) permits: Semaphore,
    pub(crate) metrics: Arc<ConnectorMetrics>,
    pub(crate) status: StatusTracker,
    pub(crate) tracker: TaskTracker,
    conversations: Mutex<HashMap<ConversationId, Conversation>>,
    next_generation: AtomicU64,
    consecutive_engine_failures: AtomicU32,
}

impl Shared {
    pub(crate) fn new(
        config: ConnectorConfig,
        channel: Arc<dyn ConversationChannel>,
        engine: Arc<dyn BotEngine>,
        policy: Arc<dyn EscalationPolicy>,
        sessions: Arc<dyn SessionStore>,
        invoker: Option<Arc<dyn FunctionInvoker>>,
    ) -> Self {
        Self {
            permits: Semaphore::new(config.max_concurrent_turns),
            config,
            channel,
            engine,
            policy,
            sessions,
            invoker,
            metrics: Arc::new(ConnectorMetrics::default()),
            status: StatusTracker::new(),
            tracker: TaskTracker::new(),
            conversations: Mutex::new(HashMap::new()),
            next_generation: AtomicU64::new(0),
            consecutive_engine_failures: AtomicU32::new(0),
        }
    }

    /// The conversation map. A poisoned lock only means another task panicked
    /// mid-update of a plain map, which leaves it consistent, so we go on.
    pub(crate) fn conversations(&self) -> MutexGuard<'_, HashMap<ConversationId, Conversation>> {
        self.conversations.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn generation(&self) -> u64 {
        self.next_generation.fetch_add(1, Ordering::Relaxed)
    }

    /// Forgets a conversation whose worker (of `generation`) has ended.
    pub(crate) fn forget(&self, conversation: &ConversationId, generation: u64) {
        let mut map = self.conversations();
        if map
            .get(conversation)
            .is_some_and(|c| c.generation == generation)
        {
            map.remove(conversation);
        }
        self.metrics.set_open(map.len());
    }

    /// Drops every worker queue: workers finish what is queued, then stop.
    pub(crate) fn close_all(&self) {
        self.conversations().clear();
    }

    pub(crate) fn engine_succeeded(&self) {
        self.consecutive_engine_failures.store(0, Ordering::Relaxed);
        if self.status.vendor_interrupted() {
            self.status.vendor_recovered();
        }
    }

    /// Counts an engine failure that exhausted its retries; returns whether the
    /// bot has now crossed into Vendor Interruption.
    pub(crate) fn engine_failed(&self) -> bool {
        let n = self
            .consecutive_engine_failures
            .fetch_add(1, Ordering::Relaxed)
            + 1;
        n >= self.config.vendor_failure_threshold
    }
}
