//! What a bot knows about a conversation: ids, channel, skill, consumer,
//! engagement attributes and the raw LiveEngage event.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{BotId, ConsumerId, ConversationId, DialogId, SkillId};

/// The two LiveEngage conversation types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ChannelType {
    /// Chat: the Chat Agent REST API (no quick replies, no TTR, no encoded metadata).
    Chat,
    /// Messaging: the UMS WebSocket API.
    Messaging,
}

impl ChannelType {
    /// `"CHAT"` or `"MESSAGING"`, as LiveEngage writes it in `conversationContext.type`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "CHAT",
            Self::Messaging => "MESSAGING",
        }
    }
}

/// A skill: the id LiveEngage routes by, and its name when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skill {
    /// The skill id.
    pub id: SkillId,
    /// The skill name (transfers name skills; names are case sensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What the transport knows about the consumer (visitor).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConsumerInfo {
    /// The consumer's participant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ConsumerId>,
    /// A display name, when the consumer gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The consumer's language (e.g. `en-US`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl ConsumerInfo {
    /// Consumer info with only an id.
    #[must_use]
    pub fn with_id(id: impl Into<ConsumerId>) -> Self {
        Self {
            id: Some(id.into()),
            ..Self::default()
        }
    }
}

/// Engagement attributes (SDEs) in LivePerson's `lpSdes` shape:
/// `{ "unauthenticatedSdes": {...}, "authenticatedSdes": {...} }`.
///
/// The entries keep LiveEngage's own JSON (which differs between chat and
/// messaging), so engines forward them verbatim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngagementAttributes {
    /// SDEs the page reported (customerInfo, cartStatus, purchase, ...).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub unauthenticated_sdes: Value,
    /// SDEs from an authenticated consumer (`ctmrinfo`, `personal`, ...).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub authenticated_sdes: Value,
}

/// Everything the connector knows about a conversation, handed to the engine with
/// each event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConversationContext {
    /// The bot that owns this conversation.
    pub bot_id: BotId,
    /// The conversation id.
    pub conversation_id: ConversationId,
    /// The dialog the event belongs to (messaging); `None` on chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialog_id: Option<DialogId>,
    /// Chat or messaging.
    pub channel: ChannelType,
    /// The skill the conversation is routed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<Skill>,
    /// The consumer.
    #[serde(default)]
    pub consumer: ConsumerInfo,
    /// The engagement attributes, when the bot collects them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdes: Option<EngagementAttributes>,
    /// The raw LiveEngage event that triggered this turn (`lpEvent`), for engines
    /// that forward it to the bot. `Null` when there is none.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub lp_event: Value,
}

impl ConversationContext {
    /// A context with the required fields; the rest start empty.
    #[must_use]
    pub fn new(bot_id: BotId, conversation_id: ConversationId, channel: ChannelType) -> Self {
        Self {
            bot_id,
            conversation_id,
            dialog_id: None,
            channel,
            skill: None,
            consumer: ConsumerInfo::default(),
            sdes: None,
            lp_event: Value::Null,
        }
    }

    /// Sets the dialog id.
    #[must_use]
    pub fn with_dialog(mut self, dialog_id: DialogId) -> Self {
        self.dialog_id = Some(dialog_id);
        self
    }

    /// Sets the skill.
    #[must_use]
    pub fn with_skill(mut self, skill: Skill) -> Self {
        self.skill = Some(skill);
        self
    }

    /// Sets the consumer.
    #[must_use]
    pub fn with_consumer(mut self, consumer: ConsumerInfo) -> Self {
        self.consumer = consumer;
        self
    }

    /// Sets the engagement attributes.
    #[must_use]
    pub fn with_sdes(mut self, sdes: EngagementAttributes) -> Self {
        self.sdes = Some(sdes);
        self
    }

    /// Sets the raw LiveEngage event.
    #[must_use]
    pub fn with_lp_event(mut self, lp_event: Value) -> Self {
        self.lp_event = lp_event;
        self
    }

    /// The `{ "lpEvent": ..., "lpSdes": ... }` object that LivePerson's connectors
    /// attach to vendor requests (Watson context, Dialogflow payload, Lex
    /// `BC-LP-CONTEXT`). `lpSdes` is present only when SDEs were collected.
    #[must_use]
    pub fn lp_context(&self) -> Value {
        let mut map = serde_json::Map::new();
        map.insert("lpEvent".into(), self.lp_event.clone());
        if let Some(sdes) = &self.sdes {
            map.insert(
                "lpSdes".into(),
                serde_json::to_value(sdes).unwrap_or(Value::Null),
            );
        }
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lp_context_has_event_and_sdes_in_liveperson_shape() {
        let ctx = ConversationContext::new("bot".into(), "c1".into(), ChannelType::Messaging)
            .with_lp_event(json!({"event": {"type": "ContentEvent", "message": "hi"}}))
            .with_sdes(EngagementAttributes {
                unauthenticated_sdes: json!({"customerInfo": {"customerId": "1"}}),
                authenticated_sdes: Value::Null,
            });
        assert_eq!(
            ctx.lp_context(),
            json!({
                "lpEvent": {"event": {"type": "ContentEvent", "message": "hi"}},
                "lpSdes": {"unauthenticatedSdes": {"customerInfo": {"customerId": "1"}}}
            })
        );
        let without = ConversationContext::new("bot".into(), "c1".into(), ChannelType::Chat);
        assert_eq!(without.lp_context(), json!({"lpEvent": null}));
    }
}
