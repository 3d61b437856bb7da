//! The string enums of the messaging protocol (spec section 6).

use crate::macros::wire_enum;

wire_enum! {
    /// Agent availability in `SetAgentState` and `AgentStateNotification`.
    pub enum Availability {
        /// Takes conversations.
        Online => "ONLINE",
        /// Busy.
        Occupied => "OCCUPIED",
        /// Away.
        Away => "AWAY",
        /// Back soon.
        BackSoon => "BACK_SOON",
        /// Offline.
        Offline => "OFFLINE",
    }
}

wire_enum! {
    /// `changes[].type` in subscription notifications.
    pub enum ChangeType {
        /// Added or updated.
        Upsert => "UPSERT",
        /// Left the subscription (closed, transferred away, ring withdrawn).
        Delete => "DELETE",
    }
}

wire_enum! {
    /// The state of a ring.
    pub enum RingState {
        /// Offered, waiting for an answer.
        Waiting => "WAITING",
        /// Accepted by the agent.
        Accepted => "ACCEPTED",
        /// Rejected by the agent.
        Rejected => "REJECTED",
        /// Accepted automatically.
        AutoAccept => "AUTO_ACCEPT",
        /// Withdrawn (another agent took it).
        Cancelled => "CANCELLED",
        /// Not answered in time.
        Expired => "EXPIRED",
    }
}

wire_enum! {
    /// Conversation or dialog state, and conversation stage.
    pub enum ConvState {
        /// Open.
        Open => "OPEN",
        /// Closed.
        Close => "CLOSE",
        /// Locked (web client constants).
        Locked => "LOCKED",
    }
}

wire_enum! {
    /// A participant's role.
    pub enum Role {
        /// The customer.
        Consumer => "CONSUMER",
        /// The agent that owns the conversation.
        AssignedAgent => "ASSIGNED_AGENT",
        /// A manager who joined.
        Manager => "MANAGER",
        /// A read-only participant.
        Reader => "READER",
        /// A controller bot.
        Controller => "CONTROLLER",
        /// An agent, e.g. a survey bot.
        Agent => "AGENT",
    }
}

wire_enum! {
    /// A participant's state in `participantsDetails`.
    pub enum ParticipantState {
        /// Takes part.
        Active => "ACTIVE",
        /// Suggested by a transfer to an agent, not yet joined.
        Suggested => "SUGGESTED",
    }
}

wire_enum! {
    /// `ParticipantsChange.type`.
    pub enum ParticipantsChangeType {
        /// Join.
        Add => "ADD",
        /// Leave.
        Remove => "REMOVE",
        /// Change role.
        Update => "UPDATE",
        /// Suggest an agent (transfer to agent).
        Suggest => "SUGGEST",
    }
}

wire_enum! {
    /// The kind of a dialog.
    pub enum DialogType {
        /// The conversation itself.
        Main => "MAIN",
        /// The post-conversation survey.
        PostSurvey => "POST_SURVEY",
    }
}

wire_enum! {
    /// The channel of a dialog or a request.
    pub enum ChannelType {
        /// Messaging.
        Messaging => "MESSAGING",
        /// Co-browsing.
        Cobrowse => "COBROWSE",
        /// Live chat (web constants).
        LiveChat => "LIVE_CHAT",
    }
}

wire_enum! {
    /// Time-to-respond type.
    pub enum TtrType {
        /// Normal.
        Normal => "NORMAL",
        /// Urgent.
        Urgent => "URGENT",
        /// Prioritized.
        Prioritized => "PRIORITIZED",
        /// A custom number of seconds.
        Custom => "CUSTOM",
    }
}

wire_enum! {
    /// Who or what closed a conversation.
    pub enum CloseReason {
        /// An agent.
        Agent => "AGENT",
        /// The consumer.
        Consumer => "CONSUMER",
        /// Auto-close.
        Timeout => "TIMEOUT",
        /// The system.
        System => "SYSTEM",
    }
}

wire_enum! {
    /// `AcceptStatusEvent.status`.
    pub enum AcceptStatus {
        /// Delivered.
        Accept => "ACCEPT",
        /// Read.
        Read => "READ",
        /// Accessed.
        Access => "ACCESS",
        /// Not acknowledged.
        Nack => "NACK",
        /// Acted upon.
        Action => "ACTION",
    }
}

wire_enum! {
    /// `ChatStateEvent.chatState`.
    pub enum ChatState {
        /// Present.
        Active => "ACTIVE",
        /// Not present.
        Inactive => "INACTIVE",
        /// Left.
        Gone => "GONE",
        /// Typing.
        Composing => "COMPOSING",
        /// Stopped typing.
        Pause => "PAUSE",
        /// App went to the background.
        Background => "BACKGROUND",
    }
}

wire_enum! {
    /// `ContentEvent.contentType`.
    pub enum ContentType {
        /// Plain text.
        TextPlain => "text/plain",
        /// A hosted file; `message` is an object.
        HostedFile => "hosted/file",
        /// HTML (seen in Connector API code).
        TextHtml => "text/html",
        /// JSON (seen in Connector API code).
        ApplicationJson => "application/json",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_kept() {
        let v: TtrType = serde_json::from_str("\"SOMEDAY\"").unwrap();
        assert_eq!(v, TtrType::Unknown("SOMEDAY".into()));
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"SOMEDAY\"");
        let known: Role = serde_json::from_str("\"ASSIGNED_AGENT\"").unwrap();
        assert_eq!(known, Role::AssignedAgent);
    }
}
