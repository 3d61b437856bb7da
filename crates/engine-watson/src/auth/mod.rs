//! Credentials for Watson calls: IAM tokens, HTTP Basic, or a fixed bearer token.

mod iam;

use std::time::Duration;

use connector_core::{EngineError, Secret};
use reqwest::RequestBuilder;
use url::Url;

use crate::config::{AuthConfig, DEFAULT_IAM_URL};
use crate::error::WatsonError;

pub(crate) use iam::IamTokenManager;

/// What goes into the `Authorization` header of one call.
#[derive(Clone, PartialEq)]
pub(crate) enum Credential {
    /// `Basic base64(user:password)`.
    Basic { user: String, password: Secret },
    /// `Bearer <token>`.
    Bearer(Secret),
}

impl Credential {
    pub(crate) fn apply(&self, request: RequestBuilder) -> RequestBuilder {
        match self {
            Self::Basic { user, password } => request.basic_auth(user, Some(password.expose())),
            Self::Bearer(token) => request.bearer_auth(token.expose()),
        }
    }
}

/// Hands out credentials; for IAM, caches and refreshes the token.
pub(crate) enum Authenticator {
    Fixed(Credential),
    Iam(IamTokenManager),
}

impl Authenticator {
    pub(crate) fn new(
        config: &AuthConfig,
        client: reqwest::Client,
        timeout: Duration,
    ) -> Result<Self, WatsonError> {
        Ok(match config {
            AuthConfig::Iam { apikey, iam_url } => {
                let url = match iam_url {
                    Some(url) => url.clone(),
                    None => Url::parse(DEFAULT_IAM_URL)
                        .map_err(|e| WatsonError::invalid("auth.iam_url", e.to_string()))?,
                };
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(WatsonError::invalid(
                        "auth.iam_url",
                        "must be an http(s) URL",
                    ));
                }
                Self::Iam(IamTokenManager::new(client, url, apikey.clone(), timeout))
            }
            AuthConfig::ApiKey { apikey } => Self::Fixed(Credential::Basic {
                user: "apikey".into(),
                password: apikey.clone(),
            }),
            AuthConfig::Basic { username, password } => Self::Fixed(Credential::Basic {
                user: username.clone(),
                password: password.clone(),
            }),
            AuthConfig::Bearer { token } => Self::Fixed(Credential::Bearer(token.clone())),
        })
    }

    /// The credential for the next call.
    pub(crate) async fn credential(&self) -> Result<Credential, EngineError> {
        match self {
            Self::Fixed(c) => Ok(c.clone()),
            Self::Iam(iam) => iam.token().await.map(Credential::Bearer),
        }
    }

    /// Watson answered 401 to `used`. Returns whether a retry with a fresh
    /// credential can help (IAM only: the cached token is dropped).
    pub(crate) async fn rejected(&self, used: &Credential) -> bool {
        match (self, used) {
            (Self::Iam(iam), Credential::Bearer(token)) => {
                iam.invalidate(token).await;
                true
            }
            _ => false,
        }
    }
}
