//! The `ConversationChannel` trait: a LiveEngage transport as the runtime sees it.

use async_trait::async_trait;

use crate::action::Action;
use crate::context::{ChannelType, ConversationContext};
use crate::error_code::ErrorCode;
use crate::event::InboundEvent;
use crate::output::Output;

/// What a channel yields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ChannelEvent {
    /// An event of a conversation (boxed: it is much larger than a status).
    Inbound(Box<InboundEvent>),
    /// A change of the transport's health, which drives the bot status.
    Status(ChannelStatus),
}

/// The transport's health.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ChannelStatus {
    /// Logged in and receiving conversations.
    Connected,
    /// Temporarily unable to reach LiveEngage; the transport is reconnecting.
    Interrupted {
        /// The stable code of the cause.
        code: ErrorCode,
        /// What happened.
        message: String,
    },
}

/// A LiveEngage transport (chat or messaging).
///
/// # Contract
///
/// - [`next_event`](Self::next_event) yields the events of every conversation
///   routed to the bot, each conversation's events in order, and returns `None`
///   once the channel has shut down. It is called from one task.
/// - A new conversation (or one transferred to the bot) starts with
///   `EventKind::ConversationStarted`, whatever the welcome-event settings: the
///   runtime decides whether the engine sees it.
/// - [`send`](Self::send) publishes one message output (never a delay; the
///   runtime plays delays). [`execute`](Self::execute) performs transfer, close
///   and TTR; function invocations are the runtime's business.
/// - Anything the transport cannot do (quick replies and TTR on chat) is a
///   [`ChannelError::NotSupported`], never a silent drop.
/// - Errors say whether the operation may nevertheless have happened, so the
///   runtime never retries into a duplicate.
#[async_trait]
pub trait ConversationChannel: Send + Sync {
    /// Chat or messaging.
    fn channel_type(&self) -> ChannelType;

    /// The next event; `None` when the channel has shut down.
    async fn next_event(&self) -> Option<ChannelEvent>;

    /// Publishes a message (text, private text, structured content, quick replies).
    ///
    /// # Errors
    ///
    /// A [`ChannelError`]; `NotSupported` for outputs the channel cannot carry.
    async fn send(
        &self,
        context: &ConversationContext,
        output: &Output,
    ) -> Result<(), ChannelError>;

    /// Shows (`true`) or clears (`false`) the bot's typing indicator.
    ///
    /// # Errors
    ///
    /// A [`ChannelError`] when the indicator could not be set.
    async fn set_typing(
        &self,
        context: &ConversationContext,
        typing: bool,
    ) -> Result<(), ChannelError>;

    /// Performs an action: transfer to skill or agent, close, change TTR.
    ///
    /// # Errors
    ///
    /// A [`ChannelError`]; `SkillNotFound` for an unknown skill name.
    async fn execute(
        &self,
        context: &ConversationContext,
        action: &Action,
    ) -> Result<(), ChannelError>;

    /// Stops taking conversations and logs out. After it returns,
    /// [`next_event`](Self::next_event) returns `None`.
    ///
    /// # Errors
    ///
    /// A [`ChannelError`] when logging out failed (the channel is stopped anyway).
    async fn shutdown(&self) -> Result<(), ChannelError>;
}

/// Why a channel operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ChannelError {
    /// The channel cannot carry this output or action.
    #[error("{code}: {operation} is not supported on {channel:?} conversations")]
    NotSupported {
        /// What was asked.
        operation: &'static str,
        /// The channel.
        channel: ChannelType,
        /// The stable code.
        code: ErrorCode,
    },
    /// A transfer named a skill that does not exist (names are case sensitive).
    #[error("{code}: no skill named {skill:?}; check the skill name (it is case sensitive)")]
    SkillNotFound {
        /// The name asked for.
        skill: String,
        /// The stable code.
        code: ErrorCode,
    },
    /// The conversation is already closed.
    #[error("{code}: the conversation is closed")]
    ConversationClosed {
        /// The stable code.
        code: ErrorCode,
    },
    /// LiveEngage refused or did not confirm the operation.
    #[error("{code}: {message}")]
    Failed {
        /// The stable code, e.g. `messaging.send-message`.
        code: ErrorCode,
        /// What happened.
        message: String,
        /// Whether a retry may succeed.
        transient: bool,
        /// Whether the operation may have happened despite the error (no answer
        /// came); retrying it could duplicate it.
        may_have_happened: bool,
    },
    /// The channel has shut down.
    #[error("the channel has shut down")]
    Shutdown,
}

impl ChannelError {
    /// The stable error code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NotSupported { code, .. }
            | Self::SkillNotFound { code, .. }
            | Self::ConversationClosed { code }
            | Self::Failed { code, .. } => code.clone(),
            Self::Shutdown => ErrorCode::from_static("connector.shutdown"),
        }
    }

    /// Whether retrying the operation is safe and may succeed.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Failed {
                transient: true,
                may_have_happened: false,
                ..
            }
        )
    }
}

/// What a caught panic said, bounded to 200 characters, as `panic: …`, for a
/// transport's [`ChannelStatus::Interrupted`] message when one of its tasks
/// failed unexpectedly.
///
/// ```
/// let caught = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
/// assert_eq!(connector_core::panic_message(caught.as_ref()), "panic: boom");
/// ```
#[must_use]
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let said = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message");
    let mut text = String::from("panic: ");
    text.extend(said.chars().take(200));
    text
}
