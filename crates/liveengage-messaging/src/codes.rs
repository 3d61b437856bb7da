//! The transport's stable error codes (listed in docs/error-codes.md).

use connector_core::ErrorCode;

/// Publishing a message failed (LivePerson: `connector.messaging.send-message`).
pub const SEND_MESSAGE: ErrorCode = ErrorCode::from_static("messaging.send-message");
/// A transfer failed.
pub const TRANSFER_TO_SKILL: ErrorCode = ErrorCode::from_static("messaging.transfer-to-skill");
/// Closing the conversation failed.
pub const END_CONVERSATION: ErrorCode = ErrorCode::from_static("messaging.end-conversation");
/// Changing the TTR failed.
pub const CHANGE_TTR: ErrorCode = ErrorCode::from_static("messaging.change-ttr");
/// Setting the typing indicator failed.
pub const TYPING: ErrorCode = ErrorCode::from_static("messaging.typing");
/// The socket is down or was lost.
pub const CONNECTION: ErrorCode = ErrorCode::from_static("messaging.connection");
/// A task of the transport failed (a panic, in the transport or in a
/// callback it runs such as a [`TurnObserver`](crate::TurnObserver)); the
/// connection is replaced.
pub const TRANSPORT_FAILURE: ErrorCode = ErrorCode::from_static("messaging.transport-failure");
/// Login failed.
pub const LOGIN: ErrorCode = ErrorCode::from_static("messaging.login");
/// An unsupported output or action.
pub const NOT_SUPPORTED: ErrorCode = ErrorCode::from_static("messaging.not-supported");
/// A transfer names an unknown skill (LivePerson's code).
pub const SKILL_NOT_EXISTING: ErrorCode =
    ErrorCode::from_static("pipes.messaging-handle-bot-action.transfer-skill-not-existing");
