//! One bot per API version driven by the real runtime over the in-memory
//! channel: Dialogflow's answers end up as messages and actions on the
//! conversation.

mod common;

use std::sync::Arc;

use common::*;
use connector_core::rich::StructuredContent;
use connector_core::{Action, ChannelType, ErrorHandling, Output, Ttr};
use connector_runtime::{Connector, ConnectorConfig, MemoryChannel, MemoryChannelHandle, Recorded};
use engine_dialogflow::DialogflowEngine;
use serde_json::json;
use wiremock::MockServer;

async fn run(
    engine: DialogflowEngine,
    channel_type: ChannelType,
    drive: impl AsyncFnOnce(&MemoryChannelHandle),
) -> Vec<Recorded> {
    let (channel, test) = MemoryChannel::new(channel_type, "bot-1");
    let connector = Connector::builder(
        ConnectorConfig::new("bot-1").with_messaging_welcome(true),
        channel,
        Arc::new(engine),
        Arc::new(ErrorHandling::new("human-agents")),
    )
    .build();
    let handle = connector.handle();
    let running = tokio::spawn(connector.run());
    drive(&test).await;
    handle.shutdown();
    running.await.unwrap().unwrap();
    test.recorded(CONV)
}

#[tokio::test]
async fn es_bot_greets_shows_a_card_and_transfers() {
    let server = MockServer::start().await;
    let card = json!({"type": "vertical", "elements": [{"type": "text", "text": "Our plans"}]});
    wiremock::Mock::given(wiremock::matchers::body_partial_json(
        json!({"queryInput": {"event": {"name": "WELCOME"}}}),
    ))
    .respond_with(
        wiremock::ResponseTemplate::new(200).set_body_json(json!({"queryResult": {
        "action": "input.welcome",
        "fulfillmentMessages": [{"text": {"text": ["Welcome to Shop!"]}}]}})),
    )
    .mount(&server)
    .await;
    wiremock::Mock::given(wiremock::matchers::body_partial_json(
        json!({"queryInput": {"text": {"text": "plans"}}}),
    ))
    .respond_with(
        wiremock::ResponseTemplate::new(200).set_body_json(json!({"queryResult": {
        "action": "TRANSFER", "parameters": {"skill": "sales"},
        "fulfillmentMessages": [
            {"payload": {"structuredContent": card}},
            {"text": {"text": ["A sales agent will help you."]}}
        ]}})),
    )
    .mount(&server)
    .await;
    let recorded = run(es_engine(&server), ChannelType::Messaging, async |test| {
        test.start(CONV);
        test.wait_for(CONV, 1).await;
        test.text(CONV, "plans");
        test.wait_for(CONV, 4).await;
    })
    .await;
    assert_eq!(
        recorded,
        [
            Recorded::Output(Output::text("Welcome to Shop!")),
            Recorded::Output(Output::structured(StructuredContent::raw(card).unwrap())),
            Recorded::Output(Output::text("A sales agent will help you.")),
            Recorded::Action(Action::transfer("sales")),
        ]
    );
}

#[tokio::test]
async fn cx_bot_offers_quick_replies_then_closes() {
    let server = MockServer::start().await;
    let quick = json!({"type": "quickReplies", "itemsPerRow": 8, "replies": [
        {"type": "button", "title": "yes", "click": {"actions": [{"type": "publishText", "text": "yes"}]}}]});
    wiremock::Mock::given(wiremock::matchers::body_partial_json(
        json!({"queryInput": {"text": {"text": "help"}}}),
    ))
    .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({"queryResult": {
        "responseMessages": [{"payload": {"structuredContent": {"quickReplies": quick, "message": "Solved?"}}}]}})))
    .mount(&server)
    .await;
    wiremock::Mock::given(wiremock::matchers::body_partial_json(
        json!({"queryInput": {"text": {"text": "yes"}}}),
    ))
    .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({"queryResult": {
        "responseMessages": [
            {"text": {"text": ["Glad to help. Bye!"]}},
            {"payload": {"action": {"name": "CLOSE_CONVERSATION", "parameters": {"withoutPcs": true}}}}
        ]}})))
    .mount(&server)
    .await;
    let recorded = run(cx_engine(&server), ChannelType::Messaging, async |test| {
        test.text(CONV, "help");
        test.wait_for(CONV, 1).await;
        test.text(CONV, "yes");
        test.wait_for(CONV, 3).await;
    })
    .await;
    assert_eq!(
        recorded,
        [
            Recorded::Output(Output::quick_replies_raw("Solved?", quick)),
            Recorded::Output(Output::text("Glad to help. Bye!")),
            Recorded::Action(Action::Close { without_pcs: true }),
        ]
    );
}

#[tokio::test]
async fn v1_bot_answers_and_changes_ttr() {
    let server = MockServer::start().await;
    answer(
        &server,
        "/v1/query",
        json!({
            "result": {"action": "CHANGE_TTR", "parameters": {"ttrType": "URGENT"},
                       "fulfillment": {"messages": [{"type": 0, "speech": "Marked as urgent."}]}},
            "status": {"code": 200, "errorType": "success"}
        }),
    )
    .await;
    let recorded = run(v1_engine(&server), ChannelType::Messaging, async |test| {
        test.text(CONV, "urgent!");
        test.wait_for(CONV, 2).await;
    })
    .await;
    assert_eq!(
        recorded,
        [
            Recorded::Output(Output::text("Marked as urgent.")),
            Recorded::Action(Action::ChangeTtr(Ttr::Urgent)),
        ]
    );
}
