//! The bot user's login: a `liveengage_auth::Authenticator` built from the
//! bot's `liveengage` section (CSDS discovery, password or API-key login,
//! periodic refresh, logout on stop).

use liveengage_auth::retry::RetryPolicy;
use liveengage_auth::{AuthConfig, Authenticator, Credentials};

use crate::assemble::AssembleError;
use crate::config::{BotSpec, LoginRetrySpec, LoginSpec};

/// How persistent a login is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// One attempt per call: a start or a test connection answers at once
    /// instead of waiting out LivePerson's retry delays.
    Probe,
    /// The running bot: LivePerson's retry policy, given up after three
    /// attempts, because the messaging transport retries the login itself
    /// with its own reconnect backoff.
    Running,
}

/// The credentials of a login section.
#[must_use]
pub fn credentials(login: &LoginSpec) -> Credentials {
    match login {
        LoginSpec::Password { username, password } => {
            Credentials::user_password(username.as_str(), password.clone())
        }
        LoginSpec::ApiKey {
            username,
            app_key,
            app_secret,
            token,
            token_secret,
        } => Credentials::api_key(
            username.as_str(),
            app_key.as_str(),
            app_secret.clone(),
            token.clone(),
            token_secret.clone(),
        ),
    }
}

/// LivePerson's retry policy with the waits of `liveengage.retry`.
#[must_use]
pub fn retry_policy(retry: &LoginRetrySpec) -> RetryPolicy {
    RetryPolicy::liveperson()
        .with_server_error_delays(retry.server_error_delays.clone())
        .with_backoff(retry.backoff_start, retry.backoff_cap)
}

/// The authenticator of a bot, trusting `trust`. Sends nothing yet.
///
/// A `csds` of `http://` is accepted as written (the local emulator); real
/// accounts use https.
///
/// # Errors
///
/// [`AssembleError::LiveEngage`] saying which setting to fix.
pub fn authenticator(
    spec: &BotSpec,
    persistence: Persistence,
    trust: &connector_http::Trust,
) -> Result<Authenticator, AssembleError> {
    let le = &spec.liveengage;
    let attempts = match persistence {
        Persistence::Probe => 1,
        Persistence::Running => 3,
    };
    let config = AuthConfig::new(le.account_id.as_str(), credentials(&le.login))
        .with_csds_base(le.csds.clone())
        .allow_http(le.csds.scheme() == "http")
        .with_trust(trust.clone())
        .with_retry_policy(retry_policy(&le.retry).with_max_attempts(Some(attempts)))
        .with_user_agent(concat!("bot-connector/", env!("CARGO_PKG_VERSION")));
    Authenticator::new(config).map_err(|e| AssembleError::LiveEngage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use liveengage_auth::retry::{FixedJitter, Outcome};

    use super::*;

    #[test]
    fn the_retry_section_sets_the_waits_and_its_default_is_liveperson_s() {
        let server = Outcome::ServerError { status: 503 };
        let waits = |policy: RetryPolicy| -> Vec<Option<Duration>> {
            let policy = policy.with_jitter(FixedJitter(0.0));
            (1..=5).map(|n| policy.next_delay(n, &server)).collect()
        };
        let quick = LoginRetrySpec {
            server_error_delays: vec![Duration::from_millis(100), Duration::from_millis(200)],
            backoff_start: Duration::from_millis(300),
            backoff_cap: Duration::from_secs(1),
        };
        assert_eq!(
            waits(retry_policy(&quick)),
            [100, 200, 300, 600, 1000].map(|ms| Some(Duration::from_millis(ms)))
        );
        assert_eq!(
            waits(retry_policy(&LoginRetrySpec::default())),
            waits(RetryPolicy::liveperson())
        );
    }
}
