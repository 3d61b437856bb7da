//! Counters of what the transport did, for tests, metrics and the dashboard.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
    pub relogins: AtomicU64,
    pub sessions: AtomicU64,
    pub chats_taken: AtomicU64,
    pub lines_received: AtomicU64,
    pub lines_sent: AtomicU64,
    pub resends_avoided: AtomicU64,
    pub warnings: AtomicU64,
    pub inactivity_closes: AtomicU64,
}

impl Stats {
    pub(crate) fn bump(&self, counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> TransportStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        TransportStats {
            requests: get(&self.requests),
            retries: get(&self.retries),
            relogins: get(&self.relogins),
            sessions: get(&self.sessions),
            chats_taken: get(&self.chats_taken),
            lines_received: get(&self.lines_received),
            lines_sent: get(&self.lines_sent),
            resends_avoided: get(&self.resends_avoided),
            inactivity_warnings: get(&self.warnings),
            inactivity_closes: get(&self.inactivity_closes),
        }
    }
}

/// What the chat transport has done since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportStats {
    /// HTTP requests sent.
    pub requests: u64,
    /// Calls retried after a 5xx, 429 or lost answer.
    pub retries: u64,
    /// Fresh logins after LiveEngage refused the bearer (401).
    pub relogins: u64,
    /// Agent sessions created (more than one: the session was lost and re-created).
    pub sessions: u64,
    /// Chats taken (or adopted after a lost answer or a restart).
    pub chats_taken: u64,
    /// Consumer lines handed to the runtime.
    pub lines_received: u64,
    /// Lines the bot posted (each once).
    pub lines_sent: u64,
    /// Lines found already posted after a lost answer, so not posted again.
    pub resends_avoided: u64,
    /// Inactivity warnings sent.
    pub inactivity_warnings: u64,
    /// Chats closed for inactivity.
    pub inactivity_closes: u64,
}
