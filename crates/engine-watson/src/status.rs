//! How HTTP failures from Watson and IAM become [`EngineError`]s.
//!
//! Error messages carry the status, IAM's error code (`BXNIM0415E`) and the
//! transaction id, never text of the answer: they reach the dashboard and
//! the management API. The vendor's message is read to recognise an expired
//! session and is logged.

use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::upstream;

/// The most of a vendor message that is kept (for the log).
const KEPT_MESSAGE_CHARS: usize = 300;

/// The header every Watson response carries; logged with failures.
pub(crate) const TRANSACTION_ID: &str = "x-global-transaction-id";

/// The vendor's error message, read in the order IBM's SDK core reads it:
/// `errors[0].message`, `error`, `message`, `errorMessage`.
pub(crate) fn vendor_message(body: &[u8]) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let first = json
        .get("errors")
        .and_then(|e| e.get(0))
        .and_then(|e| e.get("message"));
    [
        first,
        json.get("error"),
        json.get("message"),
        json.get("errorMessage"),
    ]
    .into_iter()
    .flatten()
    .find_map(|v| v.as_str().map(str::to_owned))
}

/// IAM's `errorCode`, when it has IAM's shape.
fn iam_code(body: &[u8]) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let code = json.get("errorCode")?.as_str()?;
    upstream::iam_error_code(code).map(str::to_owned)
}

/// A failed HTTP answer: status, vendor message (for the log and the
/// invalid-session check only), IAM code and transaction id.
#[derive(Debug, Clone)]
pub(crate) struct HttpFailure {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) iam_code: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) transaction_id: Option<String>,
}

impl HttpFailure {
    pub(crate) fn new(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let message = vendor_message(body).map_or_else(
            || {
                status
                    .canonical_reason()
                    .unwrap_or("unknown status")
                    .to_owned()
            },
            |m| m.chars().take(KEPT_MESSAGE_CHARS).collect(),
        );
        Self {
            status,
            message,
            iam_code: iam_code(body),
            retry_after: upstream::retry_after(headers),
            transaction_id: headers
                .get(TRANSACTION_ID)
                .and_then(|v| v.to_str().ok())
                .and_then(upstream::transaction_id)
                .map(str::to_owned),
        }
    }

    /// `HTTP 404 (invalid session) (X-Global-Transaction-Id ...)`: what the
    /// error message says about the answer.
    pub(crate) fn describe(&self) -> String {
        let mut text = format!("HTTP {}", self.status.as_u16());
        if self.is_invalid_session() {
            text.push_str(" (invalid session)");
        }
        if let Some(code) = &self.iam_code {
            text.push_str(&format!(" ({code})"));
        }
        if let Some(id) = &self.transaction_id {
            text.push_str(&format!(" (X-Global-Transaction-Id {id})"));
        }
        text
    }

    /// Whether Watson says the v2 session is unknown or expired: a 404 whose
    /// message names the session (IBM answers `{"error":"Invalid Session","code":404}`).
    pub(crate) fn is_invalid_session(&self) -> bool {
        self.status == StatusCode::NOT_FOUND
            && self.message.to_ascii_lowercase().contains("session")
    }

    /// The engine error: 401/403 unauthorized; 408, 429 and 5xx transient; other
    /// statuses permanent.
    pub(crate) fn into_engine_error(self, code: ErrorCode, what: &str) -> EngineError {
        let message = format!("{what}: {}", self.describe());
        match self.status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                EngineError::Unauthorized { code, message }
            }
            StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS => EngineError::Transient {
                code,
                message,
                retry_after: self.retry_after,
            },
            s if s.is_server_error() => EngineError::Transient {
                code,
                message,
                retry_after: self.retry_after,
            },
            _ => EngineError::permanent(code, message),
        }
    }
}

/// A request that got no HTTP answer (connect error, timeout): transient.
pub(crate) fn transport_error(code: ErrorCode, what: &str, err: &reqwest::Error) -> EngineError {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    EngineError::transient(code, format!("{what} {kind}: {err}"))
}

#[cfg(test)]
mod tests {
    use reqwest::header::RETRY_AFTER;

    use super::*;

    #[test]
    fn vendor_message_follows_the_sdk_order() {
        let both = br#"{"errors":[{"code":"x","message":"first"}],"error":"second"}"#;
        assert_eq!(vendor_message(both).as_deref(), Some("first"));
        let classic = br#"{"error":"Invalid Session","code":404}"#;
        assert_eq!(vendor_message(classic).as_deref(), Some("Invalid Session"));
        let iam =
            br#"{"errorCode":"BXNIM0415E","errorMessage":"Provided API key could not be found"}"#;
        assert_eq!(
            vendor_message(iam).as_deref(),
            Some("Provided API key could not be found")
        );
        assert_eq!(vendor_message(b"<html>"), None);
    }

    #[test]
    fn statuses_map_to_transient_permanent_and_unauthorized() {
        let code = ErrorCode::from_static("engine.watson.send-query");
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        let limited = HttpFailure::new(StatusCode::TOO_MANY_REQUESTS, &headers, b"{}")
            .into_engine_error(code.clone(), "message");
        assert!(limited.is_transient());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));
        let bad = HttpFailure::new(
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            b"{\"error\":\"no\"}",
        )
        .into_engine_error(code.clone(), "message");
        assert!(matches!(bad, EngineError::Permanent { .. }));
        assert!(bad.to_string().ends_with("message: HTTP 400"), "{bad}");
        let denied = HttpFailure::new(StatusCode::UNAUTHORIZED, &HeaderMap::new(), b"")
            .into_engine_error(code, "message");
        assert!(matches!(denied, EngineError::Unauthorized { .. }));
    }

    #[test]
    fn messages_name_the_status_iam_code_and_transaction_id_only() {
        let mut headers = HeaderMap::new();
        headers.insert(TRANSACTION_ID, "8bc7f7b9-a8ec".parse().unwrap());
        let iam = HttpFailure::new(
            StatusCode::BAD_REQUEST,
            &headers,
            br#"{"errorCode":"BXNIM0415E","errorMessage":"SECRET"}"#,
        );
        assert_eq!(
            iam.describe(),
            "HTTP 400 (BXNIM0415E) (X-Global-Transaction-Id 8bc7f7b9-a8ec)"
        );
        let mut headers = HeaderMap::new();
        headers.insert(TRANSACTION_ID, "SECRET-INTERNAL-PAGE".parse().unwrap());
        let session = HttpFailure::new(
            StatusCode::NOT_FOUND,
            &headers,
            br#"{"error":"Invalid Session","code":404}"#,
        );
        assert_eq!(session.describe(), "HTTP 404 (invalid session)");
    }
}
