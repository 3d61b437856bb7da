//! The items of `UpdateConversationField.conversationField`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::enums::{ConvState, ParticipantsChangeType, Role, TtrType};
use crate::ids::{DialogId, SkillId};
use crate::tagged::{take_tag, variant, with_tag};

/// `{"field":"ParticipantsChange","type":"REMOVE","role":"ASSIGNED_AGENT","userId":"…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantsChange {
    /// `ADD`, `REMOVE`, `UPDATE` or `SUGGEST`.
    #[serde(rename = "type")]
    pub change: ParticipantsChangeType,
    /// The role concerned.
    pub role: Role,
    /// The agent, legacy id `{acct}.{userId}` or participant id; when absent
    /// the caller itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"field":"Skill","type":"UPDATE","skill":"<skillId>"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillChange {
    /// Always `UPDATE` in the docs.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    /// The new skill.
    pub skill: SkillId,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"field":"TTRField","ttrType":"CUSTOM","value":1800}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TtrChange {
    /// The TTR type.
    pub ttr_type: TtrType,
    /// Seconds (for `CUSTOM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"field":"ConversationStateField","conversationState":"CLOSE"}`: closes the
/// conversation without a post-conversation survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationStateChange {
    /// The new state.
    pub conversation_state: ConvState,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The dialog part of a [`DialogChange`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DialogUpdate {
    /// The dialog (the MAIN dialog id equals the conversation id).
    pub dialog_id: DialogId,
    /// The new state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ConvState>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_cause: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"field":"DialogChange","type":"UPDATE","dialog":{…}}`: closing the MAIN
/// dialog this way lets the post-conversation survey start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DialogChange {
    /// `UPDATE` in the docs.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    /// The dialog update.
    pub dialog: DialogUpdate,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"field":"CSATRate","csatRate":5,…}`, sent by the consumer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CsatRate {
    /// 1–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat_rate: Option<i64>,
    /// Whether the consumer confirms the resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat_resolution_confirmation: Option<bool>,
    /// `FILLED`, `PARTIALLY_FILLED` or `SKIPPED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One item of `conversationField`, tagged by its `field` key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ConversationField {
    /// `ParticipantsChange`.
    Participants(ParticipantsChange),
    /// `Skill`.
    Skill(SkillChange),
    /// `TTRField`.
    Ttr(TtrChange),
    /// `ConversationStateField`.
    ConversationState(ConversationStateChange),
    /// `DialogChange`.
    Dialog(DialogChange),
    /// `CSATRate`.
    Csat(CsatRate),
    /// A field this crate does not know (`DelayField`, `Note`, …), verbatim.
    Other(Value),
}

impl ConversationField {
    /// The `field` name on the wire.
    #[must_use]
    pub fn field_name(&self) -> &str {
        match self {
            Self::Participants(_) => "ParticipantsChange",
            Self::Skill(_) => "Skill",
            Self::Ttr(_) => "TTRField",
            Self::ConversationState(_) => "ConversationStateField",
            Self::Dialog(_) => "DialogChange",
            Self::Csat(_) => "CSATRate",
            Self::Other(v) => v.get("field").and_then(Value::as_str).unwrap_or(""),
        }
    }
}

impl Serialize for ConversationField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let name = self.field_name().to_owned();
        let value = match self {
            Self::Participants(f) => with_tag("field", &name, f)?,
            Self::Skill(f) => with_tag("field", &name, f)?,
            Self::Ttr(f) => with_tag("field", &name, f)?,
            Self::ConversationState(f) => with_tag("field", &name, f)?,
            Self::Dialog(f) => with_tag("field", &name, f)?,
            Self::Csat(f) => with_tag("field", &name, f)?,
            Self::Other(v) => v.clone(),
        };
        value.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ConversationField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Value::Object(mut map) = Value::deserialize(deserializer)? else {
            return Err(serde::de::Error::custom(
                "a conversationField item must be an object",
            ));
        };
        let tag = take_tag(&mut map, "field");
        Ok(match tag.as_deref() {
            Some("ParticipantsChange") => Self::Participants(variant(map)?),
            Some("Skill") => Self::Skill(variant(map)?),
            Some("TTRField") => Self::Ttr(variant(map)?),
            Some("ConversationStateField") => Self::ConversationState(variant(map)?),
            Some("DialogChange") => Self::Dialog(variant(map)?),
            Some("CSATRate") => Self::Csat(variant(map)?),
            _ => {
                if let Some(tag) = tag {
                    map.insert("field".into(), Value::String(tag));
                }
                Self::Other(Value::Object(map))
            }
        })
    }
}
