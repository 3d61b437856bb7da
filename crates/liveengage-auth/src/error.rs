//! What can go wrong, with a stable code and a hint at what to do.

use std::fmt;
use std::time::Duration;

use connector_core::ErrorCode;

use crate::codes;
use crate::config::ConfigError;
use crate::retry::Outcome;

/// Which call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// CSDS domain discovery.
    Csds,
    /// Login.
    Login,
    /// Session refresh.
    Refresh,
    /// Logout.
    Logout,
}

impl Operation {
    /// The stable error code of a failure of this call.
    #[must_use]
    pub fn code(self) -> ErrorCode {
        match self {
            Self::Csds => codes::CSDS,
            Self::Login => codes::LOGIN,
            Self::Refresh => codes::REFRESH,
            Self::Logout => codes::LOGOUT,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Csds => "domain discovery (CSDS)",
            Self::Login => "login",
            Self::Refresh => "session refresh",
            Self::Logout => "logout",
        })
    }
}

/// An authentication failure. `Display` says what happened and what to do;
/// no variant ever holds a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The configuration is wrong; nothing was sent.
    #[error("invalid liveengage-auth configuration: {0}")]
    Config(#[from] ConfigError),
    /// HTTP 401: bad credentials, or an expired csrf/session. Not retried.
    #[error(
        "{operation} refused with HTTP 401 ({message}); check the account id, login name and password or API key; not retried"
    )]
    Unauthorized {
        /// The call.
        operation: Operation,
        /// The server's message.
        message: String,
    },
    /// HTTP 429.
    #[error("{operation} rate-limited by LiveEngage (HTTP 429); retry after {}", retry_after.map_or_else(|| "at least 1 s".to_owned(), |d| format!("{} s", d.as_secs())))]
    RateLimited {
        /// The call.
        operation: Operation,
        /// `Retry-After`, if sent.
        retry_after: Option<Duration>,
    },
    /// HTTP 5xx: LiveEngage trouble; retried with backoff.
    #[error(
        "{operation} failed on the LiveEngage side (HTTP {status}: {message}); retried with backoff"
    )]
    Server {
        /// The call.
        operation: Operation,
        /// The status code.
        status: u16,
        /// The server's message.
        message: String,
    },
    /// Another 4xx: the request is wrong for this server. Not retried.
    #[error(
        "{operation} rejected with HTTP {status} ({message}); check the account id and base URLs; not retried"
    )]
    Rejected {
        /// The call.
        operation: Operation,
        /// The status code.
        status: u16,
        /// The server's message.
        message: String,
    },
    /// No answer (DNS, connect, TLS, timeout).
    #[error(
        "{operation} got no answer from LiveEngage ({}); check network, proxy and TLS roots; retried with backoff", connector_http::describe_error(.source)
    )]
    Network {
        /// The call.
        operation: Operation,
        /// The transport error (no credentials in it: they travel in bodies and headers).
        #[source]
        source: reqwest::Error,
    },
    /// A 2xx answer this crate cannot use.
    ///
    /// The answer itself is never kept: it may hold tokens, and a caller
    /// who chose the URL must not read another server's pages through it.
    #[error("{operation} answered something unexpected ({reason})")]
    UnexpectedResponse {
        /// The call.
        operation: Operation,
        /// What is wrong with it (its shape, never its content).
        reason: String,
    },
    /// CSDS does not list a service this crate needs.
    #[error(
        "CSDS lists no `{service}` for account {account_id}; check the account id or configure a service override"
    )]
    MissingService {
        /// The service name.
        service: String,
        /// The account.
        account_id: String,
    },
    /// The credentials cannot be renewed (a fixed bearer token was rejected).
    #[error(
        "the configured bearer token was rejected and cannot be renewed; configure a new token or user credentials"
    )]
    CannotRenew,
    /// The authenticator was shut down.
    #[error("the authenticator was shut down")]
    Stopped,
}

impl AuthError {
    /// The stable code for operators.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Config(_) => codes::CONFIG,
            Self::Unauthorized { operation, .. }
            | Self::RateLimited { operation, .. }
            | Self::Server { operation, .. }
            | Self::Rejected { operation, .. }
            | Self::Network { operation, .. }
            | Self::UnexpectedResponse { operation, .. } => operation.code(),
            Self::MissingService { .. } => codes::CSDS,
            Self::CannotRenew => codes::LOGIN,
            Self::Stopped => codes::STOPPED,
        }
    }

    /// How the retry policy should see this failure; `None` for failures that
    /// are not about a server answer (configuration, shutdown).
    #[must_use]
    pub fn outcome(&self) -> Option<Outcome> {
        match self {
            Self::Unauthorized { .. } => Some(Outcome::ClientError { status: 401 }),
            Self::RateLimited { retry_after, .. } => Some(Outcome::RateLimited {
                retry_after: *retry_after,
            }),
            Self::Server { status, .. } => Some(Outcome::ServerError { status: *status }),
            Self::Rejected { status, .. } => Some(Outcome::ClientError { status: *status }),
            Self::Network { .. } => Some(Outcome::Network),
            // A garbled 2xx is a server fault; retrying may help [inferred].
            Self::UnexpectedResponse { .. } => Some(Outcome::ServerError { status: 200 }),
            Self::Config(_) | Self::MissingService { .. } | Self::CannotRenew | Self::Stopped => {
                None
            }
        }
    }

    /// Whether trying again later may help.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(
            self.outcome(),
            Some(Outcome::RateLimited { .. } | Outcome::ServerError { .. } | Outcome::Network)
        )
    }

    /// Whether the server refused the credentials or the session.
    #[must_use]
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Unauthorized { .. } | Self::CannotRenew)
    }
}
