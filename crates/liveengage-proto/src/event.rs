//! Messaging events: the `event` object of `PublishEvent`, of
//! `OnlineEventDistribution` and of history records.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::enums::{AcceptStatus, ChatState, ContentType};
use crate::tagged::{take_tag, variant, with_tag};

/// `{"type":"ContentEvent", …}`: text, or a hosted file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentEvent {
    /// `text/plain`, `hosted/file`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<ContentType>,
    /// A string for text; an object `{caption, relativePath, fileType, preview}` for files.
    pub message: Value,
    /// Optional quick replies (`{"type":"quickReplies","itemsPerRow":…,"replies":[…]}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_replies: Option<Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ContentEvent {
    /// A `text/plain` message.
    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            content_type: Some(ContentType::TextPlain),
            message: Value::String(text.into()),
            quick_replies: None,
            extra: Map::new(),
        }
    }

    /// The message text, when `message` is a string.
    #[must_use]
    pub fn as_text(&self) -> Option<&str> {
        self.message.as_str()
    }
}

/// `{"type":"RichContentEvent","content":{…}}`: structured content.
///
/// \[conflict\] The JSON schema says `message`, the SDK README and a real
/// payload say `content`; the spec recommends `content`, which is what this
/// type reads and writes (a `message` key is kept in `extra`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RichContentEvent {
    /// The json-pollock structured content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
    /// Optional quick replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_replies: Option<Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type":"AcceptStatusEvent","status":"READ","sequenceList":[8]}`: a receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AcceptStatusEvent {
    /// `ACCEPT`, `READ`, …
    pub status: AcceptStatus,
    /// The sequences acknowledged.
    #[serde(default)]
    pub sequence_list: Vec<i64>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type":"ChatStateEvent","chatState":"COMPOSING"}`: typing and presence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatStateEvent {
    /// The state.
    pub chat_state: ChatState,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A messaging event, tagged by its `type` key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `ContentEvent`.
    Content(ContentEvent),
    /// `RichContentEvent`.
    RichContent(RichContentEvent),
    /// `AcceptStatusEvent`.
    AcceptStatus(AcceptStatusEvent),
    /// `ChatStateEvent`.
    ChatState(ChatStateEvent),
    /// An event type this crate does not know, kept verbatim.
    Other(Value),
}

impl Event {
    /// A `text/plain` content event.
    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Self::Content(ContentEvent::text(text))
    }

    /// Whether the server gives this event a sequence number: everything
    /// but `ChatStateEvent` does.
    #[must_use]
    pub fn is_sequenced(&self) -> bool {
        !matches!(self, Self::ChatState(_))
    }

    /// The text of a `text/plain` content event.
    #[must_use]
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Content(content) => content.as_text(),
            _ => None,
        }
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = match self {
            Self::Content(e) => with_tag("type", "ContentEvent", e)?,
            Self::RichContent(e) => with_tag("type", "RichContentEvent", e)?,
            Self::AcceptStatus(e) => with_tag("type", "AcceptStatusEvent", e)?,
            Self::ChatState(e) => with_tag("type", "ChatStateEvent", e)?,
            Self::Other(v) => v.clone(),
        };
        value.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let Value::Object(mut map) = value else {
            return Err(serde::de::Error::custom("an event must be a JSON object"));
        };
        let tag = take_tag(&mut map, "type");
        Ok(match tag.as_deref() {
            Some("ContentEvent") => Self::Content(variant(map)?),
            Some("RichContentEvent") => Self::RichContent(variant(map)?),
            Some("AcceptStatusEvent") => Self::AcceptStatus(variant(map)?),
            Some("ChatStateEvent") => Self::ChatState(variant(map)?),
            _ => {
                if let Some(tag) = tag {
                    map.insert("type".into(), Value::String(tag));
                }
                Self::Other(Value::Object(map))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_event_type_is_kept() {
        let raw = json!({"type":"HologramEvent","depth":3});
        let event: Event = serde_json::from_value(raw.clone()).unwrap();
        assert!(matches!(event, Event::Other(_)));
        assert_eq!(serde_json::to_value(&event).unwrap(), raw);
    }

    #[test]
    fn text_event_shape() {
        let v = serde_json::to_value(Event::text("hi")).unwrap();
        assert_eq!(
            v,
            json!({"type":"ContentEvent","contentType":"text/plain","message":"hi"})
        );
        assert!(Event::text("x").is_sequenced());
    }
}
