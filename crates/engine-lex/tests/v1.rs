//! Lex V1 PostText: request shape, message formats, response cards, failure.

mod common;

use common::*;
use connector_core::{Action, BotEngine, EngineSession, Output};
use serde_json::{Value, json};
use wiremock::MockServer;

fn v1_answer(message: &str, format: &str, state: &str) -> Value {
    json!({
        "intentName": "OrderFlowers", "slots": {"FlowerType": null, "PickupDate": null},
        "sessionAttributes": {"tier": "gold"}, "message": message, "messageFormat": format,
        "dialogState": state, "slotToElicit": "FlowerType", "sessionId": "s", "botVersion": "$LATEST"
    })
}

#[tokio::test]
async fn post_text_sends_input_context_and_attributes() {
    let server = MockServer::start().await;
    answer(
        &server,
        V1_PATH,
        v1_answer("What type of flowers?", "PlainText", "ElicitSlot"),
    )
    .await;
    let engine = v1_engine(&server);
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
    assert!(auth.contains("/eu-west-1/lex/aws4_request"), "{auth}");
    let bodies = bodies(&server).await;
    assert_eq!(bodies[0]["inputText"], "I want flowers");
    assert_eq!(bodies[0]["sessionAttributes"], json!({"convId": CONV}));
    let lp: Value = serde_json::from_str(
        bodies[0]["requestAttributes"]["BC-LP-CONTEXT"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(lp["lpEvent"], lp_event("I want flowers"));
    assert!(lp["lpSdes"]["unauthenticatedSdes"].is_object());
    assert_eq!(
        bodies[1]["sessionAttributes"],
        json!({"tier": "gold", "convId": CONV})
    );
}

#[tokio::test]
async fn custom_payload_message_is_read() {
    let server = MockServer::start().await;
    let payload =
        json!({"type": "ACTION", "params": {"action": "TRANSFER", "data": {"skill": "human"}}});
    answer(
        &server,
        V1_PATH,
        v1_answer(&payload.to_string(), "CustomPayload", "Fulfilled"),
    )
    .await;
    let reply = v1_engine(&server)
        .handle(&text("agent"), &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(reply.actions, [Action::transfer("human")]);
}

#[tokio::test]
async fn composite_message_groups_become_several_outputs() {
    let server = MockServer::start().await;
    let composite = json!({"messages": [
        {"type": "PlainText", "group": 1, "value": "First"},
        {"type": "CustomPayload", "group": 2, "value": "{\"delay\":2}"},
        {"type": "PlainText", "group": 3, "value": "Second"}
    ]});
    answer(
        &server,
        V1_PATH,
        v1_answer(&composite.to_string(), "Composite", "Fulfilled"),
    )
    .await;
    let reply = v1_engine(&server)
        .handle(&text("x"), &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(
        reply.outputs,
        [
            Output::text("First"),
            Output::delay(std::time::Duration::from_secs(2), true),
            Output::text("Second")
        ]
    );
}

#[tokio::test]
async fn response_card_becomes_a_carousel() {
    let server = MockServer::start().await;
    let mut body = v1_answer("Pick one", "PlainText", "ElicitSlot");
    body["responseCard"] = json!({"version": "1", "contentType": "application/vnd.amazonaws.card.generic",
    "genericAttachments": [
        {"title": "Roses", "subTitle": "red", "imageUrl": "https://example.com/r.png", "attachmentLinkUrl": null,
         "buttons": [{"text": "Roses", "value": "roses"}]},
        {"title": "Tulips", "subTitle": null, "imageUrl": null, "buttons": [{"text": "Tulips", "value": "tulips"}]}
    ]});
    answer(&server, V1_PATH, body).await;
    let reply = v1_engine(&server)
        .handle(&text("x"), &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(reply.outputs[0], Output::text("Pick one"));
    let Output::StructuredContent(sc) = &reply.outputs[1] else {
        panic!("{:?}", reply.outputs)
    };
    let json = sc.content.as_json();
    assert_eq!(json["type"], "carousel");
    assert_eq!(json["elements"][0]["elements"][2]["text"], "red");
    assert_eq!(
        json["elements"][1]["elements"][1]["click"]["actions"][0]["text"],
        "tulips"
    );
}

#[tokio::test]
async fn failed_dialog_state_escalates() {
    let server = MockServer::start().await;
    answer(
        &server,
        V1_PATH,
        v1_answer(
            "Sorry, I could not understand. Goodbye.",
            "PlainText",
            "Failed",
        ),
    )
    .await;
    let err = v1_engine(&server)
        .handle(&text("??"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), &engine_lex::codes::DIALOG_FAILED);
    assert!(!err.is_transient());
    assert!(
        err.to_string().contains("Sorry, I could not understand"),
        "{err}"
    );
}
