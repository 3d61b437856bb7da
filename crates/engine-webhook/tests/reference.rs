//! The engine against the reference server (started on 127.0.0.1:0), alone
//! and through the runtime.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use connector_core::{Action, BotEngine, ChannelType, EngineSession, ErrorHandling, Output, Ttr};
use connector_runtime::{Connector, ConnectorConfig, MemoryChannel, Recorded};
use engine_webhook::{WebhookEngine, codes};
use webhook_reference::{EXAMPLE_BOTS, ReferenceServer};

async fn reference() -> (ReferenceServer, WebhookEngine, String) {
    let server = ReferenceServer::new();
    let (addr, _task) = server.spawn("127.0.0.1:0").await.unwrap();
    let base = format!("http://{addr}");
    let config = config(&base, &format!("{base}/token"));
    let engine = WebhookEngine::from_config(&config, reqwest::Client::new()).unwrap();
    (server, engine, base)
}

#[tokio::test]
async fn reference_answers_each_example_utterance() {
    let (server, engine, _) = reference().await;
    engine.test_connection().await.unwrap();
    let mut session = EngineSession::default();
    let reply = engine
        .handle(&text("transfer"), &mut session)
        .await
        .unwrap();
    assert_eq!(reply.actions, [Action::transfer("transfer_skill")]);
    let reply = engine.handle(&text("urgent"), &mut session).await.unwrap();
    assert_eq!(reply.actions, [Action::ChangeTtr(Ttr::Urgent)]);
    let reply = engine.handle(&text("delay"), &mut session).await.unwrap();
    assert_eq!(
        reply.outputs[1],
        Output::delay(Duration::from_secs(4), true)
    );
    let reply = engine
        .handle(&text("private text"), &mut session)
        .await
        .unwrap();
    assert_eq!(
        reply.outputs[1],
        Output::private_text("This message is for agents and managers only")
    );
    let reply = engine.handle(&text("qr"), &mut session).await.unwrap();
    assert!(
        matches!(&reply.outputs[0], Output::QuickReplies(q) if q.message == "Do you like Bots?")
    );
    let reply = engine.handle(&text("faas"), &mut session).await.unwrap();
    assert!(
        matches!(&reply.actions[0], Action::InvokeFunction(f) if f.lambda_uuid == "4ec49ffc-080b-4e59-b302-18d6b826191b")
    );
    let stored = server.conversation(CONV).unwrap();
    assert_eq!(stored.context["type"], "MESSAGING");
    assert_eq!(
        stored.sdes["unauthenticatedSdes"]["customerInfo"]["customerInfo"]["customerId"],
        "138766AC"
    );
    assert_eq!(stored.events.len(), 6);

    // The service forgets the conversation: the engine creates it again.
    server.forget(CONV);
    let reply = engine.handle(&text("bye"), &mut session).await.unwrap();
    assert_eq!(reply.actions, [Action::close()]);
    assert_eq!(server.conversation(CONV).unwrap().events.len(), 1);
}

#[tokio::test]
async fn offline_reference_bot_fails_test_connection() {
    let server = ReferenceServer::new();
    let (addr, _task) = server.spawn("127.0.0.1:0").await.unwrap();
    let base = format!("http://{addr}");
    let mut config = config(&base, &format!("{base}/token"));
    config.bot_id = EXAMPLE_BOTS[1].0.into();
    let engine = WebhookEngine::from_config(&config, reqwest::Client::new()).unwrap();
    let err = engine.test_connection().await.unwrap_err();
    assert_eq!(err.code(), &codes::NOT_ONLINE);
    assert!(err.to_string().contains("Offline"), "{err}");
}

#[tokio::test]
async fn runtime_drives_the_reference_bot() {
    let (_server, engine, _) = reference().await;
    let (channel, test) = MemoryChannel::new(ChannelType::Messaging, "bot-1");
    let connector = Connector::builder(
        ConnectorConfig::new("bot-1").with_messaging_welcome(true),
        channel,
        Arc::new(engine),
        Arc::new(ErrorHandling::new("human-agents")),
    )
    .build();
    let handle = connector.handle();
    let running = tokio::spawn(connector.run());
    test.start(CONV);
    test.wait_for(CONV, 1).await;
    test.text(CONV, "escalate");
    test.wait_for(CONV, 3).await;
    handle.shutdown();
    running.await.unwrap().unwrap();
    assert_eq!(
        test.recorded(CONV),
        [
            Recorded::Output(Output::text(
                "Hello! I am the reference Custom Endpoint bot."
            )),
            Recorded::Output(Output::text(
                "I am sorry I couldn't help you. I will transfer you"
            )),
            Recorded::Action(Action::transfer("transfer_skill")),
        ]
    );
}
