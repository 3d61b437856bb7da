//! The LiveEngage **messaging** transport: a
//! [`ConversationChannel`](connector_core::ConversationChannel) over the UMS
//! agent WebSocket, for `connector-runtime`.
//!
//! What it does:
//!
//! - start-up: agent state ONLINE, subscriptions to the bot's open
//!   conversations and to routing tasks, rings accepted, history loaded for
//!   every conversation the bot holds (after a restart it picks up where it was);
//! - inbound: consumer text, files and rich content as core events with their
//!   context (skill, consumer, `lpEvent`), and the welcome event for new and
//!   transferred conversations (with the last consumer message);
//! - outbound: text, private text, structured content with metadata and
//!   encoded metadata, quick replies, read receipts, typing on/off, transfer to
//!   skill (name resolved to id) and to agent, TTR, close with and without survey;
//! - keep-alive: WebSocket ping and `GetClock`; a silent socket counts as dead;
//! - reconnection with backoff and jitter, a fresh login after 4401/4407/1011,
//!   and recovery of every consumer message that arrived while disconnected,
//!   **exactly once** (deduplicated by dialog and sequence);
//! - request/response correlation with per-request timeouts; a failed request
//!   says whether it may nevertheless have happened.
//!
//! Logging in: `liveengage_auth::Authenticator` implements [`BearerProvider`]
//! (login, refresh, one re-login for many stale sockets), and [`socket_base`]
//! finds the socket domain through CSDS.
//!
//! Dependencies: `tokio-tungstenite` (WebSocket client, rustls for `wss://`),
//! `liveengage-auth` (Login Service),
//! `liveengage-proto` (every wire type), `tokio`, `futures`,
//! `tracing`.
//!
//! # Examples
//!
//! ```no_run
//! use std::sync::Arc;
//! use async_trait::async_trait;
//! use connector_core::Secret;
//! use liveengage_messaging::{AgentLogin, BearerProvider, LoginError, MessagingChannel, MessagingConfig};
//!
//! struct FixedToken;
//!
//! #[async_trait]
//! impl BearerProvider for FixedToken {
//!     async fn login(&self, _relogin: bool) -> Result<AgentLogin, LoginError> {
//!         Ok(AgentLogin { bearer: Secret::new("token"), user_id: "1234567890".into() })
//!     }
//! }
//!
//! # #[tokio::main] async fn main() {
//! let config = MessagingConfig::new("bot-1", "12345678", "wss://va.msg.liveperson.net".parse().unwrap())
//!     .with_skill("human-agents", "1251428632");
//! let channel = MessagingChannel::start(config, Arc::new(FixedToken));
//! // Hand `channel` to `connector_runtime::Connector::builder`.
//! # drop(channel); }
//! ```
#![deny(missing_docs)]

mod auth;
mod channel;
pub mod codes;
mod config;
mod connection;
mod inner;
mod login_service;
mod mapping;
mod socket;
mod state;

pub use auth::{AgentLogin, BearerProvider, LoginError};
pub use channel::{MessagingChannel, TransportStats};
pub use config::{MessagingConfig, TurnObserver};
pub use connector_core;
pub use connector_http::{Roots, Trust};
pub use login_service::{SOCKET_SERVICE, socket_base};
