//! Dialogflow ES: request shapes (path, headers, body) and every documented
//! response shape, against wiremock.

mod common;

use std::time::Duration;

use common::*;
use connector_core::rich::StructuredContent;
use connector_core::{
    Action, AgentId, ChannelType, EventKind, FunctionInvocation, InboundEvent, Output, Ttr,
};
use engine_dialogflow::{DialogflowEngine, EsConfig};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

fn result(messages: Value) -> Value {
    json!({"responseId": "r-1", "queryResult": {"queryText": "hi", "fulfillmentMessages": messages}})
}

#[tokio::test]
async fn text_query_carries_lp_event_and_sdes_in_the_payload() {
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .and(matchers::path(ES_PATH))
        .and(matchers::header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(matchers::header("content-type", "application/json"))
        .and(matchers::body_json(json!({
            "queryInput": {"text": {"text": "where is my order", "languageCode": "en-US"}},
            "queryParams": {"payload": {
                "lpEvent": lp_event("where is my order"),
                "lpSdes": {"unauthenticatedSdes": {"customerInfo": {"serverTimeStamp": 1571770965040_u64,
                    "customerInfo": {"customerType": "vip", "customerId": "138766AC"}}}}
            }}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "responseId": "r-1",
            "queryResult": {
                "queryText": "where is my order", "languageCode": "en-us",
                "action": "order.status", "parameters": {}, "allRequiredParamsPresent": true,
                "fulfillmentText": "It ships tomorrow.",
                "fulfillmentMessages": [{"text": {"text": ["It ships tomorrow."]}}],
                "intent": {"name": "projects/shop-bot/agent/intents/1", "displayName": "order status"},
                "intentDetectionConfidence": 1
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let reply = handle(&es_engine(&server), &text_event("where is my order"))
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("It ships tomorrow.")]);
    assert!(
        reply.actions.is_empty(),
        "order.status is not a LivePerson action"
    );
}

#[tokio::test]
async fn welcome_is_the_welcome_event_with_a_welcome_marker() {
    let server = MockServer::start().await;
    answer(
        &server,
        ES_PATH,
        result(json!([{"text": {"text": ["Hi! How can I help?"]}}])),
    )
    .await;
    let reply = handle(&es_engine(&server), &welcome_event()).await.unwrap();
    assert_eq!(reply.outputs, [Output::text("Hi! How can I help?")]);
    let sent = bodies(&server, ES_PATH).await;
    assert_eq!(
        sent,
        [json!({
            "queryInput": {"event": {"name": "WELCOME", "languageCode": "en-US"}},
            "queryParams": {"payload": {"lpEvent": {"contentType": "welcome"}}}
        })]
    );
}

#[tokio::test]
async fn texts_over_256_characters_become_the_char_limit_event() {
    let server = MockServer::start().await;
    answer(
        &server,
        ES_PATH,
        result(json!([{"text": {"text": ["Please be brief."]}}])),
    )
    .await;
    let engine = es_engine(&server);
    handle(&engine, &text_event(&"x".repeat(256)))
        .await
        .unwrap();
    handle(&engine, &text_event(&"x".repeat(257)))
        .await
        .unwrap();
    let sent = bodies(&server, ES_PATH).await;
    assert_eq!(sent[0]["queryInput"]["text"]["text"], "x".repeat(256));
    assert_eq!(
        sent[1]["queryInput"],
        json!({"event": {"name": "DIALOGFLOW_CHAR_LIMIT", "languageCode": "en-US"}})
    );
    // The long text still reaches the bot's webhook in lpEvent.
    assert_eq!(
        sent[1]["queryParams"]["payload"]["lpEvent"]["event"]["message"],
        "x".repeat(257)
    );
}

#[tokio::test]
async fn files_and_rich_content_are_sent_as_liveperson_identifiers() {
    let server = MockServer::start().await;
    answer(
        &server,
        ES_PATH,
        result(json!([{"text": {"text": ["Thanks for the file."]}}])),
    )
    .await;
    let engine = es_engine(&server);
    let file = InboundEvent::new(
        context(),
        EventKind::ConsumerFile {
            file: json!({"relativePath": "/a.png"}),
        },
    );
    let location =
        json!({"type": "vertical", "elements": [{"type": "map", "la": 49.8, "lo": 2.0}]});
    let rich = InboundEvent::new(
        context()
            .with_lp_event(json!({"event": {"type": "RichContentEvent", "content": location}})),
        EventKind::ConsumerRichContent {
            content: location.clone(),
        },
    );
    handle(&engine, &file).await.unwrap();
    handle(&engine, &rich).await.unwrap();
    let sent = bodies(&server, ES_PATH).await;
    assert_eq!(
        sent[0]["queryInput"]["text"]["text"],
        "com.liveperson.bot-connectors.consumer.send-file"
    );
    assert_eq!(
        sent[1]["queryInput"]["text"]["text"],
        "com.liveperson.bot-connectors.consumer.send-rich-content"
    );
    assert_eq!(
        sent[1]["queryParams"]["payload"]["lpEvent"]["event"]["content"],
        location
    );
}

#[tokio::test]
async fn close_events_are_not_sent() {
    let server = MockServer::start().await;
    let engine = es_engine(&server);
    let closed = InboundEvent::new(context(), EventKind::ConversationClosed);
    let reply = handle(&engine, &closed).await.unwrap();
    assert!(reply.outputs.is_empty() && reply.actions.is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn regional_agent_with_environment_uses_both_path_parts_and_time_zone() {
    let server = MockServer::start().await;
    let mut config: EsConfig = es_config(&server);
    config.location = Some("europe-west2".into());
    config.environment = Some("production".into());
    config.time_zone = Some("Europe/London".into());
    let engine = DialogflowEngine::es(&config, reqwest::Client::new(), static_token()).unwrap();
    let path = format!(
        "/v2/projects/shop-bot/locations/europe-west2/agent/environments/production/users/-/sessions/{CONV}:detectIntent"
    );
    answer(
        &server,
        &path,
        result(json!([{"text": {"text": ["Hello from London"]}}])),
    )
    .await;
    let reply = handle(&engine, &text_event("hi")).await.unwrap();
    assert_eq!(reply.outputs, [Output::text("Hello from London")]);
    let sent = bodies(&server, &path).await;
    assert_eq!(sent[0]["queryParams"]["timeZone"], "Europe/London");
}

#[tokio::test]
async fn global_location_has_no_locations_segment() {
    let server = MockServer::start().await;
    let mut config = es_config(&server);
    config.location = Some("global".into());
    let engine = DialogflowEngine::es(&config, reqwest::Client::new(), static_token()).unwrap();
    answer(
        &server,
        ES_PATH,
        result(json!([{"text": {"text": ["global"]}}])),
    )
    .await;
    let reply = handle(&engine, &text_event("hi")).await.unwrap();
    assert_eq!(reply.outputs, [Output::text("global")]);
}

#[tokio::test]
async fn every_liveperson_payload_becomes_its_output_in_order() {
    let server = MockServer::start().await;
    let card = json!({"type": "vertical", "elements": [{"type": "text", "text": "Runner"}]});
    let quick = json!({"type": "quickReplies", "itemsPerRow": 8, "replies": [
        {"type": "button", "tooltip": "yes i do", "title": "yes",
         "click": {"actions": [{"type": "publishText", "text": "yep"}],
                   "metadata": [{"type": "ExternalId", "id": "Yes-1234"}]}}]});
    answer(&server, ES_PATH, result(json!([
        {"text": {"text": [""]}},
        {"text": {"text": ["Here you go"]}},
        {"payload": {"metadata": [{"type": "ExternalId", "id": "card-1"}], "structuredContent": card, "encodedMetadata": "ZXhhbXBsZQ=="}},
        {"payload": {"structuredContent": {"quickReplies": quick, "message": "Do you like Bots?"},
                     "metadata": [{"id": "1234", "type": "ExternalId"}]}},
        {"payload": {"delay": 8, "typing": false}},
        {"payload": {"delay": 2}},
        {"payload": {"messageAudience": "AGENTS_AND_MANAGERS", "text": "VIP customer"}},
        {"payload": {"textResponse": "Tracked text", "encodedMetadata": "dHJhY2tlZA=="}}
    ]))).await;
    let reply = handle(&es_engine(&server), &text_event("show"))
        .await
        .unwrap();
    assert_eq!(
        reply.outputs,
        [
            Output::text("Here you go"),
            Output::structured(StructuredContent::raw(card).unwrap())
                .with_metadata(json!({"type": "ExternalId", "id": "card-1"}))
                .with_encoded_metadata("ZXhhbXBsZQ=="),
            Output::quick_replies_raw("Do you like Bots?", quick)
                .with_metadata(json!({"id": "1234", "type": "ExternalId"})),
            Output::delay(Duration::from_secs(8), false),
            Output::delay(Duration::from_secs(2), true),
            Output::private_text("VIP customer"),
            Output::text("Tracked text").with_encoded_metadata("dHJhY2tlZA=="),
        ]
    );
    assert!(reply.validate(ChannelType::Messaging).is_ok());
}

#[tokio::test]
async fn other_platforms_and_unknown_kinds_are_skipped_native_quick_replies_kept() {
    let server = MockServer::start().await;
    answer(&server, ES_PATH, result(json!([
        {"text": {"text": ["Pick one"]}, "platform": "FACEBOOK"},
        {"quickReplies": {"title": "Pick", "quickReplies": ["A", "B"]}},
        {"card": {"title": "t", "subtitle": "s", "imageUri": "https://x/y.png", "buttons": [{"text": "b", "postback": "p"}]}},
        {"image": {"imageUri": "https://x/y.png", "accessibilityText": "y"}},
        {"simpleResponses": {"simpleResponses": [{"textToSpeech": "hi"}]}, "platform": "ACTIONS_ON_GOOGLE"},
        {"payload": {"richContent": [[{"type": "info", "title": "Messenger only"}]]}},
        {"futureKind": {"x": 1}},
        {"text": {"text": ["Default platform"]}, "platform": "PLATFORM_UNSPECIFIED"}
    ]))).await;
    let reply = handle(&es_engine(&server), &text_event("menu"))
        .await
        .unwrap();
    let expected_quick = json!({"type": "quickReplies", "itemsPerRow": 8, "replies": [
        {"type": "button", "title": "A", "click": {"actions": [{"type": "publishText", "text": "A"}]}},
        {"type": "button", "title": "B", "click": {"actions": [{"type": "publishText", "text": "B"}]}}
    ]});
    assert_eq!(
        reply.outputs,
        [
            Output::quick_replies_raw("Pick", expected_quick),
            Output::text("Default platform")
        ]
    );
}

#[tokio::test]
async fn legacy_fulfillment_text_is_used_when_there_are_no_messages() {
    let server = MockServer::start().await;
    answer(
        &server,
        ES_PATH,
        json!({"queryResult": {"fulfillmentText": "Legacy hello", "unknownField": true}}),
    )
    .await;
    let reply = handle(&es_engine(&server), &text_event("hi"))
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("Legacy hello")]);
}

async fn action_for(parameters: Value, action: &str) -> (Vec<Output>, Vec<Action>) {
    let server = MockServer::start().await;
    answer(
        &server,
        ES_PATH,
        json!({"queryResult": {
            "action": action, "parameters": parameters,
            "fulfillmentMessages": [{"text": {"text": ["One moment"]}}]
        }}),
    )
    .await;
    let reply = handle(&es_engine(&server), &text_event("go"))
        .await
        .unwrap();
    (reply.outputs, reply.actions)
}

#[tokio::test]
async fn intent_actions_with_parameters_become_actions_after_the_messages() {
    let (outputs, actions) = action_for(json!({"skill": "billing"}), "TRANSFER").await;
    assert_eq!(outputs, [Output::text("One moment")]);
    assert_eq!(actions, [Action::transfer("billing")]);

    let (_, actions) = action_for(
        json!({"skill": "SpecificAgentSkill", "agentId": "1005369632"}),
        "TRANSFER",
    )
    .await;
    assert_eq!(
        actions,
        [Action::TransferToAgent {
            skill: "SpecificAgentSkill".into(),
            agent_id: AgentId::new("1005369632")
        }]
    );

    let (_, actions) = action_for(json!({}), "CLOSE_CONVERSATION").await;
    assert_eq!(actions, [Action::Close { without_pcs: false }]);
    let (_, actions) = action_for(json!({"withoutPcs": "true"}), "CLOSE_CONVERSATION").await;
    assert_eq!(actions, [Action::Close { without_pcs: true }]);

    let (_, actions) = action_for(json!({"ttrType": "URGENT"}), "CHANGE_TTR").await;
    assert_eq!(actions, [Action::ChangeTtr(Ttr::Urgent)]);
    let (_, actions) = action_for(json!({"ttrType": "CUSTOM", "value": "120"}), "CHANGE_TTR").await;
    assert_eq!(actions, [Action::ChangeTtr(Ttr::Custom(120))]);

    let (_, actions) = action_for(
        json!({"lambdaUuid": "7c4f-11", "payload": "{ \"message\": \"Message from a FaaS Function\" }", "failOnError": false}),
        "INVOCATION",
    )
    .await;
    assert_eq!(
        actions,
        [Action::InvokeFunction(FunctionInvocation::new(
            "7c4f-11",
            json!("{ \"message\": \"Message from a FaaS Function\" }")
        ))]
    );
    let (_, actions) = action_for(
        json!({"lambdaUuid": "7c4f-11", "failOnError": "true"}),
        "INVOCATION",
    )
    .await;
    assert_eq!(
        actions,
        [Action::InvokeFunction(
            FunctionInvocation::new("7c4f-11", Value::Null).fail_on_error()
        )]
    );
}

#[tokio::test]
async fn an_action_alone_is_a_valid_reply() {
    let server = MockServer::start().await;
    answer(&server, ES_PATH, json!({"queryResult": {"action": "CLOSE_CONVERSATION", "parameters": {"withoutPcs": true}}})).await;
    let reply = handle(&es_engine(&server), &text_event("bye"))
        .await
        .unwrap();
    let valid = reply.validate(ChannelType::Messaging).unwrap();
    assert!(valid.outputs().is_empty());
    assert_eq!(valid.action(), Some(&Action::Close { without_pcs: true }));
}
