//! The OAuth2 client-credentials token, cached until shortly before it expires.

use std::time::Duration;

use connector_core::{EngineError, Secret};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::error::codes;

/// Tokens are renewed this long before they expire.
const MARGIN: Duration = Duration::from_secs(30);
/// The lifetime assumed when the token endpoint does not say (`expires_in`).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

pub(crate) struct TokenCache {
    pub(crate) url: Url,
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) timeout: Option<Duration>,
    cached: Mutex<Option<(Secret, Instant)>>,
}

impl TokenCache {
    pub(crate) fn new(
        url: Url,
        client_id: String,
        client_secret: Secret,
        timeout: Option<Duration>,
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
            && Instant::now() + MARGIN < *expires
        {
            return Ok(token.clone());
        }
        let (token, lifetime) = self.fetch(http).await?;
        *cached = Some((token.clone(), Instant::now() + lifetime));
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
        let mut request = http.post(self.url.clone()).form(&form);
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        let response = request.send().await.map_err(|e| {
            EngineError::transient(
                codes::AUTH,
                format!("the token endpoint {} cannot be reached: {e}", self.url),
            )
        })?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(EngineError::transient(
                codes::AUTH,
                format!("the token endpoint answered HTTP {status}"),
            ));
        }
        if !status.is_success() {
            return Err(EngineError::Unauthorized {
                code: codes::AUTH,
                message: format!(
                    "the token endpoint answered HTTP {status} ({}); check client_id, client_secret and token_url",
                    body.chars().take(200).collect::<String>()
                ),
            });
        }
        let parsed: TokenResponse =
            serde_json::from_str(&body).map_err(|e| EngineError::InvalidResponse {
                code: codes::AUTH,
                message: format!("the token endpoint's answer has no `access_token`: {e}"),
                body: String::new(),
            })?;
        let lifetime = parsed
            .expires_in
            .map_or(DEFAULT_LIFETIME, Duration::from_secs);
        Ok((Secret::new(parsed.access_token), lifetime))
    }
}
