//! What the engine sends Watson for an event: the input text and the
//! LivePerson context variables (`convId`, `lpEvent`, `lpSdes`).

use connector_core::{EventKind, InboundEvent};
use serde_json::{Map, Value};

use crate::parse::{OfferedChoice, resolve_answer};

/// The Watson input text for an event; `None` for the close event.
///
/// - Consumer text: newline, tab and carriage-return characters removed, as
///   LivePerson does (Watson rejects them). Each run of them becomes one space
///   rather than nothing, so words on two lines do not merge **[inferred]**:
///   LivePerson says "stripped" without saying what replaces them. On chat, an
///   answer to a list the bot offered (its number or label) becomes that
///   option's input.
/// - File and rich content: LivePerson's identifier strings.
/// - Welcome: the empty text, which triggers Watson's `welcome` node on the
///   first turn **[inferred]**, as LivePerson's templates expect.
pub(crate) fn input_text(kind: &EventKind, offered: &[OfferedChoice]) -> Option<String> {
    match kind {
        EventKind::ConversationStarted { .. } => Some(String::new()),
        EventKind::ConversationClosed => None,
        other => {
            let utterance = other.utterance()?;
            let cleaned = strip_control(utterance);
            Some(resolve_answer(&cleaned, offered).to_owned())
        }
    }
}

/// `text` without `\n`, `\t`, `\r`: each run becomes one space; trimmed.
pub(crate) fn strip_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if matches!(c, '\n' | '\t' | '\r') {
            in_run = true;
        } else {
            if in_run && !out.is_empty() {
                out.push(' ');
            }
            in_run = false;
            out.push(c);
        }
    }
    out.trim().to_owned()
}

/// `convId`, `lpEvent` and (when collected) `lpSdes`, as LivePerson puts them
/// into the Watson context. On a welcome after a transfer the consumer's last
/// message is added to `lpEvent.lastConsumerMessage` if the channel did not.
pub(crate) fn lp_variables(event: &InboundEvent) -> Map<String, Value> {
    let mut vars = Map::new();
    vars.insert(
        "convId".into(),
        Value::String(event.context.conversation_id.as_str().to_owned()),
    );
    if let Value::Object(lp) = event.context.lp_context() {
        vars.extend(lp);
    }
    if let EventKind::ConversationStarted {
        last_consumer_message: Some(last),
        ..
    } = &event.kind
    {
        let lp_event = vars.entry("lpEvent").or_insert(Value::Null);
        if lp_event.is_null() {
            *lp_event = Value::Object(Map::new());
        }
        if let Value::Object(map) = lp_event {
            map.entry("lastConsumerMessage")
                .or_insert_with(|| Value::String(last.clone()));
        }
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::{
        ChannelType, ConversationContext, EngagementAttributes, SEND_FILE_IDENTIFIER,
    };
    use serde_json::json;

    #[test]
    fn control_characters_are_stripped() {
        assert_eq!(
            strip_control("I want\r\nto talk\tto a human\n"),
            "I want to talk to a human"
        );
        assert_eq!(strip_control("\n\nhi"), "hi");
        assert_eq!(strip_control("plain"), "plain");
    }

    #[test]
    fn inputs_per_event_kind() {
        let welcome = EventKind::ConversationStarted {
            transferred: false,
            last_consumer_message: None,
        };
        assert_eq!(input_text(&welcome, &[]).as_deref(), Some(""));
        let file = EventKind::ConsumerFile {
            file: json!({"relativePath": "/x.png"}),
        };
        assert_eq!(
            input_text(&file, &[]).as_deref(),
            Some(SEND_FILE_IDENTIFIER)
        );
        let rich = EventKind::ConsumerRichContent {
            content: json!({"type": "vertical", "elements": [{"type": "map", "la": 49.8, "lo": 2.0}]}),
        };
        assert_eq!(
            input_text(&rich, &[]).as_deref(),
            Some(connector_core::SEND_RICH_CONTENT_IDENTIFIER)
        );
        assert_eq!(input_text(&EventKind::ConversationClosed, &[]), None);
    }

    #[test]
    fn lp_variables_hold_conv_id_event_sdes_and_last_message() {
        let ctx = ConversationContext::new("bot".into(), "conv-9".into(), ChannelType::Messaging)
            .with_lp_event(json!({"type": "welcome"}))
            .with_sdes(EngagementAttributes {
                unauthenticated_sdes: json!({"customerInfo": {}}),
                authenticated_sdes: serde_json::Value::Null,
            });
        let event = InboundEvent::new(
            ctx,
            EventKind::ConversationStarted {
                transferred: true,
                last_consumer_message: Some("my bill".into()),
            },
        );
        assert_eq!(
            Value::Object(lp_variables(&event)),
            json!({
                "convId": "conv-9",
                "lpEvent": {"type": "welcome", "lastConsumerMessage": "my bill"},
                "lpSdes": {"unauthenticatedSdes": {"customerInfo": {}}}
            })
        );
    }
}
