//! Where engine session state lives between turns.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use connector_core::{BotId, ConversationId, EngineSession};

/// Why a session store operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be reached or refused the operation.
    #[error("session store failed: {0}; check the store's connection")]
    Unavailable(String),
}

/// Engine session state per conversation.
///
/// The runtime loads a conversation's session before each engine call, saves
/// it after a successful call, and removes it when the conversation leaves the
/// bot (closed or transferred). Implement it over a shared store (Redis, SQL)
/// to let several connector processes share conversations.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// The session of a conversation; `None` when there is none yet.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store fails.
    async fn load(
        &self,
        bot: &BotId,
        conversation: &ConversationId,
    ) -> Result<Option<EngineSession>, StoreError>;

    /// Saves a conversation's session.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store fails.
    async fn save(
        &self,
        bot: &BotId,
        conversation: &ConversationId,
        session: &EngineSession,
    ) -> Result<(), StoreError>;

    /// Drops a conversation's session.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store fails.
    async fn remove(&self, bot: &BotId, conversation: &ConversationId) -> Result<(), StoreError>;
}

/// The default store: a map in memory, lost when the process ends.
#[derive(Debug, Default)]
pub struct InMemorySessionStore {
    sessions: Mutex<HashMap<(BotId, ConversationId), EngineSession>>,
}

impl InMemorySessionStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many sessions the store holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.sessions.lock().map_or(0, |s| s.len())
    }

    /// Whether the store holds no session.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn poisoned() -> StoreError {
    StoreError::Unavailable("the in-memory store's lock is poisoned".into())
}

#[async_trait]
impl SessionStore for InMemorySessionStore {
    async fn load(
        &self,
        bot: &BotId,
        conversation: &ConversationId,
    ) -> Result<Option<EngineSession>, StoreError> {
        let sessions = self.sessions.lock().map_err(|_| poisoned())?;
        Ok(sessions.get(&(bot.clone(), conversation.clone())).cloned())
    }

    async fn save(
        &self,
        bot: &BotId,
        conversation: &ConversationId,
        session: &EngineSession,
    ) -> Result<(), StoreError> {
        let mut sessions = self.sessions.lock().map_err(|_| poisoned())?;
        sessions.insert((bot.clone(), conversation.clone()), session.clone());
        Ok(())
    }

    async fn remove(&self, bot: &BotId, conversation: &ConversationId) -> Result<(), StoreError> {
        let mut sessions = self.sessions.lock().map_err(|_| poisoned())?;
        sessions.remove(&(bot.clone(), conversation.clone()));
        Ok(())
    }
}
