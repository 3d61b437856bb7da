//! What a run does.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Drives consumers through the emulator against a bot in this process and
/// reports throughput, latency, CPU, memory, errors and escalations.
#[derive(Debug, Clone, Parser)]
#[command(name = "loadgen", version, about)]
pub struct Options {
    /// Concurrent conversations.
    #[arg(long, default_value_t = 100)]
    pub conversations: usize,
    /// Messages each consumer sends before closing its conversation.
    #[arg(long, default_value_t = 20)]
    pub messages: usize,
    /// Messages per second each consumer sends at most; 0 sends the next
    /// message as soon as the answer arrives (closed loop).
    #[arg(long, default_value_t = 0.0)]
    pub rate: f64,
    /// Stop starting new messages after this many seconds (0: no limit).
    #[arg(long, default_value_t = 0)]
    pub duration_secs: u64,
    /// Time the engine takes per turn, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub engine_latency_ms: u64,
    /// Share of engine calls that fail with a transient error (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub engine_error_rate: f64,
    /// Chaos: random socket drops, 4401 closes, token expiry, malformed frames
    /// and engine timeouts during the run; the report checks that every
    /// consumer message got exactly one answer or an escalation.
    #[arg(long)]
    pub chaos: bool,
    /// Mean seconds between chaos events.
    #[arg(long, default_value_t = 1.0)]
    pub chaos_every_secs: f64,
    /// Seed of the random choices (engine errors, chaos events).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Keep the runtime's spam guard (more than 4 messages in 2 s per
    /// conversation are held back); off by default so closed loops can run.
    #[arg(long)]
    pub spam_guard: bool,
    /// Write the report as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the report as a Markdown table here.
    #[arg(long)]
    pub markdown: Option<PathBuf>,
    /// Run once per number of conversations in this list (e.g.
    /// `100,1000,10000`) instead of once with `--conversations`, and write a
    /// table and plots of throughput and p99 against load.
    #[arg(long, value_delimiter = ',')]
    pub sweep: Vec<usize>,
    /// Where `--sweep` writes `throughput.svg`, `p99.svg` and `sweep.md`.
    #[arg(long, default_value = "target/loadgen")]
    pub plot_dir: PathBuf,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

impl Options {
    /// The pause between two messages of one consumer.
    #[must_use]
    pub fn pause(&self) -> Duration {
        if self.rate > 0.0 {
            Duration::from_secs_f64(1.0 / self.rate)
        } else {
            Duration::ZERO
        }
    }

    /// The run's time limit, if any.
    #[must_use]
    pub fn deadline(&self) -> Option<Duration> {
        (self.duration_secs > 0).then(|| Duration::from_secs(self.duration_secs))
    }
}
