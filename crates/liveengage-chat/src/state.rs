//! What the transport keeps per chat and per agent session.

use std::collections::{HashMap, HashSet};

use connector_core::ConversationContext;
use liveengage_proto::chat::ChatInfo;

use crate::inactivity::InactivityTimers;

/// One chat the bot holds.
#[derive(Debug, Clone)]
pub(crate) struct ChatTrack {
    pub context: ConversationContext,
    pub info: ChatInfo,
    /// The next event position to read (`from`): events before it were handled.
    pub next_from: u64,
    /// Ids of lines this transport posted (confirmed by a location or found
    /// in the history after a lost answer), so one line is never claimed twice.
    pub claimed: HashSet<u64>,
}

#[derive(Debug)]
pub(crate) struct State {
    /// The agent session id, once created.
    pub session: Option<String>,
    pub chats: HashMap<String, ChatTrack>,
    pub timers: InactivityTimers,
    /// The bot's own skills (id, name), from the session info.
    pub own_skills: Vec<(String, String)>,
    /// The last status reported: `None` before the first (so a failure
    /// before the first connection is reported too).
    pub connected: Option<bool>,
}
