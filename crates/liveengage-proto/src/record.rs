//! Message event records: `.ams.ms.OnlineEventDistribution` bodies, the items
//! of `.ams.ms.QueryMessages$Response` and of consumer `ms.MessagingEventNotification`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::enums::Role;
use crate::event::Event;
use crate::ids::{ConversationId, DialogId};

/// `originatorMetadata`: who sent an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginatorMetadata {
    /// The sender's participant id.
    pub id: String,
    /// The sender's role.
    pub role: Role,
    /// Fields this crate does not know (`clientProperties`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One message event as distributed to participants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    /// Per-dialog sequence, absent for `ChatStateEvent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i64>,
    /// `{"type":".ClientProperties",…}` of the sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originator_client_properties: Option<Value>,
    /// Agent side: the legacy id (`{acct}.{userId}`) of agents, the consumer
    /// id of consumers. Consumer side: a participant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originator_id: Option<String>,
    /// Agent side: the sender's participant id.
    #[serde(
        rename = "originatorPId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub originator_pid: Option<String>,
    /// The sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originator_metadata: Option<OriginatorMetadata>,
    /// Server time (ms); absent for `ChatStateEvent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_timestamp: Option<i64>,
    /// The event.
    pub event: Event,
    /// The dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialog_id: Option<DialogId>,
    /// The conversation (consumer side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// Typed metadata sent with the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Consumer-side `ms.MessagingEventNotification` body (node-agent-sdk also
/// re-emits agent-side events in this shape, with `dialogId`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagingEventNotification {
    /// The dialog, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialog_id: Option<DialogId>,
    /// The events.
    pub changes: Vec<EventRecord>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
