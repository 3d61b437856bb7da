//! Welcome rules, combine messages, the spam guard and the open-conversation limit.

mod common;

use std::time::Duration;

use common::{ScriptedEngine, config, eventually, start};
use connector_core::{Action, ChannelType, EventKind, Output};
use connector_runtime::{CombineMessages, Recorded, SpamGuard};

#[tokio::test(start_paused = true)]
async fn messaging_welcome_is_off_by_default() {
    let engine = ScriptedEngine::echo();
    let run = start(ChannelType::Messaging, config(), engine.clone());
    run.test.start("c1");
    run.test.text("c1", "hi");
    run.test.wait_for("c1", 1).await;
    assert_eq!(run.test.texts("c1"), ["echo: hi"]);
    assert!(
        engine
            .calls()
            .iter()
            .all(|e| !matches!(e.kind, EventKind::ConversationStarted { .. }))
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn messaging_welcome_when_enabled_carries_the_last_consumer_message() {
    let engine = ScriptedEngine::echo();
    let run = start(
        ChannelType::Messaging,
        config().with_messaging_welcome(true),
        engine.clone(),
    );
    run.test.push_kind(
        "c1",
        EventKind::ConversationStarted {
            transferred: true,
            last_consumer_message: Some("where is my order?".into()),
        },
    );
    run.test.wait_for("c1", 1).await;
    assert_eq!(run.test.texts("c1"), ["welcome"]);
    assert_eq!(
        engine.calls()[0].kind,
        EventKind::ConversationStarted {
            transferred: true,
            last_consumer_message: Some("where is my order?".into())
        }
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn chat_always_sends_the_welcome_event() {
    let engine = ScriptedEngine::echo();
    let run = start(ChannelType::Chat, config(), engine.clone());
    run.test.start("c1");
    run.test.wait_for("c1", 1).await;
    assert_eq!(run.test.texts("c1"), ["welcome"]);
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn combine_merges_texts_within_the_window() {
    let engine = ScriptedEngine::echo();
    let combine = CombineMessages {
        max_messages: 3,
        window: Duration::from_secs(2),
    };
    let run = start(
        ChannelType::Messaging,
        config().with_combine(combine).with_spam_guard(None),
        engine.clone(),
    );
    for t in ["I", "need", "help", "now"] {
        run.test.text("c1", t);
    }
    run.test.wait_for("c1", 2).await;
    assert_eq!(engine.texts_seen("c1"), ["I\nneed\nhelp", "now"]);
    // A later message, after the window, is a turn of its own.
    tokio::time::sleep(Duration::from_secs(10)).await;
    run.test.text("c1", "thanks");
    run.test.wait_for("c1", 3).await;
    assert_eq!(
        engine.texts_seen("c1").last().map(String::as_str),
        Some("thanks")
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn combine_stops_at_a_non_text_event_and_keeps_it() {
    let engine = ScriptedEngine::echo();
    let combine = CombineMessages {
        max_messages: 5,
        window: Duration::from_secs(2),
    };
    let run = start(
        ChannelType::Messaging,
        config().with_combine(combine),
        engine.clone(),
    );
    run.test.text("c1", "a");
    run.test.text("c1", "b");
    run.test.close("c1");
    eventually("close reached the engine", || engine.call_count() == 2).await;
    let kinds: Vec<_> = engine.calls().into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds[0],
        EventKind::ConsumerText {
            text: "a\nb".into(),
            metadata: vec![]
        }
    );
    assert_eq!(kinds[1], EventKind::ConversationClosed);
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn the_spam_guard_holds_back_a_burst() {
    let engine = ScriptedEngine::echo();
    let run = start(
        ChannelType::Messaging,
        config().with_spam_guard(Some(SpamGuard::default())),
        engine.clone(),
    );
    for i in 0..7 {
        run.test.text("c1", &format!("m{i}"));
    }
    run.test.wait_for("c1", 4).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(engine.texts_seen("c1"), ["m0", "m1", "m2", "m3"]);
    assert_eq!(run.handle.metrics().snapshot().spam_suppressed, 3);
    // After the burst the consumer is heard again.
    run.test.text("c1", "calm");
    run.test.wait_for("c1", 5).await;
    assert_eq!(
        run.test.texts("c1").last().map(String::as_str),
        Some("echo: calm")
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn conversations_beyond_the_limit_are_escalated_without_the_engine() {
    let engine = ScriptedEngine::echo();
    let run = start(
        ChannelType::Messaging,
        config().with_max_open_conversations(2),
        engine.clone(),
    );
    run.test.text("c1", "one");
    run.test.text("c2", "two");
    run.test.text("c3", "three");
    run.test.wait_for("c3", 3).await;
    assert_eq!(
        run.test.recorded("c3"),
        [
            Recorded::Output(Output::text("Transferring you to an agent")),
            Recorded::Output(Output::private_text("Bot escalated")),
            Recorded::Action(Action::transfer("human")),
        ]
    );
    assert!(engine.texts_seen("c3").is_empty());
    assert_eq!(
        run.handle.metrics().errors()[0].code.as_str(),
        "pipes.conversation-limit-checker.max-conv-limit-reached"
    );
    // When a conversation closes there is room again.
    run.test.close("c1");
    eventually("c1 closed", || run.handle.metrics().snapshot().open == 1).await;
    run.test.text("c4", "four");
    run.test.wait_for("c4", 1).await;
    assert_eq!(run.test.texts("c4"), ["echo: four"]);
    run.stop().await;
}
