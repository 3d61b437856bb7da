//! The invoke-function action.

use async_trait::async_trait;
use connector_core::{ConversationContext, FunctionInvocation};

/// Why a function invocation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FunctionError {
    /// No function is configured under this id.
    #[error("no function is configured for id {0:?}; map it in the bot's function settings")]
    Unknown(String),
    /// The function ran and failed, or could not be reached.
    #[error("function {id:?} failed: {message}")]
    Failed {
        /// The function id.
        id: String,
        /// What happened.
        message: String,
    },
}

/// Runs the functions a bot's `InvokeFunction` action names (LivePerson
/// Functions in LiveEngage; any HTTP endpoint with the binary's invoker).
///
/// The runtime calls it fire-and-forget unless the invocation sets
/// `fail_on_error`, in which case it waits and escalates on failure.
#[async_trait]
pub trait FunctionInvoker: Send + Sync {
    /// Invokes the function.
    ///
    /// # Errors
    ///
    /// [`FunctionError`] when the function is unknown or fails.
    async fn invoke(
        &self,
        context: &ConversationContext,
        invocation: &FunctionInvocation,
    ) -> Result<(), FunctionError>;
}
