//! Lex messages (V2 `messages[]`, V1 `message` + `messageFormat` +
//! `responseCard`) turned into a [`BotReply`].

use connector_core::{BotReply, EngineError};
use serde::Deserialize;

use crate::card::{self, Card};
use crate::error::codes;
use crate::payload::{self, Item};

/// One Lex message, whatever the API version.
#[derive(Debug)]
pub(crate) enum LexMessage {
    PlainText(String),
    CustomPayload(String),
    Cards(Vec<Card>),
    Unsupported(String),
}

/// V1 `messageFormat=Composite`: a JSON string of message groups
/// `{"messages":[{"type":"PlainText","group":1,"value":"..."}]}`.
#[derive(Deserialize)]
struct Composite {
    messages: Vec<CompositeMessage>,
}

#[derive(Deserialize)]
struct CompositeMessage {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    group: i64,
    #[serde(default)]
    value: String,
}

/// The messages of a V1 `Composite` message, in group order.
///
/// LivePerson's page says Composite is rejected
/// (`composite-format-not-supported`) but also shows message groups working
/// ([conflict] in the spec). We read the groups when the JSON has the shape
/// above (its inner shape is [inferred] from Lex's docs) and report
/// LivePerson's code when it does not.
pub(crate) fn composite(raw: &str) -> Result<Vec<LexMessage>, EngineError> {
    let mut parsed: Composite =
        serde_json::from_str(raw).map_err(|e| EngineError::InvalidResponse {
            code: codes::COMPOSITE_FORMAT_NOT_SUPPORTED,
            message: format!(
                "a Composite message is not the message-group JSON ({})",
                crate::upstream::json_problem(&e)
            ),
            body: raw.to_owned(),
        })?;
    parsed.messages.sort_by_key(|m| m.group);
    Ok(parsed
        .messages
        .into_iter()
        .map(|m| match m.kind.as_str() {
            "PlainText" => LexMessage::PlainText(m.value),
            "CustomPayload" => LexMessage::CustomPayload(m.value),
            other => LexMessage::Unsupported(other.to_owned()),
        })
        .collect())
}

/// The reply made of `messages`, in order.
pub(crate) fn to_reply(messages: Vec<LexMessage>) -> Result<BotReply, EngineError> {
    let mut reply = BotReply::new();
    for message in messages {
        match message {
            LexMessage::PlainText(text) => {
                if !text.trim().is_empty() {
                    reply = reply.with_text(text);
                }
            }
            LexMessage::CustomPayload(raw) => match payload::parse(&raw) {
                Ok(Item::Output(output)) => reply = reply.with_output(output),
                Ok(Item::Action(action)) => reply = reply.with_action(action),
                Err(e) => return Err(payload::to_engine_error(e, &raw)),
            },
            LexMessage::Cards(cards) => match card::to_output(&cards) {
                Ok(Some(output)) => reply = reply.with_output(output),
                Ok(None) => {}
                Err(message) => {
                    return Err(EngineError::InvalidResponse {
                        code: codes::PARSER_CRASHED,
                        message,
                        body: String::new(),
                    });
                }
            },
            LexMessage::Unsupported(kind) => {
                return Err(EngineError::InvalidResponse {
                    code: codes::MESSAGE_FORMAT_NOT_SUPPORTED,
                    message: format!(
                        "Lex sent a `{kind}` message; use PlainText, CustomPayload or ImageResponseCard messages"
                    ),
                    body: String::new(),
                });
            }
        }
    }
    Ok(reply)
}

/// The error for a failed intent: Lex gave up after its maximum number of
/// retries. `said` is what Lex would have told the consumer.
pub(crate) fn dialog_failed(intent: Option<&str>, said: &[LexMessage]) -> EngineError {
    let said: Vec<&str> = said
        .iter()
        .filter_map(|m| match m {
            LexMessage::PlainText(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    EngineError::permanent(
        codes::DIALOG_FAILED,
        format!(
            "the Lex intent `{}` failed (maximum number of retries reached); escalating. Lex said: {:?}",
            intent.unwrap_or("(none)"),
            said
        ),
    )
}

#[cfg(test)]
mod tests {
    use connector_core::{Action, Output};

    use super::*;

    #[test]
    fn composite_groups_are_read_in_group_order() {
        let raw = r#"{"messages":[
            {"type":"CustomPayload","group":2,"value":"{\"type\":\"ACTION\",\"params\":{\"action\":\"CLOSE_CONVERSATION\"}}"},
            {"type":"PlainText","group":1,"value":"Bye!"}]}"#;
        let reply = to_reply(composite(raw).unwrap()).unwrap();
        assert_eq!(reply.outputs, [Output::text("Bye!")]);
        assert_eq!(reply.actions, [Action::close()]);
    }

    #[test]
    fn unreadable_composite_has_liveperson_code() {
        let err = composite("Bye!").unwrap_err();
        assert_eq!(err.code(), &codes::COMPOSITE_FORMAT_NOT_SUPPORTED);
    }

    #[test]
    fn ssml_is_not_supported() {
        let err = to_reply(vec![LexMessage::Unsupported("SSML".into())]).unwrap_err();
        assert_eq!(err.code(), &codes::MESSAGE_FORMAT_NOT_SUPPORTED);
        assert!(err.to_string().contains("`SSML`"), "{err}");
    }
}
