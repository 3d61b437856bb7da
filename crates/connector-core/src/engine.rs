//! The `BotEngine` trait, its per-conversation session state and its error type.

use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error_code::ErrorCode;
use crate::event::InboundEvent;
use crate::reply::BotReply;

/// An AI engine: turns one inbound event into a bot reply.
///
/// # Contract
///
/// - **Stateless per call.** Everything the engine must remember about a
///   conversation between turns (a Watson context, a Lex session, whether a
///   webhook conversation was created) goes into the [`EngineSession`] it is
///   handed. The runtime stores the session after each call and hands it back on
///   the next event of the same conversation, so sessions can live in a shared
///   store. It is dropped when the conversation closes.
/// - **One call at a time per conversation.** The runtime never calls `handle`
///   concurrently for the same conversation; different conversations run
///   concurrently, so implementations must be `Send + Sync`.
/// - **Events.** Welcome (`ConversationStarted`), consumer text, file and rich
///   content, and `ConversationClosed`. The reply to `ConversationClosed` is
///   ignored; return an empty [`BotReply`] unless the vendor must be told.
/// - **Errors say what to do.** Return [`EngineError::Transient`] only when a
///   retry may succeed (timeouts, 429, 5xx); the escalation policy retries those
///   and escalates the rest. The runtime applies its own timeout around `handle`.
/// - The runtime validates the reply ([`BotReply::validate`]); engines report
///   every action their vendor named and let validation reject more than one.
#[async_trait]
pub trait BotEngine: Send + Sync {
    /// A short vendor name for logs, metrics and error codes (`script`, `watson`, ...).
    fn vendor(&self) -> &str;

    /// Handles one event of a conversation.
    ///
    /// # Errors
    ///
    /// An [`EngineError`] when the vendor call fails or its answer cannot be read.
    async fn handle(
        &self,
        event: &InboundEvent,
        session: &mut EngineSession,
    ) -> Result<BotReply, EngineError>;

    /// Checks that the engine is reachable and its credentials work (the
    /// dashboard's "Test Connection"). The default does nothing and succeeds.
    ///
    /// # Errors
    ///
    /// An [`EngineError`] describing why the engine cannot be used.
    async fn test_connection(&self) -> Result<(), EngineError> {
        Ok(())
    }
}

/// Per-conversation engine state: a JSON object, so any store can keep it.
///
/// # Examples
///
/// ```
/// use connector_core::EngineSession;
/// let mut session = EngineSession::default();
/// session.set("turns", &3u32);
/// assert_eq!(session.get::<u32>("turns"), Some(3));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EngineSession(Map<String, Value>);

impl EngineSession {
    /// The value under `key`, if present and of type `T`.
    #[must_use]
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.0
            .get(key)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// The raw JSON under `key`.
    #[must_use]
    pub fn get_json(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// Stores `value` under `key`. A value that cannot be represented as JSON
    /// (a map with non-string keys) is stored as `null`.
    pub fn set<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        let json = serde_json::to_value(value).unwrap_or(Value::Null);
        self.0.insert(key.to_owned(), json);
    }

    /// Removes `key`, returning its JSON.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.0.remove(key)
    }

    /// Whether the session holds nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why an engine call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// A failure a retry may fix: timeout, rate limit, server error, lost connection.
    #[error("{code}: {message} (transient; the connector retries, then escalates)")]
    Transient {
        /// The stable code, e.g. `engine.watson.send-query`.
        code: ErrorCode,
        /// What happened.
        message: String,
        /// How long the vendor asked us to wait, if it said.
        retry_after: Option<Duration>,
    },
    /// The vendor rejected the credentials.
    #[error("{code}: {message}; check the engine credentials in the bot configuration")]
    Unauthorized {
        /// The stable code.
        code: ErrorCode,
        /// What the vendor said.
        message: String,
    },
    /// The vendor answered with something that cannot be turned into a reply.
    #[error("{code}: the engine's answer could not be read: {message}")]
    InvalidResponse {
        /// The stable code, e.g. `engine.dialogflow.parse-message`.
        code: ErrorCode,
        /// What is wrong with it.
        message: String,
        /// The raw body, for the conversation errors log.
        body: String,
    },
    /// Any other failure a retry will not fix (4xx, bad configuration).
    #[error("{code}: {message}")]
    Permanent {
        /// The stable code.
        code: ErrorCode,
        /// What happened and what to do.
        message: String,
    },
}

impl EngineError {
    /// A transient failure.
    #[must_use]
    pub fn transient(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Transient {
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// A permanent failure.
    #[must_use]
    pub fn permanent(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Permanent {
            code,
            message: message.into(),
        }
    }

    /// The stable error code.
    #[must_use]
    pub fn code(&self) -> &ErrorCode {
        match self {
            Self::Transient { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::InvalidResponse { code, .. }
            | Self::Permanent { code, .. } => code,
        }
    }

    /// Whether a retry may succeed.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient { .. })
    }

    /// The wait the vendor asked for, if any.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Transient { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}
