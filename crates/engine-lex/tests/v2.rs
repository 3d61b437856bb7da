//! Lex V2 RecognizeText: the request (path, signature headers, context,
//! session) and every documented message shape.

mod common;

use std::time::Duration;

use common::*;
use connector_core::rich::StructuredContent;
use connector_core::{
    Action, AgentId, BotEngine, EngineSession, EventKind, FunctionInvocation, Output, Ttr,
};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

#[tokio::test]
async fn request_is_signed_and_carries_context_and_session() {
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .and(matchers::path(V2_PATH))
        .and(matchers::header("content-type", "application/json"))
        .and(matchers::header_exists("x-amz-date"))
        .respond_with(ResponseTemplate::new(200).set_body_json(v2_answer(
            json!([plain("What type of flowers?")]),
            "InProgress",
        )))
        .expect(2)
        .mount(&server)
        .await;
    let engine = v2_engine(&server);
    let mut session = EngineSession::default();
    let reply = engine
        .handle(&text("I want flowers"), &mut session)
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("What type of flowers?")]);
    engine.handle(&text("roses"), &mut session).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let auth = requests[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        "{auth}"
    );
    assert!(auth.contains("/us-east-1/lex/aws4_request"), "{auth}");
    assert!(
        auth.contains("SignedHeaders=content-type;host;x-amz-date"),
        "{auth}"
    );

    let first: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(first["text"], "I want flowers");
    assert_eq!(
        first["sessionState"],
        json!({"sessionAttributes": {"convId": CONV}})
    );
    let lp: Value = serde_json::from_str(
        first["requestAttributes"]["BC-LP-CONTEXT"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(lp["lpEvent"], lp_event("I want flowers"));
    assert_eq!(
        lp["lpSdes"]["unauthenticatedSdes"]["customerInfo"]["customerInfo"]["customerId"],
        "138766AC"
    );

    // The second turn sends Lex's state back, without its null slots.
    let second: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(
        second["sessionState"],
        json!({
            "dialogAction": {"type": "Close"},
            "intent": {"name": "Main", "state": "InProgress", "confirmationState": "None", "slots": {}},
            "sessionAttributes": {"convId": CONV}
        })
    );
}

#[tokio::test]
async fn session_attributes_from_lex_are_sent_back() {
    let server = MockServer::start().await;
    let mut answer_json = v2_answer(json!([plain("ok")]), "Fulfilled");
    answer_json["sessionState"]["sessionAttributes"] = json!({"tier": "gold", "empty": null});
    answer(&server, V2_PATH, answer_json).await;
    let engine = v2_engine(&server);
    let mut session = EngineSession::default();
    engine.handle(&text("one"), &mut session).await.unwrap();
    engine.handle(&text("two"), &mut session).await.unwrap();
    let bodies = bodies(&server).await;
    assert_eq!(
        bodies[1]["sessionState"]["sessionAttributes"],
        json!({"tier": "gold", "convId": CONV})
    );
}

#[tokio::test]
async fn custom_payloads_become_outputs_and_actions() {
    let server = MockServer::start().await;
    let card = json!({"type": "vertical", "elements": [{"type": "text", "text": "Plans"}]});
    let quick = json!({"type": "quickReplies", "itemsPerRow": 8, "replies": [
        {"type": "button", "title": "yes", "click": {"actions": [{"type": "publishText", "text": "yep"}]}}]});
    answer(
        &server,
        V2_PATH,
        v2_answer(
            json!([
                plain("Hello"),
                custom(json!({"structuredContent": card, "metadata": [{"type": "ExternalId", "id": "ABCD1234"}], "encodedMetadata": "ewoic29tZSI6ICJtZXRhIgp9"})),
                custom(json!({"structuredContent": {"quickReplies": quick, "message": "Do you like Bots?"}, "metadata": [{"id": "1234", "type": "ExternalId"}]})),
                custom(json!({"delay": 8, "typing": false})),
                custom(json!({"messageAudience": "AGENTS_AND_MANAGERS", "text": "VIP customer"})),
                custom(json!({"textResponse": "Tagged", "encodedMetadata": "ewoic29tZSI6ICJtZXRhIgp9"})),
                custom(json!({"type": "ACTION", "params": {"action": "CHANGE_TTR", "data": {"ttrType": "URGENT"}}}))
            ]),
            "Fulfilled",
        ),
    )
    .await;
    let reply = v2_engine(&server)
        .handle(&text("show"), &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(
        reply.outputs,
        [
            Output::text("Hello"),
            Output::structured(StructuredContent::raw(card).unwrap())
                .with_metadata(json!({"type": "ExternalId", "id": "ABCD1234"}))
                .with_encoded_metadata("ewoic29tZSI6ICJtZXRhIgp9"),
            Output::quick_replies_raw("Do you like Bots?", quick)
                .with_metadata(json!({"id": "1234", "type": "ExternalId"})),
            Output::delay(Duration::from_secs(8), false),
            Output::private_text("VIP customer"),
            Output::text("Tagged").with_encoded_metadata("ewoic29tZSI6ICJtZXRhIgp9"),
        ]
    );
    assert_eq!(reply.actions, [Action::ChangeTtr(Ttr::Urgent)]);
    assert!(
        reply
            .validate(connector_core::ChannelType::Messaging)
            .is_ok()
    );
}

async fn action_of(payload: Value) -> Action {
    let server = MockServer::start().await;
    answer(
        &server,
        V2_PATH,
        v2_answer(json!([custom(payload)]), "Fulfilled"),
    )
    .await;
    let reply = v2_engine(&server)
        .handle(&text("x"), &mut EngineSession::default())
        .await
        .unwrap();
    assert!(reply.outputs.is_empty());
    let [action] = <[Action; 1]>::try_from(reply.actions).unwrap();
    action
}

#[tokio::test]
async fn every_liveperson_action_is_read() {
    let act = |action: &str, data: Value| json!({"type": "ACTION", "params": {"action": action, "data": data}});
    assert_eq!(
        action_of(act("TRANSFER", json!({"skill": "bot-transfer-out"}))).await,
        Action::transfer("bot-transfer-out")
    );
    assert_eq!(
        action_of(act(
            "TRANSFER",
            json!({"skill": "human_skill", "agentId": "4129463410"})
        ))
        .await,
        Action::TransferToAgent {
            skill: "human_skill".into(),
            agent_id: AgentId::new("4129463410")
        }
    );
    assert_eq!(
        action_of(act("CLOSE_CONVERSATION", json!({}))).await,
        Action::Close { without_pcs: false }
    );
    assert_eq!(
        action_of(act("CLOSE_CONVERSATION", json!({"withoutPcs": true}))).await,
        Action::Close { without_pcs: true }
    );
    assert_eq!(
        action_of(act(
            "CHANGE_TTR",
            json!({"ttrType": "CUSTOM", "value": 500})
        ))
        .await,
        Action::ChangeTtr(Ttr::Custom(500))
    );
    assert_eq!(
        action_of(act("INVOCATION", json!({"lambdaUuid": "4ec49ffc-080b-4e59-b302-18d6b826191b", "payload": "{ \"some\": \"stuff\"}", "failOnError": true}))).await,
        Action::InvokeFunction(
            FunctionInvocation::new("4ec49ffc-080b-4e59-b302-18d6b826191b", json!("{ \"some\": \"stuff\"}"))
                .fail_on_error()
        )
    );
}

#[tokio::test]
async fn image_response_card_becomes_structured_content() {
    let server = MockServer::start().await;
    answer(
        &server,
        V2_PATH,
        v2_answer(
            json!([{"contentType": "ImageResponseCard", "imageResponseCard": {
                "title": "Which flowers?", "subtitle": "Fresh today", "imageUrl": "https://example.com/roses.png",
                "buttons": [{"text": "Roses", "value": "roses"}, {"text": "Tulips", "value": "tulips"}]}}]),
            "InProgress",
        ),
    )
    .await;
    let reply = v2_engine(&server)
        .handle(&text("flowers"), &mut EngineSession::default())
        .await
        .unwrap();
    let [Output::StructuredContent(sc)] = reply.outputs.as_slice() else {
        panic!("expected one structured content, got {:?}", reply.outputs);
    };
    assert_eq!(
        sc.content.as_json(),
        &json!({"type": "vertical", "elements": [
            {"type": "image", "url": "https://example.com/roses.png"},
            {"type": "text", "text": "Which flowers?", "style": {"bold": true}},
            {"type": "text", "text": "Fresh today"},
            {"type": "button", "title": "Roses", "click": {"actions": [{"type": "publishText", "text": "roses"}]}},
            {"type": "button", "title": "Tulips", "click": {"actions": [{"type": "publishText", "text": "tulips"}]}}
        ]})
    );
}

#[tokio::test]
async fn welcome_file_and_rich_content_send_liveperson_texts() {
    let server = MockServer::start().await;
    answer(
        &server,
        V2_PATH,
        v2_answer(json!([plain("Hi!")]), "Fulfilled"),
    )
    .await;
    let engine = v2_engine(&server);
    let mut session = EngineSession::default();
    let welcome = EventKind::ConversationStarted {
        transferred: true,
        last_consumer_message: Some("where is my order".into()),
    };
    engine.handle(&event(welcome), &mut session).await.unwrap();
    engine
        .handle(
            &event(EventKind::ConsumerFile {
                file: json!({"relativePath": "/a.png"}),
            }),
            &mut session,
        )
        .await
        .unwrap();
    engine
        .handle(
            &event(EventKind::ConsumerRichContent {
                content: json!({"type": "vertical"}),
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
    let bodies = bodies(&server).await;
    assert_eq!(bodies.len(), 3, "the close event is not sent to Lex");
    assert_eq!(bodies[0]["text"], "WELCOME-INTENT");
    let lp: Value = serde_json::from_str(
        bodies[0]["requestAttributes"]["BC-LP-CONTEXT"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(lp["lpEvent"]["lastConsumerMessage"], "where is my order");
    assert_eq!(
        bodies[1]["text"],
        "com.liveperson.bot-connectors.consumer.send-file"
    );
    assert_eq!(
        bodies[2]["text"],
        "com.liveperson.bot-connectors.consumer.send-rich-content"
    );
}

#[tokio::test]
async fn session_ids_with_a_colon_are_percent_encoded() {
    let server = MockServer::start().await;
    answer(
        &server,
        "/bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_US/sessions/tenant%3Aconv-1/text",
        v2_answer(json!([plain("ok")]), "Fulfilled"),
    )
    .await;
    let ctx = connector_core::ConversationContext::new(
        "bot-1".into(),
        "tenant:conv-1".into(),
        connector_core::ChannelType::Chat,
    );
    let event = connector_core::InboundEvent::new(
        ctx,
        EventKind::ConsumerText {
            text: "hi".into(),
            metadata: vec![],
        },
    );
    let reply = v2_engine(&server)
        .handle(&event, &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(reply.outputs, [Output::text("ok")]);
}
