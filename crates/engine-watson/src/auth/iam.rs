//! The IBM Cloud IAM token manager: API key in, bearer token out.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use connector_core::{EngineError, Secret};
use reqwest::header::ACCEPT;
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::error::codes;
use crate::status::{HttpFailure, transport_error};
use crate::upstream;

/// IAM's grant type for API keys.
const GRANT_TYPE: &str = "urn:ibm:params:oauth:grant-type:apikey";
/// A token is not used in its last 10 seconds, as IBM's SDK core does.
const EXPIRY_MARGIN: Duration = Duration::from_secs(10);
/// The lifetime assumed when IAM names none, or zero, a negative number or
/// no number (IAM tokens live about 60 minutes). A lifetime over 24 h counts
/// as 24 h.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    expires_in: Option<serde_json::Value>,
    expiration: Option<serde_json::Value>,
}

struct CachedToken {
    token: Secret,
    /// 80 % of the lifetime: from here on the next caller fetches a new token.
    refresh_at: Instant,
    /// Until here the token is still used if a refresh fails.
    usable_until: Instant,
}

/// Exchanges the API key for a bearer token, caches it, refreshes it at 80 %
/// of its lifetime or after a 401. The lock is held across the exchange, so
/// concurrent callers wait for one refresh instead of starting their own.
pub(crate) struct IamTokenManager {
    client: reqwest::Client,
    url: Url,
    apikey: Secret,
    timeout: Duration,
    cached: Mutex<Option<CachedToken>>,
}

impl IamTokenManager {
    pub(crate) fn new(
        client: reqwest::Client,
        url: Url,
        apikey: Secret,
        timeout: Duration,
    ) -> Self {
        Self {
            client,
            url,
            apikey,
            timeout,
            cached: Mutex::new(None),
        }
    }

    /// A valid token, from the cache or a new exchange.
    pub(crate) async fn token(&self) -> Result<Secret, EngineError> {
        let mut cached = self.cached.lock().await;
        let now = Instant::now();
        if let Some(token) = cached.as_ref().filter(|t| now < t.refresh_at) {
            return Ok(token.token.clone());
        }
        match self.exchange().await {
            Ok(fresh) => {
                let token = fresh.token.clone();
                *cached = Some(fresh);
                Ok(token)
            }
            Err(err) => match cached.as_ref().filter(|t| Instant::now() < t.usable_until) {
                Some(old) => {
                    tracing::warn!(error = %err, "IAM token refresh failed; using the current token until it expires");
                    Ok(old.token.clone())
                }
                None => Err(err),
            },
        }
    }

    /// Drops the cached token if it is `rejected`, so the next call fetches a new one.
    pub(crate) async fn invalidate(&self, rejected: &Secret) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|t| &t.token == rejected) {
            tracing::info!("Watson rejected the IAM token; fetching a new one");
            *cached = None;
        }
    }

    async fn exchange(&self) -> Result<CachedToken, EngineError> {
        let what = "IAM token request";
        let started = Instant::now();
        let response = self
            .client
            .post(self.url.clone())
            .timeout(self.timeout)
            .header(ACCEPT, "application/json")
            .form(&[
                ("grant_type", GRANT_TYPE),
                ("apikey", self.apikey.expose()),
                ("response_type", "cloud_iam"),
            ])
            .send()
            .await
            .map_err(|e| transport_error(codes::AUTH, what, &e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = match upstream::body(response, &codes::AUTH, what).await {
            Ok(body) => body,
            Err(e) if status.is_success() => return Err(e),
            // An error answer is only read for its code.
            Err(_) => Vec::new(),
        };
        if !status.is_success() {
            let failure = HttpFailure::new(status, &headers, &body);
            // IAM answers 400 to an unknown or malformed API key: a credentials
            // problem, not a bad request of ours.
            if status == reqwest::StatusCode::BAD_REQUEST {
                return Err(EngineError::Unauthorized {
                    code: codes::AUTH,
                    message: format!("{what}: {}", failure.describe()),
                });
            }
            return Err(failure.into_engine_error(codes::AUTH, what));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            invalid(
                format!("not IAM's token JSON: {}", upstream::json_problem(&e)),
                &body,
            )
        })?;
        let Some(token) = parsed.access_token.filter(|t| !t.is_empty()) else {
            return Err(invalid("no access_token in the answer".into(), &body));
        };
        let lifetime = lifetime(parsed.expires_in.as_ref(), parsed.expiration.as_ref());
        // The lifetime is at most a day; an `Instant` that cannot hold it
        // anyway means the token is not reused.
        let at = |after: Duration| started.checked_add(after).unwrap_or(started);
        Ok(CachedToken {
            token: Secret::new(token),
            refresh_at: at(lifetime.mul_f64(0.8)),
            usable_until: at(lifetime.saturating_sub(EXPIRY_MARGIN)),
        })
    }
}

/// The token's lifetime from `expires_in` (seconds) or else `expiration`
/// (epoch seconds), at most [`upstream::MAX_TOKEN_LIFETIME`];
/// [`ASSUMED_LIFETIME`] when neither is a usable number.
fn lifetime(
    expires_in: Option<&serde_json::Value>,
    expiration: Option<&serde_json::Value>,
) -> Duration {
    let from_expires_in = upstream::token_lifetime(expires_in, Duration::ZERO);
    if !from_expires_in.is_zero() {
        return from_expires_in;
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let left = expiration.and_then(upstream::number).map(|exp| exp - now);
    upstream::token_lifetime(left.map(serde_json::Value::from).as_ref(), ASSUMED_LIFETIME)
}

fn invalid(message: String, body: &[u8]) -> EngineError {
    EngineError::InvalidResponse {
        code: codes::AUTH,
        message: format!("IAM token response: {message}"),
        body: String::from_utf8_lossy(body).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    #[test]
    fn lifetime_prefers_expires_in_then_expiration() {
        let life = |expires_in: serde_json::Value, expiration: serde_json::Value| {
            lifetime(Some(&expires_in), Some(&expiration))
        };
        assert_eq!(life(json!(3600), json!(1)), Duration::from_secs(3600));
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let from_expiration = life(json!(null), json!(now + 1200));
        assert!(from_expiration <= Duration::from_secs(1200));
        assert!(from_expiration >= Duration::from_secs(1190));
        assert_eq!(life(json!(null), json!(5)), ASSUMED_LIFETIME);
        assert_eq!(life(json!(0), json!(null)), ASSUMED_LIFETIME);
        assert_eq!(lifetime(None, None), ASSUMED_LIFETIME);
    }

    #[test]
    fn huge_and_negative_lifetimes_are_bounded() {
        let day = upstream::MAX_TOKEN_LIFETIME;
        assert_eq!(lifetime(Some(&json!(u64::MAX)), None), day);
        assert_eq!(lifetime(None, Some(&json!(u64::MAX))), day);
        assert_eq!(
            lifetime(Some(&json!(-1)), Some(&json!(-1))),
            ASSUMED_LIFETIME
        );
        assert_eq!(lifetime(Some(&json!(i64::MIN)), None), ASSUMED_LIFETIME);
    }
}
