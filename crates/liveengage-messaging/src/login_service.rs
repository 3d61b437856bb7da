//! Logging in through the Login Service: `liveengage-auth`'s `Authenticator`
//! as the transport's `BearerProvider`, and the socket URL from CSDS.

use async_trait::async_trait;
use liveengage_auth::{AuthError, Authenticator};
use url::Url;

use crate::auth::{AgentLogin, BearerProvider, LoginError};

/// The CSDS service of the messaging socket (node-agent-sdk 1.2.0 uses it).
pub const SOCKET_SERVICE: &str = "asyncMessagingEnt";

fn login_error(err: &AuthError) -> LoginError {
    LoginError {
        message: err.to_string(),
        transient: err.is_transient(),
    }
}

#[async_trait]
impl BearerProvider for Authenticator {
    async fn login(&self, relogin: bool) -> Result<AgentLogin, LoginError> {
        let session = if relogin {
            // One new login however many sockets noticed the same stale token.
            let stale = self.current().map_or(0, |s| s.generation());
            self.relogin(stale).await
        } else {
            self.session().await
        }
        .map_err(|e| login_error(&e))?;
        Ok(AgentLogin {
            bearer: session.bearer().clone(),
            user_id: session.user_id().to_owned(),
        })
    }
}

/// The messaging socket's base URL from CSDS (`asyncMessagingEnt`): `wss://`
/// when CSDS is reached over https, `ws://` over plain http (the emulator).
///
/// # Errors
///
/// [`AuthError`] when CSDS cannot be reached or lists no socket domain.
pub async fn socket_base(auth: &Authenticator) -> Result<Url, AuthError> {
    let domains = auth.domains().await?;
    let mut url = domains.base_url(SOCKET_SERVICE)?;
    let scheme = if url.scheme() == "http" { "ws" } else { "wss" };
    // Both are special schemes, so the switch cannot fail; keep the URL if it did.
    let _ = url.set_scheme(scheme);
    Ok(url)
}
