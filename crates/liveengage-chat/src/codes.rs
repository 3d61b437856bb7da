//! The transport's stable error codes (see `docs/channels/chat.md`).
//!
//! Where LivePerson documents a code for the same failure, the code is
//! LivePerson's suffix (`connector.chat.*`, `pipes.*`), so an operator can look
//! it up in LivePerson's documentation.

use connector_core::ErrorCode;

/// Posting a line failed (LivePerson: `connector.chat.send-message`).
pub const SEND_MESSAGE: ErrorCode = ErrorCode::from_static("connector.chat.send-message");
/// Ending the chat failed (LivePerson: `connector.chat.end-conversation`).
pub const END_CONVERSATION: ErrorCode = ErrorCode::from_static("connector.chat.end-conversation");
/// A transfer failed, e.g. no agent with a free slot on the target skill
/// (LivePerson: `connector.chat.transfer-to-skill`).
pub const TRANSFER_TO_SKILL: ErrorCode = ErrorCode::from_static("connector.chat.transfer-to-skill");
/// A transfer names a skill that does not exist (LivePerson's code).
pub const SKILL_NOT_EXISTING: ErrorCode =
    ErrorCode::from_static("pipes.chat-handle-bot-action.transfer-skill-not-existing");
/// Quick replies on a chat (LivePerson's code).
pub const QUICK_REPLIES_NOT_SUPPORTED: ErrorCode =
    ErrorCode::from_static("pipes.verify-ai-response.quick-replies-not-supported");
/// Encoded metadata on a chat (chat cannot carry it).
pub const ENCODED_METADATA_NOT_SUPPORTED: ErrorCode =
    ErrorCode::from_static("pipes.verify-ai-response.invalid-encoded-metadata");
/// An action chat cannot perform (change TTR, invoke function) or a delay.
pub const NOT_SUPPORTED: ErrorCode = ErrorCode::from_static("chat.not-supported");
/// Setting the typing indicator failed.
pub const TYPING: ErrorCode = ErrorCode::from_static("chat.typing");
/// The agent session could not be created or kept (login, session, availability).
pub const SESSION: ErrorCode = ErrorCode::from_static("chat.session");
/// Polling incoming requests or chat events failed.
pub const POLL: ErrorCode = ErrorCode::from_static("chat.poll");
/// Taking an incoming chat failed.
pub const TAKE_CHAT: ErrorCode = ErrorCode::from_static("chat.take-chat");
/// The inactivity warning or close could not be played.
pub const INACTIVITY: ErrorCode = ErrorCode::from_static("chat.inactivity");
/// A task of the transport failed unexpectedly (a panic); it is restarted.
pub const TRANSPORT_FAILURE: ErrorCode = ErrorCode::from_static("chat.transport-failure");
