//! Bot status, sessions and graceful shutdown.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{ScriptedEngine, config, eventually, start, start_with};
use connector_core::{
    Action, BotReply, ChannelStatus, ChannelType, EngineError, ErrorCode, EventKind,
};
use connector_runtime::{BotStatus, InMemorySessionStore};

#[tokio::test(start_paused = true)]
async fn status_follows_the_channel_and_ends_offline() {
    let run = start(ChannelType::Messaging, config(), ScriptedEngine::echo());
    assert_eq!(run.handle.status(), BotStatus::Offline);
    run.test.status(ChannelStatus::Connected);
    eventually("online", || run.handle.status() == BotStatus::Online).await;
    run.test.status(ChannelStatus::Interrupted {
        code: ErrorCode::new("messaging.socket"),
        message: "4401".into(),
    });
    eventually("service interruption", || {
        run.handle.status().label() == "Service Interruption"
    })
    .await;
    run.test.status(ChannelStatus::Connected);
    eventually("online again", || run.handle.status() == BotStatus::Online).await;
    let handle = run.handle.clone();
    run.stop().await;
    assert_eq!(handle.status(), BotStatus::Offline);
    let labels: Vec<_> = handle
        .status_history()
        .iter()
        .map(|e| e.status.label())
        .collect();
    assert_eq!(
        labels,
        ["Online", "Service Interruption", "Online", "Offline"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_vendor_interrupts_new_conversations_until_it_answers_again() {
    let engine = ScriptedEngine::new(|_, _, _| {
        (
            Duration::ZERO,
            Err(EngineError::transient(
                ErrorCode::new("engine.x.send-query"),
                "503",
            )),
        )
    });
    let config = config().with_vendor_interruption(2, Duration::from_secs(60));
    let run = start(ChannelType::Messaging, config, engine.clone());
    run.test.status(ChannelStatus::Connected);
    run.test.text("c1", "a");
    run.test.wait_for("c1", 3).await;
    run.test.text("c2", "b");
    run.test.wait_for("c2", 3).await;
    eventually("vendor interruption", || {
        run.handle.status().label() == "Vendor Interruption"
    })
    .await;
    let calls = engine.call_count();
    assert_eq!(calls, 6, "two conversations, three attempts each");
    // A new conversation is escalated at once, without calling the engine.
    run.test.text("c3", "c");
    run.test.wait_for("c3", 3).await;
    assert_eq!(engine.call_count(), calls);
    // The probe brings the bot back once the engine answers.
    engine.probe_ok.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(61)).await;
    eventually("online", || run.handle.status() == BotStatus::Online).await;
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn sessions_carry_state_between_turns_and_are_dropped_on_close() {
    let engine = ScriptedEngine::new(|event, session, _| {
        let n = session.get::<u32>("n").unwrap_or(0) + 1;
        session.set("n", &n);
        let reply = match event.kind {
            EventKind::ConversationClosed => BotReply::new(),
            _ => BotReply::new().with_text(format!("turn {n}")),
        };
        (Duration::ZERO, Ok(reply))
    });
    let store = Arc::new(InMemorySessionStore::new());
    let s = store.clone();
    let run = start_with(ChannelType::Messaging, config(), engine, move |b| {
        b.session_store(s)
    });
    run.test.text("c1", "a");
    run.test.text("c2", "a");
    run.test.text("c1", "b");
    run.test.wait_for("c1", 2).await;
    run.test.wait_for("c2", 1).await;
    assert_eq!(run.test.texts("c1"), ["turn 1", "turn 2"]);
    assert_eq!(run.test.texts("c2"), ["turn 1"]);
    assert_eq!(store.len(), 2);
    run.test.close("c1");
    eventually("c1's session dropped", || store.len() == 1).await;
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_failed_call_does_not_keep_its_half_written_session() {
    let engine = ScriptedEngine::new(|_, session, n| {
        let seen = session.get::<bool>("poisoned").unwrap_or(false);
        session.set("poisoned", &true);
        if n == 0 {
            (
                Duration::ZERO,
                Err(EngineError::permanent(ErrorCode::new("engine.x"), "boom")),
            )
        } else {
            (
                Duration::ZERO,
                Ok(BotReply::new().with_text(format!("saw poisoned={seen}"))),
            )
        }
    });
    let store = Arc::new(InMemorySessionStore::new());
    let s = store.clone();
    let run = start_with(ChannelType::Messaging, config(), engine, move |b| {
        b.session_store(s)
    });
    run.test
        .fail_actions([connector_core::ChannelError::Failed {
            code: ErrorCode::new("messaging.transfer-to-skill"),
            message: "no".into(),
            transient: false,
            may_have_happened: false,
        }]);
    run.test.text("c1", "a");
    run.test.wait_for("c1", 3).await;
    run.test.text("c1", "b");
    run.test.wait_for("c1", 4).await;
    assert_eq!(
        run.test.texts("c1").last().map(String::as_str),
        Some("saw poisoned=false")
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_finishes_in_flight_turns_and_takes_no_new_events() {
    let engine = ScriptedEngine::new(|_, _, _| {
        (
            Duration::from_secs(5),
            Ok(BotReply::new()
                .with_text("slow answer")
                .with_action(Action::close())),
        )
    });
    let run = start(ChannelType::Messaging, config(), engine.clone());
    run.test.text("c1", "question");
    eventually("engine called", || engine.call_count() == 1).await;
    run.handle.shutdown();
    run.test.text("c2", "too late");
    let handle = run.handle.clone();
    run.task.await.unwrap().unwrap();
    assert_eq!(run.test.texts("c1"), ["slow answer"]);
    assert_eq!(engine.call_count(), 1, "no event taken after shutdown");
    assert_eq!(handle.status(), BotStatus::Offline);
}
