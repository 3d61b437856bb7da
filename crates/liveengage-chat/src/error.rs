//! What can go wrong on the Chat Agent API.

use std::time::Duration;

use connector_core::ErrorCode;

/// A failed Chat Agent API call, after the retries the policy allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ChatError {
    /// No bearer token could be had; check the bot user's credentials.
    #[error("login failed: {message}; check the bot user's credentials and the Login Service")]
    Login {
        /// What the login said.
        message: String,
        /// Whether a later attempt may succeed.
        transient: bool,
    },
    /// LiveEngage answered with an error status.
    #[error(
        "LiveEngage answered {status} to {operation}: {body}; a 5xx or 429 is retried, a 4xx means the request is wrong"
    )]
    Status {
        /// What was asked.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The answer's body (LiveEngage's error message).
        body: String,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
    /// No answer (connection refused or reset, or the answer took longer than the
    /// request timeout); the request may nevertheless have been executed.
    #[error("no answer to {operation}: {message}; check the network path to the agentVep domain")]
    Network {
        /// What was asked.
        operation: &'static str,
        /// What happened.
        message: String,
    },
    /// The answer was not the documented JSON.
    #[error("unexpected answer to {operation}: {message}; body: {body}")]
    Decode {
        /// What was asked.
        operation: &'static str,
        /// Why it did not decode.
        message: String,
        /// The raw body.
        body: String,
    },
    /// The channel shut down while the call waited.
    #[error("the chat channel has shut down")]
    Shutdown,
    /// The transport could not be set up (its HTTP client could not be built).
    #[error("the chat transport cannot start: {message}; check the TLS settings")]
    Setup {
        /// Why.
        message: String,
    },
}

impl ChatError {
    /// The HTTP status, if LiveEngage answered.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the request may have been executed although no success came back.
    #[must_use]
    pub fn may_have_happened(&self) -> bool {
        match self {
            Self::Network { .. } | Self::Decode { .. } => true,
            Self::Status { status, .. } => *status >= 500,
            Self::Login { .. } | Self::Shutdown | Self::Setup { .. } => false,
        }
    }

    /// Whether trying again later may help.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Network { .. } => true,
            Self::Status { status, .. } => *status >= 500 || *status == 429,
            Self::Login { transient, .. } => *transient,
            Self::Decode { .. } | Self::Shutdown | Self::Setup { .. } => false,
        }
    }

    /// As a core channel error with `code`.
    #[must_use]
    pub fn into_channel(self, code: ErrorCode) -> connector_core::ChannelError {
        if self == Self::Shutdown {
            return connector_core::ChannelError::Shutdown;
        }
        connector_core::ChannelError::Failed {
            code,
            transient: self.is_transient(),
            may_have_happened: self.may_have_happened(),
            message: self.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_may_have_happened_client_errors_did_not() {
        let status = |status| ChatError::Status {
            operation: "send",
            status,
            body: String::new(),
            retry_after: None,
        };
        assert!(status(503).may_have_happened() && status(503).is_transient());
        assert!(!status(400).may_have_happened() && !status(400).is_transient());
        assert!(status(429).is_transient() && !status(429).may_have_happened());
        let lost = ChatError::Network {
            operation: "send",
            message: "reset".into(),
        };
        let channel = lost.into_channel(crate::codes::SEND_MESSAGE);
        assert_eq!(channel.code(), crate::codes::SEND_MESSAGE);
        assert!(
            !channel.is_retryable(),
            "a lost answer must not be retried blindly"
        );
        assert!(channel.to_string().contains("no answer to send"));
    }
}
