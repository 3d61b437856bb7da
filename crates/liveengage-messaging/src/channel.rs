//! `MessagingChannel`: the `ConversationChannel` over the UMS agent socket.

use std::sync::Arc;

use async_trait::async_trait;
use connector_core::{
    Action, ChannelError, ChannelEvent, ChannelType, ConversationChannel, ConversationContext,
    ErrorCode, Output,
};
use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::auth::BearerProvider;
use crate::codes;
use crate::config::MessagingConfig;
use crate::connection;
use crate::inner::Inner;
use crate::mapping;
use crate::socket::{RequestError, Socket};

/// A LiveEngage messaging transport for one bot user.
///
/// It logs in through its [`BearerProvider`], goes ONLINE, subscribes to its
/// open conversations and to routing tasks, accepts rings, loads the history
/// of every conversation it holds (so after a restart or a reconnect it picks
/// up where it was), and hands each consumer message to the runtime exactly
/// once, keyed by (dialog, sequence). The socket is kept alive with pings and
/// `GetClock`; a silent or failing socket is replaced, with backoff, and
/// closes with 4401/4407/1011 (or HTTP 401) trigger a fresh login.
pub struct MessagingChannel {
    inner: Arc<Inner>,
    events: tokio::sync::Mutex<mpsc::UnboundedReceiver<ChannelEvent>>,
}

impl MessagingChannel {
    /// Starts the transport (it connects in the background; watch for
    /// `ChannelStatus::Connected` among its events).
    #[must_use]
    pub fn start(config: MessagingConfig, auth: Arc<dyn BearerProvider>) -> Arc<Self> {
        let (tx, rx) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner::new(config, auth, tx));
        tokio::spawn(connection::supervise(Arc::clone(&inner)));
        Arc::new(Self {
            inner,
            events: tokio::sync::Mutex::new(rx),
        })
    }

    /// What the transport holds right now; all zero after every conversation
    /// has left the bot (used by soak tests to show nothing leaks).
    #[must_use]
    pub fn stats(&self) -> TransportStats {
        let socket = self.inner.socket();
        TransportStats {
            connected: socket.is_some(),
            conversations: self.inner.conversation_count(),
            pending_requests: socket.map_or(0, |s| s.pending()),
            reconnects: self.inner.reconnects(),
        }
    }

    /// Sends a request that is safe to repeat (typing), waiting for the
    /// connection if it is down.
    async fn request(
        &self,
        type_name: &str,
        body: serde_json::Value,
        code: ErrorCode,
    ) -> Result<(), ChannelError> {
        let deadline = Instant::now() + self.inner.config.send_grace;
        let Some(socket) = self.inner.ready_socket(deadline).await else {
            return Err(failed(code, &RequestError::NotConnected, false));
        };
        socket
            .request(type_name, body, None, self.inner.config.request_timeout)
            .await
            .map(drop)
            .map_err(|err| failed(code, &err, err.may_have_happened()))
    }

    /// Sends a request at most once in effect: when the socket dies before
    /// the answer, it waits for the next connection, asks `done` whether the
    /// request took effect, and sends it again only if not.
    ///
    /// `turn`, when the request answers a consumer message, goes with the
    /// first attempt to the turn observer.
    async fn request_once<F, Fut>(
        &self,
        type_name: &str,
        body: serde_json::Value,
        frame_extra: Option<(Option<serde_json::Value>, Option<String>)>,
        code: ErrorCode,
        mut turn: Option<tokio::time::Instant>,
        done: F,
    ) -> Result<(), ChannelError>
    where
        F: Fn(Socket) -> Fut,
        Fut: std::future::Future<Output = Result<bool, RequestError>>,
    {
        let deadline = Instant::now() + self.inner.config.send_grace;
        let mut uncertain = false;
        let mut last = RequestError::NotConnected;
        // Bounded by the send grace: every way round the loop waits for a
        // socket (until the deadline) or for an answer (the request timeout).
        loop {
            let Some(socket) = self.inner.ready_socket(deadline).await else {
                break;
            };
            if uncertain {
                match done(socket.clone()).await {
                    Ok(true) => return Ok(()),
                    Ok(false) => uncertain = false,
                    Err(err @ RequestError::Rejected { .. }) => {
                        // Cannot tell whether it happened; do not risk a duplicate.
                        return Err(failed(code, &err, true));
                    }
                    Err(err) => {
                        last = err;
                        tokio::time::sleep(STALE_SOCKET_PAUSE).await;
                        continue;
                    }
                }
            }
            let timeout = self.inner.config.request_timeout;
            match socket
                .request_timed(
                    type_name,
                    body.clone(),
                    frame_extra.clone(),
                    timeout,
                    turn.take(),
                )
                .await
            {
                Ok(_) => return Ok(()),
                Err(err @ RequestError::NoResponse(_)) => {
                    tracing::debug!("{type_name}: {err}; checking after reconnect");
                    uncertain = true;
                    last = err;
                    if socket.is_same(&self.inner.socket()) {
                        // The socket still looks alive but did not answer:
                        // replace it rather than wait on it.
                        socket.close();
                    }
                }
                Err(err @ RequestError::NotConnected) => {
                    last = err;
                    // The socket just died; its replacement is on the way.
                    tokio::time::sleep(STALE_SOCKET_PAUSE).await;
                }
                Err(err) => return Err(failed(code, &err, false)),
            }
        }
        Err(failed(code, &last, uncertain))
    }

    /// Whether the bot's own `event` was published in `dialog` after the
    /// consumer message at `after` (the answer it belongs to).
    async fn published(
        &self,
        socket: Socket,
        dialog: String,
        event: serde_json::Value,
        after: i64,
    ) -> Result<bool, RequestError> {
        let body = json!({"dialogId": dialog, "fromSeq": 0, "newerThanSequence": 0});
        let response = socket
            .request(
                ".ams.ms.QueryMessages",
                body,
                None,
                self.inner.config.request_timeout,
            )
            .await?;
        let me = self.inner.my_id();
        let records = match response.body {
            Some(serde_json::Value::Array(items)) => items,
            _ => Vec::new(),
        };
        Ok(records.iter().any(|record| {
            record.get("originatorId").and_then(|v| v.as_str()) == Some(me.as_str())
                && record
                    .get("sequence")
                    .and_then(serde_json::Value::as_i64)
                    .is_some_and(|s| s > after)
                && mapping::same_event(record.get("event"), &event)
        }))
    }
}

/// A snapshot of the transport's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportStats {
    /// Whether a socket is open.
    pub connected: bool,
    /// Conversations the bot holds.
    pub conversations: usize,
    /// Requests waiting for their response.
    pub pending_requests: usize,
    /// Sessions set up again after the first (reconnects, for metrics).
    pub reconnects: u64,
}

/// A pause before asking again for a socket that was just found dead.
const STALE_SOCKET_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

fn failed(code: ErrorCode, err: &RequestError, may_have_happened: bool) -> ChannelError {
    ChannelError::Failed {
        code,
        message: err.to_string(),
        transient: err.transient(),
        may_have_happened,
    }
}

#[async_trait]
impl ConversationChannel for MessagingChannel {
    fn channel_type(&self) -> ChannelType {
        ChannelType::Messaging
    }

    async fn next_event(&self) -> Option<ChannelEvent> {
        self.events.lock().await.recv().await
    }

    async fn send(
        &self,
        context: &ConversationContext,
        output: &Output,
    ) -> Result<(), ChannelError> {
        let dialog = context
            .dialog_id
            .as_ref()
            .map_or(context.conversation_id.as_str(), |d| d.as_str());
        let publish = mapping::publish(dialog, output)?;
        let extra = Some((publish.metadata, publish.encoded_metadata));
        let event = publish.body["event"].clone();
        let after = self.inner.last_delivered(context.conversation_id.as_str());
        let dialog = dialog.to_owned();
        let published = |socket| self.published(socket, dialog.clone(), event.clone(), after);
        // The bot's first message after a consumer message answers it.
        let turn = self
            .inner
            .config
            .turn_observer
            .as_ref()
            .and_then(|_| self.inner.answered(context.conversation_id.as_str()));
        self.request_once(
            ".ams.ms.PublishEvent",
            publish.body,
            extra,
            codes::SEND_MESSAGE,
            turn,
            published,
        )
        .await
    }

    async fn set_typing(
        &self,
        context: &ConversationContext,
        typing: bool,
    ) -> Result<(), ChannelError> {
        let state = if typing { "COMPOSING" } else { "ACTIVE" };
        let body = json!({"dialogId": context.conversation_id.as_str(),
                          "event": {"type": "ChatStateEvent", "chatState": state}});
        self.request(".ams.ms.PublishEvent", body, codes::TYPING)
            .await
    }

    async fn execute(
        &self,
        context: &ConversationContext,
        action: &Action,
    ) -> Result<(), ChannelError> {
        let conversation = context.conversation_id.as_str();
        let (fields, code) = mapping::conversation_fields(
            &self.inner.config,
            &self.inner.my_id(),
            conversation,
            action,
        )?;
        let body = json!({"conversationId": conversation, "conversationField": fields});
        // After a reconnect the snapshot tells whether a transfer or close
        // took effect (the conversation is no longer the bot's); a TTR change
        // is safe to repeat.
        let ends = action.ends_bot_turns();
        let inner = &self.inner;
        let done = |_| async move { Ok(ends && !inner.holds(conversation)) };
        self.request_once(
            ".ams.cm.UpdateConversationField",
            body,
            None,
            code,
            None,
            done,
        )
        .await?;
        if action.ends_bot_turns() {
            self.inner.forget(conversation);
        }
        Ok(())
    }

    async fn shutdown(&self) -> Result<(), ChannelError> {
        if let Some(socket) = self.inner.socket() {
            let body = json!({"availability": "OFFLINE", "channels": ["MESSAGING"], "agentUserId": self.inner.my_id()});
            if let Err(err) = socket
                .request(
                    ".ams.routing.SetAgentState",
                    body,
                    None,
                    self.inner.config.request_timeout,
                )
                .await
            {
                tracing::debug!("going offline failed: {err}");
            }
        }
        self.inner.begin_shutdown();
        Ok(())
    }
}
