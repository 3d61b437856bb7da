//! What the engine takes from Dialogflow and the token endpoint, bounded: bodies up to
//! [`DEFAULT_BODY_LIMIT`], token lifetimes up to a day, `Retry-After` up to
//! five minutes, and error messages that never quote an answer.

use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use connector_http::{BodyError, DEFAULT_BODY_LIMIT};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

/// The longest `Retry-After` honoured; a longer one counts as this.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);
/// The longest token lifetime believed; a longer `expires_in` counts as this.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Reads `response`'s body up to [`DEFAULT_BODY_LIMIT`]. A larger body is a
/// permanent error (retrying fetches the same one); a connection lost while
/// reading is transient.
pub(crate) async fn body(
    response: reqwest::Response,
    code: &ErrorCode,
    what: &str,
) -> Result<Vec<u8>, EngineError> {
    connector_http::read_body(response, DEFAULT_BODY_LIMIT)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge { limit } => EngineError::permanent(
                code.clone(),
                format!(
                    "the answer to {what} is larger than {limit} bytes, the most the engine reads; check that the URL points at the service"
                ),
            ),
            other => EngineError::transient(
                code.clone(),
                format!("reading the answer to {what} failed: {other}"),
            ),
        })
}

/// `Retry-After` in seconds, at most [`MAX_RETRY_AFTER`]. An HTTP date or a
/// value that is not a number is ignored.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

/// A token lifetime from `expires_in` (seconds, a JSON number or a numeric
/// string): `default` when it is absent, zero, negative or not a number, and
/// at most [`MAX_TOKEN_LIFETIME`].
pub(crate) fn token_lifetime(expires_in: Option<&Value>, default: Duration) -> Duration {
    let secs = match expires_in {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match secs {
        Some(s) if s.is_finite() && s >= 1.0 => {
            // Compared as f64 first: `Duration::from_secs_f64` panics on
            // values it cannot hold.
            if s >= MAX_TOKEN_LIFETIME.as_secs_f64() {
                MAX_TOKEN_LIFETIME
            } else {
                Duration::from_secs_f64(s.floor())
            }
        }
        _ => default,
    }
}

/// What is wrong with an answer that did not deserialize, without quoting it:
/// serde's messages can contain the answer's values (`invalid type: string
/// "..."`), so only "missing field" (which names one of our fields) is kept.
pub(crate) fn json_problem(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    // `from_value` errors have no position (line 0).
    let at = if error.line() == 0 {
        "in the answer".to_owned()
    } else {
        format!("line {}, column {}", error.line(), error.column())
    };
    match error.classify() {
        Category::Syntax => format!("it is not JSON ({at})"),
        Category::Eof => format!("it ends early ({at})"),
        Category::Io => format!("it could not be read ({at})"),
        Category::Data => {
            let text = error.to_string();
            if text.starts_with("missing field") {
                text
            } else {
                format!("a field has the wrong type or value ({at})")
            }
        }
    }
}

/// Google's canonical error codes (`google.rpc.Code`), as `error.status` names them.
const GOOGLE_STATUSES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// `value` when it is one of Google's canonical error codes (`PERMISSION_DENIED`, ...).
pub(crate) fn google_status(value: &str) -> Option<&'static str> {
    GOOGLE_STATUSES.into_iter().find(|c| *c == value.trim())
}

/// Dialogflow V1's `status.errorType` values.
const V1_ERROR_TYPES: [&str; 9] = [
    "success",
    "deprecated",
    "bad_request",
    "unauthorized",
    "not_found",
    "not_allowed",
    "not_acceptable",
    "conflict",
    "too_many_requests",
];

/// `value` when it is one of Dialogflow V1's error types (`bad_request`, ...).
pub(crate) fn v1_error_type(value: &str) -> Option<&'static str> {
    V1_ERROR_TYPES
        .into_iter()
        .chain(["internal_server_error", "service_unavailable"])
        .find(|c| *c == value.trim())
}

/// OAuth2's error codes (RFC 6749, sections 4.1.2.1 and 5.2).
const OAUTH_ERRORS: [&str; 10] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "access_denied",
    "unsupported_response_type",
    "server_error",
    "temporarily_unavailable",
];

/// `value` when it is one of OAuth2's error codes (`invalid_client`, ...).
/// The codes come from a fixed list, so nothing else the answer says is
/// repeated in an error message.
pub(crate) fn oauth_error(value: &str) -> Option<&'static str> {
    OAUTH_ERRORS.into_iter().find(|c| *c == value.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_lifetimes_are_clamped_and_defaulted() {
        let default = Duration::from_secs(3600);
        let life = |v: Value| token_lifetime(Some(&v), default);
        assert_eq!(life(json!(120)), Duration::from_secs(120));
        assert_eq!(life(json!("120")), Duration::from_secs(120));
        assert_eq!(life(json!(u64::MAX)), MAX_TOKEN_LIFETIME);
        assert_eq!(life(json!(1e300)), MAX_TOKEN_LIFETIME);
        assert_eq!(life(json!(0)), default);
        assert_eq!(life(json!(-5)), default);
        assert_eq!(life(json!(i64::MIN)), default);
        assert_eq!(life(json!("soon")), default);
        assert_eq!(life(json!(null)), default);
        assert_eq!(token_lifetime(None, default), default);
    }

    #[test]
    fn retry_after_is_at_most_five_minutes() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, u64::MAX.to_string().parse().unwrap());
        assert_eq!(retry_after(&headers), Some(MAX_RETRY_AFTER));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn json_problems_do_not_quote_the_answer() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Shape {
            state: u32,
        }
        let wrong =
            serde_json::from_str::<Shape>(r#"{"state": "SECRET-INTERNAL-PAGE"}"#).unwrap_err();
        assert!(
            !json_problem(&wrong).contains("SECRET"),
            "{}",
            json_problem(&wrong)
        );
        let html = serde_json::from_str::<Shape>("<html>SECRET</html>").unwrap_err();
        assert!(json_problem(&html).starts_with("it is not JSON"));
        let missing = serde_json::from_str::<Shape>("{}").unwrap_err();
        assert!(json_problem(&missing).contains("missing field `state`"));
    }

    #[test]
    fn only_listed_google_and_v1_codes_are_repeated() {
        assert_eq!(
            google_status("PERMISSION_DENIED"),
            Some("PERMISSION_DENIED")
        );
        assert_eq!(google_status("SECRET_INTERNAL_PAGE"), None);
        assert_eq!(
            v1_error_type("service_unavailable"),
            Some("service_unavailable")
        );
        assert_eq!(v1_error_type("secret"), None);
    }

    #[test]
    fn only_listed_oauth_errors_are_repeated() {
        assert_eq!(oauth_error(" invalid_client "), Some("invalid_client"));
        assert_eq!(oauth_error("SECRET-INTERNAL-PAGE"), None);
        assert_eq!(oauth_error("<html>"), None);
    }
}
