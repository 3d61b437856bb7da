//! Lex's error types, read from the `x-amzn-ErrorType` header (or the body's
//! `code` / `__type`), and what each means for the connector.

use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use serde::Deserialize;

/// The exception Lex named in an error answer (V2 and V1 names alike).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LexException {
    /// V2 `ValidationException` / V1 `BadRequestException` (400): a bad request,
    /// e.g. a text over 1,024 characters or a malformed session id.
    Validation,
    /// `AccessDeniedException` (403): the IAM user may not call the bot.
    AccessDenied,
    /// A signature or key the AWS front end rejected (403):
    /// `UnrecognizedClientException`, `InvalidSignatureException`,
    /// `SignatureDoesNotMatch`, `MissingAuthenticationToken`, `ExpiredTokenException`.
    Authentication(String),
    /// V2 `ResourceNotFoundException` / V1 `NotFoundException` (404): wrong
    /// bot, alias, locale or region.
    NotFound,
    /// `ConflictException` (409): two requests on one session at once.
    Conflict,
    /// `DependencyFailedException` (424): the bot's Lambda (or Polly) failed.
    DependencyFailed,
    /// V2 `ThrottlingException` / V1 `LimitExceededException` (429).
    Throttling,
    /// V2 `InternalServerException` / V1 `InternalFailureException` (500).
    InternalServer,
    /// `BadGatewayException` (502).
    BadGateway,
    /// V1 `LoopDetectedException` (508): the fulfillment Lambda calls the bot back.
    LoopDetected,
    /// Any other name, kept as Lex wrote it.
    Other(String),
}

impl LexException {
    /// The exception from its wire name: the part of `x-amzn-ErrorType` before
    /// `:` and after the last `#`, as botocore reads it.
    #[must_use]
    pub fn from_name(raw: &str) -> Self {
        let before_colon = raw.split(':').next().unwrap_or(raw);
        let name = before_colon
            .rsplit('#')
            .next()
            .unwrap_or(before_colon)
            .trim();
        match name {
            "ValidationException" | "BadRequestException" => Self::Validation,
            "AccessDeniedException" => Self::AccessDenied,
            "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "SignatureDoesNotMatch"
            | "MissingAuthenticationTokenException"
            | "MissingAuthenticationToken"
            | "IncompleteSignatureException"
            | "ExpiredTokenException" => Self::Authentication(name.to_owned()),
            "ResourceNotFoundException" | "NotFoundException" => Self::NotFound,
            "ConflictException" => Self::Conflict,
            "DependencyFailedException" => Self::DependencyFailed,
            "ThrottlingException" | "LimitExceededException" => Self::Throttling,
            "InternalServerException" | "InternalFailureException" => Self::InternalServer,
            "BadGatewayException" => Self::BadGateway,
            "LoopDetectedException" => Self::LoopDetected,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Whether a retry may succeed: throttling, conflicts, server errors and a
    /// failed Lambda (often a cold start or a timeout).
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Throttling
                | Self::Conflict
                | Self::InternalServer
                | Self::BadGateway
                | Self::DependencyFailed
        )
    }

    /// What an operator should do about it.
    #[must_use]
    pub fn advice(&self) -> &'static str {
        match self {
            Self::Validation => {
                "the request was rejected; check the locale and that texts stay under 1,024 characters"
            }
            Self::AccessDenied => {
                "give the IAM user the lex:RecognizeText (V2) or lex:PostText (V1) permission on this bot"
            }
            Self::Authentication(_) => {
                "check the access key id, the secret key, the session token and the machine's clock"
            }
            Self::NotFound => {
                "check the region, bot id or name, alias and locale; the alias must be built and associated with the locale"
            }
            Self::Conflict => {
                "Lex received two requests for one session at once; the connector retries"
            }
            Self::DependencyFailed => {
                "the bot's Lambda function failed; look at its CloudWatch logs"
            }
            Self::Throttling => {
                "Lex is throttling; the connector retries; raise the account's quota if it persists"
            }
            Self::InternalServer | Self::BadGateway => {
                "Lex had an internal error; the connector retries"
            }
            Self::LoopDetected => "the bot's Lambda function calls the bot back; break the loop",
            Self::Other(_) => "see the message from Lex in the connector's log",
        }
    }
}

impl std::fmt::Display for LexException {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Self::Validation => "ValidationException",
            Self::AccessDenied => "AccessDeniedException",
            Self::Authentication(name) | Self::Other(name) => name,
            Self::NotFound => "ResourceNotFoundException",
            Self::Conflict => "ConflictException",
            Self::DependencyFailed => "DependencyFailedException",
            Self::Throttling => "ThrottlingException",
            Self::InternalServer => "InternalServerException",
            Self::BadGateway => "BadGatewayException",
            Self::LoopDetected => "LoopDetectedException",
        };
        f.write_str(name)
    }
}

/// Lex's error body: `{"message": ...}`, `{"Message": ...}` in some V1 shapes,
/// with `code` or `__type` when the header is absent.
#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default, alias = "Message")]
    message: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default, rename = "__type")]
    kind: Option<String>,
}

/// The most of Lex's message that is logged.
const LOGGED_MESSAGE_CHARS: usize = 300;

/// The engine error for a non-2xx answer. The message names the status and
/// the exception when it is one Lex documents (an unknown name could be any
/// text of the answer); Lex's own message is logged, not repeated: error
/// messages reach the dashboard and the management API.
pub(crate) fn to_engine_error(
    status: u16,
    error_type: Option<&str>,
    retry_after: Option<Duration>,
    body: &[u8],
    code: &ErrorCode,
) -> EngineError {
    let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let name = error_type
        .map(str::to_owned)
        .or(parsed.code)
        .or(parsed.kind);
    let exception = name.as_deref().map(LexException::from_name);
    if let Some(detail) = &parsed.message {
        let detail: String = detail.chars().take(LOGGED_MESSAGE_CHARS).collect();
        tracing::warn!(status, exception = ?name, message = ?detail, "Lex answered an error");
    }
    let code = code.clone();
    match exception {
        Some(exception) => {
            let shown = match &exception {
                LexException::Other(_) => "(an exception Lex does not document)".to_owned(),
                known => known.to_string(),
            };
            let message = format!("Lex answered HTTP {status} {shown}; {}", exception.advice());
            match exception {
                LexException::AccessDenied | LexException::Authentication(_) => {
                    EngineError::Unauthorized { code, message }
                }
                e if e.is_transient() => EngineError::Transient {
                    code,
                    message,
                    retry_after,
                },
                _ => EngineError::Permanent { code, message },
            }
        }
        None => {
            let message = format!("Lex answered HTTP {status}");
            if status == 429 || status >= 500 {
                EngineError::Transient {
                    code,
                    message,
                    retry_after,
                }
            } else if status == 401 || status == 403 {
                EngineError::Unauthorized { code, message }
            } else {
                EngineError::Permanent { code, message }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_like_botocore() {
        assert_eq!(
            LexException::from_name(
                "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.deepsense.runtimeservice/"
            ),
            LexException::NotFound
        );
        assert_eq!(
            LexException::from_name("com.amazon.coral.service#UnrecognizedClientException"),
            LexException::Authentication("UnrecognizedClientException".into())
        );
        assert_eq!(
            LexException::from_name("LimitExceededException"),
            LexException::Throttling
        );
        assert_eq!(
            LexException::from_name("BrandNewException").to_string(),
            "BrandNewException"
        );
    }

    #[test]
    fn body_code_is_used_without_the_header() {
        let err = to_engine_error(
            400,
            None,
            None,
            br#"{"__type":"BadRequestException","Message":"Invalid Bot Name"}"#,
            &crate::codes::SEND_QUERY,
        );
        assert!(!err.is_transient());
        assert!(
            err.to_string()
                .contains("Lex answered HTTP 400 ValidationException; "),
            "{err}"
        );
        assert!(!err.to_string().contains("Invalid Bot Name"), "{err}");
    }

    #[test]
    fn undocumented_names_and_bodies_are_not_repeated() {
        let err = to_engine_error(
            418,
            Some("SECRET-INTERNAL-PAGE"),
            None,
            b"SECRET-INTERNAL-PAGE",
            &crate::codes::SEND_QUERY,
        );
        assert!(!err.to_string().contains("SECRET"), "{err}");
        assert!(
            err.to_string()
                .contains("HTTP 418 (an exception Lex does not document)"),
            "{err}"
        );
    }
}
