//! Where the transport gets its bearer token: `liveengage-auth`'s
//! [`Authenticator`] in production, anything else in tests.

use async_trait::async_trait;
use connector_core::Secret;
use liveengage_auth::{AuthError, Authenticator};
use url::Url;

use crate::error::ChatError;

/// The CSDS service of the Chat Agent API.
pub const CHAT_SERVICE: &str = "agentVep";

/// Supplies bearer tokens for the `Authorization: Bearer` header.
#[async_trait]
pub trait TokenSource: Send + Sync {
    /// The current bearer; with `renew`, a fresh one (LiveEngage answered 401:
    /// the session expired).
    ///
    /// # Errors
    ///
    /// [`ChatError::Login`] when no login is possible now.
    async fn bearer(&self, renew: bool) -> Result<Secret, ChatError>;
}

fn login_error(err: &AuthError) -> ChatError {
    ChatError::Login {
        message: err.to_string(),
        transient: err.is_transient(),
    }
}

#[async_trait]
impl TokenSource for Authenticator {
    async fn bearer(&self, renew: bool) -> Result<Secret, ChatError> {
        let session = if renew {
            // One new login however many calls noticed the same stale token.
            let stale = self.current().map_or(0, |s| s.generation());
            self.relogin(stale).await
        } else {
            self.session().await
        }
        .map_err(|e| login_error(&e))?;
        Ok(session.bearer().clone())
    }
}

/// The Chat Agent API base URL from CSDS (`agentVep`).
///
/// # Errors
///
/// [`AuthError`] when CSDS cannot be reached or lists no `agentVep` domain.
pub async fn chat_base(auth: &Authenticator) -> Result<Url, AuthError> {
    auth.domains().await?.base_url(CHAT_SERVICE)
}
