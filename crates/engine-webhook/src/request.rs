//! The request bodies of the contract: create conversation and events.

use connector_core::{ConversationContext, EventKind};
use serde_json::{Map, Value, json};

/// `PUT .../conversations/{id}`: `{"sdes": {...}, "context": {...}}`.
///
/// `context` starts from `lpEvent.conversationContext` (skillId, campaignId,
/// engagementId, visitor, ...), then sets `type` from the channel and `skillId`
/// from the conversation's skill. The schema says `skillId` is a number, the
/// documented example sends a string ([conflict]); we send a number when the
/// id is numeric. `sdes` is `{}` when the bot collects no engagement attributes.
pub(crate) fn create_conversation(context: &ConversationContext) -> Value {
    let mut ctx = context
        .lp_event
        .get("conversationContext")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    ctx.insert(
        "type".into(),
        Value::String(context.channel.as_str().to_owned()),
    );
    if let Some(skill) = &context.skill {
        let id = skill.id.as_str();
        let value = id
            .parse::<u64>()
            .map_or_else(|_| Value::String(id.to_owned()), Value::from);
        ctx.insert("skillId".into(), value);
    } else if let Some(Value::String(id)) = ctx.get("skillId").cloned()
        && let Ok(n) = id.parse::<u64>()
    {
        ctx.insert("skillId".into(), Value::from(n));
    }
    let sdes = context
        .sdes
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
        .unwrap_or_else(|| json!({}));
    json!({"sdes": sdes, "context": Value::Object(ctx)})
}

/// `POST .../events`: `{"type", "source", "data", "context": {"lpEvent"}}`.
///
/// Types: `START` (welcome), `TEXT`, `RICH_CONTENT`, `hosted-file` (a file;
/// the OpenAPI type, which LivePerson's reference service does not handle:
/// [conflict]) and `CLOSE_CONVERSATION`.
pub(crate) fn event(context: &ConversationContext, kind: &EventKind) -> Option<Value> {
    let mut lp_event = context.lp_event.clone();
    let (kind, source, data) = match kind {
        EventKind::ConversationStarted {
            last_consumer_message,
            ..
        } => {
            if let Some(last) = last_consumer_message {
                if !lp_event.is_object() {
                    lp_event = Value::Object(Map::new());
                }
                if let Some(map) = lp_event.as_object_mut() {
                    map.entry("lastConsumerMessage")
                        .or_insert_with(|| Value::String(last.clone()));
                }
            }
            ("START", "CONVERSATION", json!({}))
        }
        EventKind::ConsumerText { text, .. } => ("TEXT", "CONSUMER", json!({"message": text})),
        EventKind::ConsumerRichContent { content } => {
            ("RICH_CONTENT", "CONSUMER", json!({"content": content}))
        }
        EventKind::ConsumerFile { file } => ("hosted-file", "CONSUMER", file_data(file)),
        EventKind::ConversationClosed => ("CLOSE_CONVERSATION", "CONVERSATION", json!({})),
        _ => return None,
    };
    Some(json!({"type": kind, "source": source, "data": data, "context": {"lpEvent": lp_event}}))
}

/// `HostedFileChange.data`: `relativePath` and `fileType` (required),
/// `caption` and `preview`, taken from the raw file event.
fn file_data(file: &Value) -> Value {
    let mut data = Map::new();
    for key in ["relativePath", "fileType", "caption", "preview"] {
        if let Some(value) = file.get(key).filter(|v| !v.is_null()) {
            data.insert(key.into(), value.clone());
        }
    }
    Value::Object(data)
}

#[cfg(test)]
mod tests {
    use connector_core::{ChannelType, Skill};

    use super::*;

    #[test]
    fn create_body_takes_the_conversation_context() {
        let ctx = ConversationContext::new("b".into(), "c".into(), ChannelType::Messaging)
            .with_skill(Skill { id: "1234567".into(), name: None })
            .with_lp_event(json!({"conversationContext": {"skillId": "1", "engagementId": 123498765, "campaignId": 987665546,
                                  "visitor": {"sharkVisitorId": "ABC"}, "type": "MESSAGING"}}));
        assert_eq!(
            create_conversation(&ctx),
            json!({"sdes": {}, "context": {"skillId": 1234567, "engagementId": 123498765, "campaignId": 987665546,
                   "visitor": {"sharkVisitorId": "ABC"}, "type": "MESSAGING"}})
        );
    }

    #[test]
    fn file_events_use_the_hosted_file_type() {
        let ctx = ConversationContext::new("b".into(), "c".into(), ChannelType::Messaging);
        let body = event(
            &ctx,
            &EventKind::ConsumerFile {
                file: json!({"relativePath": "/x.png", "fileType": "PNG", "caption": null}),
            },
        )
        .unwrap();
        assert_eq!(body["type"], "hosted-file");
        assert_eq!(
            body["data"],
            json!({"relativePath": "/x.png", "fileType": "PNG"})
        );
    }
}
