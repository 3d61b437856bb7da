//! Stable error codes for operators.
//!
//! Every failure the product reports carries an [`ErrorCode`]: a short, stable,
//! dotted string such as `pipes.verify-ai-response.missing-action-and-messages`
//! or `engine.watson.send-query`. Where LivePerson documents a code for the same
//! failure, we use LivePerson's suffix (the part after
//! `com.liveperson.bot-connectors-worker.error.`), so operators can look it up in
//! LivePerson's documentation; [`ErrorCode::liveperson`] gives the full form.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The prefix LivePerson puts before its worker error codes.
pub const LIVEPERSON_PREFIX: &str = "com.liveperson.bot-connectors-worker.error.";

/// A stable, dotted error code. Cheap to clone for the `'static` codes.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(Cow<'static, str>);

impl ErrorCode {
    /// A code known at compile time.
    #[must_use]
    pub const fn from_static(code: &'static str) -> Self {
        Self(Cow::Borrowed(code))
    }

    /// A code built at run time (e.g. `engine.<vendor>.send-query`).
    #[must_use]
    pub fn new(code: impl Into<String>) -> Self {
        Self(Cow::Owned(code.into()))
    }

    /// The short code.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code in LivePerson's long form, `com.liveperson.bot-connectors-worker.error.<code>`.
    #[must_use]
    pub fn liveperson(&self) -> String {
        format!("{LIVEPERSON_PREFIX}{}", self.0)
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ErrorCode({})", self.0)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The codes of failures detected by the connector itself (not by an engine or a
/// transport). Engines and transports define their own codes next to their errors.
pub mod codes {
    use super::ErrorCode;

    /// The reply has no message and no action (LivePerson's code).
    pub const MISSING_ACTION_AND_MESSAGES: ErrorCode =
        ErrorCode::from_static("pipes.verify-ai-response.missing-action-and-messages");
    /// The reply has no message and only actions the channel does not support (LivePerson's code).
    pub const NO_MESSAGES_AND_NOT_SUPPORTED_ACTION: ErrorCode =
        ErrorCode::from_static("pipes.verify-ai-response.no-messages-and-not-supported-action");
    /// Quick replies in a chat conversation (LivePerson's code).
    pub const QUICK_REPLIES_NOT_SUPPORTED: ErrorCode =
        ErrorCode::from_static("pipes.verify-ai-response.quick-replies-not-supported");
    /// More than one action in one reply. LivePerson documents this only for
    /// Dialogflow CX (`aivendor.dialogflowcx.parse-message.multiple-actions`); we
    /// apply the rule to every engine under this vendor-neutral code.
    pub const MULTIPLE_ACTIONS: ErrorCode =
        ErrorCode::from_static("pipes.verify-ai-response.multiple-actions");
    /// An action the channel cannot perform (TTR on chat) alongside messages.
    /// Not a LivePerson code: LivePerson only names the no-message case.
    pub const ACTION_NOT_SUPPORTED: ErrorCode =
        ErrorCode::from_static("pipes.verify-ai-response.action-not-supported");
    /// Encoded metadata on chat, over 5,000 bytes, or not base64. Not a LivePerson
    /// code: LivePerson silently drops such messages; we report them.
    pub const INVALID_ENCODED_METADATA: ErrorCode =
        ErrorCode::from_static("pipes.verify-ai-response.invalid-encoded-metadata");
    /// Structured content over 15,000 bytes or not valid structured content
    /// (the Conversation Tester's `common-invalid-structured-content-body`).
    pub const INVALID_STRUCTURED_CONTENT: ErrorCode =
        ErrorCode::from_static("pipes.verify-ai-response.invalid-structured-content");
    /// A message with empty text (or a quick-reply message without its text).
    pub const INVALID_TEXT: ErrorCode =
        ErrorCode::from_static("pipes.verify-ai-response.invalid-text");
    /// The bot has reached its open-conversation limit (LivePerson's code).
    pub const MAX_CONV_LIMIT_REACHED: ErrorCode =
        ErrorCode::from_static("pipes.conversation-limit-checker.max-conv-limit-reached");
    /// A transfer names a skill that does not exist (messaging, LivePerson's code).
    pub const MESSAGING_TRANSFER_SKILL_NOT_EXISTING: ErrorCode =
        ErrorCode::from_static("pipes.messaging-handle-bot-action.transfer-skill-not-existing");
    /// A transfer names a skill that does not exist (chat, LivePerson's code).
    pub const CHAT_TRANSFER_SKILL_NOT_EXISTING: ErrorCode =
        ErrorCode::from_static("pipes.chat-handle-bot-action.transfer-skill-not-existing");
    /// The engine did not answer within the configured timeout.
    pub const ENGINE_TIMEOUT: ErrorCode = ErrorCode::from_static("engine.timeout");
    /// A function invocation with `failOnError` failed (LivePerson's FaaS code).
    pub const INVOKE_FUNCTION: ErrorCode = ErrorCode::from_static("aivendor.faas.invoke-lambda");
    /// An error nobody else classified (LivePerson's catch-all).
    pub const NOT_CATCHED_PIPELINE_ERROR: ErrorCode =
        ErrorCode::from_static("events-queue.not-catched-pipeline-error");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liveperson_form_prefixes_the_short_code() {
        assert_eq!(
            codes::MAX_CONV_LIMIT_REACHED.liveperson(),
            "com.liveperson.bot-connectors-worker.error.pipes.conversation-limit-checker.max-conv-limit-reached"
        );
        assert_eq!(
            ErrorCode::new("engine.watson.send-query").to_string(),
            "engine.watson.send-query"
        );
    }
}
