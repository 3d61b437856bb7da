//! Chaos: faults injected at random moments during a run.

use std::sync::Arc;
use std::time::Duration;

use liveengage_sim::SimHandle;
use serde::Serialize;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::engine_switches::EngineSwitches;
use crate::random::Random;

/// How long an engine stall or an engine failure burst lasts.
const ENGINE_FAULT: Duration = Duration::from_millis(500);

/// How long a slow login keeps its answer (well inside the login timeout:
/// slow, not failing).
pub const SLOW_LOGIN: Duration = Duration::from_millis(1500);

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
    /// Token expiries followed by a login answered only after [`SLOW_LOGIN`].
    pub slow_logins: usize,
    /// Malformed frames sent to the bot.
    pub malformed_frames: usize,
    /// Engine stalls longer than the engine timeout.
    pub engine_stalls: usize,
    /// Bursts of engine calls failing with 503.
    pub engine_failures: usize,
}

impl ChaosCounts {
    /// Every fault injected.
    #[must_use]
    pub fn total(&self) -> usize {
        self.socket_drops
            + self.closes_4401
            + self.token_expiries
            + self.failing_logins
            + self.slow_logins
            + self.malformed_frames
            + self.engine_stalls
            + self.engine_failures
    }
}

/// Injects faults every `mean` seconds on average until `stop` turns true
/// or the run's `deadline` passes, then turns every emulator fault off, so
/// the bot can recover and answer what waits; engine stalls and failures
/// only when there are `engine` switches (not for the script engine, which
/// cannot misbehave).
pub async fn run(
    sim: Arc<SimHandle>,
    engine: Option<EngineSwitches>,
    random: Arc<Random>,
    mean: Duration,
    deadline: Option<Instant>,
    stop: watch::Receiver<bool>,
) -> ChaosCounts {
    let counts = inject(&sim, engine.as_ref(), &random, mean, deadline, stop).await;
    sim.faults().clear();
    counts
}

async fn inject(
    sim: &SimHandle,
    engine: Option<&EngineSwitches>,
    random: &Random,
    mean: Duration,
    deadline: Option<Instant>,
    mut stop: watch::Receiver<bool>,
) -> ChaosCounts {
    let mut counts = ChaosCounts::default();
    let end = async {
        match deadline {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(end);
    loop {
        let wait = mean.mul_f64(2.0 * random.unit());
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return counts,
            () = &mut end => return counts,
            () = tokio::time::sleep(wait) => {}
        }
        let faults = sim.faults();
        let kinds = if engine.is_some() { 8 } else { 6 };
        match (random.below(kinds), engine) {
            (0, _) => counts.socket_drops += faults.drop_sockets(),
            (1, _) => counts.closes_4401 += faults.close_sockets(4401),
            (2, _) => counts.token_expiries += usize::from(faults.expire_tokens() > 0),
            (3, _) => {
                faults.fail_logins(503, Some(2));
                counts.failing_logins += usize::from(faults.expire_tokens() > 0);
            }
            (4, _) => {
                faults.drop_http_answers("/login", Some("POST"), SLOW_LOGIN, Some(1));
                counts.slow_logins += usize::from(faults.expire_tokens() > 0);
            }
            (6, Some(switches)) => {
                switches.stall(true);
                counts.engine_stalls += 1;
                tokio::time::sleep(ENGINE_FAULT).await;
                switches.stall(false);
            }
            (7, Some(switches)) => {
                switches.fail(true);
                counts.engine_failures += 1;
                tokio::time::sleep(ENGINE_FAULT).await;
                switches.fail(false);
            }
            _ => counts.malformed_frames += faults.send_malformed_frame(),
        }
    }
}
