//! Chat Agent API (REST) JSON: XML-style `@`-prefixed keys, and lists that
//! collapse to a single object when they hold one item.
//!
//! Every `@key` also accepts the bare `key` spelling, as the spec requires
//! ("emit `@`-prefixed keys; accept both").

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::macros::wire_enum;
use crate::one_or_many::OneOrMany;

/// A number the server may send as a string (`"ringingCount":"0"`) or a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Loose {
    /// String form, the documented one.
    Text(String),
    /// Number form.
    Number(i64),
}

impl Loose {
    /// The value as a number, when it is one or a decimal string.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Text(text) => text.trim().parse().ok(),
            Self::Number(number) => Some(*number),
        }
    }
}

impl std::fmt::Display for Loose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text(text) => f.write_str(text),
            Self::Number(number) => write!(f, "{number}"),
        }
    }
}

/// `{"@href":"…","@rel":"…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Target URL.
    #[serde(rename = "@href", alias = "href")]
    pub href: String,
    /// Relation (`self`, `next`, `location`, `events`, …).
    #[serde(
        rename = "@rel",
        alias = "rel",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub rel: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Link {
    /// A link.
    #[must_use]
    pub fn new(rel: &str, href: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            rel: Some(rel.to_owned()),
            extra: Map::new(),
        }
    }
}

/// Finds the link with relation `rel`.
#[must_use]
pub fn find_link<'a>(links: Option<&'a OneOrMany<Link>>, rel: &str) -> Option<&'a Link> {
    links?
        .as_slice()
        .iter()
        .find(|link| link.rel.as_deref() == Some(rel))
}

/// `{"link":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkHolder {
    /// The link.
    pub link: Link,
}

/// `POST /agentSession` body: `{"loginData":""}` (or `{}` or credentials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AgentSessionRequest {
    /// Kept for backwards compatibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_data: Option<Value>,
}

/// 201 `{"agentSessionLocation":{"link":{…"@rel":"location"}}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentSessionLocation {
    /// The agent session URL.
    pub agent_session_location: LinkHolder,
}

wire_enum! {
    /// Chat availability of an agent.
    pub enum ChatAvailability {
        /// Takes chats.
        Online => "Online",
        /// Away.
        Away => "Away",
        /// Occupied.
        Occupied => "Occupied",
        /// Offline.
        Offline => "Offline",
    }
}

/// `{"chat":"Online","voice":"Offline"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    /// Chat availability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<ChatAvailability>,
    /// Voice availability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
}

/// `{"availability":{…}}` (GET answer and PUT body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvailabilityBody {
    /// The availability.
    pub availability: Availability,
}

/// `{"incomingRequests":{"ringingCount":"1","link":{…}}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomingRequests {
    /// Waiting chats, a string on the wire.
    pub ringing_count: Loose,
    /// The link to take the next chat, when `ringingCount > 0`.
    /// \[gap\] its `@rel` is not documented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<OneOrMany<Link>>,
}

/// The body of `GET …/incomingRequests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomingRequestsBody {
    /// The requests.
    pub incoming_requests: IncomingRequests,
}

/// 201 `{"chatLocation":{"link":{…}}}`, the answer to taking a chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatLocation {
    /// The chat URL.
    pub chat_location: LinkHolder,
}

wire_enum! {
    /// `@type` of a chat event.
    pub enum ChatEventType {
        /// A line of text.
        Line => "line",
        /// A state change.
        State => "state",
        /// A resource event.
        Resource => "resource",
    }
}

wire_enum! {
    /// The state of a chat.
    pub enum ChatSessionState {
        /// Waiting for an agent.
        Waiting => "waiting",
        /// In progress.
        Chatting => "chatting",
        /// Ended.
        Ended => "ended",
    }
}

/// One chat event (`@type` `line` or `state`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatEvent {
    /// Event id, a decimal string.
    #[serde(
        rename = "@id",
        alias = "id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Loose>,
    /// `line`, `state`, …
    #[serde(rename = "@type", alias = "type")]
    pub event_type: ChatEventType,
    /// ISO-8601 time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// `plain`, `html` or `rich-content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_type: Option<String>,
    /// The text of a line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `info`, `agent` or `visitor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// `system`, `agent` or `visitor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// For system lines (see the spec's table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_message_id: Option<i64>,
    /// `REGULAR` or `ONLY_TO_REP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<String>,
    /// For state events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ChatSessionState>,
    /// Structured content for `textType: rich-content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ChatEvent {
    /// A plain line to POST.
    #[must_use]
    pub fn line(text: impl Into<String>) -> Self {
        Self {
            id: None,
            event_type: ChatEventType::Line,
            time: None,
            text_type: Some("plain".into()),
            text: Some(text.into()),
            by: None,
            source: None,
            system_message_id: None,
            sub_type: None,
            state: None,
            json: None,
            metadata: None,
            extra: Map::new(),
        }
    }

    /// `{"@type":"state","state":"ended"}`.
    #[must_use]
    pub fn ended() -> Self {
        Self {
            event_type: ChatEventType::State,
            text_type: None,
            text: None,
            state: Some(ChatSessionState::Ended),
            ..Self::line("")
        }
    }
}

/// `{"event":{…}}`: the body of `POST …/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostEvent {
    /// The event.
    pub event: ChatEvent,
}

/// 201 `{"chatEventLocation":{"link":{…}}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatEventLocation {
    /// The new event's URL.
    pub chat_event_location: LinkHolder,
}

/// `events`: links (with `next`) and events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Events {
    /// `self` and `next`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<OneOrMany<Link>>,
    /// The events; one event comes as a bare object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<OneOrMany<ChatEvent>>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"events":{…}}`, the body of `GET …/events?from=N`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsBody {
    /// The events.
    pub events: Events,
}

/// `info` of a chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ChatInfo {
    /// Links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<OneOrMany<Link>>,
    /// Chat state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ChatSessionState>,
    /// Session key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_session_key: Option<String>,
    /// Agent name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// Agent id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<Loose>,
    /// ISO-8601 start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Seconds idle before the chat times out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_timeout: Option<i64>,
    /// Visitor id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<Loose>,
    /// Visitor name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_name: Option<String>,
    /// `typing` / `not-typing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_typing: Option<String>,
    /// `typing` / `not-typing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_typing: Option<String>,
    /// Skill name (seen in third-party models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_name: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `chat`: links, events and info.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Chat {
    /// `self`, `events`, `info`, `next`, `transfer`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<OneOrMany<Link>>,
    /// Events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Events>,
    /// Info.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<ChatInfo>,
    /// A chat-level error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"chat":{…}}`, the body of `GET …/chat/{c}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatBody {
    /// The chat.
    pub chat: Chat,
}

/// `{"id":…}` in a transfer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdRef {
    /// Skill or agent id (a number or a string).
    pub id: Loose,
}

/// The body of `POST …/transfer`; if both skill and agent are given, agent wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TransferRequest {
    /// Target skill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<IdRef>,
    /// Target agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<IdRef>,
    /// Note for the next agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// `{"transfer":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferBody {
    /// The transfer.
    pub transfer: TransferRequest,
}

/// A skill one can transfer to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferSkill {
    /// Skill id.
    pub id: Loose,
    /// Skill name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Online agents, a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_agents: Option<Loose>,
}

/// The skills of `GET …/transfer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TransferOptions {
    /// Skills with an online agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<OneOrMany<TransferSkill>>,
}

/// `{"transfer":{"skill":[…]}}`, the body of `GET …/transfer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferOptionsBody {
    /// The options.
    pub transfer: TransferOptions,
}

/// `{"agentTyping":"typing"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentTypingBody {
    /// `typing`, `not-typing` or `unknown`.
    pub agent_typing: String,
}
