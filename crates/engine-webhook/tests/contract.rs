//! The contract's requests and every response item, against wiremock.

mod common;

use std::time::Duration;

use common::*;
use connector_core::rich::StructuredContent;
use connector_core::{
    Action, AgentId, BotEngine, EngineError, EngineSession, EventKind, FunctionInvocation, Output,
    Ttr,
};
use engine_webhook::{CREATED_KEY, INTENTS_KEY, Intent, codes};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

#[tokio::test]
async fn first_event_gets_a_token_creates_the_conversation_then_posts() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    mount_events(&server, json!({"response": [{"type": "TEXT", "data": {"message": "Hi"}}],
        "analytics": {"intents": [{"id": "greeting", "description": "Greeting", "confidenceScore": 0.9}]}})).await;
    let engine = engine(&server);
    let mut session = EngineSession::default();
    let reply = engine.handle(&text("Hi"), &mut session).await.unwrap();
    assert_eq!(reply.outputs, [Output::text("Hi")]);
    assert_eq!(session.get::<bool>(CREATED_KEY), Some(true));
    assert_eq!(
        session.get::<Vec<Intent>>(INTENTS_KEY).unwrap()[0].id,
        "greeting"
    );
    engine.handle(&text("again"), &mut session).await.unwrap();

    let all = server.received_requests().await.unwrap();
    let token = all
        .iter()
        .filter(|r| r.url.path() == "/token")
        .collect::<Vec<_>>();
    assert_eq!(token.len(), 1, "the token is cached");
    let form = String::from_utf8_lossy(&token[0].body);
    assert!(
        form.contains("grant_type=client_credentials")
            && form.contains("client_id=reference-client"),
        "{form}"
    );
    for r in all.iter().filter(|r| r.url.path() != "/token") {
        assert_eq!(r.headers.get("authorization").unwrap(), "Bearer tok-1");
    }
    let created = requests(&server, &format!("{BASE}/conversations/{CONV}")).await;
    assert_eq!(created.len(), 1, "the conversation is created once");
    assert_eq!(created[0].0, "PUT");
    assert_eq!(
        created[0].1,
        json!({
            "sdes": {"unauthenticatedSdes": {"customerInfo": {"customerInfo": {"customerId": "138766AC"}}}},
            "context": {"skillId": 1234567, "campaignId": 987665546, "engagementId": 123498765, "type": "MESSAGING",
                        "visitor": {"sharkVisitorId": "ABCDEFGHIJKLMNOPQRST", "language": "en-US"}}
        })
    );
    let events = requests(&server, &format!("{BASE}/conversations/{CONV}/events")).await;
    assert_eq!(
        events[0].1,
        json!({"type": "TEXT", "source": "CONSUMER", "data": {"message": "Hi"}, "context": {"lpEvent": lp_event("Hi")}})
    );
}

#[tokio::test]
async fn start_rich_content_file_and_close_events_have_their_shapes() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    mount_events(&server, json!({"response": [{"type": "TEXT", "data": {"message": "ok"}}], "analytics": {"intents": []}})).await;
    let engine = engine(&server);
    let mut session = EngineSession::default();
    engine
        .handle(
            &event(EventKind::ConversationStarted {
                transferred: true,
                last_consumer_message: Some("my order".into()),
            }),
            &mut session,
        )
        .await
        .unwrap();
    let map = json!({"type": "vertical", "elements": [{"type": "map", "la": 49.8, "lo": 2.0, "alt": "49.8, 2.0"}]});
    engine
        .handle(
            &event(EventKind::ConsumerRichContent {
                content: map.clone(),
            }),
            &mut session,
        )
        .await
        .unwrap();
    engine
        .handle(
            &event(EventKind::ConsumerFile {
                file: json!({"relativePath": "/a/b.png", "fileType": "PNG", "caption": "receipt"}),
            }),
            &mut session,
        )
        .await
        .unwrap();
    let closed = engine
        .handle(&event(EventKind::ConversationClosed), &mut session)
        .await
        .unwrap();
    assert!(closed.outputs.is_empty() && closed.actions.is_empty());
    let events: Vec<Value> = requests(&server, &format!("{BASE}/conversations/{CONV}/events"))
        .await
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    assert_eq!(events.len(), 4);
    assert_eq!(
        (&events[0]["type"], &events[0]["source"]),
        (&json!("START"), &json!("CONVERSATION"))
    );
    assert_eq!(
        events[0]["context"]["lpEvent"]["lastConsumerMessage"],
        "my order"
    );
    assert_eq!(events[1]["type"], "RICH_CONTENT");
    assert_eq!(events[1]["data"], json!({"content": map}));
    assert_eq!(events[2]["type"], "hosted-file");
    assert_eq!(
        events[2]["data"],
        json!({"relativePath": "/a/b.png", "fileType": "PNG", "caption": "receipt"})
    );
    assert_eq!(
        (&events[3]["type"], &events[3]["source"]),
        (&json!("CLOSE_CONVERSATION"), &json!("CONVERSATION"))
    );
}

#[tokio::test]
async fn close_of_an_unknown_conversation_calls_nothing() {
    let server = MockServer::start().await;
    let reply = engine(&server)
        .handle(
            &event(EventKind::ConversationClosed),
            &mut EngineSession::default(),
        )
        .await
        .unwrap();
    assert!(reply.outputs.is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn every_response_item_and_action_is_read() {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    let sc = json!({"type": "vertical", "elements": [{"type": "text", "text": "card"}]});
    let qr = json!({"type": "quickReplies", "itemsPerRow": 8, "replies": [{"type": "button", "title": "yes", "click": {"actions": [{"type": "publishText", "text": "yep"}]}}]});
    mount_events(&server, json!({"response": [
        {"type": "TEXT", "data": {"message": "public", "encodedMetadata": "ewoic29tZSI6ICJtZXRhIgp9", "metadata": [{"type": "ExternalId", "id": "t-1"}]}},
        {"type": "TEXT", "data": {"message": "agents only", "messageAudience": "AGENTS_AND_MANAGERS"}},
        {"type": "STRUCTURED_CONTENT", "data": {"structuredContent": sc, "metadata": [{"type": "ExternalId", "id": "ABCD1234"}], "encodedMetadata": "ewoic29tZSI6ICJtZXRhIgp9"}},
        {"type": "STRUCTURED_CONTENT", "data": {"structuredContent": {"quickReplies": qr, "message": "Do you like Bots?"}, "metadata": [{"id": "1234", "type": "ExternalId"}]}},
        {"type": "DELAY", "data": {"seconds": 4}},
        {"type": "DELAY", "data": {"seconds": 2, "typing": false}},
        {"type": "ACTION", "data": {"name": "TRANSFER", "parameters": {"skillName": "transfer_skill"}}}
    ], "analytics": {"intents": [{"id": "base-transfer", "description": "Custom Transfer", "confidenceScore": 1}]}})).await;
    let reply = engine(&server)
        .handle(&text("show"), &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(
        reply.outputs,
        [
            Output::text("public")
                .with_metadata(json!({"type": "ExternalId", "id": "t-1"}))
                .with_encoded_metadata("ewoic29tZSI6ICJtZXRhIgp9"),
            Output::private_text("agents only"),
            Output::structured(StructuredContent::raw(sc).unwrap())
                .with_metadata(json!({"type": "ExternalId", "id": "ABCD1234"}))
                .with_encoded_metadata("ewoic29tZSI6ICJtZXRhIgp9"),
            Output::quick_replies_raw("Do you like Bots?", qr)
                .with_metadata(json!({"id": "1234", "type": "ExternalId"})),
            Output::delay(Duration::from_secs(4), true),
            Output::delay(Duration::from_secs(2), false),
        ]
    );
    assert_eq!(reply.actions, [Action::transfer("transfer_skill")]);
}

async fn action_of(name: &str, parameters: Value) -> Result<Action, EngineError> {
    let server = MockServer::start().await;
    mount_token(&server, 3600).await;
    mount_create(&server).await;
    mount_events(&server, json!({"response": [{"type": "ACTION", "data": {"name": name, "parameters": parameters}}], "analytics": {"intents": []}})).await;
    let reply = engine(&server)
        .handle(&text("x"), &mut EngineSession::default())
        .await?;
    Ok(reply.actions.into_iter().next().expect("one action"))
}

#[tokio::test]
async fn actions_follow_the_contract() {
    assert_eq!(
        action_of("TRANSFER", json!({"skillName": "s", "agentId": "a-1"}))
            .await
            .unwrap(),
        Action::TransferToAgent {
            skill: "s".into(),
            agent_id: AgentId::new("a-1")
        }
    );
    assert_eq!(
        action_of("CLOSE_CONVERSATION", json!({})).await.unwrap(),
        Action::Close { without_pcs: false }
    );
    assert_eq!(
        action_of("CLOSE_CONVERSATION", json!({"withoutPcs": true}))
            .await
            .unwrap(),
        Action::Close { without_pcs: true }
    );
    assert_eq!(
        action_of(
            "INVOKE_FUNCTION",
            json!({"lambdaUuid": "u-1", "payload": {"a": 1}, "failOnError": true})
        )
        .await
        .unwrap(),
        Action::InvokeFunction(FunctionInvocation::new("u-1", json!({"a": 1})).fail_on_error())
    );
    assert_eq!(
        action_of("CHANGE_TTR", json!({"ttrType": "PRIORITIZED"}))
            .await
            .unwrap(),
        Action::ChangeTtr(Ttr::Prioritized)
    );
    assert_eq!(
        action_of("CHANGE_TTR", json!({"ttrType": "CUSTOM", "value": "600"}))
            .await
            .unwrap(),
        Action::ChangeTtr(Ttr::Custom(600))
    );
    let err = action_of("TRANSFER", json!({"agentId": "a-1"}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::INVALID_BODY);
    assert!(err.to_string().contains("skillName"), "{err}");
    let err = action_of("ESCALATE", json!({})).await.unwrap_err();
    assert!(err.to_string().contains("`ESCALATE`"), "{err}");
}

#[tokio::test]
async fn invalid_bodies_are_reported_with_the_raw_body() {
    for body in [
        json!({"messages": []}),
        json!({"response": [{"type": "AUDIO", "data": {}}], "analytics": {"intents": []}}),
        json!({"response": [{"type": "TEXT", "data": {}}], "analytics": {"intents": []}}),
    ] {
        let server = MockServer::start().await;
        mount_token(&server, 3600).await;
        mount_create(&server).await;
        mount_events(&server, body.clone()).await;
        let err = engine(&server)
            .handle(&text("x"), &mut EngineSession::default())
            .await
            .unwrap_err();
        let EngineError::InvalidResponse {
            code, body: raw, ..
        } = err
        else {
            panic!("{err:?}")
        };
        assert_eq!(code, codes::INVALID_BODY);
        assert_eq!(serde_json::from_str::<Value>(&raw).unwrap(), body);
    }
}

#[tokio::test]
async fn state_check_admits_only_online() {
    for (state, ok) in [
        ("online", true),
        ("offline", false),
        ("maintenance", false),
        ("error", false),
    ] {
        let server = MockServer::start().await;
        mount_token(&server, 3600).await;
        Mock::given(matchers::method("GET"))
            .and(matchers::path(format!("{BASE}/state")))
            .and(matchers::header("authorization", "Bearer tok-1"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"state": state, "version": "0.0.1"})),
            )
            .mount(&server)
            .await;
        let result = engine(&server).test_connection().await;
        assert_eq!(result.is_ok(), ok, "{state}: {result:?}");
        if let Err(e) = result {
            assert_eq!(e.code(), &codes::NOT_ONLINE);
        }
    }
}

#[tokio::test]
async fn bad_client_credentials_are_unauthorized() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .mount(&server)
        .await;
    let err = engine(&server).test_connection().await.unwrap_err();
    assert!(matches!(err, EngineError::Unauthorized { .. }), "{err:?}");
    assert_eq!(err.code(), &codes::AUTH);
    assert!(
        !err.to_string().contains(webhook_reference::CLIENT_SECRET),
        "{err}"
    );
}

#[test]
fn configuration_errors_name_the_key() {
    let mut config = config(
        "https://bot.example.com/api",
        "https://sentinel.example.com/token",
    );
    config.bot_id = "not a valid id!".into();
    let err =
        engine_webhook::WebhookEngine::from_config(&config, reqwest::Client::new()).unwrap_err();
    assert!(err.to_string().contains("`bot_id`"), "{err}");
    let err = toml::from_str::<engine_webhook::WebhookConfig>("base_url = \"https://x\"\nbot_id = \"b\"\ntoken_url = \"https://t\"\nclient_id = \"i\"\nclient_secret = \"s\"\nbotid = \"x\"").unwrap_err();
    assert!(err.to_string().contains("botid"), "{err}");
}
