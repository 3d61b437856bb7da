//! Inbound events: what a channel hands to the runtime and the runtime to the engine.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::context::ConversationContext;

/// The utterance LivePerson sends to a bot when the consumer uploads a file.
pub const SEND_FILE_IDENTIFIER: &str = "com.liveperson.bot-connectors.consumer.send-file";
/// The utterance LivePerson sends to a bot when the consumer sends rich content
/// (e.g. a shared location).
pub const SEND_RICH_CONTENT_IDENTIFIER: &str =
    "com.liveperson.bot-connectors.consumer.send-rich-content";

/// One event of a conversation, with its context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InboundEvent {
    /// The conversation the event belongs to.
    pub context: ConversationContext,
    /// What happened.
    pub kind: EventKind,
}

impl InboundEvent {
    /// An event in a conversation.
    #[must_use]
    pub fn new(context: ConversationContext, kind: EventKind) -> Self {
        Self { context, kind }
    }
}

/// What happened in a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[non_exhaustive]
pub enum EventKind {
    /// The bot received the conversation (new, or transferred to it): the welcome
    /// event. Chat always sends it; messaging only when the bot enables it.
    #[serde(rename_all = "camelCase")]
    ConversationStarted {
        /// Whether the conversation came to the bot by a transfer.
        transferred: bool,
        /// The consumer's last message before the transfer (messaging only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_consumer_message: Option<String>,
    },
    /// The consumer wrote text.
    ConsumerText {
        /// The text as the consumer wrote it.
        text: String,
        /// The UMS metadata of the message (e.g. the `ExternalId` of a clicked quick reply).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        metadata: Vec<Value>,
    },
    /// The consumer uploaded a file or image.
    ConsumerFile {
        /// The raw file event (hosted file path, caption, ...).
        file: Value,
    },
    /// The consumer sent rich content (messaging only), e.g. a location.
    ConsumerRichContent {
        /// The rich content JSON.
        content: Value,
    },
    /// The conversation was closed (by the consumer, an agent, or the system).
    ConversationClosed,
}

impl EventKind {
    /// What LivePerson's connectors send a text-only engine as the utterance:
    /// the text, or the identifier strings for files and rich content. `None`
    /// for the welcome and close events.
    #[must_use]
    pub fn utterance(&self) -> Option<&str> {
        match self {
            Self::ConsumerText { text, .. } => Some(text),
            Self::ConsumerFile { .. } => Some(SEND_FILE_IDENTIFIER),
            Self::ConsumerRichContent { .. } => Some(SEND_RICH_CONTENT_IDENTIFIER),
            Self::ConversationStarted { .. } | Self::ConversationClosed => None,
        }
    }

    /// Whether the event comes from the consumer (text, file, rich content).
    #[must_use]
    pub fn is_consumer_message(&self) -> bool {
        matches!(
            self,
            Self::ConsumerText { .. }
                | Self::ConsumerFile { .. }
                | Self::ConsumerRichContent { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn utterances_follow_liveperson_identifiers() {
        let file = EventKind::ConsumerFile {
            file: json!({"relativePath": "/a.png"}),
        };
        assert_eq!(
            file.utterance(),
            Some("com.liveperson.bot-connectors.consumer.send-file")
        );
        let rich = EventKind::ConsumerRichContent {
            content: json!({"type": "map"}),
        };
        assert_eq!(
            rich.utterance(),
            Some("com.liveperson.bot-connectors.consumer.send-rich-content")
        );
        let text = EventKind::ConsumerText {
            text: "hi".into(),
            metadata: vec![],
        };
        assert_eq!(text.utterance(), Some("hi"));
        assert!(text.is_consumer_message());
        assert_eq!(EventKind::ConversationClosed.utterance(), None);
        assert!(!EventKind::ConversationClosed.is_consumer_message());
    }
}
