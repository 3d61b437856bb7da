//! Where the transport gets its bearer token.

use async_trait::async_trait;
use connector_core::Secret;

/// What a login gives the transport.
#[derive(Debug, Clone)]
pub struct AgentLogin {
    /// The bearer token for the socket URL.
    pub bearer: Secret,
    /// The bot user's id (`config.userId` of the login answer); the legacy
    /// agent id is `{accountId}.{userId}`.
    pub user_id: String,
}

/// Why no bearer could be had.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct LoginError {
    /// What happened.
    pub message: String,
    /// Whether trying again later may help (network, 5xx) or not (bad credentials).
    pub transient: bool,
}

/// Supplies bearer tokens: the Login Service in production
/// (`liveengage-auth`), a fixed token in tests.
#[async_trait]
pub trait BearerProvider: Send + Sync {
    /// The current login; with `relogin`, a fresh one (the socket was closed
    /// for authentication reasons: 4401, 4407, 1011, or HTTP 401 on upgrade).
    ///
    /// # Errors
    ///
    /// [`LoginError`] when no login is possible now.
    async fn login(&self, relogin: bool) -> Result<AgentLogin, LoginError>;
}
