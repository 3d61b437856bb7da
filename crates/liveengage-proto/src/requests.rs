//! Typed bodies of the UMS requests, agent side and consumer side, and the
//! mapping between their type names and [`UmsRequest`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;
use crate::conversation_field::ConversationField;
use crate::enums::{Availability, ChannelType, ConvState, RingState};
use crate::event::Event;
use crate::frame::{Request, RequestId};
use crate::ids::{AgentId, ConsumerId, ConversationId, DialogId, RingId, SkillId, SubscriptionId};
use crate::one_or_many::OneOrMany;

/// `.ams.routing.SetAgentState`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetAgentState {
    /// The new availability.
    pub availability: Availability,
    /// node-agent-sdk adds `["MESSAGING"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<ChannelType>>,
    /// node-agent-sdk adds the caller's legacy id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_user_id: Option<AgentId>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `.ams.aam.SubscribeExConversations` (agent) and `cqm.SubscribeExConversations` (consumer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SubscribeExConversations {
    /// Only conversations with one of these agents; absent means all visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_ids: Option<Vec<String>>,
    /// Conversation states to include, e.g. `["OPEN"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conv_state: Option<Vec<ConvState>>,
    /// Stages to include (consumer side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Vec<ConvState>>,
    /// Only conversations updated after this time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_last_updated_time: Option<i64>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `.ams.aam.UnsubscribeExConversations` / `cqm.UnsubscribeExConversations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Unsubscribe {
    /// The subscription to end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<SubscriptionId>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `.ams.routing.SubscribeRoutingTasks` and `.ams.routing.SubscribeAgentsState`.
///
/// node-agent-sdk 1.2.0 sends no `brandId` after a token login; servers take
/// the account from the URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SubscribeAgentTopic {
    /// `MESSAGING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<ChannelType>,
    /// The caller's legacy id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// The account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `.ams.routing.UpdateRingState`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRingState {
    /// The ring answered.
    pub ring_id: RingId,
    /// `ACCEPTED` or `REJECTED`.
    pub ring_state: RingState,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `.ams.ms.QueryMessages` (node-agent-sdk's `subscribeMessagingEvents`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryMessages {
    /// The dialog.
    pub dialog_id: DialogId,
    /// First sequence wanted (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_seq: Option<i64>,
    /// The SDK copies `fromSeq` here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer_than_sequence: Option<i64>,
    /// At most this many records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_quantity: Option<i64>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `.ams.ms.PublishEvent` / `ms.PublishEvent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishEvent {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The conversation (consumer side, optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// The event.
    pub event: Event,
    /// `AGENTS_AND_MANAGERS` for a private message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_audience: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `.ams.cm.UpdateConversationField` / `cm.UpdateConversationField`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateConversationField {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// One item or an array; the SDK always sends an array.
    pub conversation_field: OneOrMany<ConversationField>,
    /// Seen in an SDK example; ignored by servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialog_id: Option<DialogId>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `.ams.userprofile.GetUserProfile`: the body is a bare consumer id string
/// (node-agent-sdk, schema) or an object `{"userId":…}` / `{}` (docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GetUserProfile {
    /// `"<consumerId>"`.
    ById(String),
    /// `{"userId":"<PId>"}`, or `{}` for the caller's own profile.
    Query {
        /// The user, absent for the caller.
        #[serde(rename = "userId", default, skip_serializing_if = "Option::is_none")]
        user_id: Option<String>,
        /// Fields this crate does not know.
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
}

impl GetUserProfile {
    /// The user asked about, `None` for the caller itself.
    #[must_use]
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Self::ById(id) => Some(id),
            Self::Query { user_id, .. } => user_id.as_deref(),
        }
    }
}

/// `.ams.cm.AgentRequestConversation` (proactive conversation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentRequestConversation {
    /// `MESSAGING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<ChannelType>,
    /// The consumer to talk to.
    pub consumer_id: ConsumerId,
    /// e.g. `{"type":"ProactiveContext","originConversationId":…}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_context: Option<Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `cm.ConsumerRequestConversation`; every field is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerRequestConversation {
    /// `MESSAGING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<ChannelType>,
    /// The account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    /// The skill to route to; `"-1"` means unassigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_id: Option<SkillId>,
    /// `NORMAL`, `URGENT`, `PRIORITIZED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttr_def_name: Option<String>,
    /// `{"campaignId":…,"engagementId":…}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_info: Option<Value>,
    /// e.g. a `SharkContext`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_context: Option<Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ms.SubscribeMessagingEvents` (consumer side).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscribeMessagingEvents {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// Existing events from this sequence on (inclusive) are sent first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_seq: Option<i64>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"subscriptionId":…}`, the answer to the `Subscribe*` requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscribeResponse {
    /// The new subscription.
    pub subscription_id: SubscriptionId,
}

/// `{"sequence":17}`, the answer to `PublishEvent` (0 for `ChatStateEvent`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishEventResponse {
    /// The sequence given to the event.
    pub sequence: i64,
}

/// `{"currentTime":1513813587308}`, the answer to `GetClock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetClockResponse {
    /// Server time in ms since the epoch.
    pub current_time: i64,
}

/// `{"conversationId":…}`, the answer to the conversation requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestConversationResponse {
    /// The new conversation.
    pub conversation_id: ConversationId,
}

/// Which side of the Messaging API a request is written for; decides the
/// spelling of type names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Side {
    /// The agent API: `.ams.`-prefixed names (`.ams.ms.PublishEvent`).
    Agent,
    /// The consumer (Messaging Window) API: short names (`ms.PublishEvent`).
    Consumer,
}

/// A UMS request with a typed body, from either side.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum UmsRequest {
    /// `GetClock`.
    GetClock,
    /// `KeepAlive`.
    KeepAlive,
    /// `InitConnection` (consumer); the JWT is in the frame headers.
    InitConnection {
        /// The frame's `headers`.
        headers: Option<Value>,
    },
    /// `SetAgentState`.
    SetAgentState(SetAgentState),
    /// `SubscribeAgentsState`.
    SubscribeAgentsState(SubscribeAgentTopic),
    /// `SubscribeRoutingTasks`.
    SubscribeRoutingTasks(SubscribeAgentTopic),
    /// `UpdateRingState`.
    UpdateRingState(UpdateRingState),
    /// `SubscribeExConversations`.
    SubscribeExConversations(SubscribeExConversations),
    /// `UnsubscribeExConversations`.
    UnsubscribeExConversations(Unsubscribe),
    /// `AgentRequestConversation`.
    AgentRequestConversation(AgentRequestConversation),
    /// `ConsumerRequestConversation`.
    ConsumerRequestConversation(ConsumerRequestConversation),
    /// `UpdateConversationField`.
    UpdateConversationField(UpdateConversationField),
    /// `PublishEvent`.
    PublishEvent(PublishEvent),
    /// `QueryMessages`.
    QueryMessages(QueryMessages),
    /// `SubscribeMessagingEvents`.
    SubscribeMessagingEvents(SubscribeMessagingEvents),
    /// `GetUserProfile`.
    GetUserProfile(GetUserProfile),
    /// A type this crate does not model, verbatim.
    Other {
        /// The type name as received.
        type_name: String,
        /// The body as received.
        body: Option<Value>,
    },
}

/// Strips the optional leading `.` and `ams.` of a type name and folds the
/// documented aliases (`cqm.` = `aam.`, `up.` = `userprofile.`).
#[must_use]
pub fn canonical_type(type_name: &str) -> &str {
    let name = type_name.strip_prefix('.').unwrap_or(type_name);
    let name = name.strip_prefix("ams.").unwrap_or(name);
    match name {
        "cqm.SubscribeExConversations" => "aam.SubscribeExConversations",
        "cqm.UnsubscribeExConversations" => "aam.UnsubscribeExConversations",
        "up.GetUserProfile" => "userprofile.GetUserProfile",
        other => other,
    }
}

fn body<T: DeserializeOwned>(req: &Request) -> Result<T, Error> {
    let value = match &req.body {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(v) => v.clone(),
    };
    serde_json::from_value(value).map_err(|e| Error::bad_body(&req.type_name, e))
}

fn to_value<T: Serialize>(body: &T) -> Value {
    // Serializing these plain structs cannot fail.
    serde_json::to_value(body).unwrap_or(Value::Null)
}

impl UmsRequest {
    /// Reads the typed body of a request, accepting type names with and
    /// without the `.ams.` prefix.
    ///
    /// # Errors
    /// [`Error::BadBody`] when a known type has a body of the wrong shape.
    pub fn decode(req: &Request) -> Result<Self, Error> {
        Ok(match canonical_type(&req.type_name) {
            "GetClock" => Self::GetClock,
            "KeepAlive" => Self::KeepAlive,
            "InitConnection" => Self::InitConnection {
                headers: req.headers.clone(),
            },
            "routing.SetAgentState" => Self::SetAgentState(body(req)?),
            "routing.SubscribeAgentsState" => Self::SubscribeAgentsState(body(req)?),
            "routing.SubscribeRoutingTasks" => Self::SubscribeRoutingTasks(body(req)?),
            "routing.UpdateRingState" => Self::UpdateRingState(body(req)?),
            "aam.SubscribeExConversations" => Self::SubscribeExConversations(body(req)?),
            "aam.UnsubscribeExConversations" => Self::UnsubscribeExConversations(body(req)?),
            "cm.AgentRequestConversation" => Self::AgentRequestConversation(body(req)?),
            "cm.ConsumerRequestConversation" => Self::ConsumerRequestConversation(body(req)?),
            "cm.UpdateConversationField" => Self::UpdateConversationField(body(req)?),
            "ms.PublishEvent" => Self::PublishEvent(body(req)?),
            "ms.QueryMessages" => Self::QueryMessages(body(req)?),
            "ms.SubscribeMessagingEvents" => Self::SubscribeMessagingEvents(body(req)?),
            "userprofile.GetUserProfile" => Self::GetUserProfile(body(req)?),
            _ => Self::Other {
                type_name: req.type_name.clone(),
                body: req.body.clone(),
            },
        })
    }

    /// The type name to send for this request on the given side.
    #[must_use]
    pub fn type_name(&self, side: Side) -> String {
        let (agent, consumer) = match self {
            Self::GetClock => (".GetClock", "GetClock"),
            Self::KeepAlive => ("KeepAlive", "KeepAlive"),
            Self::InitConnection { .. } => ("InitConnection", "InitConnection"),
            Self::SetAgentState(_) => (".ams.routing.SetAgentState", "routing.SetAgentState"),
            Self::SubscribeAgentsState(_) => (
                ".ams.routing.SubscribeAgentsState",
                "routing.SubscribeAgentsState",
            ),
            Self::SubscribeRoutingTasks(_) => (
                ".ams.routing.SubscribeRoutingTasks",
                "routing.SubscribeRoutingTasks",
            ),
            Self::UpdateRingState(_) => (".ams.routing.UpdateRingState", "routing.UpdateRingState"),
            Self::SubscribeExConversations(_) => (
                ".ams.aam.SubscribeExConversations",
                "cqm.SubscribeExConversations",
            ),
            Self::UnsubscribeExConversations(_) => (
                ".ams.aam.UnsubscribeExConversations",
                "cqm.UnsubscribeExConversations",
            ),
            Self::AgentRequestConversation(_) => (
                ".ams.cm.AgentRequestConversation",
                "cm.AgentRequestConversation",
            ),
            Self::ConsumerRequestConversation(_) => (
                ".ams.cm.ConsumerRequestConversation",
                "cm.ConsumerRequestConversation",
            ),
            Self::UpdateConversationField(_) => (
                ".ams.cm.UpdateConversationField",
                "cm.UpdateConversationField",
            ),
            Self::PublishEvent(_) => (".ams.ms.PublishEvent", "ms.PublishEvent"),
            Self::QueryMessages(_) => (".ams.ms.QueryMessages", "ms.QueryMessages"),
            Self::SubscribeMessagingEvents(_) => (
                ".ams.ms.SubscribeMessagingEvents",
                "ms.SubscribeMessagingEvents",
            ),
            Self::GetUserProfile(_) => (
                ".ams.userprofile.GetUserProfile",
                "userprofile.GetUserProfile",
            ),
            Self::Other { type_name, .. } => return type_name.clone(),
        };
        match side {
            Side::Agent => agent.to_owned(),
            Side::Consumer => consumer.to_owned(),
        }
    }

    /// The JSON body of this request (`None` for `InitConnection`).
    #[must_use]
    pub fn body(&self) -> Option<Value> {
        Some(match self {
            Self::GetClock | Self::KeepAlive => Value::Object(Map::new()),
            Self::InitConnection { .. } => return None,
            Self::SetAgentState(b) => to_value(b),
            Self::SubscribeAgentsState(b) | Self::SubscribeRoutingTasks(b) => to_value(b),
            Self::UpdateRingState(b) => to_value(b),
            Self::SubscribeExConversations(b) => to_value(b),
            Self::UnsubscribeExConversations(b) => to_value(b),
            Self::AgentRequestConversation(b) => to_value(b),
            Self::ConsumerRequestConversation(b) => to_value(b),
            Self::UpdateConversationField(b) => to_value(b),
            Self::PublishEvent(b) => to_value(b),
            Self::QueryMessages(b) => to_value(b),
            Self::SubscribeMessagingEvents(b) => to_value(b),
            Self::GetUserProfile(b) => to_value(b),
            Self::Other { body, .. } => return body.clone(),
        })
    }

    /// Builds the request frame for `side`.
    #[must_use]
    pub fn into_request(self, id: impl Into<RequestId>, side: Side) -> Request {
        let mut req = Request::new(id, self.type_name(side), Value::Null);
        req.body = self.body();
        if let Self::InitConnection { headers } = self {
            req.headers = headers;
        }
        req
    }
}

/// The consumer JWT carried by an `InitConnection` frame's
/// `.ams.headers.ConsumerAuthentication` header.
#[must_use]
pub fn consumer_jwt(headers: Option<&Value>) -> Option<&str> {
    headers?.as_array()?.iter().find_map(|header| {
        let is_auth = header
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.ends_with("ConsumerAuthentication"));
        if is_auth {
            header.get("jwt").and_then(Value::as_str)
        } else {
            None
        }
    })
}
