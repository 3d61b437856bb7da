//! The engine driven by `connector_runtime::Connector` on the in-memory
//! channel: messages played in order, the action executed last.

mod common;

use std::sync::Arc;

use common::*;
use connector_core::{Action, ChannelType, ErrorHandling, Output};
use connector_runtime::{Connector, ConnectorConfig, MemoryChannel, Recorded};
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_watson_v2_bot_answers_and_transfers_through_the_runtime() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/assistants/assistant-1/sessions"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"session_id": "s-1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/assistants/assistant-1/sessions/s-1/message"))
        .and(body_partial_json(json!({"input": {"text": "hi"}})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"output": {"generic": [
                {"response_type": "text", "text": "Hello! I can transfer you."}
            ]}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/assistants/assistant-1/sessions/s-1/message"))
        .and(body_partial_json(json!({"input": {"text": "agent please"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"output": {
            "generic": [
                {"response_type": "text", "text": "Escalating to a human"},
                {"response_type": "pause", "time": 50, "typing": true}
            ],
            "actions": [{"name": "TRANSFER", "type": "client", "parameters": {"skill": "human_skill"}, "result_variable": "none"}]
        }})))
        .expect(1)
        .mount(&server)
        .await;

    let engine = Arc::new(engine(v2_config(&server, apikey())));
    let (channel, test) = MemoryChannel::new(ChannelType::Messaging, "bot-1");
    let connector = Connector::builder(
        ConnectorConfig::new("bot-1"),
        channel,
        engine,
        Arc::new(ErrorHandling::new("fallback-skill")),
    )
    .build();
    let handle = connector.handle();
    let running = tokio::spawn(connector.run());

    test.text("conv-1", "hi");
    test.wait_for("conv-1", 1).await;
    test.text("conv-1", "agent please");
    test.wait_until(|records| {
        records
            .iter()
            .any(|r| matches!(r.what, Recorded::Action(_)))
    })
    .await;

    let recorded = test.recorded("conv-1");
    assert_eq!(
        test.texts("conv-1"),
        ["Hello! I can transfer you.", "Escalating to a human"]
    );
    assert!(recorded.contains(&Recorded::Typing(true)), "{recorded:?}");
    assert_eq!(
        recorded.last(),
        Some(&Recorded::Action(Action::transfer("human_skill")))
    );
    assert_eq!(
        recorded.first(),
        Some(&Recorded::Output(Output::text(
            "Hello! I can transfer you."
        )))
    );
    handle.shutdown();
    running.await.unwrap().unwrap();
}
