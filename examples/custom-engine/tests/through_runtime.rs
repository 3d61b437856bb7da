//! The third-party engine runs through `connector-runtime` like any other.

use std::sync::Arc;

use connector_core::{Action, ChannelType, ErrorHandling, EventKind, Output};
use connector_runtime::{Connector, ConnectorConfig, MemoryChannel, Recorded};
use custom_engine::OrderBot;

#[tokio::test(start_paused = true)]
async fn order_bot_greets_tracks_remembers_and_hands_over() {
    let (channel, test) = MemoryChannel::new(ChannelType::Messaging, "order-bot");
    let connector = Connector::builder(
        ConnectorConfig::new("order-bot").with_messaging_welcome(true),
        channel,
        Arc::new(OrderBot::new("human-agents")),
        Arc::new(ErrorHandling::new("human-agents")),
    )
    .build();
    let handle = connector.handle();
    let running = tokio::spawn(connector.run());

    test.push_kind(
        "c1",
        EventKind::ConversationStarted {
            transferred: false,
            last_consumer_message: None,
        },
    );
    test.text("c1", "Track");
    test.text("c1", "order 42");
    test.text("c1", "again");
    test.text("c1", "human");
    test.wait_for("c1", 6).await;

    let recorded = test.recorded("c1");
    match &recorded[0] {
        Recorded::Output(Output::QuickReplies(q)) => {
            assert_eq!(q.message, "Hi! What can I do for you?");
            assert_eq!(q.quick_replies["replies"][1]["title"], "Talk to a human");
        }
        other => panic!("expected quick replies, got {other:?}"),
    }
    assert_eq!(
        test.texts("c1")[1..],
        [
            "Please type: order <number>",
            "Order 42 ships tomorrow.",
            "Order 42 still ships tomorrow.",
            "Connecting you to a colleague.",
        ]
    );
    assert_eq!(
        recorded[5],
        Recorded::Action(Action::transfer("human-agents"))
    );

    handle.shutdown();
    running.await.unwrap().unwrap();
}
