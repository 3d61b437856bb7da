//! A reference server of LivePerson's **Custom Endpoint** contract, in Rust
//! with axum: the HTTP service a brand hosts so that a bot written in any
//! language joins LiveEngage through a bot connector (`engine-webhook`).
//!
//! It implements the four endpoints of the contract under `/v1/bots/{botId}/environments`
//! and answers with the example behaviour of LivePerson's reference service
//! (see [`respond`]): `transfer` → a text and a `TRANSFER` action, `bye` →
//! `CLOSE_CONVERSATION`, `sc` → structured content, `delay` → text, delay,
//! text, and so on. It also offers a client-credentials token endpoint
//! (`POST /token`) so that it runs on its own; a production service verifies
//! LivePerson's Sentinel JWT instead (RS256, issuer `Sentinel`, audience = the
//! account id, scope `thirdpartybots.customendpoint.bot`).
//!
//! `docs/engines/webhook.md` documents the contract for implementers in any
//! language. Dependencies: `axum` (the HTTP server), `tokio`, `serde_json`.
//!
//! # Examples
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let server = webhook_reference::ReferenceServer::new();
//! let (addr, _task) = server.spawn("127.0.0.1:0").await.unwrap();
//! assert!(addr.port() > 0);
//! assert!(server.conversation("conv-1").is_none());
//! # });
//! ```
#![deny(missing_docs)]

mod auth;
mod respond;
mod routes;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

pub use respond::{respond, start_response};

/// The client id the token endpoint accepts by default.
pub const CLIENT_ID: &str = "reference-client";
/// The client secret the token endpoint accepts by default.
pub const CLIENT_SECRET: &str = "reference-secret";
/// The reference service's example bot ids and the state each reports.
pub const EXAMPLE_BOTS: [(&str, &str); 4] = [
    ("5809777a-e548-4bd2-bc5f-a1003c132a28", "online"),
    ("36d5de7f-6c83-41ba-836d-28ca1062c1ef", "offline"),
    ("42773157-adcf-4ec1-a2ae-9b935d80cb81", "error"),
    ("bfb807d6-f6d8-11ec-b939-0242ac120002", "maintenance"),
];
/// The environments the reference service knows.
pub const ENVIRONMENTS: [&str; 3] = ["production", "alpha", "draft"];

/// A conversation as the service stored it from the create call, with the
/// events it received.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredConversation {
    /// The `sdes` of the create call.
    pub sdes: Value,
    /// The `context` of the create call.
    pub context: Value,
    /// Every event body received, in order.
    pub events: Vec<Value>,
}

#[derive(Debug, Default)]
struct State {
    conversations: HashMap<String, StoredConversation>,
    tokens_issued: u32,
}

/// The reference server: its settings and what it received. Cheap to clone
/// (shared state).
#[derive(Debug, Clone)]
pub struct ReferenceServer {
    bots: Arc<HashMap<String, String>>,
    client_id: Arc<str>,
    client_secret: Arc<str>,
    state: Arc<Mutex<State>>,
}

impl Default for ReferenceServer {
    fn default() -> Self {
        Self::new()
    }
}

impl ReferenceServer {
    /// A server with the example bots and the default client credentials.
    #[must_use]
    pub fn new() -> Self {
        Self {
            bots: Arc::new(
                EXAMPLE_BOTS
                    .iter()
                    .map(|(id, state)| ((*id).to_owned(), (*state).to_owned()))
                    .collect(),
            ),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            state: Arc::default(),
        }
    }

    /// The axum router of the contract.
    pub fn router(&self) -> axum::Router {
        routes::router(self.clone())
    }

    /// Serves on `addr` (`127.0.0.1:0` picks a free port) in a background task.
    ///
    /// # Errors
    ///
    /// When the address cannot be bound.
    pub async fn spawn(
        &self,
        addr: &str,
    ) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let router = self.router();
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "reference server stopped");
            }
        });
        Ok((local, task))
    }

    /// The stored conversation `id`, if it was created.
    #[must_use]
    pub fn conversation(&self, id: &str) -> Option<StoredConversation> {
        self.lock().conversations.get(id).cloned()
    }

    /// Forgets conversation `id` (as a service restart would), so the next
    /// event answers 404.
    pub fn forget(&self, id: &str) {
        self.lock().conversations.remove(id);
    }

    /// How many tokens the token endpoint issued.
    #[must_use]
    pub fn tokens_issued(&self) -> u32 {
        self.lock().tokens_issued
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
