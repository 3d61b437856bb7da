//! Server pushes: rings, conversation changes, agent state, and the typed
//! view [`UmsNotification`] over a [`Notification`] frame.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;
use crate::enums::{
    Availability, ChangeType, ChannelType, CloseReason, ConvState, DialogType, ParticipantState,
    RingState, Role, TtrType,
};
use crate::frame::Notification;
use crate::ids::{AgentId, ConversationId, DialogId, RingId, SkillId, SubscriptionId};
use crate::record::{EventRecord, MessagingEventNotification};

/// One ring in `ringsDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RingDetails {
    /// `"{convId}_{acct}_{ms}"`.
    pub ring_id: RingId,
    /// How long the ring lasts (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring_expiration: Option<i64>,
    /// When the ring expires (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring_expiration_ts: Option<i64>,
    /// The ring's state.
    pub ring_state: RingState,
    /// Routing weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    /// Fields this crate does not know (`brandId`, `convId`, `consumerId`, `skillId`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `result` of a routing task change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutingTask {
    /// The task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_task_id: Option<String>,
    /// Whether the task is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_completed: Option<bool>,
    /// The conversation offered.
    pub conversation_id: ConversationId,
    /// The consumer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_id: Option<String>,
    /// The skill it was routed by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_id: Option<SkillId>,
    /// The account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    /// The agent it is assigned to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_agent_id: Option<String>,
    /// The rings; node-agent-sdk requires this array on every change.
    #[serde(default)]
    pub rings_details: Vec<RingDetails>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One change of a subscription notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change<T> {
    /// `UPSERT` or `DELETE`.
    #[serde(rename = "type")]
    pub change: ChangeType,
    /// The item.
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub result: Option<T>,
    /// Fields this crate does not know (`lastContentEventNotification`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The body of a subscription notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Changes<T> {
    /// The subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<SubscriptionId>,
    /// The changes; empty right after subscribing when nothing matches.
    #[serde(default = "Vec::new")]
    pub changes: Vec<Change<T>>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `.ams.routing.RoutingTaskNotification` body.
pub type RoutingTaskNotification = Changes<RoutingTask>;
/// `.ams.aam.ExConversationChangeNotification` / `cqm.ExConversationChangeNotification` body.
pub type ExConversationChangeNotification = Changes<ExConversation>;
/// `.ams.routing.AgentStateNotification` body.
pub type AgentStateNotification = Changes<AgentState>;

/// The `result` of an agent state change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentState {
    /// The agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_user_id: Option<AgentId>,
    /// Channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<ChannelType>>,
    /// Availability.
    pub availability: Availability,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `result` of a conversation change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExConversation {
    /// The conversation.
    pub conv_id: ConversationId,
    /// Effective TTR (ms), `-1` when none.
    #[serde(
        rename = "effectiveTTR",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub effective_ttr: Option<i64>,
    /// The details.
    pub conversation_details: ConversationDetails,
    /// Unread counts per participant.
    #[serde(
        rename = "numberOfunreadMessages",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub number_of_unread_messages: Option<Value>,
    /// Last update (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<i64>,
    /// The last content event; unreliable, read the history instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_content_event_notification: Option<EventRecord>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `participants`: a map role → legacy ids on the agent API (v2.x), an array
/// of `{id, role}` on the consumer API (v3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Participants {
    /// Agent API form.
    ByRole(BTreeMap<Role, Vec<String>>),
    /// Consumer API form.
    List(Vec<ParticipantRef>),
}

/// `{id, role}` in the consumer-side `participants` array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantRef {
    /// Participant id.
    pub id: String,
    /// Role.
    pub role: Role,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `dialogs[].participantsDetails[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantDetail {
    /// Legacy id for agents on the agent API.
    pub id: String,
    /// Role.
    pub role: Role,
    /// `ACTIVE` or `SUGGESTED` (absent on the consumer API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ParticipantState>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One dialog of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dialog {
    /// The dialog.
    pub dialog_id: DialogId,
    /// Participants; node-agent-sdk 1.2.0 drops the notification if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants_details: Option<Vec<ParticipantDetail>>,
    /// `MAIN` or `POST_SURVEY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialog_type: Option<DialogType>,
    /// `MESSAGING` or `COBROWSE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<ChannelType>,
    /// `OPEN` or `CLOSE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ConvState>,
    /// Created (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_ts: Option<i64>,
    /// Last metadata update (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_data_last_update_ts: Option<i64>,
    /// Ended (ms), when closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ts: Option<i64>,
    /// Who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<CloseReason>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_cause: Option<String>,
    /// Fields this crate does not know (`metaData`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ttr`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ttr {
    /// Type.
    pub ttr_type: TtrType,
    /// Seconds.
    pub value: i64,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `conversationDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationDetails {
    /// The conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conv_id: Option<ConversationId>,
    /// Current skill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_id: Option<SkillId>,
    /// Participants (see [`Participants`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<Participants>,
    /// Role → participant ids (agent API); node-agent-sdk requires it.
    #[serde(
        rename = "participantsPId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub participants_pid: Option<BTreeMap<Role, Vec<String>>>,
    /// Dialogs.
    #[serde(default)]
    pub dialogs: Vec<Dialog>,
    /// The account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    /// State of the MAIN dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ConvState>,
    /// Whether the conversation container is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<ConvState>,
    /// Who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<CloseReason>,
    /// Started (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_ts: Option<i64>,
    /// Ended (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ts: Option<i64>,
    /// Last metadata update (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_data_last_update_ts: Option<i64>,
    /// First conversation of this consumer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_conversation: Option<bool>,
    /// CSAT rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat_rate: Option<i64>,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Time to respond.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttr: Option<Ttr>,
    /// Conversation context (`CustomContext`, `SharkContext`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// `{accountId, skillId}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_handler_details: Option<Value>,
    /// Fields this crate does not know (`groupId`, `delay`, `manualETTR`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Type names of the notifications.
pub mod types {
    /// A ring.
    pub const ROUTING_TASK: &str = ".ams.routing.RoutingTaskNotification";
    /// Conversation metadata, agent side.
    pub const EX_CONVERSATION_CHANGE: &str = ".ams.aam.ExConversationChangeNotification";
    /// Conversation metadata, consumer side.
    pub const CONSUMER_EX_CONVERSATION_CHANGE: &str = "cqm.ExConversationChangeNotification";
    /// A message event, agent side.
    pub const ONLINE_EVENT_DISTRIBUTION: &str = ".ams.ms.OnlineEventDistribution";
    /// Message events, consumer side.
    pub const MESSAGING_EVENT: &str = "ms.MessagingEventNotification";
    /// Agent state.
    pub const AGENT_STATE: &str = ".ams.routing.AgentStateNotification";
}

/// A notification with a typed body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum UmsNotification {
    /// A ring or ring update.
    RoutingTask(RoutingTaskNotification),
    /// Conversation metadata, either side.
    ExConversationChange(ExConversationChangeNotification),
    /// One message event (agent side).
    OnlineEventDistribution(Box<EventRecord>),
    /// Message events (consumer side).
    MessagingEvent(MessagingEventNotification),
    /// Agent state.
    AgentState(AgentStateNotification),
    /// A type this crate does not model, verbatim.
    Other(Notification),
}

fn body<T: DeserializeOwned>(n: &Notification) -> Result<T, Error> {
    // Read from the borrowed tree: no copy of the body first.
    match &n.body {
        Some(value) => T::deserialize(value),
        None => T::deserialize(&Value::Null),
    }
    .map_err(|e| Error::bad_body(&n.type_name, e))
}

impl UmsNotification {
    /// Reads a notification's typed body (with or without the `.ams.` prefix).
    ///
    /// # Errors
    /// [`Error::BadBody`] when a known type has a body of the wrong shape.
    pub fn decode(n: &Notification) -> Result<Self, Error> {
        Ok(match crate::requests::canonical_type(&n.type_name) {
            "routing.RoutingTaskNotification" => Self::RoutingTask(body(n)?),
            "aam.ExConversationChangeNotification" | "cqm.ExConversationChangeNotification" => {
                Self::ExConversationChange(body(n)?)
            }
            "ms.OnlineEventDistribution" => Self::OnlineEventDistribution(Box::new(body(n)?)),
            "ms.MessagingEventNotification" => Self::MessagingEvent(body(n)?),
            "routing.AgentStateNotification" => Self::AgentState(body(n)?),
            _ => Self::Other(n.clone()),
        })
    }
}

/// The dialog id of a conversation's MAIN dialog (equal to the conversation id).
#[must_use]
pub fn main_dialog_id(conversation: &ConversationId) -> DialogId {
    DialogId(conversation.0.clone())
}
