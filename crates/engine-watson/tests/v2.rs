//! Watson Assistant v2 against a mock: sessions, re-creation, stateless
//! context, close, welcome, test connection.

mod common;

use common::*;
use connector_core::{BotEngine, ChannelType, EngineError, EngineSession, Output};
use engine_watson::codes;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SESSIONS: &str = "/v2/assistants/assistant-1/sessions";

fn lp_vars(conversation: &str, text: &str, with_sdes: bool) -> Value {
    let mut vars = json!({"convId": conversation, "lpEvent": lp_event(text)});
    if with_sdes {
        vars["lpSdes"] = serde_json::to_value(sdes()).unwrap();
    }
    vars
}

fn message_body(text: &str, context: Value) -> Value {
    json!({
        "input": {"message_type": "text", "text": text, "options": {"return_context": true}},
        "context": context
    })
}

/// The stateful response of the API docs, with LivePerson's text.
fn hello_response() -> Value {
    json!({
        "output": {
            "generic": [{"response_type": "text", "text": "Hello!"}],
            "intents": [{"intent": "greeting", "confidence": 0.97, "skill": "main skill"}],
            "entities": [],
            "debug": {"nodes_visited": [], "log_messages": [], "branch_exited": false},
            "spelling": {"text": "hi", "original_text": "hi", "suggested_text": "hi"}
        },
        "context": {"global": {"system": {"turn_count": 1}, "session_id": "s-1"}, "skills": {"main skill": {"user_defined": {}}}},
        "user_id": "customer-123",
        "masked_output": {}
    })
}

async fn create_session_mock(server: &MockServer, id: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path(SESSIONS))
        .and(query_param("version", "2023-06-15"))
        .and(header("authorization", APIKEY_BASIC))
        .and(header("accept", "application/json"))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"session_id": id})))
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_session_is_created_once_and_the_lp_context_is_sent_every_turn() {
    let server = MockServer::start().await;
    create_session_mock(&server, "s-1", 1).await;
    let mut event = text("conv-1", "I want\nto talk\tto a human");
    event.context = event.context.with_sdes(sdes());
    let context = json!({"skills": {"main skill": {"user_defined": lp_vars("conv-1", "I want\nto talk\tto a human", true)}}});
    Mock::given(method("POST"))
        .and(path(format!("{SESSIONS}/s-1/message")))
        .and(query_param("version", "2023-06-15"))
        .and(header("authorization", APIKEY_BASIC))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(body_json(message_body(
            "I want to talk to a human",
            context,
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-global-transaction-id", "tx-1")
                .set_body_json(hello_response()),
        )
        .expect(2)
        .mount(&server)
        .await;
    let engine = engine(v2_config(&server, apikey()));
    let mut session = EngineSession::default();
    for _ in 0..2 {
        let reply = engine.handle(&event, &mut session).await.unwrap();
        assert_eq!(reply.outputs, [Output::text("Hello!")]);
        assert!(reply.actions.is_empty());
    }
    assert_eq!(
        session.get::<String>("watson.session_id").as_deref(),
        Some("s-1")
    );
}

#[tokio::test]
async fn an_expired_session_is_recreated_and_the_message_resent() {
    let server = MockServer::start().await;
    create_session_mock(&server, "s-2", 1).await;
    Mock::given(method("POST"))
        .and(path(format!("{SESSIONS}/s-1/message")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Invalid Session", "code": 404})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{SESSIONS}/s-2/message")))
        .and(body_json(message_body(
            "hi",
            json!({"skills": {"main skill": {"user_defined": lp_vars("conv-1", "hi", false)}}}),
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer("Welcome back")))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(v2_config(&server, apikey()));
    let mut session = EngineSession::default();
    session.set("watson.session_id", "s-1");
    let reply = engine
        .handle(&text("conv-1", "hi"), &mut session)
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("Welcome back")]);
    assert_eq!(
        session.get::<String>("watson.session_id").as_deref(),
        Some("s-2")
    );
}

#[tokio::test]
async fn invalid_session_after_recreation_is_the_invalid_session_error() {
    let server = MockServer::start().await;
    create_session_mock(&server, "s-2", 1).await;
    Mock::given(method("POST"))
        .and(path(format!("{SESSIONS}/s-1/message")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Invalid Session", "code": 404})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{SESSIONS}/s-2/message")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Invalid Session", "code": 404})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(v2_config(&server, apikey()));
    let mut session = EngineSession::default();
    session.set("watson.session_id", "s-1");
    let err = engine
        .handle(&text("conv-1", "hi"), &mut session)
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::INVALID_SESSION);
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");
    assert!(
        err.to_string().contains("HTTP 404 (invalid session)"),
        "{err}"
    );
}

#[tokio::test]
async fn create_session_failures_carry_the_create_session_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SESSIONS))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"error": "Service Unavailable", "code": 503})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SESSIONS))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Resource not found", "code": 404})),
        )
        .mount(&server)
        .await;
    let engine = engine(v2_config(&server, apikey()));
    let mut session = EngineSession::default();
    let unavailable = engine
        .handle(&text("c", "hi"), &mut session)
        .await
        .unwrap_err();
    assert_eq!(unavailable.code(), &codes::CREATE_SESSION);
    assert!(unavailable.is_transient());
    let unknown = engine
        .handle(&text("c", "hi"), &mut session)
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), &codes::CREATE_SESSION);
    assert!(
        matches!(unknown, EngineError::Permanent { .. }),
        "{unknown:?}"
    );
    assert!(unknown.to_string().contains("HTTP 404"), "{unknown}");
    assert!(
        !unknown.to_string().contains("Resource not found"),
        "{unknown}"
    );
}

#[tokio::test]
async fn stateless_mode_sends_back_the_whole_returned_context() {
    let server = MockServer::start().await;
    let returned = json!({
        "global": {"system": {"turn_count": 1, "timezone": "Europe/Paris"}, "session_id": "w-123"},
        "skills": {"main skill": {
            "user_defined": {"name": "Ann", "convId": "conv-1", "lpEvent": lp_event("hi")},
            "system": {"state": "eyJzdGF0ZSI6MX0="}
        }}
    });
    Mock::given(method("POST"))
        .and(path("/v2/assistants/assistant-1/message"))
        .and(query_param("version", "2023-06-15"))
        .and(body_json(message_body(
            "hi",
            json!({"skills": {"main skill": {"user_defined": lp_vars("conv-1", "hi", false)}}}),
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "output": {"generic": [{"response_type": "text", "text": "What is your name?"}]},
            "context": returned
        })))
        .expect(1)
        .mount(&server)
        .await;
    let mut second = returned.clone();
    second["skills"]["main skill"]["user_defined"] =
        json!({"name": "Ann", "convId": "conv-1", "lpEvent": lp_event("Ann")});
    Mock::given(method("POST"))
        .and(path("/v2/assistants/assistant-1/message"))
        .and(body_json(message_body("Ann", second)))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer("Hi Ann")))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(v2_config(&server, apikey()).stateless());
    let mut session = EngineSession::default();
    let first = engine
        .handle(&text("conv-1", "hi"), &mut session)
        .await
        .unwrap();
    assert_eq!(first.outputs, [Output::text("What is your name?")]);
    let reply = engine
        .handle(&text("conv-1", "Ann"), &mut session)
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("Hi Ann")]);
    assert!(session.get_json("watson.session_id").is_none());
}

#[tokio::test]
async fn welcome_sends_an_empty_text_and_close_deletes_the_session() {
    let server = MockServer::start().await;
    create_session_mock(&server, "s-1", 1).await;
    Mock::given(method("POST"))
        .and(path(format!("{SESSIONS}/s-1/message")))
        .and(body_json(message_body(
            "",
            json!({"skills": {"main skill": {"user_defined": {"convId": "chat-1", "lpEvent": {"isWelcomeEvent": true}}}}}),
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer("Welcome! How can I help?")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{SESSIONS}/s-1")))
        .and(query_param("version", "2023-06-15"))
        .and(header("authorization", APIKEY_BASIC))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(v2_config(&server, apikey()));
    let mut session = EngineSession::default();
    let reply = engine
        .handle(&welcome(ChannelType::Chat, "chat-1"), &mut session)
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("Welcome! How can I help?")]);
    let closed = connector_core::InboundEvent::new(
        context(ChannelType::Chat, "chat-1", Value::Null),
        connector_core::EventKind::ConversationClosed,
    );
    let reply = engine.handle(&closed, &mut session).await.unwrap();
    assert!(reply.outputs.is_empty() && reply.actions.is_empty());
}

#[tokio::test]
async fn a_configured_version_date_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SESSIONS))
        .and(query_param("version", "2021-06-14"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"session_id": "s"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{SESSIONS}/s/message")))
        .and(query_param("version", "2021-06-14"))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer("ok")))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(v2_config(&server, apikey()).with_version("2021-06-14"));
    let reply = engine
        .handle(&text("c", "hi"), &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("ok")]);
}

#[tokio::test]
async fn test_connection_creates_and_deletes_a_session() {
    let server = MockServer::start().await;
    create_session_mock(&server, "probe", 1).await;
    Mock::given(method("DELETE"))
        .and(path(format!("{SESSIONS}/probe")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    engine(v2_config(&server, apikey()))
        .test_connection()
        .await
        .unwrap();

    let denied = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SESSIONS))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthorized", "code": 401})),
        )
        .mount(&denied)
        .await;
    let err = engine(v2_config(&denied, apikey()))
        .test_connection()
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::TEST_CONNECTION);
    assert!(matches!(err, EngineError::Unauthorized { .. }), "{err:?}");
}
