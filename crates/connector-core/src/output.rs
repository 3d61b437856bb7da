//! Outputs: the messages of a bot reply, played in order.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::rich::{QuickReplies, RichContentError, StructuredContent};

/// Who sees a text message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Audience {
    /// Everyone in the conversation, consumer included.
    #[default]
    All,
    /// Only agents and managers: a private note (`AGENTS_AND_MANAGERS`).
    AgentsAndManagers,
}

/// A text message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TextMessage {
    /// The text.
    pub text: String,
    /// Who sees it.
    #[serde(default)]
    pub audience: Audience,
    /// Base64 metadata for the consumer's app (messaging only, at most 5,000 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoded_metadata: Option<String>,
    /// UMS metadata, e.g. `[{"type":"ExternalId","id":"..."}]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metadata: Vec<Value>,
}

/// A structured-content message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StructuredMessage {
    /// The content.
    pub content: StructuredContent,
    /// UMS metadata.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metadata: Vec<Value>,
    /// Base64 metadata for the consumer's app (messaging only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoded_metadata: Option<String>,
}

/// A text with quick replies under it (messaging only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuickRepliesMessage {
    /// The message text; LivePerson makes it mandatory.
    pub message: String,
    /// The `{"type":"quickReplies",...}` JSON.
    pub quick_replies: Value,
    /// UMS metadata.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metadata: Vec<Value>,
}

/// A pause before the next output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Delay {
    /// How long to wait.
    #[serde(with = "millis")]
    pub duration: Duration,
    /// Whether the consumer sees "typing..." meanwhile (LivePerson's default: yes).
    pub typing: bool,
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// One output of a bot reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Output {
    /// Text, public or private.
    Text(TextMessage),
    /// Structured content.
    StructuredContent(StructuredMessage),
    /// A message with quick replies (messaging only).
    QuickReplies(QuickRepliesMessage),
    /// A pause, with or without a typing indicator.
    Delay(Delay),
}

impl Output {
    /// A public text.
    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(TextMessage {
            text: text.into(),
            audience: Audience::All,
            encoded_metadata: None,
            metadata: Vec::new(),
        })
    }

    /// A text only agents and managers see.
    #[must_use]
    pub fn private_text(text: impl Into<String>) -> Self {
        Self::Text(TextMessage {
            text: text.into(),
            audience: Audience::AgentsAndManagers,
            encoded_metadata: None,
            metadata: Vec::new(),
        })
    }

    /// Structured content.
    #[must_use]
    pub fn structured(content: StructuredContent) -> Self {
        Self::StructuredContent(StructuredMessage {
            content,
            metadata: Vec::new(),
            encoded_metadata: None,
        })
    }

    /// A message with typed quick replies.
    ///
    /// # Errors
    ///
    /// When the quick replies break json-pollock's limits.
    pub fn quick_replies(
        message: impl Into<String>,
        replies: &QuickReplies,
    ) -> Result<Self, RichContentError> {
        Ok(Self::QuickReplies(QuickRepliesMessage {
            message: message.into(),
            quick_replies: replies.to_json()?,
            metadata: Vec::new(),
        }))
    }

    /// A message with quick replies given as raw JSON (from an engine's payload).
    #[must_use]
    pub fn quick_replies_raw(message: impl Into<String>, quick_replies: Value) -> Self {
        Self::QuickReplies(QuickRepliesMessage {
            message: message.into(),
            quick_replies,
            metadata: Vec::new(),
        })
    }

    /// A pause; `typing` shows the typing indicator meanwhile.
    #[must_use]
    pub fn delay(duration: Duration, typing: bool) -> Self {
        Self::Delay(Delay { duration, typing })
    }

    /// Adds UMS metadata (ignored by delays).
    #[must_use]
    pub fn with_metadata(mut self, item: Value) -> Self {
        match &mut self {
            Self::Text(t) => t.metadata.push(item),
            Self::StructuredContent(s) => s.metadata.push(item),
            Self::QuickReplies(q) => q.metadata.push(item),
            Self::Delay(_) => {}
        }
        self
    }

    /// Sets base64 encoded metadata (texts and structured content only).
    #[must_use]
    pub fn with_encoded_metadata(mut self, encoded: impl Into<String>) -> Self {
        match &mut self {
            Self::Text(t) => t.encoded_metadata = Some(encoded.into()),
            Self::StructuredContent(s) => s.encoded_metadata = Some(encoded.into()),
            Self::QuickReplies(_) | Self::Delay(_) => {}
        }
        self
    }

    /// Whether the output is a message (anything but a delay).
    #[must_use]
    pub fn is_message(&self) -> bool {
        !matches!(self, Self::Delay(_))
    }

    /// The encoded metadata, if any.
    #[must_use]
    pub fn encoded_metadata(&self) -> Option<&str> {
        match self {
            Self::Text(t) => t.encoded_metadata.as_deref(),
            Self::StructuredContent(s) => s.encoded_metadata.as_deref(),
            Self::QuickReplies(_) | Self::Delay(_) => None,
        }
    }
}
