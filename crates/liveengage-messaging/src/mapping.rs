//! Between LiveEngage's wire shapes and the connector's vocabulary.

use connector_core::{
    Action, Audience, ChannelError, ConsumerInfo, ConversationContext, EventKind, Output, Skill,
    Ttr,
};
use liveengage_proto::enums::{ContentType, Role};
use liveengage_proto::event::Event;
use liveengage_proto::requests::canonical_type;
use liveengage_proto::{EventRecord, Notification};
use serde_json::{Value, json};

use crate::codes;
use crate::config::MessagingConfig;

/// A request to publish: type, body, and frame-level metadata / encoded metadata.
pub(crate) struct Publish {
    pub(crate) body: Value,
    pub(crate) metadata: Option<Value>,
    pub(crate) encoded_metadata: Option<String>,
}

fn metadata(items: &[Value]) -> Option<Value> {
    (!items.is_empty()).then(|| Value::Array(items.to_vec()))
}

/// The `PublishEvent` for an output.
pub(crate) fn publish(dialog_id: &str, output: &Output) -> Result<Publish, ChannelError> {
    let (event, audience, meta, encoded) = match output {
        Output::Text(t) => (
            json!({"type": "ContentEvent", "contentType": "text/plain", "message": t.text}),
            (t.audience == Audience::AgentsAndManagers).then_some("AGENTS_AND_MANAGERS"),
            metadata(&t.metadata),
            t.encoded_metadata.clone(),
        ),
        Output::StructuredContent(s) => (
            json!({"type": "RichContentEvent", "content": s.content.as_json()}),
            None,
            metadata(&s.metadata),
            s.encoded_metadata.clone(),
        ),
        Output::QuickReplies(q) => (
            json!({"type": "ContentEvent", "contentType": "text/plain", "message": q.message,
                   "quickReplies": q.quick_replies}),
            None,
            metadata(&q.metadata),
            None,
        ),
        _ => {
            return Err(ChannelError::NotSupported {
                operation: "this output (delays are played by the runtime)",
                channel: connector_core::ChannelType::Messaging,
                code: codes::NOT_SUPPORTED,
            });
        }
    };
    let mut body = json!({"dialogId": dialog_id, "event": event});
    if let Some(audience) = audience {
        body["messageAudience"] = json!(audience);
    }
    Ok(Publish {
        body,
        metadata: meta,
        encoded_metadata: encoded,
    })
}

/// The `conversationField` items for an action, and the code of its failure.
pub(crate) fn conversation_fields(
    config: &MessagingConfig,
    my_id: &str,
    conversation_id: &str,
    action: &Action,
) -> Result<(Value, connector_core::ErrorCode), ChannelError> {
    let skill_id = |name: &str| {
        config
            .skills
            .get(name)
            .cloned()
            .ok_or_else(|| ChannelError::SkillNotFound {
                skill: name.to_owned(),
                code: codes::SKILL_NOT_EXISTING,
            })
    };
    let remove_me = json!({"field": "ParticipantsChange", "type": "REMOVE", "role": "ASSIGNED_AGENT", "userId": my_id});
    Ok(match action {
        Action::TransferToSkill { skill } => {
            let id = skill_id(skill)?;
            (
                json!([remove_me, {"field": "Skill", "type": "UPDATE", "skill": id.as_str()}]),
                codes::TRANSFER_TO_SKILL,
            )
        }
        Action::TransferToAgent { skill, agent_id } => {
            let id = skill_id(skill)?;
            let target = format!("{}.{}", config.account_id, agent_id.as_str());
            (
                json!([remove_me,
                    {"field": "ParticipantsChange", "type": "SUGGEST", "role": "ASSIGNED_AGENT", "userId": target},
                    {"field": "Skill", "type": "UPDATE", "skill": id.as_str()}]),
                codes::TRANSFER_TO_SKILL,
            )
        }
        // Closing the MAIN dialog lets the post-conversation survey start;
        // closing the conversation skips it (spec 3.4; LivePerson's mapping is inferred).
        Action::Close { without_pcs: false } => (
            json!([{"field": "DialogChange", "type": "UPDATE",
                    "dialog": {"dialogId": conversation_id, "state": "CLOSE"}}]),
            codes::END_CONVERSATION,
        ),
        Action::Close { without_pcs: true } => (
            json!([{"field": "ConversationStateField", "conversationState": "CLOSE"}]),
            codes::END_CONVERSATION,
        ),
        Action::ChangeTtr(ttr) => {
            let mut field = json!({"field": "TTRField", "ttrType": ttr.type_name()});
            if let Ttr::Custom(seconds) = ttr {
                field["value"] = json!(seconds);
            }
            (json!([field]), codes::CHANGE_TTR)
        }
        _ => {
            return Err(ChannelError::NotSupported {
                operation: "this action",
                channel: connector_core::ChannelType::Messaging,
                code: codes::NOT_SUPPORTED,
            });
        }
    })
}

/// Whether a record was written by the consumer.
pub(crate) fn from_consumer(record: &EventRecord) -> bool {
    record
        .originator_metadata
        .as_ref()
        .is_some_and(|m| m.role == Role::Consumer)
}

/// Whether a notification is a live record that did not come from the
/// consumer (the bot's own messages and receipts, echoed back): read from
/// the undecoded body, so such records cost no typed decoding. As with
/// [`from_consumer`], any role but the consumer's counts; a record without
/// a role is left to the decoder.
pub(crate) fn is_echo(notification: &Notification) -> bool {
    canonical_type(&notification.type_name) == "ms.OnlineEventDistribution"
        && notification
            .body
            .as_ref()
            .and_then(|b| b.get("originatorMetadata"))
            .and_then(|m| m.get("role"))
            .and_then(|r| serde_json::from_value::<Role>(r.clone()).ok())
            .is_some_and(|role| role != Role::Consumer)
}

/// The inbound event a consumer record becomes; `None` for read receipts,
/// typing and anything else the bot does not answer.
pub(crate) fn consumer_event(record: &EventRecord) -> Option<EventKind> {
    match &record.event {
        Event::Content(c)
            if c.content_type == Some(ContentType::HostedFile) || !c.message.is_string() =>
        {
            Some(EventKind::ConsumerFile {
                file: c.message.clone(),
            })
        }
        Event::Content(c) => Some(EventKind::ConsumerText {
            text: c.as_text().unwrap_or_default().to_owned(),
            metadata: match &record.metadata {
                Some(Value::Array(items)) => items.clone(),
                _ => Vec::new(),
            },
        }),
        Event::RichContent(r) => Some(EventKind::ConsumerRichContent {
            content: r.content.clone().unwrap_or(Value::Null),
        }),
        _ => None,
    }
}

/// The context of a conversation event, with the record as `lpEvent`
/// (enriched with `conversationContext`, as LivePerson's connectors do):
/// `raw`, the record as LiveEngage sent it, when there is one, else the
/// record written out again.
pub(crate) fn context(
    config: &MessagingConfig,
    conversation_id: &str,
    skill_id: Option<&str>,
    consumer_id: Option<&str>,
    record: Option<&EventRecord>,
    raw: Option<Value>,
) -> ConversationContext {
    let mut ctx = ConversationContext::new(
        config.bot_id.clone(),
        conversation_id.into(),
        connector_core::ChannelType::Messaging,
    )
    .with_dialog(conversation_id.into());
    if let Some(skill) = skill_id {
        ctx = ctx.with_skill(Skill {
            id: skill.into(),
            name: config.skill_name(skill).map(str::to_owned),
        });
    }
    if let Some(consumer) = consumer_id {
        ctx = ctx.with_consumer(ConsumerInfo::with_id(consumer));
    }
    if let Some(record) = record {
        let mut lp_event = raw
            .filter(Value::is_object)
            .unwrap_or_else(|| serde_json::to_value(record).unwrap_or(Value::Null));
        if let Some(map) = lp_event.as_object_mut() {
            map.insert(
                "conversationContext".into(),
                json!({"skillId": skill_id, "type": "MESSAGING"}),
            );
        }
        ctx = ctx.with_lp_event(lp_event);
    }
    ctx
}

/// Whether a history record's `event` is the event we published: same type
/// and same message, content and quick replies.
pub(crate) fn same_event(recorded: Option<&Value>, sent: &Value) -> bool {
    let Some(recorded) = recorded else {
        return false;
    };
    ["type", "message", "content", "quickReplies"]
        .iter()
        .all(|key| recorded.get(key) == sent.get(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(type_name: &str, role: Option<&str>) -> Notification {
        let mut body = json!({"sequence": 3, "dialogId": "c1", "event": {"type": "ContentEvent", "message": "hi"}});
        if let Some(role) = role {
            body["originatorMetadata"] = json!({"id": "x", "role": role});
        }
        Notification::new(type_name, body)
    }

    #[test]
    fn only_records_from_someone_else_than_the_consumer_are_echoes() {
        let live = ".ams.ms.OnlineEventDistribution";
        assert!(is_echo(&record(live, Some("ASSIGNED_AGENT"))));
        assert!(is_echo(&record(
            "ms.OnlineEventDistribution",
            Some("ASSIGNED_AGENT")
        )));
        assert!(!is_echo(&record(live, Some("CONSUMER"))));
        // A role this crate does not know is not the consumer either, as
        // for decoded records; a missing one is decoded as usual.
        assert!(is_echo(&record(live, Some("NOT_A_ROLE"))));
        assert!(!is_echo(&record(live, None)));
        assert!(!is_echo(&record(
            ".ams.ms.MessagingEventNotification",
            Some("ASSIGNED_AGENT")
        )));
    }
}
