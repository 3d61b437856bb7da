//! The bot reply: ordered outputs plus at most one action, and its validation
//! with LivePerson's rules.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::context::ChannelType;
use crate::error_code::{ErrorCode, codes};
use crate::output::Output;
use crate::rich::RichContentError;

/// LiveEngage's limit on a structured-content payload, in bytes.
pub const MAX_STRUCTURED_CONTENT_BYTES: usize = 15_000;
/// LiveEngage's limit on encoded metadata, in bytes.
pub const MAX_ENCODED_METADATA_BYTES: usize = 5_000;

/// What an engine answers for one event: outputs in order, then actions.
///
/// Engines collect every action their vendor's response names; [`BotReply::validate`]
/// rejects more than one, as LivePerson does.
///
/// # Examples
///
/// ```
/// use connector_core::{Action, BotReply, ChannelType, Output};
///
/// let reply = BotReply::new()
///     .with_output(Output::text("Let me find a human for you."))
///     .with_action(Action::transfer("human-agents"));
/// let valid = reply.validate(ChannelType::Messaging).unwrap();
/// assert_eq!(valid.outputs().len(), 1);
/// assert_eq!(valid.action(), Some(&Action::transfer("human-agents")));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BotReply {
    /// The outputs, played in order.
    #[serde(default)]
    pub outputs: Vec<Output>,
    /// The actions; a valid reply has at most one.
    #[serde(default)]
    pub actions: Vec<Action>,
}

impl BotReply {
    /// An empty reply (invalid until it gets an output or an action).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an output.
    #[must_use]
    pub fn with_output(mut self, output: Output) -> Self {
        self.outputs.push(output);
        self
    }

    /// Appends a public text.
    #[must_use]
    pub fn with_text(self, text: impl Into<String>) -> Self {
        self.with_output(Output::text(text))
    }

    /// Appends an action.
    #[must_use]
    pub fn with_action(mut self, action: Action) -> Self {
        self.actions.push(action);
        self
    }

    /// Checks the reply against LivePerson's rules for `channel`.
    ///
    /// # Errors
    ///
    /// The first broken rule: no messages and no action; more than one action;
    /// quick replies, TTR or encoded metadata on chat; structured content over
    /// 15,000 bytes; encoded metadata over 5,000 bytes or not base64; empty texts.
    pub fn validate(&self, channel: ChannelType) -> Result<ValidatedReply, ReplyError> {
        if self.outputs.is_empty() && self.actions.is_empty() {
            return Err(ReplyError::MissingActionAndMessages);
        }
        if self.actions.len() > 1 {
            return Err(ReplyError::MultipleActions {
                count: self.actions.len(),
            });
        }
        for output in &self.outputs {
            check_output(output, channel)?;
        }
        let action = self.actions.first().cloned();
        if let Some(action @ Action::ChangeTtr(_)) = &action
            && channel == ChannelType::Chat
        {
            return Err(ReplyError::ActionNotSupported {
                action: action.name(),
                channel,
                has_messages: self.outputs.iter().any(Output::is_message),
            });
        }
        Ok(ValidatedReply {
            outputs: self.outputs.clone(),
            action,
        })
    }
}

fn check_output(output: &Output, channel: ChannelType) -> Result<(), ReplyError> {
    match output {
        Output::Text(t) if t.text.trim().is_empty() => return Err(ReplyError::EmptyText),
        Output::QuickReplies(q) => {
            if channel == ChannelType::Chat {
                return Err(ReplyError::QuickRepliesNotSupported);
            }
            if q.message.trim().is_empty() {
                return Err(ReplyError::EmptyText);
            }
            let well_formed = q.quick_replies.get("type").and_then(|t| t.as_str())
                == Some("quickReplies")
                && q.quick_replies
                    .get("replies")
                    .and_then(|r| r.as_array())
                    .is_some_and(|r| !r.is_empty());
            if !well_formed {
                return Err(ReplyError::InvalidStructuredContent(
                    RichContentError::NoReplies,
                ));
            }
        }
        Output::StructuredContent(s) => {
            let len = s.content.byte_len();
            if len > MAX_STRUCTURED_CONTENT_BYTES {
                return Err(ReplyError::StructuredContentTooLarge { len });
            }
        }
        _ => {}
    }
    if let Some(encoded) = output.encoded_metadata() {
        if channel == ChannelType::Chat {
            return Err(ReplyError::EncodedMetadataOnChat);
        }
        if encoded.len() > MAX_ENCODED_METADATA_BYTES {
            return Err(ReplyError::EncodedMetadataTooLarge { len: encoded.len() });
        }
        if !is_base64(encoded) {
            return Err(ReplyError::EncodedMetadataNotBase64);
        }
    }
    Ok(())
}

/// Whether `s` looks like base64 as LiveEngage's encoded metadata needs it:
/// the standard or URL-safe alphabet, padded or not, not empty.
///
/// # Examples
///
/// ```
/// assert!(connector_core::is_base64("eyJhIjoxfQ=="));
/// assert!(!connector_core::is_base64("{\"a\":1}"));
/// ```
#[must_use]
pub fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    s.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

/// A reply that passed [`BotReply::validate`]: outputs and at most one action.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedReply {
    outputs: Vec<Output>,
    action: Option<Action>,
}

impl ValidatedReply {
    /// The outputs, in order.
    #[must_use]
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The action, executed after the outputs.
    #[must_use]
    pub fn action(&self) -> Option<&Action> {
        self.action.as_ref()
    }

    /// Splits the reply into its outputs and action.
    #[must_use]
    pub fn into_parts(self) -> (Vec<Output>, Option<Action>) {
        (self.outputs, self.action)
    }
}

/// Why a reply breaks LivePerson's rules.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// Neither messages nor an action.
    #[error(
        "the bot reply has no messages and no action; give every intent an answer or an action"
    )]
    MissingActionAndMessages,
    /// More than one action.
    #[error("the bot reply has {count} actions; LiveEngage executes only one per reply")]
    MultipleActions {
        /// How many actions the reply had.
        count: usize,
    },
    /// Quick replies on chat.
    #[error("quick replies are not supported in chat conversations; send a text list instead")]
    QuickRepliesNotSupported,
    /// An action the channel cannot perform.
    #[error("the action `{action}` is not supported on {channel:?} conversations")]
    ActionNotSupported {
        /// The action's name.
        action: &'static str,
        /// The channel.
        channel: ChannelType,
        /// Whether the reply also had messages.
        has_messages: bool,
    },
    /// Encoded metadata on chat.
    #[error("encoded metadata is supported on messaging conversations only")]
    EncodedMetadataOnChat,
    /// Encoded metadata over 5,000 bytes.
    #[error("encoded metadata has {len} bytes; at most 5000 are allowed")]
    EncodedMetadataTooLarge {
        /// Its size.
        len: usize,
    },
    /// Encoded metadata that is not base64.
    #[error("encoded metadata must be base64")]
    EncodedMetadataNotBase64,
    /// Structured content over 15,000 bytes.
    #[error("structured content has {len} bytes; at most 15000 are allowed")]
    StructuredContentTooLarge {
        /// Its size.
        len: usize,
    },
    /// Malformed structured content or quick replies.
    #[error("invalid structured content: {0}")]
    InvalidStructuredContent(#[from] RichContentError),
    /// A text message (or quick-reply message) with no text.
    #[error("a text message is empty; quick replies need their message text too")]
    EmptyText,
}

impl ReplyError {
    /// The stable error code, LivePerson's where it has one.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::MissingActionAndMessages => codes::MISSING_ACTION_AND_MESSAGES,
            Self::MultipleActions { .. } => codes::MULTIPLE_ACTIONS,
            Self::QuickRepliesNotSupported => codes::QUICK_REPLIES_NOT_SUPPORTED,
            Self::ActionNotSupported {
                has_messages: false,
                ..
            } => codes::NO_MESSAGES_AND_NOT_SUPPORTED_ACTION,
            Self::ActionNotSupported { .. } => codes::ACTION_NOT_SUPPORTED,
            Self::EncodedMetadataOnChat
            | Self::EncodedMetadataTooLarge { .. }
            | Self::EncodedMetadataNotBase64 => codes::INVALID_ENCODED_METADATA,
            Self::StructuredContentTooLarge { .. } | Self::InvalidStructuredContent(_) => {
                codes::INVALID_STRUCTURED_CONTENT
            }
            Self::EmptyText => codes::INVALID_TEXT,
        }
    }
}
