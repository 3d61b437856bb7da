//! The runtime's error type.

use connector_core::ChannelError;

/// Why [`Connector::run`](crate::Connector::run) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    /// The channel failed to shut down (log out) cleanly. Every turn had
    /// finished; LiveEngage ends the session on its own after a while.
    #[error("the channel did not shut down cleanly: {0}")]
    Shutdown(#[source] ChannelError),
}
