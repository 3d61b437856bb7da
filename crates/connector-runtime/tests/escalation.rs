//! Every failure goes through the escalation policy.

mod common;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use connector_core::rich::{Button, QuickReplies};
use connector_core::{
    Action, BotReply, ChannelError, ChannelType, ConversationContext, EngineError, ErrorCode,
    FunctionInvocation, Output,
};
use connector_runtime::{FunctionError, FunctionInvoker, Recorded};
use serde_json::json;

use common::{ScriptedEngine, config, eventually, start, start_with};

fn escalation_records(skill: &str) -> Vec<Recorded> {
    vec![
        Recorded::Output(Output::text("Transferring you to an agent")),
        Recorded::Output(Output::private_text("Bot escalated")),
        Recorded::Action(Action::transfer(skill)),
    ]
}

#[tokio::test(start_paused = true)]
async fn an_engine_that_times_out_is_retried_then_the_conversation_escalates() {
    let engine = ScriptedEngine::new(|_, _, _| {
        (
            Duration::from_secs(3600),
            Ok(BotReply::new().with_text("late")),
        )
    });
    let run = start(
        ChannelType::Messaging,
        config().with_engine_timeout(Duration::from_secs(5)),
        engine.clone(),
    );
    run.test.text("c1", "hello");
    run.test.wait_for("c1", 3).await;
    assert_eq!(run.test.recorded("c1"), escalation_records("human"));
    assert_eq!(engine.call_count(), 3, "first call plus two retries");
    let metrics = run.handle.metrics();
    let errors = metrics.errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code.as_str(), "engine.timeout");
    assert_eq!(metrics.snapshot().escalated, 1);
    assert_eq!(metrics.snapshot().engine_errors, 3);
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_transient_error_followed_by_success_is_invisible_to_the_consumer() {
    let engine = ScriptedEngine::new(|_, _, n| {
        if n == 0 {
            (
                Duration::ZERO,
                Err(EngineError::transient(
                    ErrorCode::new("engine.x.send-query"),
                    "503",
                )),
            )
        } else {
            (Duration::ZERO, Ok(BotReply::new().with_text("fine")))
        }
    });
    let run = start(ChannelType::Messaging, config(), engine.clone());
    run.test.text("c1", "hello");
    run.test.wait_for("c1", 1).await;
    assert_eq!(
        run.test.recorded("c1"),
        [Recorded::Output(Output::text("fine"))]
    );
    assert_eq!(engine.call_count(), 2);
    assert!(run.handle.metrics().errors().is_empty());
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_permanent_error_escalates_without_retry() {
    let engine = ScriptedEngine::new(|_, _, _| {
        (
            Duration::ZERO,
            Err(EngineError::permanent(
                ErrorCode::new("engine.x.bad-request"),
                "400",
            )),
        )
    });
    let run = start(ChannelType::Messaging, config(), engine.clone());
    run.test.text("c1", "hello");
    run.test.wait_for("c1", 3).await;
    assert_eq!(run.test.recorded("c1"), escalation_records("human"));
    assert_eq!(engine.call_count(), 1);
    assert_eq!(
        run.handle.metrics().errors()[0].code.as_str(),
        "engine.x.bad-request"
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn an_empty_reply_escalates_with_liveperson_code() {
    let engine = ScriptedEngine::new(|_, _, _| (Duration::ZERO, Ok(BotReply::new())));
    let run = start(ChannelType::Messaging, config(), engine);
    run.test.text("c1", "hello");
    run.test.wait_for("c1", 3).await;
    assert_eq!(run.test.recorded("c1"), escalation_records("human"));
    assert_eq!(
        run.handle.metrics().errors()[0].code.liveperson(),
        "com.liveperson.bot-connectors-worker.error.pipes.verify-ai-response.missing-action-and-messages"
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn quick_replies_on_chat_escalate() {
    let engine = ScriptedEngine::new(|_, _, _| {
        let qr =
            Output::quick_replies("Pick", &QuickReplies::new([Button::publish("a", "a")])).unwrap();
        (Duration::ZERO, Ok(BotReply::new().with_output(qr)))
    });
    let run = start(ChannelType::Chat, config(), engine);
    run.test.text("c1", "hello");
    run.test.wait_for("c1", 3).await;
    assert_eq!(run.test.recorded("c1"), escalation_records("human"));
    assert_eq!(
        run.handle.metrics().errors()[0].code.as_str(),
        "pipes.verify-ai-response.quick-replies-not-supported"
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_failed_escalation_transfer_sends_the_transfer_failure_message() {
    let engine = ScriptedEngine::new(|_, _, _| (Duration::ZERO, Ok(BotReply::new())));
    let run = start(ChannelType::Messaging, config(), engine);
    run.test.fail_actions([ChannelError::Failed {
        code: ErrorCode::new("messaging.transfer-to-skill"),
        message: "no agents".into(),
        transient: false,
        may_have_happened: false,
    }]);
    run.test.text("c1", "hello");
    run.test.wait_for("c1", 3).await;
    assert_eq!(
        run.test.recorded("c1"),
        [
            Recorded::Output(Output::text("Transferring you to an agent")),
            Recorded::Output(Output::private_text("Bot escalated")),
            Recorded::Output(Output::text("Sorry, no agent is available")),
        ]
    );
    // The conversation stays with the bot, which keeps answering.
    assert_eq!(run.handle.metrics().snapshot().open, 1);
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_transfer_to_an_unknown_skill_escalates_to_the_default_skill() {
    let engine = ScriptedEngine::new(|_, _, _| {
        (
            Duration::ZERO,
            Ok(BotReply::new()
                .with_text("moving you")
                .with_action(Action::transfer("Billing"))),
        )
    });
    let run = start(ChannelType::Messaging, config(), engine);
    run.test.known_skills(["billing", "human"]);
    run.test.text("c1", "hello");
    run.test.wait_for("c1", 4).await;
    let mut expected = vec![Recorded::Output(Output::text("moving you"))];
    expected.extend(escalation_records("human"));
    assert_eq!(run.test.recorded("c1"), expected);
    assert_eq!(
        run.handle.metrics().errors()[0].code.as_str(),
        "pipes.messaging-handle-bot-action.transfer-skill-not-existing"
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_retryable_send_failure_is_retried_and_not_duplicated() {
    let engine =
        ScriptedEngine::new(|_, _, _| (Duration::ZERO, Ok(BotReply::new().with_text("once"))));
    let run = start(ChannelType::Messaging, config(), engine);
    run.test.fail_sends([ChannelError::Failed {
        code: ErrorCode::new("messaging.send-message"),
        message: "socket reconnecting".into(),
        transient: true,
        may_have_happened: false,
    }]);
    run.test.text("c1", "hello");
    run.test.wait_for("c1", 1).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        run.test.recorded("c1"),
        [Recorded::Output(Output::text("once"))]
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_send_that_may_have_happened_is_not_retried() {
    let engine =
        ScriptedEngine::new(|_, _, _| (Duration::ZERO, Ok(BotReply::new().with_text("maybe"))));
    let run = start(ChannelType::Messaging, config(), engine);
    run.test.fail_sends([ChannelError::Failed {
        code: ErrorCode::new("messaging.send-message"),
        message: "no response".into(),
        transient: true,
        may_have_happened: true,
    }]);
    run.test.text("c1", "hello");
    run.test.wait_for("c1", 3).await;
    assert!(
        !run.test
            .recorded("c1")
            .contains(&Recorded::Output(Output::text("maybe")))
    );
    assert_eq!(run.test.recorded("c1"), escalation_records("human"));
    run.stop().await;
}

struct Invoker {
    calls: std::sync::Mutex<Vec<String>>,
    fail: bool,
}

#[async_trait]
impl FunctionInvoker for Invoker {
    async fn invoke(
        &self,
        _: &ConversationContext,
        invocation: &FunctionInvocation,
    ) -> Result<(), FunctionError> {
        self.calls
            .lock()
            .unwrap()
            .push(invocation.lambda_uuid.clone());
        if self.fail {
            Err(FunctionError::Failed {
                id: invocation.lambda_uuid.clone(),
                message: "500".into(),
            })
        } else {
            Ok(())
        }
    }
}

fn invoking(fail_on_error: bool) -> Arc<ScriptedEngine> {
    ScriptedEngine::new(move |_, _, _| {
        let mut inv = FunctionInvocation::new("fn-1", json!({"x": 1}));
        if fail_on_error {
            inv = inv.fail_on_error();
        }
        (
            Duration::ZERO,
            Ok(BotReply::new()
                .with_text("working")
                .with_action(Action::InvokeFunction(inv))),
        )
    })
}

#[tokio::test(start_paused = true)]
async fn a_failing_fire_and_forget_function_does_not_escalate() {
    let invoker = Arc::new(Invoker {
        calls: Default::default(),
        fail: true,
    });
    let inv = invoker.clone();
    let run = start_with(
        ChannelType::Messaging,
        config(),
        invoking(false),
        move |b| b.function_invoker(inv),
    );
    run.test.text("c1", "go");
    run.test.wait_for("c1", 1).await;
    eventually("function called", || {
        invoker.calls.lock().unwrap().len() == 1
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        run.test.recorded("c1"),
        [Recorded::Output(Output::text("working"))]
    );
    assert_eq!(run.handle.metrics().snapshot().escalated, 0);
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_failing_function_with_fail_on_error_escalates() {
    let invoker = Arc::new(Invoker {
        calls: Default::default(),
        fail: true,
    });
    let inv = invoker.clone();
    let run = start_with(ChannelType::Messaging, config(), invoking(true), move |b| {
        b.function_invoker(inv)
    });
    run.test.text("c1", "go");
    run.test.wait_for("c1", 4).await;
    let mut expected = vec![Recorded::Output(Output::text("working"))];
    expected.extend(escalation_records("human"));
    assert_eq!(run.test.recorded("c1"), expected);
    assert_eq!(
        run.handle.metrics().errors()[0].code.as_str(),
        "aivendor.faas.invoke-lambda"
    );
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_succeeding_function_keeps_the_conversation() {
    let invoker = Arc::new(Invoker {
        calls: Default::default(),
        fail: false,
    });
    let inv = invoker.clone();
    let run = start_with(ChannelType::Messaging, config(), invoking(true), move |b| {
        b.function_invoker(inv)
    });
    run.test.text("c1", "go");
    run.test.wait_for("c1", 1).await;
    eventually("function called", || {
        invoker.calls.lock().unwrap().as_slice() == ["fn-1"]
    })
    .await;
    assert_eq!(run.handle.metrics().snapshot().escalated, 0);
    assert_eq!(run.handle.metrics().snapshot().open, 1);
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn fail_on_error_without_an_invoker_escalates() {
    let run = start(ChannelType::Messaging, config(), invoking(true));
    run.test.text("c1", "go");
    run.test.wait_for("c1", 4).await;
    assert_eq!(
        run.handle.metrics().errors()[0].code.as_str(),
        "connector.function-invoker-missing"
    );
    run.stop().await;
}
