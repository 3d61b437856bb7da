//! [`ChatChannel`]: the `ConversationChannel` over the Chat Agent API.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use connector_core::{
    Action, ChannelError, ChannelEvent, ChannelStatus, ChannelType, ConversationChannel,
    ConversationContext, ErrorCode, Output,
};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::api::Api;
use crate::config::ChatConfig;
use crate::error::ChatError;
use crate::inactivity::InactivityTimers;
use crate::state::State;
use crate::stats::{Stats, TransportStats};
use crate::token::TokenSource;

pub(crate) struct Shared {
    pub config: ChatConfig,
    pub api: Api,
    pub tx: mpsc::UnboundedSender<ChannelEvent>,
    pub state: Mutex<State>,
    pub stats: Arc<Stats>,
    pub stop: watch::Sender<bool>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn emit(&self, event: ChannelEvent) {
        // The receiver lives as long as the channel; a send after it is gone is moot.
        let _ = self.tx.send(event);
    }

    pub(crate) fn status(&self, connected: bool, code: ErrorCode, message: String) {
        let mut state = self.lock();
        if state.connected == Some(connected) {
            return;
        }
        state.connected = Some(connected);
        drop(state);
        if connected {
            tracing::info!(bot = %self.config.bot_id, "chat agent session ready");
            self.emit(ChannelEvent::Status(ChannelStatus::Connected));
        } else {
            tracing::warn!(bot = %self.config.bot_id, %code, "chat transport interrupted: {message}");
            self.emit(ChannelEvent::Status(ChannelStatus::Interrupted {
                code,
                message,
            }));
        }
    }
}

/// A [`ConversationChannel`] over the LiveEngage Chat Agent REST API.
///
/// Start it with [`ChatChannel::start`]; it logs in, creates the agent
/// session, goes Online and polls in a background task until
/// [`shutdown`](ConversationChannel::shutdown).
pub struct ChatChannel {
    shared: Arc<Shared>,
    rx: tokio::sync::Mutex<mpsc::UnboundedReceiver<ChannelEvent>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for ChatChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatChannel")
            .field("bot_id", &self.shared.config.bot_id)
            .field("account_id", &self.shared.config.account_id)
            .finish_non_exhaustive()
    }
}

impl ChatChannel {
    /// Starts the transport: the first event is
    /// `Status(Connected)` once the agent session is Online.
    ///
    /// Must be called within a tokio runtime. The configuration should be
    /// [validated](ChatConfig::validate) first.
    ///
    /// # Errors
    ///
    /// [`ChatError::Setup`] when no HTTP client was given and none can be
    /// built on the configured trust.
    pub fn start(config: ChatConfig, tokens: Arc<dyn TokenSource>) -> Result<Arc<Self>, ChatError> {
        let (tx, rx) = mpsc::unbounded_channel();
        let (stop, stop_rx) = watch::channel(false);
        let stats = Arc::new(Stats::default());
        let client = match config.http_client.clone() {
            Some(client) => client,
            None => config
                .trust
                .http_client_builder()
                .build()
                .map_err(|e| ChatError::Setup {
                    message: format!("cannot build the HTTP client: {e}"),
                })?,
        };
        let api = Api::new(
            client,
            &config.base,
            &config.account_id,
            tokens,
            config.settings.request_timeout,
            config.retry.clone(),
            stop_rx,
            Arc::clone(&stats),
        );
        let state = State {
            session: None,
            chats: std::collections::HashMap::new(),
            timers: InactivityTimers::new(config.settings.inactivity.clone()),
            own_skills: Vec::new(),
            connected: None,
        };
        let shared = Arc::new(Shared {
            config,
            api,
            tx,
            state: Mutex::new(state),
            stats,
            stop,
        });
        let task = tokio::spawn(crate::poller::supervise(Arc::clone(&shared)));
        Ok(Arc::new(Self {
            shared,
            rx: tokio::sync::Mutex::new(rx),
            task: Mutex::new(Some(task)),
        }))
    }

    /// What the transport has done so far.
    #[must_use]
    pub fn stats(&self) -> TransportStats {
        self.shared.stats.snapshot()
    }

    /// The ids of the chats the bot holds now.
    #[must_use]
    pub fn open_chats(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.shared.lock().chats.keys().cloned().collect();
        ids.sort();
        ids
    }
}

#[async_trait]
impl ConversationChannel for ChatChannel {
    fn channel_type(&self) -> ChannelType {
        ChannelType::Chat
    }

    async fn next_event(&self) -> Option<ChannelEvent> {
        if *self.shared.stop.borrow() {
            return None;
        }
        let mut rx = self.rx.lock().await;
        let mut stop = self.shared.stop.subscribe();
        tokio::select! {
            event = rx.recv() => event,
            _ = stop.wait_for(|s| *s) => None,
        }
    }

    async fn send(
        &self,
        context: &ConversationContext,
        output: &Output,
    ) -> Result<(), ChannelError> {
        crate::outbound::send(&self.shared, context, output).await
    }

    async fn set_typing(
        &self,
        context: &ConversationContext,
        typing: bool,
    ) -> Result<(), ChannelError> {
        crate::outbound::typing(&self.shared, context, typing).await
    }

    async fn execute(
        &self,
        context: &ConversationContext,
        action: &Action,
    ) -> Result<(), ChannelError> {
        crate::outbound::execute(&self.shared, context, action).await
    }

    async fn shutdown(&self) -> Result<(), ChannelError> {
        let _ = self.shared.stop.send(true);
        let task = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
        crate::session::sign_off(&self.shared).await;
        Ok(())
    }
}
