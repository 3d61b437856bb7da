//! Dialogflow CX: request shapes and every documented response shape.

mod common;

use std::time::Duration;

use common::*;
use connector_core::rich::StructuredContent;
use connector_core::{
    Action, AgentId, EngineError, EventKind, FunctionInvocation, InboundEvent, Output, Ttr,
};
use engine_dialogflow::{DialogflowEngine, codes};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

fn messages(list: Value) -> Value {
    json!({"responseId": "r-9", "queryResult": {
        "text": "hi", "languageCode": "en", "responseMessages": list,
        "match": {"intent": {"name": "projects/p/intents/1", "displayName": "greet"}, "matchType": "INTENT", "confidence": 0.9},
        "currentPage": {"name": "projects/p/pages/START", "displayName": "Start Page"}
    }, "responseType": "FINAL"})
}

#[tokio::test]
async fn text_query_puts_language_on_query_input_and_lp_context_in_payload() {
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .and(matchers::path(CX_PATH))
        .and(matchers::header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(matchers::body_json(json!({
            "queryInput": {"text": {"text": "hi"}, "languageCode": "en"},
            "queryParams": {"payload": {
                "lpEvent": lp_event("hi"),
                "lpSdes": {"unauthenticatedSdes": {"customerInfo": {"serverTimeStamp": 1571770965040_u64,
                    "customerInfo": {"customerType": "vip", "customerId": "138766AC"}}}}
            }}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(messages(json!([
            {"text": {"text": ["Hello"], "allowPlaybackInterruption": false}, "responseType": "HANDLER_PROMPT"}
        ]))))
        .expect(1)
        .mount(&server)
        .await;
    let reply = handle(&cx_engine(&server), &text_event("hi"))
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("Hello")]);
}

#[tokio::test]
async fn welcome_on_transfer_sends_the_event_and_the_last_consumer_message() {
    let server = MockServer::start().await;
    answer(
        &server,
        CX_PATH,
        messages(json!([{"text": {"text": ["About your order..."]}}])),
    )
    .await;
    let event = InboundEvent::new(
        context().with_lp_event(json!({"dialogId": CONV})),
        EventKind::ConversationStarted {
            transferred: true,
            last_consumer_message: Some("where is my order".into()),
        },
    );
    handle(&cx_engine(&server), &event).await.unwrap();
    assert_eq!(
        bodies(&server, CX_PATH).await,
        [json!({
            "queryInput": {"event": {"event": "WELCOME"}, "languageCode": "en"},
            "queryParams": {"payload": {"lpEvent": {
                "dialogId": CONV, "contentType": "welcome", "lastConsumerMessage": "where is my order"
            }}}
        })]
    );
}

#[tokio::test]
async fn texts_over_255_characters_become_the_char_limit_event() {
    let server = MockServer::start().await;
    answer(
        &server,
        CX_PATH,
        messages(json!([{"text": {"text": ["Shorter please"]}}])),
    )
    .await;
    let engine = cx_engine(&server);
    handle(&engine, &text_event(&"y".repeat(255)))
        .await
        .unwrap();
    handle(&engine, &text_event(&"y".repeat(256)))
        .await
        .unwrap();
    let sent = bodies(&server, CX_PATH).await;
    assert_eq!(sent[0]["queryInput"]["text"]["text"], "y".repeat(255));
    assert_eq!(
        sent[1]["queryInput"],
        json!({"event": {"event": "DIALOGFLOW_CHAR_LIMIT"}, "languageCode": "en"})
    );
}

#[tokio::test]
async fn environment_and_global_location_shape_the_url() {
    let server = MockServer::start().await;
    let mut config = cx_config(&server);
    config.location = "global".into();
    config.environment = Some("env-42".into());
    let engine = DialogflowEngine::cx(&config, reqwest::Client::new(), static_token()).unwrap();
    let path = format!(
        "/v3/projects/shop-bot/locations/global/agents/agent-7/environments/env-42/sessions/{CONV}:detectIntent"
    );
    answer(
        &server,
        &path,
        messages(json!([{"text": {"text": ["from env-42"]}}])),
    )
    .await;
    let reply = handle(&engine, &text_event("hi")).await.unwrap();
    assert_eq!(reply.outputs, [Output::text("from env-42")]);
}

#[tokio::test]
async fn payload_outputs_and_non_liveperson_messages() {
    let server = MockServer::start().await;
    let card = json!({"type": "vertical", "elements": [{"type": "button", "title": "Buy",
        "click": {"actions": [{"type": "publishText", "text": "buy"}]}}]});
    answer(
        &server,
        CX_PATH,
        messages(json!([
            {"text": {"text": ["First", "Second"]}},
            {"payload": {"structuredContent": card}},
            {"payload": {"delay": 3, "typing": true}},
            {"payload": {"messageAudience": "AGENTS_AND_MANAGERS", "text": "note for agents"}},
            {"payload": {"textResponse": "with metadata", "encodedMetadata": "bWV0YQ=="}},
            {"liveAgentHandoff": {"metadata": {}}},
            {"conversationSuccess": {"metadata": {}}},
            {"endInteraction": {}},
            {"outputAudioText": {"text": "spoken"}},
            {"playAudio": {"audioUri": "gs://a"}},
            {"telephonyTransferCall": {"phoneNumber": "+15551234"}},
            {"knowledgeInfoCard": {}},
            {"toolCall": {"tool": "t"}},
            {"mixedAudio": {}}
        ])),
    )
    .await;
    let reply = handle(&cx_engine(&server), &text_event("buy"))
        .await
        .unwrap();
    assert_eq!(
        reply.outputs,
        [
            Output::text("First"),
            Output::text("Second"),
            Output::structured(StructuredContent::raw(card).unwrap()),
            Output::delay(Duration::from_secs(3), true),
            Output::private_text("note for agents"),
            Output::text("with metadata").with_encoded_metadata("bWV0YQ=="),
        ]
    );
    assert!(reply.actions.is_empty());
}

async fn action(payload: Value) -> Result<Vec<Action>, EngineError> {
    let server = MockServer::start().await;
    answer(
        &server,
        CX_PATH,
        messages(json!([
            {"text": {"text": ["Transferring"]}},
            {"payload": payload}
        ])),
    )
    .await;
    handle(&cx_engine(&server), &text_event("x"))
        .await
        .map(|r| r.actions)
}

#[tokio::test]
async fn action_payloads_become_actions() {
    assert_eq!(
        action(json!({"action": {"name": "TRANSFER", "parameters": {"skill": "SpecificAgentSkill", "agentId": "1005369632"}}})).await.unwrap(),
        [Action::TransferToAgent { skill: "SpecificAgentSkill".into(), agent_id: AgentId::new("1005369632") }]
    );
    assert_eq!(
        action(json!({"action": {"name": "TRANSFER", "parameters": {"skill": "sales"}}}))
            .await
            .unwrap(),
        [Action::transfer("sales")]
    );
    assert_eq!(
        action(json!({"action": {"name": "CLOSE_CONVERSATION"}}))
            .await
            .unwrap(),
        [Action::close()]
    );
    assert_eq!(
        action(
            json!({"action": {"name": "CLOSE_CONVERSATION", "parameters": {"withoutPcs": true}}})
        )
        .await
        .unwrap(),
        [Action::Close { without_pcs: true }]
    );
    assert_eq!(
        action(json!({"action": {"name": "CHANGE_TTR", "parameters": {"ttrType": "URGENT"}}}))
            .await
            .unwrap(),
        [Action::ChangeTtr(Ttr::Urgent)]
    );
    assert_eq!(
        action(json!({"action": {"name": "CHANGE_TTR", "parameters": {"ttrType": "PRIORITIZED"}}}))
            .await
            .unwrap(),
        [Action::ChangeTtr(Ttr::Prioritized)]
    );
    assert_eq!(
        action(json!({"action": {"name": "INVOCATION", "parameters": {"lambdaUuid": "uuid-1", "payload": {"order": 7}, "failOnError": true}}})).await.unwrap(),
        [Action::InvokeFunction(FunctionInvocation::new("uuid-1", json!({"order": 7})).fail_on_error())]
    );
    // The Lex-style form from LivePerson's CX template export.
    assert_eq!(
        action(json!({"type": "ACTION", "params": {"action": "TRANSFER", "data": {"skill": "billing"}}})).await.unwrap(),
        [Action::transfer("billing")]
    );
}

#[tokio::test]
async fn two_actions_are_the_multiple_actions_error() {
    let server = MockServer::start().await;
    answer(
        &server,
        CX_PATH,
        messages(json!([
            {"payload": {"action": {"name": "TRANSFER", "parameters": {"skill": "a"}}}},
            {"payload": {"action": {"name": "CLOSE_CONVERSATION"}}}
        ])),
    )
    .await;
    let err = handle(&cx_engine(&server), &text_event("x"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::MULTIPLE_ACTIONS);
    assert!(!err.is_transient());
    let EngineError::InvalidResponse { message, body, .. } = err else {
        panic!("{err:?}")
    };
    assert!(message.contains("transfer, close"), "{message}");
    assert!(body.contains("CLOSE_CONVERSATION"));
}

#[tokio::test]
async fn invalid_action_bodies_are_parse_errors_and_unknown_names_are_ignored() {
    let err = action(json!({"action": {"name": "TRANSFER", "parameters": {}}}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::PARSE_MESSAGE);
    assert!(err.to_string().contains("`skill`"), "{err}");
    let err = action(json!({"action": "TRANSFER"})).await.unwrap_err();
    assert_eq!(err.code(), &codes::PARSE_MESSAGE);
    assert!(
        action(json!({"action": {"name": "SEND_EMAIL"}}))
            .await
            .unwrap()
            .is_empty()
    );
}
