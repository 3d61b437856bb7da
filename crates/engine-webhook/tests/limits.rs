//! What the service cannot do to the engine: numbers that overflow, bodies
//! too large to hold, answers that never come, and error pages repeated in
//! error messages (which reach the dashboard and the management API).

mod common;

use std::time::Duration;

use common::*;
use connector_core::{BotEngine, EngineError, EngineSession, Output};
use engine_webhook::{WebhookEngine, codes};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

const SECRET: &str = "SECRET-INTERNAL-PAGE";

fn events_path() -> String {
    format!("{BASE}/conversations/{CONV}/events")
}

fn ok_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"response": [{"type": "TEXT", "data": {"message": "ok"}}], "analytics": {"intents": []}}),
    )
}

async fn mount_token_answer(server: &MockServer, expires_in: Value) {
    Mock::given(matchers::method("POST"))
        .and(matchers::path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "tok-1", "expires_in": expires_in})),
        )
        .mount(server)
        .await;
}

async fn token_fetches(server: &MockServer) -> usize {
    requests(server, "/token").await.len()
}

#[tokio::test]
async fn a_token_lifetime_of_u64_max_is_clamped_to_a_day() {
    let server = MockServer::start().await;
    mount_token_answer(&server, json!(u64::MAX)).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ok_answer())
        .mount(&server)
        .await;
    let engine = engine(&server);
    let mut session = EngineSession::default();
    let reply = engine.handle(&text("one"), &mut session).await.unwrap();
    assert_eq!(reply.outputs, [Output::text("ok")]);
    jump(Duration::from_secs(23 * 3600)).await;
    engine.handle(&text("two"), &mut session).await.unwrap();
    assert_eq!(token_fetches(&server).await, 1, "cached for a day");
    jump(Duration::from_secs(3600)).await;
    engine.handle(&text("three"), &mut session).await.unwrap();
    assert_eq!(token_fetches(&server).await, 2, "renewed after a day");
}

#[tokio::test]
async fn zero_negative_and_odd_token_lifetimes_mean_the_default_hour() {
    for expires_in in [
        json!(0),
        json!(-1),
        json!(i64::MIN),
        json!("never"),
        json!(-1e300),
    ] {
        let server = MockServer::start().await;
        mount_token_answer(&server, expires_in.clone()).await;
        mount_create(&server).await;
        Mock::given(matchers::path(events_path()))
            .respond_with(ok_answer())
            .mount(&server)
            .await;
        let engine = engine(&server);
        let mut session = EngineSession::default();
        engine.handle(&text("one"), &mut session).await.unwrap();
        engine.handle(&text("two"), &mut session).await.unwrap();
        assert_eq!(token_fetches(&server).await, 1, "{expires_in}: cached");
        jump(Duration::from_secs(3600)).await;
        engine.handle(&text("three"), &mut session).await.unwrap();
        assert_eq!(token_fetches(&server).await, 2, "{expires_in}: renewed");
    }
}

#[test]
fn numbers_outside_their_ranges_are_rejected_naming_the_key_and_range() {
    let build = |change: &dyn Fn(&mut engine_webhook::WebhookConfig)| {
        let mut config = config(
            "https://bot.example.com/api",
            "https://sentinel.example.com/token",
        );
        change(&mut config);
        WebhookEngine::from_config(&config, reqwest::Client::new())
    };
    for attempts in [0, 11, u32::MAX] {
        let err = build(&|c| c.max_attempts = attempts).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "webhook configuration: `max_attempts` is {attempts}; write a number from 1 to 10 (the contract makes 3)"
            )
        );
    }
    for secs in [0, 301, u64::MAX] {
        let err = build(&|c| c.request_timeout_secs = secs).unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "webhook configuration: `request_timeout_secs` is {secs}; write a number of seconds from 1 to 300"
            )),
            "{message}"
        );
    }
    let err = build(&|c| c.retry_delays_secs = vec![5, u64::MAX]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "webhook configuration: `retry_delays_secs` contains {}; each pause is 0 to 300 seconds",
            u64::MAX
        )
    );
    let err = build(&|c| c.retry_delays_secs = vec![1; 11]).unwrap_err();
    assert!(
        err.to_string()
            .contains("`retry_delays_secs` has 11 values; give at most 10"),
        "{err}"
    );
    // The edges of each range are accepted.
    build(&|c| {
        c.max_attempts = 10;
        c.request_timeout_secs = 300;
        c.retry_delays_secs = vec![0, 300];
    })
    .unwrap();
    build(&|c| {
        c.max_attempts = 1;
        c.request_timeout_secs = 1;
        c.retry_delays_secs = vec![];
    })
    .unwrap();
}

#[tokio::test]
async fn a_huge_retry_after_counts_as_five_minutes() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(
            ResponseTemplate::new(429).insert_header("Retry-After", u64::MAX.to_string().as_str()),
        )
        .mount(&server)
        .await;
    let err = engine_with(&server, |c| c.max_attempts = 1)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(300)));
}

#[tokio::test]
async fn an_event_answer_over_one_mib_is_a_permanent_error() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    // A valid answer, only too large.
    let big = json!({"response": [{"type": "TEXT", "data": {"message": "x".repeat(2 << 20)}}], "analytics": {"intents": []}});
    Mock::given(matchers::path(events_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(big))
        .mount(&server)
        .await;
    let err = engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");
    assert_eq!(err.code(), &codes::SEND_EVENT);
    assert!(
        err.to_string().contains("larger than 1048576 bytes"),
        "{err}"
    );
    assert_eq!(
        requests(&server, &events_path()).await.len(),
        1,
        "not retried"
    );
}

#[tokio::test]
async fn a_token_answer_over_one_mib_is_a_permanent_error() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t".repeat(2 << 20), "expires_in": 3600})),
        )
        .mount(&server)
        .await;
    let err = engine(&server).test_connection().await.unwrap_err();
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");
    assert_eq!(err.code(), &codes::AUTH);
    assert!(
        err.to_string().contains("larger than 1048576 bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn a_service_that_never_answers_fails_test_connection_with_a_timeout() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    Mock::given(matchers::path(format!("{BASE}/state")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"state": "online"}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let engine = engine_with(&server, |c| {
        c.request_timeout_secs = 1;
        c.max_attempts = 1;
    });
    let err = engine.test_connection().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::STATE);
    assert!(err.to_string().contains("timed out"), "{err}");

    // The token endpoint gets the same timeout.
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t"}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let engine = engine_with(&server, |c| {
        c.request_timeout_secs = 1;
        c.max_attempts = 1;
    });
    let err = engine.test_connection().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::AUTH);
    assert!(err.to_string().contains("did not answer in time"), "{err}");
}

#[tokio::test]
async fn error_pages_are_not_repeated_in_error_messages() {
    // A 5xx, a 4xx, and a token endpoint's refusal.
    for (status, path) in [(500, events_path()), (404, format!("{BASE}/state"))] {
        let server = MockServer::start().await;
        mount_token(&server, 3600).await;
        mount_create(&server).await;
        Mock::given(matchers::path(path))
            .respond_with(ResponseTemplate::new(status).set_body_string(SECRET))
            .mount(&server)
            .await;
        let engine = engine_with(&server, |c| c.max_attempts = 1);
        let err = if status == 500 {
            engine
                .handle(&text("hi"), &mut EngineSession::default())
                .await
                .unwrap_err()
        } else {
            engine.test_connection().await.unwrap_err()
        };
        let message = err.to_string();
        assert!(message.contains(&format!("HTTP {status}")), "{message}");
        assert!(!message.contains(SECRET), "{message}");
    }

    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "invalid_client", "error_description": SECRET})),
        )
        .mount(&server)
        .await;
    let err = engine(&server).test_connection().await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, EngineError::Unauthorized { .. }), "{err:?}");
    assert!(
        message.contains("HTTP 401, error `invalid_client`"),
        "{message}"
    );
    assert!(!message.contains(SECRET), "{message}");
    // An `error` that is not one of OAuth2's codes is not repeated.
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": SECRET})))
        .mount(&server)
        .await;
    let err = engine(&server).test_connection().await.unwrap_err();
    assert!(err.to_string().contains("HTTP 400;"), "{err}");
    assert!(!err.to_string().contains(SECRET), "{err}");
}

#[tokio::test]
async fn a_delay_too_large_for_a_duration_is_an_invalid_body() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    mount_events(
        &server,
        json!({"response": [{"type": "DELAY", "data": {"seconds": 1e300}}], "analytics": {"intents": []}}),
    )
    .await;
    let err = engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::INVALID_BODY);
    assert!(err.to_string().contains("too large for a delay"), "{err}");
}

#[tokio::test]
async fn values_of_unreadable_answers_are_not_repeated() {
    // serde's own message would quote the string ("invalid type: string ...").
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    mount_events(&server, json!({"response": SECRET})).await;
    let err = engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::INVALID_BODY);
    assert!(!err.to_string().contains(SECRET), "{err}");

    // Nor is a state the contract does not name, or the version.
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    Mock::given(matchers::path(format!("{BASE}/state")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"state": SECRET, "version": SECRET})),
        )
        .mount(&server)
        .await;
    let err = engine(&server).test_connection().await.unwrap_err();
    assert_eq!(err.code(), &codes::NOT_ONLINE);
    assert!(err.to_string().contains("an unknown state"), "{err}");
    assert!(!err.to_string().contains(SECRET), "{err}");
}
