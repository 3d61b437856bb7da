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

/// IAM's grant type for API keys.
const GRANT_TYPE: &str = "urn:ibm:params:oauth:grant-type:apikey";
/// A token is not used in its last 10 seconds, as IBM's SDK core does.
const EXPIRY_MARGIN: Duration = Duration::from_secs(10);
/// The lifetime assumed when IAM names none (IAM tokens live about 60 minutes).
const ASSUMED_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    expires_in: Option<u64>,
    expiration: Option<u64>,
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
    timeout: Option<Duration>,
    cached: Mutex<Option<CachedToken>>,
}

impl IamTokenManager {
    pub(crate) fn new(
        client: reqwest::Client,
        url: Url,
        apikey: Secret,
        timeout: Option<Duration>,
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
        let mut request = self.client.post(self.url.clone());
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        let response = request
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
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(codes::AUTH, what, &e))?;
        if !status.is_success() {
            let failure = HttpFailure::new(status, &headers, &body);
            // IAM answers 400 to an unknown or malformed API key: a credentials
            // problem, not a bad request of ours.
            if status == reqwest::StatusCode::BAD_REQUEST {
                return Err(EngineError::Unauthorized {
                    code: codes::AUTH,
                    message: format!("{what}: HTTP 400: {}", failure.message),
                });
            }
            return Err(failure.into_engine_error(codes::AUTH, what));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| invalid(format!("not IAM's token JSON: {e}"), &body))?;
        let Some(token) = parsed.access_token.filter(|t| !t.is_empty()) else {
            return Err(invalid("no access_token in the answer".into(), &body));
        };
        let lifetime = lifetime(parsed.expires_in, parsed.expiration);
        Ok(CachedToken {
            token: Secret::new(token),
            refresh_at: started + lifetime.mul_f64(0.8),
            usable_until: started + lifetime.saturating_sub(EXPIRY_MARGIN),
        })
    }
}

/// The token's lifetime from `expires_in` (seconds) or else `expiration` (epoch seconds).
fn lifetime(expires_in: Option<u64>, expiration: Option<u64>) -> Duration {
    if let Some(secs) = expires_in.filter(|s| *s > 0) {
        return Duration::from_secs(secs);
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    match expiration {
        Some(exp) if exp > now => Duration::from_secs(exp - now),
        _ => ASSUMED_LIFETIME,
    }
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

    #[test]
    fn lifetime_prefers_expires_in_then_expiration() {
        assert_eq!(lifetime(Some(3600), Some(1)), Duration::from_secs(3600));
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let from_expiration = lifetime(None, Some(now + 1200));
        assert!(from_expiration <= Duration::from_secs(1200));
        assert!(from_expiration >= Duration::from_secs(1190));
        assert_eq!(lifetime(None, Some(5)), ASSUMED_LIFETIME);
        assert_eq!(lifetime(Some(0), None), ASSUMED_LIFETIME);
    }
}
