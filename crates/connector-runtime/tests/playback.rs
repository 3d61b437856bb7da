//! Outputs are played in order with real delays and typing; the action comes last.

mod common;

use std::time::Duration;

use common::{ScriptedEngine, config, eventually, start};
use connector_core::{Action, BotReply, ChannelType, Output, Ttr};
use connector_runtime::Recorded;

#[tokio::test(start_paused = true)]
async fn delays_wait_with_typing_and_the_action_comes_last() {
    let engine = ScriptedEngine::new(|_, _, _| {
        let reply = BotReply::new()
            .with_text("one")
            .with_output(Output::delay(Duration::from_secs(2), true))
            .with_text("two")
            .with_output(Output::delay(Duration::from_millis(1500), false))
            .with_output(Output::private_text("note"))
            .with_action(Action::ChangeTtr(Ttr::Urgent));
        (Duration::ZERO, Ok(reply))
    });
    let run = start(ChannelType::Messaging, config(), engine);
    run.test.text("c1", "go");
    run.test.wait_for("c1", 6).await;
    let records = run.test.records();
    let what: Vec<_> = records.iter().map(|r| r.what.clone()).collect();
    assert_eq!(
        what,
        [
            Recorded::Output(Output::text("one")),
            Recorded::Typing(true),
            Recorded::Typing(false),
            Recorded::Output(Output::text("two")),
            Recorded::Output(Output::private_text("note")),
            Recorded::Action(Action::ChangeTtr(Ttr::Urgent)),
        ]
    );
    assert_eq!(records[2].at - records[1].at, Duration::from_secs(2));
    assert_eq!(records[4].at - records[3].at, Duration::from_millis(1500));
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_close_action_ends_the_conversation_and_counts_it() {
    let engine = ScriptedEngine::new(|_, _, _| {
        (
            Duration::ZERO,
            Ok(BotReply::new()
                .with_text("bye")
                .with_action(Action::close())),
        )
    });
    let run = start(ChannelType::Messaging, config(), engine);
    run.test.text("c1", "bye");
    run.test.wait_for("c1", 2).await;
    assert_eq!(
        run.test.recorded("c1")[1],
        Recorded::Action(Action::close())
    );
    let metrics = run.handle.metrics();
    eventually("conversation forgotten", || metrics.snapshot().open == 0).await;
    let snap = metrics.snapshot();
    assert_eq!((snap.conversations, snap.closed, snap.turns), (1, 1, 1));
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_transfer_is_counted_as_transferred_not_escalated() {
    let engine = ScriptedEngine::new(|_, _, _| {
        (
            Duration::ZERO,
            Ok(BotReply::new().with_action(Action::transfer("billing"))),
        )
    });
    let run = start(ChannelType::Messaging, config(), engine);
    run.test.text("c1", "billing please");
    run.test.wait_for("c1", 1).await;
    assert_eq!(
        run.test.recorded("c1"),
        [Recorded::Action(Action::transfer("billing"))]
    );
    let snap = run.handle.metrics().snapshot();
    assert_eq!((snap.transferred, snap.escalated), (1, 0));
    run.stop().await;
}
