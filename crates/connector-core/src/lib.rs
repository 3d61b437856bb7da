//! The vocabulary of LiveEngage bot connectors.
//!
//! A bot connector puts an AI bot into a LivePerson LiveEngage contact center as
//! if it were a human agent. This crate holds what every part shares, and
//! nothing else (no async runtime, no HTTP), so an engine crate written against
//! it alone compiles in seconds:
//!
//! - ids ([`ConversationId`], [`SkillId`], ...) and the [`ConversationContext`];
//! - [`InboundEvent`]s: welcome, consumer text, file, rich content, close;
//! - the [`BotReply`]: [`Output`]s in order plus at most one [`Action`], and its
//!   [validation](BotReply::validate) with LivePerson's rules and error codes;
//! - typed structured content in [`rich`];
//! - the three traits: [`BotEngine`] (an AI engine), [`ConversationChannel`]
//!   (a LiveEngage transport) and [`EscalationPolicy`] (what to do on failure),
//!   with the default policy [`ErrorHandling`];
//! - [`Secret`] for credentials and [`ErrorCode`] for stable error codes.
//!
//! Dependencies: `serde`/`serde_json` (every payload is JSON), `async-trait`
//! (object-safe async traits, so engines can be chosen at run time as
//! `Arc<dyn BotEngine>`), `thiserror` (error enums) and `url` (link and image
//! URLs in structured content).
//!
//! # Examples
//!
//! A complete engine:
//!
//! ```
//! use async_trait::async_trait;
//! use connector_core::{
//!     Action, BotEngine, BotReply, ChannelType, ConversationContext, EngineError, EngineSession,
//!     EventKind, InboundEvent, Output,
//! };
//!
//! struct Echo;
//!
//! #[async_trait]
//! impl BotEngine for Echo {
//!     fn vendor(&self) -> &str {
//!         "echo"
//!     }
//!
//!     async fn handle(&self, event: &InboundEvent, session: &mut EngineSession)
//!         -> Result<BotReply, EngineError>
//!     {
//!         let turns = session.get::<u32>("turns").unwrap_or(0) + 1;
//!         session.set("turns", &turns);
//!         Ok(match event.kind.utterance() {
//!             Some("bye") => BotReply::new().with_text("Goodbye!").with_action(Action::close()),
//!             Some(text) => BotReply::new().with_text(format!("#{turns}: {text}")),
//!             None => BotReply::new().with_text("Hello!"),
//!         })
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let ctx = ConversationContext::new("bot-1".into(), "conv-1".into(), ChannelType::Messaging);
//! let event = InboundEvent::new(ctx, EventKind::ConsumerText { text: "hi".into(), metadata: vec![] });
//! let mut session = EngineSession::default();
//! let reply = Echo.handle(&event, &mut session).await.unwrap();
//! let reply = reply.validate(ChannelType::Messaging).unwrap();
//! assert_eq!(reply.outputs(), &[Output::text("#1: hi")]);
//! # });
//! ```
#![deny(missing_docs)]

mod action;
mod channel;
mod context;
mod engine;
mod error_code;
mod escalation;
mod event;
mod ids;
mod output;
mod reply;
pub mod rich;
mod secret;

pub use action::{Action, FunctionInvocation, Ttr};
pub use channel::{ChannelError, ChannelEvent, ChannelStatus, ConversationChannel, panic_message};
pub use context::{ChannelType, ConsumerInfo, ConversationContext, EngagementAttributes, Skill};
pub use engine::{BotEngine, EngineError, EngineSession};
pub use error_code::{ErrorCode, LIVEPERSON_PREFIX, codes};
pub use escalation::{Decision, ErrorHandling, Escalation, EscalationPolicy, Failure, FailureKind};
pub use event::{EventKind, InboundEvent, SEND_FILE_IDENTIFIER, SEND_RICH_CONTENT_IDENTIFIER};
pub use ids::{AgentId, BotId, ConsumerId, ConversationId, DialogId, SkillId};
pub use output::{Audience, Delay, Output, QuickRepliesMessage, StructuredMessage, TextMessage};
pub use reply::{
    BotReply, MAX_ENCODED_METADATA_BYTES, MAX_STRUCTURED_CONTENT_BYTES, ReplyError, ValidatedReply,
    is_base64,
};
pub use secret::Secret;
