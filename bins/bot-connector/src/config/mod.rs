//! The configuration: the file `bot-connector run --config` reads, and the
//! bot definitions the management API stores.
//!
//! One pipeline serves both: a raw tree (TOML converted to JSON, or the API's
//! JSON) gets its `${ENV}` references substituted, is deserialized with the
//! path of the first bad key, then validated as a whole so every semantic
//! error is reported with its key path at once.

mod bot;
mod engine;
mod engine_defaults;
mod env;
mod error;
mod file;
mod validate;

pub use bot::{
    BotSpec, CombineSpec, ConversationSpec, FunctionSpec, LiveEngageSpec, LoginRetrySpec,
    LoginSpec, ReconnectSpec, RuntimeSpec,
};
pub use engine::{ENGINE_TYPES, EngineSpec, ScriptSpec, parse_engine};
pub use engine_defaults::webhook_turn_budget;
pub use env::substitute;
pub use error::{ConfigError, FieldError};
pub use file::{FileConfig, ServerSpec, TlsSpec, load_file, parse_file};
pub use validate::{parse_bot, validate_bot};
