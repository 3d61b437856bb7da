//! Drives one LiveEngage bot: a [`Connector`] takes events from a
//! [`ConversationChannel`](connector_core::ConversationChannel), runs them
//! through a [`BotEngine`](connector_core::BotEngine), plays the replies and
//! routes every failure through an
//! [`EscalationPolicy`](connector_core::EscalationPolicy).
//!
//! What the runtime owns:
//!
//! | Concern | Behaviour |
//! |---|---|
//! | Ordering | one turn at a time per conversation, in arrival order; conversations run concurrently up to [`ConnectorConfig::max_concurrent_turns`] |
//! | Engine calls | timeout ([`ConnectorConfig::engine_timeout`]); transient failures retried as the policy says; the session saved only after success |
//! | Replies | validated with LivePerson's rules; outputs in order with real delays and typing on/off; the action last |
//! | Welcome event | chat: always; messaging: when [`ConnectorConfig::messaging_welcome`] is on (new and transferred conversations) |
//! | Combine messages | optional, messaging only ([`CombineMessages`]) |
//! | Spam guard | more than 4 consumer messages in 2 s are held back ([`SpamGuard`]) |
//! | Open-conversation limit | 999 by default; new conversations beyond it are escalated |
//! | Bot status | Online, Offline, Vendor Interruption, Service Interruption ([`BotStatus`]) |
//! | Sessions | behind [`SessionStore`], in memory by default, dropped when a conversation leaves the bot |
//! | Functions | [`FunctionInvoker`]: fire-and-forget unless `failOnError` |
//! | Shutdown | [`ConnectorHandle::shutdown`]: stop taking events, finish those taken, shut the channel |
//!
//! Dependencies: `tokio` (tasks, timers, channels), `tokio-util` (task tracking
//! and cancellation for graceful shutdown) and `tracing` (logs carry
//! `bot_id` and `conversation_id`).
//!
//! # Examples
//!
//! A bot on the in-memory channel:
//!
//! ```
//! use std::sync::Arc;
//! use async_trait::async_trait;
//! use connector_core::{BotEngine, BotReply, ChannelType, EngineError, EngineSession, ErrorHandling, InboundEvent};
//! use connector_runtime::{Connector, ConnectorConfig, MemoryChannel};
//!
//! struct Hello;
//!
//! #[async_trait]
//! impl BotEngine for Hello {
//!     fn vendor(&self) -> &str { "hello" }
//!     async fn handle(&self, _: &InboundEvent, _: &mut EngineSession) -> Result<BotReply, EngineError> {
//!         Ok(BotReply::new().with_text("Hello!"))
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let (channel, test) = MemoryChannel::new(ChannelType::Messaging, "bot-1");
//! let connector = Connector::builder(
//!     ConnectorConfig::new("bot-1"),
//!     channel,
//!     Arc::new(Hello),
//!     Arc::new(ErrorHandling::new("human-agents")),
//! )
//! .build();
//! let handle = connector.handle();
//! let running = tokio::spawn(connector.run());
//!
//! test.text("conv-1", "hi");
//! test.wait_for("conv-1", 1).await;
//! assert_eq!(test.texts("conv-1"), ["Hello!"]);
//!
//! handle.shutdown();
//! running.await.unwrap().unwrap();
//! # });
//! ```
#![deny(missing_docs)]

mod config;
mod connector;
mod error;
mod escalate;
mod function;
mod invoke;
mod memory_channel;
mod metrics;
mod session;
mod shared;
mod spam;
mod status;
mod turn;
mod worker;

pub use config::{CombineMessages, ConnectorConfig, DEFAULT_MAX_OPEN_CONVERSATIONS, SpamGuard};
pub use connector::{Connector, ConnectorBuilder, ConnectorHandle};
pub use error::RuntimeError;
pub use function::{FunctionError, FunctionInvoker};
pub use memory_channel::{MemoryChannel, MemoryChannelHandle, Record, Recorded};
pub use metrics::{ConnectorMetrics, ConversationError, ERROR_LOG_CAPACITY, MetricsSnapshot};
pub use session::{InMemorySessionStore, SessionStore, StoreError};
pub use status::{BotStatus, StatusEvent};

/// The vocabulary, re-exported so users of the runtime need not name `connector-core`.
pub use connector_core;
