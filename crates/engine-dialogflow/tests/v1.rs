//! Dialogflow V1 (deprecated): the `query` call and its response shapes.

mod common;

use std::time::Duration;

use common::*;
use connector_core::rich::StructuredContent;
use connector_core::{Action, EngineError, Output, Ttr};
use engine_dialogflow::codes;
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

fn answer_body(
    messages: serde_json::Value,
    action: &str,
    parameters: serde_json::Value,
) -> serde_json::Value {
    json!({"id": "q-1", "timestamp": "2019-01-01T00:00:00Z", "lang": "en", "sessionId": CONV,
        "result": {"source": "agent", "resolvedQuery": "hi", "action": action, "actionIncomplete": false,
            "parameters": parameters, "contexts": [],
            "metadata": {"intentId": "i-1", "intentName": "Default Welcome Intent", "webhookUsed": "false"},
            "fulfillment": {"speech": "Hello", "messages": messages}, "score": 1.0},
        "status": {"code": 200, "errorType": "success"}})
}

#[tokio::test]
async fn query_uses_the_client_token_protocol_version_and_session() {
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .and(matchers::path("/v1/query"))
        .and(matchers::query_param("v", "20150910"))
        .and(matchers::header("authorization", "Bearer client-token-1"))
        .and(matchers::header(
            "content-type",
            "application/json; charset=utf-8",
        ))
        .and(matchers::body_json(
            json!({"query": "hi", "sessionId": CONV, "lang": "en"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer_body(
            json!([{"type": 0, "speech": "Hello"}]),
            "input.welcome",
            json!({}),
        )))
        .expect(1)
        .mount(&server)
        .await;
    let reply = handle(&v1_engine(&server), &text_event("hi"))
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("Hello")]);
    assert!(reply.actions.is_empty());
}

#[tokio::test]
async fn welcome_and_long_texts_are_events() {
    let server = MockServer::start().await;
    answer(
        &server,
        "/v1/query",
        answer_body(json!([{"type": 0, "speech": "Hi"}]), "", json!({})),
    )
    .await;
    let engine = v1_engine(&server);
    handle(&engine, &welcome_event()).await.unwrap();
    handle(&engine, &text_event(&"z".repeat(256)))
        .await
        .unwrap();
    assert_eq!(
        bodies(&server, "/v1/query").await,
        [
            json!({"event": {"name": "WELCOME"}, "sessionId": CONV, "lang": "en"}),
            json!({"event": {"name": "DIALOGFLOW_CHAR_LIMIT"}, "sessionId": CONV, "lang": "en"}),
        ]
    );
}

#[tokio::test]
async fn text_variants_custom_payloads_and_actions() {
    let server = MockServer::start().await;
    let card = json!({"type": "vertical", "elements": [{"type": "text", "text": "Card"}]});
    answer(&server, "/v1/query", answer_body(
        json!([
            {"type": 0, "speech": ["One", "Two"]},
            {"type": "0", "speech": "Three"},
            {"type": 4, "payload": {"metadata": [{"type": "ExternalId", "id": "c"}], "structuredContent": card}},
            {"type": 4, "payload": {"delay": 1}},
            {"type": 1, "title": "card"},
            {"type": 2, "replies": ["a"]},
            {"type": 0, "speech": "Facebook only", "platform": "facebook"}
        ]),
        "CHANGE_TTR",
        json!({"ttrType": "CUSTOM", "value": "120"}),
    )).await;
    let reply = handle(&v1_engine(&server), &text_event("x")).await.unwrap();
    assert_eq!(
        reply.outputs,
        [
            Output::text("One"),
            Output::text("Two"),
            Output::text("Three"),
            Output::structured(StructuredContent::raw(card).unwrap())
                .with_metadata(json!({"type": "ExternalId", "id": "c"})),
            Output::delay(Duration::from_secs(1), true),
        ]
    );
    assert_eq!(reply.actions, [Action::ChangeTtr(Ttr::Custom(120))]);
}

#[tokio::test]
async fn speech_is_used_without_messages_and_transfer_reads_skill() {
    let server = MockServer::start().await;
    answer(
        &server,
        "/v1/query",
        json!({
            "result": {"action": "TRANSFER", "parameters": {"skill": "human"},
                       "fulfillment": {"speech": "Transferring you"}},
            "status": {"code": 200, "errorType": "success"}
        }),
    )
    .await;
    let reply = handle(&v1_engine(&server), &text_event("agent"))
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("Transferring you")]);
    assert_eq!(reply.actions, [Action::transfer("human")]);
}

#[tokio::test]
async fn error_statuses_in_the_body_and_in_http() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/v1/query"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "id": "e", "status": {"code": 401, "errorType": "unauthorized",
            "errorDetails": "Authentication parameters missing"}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path("/v1/query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": {"code": 503, "errorType": "service_unavailable"}})))
        .mount(&server)
        .await;
    let engine = v1_engine(&server);
    let err = handle(&engine, &text_event("x")).await.unwrap_err();
    let EngineError::Unauthorized { code, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(code, &codes::SEND_QUERY);
    assert!(message.contains("HTTP 401 (unauthorized)"), "{message}");
    assert!(
        !message.contains("Authentication parameters missing"),
        "{message}"
    );
    let err = handle(&engine, &text_event("x")).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(err.to_string().contains("503"), "{err}");
}
