//! Every failure of a detectIntent call, with its kind and code.

mod common;

use std::time::Duration;

use common::*;
use connector_core::{BotEngine, EngineError, ErrorCode};
use engine_dialogflow::{DialogflowEngine, TEST_CONNECTION_SESSION, codes};
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

async fn failing(template: ResponseTemplate) -> EngineError {
    let server = MockServer::start().await;
    Mock::given(matchers::path(ES_PATH))
        .respond_with(template)
        .mount(&server)
        .await;
    handle(&es_engine(&server), &text_event("hi"))
        .await
        .unwrap_err()
}

fn google_error(code: u16, status: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(json!({"error": {
        "code": code, "message": message, "status": status,
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "X", "domain": "googleapis.com"}]
    }}))
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_transient() {
    let err = failing(
        google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded")
            .insert_header("retry-after", "30"),
    )
    .await;
    assert!(err.is_transient());
    assert_eq!(err.code(), &codes::SEND_QUERY);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert!(
        err.to_string()
            .contains("Dialogflow answered HTTP 429 (RESOURCE_EXHAUSTED)"),
        "{err}"
    );
    // Google's free-text message is logged, not repeated in the error.
    assert!(!err.to_string().contains("Quota exceeded"), "{err}");

    let err = failing(google_error(
        503,
        "UNAVAILABLE",
        "The service is currently unavailable.",
    ))
    .await;
    assert!(err.is_transient());
    assert_eq!(err.retry_after(), None);
    assert!(err.to_string().contains("HTTP 503"), "{err}");

    let err = failing(ResponseTemplate::new(500).set_body_string("")).await;
    assert!(err.is_transient());
    assert!(err.to_string().contains("HTTP 500"), "{err}");
}

#[tokio::test]
async fn client_errors_are_permanent_and_credential_errors_unauthorized() {
    let err = failing(google_error(
        400,
        "INVALID_ARGUMENT",
        "Session id is too long",
    ))
    .await;
    let EngineError::Permanent { code, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(code, &codes::SEND_QUERY);
    assert!(message.contains("HTTP 400 (INVALID_ARGUMENT)"), "{message}");

    let err = failing(google_error(404, "NOT_FOUND", "Agent not found")).await;
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");

    let err = failing(google_error(
        403,
        "PERMISSION_DENIED",
        "dialogflow.sessions.detectIntent denied",
    ))
    .await;
    let EngineError::Unauthorized { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("PERMISSION_DENIED"), "{message}");
}

#[tokio::test]
async fn unreadable_answers_are_parse_errors_with_the_body() {
    let err = failing(ResponseTemplate::new(200).set_body_string("not json")).await;
    let EngineError::InvalidResponse { code, body, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(code, &codes::PARSE_MESSAGE);
    assert_eq!(body, "not json");

    let err = failing(ResponseTemplate::new(200).set_body_json(json!({"responseId": "r"}))).await;
    assert_eq!(err.code(), &codes::PARSE_MESSAGE);
    assert!(err.to_string().contains("queryResult"), "{err}");

    let err = failing(
        ResponseTemplate::new(200).set_body_json(json!({"queryResult": {
        "fulfillmentMessages": [{"payload": {"structuredContent": {"elements": []}}}]}})),
    )
    .await;
    assert_eq!(err.code(), &codes::PARSE_MESSAGE);
    assert!(err.to_string().contains("string `type`"), "{err}");

    let err = failing(
        ResponseTemplate::new(200).set_body_json(json!({"queryResult": {
        "fulfillmentMessages": [{"payload": {"messageAudience": "ALL", "text": "x"}}]}})),
    )
    .await;
    assert_eq!(err.code(), &codes::PARSE_MESSAGE);

    let err = failing(
        ResponseTemplate::new(200).set_body_json(json!({"queryResult": {
        "action": "CHANGE_TTR", "parameters": {"ttrType": "SOON"}}})),
    )
    .await;
    assert_eq!(err.code(), &codes::PARSE_MESSAGE);
    assert!(err.to_string().contains("`SOON`"), "{err}");
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_transient() {
    let server = MockServer::start().await;
    Mock::given(matchers::path(ES_PATH))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let mut config = es_config(&server);
    config.request_timeout_secs = 1;
    let engine = DialogflowEngine::es(&config, reqwest::Client::new(), static_token()).unwrap();
    let err = handle(&engine, &text_event("hi")).await.unwrap_err();
    assert!(err.is_transient());
    assert!(err.to_string().contains("timed out"), "{err}");

    // Port 1 on loopback: privileged and unused, so the connection is refused.
    let mut config = es_config(&server);
    config.base_url = Some("http://127.0.0.1:1".parse().unwrap());
    let engine = DialogflowEngine::es(&config, reqwest::Client::new(), static_token()).unwrap();
    let err = handle(&engine, &text_event("hi")).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::SEND_QUERY);
}

#[tokio::test]
async fn test_connection_sends_welcome_in_its_own_session_with_its_own_code() {
    let server = MockServer::start().await;
    let path = format!(
        "/v3/projects/shop-bot/locations/europe-west2/agents/agent-7/sessions/{TEST_CONNECTION_SESSION}:detectIntent"
    );
    Mock::given(matchers::path(path.as_str()))
        .and(matchers::body_json(
            json!({"queryInput": {"event": {"event": "WELCOME"}, "languageCode": "en"}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"queryResult": {"responseMessages": [{"text": {"text": ["Hi"]}}]}}),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path(path.as_str()))
        .respond_with(google_error(
            404,
            "NOT_FOUND",
            "com.google.apps.framework.request.NotFoundException: Agent does not exist",
        ))
        .mount(&server)
        .await;
    let engine = cx_engine(&server);
    engine.test_connection().await.unwrap();
    let err = engine.test_connection().await.unwrap_err();
    assert_eq!(
        err.code(),
        &ErrorCode::from_static("engine.dialogflow.test-connection")
    );
    assert!(err.to_string().contains("HTTP 404 (NOT_FOUND)"), "{err}");
}

#[tokio::test]
async fn vendor_name_and_empty_reply_on_unknown_only() {
    let server = MockServer::start().await;
    answer(
        &server,
        ES_PATH,
        json!({"queryResult": {"action": "input.unknown",
        "fulfillmentMessages": [{"text": {"text": [""]}}]}}),
    )
    .await;
    let engine = es_engine(&server);
    assert_eq!(engine.vendor(), "dialogflow");
    let reply = handle(&engine, &text_event("??")).await.unwrap();
    // Nothing LiveEngage can show: the runtime's validation escalates it.
    assert!(reply.outputs.is_empty() && reply.actions.is_empty());
    assert_eq!(
        reply
            .validate(connector_core::ChannelType::Messaging)
            .unwrap_err()
            .code(),
        connector_core::codes::MISSING_ACTION_AND_MESSAGES
    );
}
