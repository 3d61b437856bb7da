//! Counters and the conversation error log of one bot.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use connector_core::{ConversationId, ErrorCode};

/// How many conversation errors are kept per bot (LiveEngage keeps 2,000).
pub const ERROR_LOG_CAPACITY: usize = 2_000;

/// One conversation error, as the dashboard's errors tab lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationError {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The stable code.
    pub code: ErrorCode,
    /// What happened.
    pub message: String,
    /// When.
    pub at: SystemTime,
}

/// A point-in-time copy of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MetricsSnapshot {
    /// Conversations the bot received.
    pub conversations: u64,
    /// Conversations closed while with the bot.
    pub closed: u64,
    /// Conversations the bot transferred by its own action.
    pub transferred: u64,
    /// Conversations escalated because of an error.
    pub escalated: u64,
    /// Engine turns completed with a valid reply.
    pub turns: u64,
    /// Engine calls that failed (each attempt).
    pub engine_errors: u64,
    /// Consumer messages held back by the spam guard.
    pub spam_suppressed: u64,
    /// Conversations open right now.
    pub open: u64,
}

/// The counters of one bot. Cheap to update from many tasks.
#[derive(Debug, Default)]
pub struct ConnectorMetrics {
    conversations: AtomicU64,
    closed: AtomicU64,
    transferred: AtomicU64,
    escalated: AtomicU64,
    turns: AtomicU64,
    engine_errors: AtomicU64,
    spam_suppressed: AtomicU64,
    open: AtomicU64,
    errors: Mutex<VecDeque<ConversationError>>,
}

/// Which counter to bump.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counter {
    Conversations,
    Closed,
    Transferred,
    Escalated,
    Turns,
    EngineErrors,
    SpamSuppressed,
}

impl ConnectorMetrics {
    pub(crate) fn incr(&self, counter: Counter) {
        let c = match counter {
            Counter::Conversations => &self.conversations,
            Counter::Closed => &self.closed,
            Counter::Transferred => &self.transferred,
            Counter::Escalated => &self.escalated,
            Counter::Turns => &self.turns,
            Counter::EngineErrors => &self.engine_errors,
            Counter::SpamSuppressed => &self.spam_suppressed,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn set_open(&self, open: usize) {
        self.open.store(open as u64, Ordering::Relaxed);
    }

    pub(crate) fn record_error(
        &self,
        conversation_id: &ConversationId,
        code: &ErrorCode,
        message: &str,
    ) {
        tracing::warn!(conversation_id = %conversation_id, code = %code, "{message}");
        if let Ok(mut errors) = self.errors.lock() {
            if errors.len() == ERROR_LOG_CAPACITY {
                errors.pop_front();
            }
            errors.push_back(ConversationError {
                conversation_id: conversation_id.clone(),
                code: code.clone(),
                message: message.to_owned(),
                at: SystemTime::now(),
            });
        }
    }

    /// The counters now.
    #[must_use]
    pub fn snapshot(&self) -> MetricsSnapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        MetricsSnapshot {
            conversations: get(&self.conversations),
            closed: get(&self.closed),
            transferred: get(&self.transferred),
            escalated: get(&self.escalated),
            turns: get(&self.turns),
            engine_errors: get(&self.engine_errors),
            spam_suppressed: get(&self.spam_suppressed),
            open: get(&self.open),
        }
    }

    /// The most recent conversation errors, oldest first (at most 2,000).
    #[must_use]
    pub fn errors(&self) -> Vec<ConversationError> {
        self.errors
            .lock()
            .map(|e| e.iter().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_log_keeps_the_latest_2000() {
        let m = ConnectorMetrics::default();
        for i in 0..2005 {
            m.record_error(
                &ConversationId::new(i.to_string()),
                &ErrorCode::new("x"),
                "m",
            );
        }
        let errors = m.errors();
        assert_eq!(errors.len(), 2000);
        assert_eq!(errors[0].conversation_id.as_str(), "5");
        assert_eq!(errors[1999].conversation_id.as_str(), "2004");
    }
}
