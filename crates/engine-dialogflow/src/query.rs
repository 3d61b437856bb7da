//! What the engine sends Dialogflow for an inbound event, as LivePerson's
//! connectors do: the consumer's text, or an event for the welcome and for
//! texts over the length limit; plus the `{lpEvent, lpSdes}` payload.

use connector_core::{EventKind, InboundEvent};
use serde_json::Value;

/// The event sent when the bot receives a conversation.
pub const WELCOME_EVENT: &str = "WELCOME";
/// The event sent instead of a text longer than the configured limit.
pub const CHAR_LIMIT_EVENT: &str = "DIALOGFLOW_CHAR_LIMIT";

/// The query input of one turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Query<'a> {
    /// A text (the consumer's words, or LivePerson's file/rich-content identifier).
    Text(&'a str),
    /// A Dialogflow event.
    Event(&'static str),
}

/// The query for `kind`, or `None` when Dialogflow is not told (the close event).
pub(crate) fn query(kind: &EventKind, char_limit: usize) -> Option<Query<'_>> {
    match kind {
        EventKind::ConversationStarted { .. } => Some(Query::Event(WELCOME_EVENT)),
        EventKind::ConversationClosed => None,
        other => {
            let text = other.utterance()?;
            Some(if text.chars().count() > char_limit {
                Query::Event(CHAR_LIMIT_EVENT)
            } else {
                Query::Text(text)
            })
        }
    }
}

/// The `{"lpEvent": ..., "lpSdes": ...}` object for `queryParams.payload`.
///
/// On a welcome event two markers are added to `lpEvent` when the channel did
/// not set them: `lastConsumerMessage` (the consumer's last message before a
/// transfer, as LivePerson documents for CX) and `contentType: "welcome"`.
/// The spec is in conflict about the welcome marker (`content` in the
/// Functions example, `contentType` in the CX example); the CX example is the
/// Dialogflow one, so `contentType` is used.
pub(crate) fn lp_payload(event: &InboundEvent) -> Value {
    let mut context = event.context.lp_context();
    if let EventKind::ConversationStarted {
        last_consumer_message,
        ..
    } = &event.kind
        && let Some(lp_event) = context.get_mut("lpEvent")
    {
        if lp_event.is_null() {
            *lp_event = Value::Object(serde_json::Map::new());
        }
        if let Some(object) = lp_event.as_object_mut() {
            object
                .entry("contentType")
                .or_insert_with(|| Value::String("welcome".to_owned()));
            if let Some(last) = last_consumer_message {
                object
                    .entry("lastConsumerMessage")
                    .or_insert_with(|| Value::String(last.clone()));
            }
        }
    }
    context
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::{ChannelType, ConversationContext};
    use serde_json::json;

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let at_limit = EventKind::ConsumerText {
            text: "é".repeat(256),
            metadata: vec![],
        };
        assert!(matches!(query(&at_limit, 256), Some(Query::Text(_))));
        let over = EventKind::ConsumerText {
            text: "a".repeat(257),
            metadata: vec![],
        };
        assert_eq!(query(&over, 256), Some(Query::Event(CHAR_LIMIT_EVENT)));
        assert_eq!(query(&EventKind::ConversationClosed, 256), None);
    }

    #[test]
    fn welcome_markers_do_not_override_the_channel() {
        let ctx = ConversationContext::new("b".into(), "c".into(), ChannelType::Messaging)
            .with_lp_event(json!({"contentType": "text/plain", "dialogId": "d"}));
        let event = InboundEvent::new(
            ctx,
            EventKind::ConversationStarted {
                transferred: true,
                last_consumer_message: Some("my order?".into()),
            },
        );
        assert_eq!(
            lp_payload(&event),
            json!({"lpEvent": {"contentType": "text/plain", "dialogId": "d", "lastConsumerMessage": "my order?"}})
        );
    }
}
