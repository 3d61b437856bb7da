//! The synthetic engine: echoes after a configurable time, fails on demand.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use connector_core::{
    BotEngine, BotReply, EngineError, EngineSession, ErrorCode, EventKind, InboundEvent,
};

use crate::engine_switches::EngineSwitches;
use crate::random::Random;

/// Echoes `echo: <text>`; takes `latency`; fails transiently with
/// `error_rate`; while the chaos task stalls it, takes far longer than any
/// timeout, and while it fails it, fails every call transiently.
pub struct SyntheticEngine {
    latency: Duration,
    error_rate: f64,
    random: Arc<Random>,
    /// Flipped by the chaos task.
    pub switches: EngineSwitches,
    /// Engine time spent, in microseconds.
    pub busy_micros: AtomicU64,
}

impl SyntheticEngine {
    /// An engine with this latency and error rate, misbehaving as `switches` say.
    #[must_use]
    pub fn new(
        latency: Duration,
        error_rate: f64,
        random: Arc<Random>,
        switches: EngineSwitches,
    ) -> Self {
        Self {
            latency,
            error_rate,
            random,
            switches,
            busy_micros: AtomicU64::new(0),
        }
    }
}

#[async_trait]
impl BotEngine for SyntheticEngine {
    fn vendor(&self) -> &str {
        "synthetic"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        _: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        let EventKind::ConsumerText { text, .. } = &event.kind else {
            return Ok(BotReply::new());
        };
        let started = tokio::time::Instant::now();
        if self.switches.stalled() {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.busy_micros.fetch_add(micros, Ordering::Relaxed);
        if self.switches.failing() || (self.error_rate > 0.0 && self.random.chance(self.error_rate))
        {
            return Err(EngineError::transient(
                ErrorCode::from_static("engine.synthetic.send-query"),
                "injected 503",
            ));
        }
        Ok(BotReply::new().with_text(format!("echo: {text}")))
    }
}
