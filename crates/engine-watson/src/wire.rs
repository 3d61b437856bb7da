//! Watson's message response, hand-written and tolerant: unknown fields are
//! ignored, `null` reads as absent, every `output.generic` item is kept as raw
//! JSON next to its `response_type`, so new response types never fail a turn.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `null` or absent → `T::default()`.
fn nullable<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// A v1 `MessageResponse` or a v2 (stateful or stateless) message response.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MessageResponse {
    /// What the assistant says.
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) output: MessageOutput,
    /// v1: the context to send back; v2: returned with `return_context` or stateless.
    #[serde(default)]
    pub(crate) context: Option<Value>,
    /// v1: actions are at the top level.
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) actions: Vec<Value>,
}

/// `output` of a message response.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MessageOutput {
    /// The response items; `None` when the field is absent (old v1 answers).
    #[serde(default)]
    pub(crate) generic: Option<Vec<Generic>>,
    /// v1's legacy `text`: an array of strings, or LivePerson's documented
    /// `{"values":[...],"selection_policy":...}` object.
    #[serde(default)]
    pub(crate) text: Option<Value>,
    /// v2: actions are in `output`.
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) actions: Vec<Value>,
}

/// One `output.generic[]` item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Generic {
    /// `text`, `option`, `pause`, ... (empty when missing).
    pub(crate) response_type: String,
    /// The integrations the item is meant for (`channels[].channel`); empty = all.
    pub(crate) channels: Vec<String>,
    /// The whole item.
    pub(crate) raw: Value,
}

impl<'de> Deserialize<'de> for Generic {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(d)?;
        let response_type = raw
            .get("response_type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let channels = raw
            .get("channels")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|c| c.get("channel").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            response_type,
            channels,
            raw,
        })
    }
}

/// `response_type: text`: `text`, or the dialog-editor form `values` + `selection_policy`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TextItem {
    #[serde(default)]
    pub(crate) text: Option<Value>,
    #[serde(default)]
    pub(crate) values: Option<Vec<Value>>,
    #[serde(default)]
    pub(crate) selection_policy: Option<String>,
}

/// `response_type: option` (and, with `suggestions`, `suggestion`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct OptionItem {
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) options: Vec<Choice>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) suggestions: Vec<Choice>,
}

/// One option or suggestion: a label and the input it sends back.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Choice {
    #[serde(default)]
    pub(crate) label: Option<String>,
    #[serde(default)]
    pub(crate) value: Option<Value>,
}

/// `response_type: pause`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PauseItem {
    #[serde(default)]
    pub(crate) time: Option<Value>,
    #[serde(default)]
    pub(crate) typing: Option<bool>,
}

/// `response_type: image`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ImageItem {
    #[serde(default)]
    pub(crate) source: Option<String>,
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) alt_text: Option<String>,
}

/// `response_type: search` (Watson Discovery answers).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchItem {
    #[serde(default)]
    pub(crate) header: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub(crate) primary_results: Vec<SearchResult>,
}

/// One Discovery result.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchResult {
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) body: Option<String>,
    #[serde(default)]
    pub(crate) url: Option<String>,
}

/// `response_type: user_defined`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct UserDefinedItem {
    #[serde(default)]
    pub(crate) user_defined: Value,
}

/// `POST .../sessions` answer.
#[derive(Debug, Deserialize)]
pub(crate) struct SessionResponse {
    pub(crate) session_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_types_fields_and_nulls_are_tolerated() {
        let body = json!({
            "output": {
                "generic": [
                    {"response_type": "text", "text": "Hello!", "channels": [{"channel": "chat"}]},
                    {"response_type": "carousel_3d", "frames": 3},
                    {"text": "no type"}
                ],
                "actions": null,
                "brand_new": {"x": 1}
            },
            "context": {"global": {}},
            "actions": null,
            "masked_output": {}
        });
        let parsed: MessageResponse = serde_json::from_value(body).unwrap();
        let generic = parsed.output.generic.unwrap();
        assert_eq!(generic[0].response_type, "text");
        assert_eq!(generic[0].channels, ["chat"]);
        assert_eq!(generic[1].response_type, "carousel_3d");
        assert_eq!(generic[1].raw["frames"], 3);
        assert_eq!(generic[2].response_type, "");
        assert!(parsed.actions.is_empty());
        assert_eq!(parsed.context, Some(json!({"global": {}})));
    }
}
