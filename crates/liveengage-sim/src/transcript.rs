//! The inspection API: what happened in each conversation or chat.

use liveengage_proto::Event;
use liveengage_proto::enums::{CloseReason, Role, TtrType};
use serde::{Deserialize, Serialize};

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The role at the time.
    pub role: Role,
    /// Agent login, or consumer id / visitor name.
    pub id: String,
}

/// One thing that happened, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Entry {
    /// The consumer opened the conversation (or the visitor the chat) on a skill.
    Opened {
        /// The consumer or visitor.
        by: String,
        /// The skill.
        skill: String,
    },
    /// A message event (text, rich content, receipt, typing).
    Message {
        /// The dialog (the chat id for chats).
        dialog_id: String,
        /// The per-dialog sequence, absent for typing events.
        sequence: Option<i64>,
        /// The sender.
        from: Actor,
        /// The event.
        event: Event,
        /// Sent to agents and managers only.
        private: bool,
    },
    /// Agents were rung.
    Rang {
        /// The ring.
        ring_id: String,
        /// The agents' logins.
        agents: Vec<String>,
    },
    /// Nobody answered the ring in time (`ring_expiration`); it is offered again.
    RingExpired {
        /// The ring.
        ring_id: String,
    },
    /// An agent accepted the ring (or took the chat).
    Accepted {
        /// The agent's login.
        agent: String,
    },
    /// An agent rejected the ring.
    Rejected {
        /// The agent's login.
        agent: String,
    },
    /// An agent joined with a role.
    Joined {
        /// The agent's login.
        agent: String,
        /// Role.
        role: Role,
    },
    /// An agent left a role.
    Left {
        /// The agent's login.
        agent: String,
        /// Role.
        role: Role,
    },
    /// Moved to another skill's queue.
    TransferredToSkill {
        /// Previous skill.
        from: String,
        /// New skill.
        to: String,
    },
    /// Suggested to a given agent.
    TransferredToAgent {
        /// The target agent's login.
        agent: String,
    },
    /// The time to respond changed.
    TtrChanged {
        /// Type.
        ttr_type: TtrType,
        /// Seconds.
        value: i64,
    },
    /// The post-conversation survey dialog opened.
    SurveyStarted {
        /// The survey dialog.
        dialog_id: String,
    },
    /// The consumer rated the conversation.
    CsatRated {
        /// 1–5.
        rate: Option<i64>,
    },
    /// Closed (the MAIN dialog, or the whole chat).
    Closed {
        /// Who closed it.
        by: CloseReason,
        /// Whether a post-conversation survey follows.
        with_survey: bool,
    },
}

/// The record of one conversation or chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// Conversation id or chat id.
    pub id: String,
    /// `messaging` or `chat`.
    pub channel: String,
    /// The current skill.
    pub skill: String,
    /// Whether it is still open.
    pub open: bool,
    /// What happened, in order.
    pub entries: Vec<Entry>,
}

impl Transcript {
    /// The text messages in order: (sender role, text).
    #[must_use]
    pub fn texts(&self) -> Vec<(Role, String)> {
        self.entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Message { from, event, .. } => {
                    event.as_text().map(|t| (from.role.clone(), t.to_owned()))
                }
                _ => None,
            })
            .collect()
    }

    /// The sequences of the sequenced messages, in order.
    #[must_use]
    pub fn sequences(&self) -> Vec<i64> {
        self.entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Message { sequence, .. } => *sequence,
                _ => None,
            })
            .collect()
    }

    /// Whether an entry matching `predicate` exists.
    pub fn has(&self, predicate: impl Fn(&Entry) -> bool) -> bool {
        self.entries.iter().any(predicate)
    }
}
