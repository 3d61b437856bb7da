//! CSDS caching, the keep-alive loop, re-login on refresh failure and on
//! authentication close codes, on a paused clock.

mod common;

use std::time::Duration;

use common::*;
use liveengage_auth::{Authenticator, close_requires_relogin};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Answers each login with a new bearer: `bearer-1`, `bearer-2`, …
struct Counting(std::sync::atomic::AtomicUsize);

impl wiremock::Respond for Counting {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        login_answer(
            &format!("bearer-{n}"),
            &format!("csrf-{n}"),
            &format!("cookie-{n}"),
        )
    }
}

async fn mount_counting_login(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(LOGIN_PATH))
        .respond_with(Counting(0.into()))
        .mount(server)
        .await;
}

#[tokio::test(start_paused = true)]
async fn csds_answers_are_cached_for_the_ttl_then_fetched_again() {
    let server = MockServer::start().await;
    mount_csds(&server).await;
    mount_counting_login(&server).await;
    let auth =
        Authenticator::new(config(&server, password()).with_domains_ttl(Duration::from_secs(60)))
            .unwrap();
    let domains = auth.domains().await.unwrap();
    assert_eq!(
        domains.host("agentVep").unwrap(),
        server.address().to_string()
    );
    assert_eq!(
        domains.base_url("agentVep").unwrap().as_str(),
        format!("{}/", server.uri())
    );
    let missing = domains.host("agentvep").unwrap_err();
    assert_eq!(missing.code().as_str(), "auth.csds");
    assert!(
        missing.to_string().contains("service override"),
        "{missing}"
    );

    auth.login().await.unwrap();
    tokio::time::advance(Duration::from_secs(59)).await;
    auth.login().await.unwrap();
    assert_eq!(
        requests_to(&server, CSDS_PATH).await.len(),
        1,
        "within the TTL"
    );
    tokio::time::advance(Duration::from_secs(2)).await;
    auth.login().await.unwrap();
    assert_eq!(
        requests_to(&server, CSDS_PATH).await.len(),
        2,
        "after the TTL"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_csds_refresh_falls_back_to_the_previous_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CSDS_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(csds_body(&server.address().to_string())),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CSDS_PATH))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let retries = Retries::default();
    let auth =
        Authenticator::new(config(&server, password()).with_retry_observer(retries.observer()))
            .unwrap();
    let first = auth.domains().await.unwrap();
    tokio::time::advance(Duration::from_secs(61)).await;
    let second = auth.domains().await.unwrap();
    assert_eq!(first, second);
    assert_eq!(requests_to(&server, CSDS_PATH).await.len(), 2);
    assert!(retries.delays().is_empty());
}

#[tokio::test(start_paused = true)]
async fn service_overrides_win_over_csds() {
    let server = MockServer::start().await;
    mount_csds(&server).await;
    let auth = Authenticator::new(
        config(&server, password()).with_service_override("facadeMsg", "va.msg.example:8443"),
    )
    .unwrap();
    let domains = auth.domains().await.unwrap();
    assert_eq!(domains.host("facadeMsg").unwrap(), "va.msg.example:8443");
    assert_eq!(
        domains.host("agentVep").unwrap(),
        server.address().to_string()
    );
}

#[tokio::test(start_paused = true)]
async fn keep_alive_refreshes_every_interval_and_logs_in_again_when_refresh_fails() {
    let server = MockServer::start().await;
    mount_csds(&server).await;
    mount_counting_login(&server).await;
    Mock::given(method("POST"))
        .and(path(REFRESH_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(REFRESH_PATH))
        .respond_with(unauthorized())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(LOGOUT_PATH))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let interval = Duration::from_secs(300);
    let auth =
        Authenticator::new(config(&server, password()).with_refresh_interval(interval)).unwrap();
    let mut sessions = auth.subscribe();
    assert_eq!(auth.login().await.unwrap().bearer().expose(), "bearer-1");
    sessions.borrow_and_update();
    auth.spawn_keep_alive();
    auth.spawn_keep_alive(); // idempotent

    // Two good refreshes: same bearer, subscribers not woken.
    for round in 1..=2 {
        tokio::time::sleep(interval).await;
        while requests_to(&server, REFRESH_PATH).await.len() < round {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    assert!(!sessions.has_changed().unwrap());
    assert_eq!(auth.current().unwrap().bearer().expose(), "bearer-1");

    // The third refresh gets 401: a new login, seen by subscribers.
    sessions.changed().await.unwrap();
    let renewed = sessions.borrow_and_update().clone().unwrap();
    assert_eq!(
        (renewed.bearer().expose(), renewed.generation()),
        ("bearer-2", 2)
    );
    let refreshes = requests_to(&server, REFRESH_PATH).await;
    assert_eq!(refreshes.len(), 3);
    assert!(
        refreshes
            .iter()
            .all(|r| r.headers["cookie"] == "Session_id=cookie-1")
    );

    auth.shutdown().await.unwrap();
    let logouts = requests_to(&server, LOGOUT_PATH).await;
    assert_eq!(logouts.len(), 1);
    assert_eq!(logouts[0].headers["cookie"], "Session_id=cookie-2");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&logouts[0].body).unwrap(),
        json!({"csrf": "csrf-2"})
    );
}

#[tokio::test(start_paused = true)]
async fn authentication_close_codes_cause_one_relogin_others_none() {
    for code in [4401, 4407, 1011] {
        assert!(close_requires_relogin(code), "{code}");
    }
    for code in [1000, 1001, 1006, 4000] {
        assert!(!close_requires_relogin(code), "{code}");
    }
    let server = MockServer::start().await;
    mount_csds(&server).await;
    mount_counting_login(&server).await;
    let auth = Authenticator::new(config(&server, password())).unwrap();
    auth.login().await.unwrap();

    assert_eq!(
        auth.on_socket_closed(1006).await.unwrap().bearer().expose(),
        "bearer-1"
    );
    assert_eq!(
        auth.on_socket_closed(4401).await.unwrap().bearer().expose(),
        "bearer-2"
    );
    assert_eq!(
        auth.on_socket_closed(1011).await.unwrap().bearer().expose(),
        "bearer-3"
    );

    // Many callers noticing the same stale session cause one login.
    let stale = auth.current().unwrap().generation();
    let (a, b) = tokio::join!(auth.relogin(stale), auth.relogin(stale));
    assert_eq!(a.unwrap().bearer(), b.unwrap().bearer());
    assert_eq!(requests_to(&server, LOGIN_PATH).await.len(), 4);
}
