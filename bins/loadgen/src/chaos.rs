//! Chaos: faults injected at random moments during a run.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use liveengage_sim::SimHandle;
use serde::Serialize;
use tokio::sync::watch;

use crate::random::Random;

/// How many faults of each kind were injected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChaosCounts {
    /// Bot sockets dropped without a close frame.
    pub socket_drops: usize,
    /// Bot sockets closed with 4401.
    pub closes_4401: usize,
    /// Every bearer token expired at once.
    pub token_expiries: usize,
    /// Token expiries followed by two failing (503) logins.
    pub failing_logins: usize,
    /// Malformed frames sent to the bot.
    pub malformed_frames: usize,
    /// Engine stalls longer than the engine timeout.
    pub engine_stalls: usize,
}

/// Injects faults every `mean` seconds on average until `stop` turns true;
/// engine stalls only when there is a `stall` switch (not for the script
/// engine of a separate process).
pub async fn run(
    sim: Arc<SimHandle>,
    stall: Option<Arc<AtomicBool>>,
    random: Arc<Random>,
    mean: Duration,
    mut stop: watch::Receiver<bool>,
) -> ChaosCounts {
    let mut counts = ChaosCounts::default();
    loop {
        let wait = mean.mul_f64(2.0 * random.unit());
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return counts,
            () = tokio::time::sleep(wait) => {}
        }
        let faults = sim.faults();
        let kinds = if stall.is_some() { 6 } else { 5 };
        match random.below(kinds) {
            0 => counts.socket_drops += faults.drop_sockets(),
            1 => counts.closes_4401 += faults.close_sockets(4401),
            2 => counts.token_expiries += usize::from(faults.expire_tokens() > 0),
            3 => {
                faults.fail_logins(503, Some(2));
                counts.failing_logins += usize::from(faults.expire_tokens() > 0);
            }
            4 => counts.malformed_frames += faults.send_malformed_frame(),
            _ => {
                if let Some(stall) = &stall {
                    stall.store(true, Ordering::Relaxed);
                    counts.engine_stalls += 1;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    stall.store(false, Ordering::Relaxed);
                }
            }
        }
    }
}
