//! The one HTTP client, and how an answer becomes a result.

use std::future::Future;
use std::time::Duration;

use liveengage_proto::login::{ErrorBody, ErrorValue};
use reqwest::{Client, Response, StatusCode, header};
use tokio_util::sync::CancellationToken;

use crate::config::{AuthConfig, ConfigError, RetryNotice};
use crate::error::{AuthError, Operation};

/// Builds the shared client: rustls on the configured trust, https only
/// unless `allow_http`.
pub(crate) fn build_client(config: &AuthConfig) -> Result<Client, ConfigError> {
    let mut builder = config
        .trust
        .http_client_builder()
        .user_agent(config.user_agent.clone())
        .https_only(!config.allow_http);
    match config.request_timeout {
        Some(timeout) => builder = builder.timeout(timeout).connect_timeout(timeout),
        // Paused-clock tests: no timer may be pending while waiting for the
        // network, and the pool's idle timer is one.
        None => builder = builder.pool_max_idle_per_host(0),
    }
    builder.build().map_err(|e| ConfigError::HttpClient {
        reason: e.to_string(),
    })
}

/// Sends a request; a non-2xx status becomes the matching [`AuthError`].
pub(crate) async fn send(
    operation: Operation,
    request: reqwest::RequestBuilder,
) -> Result<Response, AuthError> {
    let response = request
        .send()
        .await
        .map_err(|source| AuthError::Network { operation, source })?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = retry_after(&response);
    // Only LiveEngage's own error shape is read, and only a little of it.
    let body = connector_http::read_body(response, ERROR_BODY_LIMIT)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    Err(classify(operation, status, retry_after, &body))
}

/// The most of an answer read: CSDS and login answers are a few KiB.
const ANSWER_LIMIT: usize = 256 * 1024;
/// The most of an error answer read.
const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// Reads a 2xx body as text, at most 256 KiB (network errors while reading
/// are network errors; a longer answer is an unexpected one).
pub(crate) async fn text(operation: Operation, response: Response) -> Result<String, AuthError> {
    match connector_http::read_body(response, ANSWER_LIMIT).await {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| AuthError::UnexpectedResponse {
            operation,
            reason: "the answer is not UTF-8 text".to_owned(),
        }),
        Err(connector_http::BodyError::Network(source)) => {
            Err(AuthError::Network { operation, source })
        }
        Err(err) => Err(AuthError::UnexpectedResponse {
            operation,
            reason: err.to_string(),
        }),
    }
}

/// Where and why a JSON answer did not decode, without quoting any of it
/// (serde's own message can repeat a value from the answer, e.g. a token).
pub(crate) fn json_shape_error(err: &serde_json::Error) -> String {
    let what = match err.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "JSON of another shape",
        serde_json::error::Category::Eof => "cut-off JSON",
    };
    format!("{what} at line {}, column {}", err.line(), err.column())
}

fn retry_after(response: &Response) -> Option<Duration> {
    response
        .headers()
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// Turns an error answer into an [`AuthError`].
pub(crate) fn classify(
    operation: Operation,
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &str,
) -> AuthError {
    let message = error_message(body);
    match status.as_u16() {
        401 => AuthError::Unauthorized { operation, message },
        429 => AuthError::RateLimited {
            operation,
            retry_after,
        },
        status @ 500..=599 => AuthError::Server {
            operation,
            status,
            message,
        },
        status @ 400..=499 => AuthError::Rejected {
            operation,
            status,
            message,
        },
        other => AuthError::UnexpectedResponse {
            operation,
            reason: format!("HTTP {other}"),
        },
    }
}

/// The message of LiveEngage's `{"error":…}` body (at most 200 characters,
/// on one line); any other body is not repeated (the URL may be the caller's
/// choice, and its pages are not ours to show).
fn error_message(body: &str) -> String {
    let message = le_error_message(body);
    let mut text: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    if message.chars().count() > 200 {
        text.push('…');
    }
    text
}

fn le_error_message(body: &str) -> String {
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(ErrorBody {
            error: ErrorValue::Message(message),
        }) => message,
        Ok(ErrorBody {
            error: ErrorValue::Detail(detail),
        }) => {
            let text = detail.message.unwrap_or_else(|| "no message".to_owned());
            match detail.internal_code {
                Some(code) => format!("{text}, internal code {code}"),
                None => text,
            }
        }
        Err(_) if body.trim().is_empty() => "empty body".to_owned(),
        Err(_) => "not LiveEngage's error format".to_owned(),
    }
}

/// Runs `attempt` until it succeeds, the policy gives up, or `cancel` fires.
pub(crate) async fn with_retries<T, F, Fut>(
    config: &AuthConfig,
    operation: Operation,
    cancel: &CancellationToken,
    mut attempt: F,
) -> Result<T, AuthError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AuthError>>,
{
    let mut failures: u32 = 0;
    loop {
        let error = tokio::select! {
            () = cancel.cancelled() => return Err(AuthError::Stopped),
            result = attempt() => match result {
                Ok(value) => return Ok(value),
                Err(error) => error,
            },
        };
        failures = failures.saturating_add(1);
        let Some(outcome) = error.outcome() else {
            return Err(error);
        };
        let Some(delay) = config.retry.next_delay(failures, &outcome) else {
            tracing::warn!(account_id = %config.account_id, code = %error.code(), attempt = failures, error = %error, "giving up");
            return Err(error);
        };
        tracing::warn!(account_id = %config.account_id, code = %error.code(), attempt = failures, delay_ms = delay.as_millis(), error = %error, "retrying");
        if let Some(observer) = &config.retry_observer {
            (observer.0)(&RetryNotice {
                operation,
                attempt: failures,
                outcome,
                delay,
            });
        }
        tokio::select! {
            () = cancel.cancelled() => return Err(AuthError::Stopped),
            () = tokio::time::sleep(delay) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_of_both_shapes_give_a_message() {
        let detail = r#"{"error":{"time":"t","message":"Bad credentials","internalCode":10,"responseStatus":"UNAUTHORIZED"}}"#;
        assert_eq!(error_message(detail), "Bad credentials, internal code 10");
        let text = r#"{"error":"LeLogin1 failed - invalid url received from app server"}"#;
        assert_eq!(
            error_message(text),
            "LeLogin1 failed - invalid url received from app server"
        );
        assert_eq!(error_message(""), "empty body");
        assert_eq!(
            error_message("<html>internal admin page</html>"),
            "not LiveEngage's error format"
        );
        let long = format!(r#"{{"error":"{}"}}"#, "x\n".repeat(300));
        assert!(error_message(&long).chars().count() <= 201);
        assert!(!error_message(&long).contains('\n'));
    }

    #[test]
    fn statuses_map_to_variants_with_codes() {
        let e = classify(Operation::Login, StatusCode::UNAUTHORIZED, None, "");
        assert!(e.is_unauthorized() && !e.is_transient());
        assert_eq!(e.code().as_str(), "auth.login");
        let e = classify(
            Operation::Refresh,
            StatusCode::TOO_MANY_REQUESTS,
            Some(Duration::from_secs(2)),
            "",
        );
        assert!(e.is_transient());
        assert_eq!(e.code().as_str(), "auth.refresh");
        assert!(
            matches!(e, AuthError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(2))
        );
        let e = classify(Operation::Csds, StatusCode::BAD_GATEWAY, None, "x");
        assert!(matches!(e, AuthError::Server { status: 502, .. }));
        let e = classify(Operation::Csds, StatusCode::NOT_FOUND, None, "x");
        assert!(matches!(e, AuthError::Rejected { status: 404, .. }) && !e.is_transient());
    }
}
