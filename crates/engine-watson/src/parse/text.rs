//! Text values: plain text, private text, and LivePerson's JSON forms carrying
//! structured content, quick replies, metadata and encoded metadata.

use connector_core::rich::StructuredContent;
use connector_core::{EngineError, Output};
use serde_json::{Map, Value};

use super::invalid;
use crate::error::codes;

/// LivePerson's audience value for private texts (case sensitive).
const AGENTS_AND_MANAGERS: &str = "AGENTS_AND_MANAGERS";

/// The keys that make a JSON object (or a JSON string in a text) a LivePerson
/// message rather than text that happens to look like JSON.
const LIVEPERSON_KEYS: [&str; 4] = [
    "structuredContent",
    "messageAudience",
    "encodedMetadata",
    "metadata",
];

/// The output for one text value: a string (plain, or a JSON object in
/// LivePerson's form, as IAM workspaces must write it) or an object
/// (`{"text","messageAudience"}`, `{"structuredContent","metadata","encodedMetadata"}`).
/// An empty string gives no output.
pub(crate) fn value_output(value: &Value) -> Result<Option<Output>, EngineError> {
    match value {
        Value::String(text) => match liveperson_json(text) {
            Some(object) => object_output(&object, value).map(Some),
            None if text.trim().is_empty() => Ok(None),
            None => Ok(Some(Output::text(text.as_str()))),
        },
        Value::Object(object) => object_output(object, value).map(Some),
        _ => Err(invalid(
            codes::UNDEFINED_TEXT,
            "a text value is neither a string nor an object",
            value,
        )),
    }
}

fn liveperson_json(text: &str) -> Option<Map<String, Value>> {
    let trimmed = text.trim();
    if !trimmed.starts_with('{') {
        return None;
    }
    match serde_json::from_str::<Value>(trimmed) {
        Ok(Value::Object(map)) if LIVEPERSON_KEYS.iter().any(|k| map.contains_key(*k)) => Some(map),
        _ => None,
    }
}

/// An object in LivePerson's message form.
pub(crate) fn object_output(
    object: &Map<String, Value>,
    raw: &Value,
) -> Result<Output, EngineError> {
    let output = if let Some(content) = object.get("structuredContent") {
        structured(content, raw)?
    } else {
        match object.get("text") {
            Some(Value::String(text)) if !text.trim().is_empty() => {
                match object.get("messageAudience").and_then(Value::as_str) {
                    Some(AGENTS_AND_MANAGERS) => Output::private_text(text.as_str()),
                    Some(other) => {
                        tracing::warn!(
                            audience = other,
                            "unknown messageAudience (LivePerson knows only AGENTS_AND_MANAGERS); sending a public text"
                        );
                        Output::text(text.as_str())
                    }
                    None => Output::text(text.as_str()),
                }
            }
            _ => {
                return Err(invalid(
                    codes::UNDEFINED_TEXT,
                    "a message object has neither `text` nor `structuredContent`",
                    raw,
                ));
            }
        }
    };
    Ok(with_metadata(output, object))
}

/// `structuredContent`: quick replies (`{"quickReplies":{...},"message":"..."}`)
/// or any json-pollock element.
fn structured(content: &Value, raw: &Value) -> Result<Output, EngineError> {
    if let Some(replies) = content.get("quickReplies") {
        let message = content
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Ok(Output::quick_replies_raw(message, replies.clone()));
    }
    StructuredContent::raw(content.clone())
        .map(Output::structured)
        .map_err(|e| {
            invalid(
                codes::UNDEFINED_STRUCTURED_CONTENT,
                &format!("`structuredContent` is not structured content: {e}"),
                raw,
            )
        })
}

fn with_metadata(mut output: Output, object: &Map<String, Value>) -> Output {
    if let Some(items) = object.get("metadata").and_then(Value::as_array) {
        for item in items {
            output = output.with_metadata(item.clone());
        }
    }
    if let Some(encoded) = object.get("encodedMetadata").and_then(Value::as_str) {
        if matches!(output, Output::QuickReplies(_)) {
            tracing::warn!(
                "encodedMetadata on quick replies is not carried; the quick replies are sent without it"
            );
        }
        output = output.with_encoded_metadata(encoded);
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::Audience;
    use serde_json::json;

    #[test]
    fn plain_private_and_json_texts() {
        assert_eq!(
            value_output(&json!("Hello")).unwrap(),
            Some(Output::text("Hello"))
        );
        assert_eq!(value_output(&json!("  ")).unwrap(), None);
        let private =
            json!({"text": "This is a private text", "messageAudience": "AGENTS_AND_MANAGERS"});
        let Some(Output::Text(t)) = value_output(&private).unwrap() else {
            panic!()
        };
        assert_eq!(t.audience, Audience::AgentsAndManagers);
        let in_text = json!(private.to_string());
        assert_eq!(
            value_output(&in_text).unwrap(),
            Some(Output::private_text("This is a private text"))
        );
        // JSON that is not LivePerson's form stays text.
        assert_eq!(
            value_output(&json!("{\"a\":1}")).unwrap(),
            Some(Output::text("{\"a\":1}"))
        );
    }

    #[test]
    fn structured_content_with_metadata_and_encoded_metadata() {
        let value = json!({
            "encodedMetadata": "ewoiaWQiOiAidGV4dCIKfQ==",
            "metadata": [{"id": "1234", "type": "ExternalId"}],
            "structuredContent": {"type": "text", "text": "product"}
        });
        let got = value_output(&json!(value.to_string())).unwrap().unwrap();
        let want = Output::structured(
            StructuredContent::raw(json!({"type": "text", "text": "product"})).unwrap(),
        )
        .with_metadata(json!({"id": "1234", "type": "ExternalId"}))
        .with_encoded_metadata("ewoiaWQiOiAidGV4dCIKfQ==");
        assert_eq!(got, want);
        let bad = json!({"structuredContent": {}});
        let err = value_output(&bad).unwrap_err();
        assert_eq!(err.code(), &codes::UNDEFINED_STRUCTURED_CONTENT);
        let nothing = json!({"metadata": []});
        assert_eq!(
            value_output(&nothing).unwrap_err().code(),
            &codes::UNDEFINED_TEXT
        );
    }
}
