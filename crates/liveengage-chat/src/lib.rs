//! The LiveEngage **chat** transport: a
//! [`ConversationChannel`](connector_core::ConversationChannel) over the Chat
//! Agent REST API, for `connector-runtime`.
//!
//! What it does:
//!
//! - creates the agent session and sets it Online; re-creates it when
//!   LiveEngage loses it; logs in again when the bearer expires (401);
//! - polls incoming requests and takes ringing chats up to the bot's chat
//!   slots ([`ChatSettings::max_chats`]); a chat whose take answer was lost is
//!   found again through `chatSessions`;
//! - follows each chat's events by their `from` positions (the `next` links):
//!   every visitor line reaches the runtime **once**, none is lost when a poll
//!   fails (it is read again from the same position);
//! - starts every chat with the welcome event (`ConversationStarted`), carrying
//!   the chat's context: skill, visitor, and `lpEvent` in the chat line format
//!   with `isWelcomeEvent: true`;
//! - posts lines (text, private text as `ONLY_TO_REP`, structured content as
//!   `rich-content`) **once**: after a lost answer it reads the chat's history
//!   before posting again; transfers to a skill (name → id) or agent; ends chats;
//! - reports what chat cannot do as [`ChannelError::NotSupported`](connector_core::ChannelError::NotSupported):
//!   quick replies, encoded metadata, TTR; a transfer to a skill without an
//!   available agent fails with `connector.chat.transfer-to-skill`, as
//!   LivePerson documents, so the runtime's escalation sends the transfer
//!   failure message;
//! - plays the chat **inactivity** settings ([`InactivitySettings`]): a
//!   warning after some consumer silence, the close message and the end of the
//!   chat after more. The timers live here, not in `connector-runtime`
//!   (see [`InactivityTimers`] for why);
//! - retries 5xx, 429 and lost or slow answers with LivePerson's shared
//!   [`RetryPolicy`](liveengage_auth::retry::RetryPolicy); polls adaptively
//!   ([`PollingSettings`]): fast while chats are open, backing off when idle.
//!
//! Error codes are in [`codes`]; [`TransportStats`] counts what happened.
//!
//! Dependencies: `reqwest` (the HTTP client, shared with `liveengage-auth`),
//! `liveengage-auth` (login, CSDS, the retry policy), `liveengage-proto` (every
//! wire type), `connector-core` (the trait), `tokio` and `futures` (the polling
//! task), `serde`/`humantime-serde` (settings from TOML), `thiserror`, `tracing`.
//!
//! # Examples
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//! use liveengage_auth::{AuthConfig, Authenticator, Credentials};
//! use liveengage_chat::{ChatChannel, ChatConfig, InactivitySettings, chat_base};
//!
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = Arc::new(Authenticator::new(AuthConfig::new(
//!     "12345678",
//!     Credentials::user_password("chat-bot", "secret"),
//! ))?);
//! let config = ChatConfig::new("bot-1", "12345678", chat_base(&auth).await?)
//!     .with_http_client(auth.http_client().clone())
//!     .with_max_chats(20)
//!     .with_skill("human-agents", "1251428632")
//!     .with_inactivity(
//!         InactivitySettings::default()
//!             .warn(Duration::from_secs(180), "Are you still there?")
//!             .close(Duration::from_secs(300), "I'm closing this chat. Come back any time!"),
//!     );
//! config.validate()?;
//! auth.spawn_keep_alive();
//! let channel = ChatChannel::start(config, auth)?;
//! // Hand `channel` to `connector_runtime::Connector::builder`.
//! # drop(channel); Ok(()) }
//! ```
#![deny(missing_docs)]

mod api;
mod channel;
pub mod codes;
mod config;
mod error;
mod inactivity;
mod mapping;
mod outbound;
mod pacing;
mod poller;
mod session;
mod state;
mod stats;
mod token;

pub use channel::ChatChannel;
pub use config::{ChatConfig, ChatSettings, InactivitySettings, PollingSettings};
pub use connector_core;
pub use connector_http::{Roots, Trust};
pub use error::ChatError;
pub use inactivity::{InactivityAction, InactivityTimers};
pub use pacing::PollPacer;
pub use stats::TransportStats;
pub use token::{CHAT_SERVICE, TokenSource, chat_base};
