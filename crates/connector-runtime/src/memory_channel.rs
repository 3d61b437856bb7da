//! An in-memory `ConversationChannel` for tests and examples: push events in,
//! read back what the bot did, inject failures.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use connector_core::{
    Action, BotId, ChannelError, ChannelEvent, ChannelStatus, ChannelType, ConversationChannel,
    ConversationContext, ConversationId, ErrorCode, EventKind, InboundEvent, Output,
};
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

/// What the bot did on the channel.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Recorded {
    /// A message was published.
    Output(Output),
    /// The typing indicator was set on or off.
    Typing(bool),
    /// An action was performed.
    Action(Action),
}

/// One thing the bot did, with its conversation and time.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// What was done.
    pub what: Recorded,
    /// When (tokio time, so paused-time tests can check delays).
    pub at: Instant,
}

#[derive(Default)]
struct Faults {
    sends: VecDeque<ChannelError>,
    actions: VecDeque<ChannelError>,
    known_skills: Option<HashSet<String>>,
}

struct Inner {
    log: Mutex<Vec<Record>>,
    changed: Notify,
    faults: Mutex<Faults>,
}

/// The channel half, given to the connector.
pub struct MemoryChannel {
    channel_type: ChannelType,
    rx: tokio::sync::Mutex<mpsc::UnboundedReceiver<ChannelEvent>>,
    inner: Arc<Inner>,
    shut_down: AtomicBool,
}

/// The test's half: push events, read records, inject faults. Cheap to clone.
#[derive(Clone)]
pub struct MemoryChannelHandle {
    bot_id: BotId,
    channel_type: ChannelType,
    tx: mpsc::UnboundedSender<ChannelEvent>,
    inner: Arc<Inner>,
}

impl MemoryChannel {
    /// A channel of `channel_type` for the bot `bot_id`, and its handle.
    #[must_use]
    pub fn new(
        channel_type: ChannelType,
        bot_id: impl Into<BotId>,
    ) -> (Arc<Self>, MemoryChannelHandle) {
        let (tx, rx) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            log: Mutex::new(Vec::new()),
            changed: Notify::new(),
            faults: Mutex::new(Faults::default()),
        });
        let channel = Arc::new(Self {
            channel_type,
            rx: tokio::sync::Mutex::new(rx),
            inner: Arc::clone(&inner),
            shut_down: AtomicBool::new(false),
        });
        let handle = MemoryChannelHandle {
            bot_id: bot_id.into(),
            channel_type,
            tx,
            inner,
        };
        (channel, handle)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Inner {
    fn record(&self, ctx: &ConversationContext, what: Recorded) {
        lock(&self.log).push(Record {
            conversation_id: ctx.conversation_id.clone(),
            what,
            at: Instant::now(),
        });
        self.changed.notify_waiters();
    }
}

impl MemoryChannelHandle {
    /// The context of a conversation on this channel.
    #[must_use]
    pub fn context(&self, conversation: &str) -> ConversationContext {
        ConversationContext::new(self.bot_id.clone(), conversation.into(), self.channel_type)
    }

    /// Pushes an event.
    pub fn push(&self, event: InboundEvent) {
        let _ = self.tx.send(ChannelEvent::Inbound(Box::new(event)));
    }

    /// Pushes an event of `kind` in `conversation`.
    pub fn push_kind(&self, conversation: &str, kind: EventKind) {
        self.push(InboundEvent::new(self.context(conversation), kind));
    }

    /// Pushes the start of a new conversation.
    pub fn start(&self, conversation: &str) {
        self.push_kind(
            conversation,
            EventKind::ConversationStarted {
                transferred: false,
                last_consumer_message: None,
            },
        );
    }

    /// Pushes a consumer text.
    pub fn text(&self, conversation: &str, text: &str) {
        self.push_kind(
            conversation,
            EventKind::ConsumerText {
                text: text.into(),
                metadata: Vec::new(),
            },
        );
    }

    /// Pushes a close.
    pub fn close(&self, conversation: &str) {
        self.push_kind(conversation, EventKind::ConversationClosed);
    }

    /// Pushes a status change.
    pub fn status(&self, status: ChannelStatus) {
        let _ = self.tx.send(ChannelEvent::Status(status));
    }

    /// Everything recorded so far.
    #[must_use]
    pub fn records(&self) -> Vec<Record> {
        lock(&self.inner.log).clone()
    }

    /// What was done in one conversation, in order.
    #[must_use]
    pub fn recorded(&self, conversation: &str) -> Vec<Recorded> {
        lock(&self.inner.log)
            .iter()
            .filter(|r| r.conversation_id.as_str() == conversation)
            .map(|r| r.what.clone())
            .collect()
    }

    /// The texts published in one conversation (public and private), in order.
    #[must_use]
    pub fn texts(&self, conversation: &str) -> Vec<String> {
        self.recorded(conversation)
            .into_iter()
            .filter_map(|r| match r {
                Recorded::Output(Output::Text(t)) => Some(t.text),
                Recorded::Output(Output::QuickReplies(q)) => Some(q.message),
                _ => None,
            })
            .collect()
    }

    /// Waits until `done` holds for the records.
    pub async fn wait_until(&self, mut done: impl FnMut(&[Record]) -> bool) {
        loop {
            let notified = self.inner.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if done(&lock(&self.inner.log)) {
                return;
            }
            notified.await;
        }
    }

    /// Waits until `n` records exist for `conversation`.
    pub async fn wait_for(&self, conversation: &str, n: usize) {
        self.wait_until(|records| {
            records
                .iter()
                .filter(|r| r.conversation_id.as_str() == conversation)
                .count()
                >= n
        })
        .await;
    }

    /// The next sends fail with these errors, one each.
    pub fn fail_sends(&self, errors: impl IntoIterator<Item = ChannelError>) {
        lock(&self.inner.faults).sends.extend(errors);
    }

    /// The next actions fail with these errors, one each.
    pub fn fail_actions(&self, errors: impl IntoIterator<Item = ChannelError>) {
        lock(&self.inner.faults).actions.extend(errors);
    }

    /// Only these skill names exist: transfers elsewhere fail with
    /// `SkillNotFound`, as in LiveEngage.
    pub fn known_skills<'a>(&self, skills: impl IntoIterator<Item = &'a str>) {
        lock(&self.inner.faults).known_skills =
            Some(skills.into_iter().map(str::to_owned).collect());
    }

    /// Ends the event stream, as a transport that gives up would.
    pub fn end(&self) {
        self.status(ChannelStatus::Interrupted {
            code: ErrorCode::from_static("memory.ended"),
            message: "the test ended the channel".into(),
        });
    }
}

fn not_supported(operation: &'static str, channel: ChannelType) -> ChannelError {
    ChannelError::NotSupported {
        operation,
        channel,
        code: ErrorCode::from_static("connector.not-supported"),
    }
}

#[async_trait]
impl ConversationChannel for MemoryChannel {
    fn channel_type(&self) -> ChannelType {
        self.channel_type
    }

    async fn next_event(&self) -> Option<ChannelEvent> {
        if self.shut_down.load(Ordering::Acquire) {
            return None;
        }
        self.rx.lock().await.recv().await
    }

    async fn send(
        &self,
        context: &ConversationContext,
        output: &Output,
    ) -> Result<(), ChannelError> {
        if let Some(err) = lock(&self.inner.faults).sends.pop_front() {
            return Err(err);
        }
        match output {
            Output::Delay(_) => {
                return Err(not_supported(
                    "a delay (the runtime plays delays)",
                    self.channel_type,
                ));
            }
            Output::QuickReplies(_) if self.channel_type == ChannelType::Chat => {
                return Err(not_supported("quick replies", self.channel_type));
            }
            _ => {}
        }
        self.inner.record(context, Recorded::Output(output.clone()));
        Ok(())
    }

    async fn set_typing(
        &self,
        context: &ConversationContext,
        typing: bool,
    ) -> Result<(), ChannelError> {
        self.inner.record(context, Recorded::Typing(typing));
        Ok(())
    }

    async fn execute(
        &self,
        context: &ConversationContext,
        action: &Action,
    ) -> Result<(), ChannelError> {
        let mut faults = lock(&self.inner.faults);
        if let Some(err) = faults.actions.pop_front() {
            return Err(err);
        }
        match action {
            Action::ChangeTtr(_) if self.channel_type == ChannelType::Chat => {
                return Err(not_supported("changing the TTR", self.channel_type));
            }
            Action::InvokeFunction(_) => {
                return Err(not_supported("invoking a function", self.channel_type));
            }
            Action::TransferToSkill { skill } | Action::TransferToAgent { skill, .. } => {
                if let Some(known) = &faults.known_skills
                    && !known.contains(skill)
                {
                    return Err(ChannelError::SkillNotFound {
                        skill: skill.clone(),
                        code: ErrorCode::from_static(
                            "pipes.messaging-handle-bot-action.transfer-skill-not-existing",
                        ),
                    });
                }
            }
            _ => {}
        }
        drop(faults);
        self.inner.record(context, Recorded::Action(action.clone()));
        Ok(())
    }

    async fn shutdown(&self) -> Result<(), ChannelError> {
        self.shut_down.store(true, Ordering::Release);
        Ok(())
    }
}
