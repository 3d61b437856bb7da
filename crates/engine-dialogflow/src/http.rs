//! Sending a request and sorting failures into transient and permanent ones.
//!
//! Bodies are read up to 1 MiB. Error messages carry the HTTP status and the
//! vendor's error code when it is one of the documented ones (Google's
//! `error.status`, OAuth's `error`, V1's `status.errorType`), never text of
//! the answer: they reach the dashboard and the management API. The vendor's
//! message is logged.

use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use reqwest::StatusCode;
use serde::Deserialize;

use crate::upstream;

/// What came back from the server, before its status is judged.
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Vec<u8>,
}

/// Sends `request` and reads the body, at most 1 MiB. Network failures
/// (connect, timeout, a body cut short) are transient; a 2xx body over the
/// limit is permanent. The body of an error answer is only used for its
/// error code, so one that cannot be read is left empty.
pub(crate) async fn execute(
    request: reqwest::RequestBuilder,
    code: &ErrorCode,
    what: &str,
) -> Result<RawResponse, EngineError> {
    let response = request.send().await.map_err(|e| network(e, code, what))?;
    let status = response.status();
    let retry_after = upstream::retry_after(response.headers());
    let body = match upstream::body(response, code, what).await {
        Ok(body) => body,
        Err(e) if status.is_success() => return Err(e),
        Err(_) => Vec::new(),
    };
    Ok(RawResponse {
        status,
        retry_after,
        body,
    })
}

/// Sends `request` and returns the body of a 2xx answer.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    code: &ErrorCode,
    what: &str,
) -> Result<Vec<u8>, EngineError> {
    check(execute(request, code, what).await?, code, what)
}

/// The body of a 2xx answer, or the error its status means: 408, 429 and 5xx
/// are transient; 401 and 403 are credential errors; other statuses permanent.
pub(crate) fn check(
    response: RawResponse,
    code: &ErrorCode,
    what: &str,
) -> Result<Vec<u8>, EngineError> {
    let status = response.status;
    if status.is_success() {
        return Ok(response.body);
    }
    let (vendor_code, vendor_message) = describe(&response.body);
    if let Some(vendor_message) = &vendor_message {
        tracing::warn!(status = status.as_u16(), vendor_code, vendor_message = ?vendor_message, "{what} failed");
    }
    let message = match vendor_code {
        Some(vendor) => format!("{what} answered HTTP {} ({vendor})", status.as_u16()),
        None => format!("{what} answered HTTP {}", status.as_u16()),
    };
    let code = code.clone();
    Err(
        if status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::REQUEST_TIMEOUT
            || status.is_server_error()
        {
            EngineError::Transient {
                code,
                message,
                retry_after: response.retry_after,
            }
        } else if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            EngineError::Unauthorized { code, message }
        } else {
            EngineError::Permanent { code, message }
        },
    )
}

fn network(error: reqwest::Error, code: &ErrorCode, what: &str) -> EngineError {
    if error.is_builder() {
        EngineError::permanent(
            code.clone(),
            format!("cannot build the request to {what}: {error}"),
        )
    } else {
        let kind = if error.is_timeout() {
            "timed out"
        } else {
            "failed"
        };
        EngineError::transient(code.clone(), format!("the call to {what} {kind}: {error}"))
    }
}

/// Google's `{"error":{"code","message","status"}}`, the token endpoint's
/// `{"error":"invalid_grant","error_description":...}` and V1's
/// `{"status":{"code","errorType","errorDetails"}}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorBody {
    Google {
        error: GoogleStatus,
    },
    OAuth {
        error: String,
        #[serde(default)]
        error_description: Option<String>,
    },
    V1 {
        status: V1Status,
    },
}

#[derive(Deserialize)]
struct GoogleStatus {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct V1Status {
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default, rename = "errorDetails")]
    error_details: Option<String>,
}

/// The most of a vendor message that is logged.
const LOGGED_MESSAGE_CHARS: usize = 300;

/// An error body's code (for the error message; only one of the vendor's
/// documented codes, e.g. `PERMISSION_DENIED`) and its free-text message
/// (for the log only, at most 300 characters).
pub(crate) fn describe(body: &[u8]) -> (Option<&'static str>, Option<String>) {
    let (code, message) = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody::Google { error }) => (
            error.status.as_deref().and_then(upstream::google_status),
            error.message,
        ),
        Ok(ErrorBody::OAuth {
            error,
            error_description,
        }) => (upstream::oauth_error(&error), error_description),
        Ok(ErrorBody::V1 { status }) => (
            status
                .error_type
                .as_deref()
                .and_then(upstream::v1_error_type),
            status.error_details,
        ),
        Err(_) => (None, None),
    };
    (
        code,
        message.map(|m| m.chars().take(LOGGED_MESSAGE_CHARS).collect()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_documented_codes_reach_the_error_message() {
        let google = br#"{"error":{"code":403,"status":"PERMISSION_DENIED","message":"SECRET"}}"#;
        assert_eq!(
            describe(google),
            (Some("PERMISSION_DENIED"), Some("SECRET".into()))
        );
        let oauth = br#"{"error":"invalid_grant","error_description":"SECRET"}"#;
        assert_eq!(describe(oauth).0, Some("invalid_grant"));
        let v1 = br#"{"status":{"code":400,"errorType":"bad_request","errorDetails":"SECRET"}}"#;
        assert_eq!(describe(v1).0, Some("bad_request"));
        let prose = br#"{"error":"SECRET-INTERNAL-PAGE"}"#;
        assert_eq!(describe(prose).0, None);
        assert_eq!(describe(b"<html>SECRET</html>"), (None, None));
    }
}
