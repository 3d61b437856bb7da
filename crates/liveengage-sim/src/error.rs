//! The crate's error type.

/// What went wrong when starting the emulator or talking to it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The configuration file could not be read or parsed; the message names the bad key.
    #[error("invalid le-sim configuration: {0}; compare it with docs/le-sim.md")]
    Config(String),
    /// Binding or serving failed.
    #[error("le-sim I/O error: {0}; is the port free and the address local?")]
    Io(#[from] std::io::Error),
    /// Generating the TLS certificates failed.
    #[error("could not set up TLS: {0}")]
    Tls(String),
    /// A test client call failed (HTTP or WebSocket).
    #[error("le-sim client error: {0}")]
    Client(String),
    /// The emulator answered a test client with an unexpected status or frame.
    #[error("le-sim answered {status}: {body}")]
    Unexpected {
        /// HTTP status or UMS code.
        status: u16,
        /// The body received.
        body: String,
    },
    /// An id given to the inspection or visitor API does not exist.
    #[error("no such {kind} `{id}` in the emulator")]
    NotFound {
        /// What was looked up.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// A wire payload could not be decoded.
    #[error(transparent)]
    Proto(#[from] liveengage_proto::Error),
}

impl From<tokio_tungstenite::tungstenite::Error> for SimError {
    fn from(e: tokio_tungstenite::tungstenite::Error) -> Self {
        Self::Client(e.to_string())
    }
}
