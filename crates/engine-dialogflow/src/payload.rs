//! LivePerson's custom-payload conventions, shared by V1, ES and CX:
//!
//! | Payload | Becomes |
//! |---|---|
//! | `{"structuredContent": {...}, "metadata": [...], "encodedMetadata": "..."}` | structured content |
//! | `{"structuredContent": {"quickReplies": {...}, "message": "..."}, "metadata": [...]}` | quick replies |
//! | `{"delay": 8, "typing": false}` | a pause (seconds; typing defaults to true) |
//! | `{"messageAudience": "AGENTS_AND_MANAGERS", "text": "..."}` | a private text |
//! | `{"textResponse": "...", "encodedMetadata": "..."}` | a text with encoded metadata |
//! | `{"action": {"name": "...", "parameters": {...}}}` (CX only) | an action |
//!
//! Any other payload (e.g. `richContent` for Dialogflow Messenger) is meant for
//! another integration and is skipped, as LivePerson skips it.

use std::time::Duration;

use connector_core::rich::StructuredContent;
use connector_core::{Action, Output};
use serde_json::{Map, Value};

use crate::action;

/// What one payload contributes to the reply.
#[derive(Debug, PartialEq)]
pub(crate) enum Item {
    Output(Output),
    Action(Action),
}

/// The private-text audience; LivePerson requires this exact, case-sensitive value.
const AGENTS_AND_MANAGERS: &str = "AGENTS_AND_MANAGERS";

/// Reads one custom payload. `actions` enables the CX action payloads.
/// `Ok(None)` for a payload that is not one of LivePerson's shapes, or an
/// action name LivePerson does not know.
pub(crate) fn parse(payload: &Map<String, Value>, actions: bool) -> Result<Option<Item>, String> {
    if actions {
        if let Some(body) = payload.get("action") {
            return cx_action(body);
        }
        if payload.get("type").and_then(Value::as_str) == Some("ACTION") {
            return lex_style_action(payload);
        }
    }
    if let Some(content) = payload.get("structuredContent") {
        return structured(content, payload).map(|o| Some(Item::Output(o)));
    }
    if let Some(seconds) = payload.get("delay") {
        return delay(seconds, payload.get("typing")).map(|o| Some(Item::Output(o)));
    }
    if let Some(audience) = payload.get("messageAudience") {
        return private_text(audience, payload.get("text")).map(|o| Some(Item::Output(o)));
    }
    if let Some(text) = payload.get("textResponse") {
        return text_with_metadata(text, payload).map(|o| Some(Item::Output(o)));
    }
    Ok(None)
}

fn cx_action(body: &Value) -> Result<Option<Item>, String> {
    let Some(body) = body.as_object() else {
        return Err("`action` must be an object {\"name\": ..., \"parameters\": {...}}".to_owned());
    };
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| "the action has no string `name`".to_owned())?;
    let params = parameters(body.get("parameters"))?;
    Ok(action::parse(name, &params)?.map(Item::Action))
}

/// `{"type":"ACTION","params":{"action":"TRANSFER","data":{...}}}`: the form
/// found in LivePerson's CX template export. The spec leaves open whether the
/// CX connector reads it ([gap]); reading it costs nothing and serves bots
/// built from that template.
fn lex_style_action(payload: &Map<String, Value>) -> Result<Option<Item>, String> {
    let params = payload
        .get("params")
        .and_then(Value::as_object)
        .ok_or_else(|| "an ACTION payload needs an object `params`".to_owned())?;
    let name = params
        .get("action")
        .and_then(Value::as_str)
        .ok_or_else(|| "an ACTION payload needs a string `params.action`".to_owned())?;
    let data = parameters(params.get("data"))?;
    Ok(action::parse(name, &data)?.map(Item::Action))
}

fn parameters(value: Option<&Value>) -> Result<Map<String, Value>, String> {
    match value {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(other) => Err(format!("action parameters must be an object, not {other}")),
    }
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

fn encoded_metadata(payload: &Map<String, Value>) -> Result<Option<String>, String> {
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
    if let (Some(replies), Some(message)) = (content.get("quickReplies"), content.get("message")) {
        let message = message
            .as_str()
            .ok_or_else(|| "quick replies need a string `message`".to_owned())?;
        let mut output = Output::quick_replies_raw(message, replies.clone());
        for item in metadata {
            output = output.with_metadata(item);
        }
        return Ok(output);
    }
    let content = StructuredContent::raw(content.clone()).map_err(|e| e.to_string())?;
    let mut output = Output::structured(content);
    for item in metadata {
        output = output.with_metadata(item);
    }
    if let Some(encoded) = encoded_metadata(payload)? {
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
    if audience.as_str() != Some(AGENTS_AND_MANAGERS) {
        return Err(format!(
            "`messageAudience` is {audience}; the only value is \"AGENTS_AND_MANAGERS\" (case sensitive)"
        ));
    }
    match text {
        Some(Value::String(t)) if !t.trim().is_empty() => Ok(Output::private_text(t.clone())),
        _ => Err("a private text needs a non-empty string `text`".to_owned()),
    }
}

fn text_with_metadata(text: &Value, payload: &Map<String, Value>) -> Result<Output, String> {
    let text = text
        .as_str()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| "`textResponse` must be a non-empty string".to_owned())?;
    let mut output = Output::text(text);
    for item in metadata(payload)? {
        output = output.with_metadata(item);
    }
    if let Some(encoded) = encoded_metadata(payload)? {
        output = output.with_encoded_metadata(encoded);
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn delay_defaults_to_typing_and_rejects_negative_seconds() {
        assert_eq!(
            parse(&map(json!({"delay": 8})), false),
            Ok(Some(Item::Output(Output::delay(
                Duration::from_secs(8),
                true
            ))))
        );
        let err = parse(&map(json!({"delay": -1})), false).unwrap_err();
        assert!(err.contains("`delay`"), "{err}");
    }

    #[test]
    fn actions_are_read_only_when_enabled() {
        let payload = map(json!({"action": {"name": "CLOSE_CONVERSATION"}}));
        assert_eq!(parse(&payload, false), Ok(None));
        assert_eq!(
            parse(&payload, true),
            Ok(Some(Item::Action(Action::close())))
        );
    }

    #[test]
    fn private_text_audience_is_case_sensitive() {
        let err = parse(
            &map(json!({"messageAudience": "agents_and_managers", "text": "x"})),
            false,
        )
        .unwrap_err();
        assert!(err.contains("case sensitive"), "{err}");
    }

    #[test]
    fn foreign_payloads_are_skipped() {
        assert_eq!(
            parse(&map(json!({"richContent": [[{"type": "info"}]]})), true),
            Ok(None)
        );
    }
}
