//! One call to the service with the contract's retry policy: 4xx are not
//! retried (a 401 once, with a new token); 429 waits for `Retry-After`, at
//! least 1 s; 5xx and network errors wait 5, 10, 15 s; at most
//! `max_attempts` attempts; each attempt has its own timeout.

use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::token::TokenCache;

pub(crate) struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) tokens: TokenCache,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_attempts: u32,
    pub(crate) delays: Vec<Duration>,
}

/// A final answer that is not a retryable failure: the caller judges 2xx and 4xx.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: String,
}

impl Client {
    fn pause(&self, attempt: u32) -> Duration {
        let index = usize::try_from(attempt.saturating_sub(1)).unwrap_or(usize::MAX);
        self.delays
            .get(index)
            .or(self.delays.last())
            .copied()
            .unwrap_or_default()
    }

    pub(crate) async fn call(
        &self,
        method: Method,
        url: &Url,
        body: Option<&serde_json::Value>,
        code: &ErrorCode,
    ) -> Result<Answer, EngineError> {
        let mut refreshed = false;
        let mut attempt = 1;
        loop {
            let token = self.tokens.get(&self.http).await?;
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose());
            if let Some(body) = body {
                request = request.json(body);
            }
            if let Some(timeout) = self.timeout {
                request = request.timeout(timeout);
            }
            let last = attempt >= self.max_attempts;
            let failure = match request.send().await {
                Err(e) => {
                    let kind = if e.is_timeout() {
                        "timed out"
                    } else {
                        "failed"
                    };
                    EngineError::transient(
                        code.clone(),
                        format!("{method} {} {kind} (attempt {attempt}): {e}", url.path()),
                    )
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let body = response.text().await.unwrap_or_default();
                    if status == StatusCode::UNAUTHORIZED && !refreshed {
                        // The token may have been revoked early: fetch a new one once.
                        refreshed = true;
                        self.tokens.invalidate().await;
                        continue;
                    }
                    let message = format!(
                        "{method} {} answered HTTP {} (attempt {attempt}): {}",
                        url.path(),
                        status.as_u16(),
                        body.chars().take(300).collect::<String>()
                    );
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        let wait = retry_after.unwrap_or_default().max(Duration::from_secs(1));
                        if last {
                            return Err(EngineError::Transient {
                                code: code.clone(),
                                message,
                                retry_after: Some(wait),
                            });
                        }
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                        continue;
                    }
                    if status.is_server_error() {
                        EngineError::transient(code.clone(), message)
                    } else {
                        return Ok(Answer { status, body });
                    }
                }
            };
            if last {
                return Err(failure);
            }
            tracing::debug!(error = %failure, "custom endpoint call will be retried");
            tokio::time::sleep(self.pause(attempt)).await;
            attempt += 1;
        }
    }
}

/// The error for a final 4xx answer (a 401 after a new token, 403, 404, ...).
pub(crate) fn rejected(answer: &Answer, what: &str, code: &ErrorCode) -> EngineError {
    let message = format!(
        "{what} answered HTTP {}: {}",
        answer.status.as_u16(),
        answer.body.chars().take(300).collect::<String>()
    );
    if matches!(
        answer.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ) {
        EngineError::Unauthorized {
            code: code.clone(),
            message: format!("{message}; check the client id and secret of the app installation"),
        }
    } else if answer.status == StatusCode::REQUEST_TIMEOUT {
        EngineError::transient(code.clone(), message)
    } else {
        EngineError::permanent(code.clone(), message)
    }
}
