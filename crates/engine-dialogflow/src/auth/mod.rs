//! Where the engine gets its bearer tokens: a service account (JWT bearer
//! grant against Google's token endpoint), or any [`TokenSource`] you supply.

mod service_account;

use async_trait::async_trait;
use connector_core::{EngineError, Secret};

pub use service_account::{ServiceAccountKey, ServiceAccountTokenSource};

/// Supplies OAuth access tokens for the Dialogflow API.
///
/// The engine asks for a token before every call and, when Dialogflow answers
/// 401, calls [`TokenSource::invalidate`] with the rejected token and asks once
/// more. Implement it to use credentials this crate does not read itself
/// (workload identity, a metadata server, a token broker).
#[async_trait]
pub trait TokenSource: Send + Sync {
    /// A valid access token.
    ///
    /// # Errors
    ///
    /// An [`EngineError`] (code `engine.dialogflow.auth`) when no token can be had.
    async fn token(&self) -> Result<Secret, EngineError>;

    /// Forgets `rejected` so the next [`TokenSource::token`] fetches a new one.
    /// The default does nothing.
    async fn invalidate(&self, rejected: &Secret) {
        let _ = rejected;
    }
}

/// A fixed token, e.g. from `gcloud auth print-access-token`. It is never refreshed.
#[derive(Debug, Clone)]
pub struct StaticToken(Secret);

impl StaticToken {
    /// A source that always answers `token`.
    #[must_use]
    pub fn new(token: Secret) -> Self {
        Self(token)
    }
}

#[async_trait]
impl TokenSource for StaticToken {
    async fn token(&self) -> Result<Secret, EngineError> {
        Ok(self.0.clone())
    }
}
