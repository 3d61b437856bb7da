//! How HTTP failures from Watson and IAM become [`EngineError`]s.

use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

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

/// A failed HTTP answer: status, vendor message and transaction id.
#[derive(Debug, Clone)]
pub(crate) struct HttpFailure {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) transaction_id: Option<String>,
}

impl HttpFailure {
    pub(crate) fn new(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let message = vendor_message(body).unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("unknown status")
                .to_owned()
        });
        Self {
            status,
            message,
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs),
            transaction_id: headers
                .get(TRANSACTION_ID)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        }
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
        let tx = self
            .transaction_id
            .as_deref()
            .map(|id| format!(" (X-Global-Transaction-Id {id})"))
            .unwrap_or_default();
        let message = format!(
            "{what}: HTTP {}: {}{tx}",
            self.status.as_u16(),
            self.message
        );
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
        assert!(bad.to_string().contains("HTTP 400: no"), "{bad}");
        let denied = HttpFailure::new(StatusCode::UNAUTHORIZED, &HeaderMap::new(), b"")
            .into_engine_error(code, "message");
        assert!(matches!(denied, EngineError::Unauthorized { .. }));
    }
}
