//! Service-account credentials: the JWT bearer grant (RFC 7523) against
//! Google's token endpoint, with a cached token refreshed before it expires.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use connector_core::{EngineError, Secret};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::TokenSource;
use crate::config::{CLOUD_PLATFORM_SCOPE, DEFAULT_REQUEST_TIMEOUT_SECS, GOOGLE_TOKEN_URL};
use crate::error::{DialogflowError, codes};
use crate::{http, upstream};

/// The lifetime requested for the signed assertion; Google accepts at most one hour.
const ASSERTION_LIFETIME: u64 = 3600;
/// A token is replaced this long before Google says it expires, so a call
/// never leaves with a token that dies in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Assumed lifetime when the token response omits `expires_in`, or sends
/// zero, a negative number or no number (Google's is one hour). A lifetime
/// over 24 h counts as 24 h.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// The shortest and longest timeout [`ServiceAccountTokenSource::with_request_timeout`] sets.
const TIMEOUT_RANGE: (Duration, Duration) = (Duration::from_millis(1), Duration::from_secs(300));
const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// The fields of a Google service-account key file this crate uses. Other
/// fields of the file are ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ServiceAccountKey {
    /// The service account's e-mail, the JWT issuer.
    pub client_email: String,
    /// The PEM private key.
    pub private_key: Secret,
    /// The key id, sent as the JWT `kid`.
    #[serde(default)]
    pub private_key_id: Option<String>,
    /// The token endpoint named in the key file.
    #[serde(default)]
    pub token_uri: Option<String>,
    /// The project the service account belongs to.
    #[serde(default)]
    pub project_id: Option<String>,
}

impl ServiceAccountKey {
    /// A key from its e-mail and PEM private key.
    #[must_use]
    pub fn new(client_email: impl Into<String>, private_key: Secret) -> Self {
        Self {
            client_email: client_email.into(),
            private_key,
            private_key_id: None,
            token_uri: None,
            project_id: None,
        }
    }

    /// Reads a service-account key file's JSON.
    ///
    /// # Errors
    ///
    /// [`DialogflowError::KeyJson`] when the JSON lacks `client_email` or `private_key`.
    pub fn from_json(json: &str) -> Result<Self, DialogflowError> {
        serde_json::from_str(json).map_err(DialogflowError::KeyJson)
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

#[derive(Clone)]
struct CachedToken {
    token: Secret,
    refresh_at: Instant,
}

/// Tokens for a service account, fetched with a signed JWT and cached.
///
/// A token is reused until a minute before it expires (half its lifetime when
/// it lives under two minutes; an `expires_in` over 24 h counts as 24 h).
/// Concurrent callers share one refresh: the cache lock is held while a token
/// is fetched, so a burst of conversations costs one call to the token
/// endpoint. Each token request times out after 20 s
/// ([`DEFAULT_REQUEST_TIMEOUT_SECS`]) unless
/// [`with_request_timeout`](Self::with_request_timeout) says otherwise.
pub struct ServiceAccountTokenSource {
    client: reqwest::Client,
    client_email: String,
    key_id: Option<String>,
    signing_key: EncodingKey,
    token_url: Url,
    scope: String,
    timeout: Duration,
    cache: Mutex<Option<CachedToken>>,
}

impl fmt::Debug for ServiceAccountTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccountTokenSource")
            .field("client_email", &self.client_email)
            .field("token_url", &self.token_url.as_str())
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl ServiceAccountTokenSource {
    /// A token source for `key`, posting to `token_url` (default: the key's
    /// `token_uri`, else Google's endpoint) for `scope` (default `cloud-platform`).
    ///
    /// # Errors
    ///
    /// [`DialogflowError::PrivateKey`] when the private key is not a PEM RSA
    /// key; [`DialogflowError::InvalidField`] for an empty e-mail or a bad URL.
    pub fn new(
        client: reqwest::Client,
        key: &ServiceAccountKey,
        token_url: Option<Url>,
        scope: Option<String>,
    ) -> Result<Self, DialogflowError> {
        if key.client_email.trim().is_empty() {
            return Err(DialogflowError::invalid(
                "service_account.client_email",
                "is empty; give the service account's e-mail",
            ));
        }
        let signing_key = EncodingKey::from_rsa_pem(key.private_key.expose().as_bytes())
            .map_err(DialogflowError::PrivateKey)?;
        let token_url = match token_url {
            Some(url) => url,
            None => {
                let raw = key.token_uri.as_deref().unwrap_or(GOOGLE_TOKEN_URL);
                Url::parse(raw).map_err(|e| {
                    DialogflowError::invalid(
                        "service_account.token_url",
                        format!("`{raw}` is not a URL: {e}"),
                    )
                })?
            }
        };
        let source = Self {
            client,
            client_email: key.client_email.clone(),
            key_id: key.private_key_id.clone(),
            signing_key,
            token_url,
            scope: scope.unwrap_or_else(|| CLOUD_PLATFORM_SCOPE.to_owned()),
            timeout: Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS),
            cache: Mutex::new(None),
        };
        // Sign once now so a key that parses but cannot sign fails at start-up.
        source.assertion().map_err(DialogflowError::PrivateKey)?;
        Ok(source)
    }

    /// Sets the timeout of each token request (default 20 s), kept between
    /// 1 ms and 300 s so that an endpoint that never answers cannot hold the
    /// engine.
    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.clamp(TIMEOUT_RANGE.0, TIMEOUT_RANGE.1);
        self
    }

    /// The signed JWT sent as `assertion`.
    fn assertion(&self) -> Result<String, jsonwebtoken::errors::Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut header = Header::new(Algorithm::RS256);
        header.kid.clone_from(&self.key_id);
        let claims = Claims {
            iss: &self.client_email,
            scope: &self.scope,
            aud: self.token_url.as_str(),
            iat: now,
            exp: now.saturating_add(ASSERTION_LIFETIME),
        };
        jsonwebtoken::encode(&header, &claims, &self.signing_key)
    }

    async fn fetch(&self) -> Result<CachedToken, EngineError> {
        let assertion = self.assertion().map_err(|e| {
            EngineError::permanent(codes::AUTH, format!("cannot sign the JWT: {e}"))
        })?;
        let request = self
            .client
            .post(self.token_url.clone())
            .timeout(self.timeout)
            .form(&[("grant_type", JWT_BEARER_GRANT), ("assertion", &assertion)]);
        let body = http::send(request, &codes::AUTH, "the OAuth token endpoint").await?;
        let parsed: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| EngineError::InvalidResponse {
                code: codes::AUTH,
                message: format!(
                    "the token endpoint's answer is not a token: {}",
                    upstream::json_problem(&e)
                ),
                body: String::from_utf8_lossy(&body).into_owned(),
            })?;
        let lifetime = upstream::token_lifetime(parsed.expires_in.as_ref(), DEFAULT_TOKEN_LIFETIME);
        let margin = if lifetime >= REFRESH_MARGIN * 2 {
            REFRESH_MARGIN
        } else {
            lifetime / 2
        };
        tracing::debug!(
            client_email = %self.client_email,
            lifetime_s = lifetime.as_secs(),
            "fetched a Dialogflow access token"
        );
        // The lifetime is at most a day; an `Instant` that cannot hold it
        // anyway means the token is not reused.
        let now = Instant::now();
        Ok(CachedToken {
            token: Secret::new(parsed.access_token),
            refresh_at: now.checked_add(lifetime - margin).unwrap_or(now),
        })
    }
}

#[async_trait]
impl TokenSource for ServiceAccountTokenSource {
    async fn token(&self) -> Result<Secret, EngineError> {
        // Holding the lock across the fetch makes concurrent callers wait for
        // the one refresh in progress instead of starting their own.
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        let fresh = self.fetch().await?;
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(token)
    }

    async fn invalidate(&self, rejected: &Secret) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|c| &c.token == rejected) {
            *cache = None;
        }
    }
}
