//! Sending a request and sorting failures into transient and permanent ones.

use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use reqwest::StatusCode;
use serde::Deserialize;

/// What came back from the server, before its status is judged.
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: String,
}

/// Sends `request` and reads the whole body. Network failures (connect,
/// timeout, a body cut short) are transient.
pub(crate) async fn execute(
    request: reqwest::RequestBuilder,
    code: &ErrorCode,
    what: &str,
) -> Result<RawResponse, EngineError> {
    let response = request.send().await.map_err(|e| network(e, code, what))?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response.text().await.map_err(|e| network(e, code, what))?;
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
) -> Result<String, EngineError> {
    check(execute(request, code, what).await?, code, what)
}

/// The body of a 2xx answer, or the error its status means: 408, 429 and 5xx
/// are transient; 401 and 403 are credential errors; other statuses permanent.
pub(crate) fn check(
    response: RawResponse,
    code: &ErrorCode,
    what: &str,
) -> Result<String, EngineError> {
    let status = response.status;
    if status.is_success() {
        return Ok(response.body);
    }
    let message = format!(
        "{what} answered HTTP {}: {}",
        status.as_u16(),
        describe(&response.body)
    );
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

/// A short description of an error body for the operator.
pub(crate) fn describe(body: &str) -> String {
    let joined = |a: Option<String>, b: Option<String>| match (a, b) {
        (Some(a), Some(b)) => format!("{a}: {b}"),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => "no details".to_owned(),
    };
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(ErrorBody::Google { error }) => joined(error.status, error.message),
        Ok(ErrorBody::OAuth {
            error,
            error_description,
        }) => joined(Some(error), error_description),
        Ok(ErrorBody::V1 { status }) => joined(status.error_type, status.error_details),
        Err(_) => {
            let trimmed = body.trim();
            if trimmed.is_empty() {
                "empty body".to_owned()
            } else {
                trimmed.chars().take(300).collect()
            }
        }
    }
}
