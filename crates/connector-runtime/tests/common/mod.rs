//! A scripted engine and a harness shared by the runtime tests.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use connector_core::{
    BotEngine, BotReply, ChannelType, EngineError, EngineSession, ErrorHandling, EscalationPolicy,
    EventKind, InboundEvent,
};
use connector_runtime::{
    Connector, ConnectorBuilder, ConnectorConfig, ConnectorHandle, MemoryChannel,
    MemoryChannelHandle, RuntimeError,
};
use tokio::task::JoinHandle;

type Script = dyn Fn(&InboundEvent, &mut EngineSession, usize) -> (Duration, Result<BotReply, EngineError>)
    + Send
    + Sync;

/// An engine whose answer (and thinking time) a closure decides; it records
/// every call and the largest number of calls in flight at once.
pub struct ScriptedEngine {
    script: Box<Script>,
    calls: Mutex<Vec<InboundEvent>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    pub probe_ok: std::sync::atomic::AtomicBool,
}

impl ScriptedEngine {
    pub fn new(
        script: impl Fn(
            &InboundEvent,
            &mut EngineSession,
            usize,
        ) -> (Duration, Result<BotReply, EngineError>)
        + Send
        + Sync
        + 'static,
    ) -> Arc<Self> {
        Arc::new(Self {
            script: Box::new(script),
            calls: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            probe_ok: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Echoes consumer text as "echo: <text>" at once; greets on welcome.
    pub fn echo() -> Arc<Self> {
        Self::new(|event, _, _| {
            let reply = match &event.kind {
                EventKind::ConsumerText { text, .. } => {
                    BotReply::new().with_text(format!("echo: {text}"))
                }
                EventKind::ConversationStarted { .. } => BotReply::new().with_text("welcome"),
                _ => BotReply::new(),
            };
            (Duration::ZERO, Ok(reply))
        })
    }

    pub fn calls(&self) -> Vec<InboundEvent> {
        self.calls.lock().unwrap().clone()
    }

    pub fn call_count(&self) -> usize {
        self.calls.lock().unwrap().len()
    }

    pub fn texts_seen(&self, conversation: &str) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter(|e| e.context.conversation_id.as_str() == conversation)
            .filter_map(|e| match e.kind {
                EventKind::ConsumerText { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl BotEngine for ScriptedEngine {
    fn vendor(&self) -> &str {
        "scripted"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        session: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        let n = {
            let mut calls = self.calls.lock().unwrap();
            calls.push(event.clone());
            calls.len() - 1
        };
        let (think, result) = (self.script)(event, session, n);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(think).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        result
    }

    async fn test_connection(&self) -> Result<(), EngineError> {
        if self.probe_ok.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(EngineError::transient(
                connector_core::ErrorCode::new("engine.scripted.down"),
                "down",
            ))
        }
    }
}

pub struct Running {
    pub test: MemoryChannelHandle,
    pub handle: ConnectorHandle,
    pub task: JoinHandle<Result<(), RuntimeError>>,
}

impl Running {
    pub async fn stop(self) {
        self.handle.shutdown();
        self.task.await.unwrap().unwrap();
    }
}

pub fn policy() -> Arc<dyn EscalationPolicy> {
    Arc::new(
        ErrorHandling::new("human")
            .customer_message("Transferring you to an agent")
            .agent_message("Bot escalated")
            .failure_message("Sorry, no agent is available")
            .retries(2, Duration::from_millis(100)),
    )
}

pub fn start_with(
    channel_type: ChannelType,
    config: ConnectorConfig,
    engine: Arc<ScriptedEngine>,
    customize: impl FnOnce(ConnectorBuilder) -> ConnectorBuilder,
) -> Running {
    let (channel, test) = MemoryChannel::new(channel_type, "bot-1");
    let connector = customize(Connector::builder(config, channel, engine, policy())).build();
    let handle = connector.handle();
    let task = tokio::spawn(connector.run());
    Running { test, handle, task }
}

pub fn start(
    channel_type: ChannelType,
    config: ConnectorConfig,
    engine: Arc<ScriptedEngine>,
) -> Running {
    start_with(channel_type, config, engine, |b| b)
}

pub fn config() -> ConnectorConfig {
    ConnectorConfig::new("bot-1")
}

/// Polls `cond` every 10 ms of (paused) tokio time, up to a minute.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..6_000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for: {what}");
}
