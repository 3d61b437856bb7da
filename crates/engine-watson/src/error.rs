//! Why an engine could not be built, and the stable codes of run-time failures.

use connector_core::ErrorCode;

/// The stable error codes this engine reports. `docs/engines/watson.md` lists
/// the LivePerson `aivendor.watson*` code each one corresponds to.
pub mod codes {
    use connector_core::ErrorCode;

    /// The message call failed: network error, timeout, HTTP error status.
    /// LivePerson: `aivendor.watson.send-query`, `aivendor.watsonv2.send-query`.
    pub const SEND_QUERY: ErrorCode = ErrorCode::from_static("engine.watson.send-query");
    /// Creating a v2 session failed. LivePerson: `aivendor.watsonv2.create-session`.
    pub const CREATE_SESSION: ErrorCode = ErrorCode::from_static("engine.watson.create-session");
    /// Watson still answered "invalid session" after the session was re-created.
    /// LivePerson: `aivendor.watsonv2.invalid-session`.
    pub const INVALID_SESSION: ErrorCode = ErrorCode::from_static("engine.watson.invalid-session");
    /// The IAM token exchange failed. LivePerson reports vendor failures it does
    /// not classify as `aivendor.watson.watson-error`.
    pub const AUTH: ErrorCode = ErrorCode::from_static("engine.watson.auth");
    /// The answer is not Watson's message JSON.
    /// LivePerson: `aivendor.watson.parse-message.get-parse-message-failed`.
    pub const PARSE_MESSAGE: ErrorCode = ErrorCode::from_static("engine.watson.parse-message");
    /// The answer holds only response types LiveEngage cannot show.
    /// LivePerson: `aivendor.watson.message-format-not-supported`.
    pub const MESSAGE_FORMAT_NOT_SUPPORTED: ErrorCode =
        ErrorCode::from_static("engine.watson.message-format-not-supported");
    /// A text response (or a value of it) has no text.
    /// LivePerson: `aivendor.watson.parser.text-and-custom.undefined-text`.
    pub const UNDEFINED_TEXT: ErrorCode =
        ErrorCode::from_static("engine.watson.parser.text-and-custom.undefined-text");
    /// A JSON text value names `structuredContent` but it is not structured content.
    /// LivePerson: `aivendor.watson.parser.custom.undefined-structured-content`.
    pub const UNDEFINED_STRUCTURED_CONTENT: ErrorCode =
        ErrorCode::from_static("engine.watson.parser.custom.undefined-structured-content");
    /// An `image` response without a usable `source`.
    /// LivePerson: `aivendor.watson.parser.image.undefined-source`.
    pub const IMAGE_UNDEFINED_SOURCE: ErrorCode =
        ErrorCode::from_static("engine.watson.parser.image.undefined-source");
    /// An `option` (or `suggestion`) response without options.
    /// LivePerson: `aivendor.watson.parser.list.undefined-options`.
    pub const LIST_UNDEFINED_OPTIONS: ErrorCode =
        ErrorCode::from_static("engine.watson.parser.list.undefined-options");
    /// A `pause` response without `time`.
    /// LivePerson: `aivendor.watson.parser.pause.undefined-time`.
    pub const PAUSE_UNDEFINED_TIME: ErrorCode =
        ErrorCode::from_static("engine.watson.parser.pause.undefined-time");
    /// The dashboard's "Test Connection" failed.
    pub const TEST_CONNECTION: ErrorCode = ErrorCode::from_static("engine.watson.test-connection");
    /// The engine configuration is invalid (reported when the engine is built).
    pub const CONFIG: ErrorCode = ErrorCode::from_static("engine.watson.config");
}

/// Why a Watson engine could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WatsonError {
    /// A field is missing, empty or malformed.
    #[error("watson configuration: `{field}` {problem}")]
    InvalidField {
        /// The configuration key.
        field: &'static str,
        /// What is wrong and what to write instead.
        problem: String,
    },
    /// The HTTP client could not be created (TLS backend initialisation).
    #[error("cannot create the HTTP client for Watson: {0}")]
    HttpClient(#[source] reqwest::Error),
}

impl WatsonError {
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
