//! A faithful local LiveEngage, so connectors, demos and tests run against
//! the documented wire formats on 127.0.0.1 without a LivePerson account.
//!
//! One listener (plain HTTP/WS for tests, or TLS with a CA generated at
//! start) serves:
//!
//! | what | paths |
//! |---|---|
//! | CSDS (every service points at the listener) | `GET /api/account/{a}/service/baseURI.json`, `GET /csdr/account/{a}/service/baseURI.json`, `GET /{api,csdr}/account/{a}/service/{service}/baseURI.json` |
//! | Login Service | `POST /api/account/{a}/login` (user/password, API key fields, or an OAuth 1.0 HMAC-SHA1 `Authorization` header), `POST …/refresh`, `POST …/logout` (csrf + `Session_id` cookie) |
//! | agent UMS socket | `GET /ws_api/account/{a}/messaging/brand/{bearer}` |
//! | consumer IdP and socket | `POST /api/account/{a}/signup`, `GET /ws_api/account/{a}/messaging/consumer` |
//! | Chat Agent API | `/api/account/{a}/agentSession…` (`.json` suffixes and `X-HTTP-Method-Override` honoured) |
//! | chat visitor (emulator only) | `POST /sim/account/{a}/chats`, `POST …/chats/{c}/lines`, `POST …/chats/{c}/end`, `GET …/chats/{c}/events` |
//! | faults and inspection (emulator only) | `POST /sim/admin/faults`, `GET /sim/admin/transcripts`, `GET /sim/admin/transcripts/{id}` |
//!
//! Messaging covers the bot life cycle: agent state, subscriptions, rings for
//! conversations routed to the bot's skills, accept, history, publish, read
//! receipts, typing, transfer to skill and to agent, TTR, close with and
//! without post-conversation survey, per-dialog sequences, every event
//! echoed to all participants. Malformed input gets an error answer.
//!
//! Dependencies: `axum` (HTTP and WebSocket server) on `tokio`; `rustls`,
//! `tokio-rustls` and `rcgen` (TLS with a generated CA); `hmac` and `sha1`
//! (OAuth 1.0 signatures); `tokio-tungstenite` (the consumer test client);
//! `liveengage-proto` (every wire type); `toml` and `humantime-serde`
//! (configuration); `uuid`, `base64`, `percent-encoding`; `tracing` (logs).
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//! use liveengage_sim::Sim;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), liveengage_sim::SimError> {
//! let sim = Sim::builder().start().await?;
//! assert!(sim.csds_url().starts_with("http://127.0.0.1:"));
//!
//! // Play the customer: open a conversation on the default (bot) skill.
//! let mut consumer = sim.consumer().await?;
//! let conversation = consumer.open_conversation(None).await?;
//! consumer.send_text("hello").await?;
//!
//! // Inspect what happened.
//! let transcript = sim.transcript(&conversation).expect("known conversation");
//! assert_eq!(transcript.texts()[0].1, "hello");
//! assert_eq!(transcript.sequences(), vec![0]);
//!
//! // Faults are switches.
//! sim.faults().delay_responses(Duration::from_millis(5));
//! sim.faults().clear();
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod agent_clock;
mod chat_model;
pub mod client;
mod config;
mod conversation;
mod error;
mod faults;
mod fields;
mod http;
mod messaging;
pub mod oauth;
mod routing;
mod server;
mod state;
mod tls;
mod transcript;
mod ws;

pub use client::{ConsumerClient, HttpReply};
pub use config::{ApiKeyConfig, SimConfig, SkillConfig, UserConfig};
pub use error::SimError;
pub use faults::{FaultCommand, Faults, MALFORMED_FRAME, Sockets};
pub use server::{Sim, SimBuilder, SimHandle};
pub use transcript::{Actor, Entry, Transcript};
