//! LivePerson's Lex custom payloads ("Custom Markup"), one JSON object per
//! message:
//!
//! | Payload | Becomes |
//! |---|---|
//! | `{"type":"ACTION","params":{"action":"TRANSFER","data":{...}}}` | an action |
//! | `{"structuredContent":{...},"metadata":[...],"encodedMetadata":"..."}` | structured content |
//! | `{"structuredContent":{"quickReplies":{...},"message":"..."},"metadata":[...]}` | quick replies |
//! | `{"delay":8,"typing":false}` | a pause (seconds; typing defaults to true) |
//! | `{"messageAudience":"AGENTS_AND_MANAGERS","text":"..."}` | a private text |
//! | `{"textResponse":"...","encodedMetadata":"..."}` | a text with encoded metadata |
//!
//! Anything else is an error with LivePerson's code, as LivePerson's Lex
//! connector reports it.

use std::time::Duration;

use connector_core::rich::StructuredContent;
use connector_core::{Action, EngineError, ErrorCode, Output};
use serde_json::{Map, Value};

use crate::action;
use crate::error::codes;

/// What one custom payload contributes to the reply.
#[derive(Debug, PartialEq)]
pub(crate) enum Item {
    Output(Output),
    Action(Action),
}

/// A payload error: its code and what is wrong.
pub(crate) type PayloadError = (ErrorCode, String);

/// Reads the custom payload `raw` (the message's `content` string).
pub(crate) fn parse(raw: &str) -> Result<Item, PayloadError> {
    let malformed = |m: String| (codes::CUSTOM_PAYLOAD_MALFORMED, m);
    let value: Value = serde_json::from_str(raw)
        .map_err(|e| malformed(format!("the custom payload is not JSON ({e})")))?;
    let Value::Object(payload) = value else {
        return Err(malformed("the custom payload must be a JSON object".into()));
    };
    if let Some(kind) = payload.get("type") {
        if kind.as_str() != Some("ACTION") {
            return Err((
                codes::CUSTOM_PAYLOAD_TYPE_NOT_SUPPORTED,
                format!(
                    "custom payload `type` {kind} is not supported; the only type is \"ACTION\""
                ),
            ));
        }
        return action_payload(&payload);
    }
    let output = if let Some(content) = payload.get("structuredContent") {
        structured(content, &payload)
    } else if let Some(seconds) = payload.get("delay") {
        delay(seconds, payload.get("typing"))
    } else if let Some(audience) = payload.get("messageAudience") {
        private_text(audience, payload.get("text"))
    } else if let Some(text) = payload.get("textResponse") {
        text_with_metadata(text, &payload)
    } else {
        return Err((
            codes::CUSTOM_PAYLOAD_TYPE_NOT_SUPPORTED,
            "the custom payload is none of LivePerson's shapes (ACTION, structuredContent, delay, messageAudience, textResponse)".into(),
        ));
    };
    output.map(Item::Output).map_err(malformed)
}

fn action_payload(payload: &Map<String, Value>) -> Result<Item, PayloadError> {
    let Some(params) = payload.get("params").and_then(Value::as_object) else {
        return Err((
            codes::CUSTOM_PAYLOAD_NO_PARAMS,
            "an ACTION payload needs an object `params` with `action` and `data`".into(),
        ));
    };
    let malformed = |m: String| (codes::CUSTOM_PAYLOAD_MALFORMED, m);
    let name = params
        .get("action")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("an ACTION payload needs a string `params.action`".into()))?;
    let data = match params.get("data") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(data)) => data.clone(),
        Some(other) => {
            return Err(malformed(format!(
                "`params.data` must be an object, not {other}"
            )));
        }
    };
    action::parse(name, &data)
        .map(Item::Action)
        .map_err(malformed)
}

fn metadata(payload: &Map<String, Value>) -> Result<Vec<Value>, String> {
    match payload.get("metadata") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items.clone()),
        Some(other) => Err(format!(
            "`metadata` must be an array such as [{{\"type\":\"ExternalId\",\"id\":\"...\"}}], not {other}"
        )),
    }
}

fn encoded(payload: &Map<String, Value>) -> Result<Option<String>, String> {
    match payload.get("encodedMetadata") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "`encodedMetadata` must be a base64 string, not {other}"
        )),
    }
}

fn structured(content: &Value, payload: &Map<String, Value>) -> Result<Output, String> {
    let metadata = metadata(payload)?;
    let mut output = match (content.get("quickReplies"), content.get("message")) {
        (Some(replies), Some(message)) => {
            let message = message
                .as_str()
                .ok_or("quick replies need a string `message`")?;
            Output::quick_replies_raw(message, replies.clone())
        }
        _ => {
            Output::structured(StructuredContent::raw(content.clone()).map_err(|e| e.to_string())?)
        }
    };
    for item in metadata {
        output = output.with_metadata(item);
    }
    if let Some(encoded) = encoded(payload)? {
        output = output.with_encoded_metadata(encoded);
    }
    Ok(output)
}

fn delay(seconds: &Value, typing: Option<&Value>) -> Result<Output, String> {
    let bad = || format!("`delay` must be a number of seconds, not {seconds}");
    let secs = match seconds {
        Value::Number(n) => n.as_f64().ok_or_else(bad)?,
        Value::String(s) => s.trim().parse::<f64>().map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    let duration = Duration::try_from_secs_f64(secs).map_err(|_| bad())?;
    let typing = match typing {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(format!("`typing` must be true or false, not {other}")),
    };
    Ok(Output::delay(duration, typing))
}

fn private_text(audience: &Value, text: Option<&Value>) -> Result<Output, String> {
    if audience.as_str() != Some("AGENTS_AND_MANAGERS") {
        return Err(format!(
            "`messageAudience` is {audience}; the only value is \"AGENTS_AND_MANAGERS\" (case sensitive)"
        ));
    }
    match text.and_then(Value::as_str) {
        Some(t) if !t.trim().is_empty() => Ok(Output::private_text(t)),
        _ => Err("a private text needs a non-empty string `text`".to_owned()),
    }
}

fn text_with_metadata(text: &Value, payload: &Map<String, Value>) -> Result<Output, String> {
    let text = text
        .as_str()
        .filter(|t| !t.trim().is_empty())
        .ok_or("`textResponse` must be a non-empty string")?;
    let mut output = Output::text(text);
    for item in metadata(payload)? {
        output = output.with_metadata(item);
    }
    if let Some(encoded) = encoded(payload)? {
        output = output.with_encoded_metadata(encoded);
    }
    Ok(output)
}

/// The engine error for a payload error; the raw payload is kept for the log.
pub(crate) fn to_engine_error((code, message): PayloadError, raw: &str) -> EngineError {
    EngineError::InvalidResponse {
        code,
        message,
        body: raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_errors_carry_liveperson_codes() {
        assert_eq!(
            parse("{not json").unwrap_err().0,
            codes::CUSTOM_PAYLOAD_MALFORMED
        );
        assert_eq!(parse("[1]").unwrap_err().0, codes::CUSTOM_PAYLOAD_MALFORMED);
        assert_eq!(
            parse(r#"{"type":"ACTION"}"#).unwrap_err().0,
            codes::CUSTOM_PAYLOAD_NO_PARAMS
        );
        assert_eq!(
            parse(r#"{"type":"CAROUSEL"}"#).unwrap_err().0,
            codes::CUSTOM_PAYLOAD_TYPE_NOT_SUPPORTED
        );
        assert_eq!(
            parse(r#"{"hello":"world"}"#).unwrap_err().0,
            codes::CUSTOM_PAYLOAD_TYPE_NOT_SUPPORTED
        );
        let (code, message) = parse(r#"{"delay":-2}"#).unwrap_err();
        assert_eq!(code, codes::CUSTOM_PAYLOAD_MALFORMED);
        assert!(message.contains("`delay`"), "{message}");
    }

    #[test]
    fn delay_defaults_to_typing() {
        assert_eq!(
            parse(r#"{"delay":"2.5"}"#),
            Ok(Item::Output(Output::delay(
                Duration::from_millis(2500),
                true
            )))
        );
    }
}
