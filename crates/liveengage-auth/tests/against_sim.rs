//! Logging in against the local LiveEngage emulator (`liveengage-sim`),
//! which verifies OAuth 1.0 signatures with its own implementation.

use std::time::Duration;

use liveengage_auth::retry::{FixedJitter, RetryPolicy};
use liveengage_auth::{ApiKeyLogin, AuthConfig, AuthError, Authenticator, Credentials};
use liveengage_sim::{Sim, SimHandle};

fn config(sim: &SimHandle, credentials: Credentials) -> AuthConfig {
    AuthConfig::new(sim.account_id(), credentials)
        .with_csds_base(sim.base_url().parse().unwrap())
        .allow_http(true)
}

fn api_key(token_secret: &str) -> Credentials {
    Credentials::api_key(
        "echo-bot",
        "bot-app-key",
        "bot-app-secret",
        "bot-access-token",
        token_secret,
    )
}

#[tokio::test]
async fn password_login_refresh_relogin_and_logout() {
    let sim = Sim::builder().start().await.unwrap();
    let auth = Authenticator::new(config(
        &sim,
        Credentials::user_password("echo-bot", "secret"),
    ))
    .unwrap();
    let first = auth.login().await.unwrap();
    assert_eq!(first.user_id(), "1234567890");
    assert_eq!(
        first.user_pid(),
        Some("a1b2c3d4-0000-4000-8000-00000000b07a")
    );
    assert!(first.is_refreshable());
    auth.refresh().await.unwrap();

    // The emulator expires every token (no socket is open to close): refresh
    // is refused, a re-login works.
    assert_eq!(sim.faults().expire_tokens(), 0);
    assert!(auth.refresh().await.unwrap_err().is_unauthorized());
    let second = auth.relogin(first.generation()).await.unwrap();
    assert_ne!(second.bearer(), first.bearer());
    auth.refresh().await.unwrap();

    // After logout the old csrf and cookie are no longer accepted.
    auth.shutdown().await.unwrap();
    let url = format!(
        "{}/api/account/{}/refresh?v=1.3",
        sim.base_url(),
        sim.account_id()
    );
    let status = reqwest::Client::new()
        .post(url)
        .header(
            "cookie",
            format!("Session_id={}", second.session_cookie().unwrap().expose()),
        )
        .json(&serde_json::json!({"csrf": second.csrf().unwrap().expose()}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 401);
}

#[tokio::test]
async fn wrong_password_is_unauthorized_without_retry() {
    let sim = Sim::builder().start().await.unwrap();
    let auth =
        Authenticator::new(config(&sim, Credentials::user_password("echo-bot", "nope"))).unwrap();
    let error = auth.login().await.unwrap_err();
    assert!(matches!(error, AuthError::Unauthorized { .. }), "{error:?}");
}

#[tokio::test]
async fn api_key_login_is_accepted_by_the_emulators_oauth_check() {
    let sim = Sim::builder().start().await.unwrap();
    // The emulator checks the signed header when there is one, so a wrong
    // token secret (a wrong signature) is refused even though nothing else changed.
    let good = Authenticator::new(config(&sim, api_key("bot-token-secret"))).unwrap();
    assert_eq!(good.login().await.unwrap().user_id(), "1234567890");
    let bad = Authenticator::new(config(&sim, api_key("wrong-secret"))).unwrap();
    assert!(bad.login().await.unwrap_err().is_unauthorized());
    // The documented body alone is accepted too.
    let body_only =
        config(&sim, api_key("bot-token-secret")).with_api_key_login(ApiKeyLogin::BodyOnly);
    Authenticator::new(body_only)
        .unwrap()
        .login()
        .await
        .unwrap();
}

#[tokio::test]
async fn tls_with_the_emulators_ca() {
    let sim = Sim::builder().tls(true).start().await.unwrap();
    let base: url::Url = sim.base_url().parse().unwrap();
    assert_eq!(base.scheme(), "https");
    let credentials = Credentials::user_password("echo-bot", "secret");
    let trusted = AuthConfig::new(sim.account_id(), credentials.clone())
        .with_csds_base(base.clone())
        .with_trust(
            liveengage_auth::Trust::default()
                .with_extra_ca_pem(sim.ca_pem().unwrap().as_bytes())
                .unwrap(),
        );
    let auth = Authenticator::new(trusted).unwrap();
    assert_eq!(auth.login().await.unwrap().user_id(), "1234567890");
    auth.shutdown().await.unwrap();

    let untrusted = AuthConfig::new(sim.account_id(), credentials)
        .with_csds_base(base)
        .with_retry_policy(RetryPolicy::liveperson().with_max_attempts(Some(1)));
    let error = Authenticator::new(untrusted)
        .unwrap()
        .login()
        .await
        .unwrap_err();
    assert!(matches!(error, AuthError::Network { .. }), "{error:?}");
}

#[tokio::test]
async fn failing_logins_are_retried_then_succeed() {
    let sim = Sim::builder().start().await.unwrap();
    sim.faults().fail_logins(503, Some(2));
    let retries = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&retries);
    let policy = RetryPolicy::liveperson()
        .with_jitter(FixedJitter(0.0))
        .with_server_error_delays(vec![Duration::from_millis(20), Duration::from_millis(40)]);
    let config = config(&sim, Credentials::user_password("echo-bot", "secret"))
        .with_retry_policy(policy)
        .with_retry_observer(liveengage_auth::RetryObserver::new(move |n| {
            log.lock().unwrap().push((n.attempt, n.delay))
        }));
    let auth = Authenticator::new(config).unwrap();
    auth.login().await.unwrap();
    assert_eq!(
        *retries.lock().unwrap(),
        [
            (1, Duration::from_millis(20)),
            (2, Duration::from_millis(40))
        ]
    );
}
