//! Per-conversation order and the concurrency bound across conversations.

mod common;

use std::time::Duration;

use common::{ScriptedEngine, config, start};
use connector_core::{BotReply, ChannelType, EventKind};

/// Thinks longer for earlier messages, so a runtime that did not serialize a
/// conversation's turns would answer out of order.
fn slow_first() -> std::sync::Arc<ScriptedEngine> {
    ScriptedEngine::new(|event, _, _| match &event.kind {
        EventKind::ConsumerText { text, .. } => {
            let n: u64 = text.trim_start_matches('m').parse().unwrap_or(0);
            (
                Duration::from_millis(500 - 100 * n),
                Ok(BotReply::new().with_text(format!("re {text}"))),
            )
        }
        _ => (Duration::ZERO, Ok(BotReply::new().with_text("hi"))),
    })
}

#[tokio::test(start_paused = true)]
async fn a_conversation_is_answered_in_arrival_order_one_turn_at_a_time() {
    let engine = slow_first();
    let run = start(
        ChannelType::Messaging,
        config().with_spam_guard(None),
        engine.clone(),
    );
    for i in 0..4 {
        run.test.text("c1", &format!("m{i}"));
    }
    run.test.wait_for("c1", 4).await;
    assert_eq!(run.test.texts("c1"), ["re m0", "re m1", "re m2", "re m3"]);
    assert_eq!(engine.texts_seen("c1"), ["m0", "m1", "m2", "m3"]);
    assert_eq!(
        engine.max_in_flight(),
        1,
        "turns of one conversation overlapped"
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn conversations_run_concurrently_up_to_the_bound() {
    let engine = ScriptedEngine::new(|_, _, _| {
        (Duration::from_secs(1), Ok(BotReply::new().with_text("ok")))
    });
    let run = start(
        ChannelType::Messaging,
        config().with_max_concurrent_turns(3),
        engine.clone(),
    );
    for c in 0..10 {
        run.test.text(&format!("c{c}"), "hello");
    }
    for c in 0..10 {
        run.test.wait_for(&format!("c{c}"), 1).await;
    }
    assert_eq!(engine.call_count(), 10);
    assert_eq!(engine.max_in_flight(), 3);
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_bound_of_one_serializes_everything() {
    let engine = ScriptedEngine::new(|_, _, _| {
        (
            Duration::from_millis(300),
            Ok(BotReply::new().with_text("ok")),
        )
    });
    let run = start(
        ChannelType::Messaging,
        config().with_max_concurrent_turns(1),
        engine.clone(),
    );
    for c in 0..4 {
        run.test.text(&format!("c{c}"), "hello");
    }
    for c in 0..4 {
        run.test.wait_for(&format!("c{c}"), 1).await;
    }
    assert_eq!(engine.max_in_flight(), 1);
    run.stop().await;
}
