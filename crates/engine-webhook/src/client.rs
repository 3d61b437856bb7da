//! One call to the service with the contract's retry policy: 4xx are not
//! retried (a 401 once, with a new token); 429 waits for `Retry-After`, at
//! least 1 s and at most 300 s; 5xx and network errors wait 5, 10, 15 s; at
//! most `max_attempts` attempts; each attempt has its own timeout. Only the
//! body of a 2xx answer is read (at most 1 MiB); error messages carry the
//! status, never the body.

use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::token::TokenCache;
use crate::upstream;

/// The shortest wait after a 429, whatever its `Retry-After` says.
const MIN_RETRY_AFTER: Duration = Duration::from_secs(1);

pub(crate) struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) tokens: TokenCache,
    pub(crate) timeout: Duration,
    pub(crate) max_attempts: u32,
    pub(crate) delays: Vec<Duration>,
}

/// A final answer that is not a retryable failure: the caller judges 2xx and
/// 4xx. `body` is empty unless the status is 2xx.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: Vec<u8>,
}

/// The wait after a 429: its `Retry-After` (already at most 300 s), at least 1 s.
fn too_many_requests_wait(retry_after: Option<Duration>) -> Duration {
    retry_after.unwrap_or_default().max(MIN_RETRY_AFTER)
}

impl Client {
    /// The pause after failed attempt `attempt` (1-based): the configured
    /// delays in order, the last one repeating.
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
        let mut attempt: u32 = 1;
        loop {
            let token = self.tokens.get(&self.http).await?;
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose())
                .timeout(self.timeout);
            if let Some(body) = body {
                request = request.json(body);
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
                    let retry_after = upstream::retry_after(response.headers());
                    if status == StatusCode::UNAUTHORIZED && !refreshed {
                        // The token may have been revoked early: fetch a new one once.
                        refreshed = true;
                        self.tokens.invalidate().await;
                        continue;
                    }
                    let message = format!(
                        "{method} {} answered HTTP {} (attempt {attempt})",
                        url.path(),
                        status.as_u16(),
                    );
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        let wait = too_many_requests_wait(retry_after);
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
                    } else if status.is_success() {
                        let what = format!("{method} {}", url.path());
                        match upstream::body(response, code, &what).await {
                            Ok(body) => return Ok(Answer { status, body }),
                            Err(e) if e.is_transient() => e,
                            Err(e) => return Err(e),
                        }
                    } else {
                        return Ok(Answer {
                            status,
                            body: Vec::new(),
                        });
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
/// The answer's body is not repeated: the message reaches the dashboard and
/// the management API.
pub(crate) fn rejected(answer: &Answer, what: &str, code: &ErrorCode) -> EngineError {
    let message = format!("{what} answered HTTP {}", answer.status.as_u16());
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

#[cfg(test)]
mod tests {
    use connector_core::Secret;

    use super::*;

    fn client(delays: &[u64]) -> Client {
        let url = Url::parse("http://127.0.0.1:9/token").unwrap();
        Client {
            http: reqwest::Client::new(),
            tokens: TokenCache::new(url, "id".into(), Secret::new("s"), Duration::from_secs(1)),
            timeout: Duration::from_secs(1),
            max_attempts: 3,
            delays: delays.iter().map(|s| Duration::from_secs(*s)).collect(),
        }
    }

    #[test]
    fn pauses_follow_the_configured_delays_and_the_last_repeats() {
        let c = client(&[5, 10, 15]);
        let pauses: Vec<u64> = (1..=5).map(|a| c.pause(a).as_secs()).collect();
        assert_eq!(pauses, [5, 10, 15, 15, 15]);
        assert_eq!(client(&[]).pause(1), Duration::ZERO);
        assert_eq!(client(&[2]).pause(u32::MAX), Duration::from_secs(2));
    }

    #[test]
    fn a_429_waits_at_least_one_second() {
        assert_eq!(too_many_requests_wait(None), MIN_RETRY_AFTER);
        assert_eq!(
            too_many_requests_wait(Some(Duration::ZERO)),
            MIN_RETRY_AFTER
        );
        assert_eq!(
            too_many_requests_wait(Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
    }
}
