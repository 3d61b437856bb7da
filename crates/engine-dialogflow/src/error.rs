//! Why an engine could not be built, and the stable codes of run-time failures.

use std::path::PathBuf;

use connector_core::ErrorCode;

/// The stable error codes this engine reports (see `docs/engines/dialogflow.md`
/// for the LivePerson codes they correspond to).
pub mod codes {
    use connector_core::ErrorCode;

    /// The detectIntent (or V1 `query`) call failed: network error, timeout,
    /// HTTP error status. LivePerson: `aivendor.dialogflowv2.send-query`,
    /// `aivendor.dialogflowcx.send-request`.
    pub const SEND_QUERY: ErrorCode = ErrorCode::from_static("engine.dialogflow.send-query");
    /// The answer could not be read, or a LivePerson payload in it is invalid.
    /// LivePerson: `aivendor.dialogflowcx.parse-message.parser-error`.
    pub const PARSE_MESSAGE: ErrorCode = ErrorCode::from_static("engine.dialogflow.parse-message");
    /// The answer names more than one action.
    /// LivePerson: `aivendor.dialogflowcx.parse-message.multiple-actions`.
    pub const MULTIPLE_ACTIONS: ErrorCode =
        ErrorCode::from_static("engine.dialogflow.multiple-actions");
    /// The OAuth token could not be obtained from the service-account key.
    pub const AUTH: ErrorCode = ErrorCode::from_static("engine.dialogflow.auth");
    /// The dashboard's "Test Connection" failed.
    /// LivePerson: `aivendor.dialogflowcx.test-connection`.
    pub const TEST_CONNECTION: ErrorCode =
        ErrorCode::from_static("engine.dialogflow.test-connection");
    /// The engine configuration is invalid (reported when the engine is built).
    pub const CONFIG: ErrorCode = ErrorCode::from_static("engine.dialogflow.config");
}

/// Why a Dialogflow engine could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DialogflowError {
    /// A required field is empty or malformed.
    #[error("dialogflow configuration: `{field}` {problem}")]
    InvalidField {
        /// The configuration key.
        field: &'static str,
        /// What is wrong and what to write instead.
        problem: String,
    },
    /// The service-account key file could not be read.
    #[error("cannot read the service-account key file `{}`: {source}; check the path and its permissions", path.display())]
    KeyFile {
        /// The path that was read.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The service-account key JSON is not a Google key file.
    #[error(
        "the service-account key JSON cannot be read: {0}; download a JSON key for the service account from the Google Cloud console"
    )]
    KeyJson(#[source] serde_json::Error),
    /// The private key is not an RSA key in PEM form.
    #[error(
        "the service-account `private_key` is not a PEM RSA private key ({0}); paste it with its `-----BEGIN PRIVATE KEY-----` lines and newlines"
    )]
    PrivateKey(#[source] jsonwebtoken::errors::Error),
}

impl DialogflowError {
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
