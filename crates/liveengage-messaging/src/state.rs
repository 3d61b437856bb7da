//! The conversations the bot holds, and which consumer messages it has delivered.

use std::collections::{HashMap, HashSet, VecDeque};

use tokio::time::Instant;

use liveengage_proto::EventRecord;

/// One conversation assigned to the bot.
#[derive(Debug, Default)]
pub(crate) struct Conversation {
    pub(crate) skill_id: Option<String>,
    pub(crate) consumer_id: Option<String>,
    /// Consumer sequences already handed to the runtime: the dedup key is
    /// (dialog, sequence), and the dialog is the conversation's MAIN dialog.
    pub(crate) delivered: HashSet<i64>,
    /// The highest of `delivered`.
    pub(crate) last_delivered: Option<i64>,
    /// History has been loaded on this connection epoch.
    pub(crate) synced_epoch: Option<u64>,
    /// Live records that arrived while history was loading.
    pub(crate) buffered: Vec<EventRecord>,
    /// When each consumer message delivered live and not answered yet was
    /// read off the socket, oldest first (for the turn observer).
    pub(crate) awaiting: VecDeque<Instant>,
}

/// Unanswered live messages remembered per conversation for the turn
/// observer; older ones are forgotten (a bot that stopped answering).
const AWAITING_AT_MOST: usize = 16;

impl Conversation {
    /// Whether live records can be delivered now (history loaded on `epoch`).
    pub(crate) fn is_synced(&self, epoch: u64) -> bool {
        self.synced_epoch == Some(epoch)
    }

    /// Notes a live consumer message read at `at`, for the turn observer.
    pub(crate) fn await_answer(&mut self, at: Instant) {
        if self.awaiting.len() == AWAITING_AT_MOST {
            self.awaiting.pop_front();
        }
        self.awaiting.push_back(at);
    }

    /// Marks a sequence delivered; `false` when it already was.
    pub(crate) fn mark(&mut self, sequence: i64) -> bool {
        self.last_delivered = self.last_delivered.max(Some(sequence));
        self.delivered.insert(sequence)
    }
}

/// All conversations, by id.
pub(crate) type Conversations = HashMap<String, Conversation>;
