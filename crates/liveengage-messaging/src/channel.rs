//! `MessagingChannel`: the `ConversationChannel` over the UMS agent socket.

use std::sync::Arc;

use async_trait::async_trait;
use connector_core::{
    Action, ChannelError, ChannelEvent, ChannelType, ConversationChannel, ConversationContext,
    ErrorCode, Output,
};
use serde_json::json;
use tokio::sync::mpsc;

use crate::auth::BearerProvider;
use crate::codes;
use crate::config::MessagingConfig;
use crate::connection;
use crate::inner::Inner;
use crate::mapping;
use crate::socket::RequestError;

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
        tokio::spawn(connection::run(Arc::clone(&inner)));
        Arc::new(Self {
            inner,
            events: tokio::sync::Mutex::new(rx),
        })
    }

    async fn request(
        &self,
        type_name: &str,
        body: serde_json::Value,
        frame_extra: Option<(Option<serde_json::Value>, Option<String>)>,
        code: ErrorCode,
    ) -> Result<(), ChannelError> {
        let Some(socket) = self.inner.socket() else {
            return Err(failed(code, &RequestError::NotConnected));
        };
        socket
            .request(
                type_name,
                body,
                frame_extra,
                self.inner.config.request_timeout,
            )
            .await
            .map(drop)
            .map_err(|err| failed(code, &err))
    }
}

fn failed(code: ErrorCode, err: &RequestError) -> ChannelError {
    ChannelError::Failed {
        code,
        message: err.to_string(),
        transient: err.transient(),
        may_have_happened: err.may_have_happened(),
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
        self.request(
            ".ams.ms.PublishEvent",
            publish.body,
            extra,
            codes::SEND_MESSAGE,
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
        self.request(".ams.ms.PublishEvent", body, None, codes::TYPING)
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
        self.request(".ams.cm.UpdateConversationField", body, None, code)
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
