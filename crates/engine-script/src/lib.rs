//! A local rule engine for LiveEngage bot connectors: no cloud, one TOML file.
//!
//! A script lists **intents** matched by keywords or regexes (case-insensitive),
//! a **welcome** answer and a **fallback**, each answering with any
//! [outputs](connector_core::Output) and at most one
//! [action](connector_core::Action) of the connector vocabulary. Regex named
//! captures become **conversation variables** that texts can show with
//! `{name}` templates. It is the embedded engine of the demo and a real option
//! for simple bots.
//!
//! The whole script is checked when it loads ([`ScriptEngine::from_toml_str`],
//! [`ScriptEngine::from_path`]): unknown keys, regexes that do not compile,
//! intents without triggers or answers, malformed structured content or quick
//! replies, and template variables nothing can set are [`ScriptError`]s naming
//! the intent and field. At run time the only failure is a template variable
//! without a value in the conversation ([`codes::UNSET_VARIABLE`]).
//!
//! # Examples
//!
//! ```
//! use connector_core::{
//!     Action, BotEngine, ChannelType, ConversationContext, EngineSession, EventKind,
//!     InboundEvent, Output,
//! };
//! use engine_script::ScriptEngine;
//!
//! let engine = ScriptEngine::from_toml_str(r#"
//!     [welcome]
//!     outputs = [{ type = "text", text = "Hi! Ask me about an order." }]
//!
//!     [fallback]
//!     outputs = [{ type = "text", text = "Sorry, I can only help with orders." }]
//!
//!     [[intents]]
//!     name = "order_status"
//!     regex = ['order\s*#?(?P<order_id>\d{6})']
//!     outputs = [{ type = "text", text = "Order {order_id} ships tomorrow." }]
//!
//!     [[intents]]
//!     name = "agent"
//!     keywords = ["agent", "human"]
//!     outputs = [{ type = "text", text = "Transferring you now." }]
//!     action = { type = "transfer", skill = "human-agents" }
//! "#)?;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let ctx = ConversationContext::new("bot-1".into(), "conv-1".into(), ChannelType::Messaging);
//! let mut session = EngineSession::default();
//! let text = |t: &str| InboundEvent::new(
//!     ctx.clone(),
//!     EventKind::ConsumerText { text: t.into(), metadata: vec![] },
//! );
//!
//! let reply = engine.handle(&text("Where is ORDER #123456?"), &mut session).await.unwrap();
//! let reply = reply.validate(ChannelType::Messaging).unwrap();
//! assert_eq!(reply.outputs(), &[Output::text("Order 123456 ships tomorrow.")]);
//!
//! let reply = engine.handle(&text("I want a human please"), &mut session).await.unwrap();
//! assert_eq!(reply.actions, vec![Action::transfer("human-agents")]);
//! # });
//! # Ok::<(), engine_script::ScriptError>(())
//! ```
//!
//! # Script reference
//!
//! The same reference is in `docs/engines/script.md`.
//!
#![doc = include_str!("reference.md")]
#![deny(missing_docs)]

mod action;
mod compile;
mod config;
mod engine;
mod error;
mod matcher;
mod output;
mod rich;
mod template;
mod vars;

pub use engine::ScriptEngine;
pub use error::{ScriptError, codes};

/// The welcome text of a script without a `[welcome]` table.
pub const DEFAULT_WELCOME: &str = compile::DEFAULT_WELCOME;
/// The fallback text of a script without a `[fallback]` table.
pub const DEFAULT_FALLBACK: &str = compile::DEFAULT_FALLBACK;
/// The built-in template variables (see the reference above).
pub const BUILTIN_VARIABLES: &[&str] = vars::BUILTINS;
/// The [`EngineSession`](connector_core::EngineSession) key under which the
/// engine keeps captured variables (a JSON object of strings).
pub const SESSION_KEY: &str = vars::SESSION_KEY;
