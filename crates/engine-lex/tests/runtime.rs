//! A Lex V2 bot driven by the real runtime over the in-memory channel.

mod common;

use std::sync::Arc;

use common::*;
use connector_core::{Action, ChannelType, ErrorHandling, Output};
use connector_runtime::{Connector, ConnectorConfig, MemoryChannel, Recorded};
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

#[tokio::test]
async fn lex_bot_greets_answers_and_transfers() {
    let server = MockServer::start().await;
    Mock::given(matchers::body_partial_json(
        json!({"text": "WELCOME-INTENT"}),
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(v2_answer(
        json!([plain("Welcome to Flowers!")]),
        "Fulfilled",
    )))
    .mount(&server)
    .await;
    Mock::given(matchers::body_partial_json(json!({"text": "agent"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(v2_answer(
            json!([plain("Transferring you."), custom(json!({"type": "ACTION", "params": {"action": "TRANSFER", "data": {"skill": "human"}}}))]),
            "Fulfilled",
        )))
        .mount(&server)
        .await;
    let (channel, test) = MemoryChannel::new(ChannelType::Messaging, "bot-1");
    let connector = Connector::builder(
        ConnectorConfig::new("bot-1").with_messaging_welcome(true),
        channel,
        Arc::new(v2_engine(&server)),
        Arc::new(ErrorHandling::new("human-agents")),
    )
    .build();
    let handle = connector.handle();
    let running = tokio::spawn(connector.run());
    test.start(CONV);
    test.wait_for(CONV, 1).await;
    test.text(CONV, "agent");
    test.wait_for(CONV, 3).await;
    handle.shutdown();
    running.await.unwrap().unwrap();
    assert_eq!(
        test.recorded(CONV),
        [
            Recorded::Output(Output::text("Welcome to Flowers!")),
            Recorded::Output(Output::text("Transferring you.")),
            Recorded::Action(Action::transfer("human")),
        ]
    );
}
