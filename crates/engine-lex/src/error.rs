//! Why an engine could not be built, and the stable codes of run-time failures.

use connector_core::ErrorCode;

/// The stable error codes this engine reports. Where LivePerson has a code for
/// the same failure (`com.liveperson.bot-connectors-worker.error.aivendor.lex.*`)
/// the suffix is the same; `docs/engines/lex.md` lists them.
pub mod codes {
    use connector_core::ErrorCode;

    /// The RecognizeText / PostText call failed (network, timeout, Lex error).
    /// LivePerson: `aivendor.lex.send-query`.
    pub const SEND_QUERY: ErrorCode = ErrorCode::from_static("engine.lex.send-query");
    /// Lex's answer is not the JSON Lex documents. LivePerson: `aivendor.lex.parser-crashed`.
    pub const PARSER_CRASHED: ErrorCode = ErrorCode::from_static("engine.lex.parser-crashed");
    /// A message of a content type LivePerson does not show (SSML).
    /// LivePerson: `aivendor.lex.message-format-not-supported`.
    pub const MESSAGE_FORMAT_NOT_SUPPORTED: ErrorCode =
        ErrorCode::from_static("engine.lex.message-format-not-supported");
    /// A V1 `Composite` message that is not the message-group JSON.
    /// LivePerson: `aivendor.lex.composite-format-not-supported`.
    pub const COMPOSITE_FORMAT_NOT_SUPPORTED: ErrorCode =
        ErrorCode::from_static("engine.lex.composite-format-not-supported");
    /// A custom payload that is not a JSON object, or with invalid fields.
    /// LivePerson: `aivendor.lex.custom-payload-malformed`.
    pub const CUSTOM_PAYLOAD_MALFORMED: ErrorCode =
        ErrorCode::from_static("engine.lex.custom-payload-malformed");
    /// An `ACTION` payload without `params`. LivePerson: `aivendor.lex.custom-payload-no-params`.
    pub const CUSTOM_PAYLOAD_NO_PARAMS: ErrorCode =
        ErrorCode::from_static("engine.lex.custom-payload-no-params");
    /// A custom payload of none of LivePerson's shapes.
    /// LivePerson: `aivendor.lex.custom-payload-type-not-supported`.
    pub const CUSTOM_PAYLOAD_TYPE_NOT_SUPPORTED: ErrorCode =
        ErrorCode::from_static("engine.lex.custom-payload-type-not-supported");
    /// The intent failed: Lex reached its maximum number of retries (dialog
    /// state / intent state `Failed`). The connector escalates, as LivePerson does.
    pub const DIALOG_FAILED: ErrorCode = ErrorCode::from_static("engine.lex.dialog-failed");
    /// No AWS credentials could be obtained from the default chain.
    pub const CREDENTIALS: ErrorCode = ErrorCode::from_static("engine.lex.credentials");
    /// The dashboard's "Test Connection" failed.
    pub const TEST_CONNECTION: ErrorCode = ErrorCode::from_static("engine.lex.test-connection");
    /// The engine configuration is invalid (reported when the engine is built).
    pub const CONFIG: ErrorCode = ErrorCode::from_static("engine.lex.config");
}

/// Why a Lex engine could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LexError {
    /// A required field is empty or malformed.
    #[error("lex configuration: `{field}` {problem}")]
    InvalidField {
        /// The configuration key.
        field: &'static str,
        /// What is wrong and what to write instead.
        problem: String,
    },
    /// No `credentials` table, and the default credential chain is not compiled in.
    #[error(
        "lex configuration: `credentials` is missing; give `access_key_id` and `secret_access_key`, or build with the cargo feature `default-credentials` to use the AWS default credential chain"
    )]
    NoCredentials,
}

impl LexError {
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
