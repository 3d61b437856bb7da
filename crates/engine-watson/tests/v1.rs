//! Watson Assistant v1 against a mock: the workspace message call, the context
//! carried between turns, the legacy `output.text`, LivePerson's v1 examples.

mod common;

use common::*;
use connector_core::{Action, BotEngine, EngineSession, Output};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MESSAGE: &str = "/v1/workspaces/workspace-1/message";

#[tokio::test]
async fn the_context_returned_by_watson_is_sent_back_next_turn() {
    let server = MockServer::start().await;
    let system = json!({"dialog_stack": [{"dialog_node": "root"}], "dialog_turn_counter": 1, "dialog_request_counter": 1});
    Mock::given(method("POST"))
        .and(path(MESSAGE))
        .and(query_param("version", "2021-11-27"))
        .and(header("authorization", APIKEY_BASIC))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "input": {"text": "hi"},
            "context": {"convId": "conv-1", "lpEvent": lp_event("hi")}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "input": {"text": "hi"},
            "intents": [{"intent": "greeting", "confidence": 0.98}],
            "entities": [],
            "alternate_intents": false,
            "context": {"conversation_id": "cid-1", "system": system, "metadata": {"user_id": "u"}, "convId": "conv-1", "lpEvent": lp_event("hi"), "plan": "gold"},
            "output": {"generic": [{"response_type": "text", "text": "Hello"}], "text": ["Hello"], "nodes_visited": ["node_1"], "log_messages": []}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(MESSAGE))
        .and(body_json(json!({
            "input": {"text": "upgrade"},
            "context": {"conversation_id": "cid-1", "system": system, "metadata": {"user_id": "u"}, "convId": "conv-1", "lpEvent": lp_event("upgrade"), "plan": "gold"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "output": {"generic": [{"response_type": "text", "text": "You are on gold already"}]},
            "context": {"conversation_id": "cid-1"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(v1_config(&server, apikey()));
    let mut session = EngineSession::default();
    let first = engine
        .handle(&text("conv-1", "hi"), &mut session)
        .await
        .unwrap();
    assert_eq!(first.outputs, [Output::text("Hello")]);
    let second = engine
        .handle(&text("conv-1", "upgrade"), &mut session)
        .await
        .unwrap();
    assert_eq!(second.outputs, [Output::text("You are on gold already")]);
}

#[tokio::test]
async fn legacy_output_text_and_the_liveperson_transfer_example() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(MESSAGE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "output": { "text": { "values": ["Escalating to a human"] } },
            "actions": [ { "name": "TRANSFER", "type": "client", "parameters": { "skill": "human_skill" }, "result_variable": "none" } ]
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(MESSAGE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "output": {"text": ["Hello", "How can I help?"]}, "context": {}
        })))
        .mount(&server)
        .await;
    let engine = engine(v1_config(&server, apikey()));
    let mut session = EngineSession::default();
    let reply = engine
        .handle(&text("c", "agent"), &mut session)
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("Escalating to a human")]);
    assert_eq!(reply.actions, [Action::transfer("human_skill")]);
    let reply = engine.handle(&text("c", "hi"), &mut session).await.unwrap();
    assert_eq!(
        reply.outputs,
        [Output::text("Hello"), Output::text("How can I help?")]
    );
}

#[tokio::test]
async fn liveperson_structured_content_in_output_text_values() {
    let server = MockServer::start().await;
    let card = json!({"type": "vertical", "elements": [{"type": "text", "text": "Product"}]});
    Mock::given(method("POST"))
        .and(path(MESSAGE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "output": {
                "text": {
                    "values": [
                        { "metadata": [ { "id": "1234", "type": "ExternalId" } ], "structuredContent": card }
                    ],
                    "selection_policy": "sequential"
                }
            }
        })))
        .mount(&server)
        .await;
    let engine = engine(v1_config(&server, apikey()));
    let reply = engine
        .handle(&text("c", "show"), &mut EngineSession::default())
        .await
        .unwrap();
    let expected = Output::structured(connector_core::rich::StructuredContent::raw(card).unwrap())
        .with_metadata(json!({ "id": "1234", "type": "ExternalId" }));
    assert_eq!(reply.outputs, [expected]);
}

#[tokio::test]
async fn test_connection_reads_the_workspace() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/workspaces/workspace-1"))
        .and(query_param("version", "2021-11-27"))
        .and(header("authorization", APIKEY_BASIC))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"name": "Car Dashboard", "workspace_id": "workspace-1", "language": "en"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    engine(v1_config(&server, apikey()))
        .test_connection()
        .await
        .unwrap();
    let missing = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Resource not found", "code": 404})),
        )
        .mount(&missing)
        .await;
    let err = engine(v1_config(&missing, apikey()))
        .test_connection()
        .await
        .unwrap_err();
    assert_eq!(err.code(), &engine_watson::codes::TEST_CONNECTION);
    assert!(err.to_string().contains("HTTP 404"), "{err}");
    assert!(!err.to_string().contains("Resource not found"), "{err}");
}
