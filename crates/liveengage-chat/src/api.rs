//! One HTTP call to the Chat Agent API: bearer header, `?v=1&NC=true`,
//! `X-HTTP-Method-Override` for PUT, a per-request timeout, one fresh login
//! on 401, and answers classified into [`ChatError`]s. Retrying is the
//! caller's business (see `retrying`), because only the caller knows whether
//! a lost answer may be retried blindly.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use connector_core::Secret;
use liveengage_auth::retry::{Outcome, RetryPolicy};
use serde_json::Value;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::error::ChatError;
use crate::stats::Stats;
use crate::token::TokenSource;

/// The HTTP verbs the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Get,
    Post,
    /// Sent as POST with `X-HTTP-Method-Override: PUT`, as the docs prescribe.
    Put,
}

pub(crate) struct Api {
    client: reqwest::Client,
    account_root: String,
    tokens: Arc<dyn TokenSource>,
    bearer: Mutex<Option<Secret>>,
    timeout: Duration,
    pub(crate) retry: RetryPolicy,
    stop: watch::Receiver<bool>,
    stats: Arc<Stats>,
}

/// Adds the query every call carries.
pub(crate) fn with_query(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}v=1&NC=true")
}

/// The `from` position of a `next` link (`…/events?from=7`).
pub(crate) fn from_param(href: &str) -> Option<u64> {
    let query = href.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("from="))
        .and_then(|v| v.parse().ok())
}

/// The last path segment of a location (`…/chat/abc` → `abc`), without a `.json` suffix.
pub(crate) fn last_segment(href: &str) -> Option<&str> {
    let path = href.split(['?', '#']).next()?;
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let last = last.strip_suffix(".json").unwrap_or(last);
    (!last.is_empty()).then_some(last)
}

impl Api {
    #[allow(clippy::too_many_arguments)] // one private constructor, called once
    pub(crate) fn new(
        client: reqwest::Client,
        base: &url::Url,
        account: &str,
        tokens: Arc<dyn TokenSource>,
        timeout: Duration,
        retry: RetryPolicy,
        stop: watch::Receiver<bool>,
        stats: Arc<Stats>,
    ) -> Self {
        let root = base.as_str().trim_end_matches('/');
        Self {
            client,
            account_root: format!("{root}/api/account/{account}"),
            tokens,
            bearer: Mutex::new(None),
            timeout,
            retry,
            stop,
            stats,
        }
    }

    /// `{base}/api/account/{a}/agentSession` + `path`.
    pub(crate) fn sessions_url(&self) -> String {
        format!("{}/agentSession", self.account_root)
    }

    pub(crate) fn stopped(&self) -> bool {
        *self.stop.borrow()
    }

    async fn bearer(&self, renew: bool) -> Result<Secret, ChatError> {
        if !renew
            && let Some(b) = self
                .bearer
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        {
            return Ok(b);
        }
        if renew {
            self.stats.bump(&self.stats.relogins);
        }
        let fresh = self.tokens.bearer(renew).await?;
        *self.bearer.lock().unwrap_or_else(PoisonError::into_inner) = Some(fresh.clone());
        Ok(fresh)
    }

    /// One call (two when the first gets 401: a fresh login, then again).
    /// Returns the decoded body (`Null` when empty).
    pub(crate) async fn once(
        &self,
        operation: &'static str,
        verb: Verb,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Value, ChatError> {
        if self.stopped() {
            return Err(ChatError::Shutdown);
        }
        self.call(operation, verb, url, body).await
    }

    /// As [`once`](Self::once), also after shutdown (to sign off).
    pub(crate) async fn call(
        &self,
        operation: &'static str,
        verb: Verb,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Value, ChatError> {
        let mut renew = false;
        loop {
            let bearer = self.bearer(renew).await?;
            match self.send(operation, verb, url, body, &bearer).await {
                Err(ChatError::Status { status: 401, .. }) if !renew => {
                    tracing::info!(operation, "bearer refused (401): logging in again");
                    renew = true;
                }
                other => return other,
            }
        }
    }

    async fn send(
        &self,
        operation: &'static str,
        verb: Verb,
        url: &str,
        body: Option<&Value>,
        bearer: &Secret,
    ) -> Result<Value, ChatError> {
        let url = with_query(url);
        let mut request = match verb {
            Verb::Get => self.client.get(&url),
            Verb::Post => self.client.post(&url),
            Verb::Put => self
                .client
                .post(&url)
                .header("X-HTTP-Method-Override", "PUT"),
        }
        .bearer_auth(bearer.expose())
        .header("Accept", "application/json")
        .timeout(self.timeout);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.stats.bump(&self.stats.requests);
        let response = request.send().await.map_err(|e| ChatError::Network {
            operation,
            message: connector_http::describe_error(&e),
        })?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = response.text().await.map_err(|e| ChatError::Network {
            operation,
            message: connector_http::describe_error(&e),
        })?;
        if !(200..300).contains(&status) {
            return Err(ChatError::Status {
                operation,
                status,
                body: text.chars().take(500).collect(),
                retry_after,
            });
        }
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| ChatError::Decode {
            operation,
            message: e.to_string(),
            body: text.chars().take(500).collect(),
        })
    }

    /// How long to wait after `attempt` failures ending in `err`, or `None`
    /// when the policy gives up or the error is final.
    pub(crate) fn delay_after(&self, attempt: u32, err: &ChatError) -> Option<Duration> {
        let outcome = match err {
            ChatError::Status {
                status,
                retry_after,
                ..
            } => Outcome::from_status(*status, *retry_after),
            ChatError::Network { .. } | ChatError::Decode { .. } => Outcome::Network,
            ChatError::Login {
                transient: true, ..
            } => Outcome::Network,
            ChatError::Login { .. } | ChatError::Shutdown | ChatError::Setup { .. } => return None,
        };
        self.retry.next_delay(attempt, &outcome)
    }

    /// Sleeps `delay` unless the channel shuts down first.
    pub(crate) async fn pause(&self, delay: Duration) -> Result<(), ChatError> {
        let mut stop = self.stop.clone();
        tokio::select! {
            () = tokio::time::sleep(delay) => Ok(()),
            _ = stop.wait_for(|s| *s) => Err(ChatError::Shutdown),
        }
    }

    /// A call retried by the policy until `deadline`: only for calls that are
    /// safe to repeat (reads, availability, creating a session).
    pub(crate) async fn retrying(
        &self,
        operation: &'static str,
        verb: Verb,
        url: &str,
        body: Option<&Value>,
        deadline: Option<Instant>,
    ) -> Result<Value, ChatError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.once(operation, verb, url, body).await {
                Ok(v) => return Ok(v),
                Err(err) => {
                    let Some(delay) = self.delay_after(attempt, &err) else {
                        return Err(err);
                    };
                    if deadline.is_some_and(|d| Instant::now() + delay > d) {
                        return Err(err);
                    }
                    self.stats.bump(&self.stats.retries);
                    tracing::debug!(operation, ?delay, "retrying: {err}");
                    self.pause(delay).await?;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_queries() {
        assert_eq!(with_query("http://h/a"), "http://h/a?v=1&NC=true");
        assert_eq!(
            with_query("http://h/a?from=3"),
            "http://h/a?from=3&v=1&NC=true"
        );
        assert_eq!(from_param("http://h/c/1/events?from=12"), Some(12));
        assert_eq!(from_param("http://h/c/1/events?x=1&from=4&v=1"), Some(4));
        assert_eq!(from_param("http://h/c/1/events"), None);
        assert_eq!(last_segment("http://h/agentSession/abc"), Some("abc"));
        assert_eq!(last_segment("http://h/chat/xyz.json?v=1"), Some("xyz"));
        assert_eq!(last_segment("http://h/chat/1/events/5/"), Some("5"));
    }
}
