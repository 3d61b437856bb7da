//! Why an engine could not be built, and the stable codes of run-time failures.

use connector_core::ErrorCode;

/// The stable error codes this engine reports. LivePerson documents no Custom
/// Endpoint codes (\[gap\]); these follow the other engines' naming.
pub mod codes {
    use connector_core::ErrorCode;

    /// The token endpoint refused the client credentials or failed.
    pub const AUTH: ErrorCode = ErrorCode::from_static("engine.webhook.auth");
    /// `GET .../state` failed.
    pub const STATE: ErrorCode = ErrorCode::from_static("engine.webhook.state");
    /// The service reports a state other than `online`.
    pub const NOT_ONLINE: ErrorCode = ErrorCode::from_static("engine.webhook.not-online");
    /// `PUT .../conversations/{id}` failed.
    pub const CREATE_CONVERSATION: ErrorCode =
        ErrorCode::from_static("engine.webhook.create-conversation");
    /// `POST .../events` failed.
    pub const SEND_EVENT: ErrorCode = ErrorCode::from_static("engine.webhook.send-event");
    /// The event response is not a valid `PostEventResponse` (the Conversation
    /// Tester's `custom-endpoint-invalid-body`).
    pub const INVALID_BODY: ErrorCode = ErrorCode::from_static("engine.webhook.invalid-body");
    /// The engine configuration is invalid (reported when the engine is built).
    pub const CONFIG: ErrorCode = ErrorCode::from_static("engine.webhook.config");
}

/// Why a Custom Endpoint engine could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A field is empty or malformed.
    #[error("webhook configuration: `{field}` {problem}")]
    InvalidField {
        /// The configuration key.
        field: &'static str,
        /// What is wrong and what to write instead.
        problem: String,
    },
}

impl WebhookError {
    /// The stable error code: always [`codes::CONFIG`].
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        codes::CONFIG
    }

    pub(crate) fn invalid(field: &'static str, problem: impl Into<String>) -> Self {
        Self::InvalidField {
            field,
            problem: problem.into(),
        }
    }
}
