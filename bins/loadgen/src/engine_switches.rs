//! Switches the chaos task flips to make the engine misbehave for a while.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Shared by the chaos task and the engine (the synthetic engine, or the
/// fault layer in front of the webhook reference server).
#[derive(Debug, Clone, Default)]
pub struct EngineSwitches {
    stalled: Arc<AtomicBool>,
    failing: Arc<AtomicBool>,
}

impl EngineSwitches {
    /// Makes engine calls take far longer than the engine timeout (or stops it).
    pub fn stall(&self, on: bool) {
        self.stalled.store(on, Ordering::Relaxed);
    }

    /// Makes engine calls fail with a transient error, 503 (or stops it).
    pub fn fail(&self, on: bool) {
        self.failing.store(on, Ordering::Relaxed);
    }

    /// Whether engine calls stall now.
    #[must_use]
    pub fn stalled(&self) -> bool {
        self.stalled.load(Ordering::Relaxed)
    }

    /// Whether engine calls fail now.
    #[must_use]
    pub fn failing(&self) -> bool {
        self.failing.load(Ordering::Relaxed)
    }
}
