//! The invoke-function action: fire-and-forget, or awaited with `failOnError`.

use std::sync::Arc;

use connector_core::{
    ConversationContext, ErrorCode, Failure, FailureKind, FunctionInvocation, codes,
};
use tracing::Instrument;

use crate::escalate::{self, Outcome};
use crate::shared::Shared;

pub(crate) async fn invoke(
    shared: &Shared,
    ctx: &ConversationContext,
    invocation: &FunctionInvocation,
) -> Outcome {
    let Some(invoker) = shared.invoker.clone() else {
        let message = format!(
            "the bot invoked function {:?} but no function invoker is configured",
            invocation.lambda_uuid
        );
        return fail(
            shared,
            ctx,
            invocation,
            ErrorCode::new("connector.function-invoker-missing"),
            message,
        )
        .await;
    };
    if !invocation.fail_on_error {
        let (ctx, invocation) = (ctx.clone(), invocation.clone());
        let span = tracing::Span::current();
        shared
            .tracker
            .spawn(async move { fire_and_forget(invoker, ctx, invocation).await }.instrument(span));
        return Outcome::Continue;
    }
    match invoker.invoke(ctx, invocation).await {
        Ok(()) => Outcome::Continue,
        Err(err) => {
            fail(
                shared,
                ctx,
                invocation,
                codes::INVOKE_FUNCTION,
                err.to_string(),
            )
            .await
        }
    }
}

async fn fire_and_forget(
    invoker: Arc<dyn crate::function::FunctionInvoker>,
    ctx: ConversationContext,
    invocation: FunctionInvocation,
) {
    if let Err(err) = invoker.invoke(&ctx, &invocation).await {
        tracing::warn!(function = %invocation.lambda_uuid, "function invocation failed (fire-and-forget): {err}");
    }
}

async fn fail(
    shared: &Shared,
    ctx: &ConversationContext,
    invocation: &FunctionInvocation,
    code: ErrorCode,
    message: String,
) -> Outcome {
    if !invocation.fail_on_error {
        tracing::warn!(code = %code, "{message}");
        return Outcome::Continue;
    }
    let failure = Failure::new(FailureKind::Function, code, message);
    let decision = escalate::decide(shared, ctx, &failure);
    escalate::perform(shared, ctx, decision).await
}
