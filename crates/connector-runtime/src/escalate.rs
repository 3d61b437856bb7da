//! Performing the escalation policy's decisions.

use connector_core::{Action, ConversationContext, Decision, Escalation, Failure, Output};

use crate::metrics::Counter;
use crate::shared::Shared;

/// What became of the conversation after a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The bot keeps the conversation.
    Continue,
    /// The conversation left the bot (closed, transferred or escalated).
    Ended,
}

/// Asks the policy about `failure` (first attempt) and performs the decision,
/// except a retry, which the caller performs; returns the decision for a retry.
pub(crate) fn decide(shared: &Shared, ctx: &ConversationContext, failure: &Failure) -> Decision {
    let decision = shared.policy.decide(ctx, failure);
    match decision {
        Decision::Retry { .. } if !failure.retryable => {
            // The policy broke its contract; retrying could duplicate an action.
            tracing::error!(code = %failure.code, "escalation policy asked to retry a non-retryable failure; giving up");
            Decision::GiveUp
        }
        Decision::Retry { .. } => decision,
        other => {
            shared
                .metrics
                .record_error(&ctx.conversation_id, &failure.code, &failure.message);
            other
        }
    }
}

/// Performs a final decision (escalate or give up).
pub(crate) async fn perform(
    shared: &Shared,
    ctx: &ConversationContext,
    decision: Decision,
) -> Outcome {
    match decision {
        Decision::Escalate(escalation) => escalate(shared, ctx, &escalation).await,
        _ => Outcome::Continue,
    }
}

/// Transfers the conversation to the escalation skill with the configured
/// messages; sends the failure message if the transfer fails.
pub(crate) async fn escalate(
    shared: &Shared,
    ctx: &ConversationContext,
    escalation: &Escalation,
) -> Outcome {
    shared.metrics.incr(Counter::Escalated);
    tracing::info!(skill = %escalation.skill, "escalating conversation");
    if let Some(text) = &escalation.customer_message {
        send_best_effort(shared, ctx, Output::text(text.clone())).await;
    }
    if let Some(note) = &escalation.agent_note {
        send_best_effort(shared, ctx, Output::private_text(note.clone())).await;
    }
    let transfer = Action::transfer(escalation.skill.clone());
    match shared.channel.execute(ctx, &transfer).await {
        Ok(()) => Outcome::Ended,
        Err(err) => {
            shared.metrics.record_error(
                &ctx.conversation_id,
                &err.code(),
                &format!("escalation transfer failed: {err}"),
            );
            if let Some(text) = &escalation.failure_message {
                send_best_effort(shared, ctx, Output::text(text.clone())).await;
            }
            Outcome::Continue
        }
    }
}

async fn send_best_effort(shared: &Shared, ctx: &ConversationContext, output: Output) {
    if let Err(err) = shared.channel.send(ctx, &output).await {
        shared.metrics.record_error(
            &ctx.conversation_id,
            &err.code(),
            &format!("escalation message not sent: {err}"),
        );
    }
}
