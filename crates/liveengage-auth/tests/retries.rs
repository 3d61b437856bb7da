//! LivePerson's retry rules at work: 401 not retried, 429 after ≥ 1 s, 5xx
//! after 5, 10 and 15 s. Delays are read from the retry observer, on a
//! paused clock.

mod common;

use std::time::Duration;

use common::*;
use liveengage_auth::retry::{FixedJitter, Outcome, RetryPolicy};
use liveengage_auth::{AuthError, Authenticator, Operation};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn setup(failure: ResponseTemplate, failures: u64) -> (MockServer, Authenticator, Retries) {
    let server = MockServer::start().await;
    mount_csds(&server).await;
    Mock::given(method("POST"))
        .and(path(LOGIN_PATH))
        .respond_with(failure)
        .up_to_n_times(failures)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_login(&server, "bearer-ok").await;
    let retries = Retries::default();
    let auth =
        Authenticator::new(config(&server, password()).with_retry_observer(retries.observer()))
            .unwrap();
    (server, auth, retries)
}

#[tokio::test(start_paused = true)]
async fn bad_credentials_are_not_retried() {
    let (server, auth, retries) = setup(unauthorized(), 10).await;
    let error = auth.login().await.unwrap_err();
    assert!(
        matches!(
            error,
            AuthError::Unauthorized {
                operation: Operation::Login,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.code().as_str(), "auth.login");
    assert!(
        error
            .to_string()
            .contains("check the account id, login name and password"),
        "{error}"
    );
    assert!(retries.delays().is_empty());
    assert_eq!(requests_to(&server, LOGIN_PATH).await.len(), 1);
    assert!(auth.current().is_none());
}

#[tokio::test(start_paused = true)]
async fn rate_limits_wait_at_least_a_second() {
    let (server, auth, retries) = setup(ResponseTemplate::new(429), 1).await;
    let session = auth.login().await.unwrap();
    assert_eq!(session.bearer().expose(), "bearer-ok");
    let all = retries.all();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].outcome, Outcome::RateLimited { retry_after: None });
    assert_eq!(all[0].delay, Duration::from_secs(1));
    assert_eq!(requests_to(&server, LOGIN_PATH).await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn rate_limits_honour_retry_after() {
    let (_server, auth, retries) = setup(
        ResponseTemplate::new(429).insert_header("retry-after", "4"),
        1,
    )
    .await;
    auth.login().await.unwrap();
    assert_eq!(retries.delays(), [Duration::from_secs(4)]);
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried_three_times_at_5_10_15_seconds() {
    let body = ResponseTemplate::new(500).set_body_json(
        serde_json::json!({"error": "LeLogin1 failed - invalid url received from app server"}),
    );
    let (server, auth, retries) = setup(body, 3).await;
    let session = auth.login().await.unwrap();
    assert_eq!(session.bearer().expose(), "bearer-ok");
    assert_eq!(retries.delays(), [5, 10, 15].map(Duration::from_secs));
    assert!(
        retries.all().iter().all(|n| n.operation == Operation::Login
            && n.outcome == Outcome::ServerError { status: 500 })
    );
    assert_eq!(requests_to(&server, LOGIN_PATH).await.len(), 4);
}

#[tokio::test(start_paused = true)]
async fn after_the_fixed_delays_backoff_is_exponential_until_the_policy_gives_up() {
    let (server, auth, retries) = setup(ResponseTemplate::new(503), 100).await;
    let policy = RetryPolicy::liveperson()
        .with_jitter(FixedJitter(0.0))
        .with_max_attempts(Some(6));
    let auth = Authenticator::new(auth.config().clone().with_retry_policy(policy)).unwrap();
    let error = auth.login().await.unwrap_err();
    assert!(
        matches!(error, AuthError::Server { status: 503, .. }),
        "{error:?}"
    );
    assert!(error.is_transient());
    assert_eq!(
        retries.delays(),
        [5, 10, 15, 120, 240].map(Duration::from_secs)
    );
    assert_eq!(requests_to(&server, LOGIN_PATH).await.len(), 6);
}

#[tokio::test(start_paused = true)]
async fn a_failing_csds_is_retried_like_a_login() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CSDS_PATH))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_csds(&server).await;
    mount_login(&server, "bearer-ok").await;
    let retries = Retries::default();
    let auth =
        Authenticator::new(config(&server, password()).with_retry_observer(retries.observer()))
            .unwrap();
    auth.login().await.unwrap();
    assert_eq!(retries.delays(), [5, 10].map(Duration::from_secs));
    assert_eq!(requests_to(&server, CSDS_PATH).await.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn shutdown_interrupts_a_waiting_login() {
    let (_server, auth, retries) = setup(ResponseTemplate::new(503), 100).await;
    let waiting = tokio::spawn({
        let auth = auth.clone();
        async move { auth.login().await }
    });
    while retries.delays().is_empty() {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    auth.shutdown().await.unwrap();
    assert!(matches!(waiting.await.unwrap(), Err(AuthError::Stopped)));
}
