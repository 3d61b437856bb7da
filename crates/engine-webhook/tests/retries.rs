//! The contract's retry policy: no retry on 4xx, 429 after at least 1 s, 5xx
//! three attempts, 401 once with a new token, 404 on an event re-creates the
//! conversation once, tokens renewed on expiry. The tests run on the real
//! clock without pauses between attempts; the pauses themselves (5, 10, 15 s)
//! are unit-tested in `src/client.rs`.

mod common;

use std::time::Duration;

use common::*;
use connector_core::{BotEngine, EngineError, EngineSession, Output};
use engine_webhook::codes;
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

fn events_path() -> String {
    format!("{BASE}/conversations/{CONV}/events")
}

fn ok_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"response": [{"type": "TEXT", "data": {"message": "ok"}}], "analytics": {"intents": []}}))
}

async fn count(server: &MockServer, path: &str) -> usize {
    requests(server, path).await.len()
}

#[tokio::test]
async fn server_errors_are_tried_three_times() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::SEND_EVENT);
    assert!(err.to_string().contains("HTTP 503 (attempt 3)"), "{err}");
    assert_eq!(count(&server, &events_path()).await, 3);
}

#[tokio::test]
async fn a_server_error_then_success_answers() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ok_answer())
        .mount(&server)
        .await;
    let reply = engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("ok")]);
    assert_eq!(count(&server, &events_path()).await, 2);
}

#[tokio::test]
async fn too_many_requests_waits_at_least_one_second() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ok_answer())
        .mount(&server)
        .await;
    engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(count(&server, &events_path()).await, 2);

    // The wait is the one reported when the attempts are used up: `Retry-After: 0`
    // still means the contract's minimum of 1 s.
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    let err = engine_with(&server, |c| c.max_attempts = 1)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"message": "bad event"})))
        .mount(&server)
        .await;
    let err = engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");
    assert!(err.to_string().contains("HTTP 400"), "{err}");
    // The service's body is not repeated (error messages reach the dashboard).
    assert!(!err.to_string().contains("bad event"), "{err}");
    assert_eq!(count(&server, &events_path()).await, 1);
}

#[tokio::test]
async fn not_found_on_events_recreates_the_conversation_once() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ResponseTemplate::new(404))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ok_answer())
        .mount(&server)
        .await;
    let mut session = EngineSession::default();
    session.set(engine_webhook::CREATED_KEY, &true);
    let reply = engine(&server)
        .handle(&text("hi"), &mut session)
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("ok")]);
    let create = format!("{BASE}/conversations/{CONV}");
    assert_eq!(count(&server, &create).await, 1);
    assert_eq!(count(&server, &events_path()).await, 2);

    // Twice 404: the second is an error, no third create.
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let err = engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::SEND_EVENT);
    assert_eq!(count(&server, &create).await, 2);
}

#[tokio::test]
async fn unauthorized_fetches_a_new_token_once() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ok_answer())
        .mount(&server)
        .await;
    engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(count(&server, "/token").await, 2);
}

#[tokio::test]
async fn tokens_are_renewed_when_they_expire() {
    let server = MockServer::start().await;
    mount_token(&server, 120).await;
    mount_create(&server).await;
    Mock::given(matchers::path(events_path()))
        .respond_with(ok_answer())
        .mount(&server)
        .await;
    let engine = engine(&server);
    let mut session = EngineSession::default();
    engine.handle(&text("one"), &mut session).await.unwrap();
    jump(Duration::from_secs(60)).await;
    engine.handle(&text("two"), &mut session).await.unwrap();
    assert_eq!(count(&server, "/token").await, 1, "still valid after 60 s");
    jump(Duration::from_secs(60)).await;
    engine.handle(&text("three"), &mut session).await.unwrap();
    assert_eq!(count(&server, "/token").await, 2, "renewed near expiry");
}
