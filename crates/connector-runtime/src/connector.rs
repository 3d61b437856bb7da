//! The `Connector`: one bot, driven from a channel through an engine.

use std::sync::Arc;

use connector_core::{
    BotEngine, ChannelEvent, ChannelStatus, ConversationChannel, EscalationPolicy, EventKind,
    Failure, FailureKind, InboundEvent, codes,
};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::config::ConnectorConfig;
use crate::error::RuntimeError;
use crate::escalate;
use crate::function::FunctionInvoker;
use crate::metrics::{ConnectorMetrics, Counter};
use crate::session::{InMemorySessionStore, SessionStore};
use crate::shared::{Conversation, Shared};
use crate::spam::SpamWindow;
use crate::status::{BotStatus, StatusEvent};
use crate::worker;

/// Drives one bot: takes events from a [`ConversationChannel`], runs them
/// through a [`BotEngine`], plays the replies, and routes every failure
/// through an [`EscalationPolicy`].
///
/// # Guarantees
///
/// - Events of one conversation are handled one at a time, in arrival order;
///   different conversations run concurrently, at most
///   [`ConnectorConfig::max_concurrent_turns`] at once.
/// - Outputs are played in order, delays included; the action comes last.
/// - Every failure reaches the escalation policy; if the escalation transfer
///   fails, the consumer gets the transfer-failure message.
/// - [`ConnectorHandle::shutdown`] stops taking events, finishes every event
///   already taken, shuts the channel down, and only then lets [`Connector::run`] return.
pub struct Connector {
    shared: Arc<Shared>,
    cancel: CancellationToken,
}

/// Builds a [`Connector`]. Only the configuration, channel, engine and policy
/// are required.
#[must_use]
pub struct ConnectorBuilder {
    config: ConnectorConfig,
    channel: Arc<dyn ConversationChannel>,
    engine: Arc<dyn BotEngine>,
    policy: Arc<dyn EscalationPolicy>,
    sessions: Option<Arc<dyn SessionStore>>,
    invoker: Option<Arc<dyn FunctionInvoker>>,
}

impl ConnectorBuilder {
    /// Stores engine sessions in `store` (default: [`InMemorySessionStore`]).
    pub fn session_store(mut self, store: Arc<dyn SessionStore>) -> Self {
        self.sessions = Some(store);
        self
    }

    /// Runs invoke-function actions with `invoker` (default: none, so such
    /// actions fail, and escalate when they set `failOnError`).
    pub fn function_invoker(mut self, invoker: Arc<dyn FunctionInvoker>) -> Self {
        self.invoker = Some(invoker);
        self
    }

    /// The connector.
    pub fn build(self) -> Connector {
        let sessions = self
            .sessions
            .unwrap_or_else(|| Arc::new(InMemorySessionStore::new()));
        Connector {
            shared: Arc::new(Shared::new(
                self.config,
                self.channel,
                self.engine,
                self.policy,
                sessions,
                self.invoker,
            )),
            cancel: CancellationToken::new(),
        }
    }
}

/// Observes and stops a running [`Connector`]. Cheap to clone.
#[derive(Clone)]
pub struct ConnectorHandle {
    shared: Arc<Shared>,
    cancel: CancellationToken,
}

impl ConnectorHandle {
    /// Asks the connector to stop: no new events are taken, events already
    /// taken are finished, then the channel is shut down.
    pub fn shutdown(&self) {
        self.cancel.cancel();
    }

    /// The bot status now.
    #[must_use]
    pub fn status(&self) -> BotStatus {
        self.shared.status.current()
    }

    /// A receiver that sees every status change.
    #[must_use]
    pub fn watch_status(&self) -> watch::Receiver<BotStatus> {
        self.shared.status.subscribe()
    }

    /// The status changes so far (at most the latest 200).
    #[must_use]
    pub fn status_history(&self) -> Vec<StatusEvent> {
        self.shared.status.history()
    }

    /// The bot's counters and conversation errors.
    #[must_use]
    pub fn metrics(&self) -> Arc<ConnectorMetrics> {
        Arc::clone(&self.shared.metrics)
    }
}

impl Connector {
    /// Starts building a connector for one bot.
    pub fn builder(
        config: ConnectorConfig,
        channel: Arc<dyn ConversationChannel>,
        engine: Arc<dyn BotEngine>,
        policy: Arc<dyn EscalationPolicy>,
    ) -> ConnectorBuilder {
        ConnectorBuilder {
            config,
            channel,
            engine,
            policy,
            sessions: None,
            invoker: None,
        }
    }

    /// A handle to observe and stop the connector.
    #[must_use]
    pub fn handle(&self) -> ConnectorHandle {
        ConnectorHandle {
            shared: Arc::clone(&self.shared),
            cancel: self.cancel.clone(),
        }
    }

    /// Runs the bot until [`ConnectorHandle::shutdown`] or until the channel
    /// ends. `ConversationChannel::next_event` must be cancel safe.
    ///
    /// # Errors
    ///
    /// [`RuntimeError::Shutdown`] when the channel failed to shut down cleanly;
    /// every turn has finished by then.
    pub async fn run(self) -> Result<(), RuntimeError> {
        let shared = self.shared;
        let span = tracing::info_span!("bot", bot_id = %shared.config.bot_id);
        async move {
            shared.status.set_running(true);
            let probe = shared
                .tracker
                .spawn(probe_vendor(Arc::clone(&shared), self.cancel.clone()));
            loop {
                let event = tokio::select! {
                    biased;
                    () = self.cancel.cancelled() => break,
                    event = shared.channel.next_event() => event,
                };
                match event {
                    None => break,
                    Some(ChannelEvent::Inbound(event)) => dispatch(&shared, event),
                    Some(ChannelEvent::Status(ChannelStatus::Connected)) => {
                        shared.status.channel_connected()
                    }
                    Some(ChannelEvent::Status(ChannelStatus::Interrupted { code, message })) => {
                        shared.status.channel_interrupted(code, message);
                    }
                    Some(_) => {}
                }
            }
            tracing::info!("stopping: finishing in-flight turns");
            self.cancel.cancel();
            shared.close_all();
            shared.tracker.close();
            shared.tracker.wait().await;
            drop(probe);
            let result = shared
                .channel
                .shutdown()
                .await
                .map_err(RuntimeError::Shutdown);
            shared.status.set_running(false);
            tracing::info!("stopped");
            result
        }
        .instrument(span)
        .await
    }
}

/// Routes an event to its conversation's worker, starting one for a new
/// conversation (unless a limit or a Vendor Interruption escalates it).
///
/// Events stay boxed on the way: a worker's queue allocates room for 32
/// events at a time, so with 10,000 open conversations an unboxed event
/// (a few hundred bytes) would cost about 10 KiB per conversation.
fn dispatch(shared: &Arc<Shared>, event: Box<InboundEvent>) {
    let conversation_id = event.context.conversation_id.clone();
    let now = tokio::time::Instant::now();
    let mut conversations = shared.conversations();
    let spam_guard = shared.config.spam_guard;
    if let Some(conversation) = conversations.get_mut(&conversation_id) {
        if let Some(guard) = &spam_guard
            && event.kind.is_consumer_message()
            && !conversation.spam.admit(guard, now)
        {
            shared.metrics.incr(Counter::SpamSuppressed);
            tracing::debug!(conversation_id = %conversation_id, "spam guard: message not sent to the engine");
            return;
        }
        if conversation.tx.send(event).is_ok() {
            return;
        }
        // The worker has just ended; the event belongs to a conversation the
        // bot no longer holds.
        return;
    }
    if matches!(event.kind, EventKind::ConversationClosed) {
        tracing::debug!(conversation_id = %conversation_id, "close of a conversation the bot does not hold");
        return;
    }
    shared.metrics.incr(Counter::Conversations);
    let refusal = if conversations.len() >= shared.config.max_open_conversations {
        Some(Failure::new(
            FailureKind::ConversationLimit,
            codes::MAX_CONV_LIMIT_REACHED,
            format!(
                "the bot has {} open conversations, its limit",
                shared.config.max_open_conversations
            ),
        ))
    } else if shared.status.vendor_interrupted() {
        Some(Failure::new(
            FailureKind::VendorUnavailable,
            codes::ENGINE_TIMEOUT,
            "the engine is unavailable (Vendor Interruption); escalating new conversations",
        ))
    } else {
        None
    };
    if let Some(failure) = refusal {
        drop(conversations);
        let shared = Arc::clone(shared);
        let span = tracing::info_span!("conversation", bot_id = %shared.config.bot_id, conversation_id = %conversation_id);
        shared.tracker.clone().spawn(
            async move {
                let ctx = &event.context;
                let decision = escalate::decide(&shared, ctx, &failure);
                escalate::perform(&shared, ctx, decision).await;
            }
            .instrument(span),
        );
        return;
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let mut spam = SpamWindow::default();
    if let Some(guard) = &spam_guard
        && event.kind.is_consumer_message()
    {
        spam.admit(guard, now);
    }
    let _ = tx.send(event);
    let generation = shared.generation();
    conversations.insert(
        conversation_id.clone(),
        Conversation {
            tx,
            spam,
            generation,
        },
    );
    shared.metrics.set_open(conversations.len());
    drop(conversations);
    worker::spawn(shared, conversation_id, generation, rx);
}

/// During a Vendor Interruption, probes the engine until it answers again.
async fn probe_vendor(shared: Arc<Shared>, cancel: CancellationToken) {
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(shared.config.vendor_probe_interval) => {}
        }
        if shared.status.vendor_interrupted() {
            match shared.engine.test_connection().await {
                Ok(()) => {
                    tracing::info!("engine answers again");
                    shared.engine_succeeded();
                }
                Err(err) => tracing::debug!(code = %err.code(), "engine still unavailable: {err}"),
            }
        }
    }
}
