//! What a run does.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

pub use crate::engine_kind::EngineKind;

/// Drives consumers through the emulator against a bot, in this process or
/// as a separate `bot-connector` process, and reports throughput, latency,
/// CPU, memory, errors and escalations.
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
    /// The engine behind the bot. Default: `synthetic` in this process,
    /// `script` with `--separate-process`.
    #[arg(long, value_enum)]
    pub engine: Option<EngineKind>,
    /// Time the engine takes per turn, in milliseconds (synthetic engine;
    /// with `--engine webhook`, a delay the reference server adds to every
    /// event call).
    #[arg(long, default_value_t = 0)]
    pub engine_latency_ms: u64,
    /// Share of engine calls that fail with a transient error, 0 to 1
    /// (synthetic engine; with `--engine webhook`, event calls the reference
    /// server answers with 503).
    #[arg(long, default_value_t = 0.0)]
    pub engine_error_rate: f64,
    /// Run the bot as a separate `bot-connector run` process (a config file
    /// written by loadgen, pointing at the emulator) and report the CPU and
    /// memory of that process alone and its time from start to Online.
    #[arg(long)]
    pub separate_process: bool,
    /// The `bot-connector` binary for `--separate-process` (implies it).
    /// Default: `bot-connector` next to loadgen's own executable, built by
    /// `cargo build --release -p bot-connector`.
    #[arg(long)]
    pub connector_bin: Option<PathBuf>,
    /// Worker threads of the separate `bot-connector`'s runtime (it reads
    /// `TOKIO_WORKER_THREADS`; default: one per core). On a machine whose
    /// cores the load shares, one worker spends less CPU per turn.
    #[arg(long)]
    pub connector_threads: Option<usize>,
    /// Chaos: random socket drops, 4401 closes, token expiry, failing (503)
    /// and slow logins, malformed frames, and (with an engine that can
    /// misbehave: synthetic or webhook) engine timeouts and bursts of 503s
    /// during the run; the report checks that every
    /// consumer message got exactly one answer or an escalation, and compares
    /// the RSS after the run with the RSS before the first fault (after a
    /// warm-up round of the same conversations, three messages each,
    /// without faults).
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
    /// Applies to the separate process too (`runtime.spam_guard`).
    #[arg(long)]
    pub spam_guard: bool,
    /// Plain `ws://`/`http://` between the bot and the emulator instead of
    /// TLS (the default, as production is): for comparing the cost of TLS.
    #[arg(long)]
    pub plain: bool,
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
    /// Only open the conversations and hold them, without messages: each
    /// consumer disconnects once its conversation is open (a messaging
    /// conversation stays open without a connected consumer), so more
    /// conversations fit in the open-file limit; reports the memory with
    /// all of them open.
    #[arg(long)]
    pub hold_only: bool,
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

    /// Whether the bot runs as a separate `bot-connector` process.
    #[must_use]
    pub fn separate(&self) -> bool {
        self.separate_process || self.connector_bin.is_some()
    }

    /// The engine, with its default for the mode.
    #[must_use]
    pub fn engine_kind(&self) -> EngineKind {
        self.engine.unwrap_or(if self.separate() {
            EngineKind::Script
        } else {
            EngineKind::Synthetic
        })
    }

    /// The engine time per turn loadgen knows of: the configured latency of
    /// the synthetic engine or the reference server, 0 for the script engine.
    #[must_use]
    pub fn engine_time(&self) -> Duration {
        match self.engine_kind() {
            EngineKind::Script => Duration::ZERO,
            EngineKind::Synthetic | EngineKind::Webhook => {
                Duration::from_millis(self.engine_latency_ms)
            }
        }
    }

    /// Combinations that cannot run, with what to do instead.
    ///
    /// # Errors
    ///
    /// A message naming the options to change.
    pub fn check(&self) -> Result<(), String> {
        let engine = self.engine_kind();
        if engine == EngineKind::Synthetic && self.separate() {
            return Err(
                "the synthetic engine lives in loadgen and cannot answer for a separate \
                 bot-connector process; use --engine script or --engine webhook with \
                 --separate-process"
                    .into(),
            );
        }
        if engine == EngineKind::Script
            && (self.engine_latency_ms > 0 || self.engine_error_rate > 0.0)
        {
            return Err(
                "the script engine answers at once and never fails; use --engine webhook \
                 (or the synthetic engine in this process) for --engine-latency-ms and \
                 --engine-error-rate"
                    .into(),
            );
        }
        if self.hold_only && (self.chaos || !self.sweep.is_empty()) {
            return Err(
                "--hold-only opens conversations without messages; run it without --chaos \
                 and --sweep"
                    .into(),
            );
        }
        match self.connector_threads {
            Some(0) => return Err("--connector-threads must be at least 1".into()),
            Some(_) if !self.separate() => {
                return Err(
                    "--connector-threads sets the separate bot-connector's threads; add \
                     --separate-process"
                        .into(),
                );
            }
            _ => {}
        }
        if !(0.0..=1.0).contains(&self.engine_error_rate) {
            return Err(format!(
                "--engine-error-rate {} is not between 0 and 1",
                self.engine_error_rate
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        Options::parse_from(std::iter::once("loadgen").chain(args.iter().copied()))
    }

    #[test]
    fn impossible_combinations_say_which_option_to_change() {
        let err = parse(&["--connector-threads", "1"]).check().unwrap_err();
        assert!(err.contains("--separate-process"), "{err}");
        let err = parse(&["--separate-process", "--connector-threads", "0"])
            .check()
            .unwrap_err();
        assert!(err.contains("at least 1"), "{err}");
        let err = parse(&["--separate-process", "--engine", "synthetic"])
            .check()
            .unwrap_err();
        assert!(err.contains("--engine script or --engine webhook"), "{err}");
        let err = parse(&["--engine-error-rate", "1.5"]).check().unwrap_err();
        assert!(err.contains("not between 0 and 1"), "{err}");
        assert_eq!(
            parse(&["--separate-process", "--connector-threads", "1"]).check(),
            Ok(())
        );
        assert_eq!(parse(&[]).check(), Ok(()));
        let err = parse(&["--hold-only", "--chaos"]).check().unwrap_err();
        assert!(err.contains("without --chaos"), "{err}");
        assert_eq!(
            parse(&["--hold-only", "--separate-process"]).check(),
            Ok(())
        );
    }
}
