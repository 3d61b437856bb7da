//! The OAuth2 client-credentials token, cached until shortly before it expires.

use std::time::Duration;

use connector_core::{EngineError, Secret};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::error::codes;
use crate::upstream;

/// Tokens are renewed this long before they expire.
const MARGIN: Duration = Duration::from_secs(30);
/// The lifetime assumed when the token endpoint does not say (`expires_in`
/// absent, zero, negative or not a number). A longer one than
/// [`upstream::MAX_TOKEN_LIFETIME`] (24 h) counts as 24 h.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// Whether a token that expires at `expires` may still leave at `now`.
fn fresh(expires: Instant, now: Instant) -> bool {
    expires.saturating_duration_since(now) > MARGIN
}

pub(crate) struct TokenCache {
    pub(crate) url: Url,
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) timeout: Duration,
    cached: Mutex<Option<(Secret, Instant)>>,
}

impl TokenCache {
    pub(crate) fn new(
        url: Url,
        client_id: String,
        client_secret: Secret,
        timeout: Duration,
    ) -> Self {
        Self {
            url,
            client_id,
            client_secret,
            timeout,
            cached: Mutex::new(None),
        }
    }

    /// A valid token; one caller at a time fetches a new one.
    pub(crate) async fn get(&self, http: &reqwest::Client) -> Result<Secret, EngineError> {
        let mut cached = self.cached.lock().await;
        if let Some((token, expires)) = cached.as_ref()
            && fresh(*expires, Instant::now())
        {
            return Ok(token.clone());
        }
        let (token, lifetime) = self.fetch(http).await?;
        // The lifetime is at most a day, but an `Instant` near its end would
        // still overflow: such a token is simply not cached.
        let now = Instant::now();
        *cached = Some((token.clone(), now.checked_add(lifetime).unwrap_or(now)));
        Ok(token)
    }

    /// Drops the cached token (after a 401), so the next call fetches one.
    pub(crate) async fn invalidate(&self) {
        *self.cached.lock().await = None;
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<(Secret, Duration), EngineError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        let what = "the token endpoint";
        let response = http
            .post(self.url.clone())
            .form(&form)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| {
                let kind = if e.is_timeout() {
                    "did not answer in time"
                } else {
                    "cannot be reached"
                };
                EngineError::transient(
                    codes::AUTH,
                    format!("the token endpoint {} {kind}: {e}", self.url),
                )
            })?;
        let status = response.status();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(EngineError::transient(
                codes::AUTH,
                format!("the token endpoint answered HTTP {}", status.as_u16()),
            ));
        }
        let body = upstream::body(response, &codes::AUTH, what).await?;
        if !status.is_success() {
            // OAuth2's `{"error": "invalid_client"}` is worth showing when
            // it is one of OAuth2's codes; the rest of the answer is not repeated.
            let oauth = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("error")?.as_str().and_then(upstream::oauth_error))
                .map(|e| format!(", error `{e}`"))
                .unwrap_or_default();
            return Err(EngineError::Unauthorized {
                code: codes::AUTH,
                message: format!(
                    "the token endpoint answered HTTP {}{oauth}; check client_id, client_secret and token_url",
                    status.as_u16()
                ),
            });
        }
        let parsed: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| EngineError::InvalidResponse {
                code: codes::AUTH,
                message: format!(
                    "the token endpoint's answer is not {{\"access_token\": ...}}: {}",
                    upstream::json_problem(&e)
                ),
                body: String::new(),
            })?;
        let lifetime = upstream::token_lifetime(parsed.expires_in.as_ref(), DEFAULT_LIFETIME);
        Ok((Secret::new(parsed.access_token), lifetime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_fresh_until_the_margin_before_it_expires() {
        let now = Instant::now();
        assert!(fresh(now + Duration::from_secs(31), now));
        assert!(!fresh(now + MARGIN, now));
        assert!(!fresh(now, now + Duration::from_secs(3600)));
    }
}
