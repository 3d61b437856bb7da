//! One turn: an event through the engine, the reply played on the channel.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use connector_core::{
    Action, ChannelType, ConversationContext, Decision, EngineError, EngineSession, EventKind,
    Failure, FailureKind, InboundEvent, Output, ValidatedReply, codes,
};

use crate::escalate::{self, Outcome};
use crate::metrics::Counter;
use crate::shared::Shared;

/// Handles one event of a conversation.
pub(crate) async fn handle(shared: &Shared, event: InboundEvent) -> Outcome {
    let ctx = &event.context;
    match &event.kind {
        EventKind::ConversationClosed => {
            notify_engine_of_close(shared, &event).await;
            shared.metrics.incr(Counter::Closed);
            return Outcome::Ended;
        }
        EventKind::ConversationStarted { .. }
            if ctx.channel == ChannelType::Messaging && !shared.config.messaging_welcome =>
        {
            return Outcome::Continue;
        }
        _ => {}
    }
    let reply = match call_engine(shared, &event).await {
        Ok(reply) => reply,
        Err(decision) => return escalate::perform(shared, ctx, decision).await,
    };
    shared.metrics.incr(Counter::Turns);
    play(shared, ctx, reply).await
}

/// Tells the engine the conversation closed (some vendors keep server-side
/// state); its answer and errors do not matter any more.
async fn notify_engine_of_close(shared: &Shared, event: &InboundEvent) {
    let ctx = &event.context;
    let mut session = load_session(shared, ctx).await;
    let call = shared.engine.handle(event, &mut session);
    match tokio::time::timeout(shared.config.engine_timeout, call).await {
        Ok(Ok(_)) => {}
        Ok(Err(err)) => {
            tracing::debug!(code = %err.code(), "engine failed on the close event: {err}")
        }
        Err(_) => tracing::debug!("engine timed out on the close event"),
    }
}

async fn load_session(shared: &Shared, ctx: &ConversationContext) -> EngineSession {
    match shared
        .sessions
        .load(&ctx.bot_id, &ctx.conversation_id)
        .await
    {
        Ok(session) => session.unwrap_or_default(),
        Err(err) => {
            tracing::warn!("session not loaded, starting empty: {err}");
            EngineSession::default()
        }
    }
}

/// Runs `op` until it succeeds or the escalation policy stops retrying.
async fn with_retries<T, F, Fut>(
    shared: &Shared,
    ctx: &ConversationContext,
    mut op: F,
) -> Result<T, Decision>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let mut attempt = 0;
    loop {
        let failure = match op().await {
            Ok(value) => return Ok(value),
            Err(failure) => failure.attempt(attempt),
        };
        match escalate::decide(shared, ctx, &failure) {
            Decision::Retry { after } => {
                tracing::debug!(code = %failure.code, attempt, ?after, "retrying");
                tokio::time::sleep(after).await;
                attempt += 1;
            }
            decision => return Err(decision),
        }
    }
}

fn engine_failure(err: &EngineError) -> Failure {
    let failure = Failure::new(FailureKind::Engine, err.code().clone(), err.to_string());
    if err.is_transient() {
        failure.retryable(err.retry_after())
    } else {
        failure
    }
}

/// Calls the engine (with timeout and retries) and validates its reply. The
/// session is saved only after a successful call.
async fn call_engine(shared: &Shared, event: &InboundEvent) -> Result<ValidatedReply, Decision> {
    let ctx = &event.context;
    let session = load_session(shared, ctx).await;
    // Whether the last failure was the vendor's (transient or timeout), which
    // counts towards Vendor Interruption; an invalid reply does not.
    let vendor_failed = AtomicBool::new(false);
    let result = with_retries(shared, ctx, || {
        let mut attempt_session = session.clone();
        let vendor_failed = &vendor_failed;
        async move {
            let call = shared.engine.handle(event, &mut attempt_session);
            let outcome = tokio::time::timeout(shared.config.engine_timeout, call).await;
            let reply = match outcome {
                Ok(Ok(reply)) => reply,
                Ok(Err(err)) => {
                    shared.metrics.incr(Counter::EngineErrors);
                    vendor_failed.store(err.is_transient(), Ordering::Relaxed);
                    return Err(engine_failure(&err));
                }
                Err(_) => {
                    shared.metrics.incr(Counter::EngineErrors);
                    vendor_failed.store(true, Ordering::Relaxed);
                    let message = format!(
                        "the engine did not answer within {:?}",
                        shared.config.engine_timeout
                    );
                    return Err(Failure::new(
                        FailureKind::EngineTimeout,
                        codes::ENGINE_TIMEOUT,
                        message,
                    )
                    .retryable(None));
                }
            };
            Ok((reply, attempt_session))
        }
    })
    .await;
    let (reply, session) = match result {
        Ok(ok) => ok,
        Err(decision) => {
            if vendor_failed.load(Ordering::Relaxed) && shared.engine_failed() {
                let code = codes::ENGINE_TIMEOUT;
                shared.status.vendor_failing(
                    code,
                    format!("engine {} keeps failing", shared.engine.vendor()),
                );
            }
            return Err(decision);
        }
    };
    shared.engine_succeeded();
    if let Err(err) = shared
        .sessions
        .save(&ctx.bot_id, &ctx.conversation_id, &session)
        .await
    {
        tracing::warn!("session not saved: {err}");
    }
    match reply.validate(ctx.channel) {
        Ok(valid) => Ok(valid),
        Err(err) => {
            let failure = Failure::new(FailureKind::InvalidReply, err.code(), err.to_string());
            Err(escalate::decide(shared, ctx, &failure))
        }
    }
}

/// Plays the outputs in order, then the action.
async fn play(shared: &Shared, ctx: &ConversationContext, reply: ValidatedReply) -> Outcome {
    let (outputs, action) = reply.into_parts();
    for output in &outputs {
        if let Output::Delay(delay) = output {
            if delay.typing {
                set_typing(shared, ctx, true).await;
            }
            tokio::time::sleep(delay.duration).await;
            if delay.typing {
                set_typing(shared, ctx, false).await;
            }
            continue;
        }
        let sent = with_retries(shared, ctx, || async {
            shared.channel.send(ctx, output).await.map_err(|err| {
                let failure = Failure::new(FailureKind::Delivery, err.code(), err.to_string());
                if err.is_retryable() {
                    failure.retryable(None)
                } else {
                    failure
                }
            })
        })
        .await;
        if let Err(decision) = sent {
            return escalate::perform(shared, ctx, decision).await;
        }
    }
    match action {
        Some(action) => execute(shared, ctx, action).await,
        None => Outcome::Continue,
    }
}

async fn set_typing(shared: &Shared, ctx: &ConversationContext, on: bool) {
    if let Err(err) = shared.channel.set_typing(ctx, on).await {
        tracing::debug!(code = %err.code(), "typing indicator not set: {err}");
    }
}

async fn execute(shared: &Shared, ctx: &ConversationContext, action: Action) -> Outcome {
    if let Action::InvokeFunction(invocation) = &action {
        return crate::invoke::invoke(shared, ctx, invocation).await;
    }
    let done = with_retries(shared, ctx, || async {
        shared.channel.execute(ctx, &action).await.map_err(|err| {
            let failure = Failure::new(FailureKind::Delivery, err.code(), err.to_string());
            if err.is_retryable() {
                failure.retryable(None)
            } else {
                failure
            }
        })
    })
    .await;
    match done {
        Ok(()) => match action {
            Action::TransferToSkill { .. } | Action::TransferToAgent { .. } => {
                shared.metrics.incr(Counter::Transferred);
                Outcome::Ended
            }
            Action::Close { .. } => {
                shared.metrics.incr(Counter::Closed);
                Outcome::Ended
            }
            _ => Outcome::Continue,
        },
        Err(decision) => escalate::perform(shared, ctx, decision).await,
    }
}
