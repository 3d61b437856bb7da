//! `loadgen`: drives many consumers through `liveengage-sim` against a bot
//! (messaging transport + runtime + an engine), in this process or as a
//! separate `bot-connector run` process, and reports throughput, turn
//! latency, CPU, memory, time to Online, errors and escalations. The engine
//! is a synthetic one, an echo script, or the Custom Endpoint reference
//! server behind `engine-webhook`. In chaos mode it injects faults, checks
//! that every consumer message got exactly one answer or an escalation, and
//! compares the memory after the run with the memory before.
//!
//! Dependencies: `clap` (options), `indicatif` (progress bar), `hdrhistogram`
//! (latency percentiles), `axum` (the fault layer in front of the reference
//! server), `reqwest` (the webhook engine's client), `toml` (the
//! connector's config file), `rustix` (SIGTERM to the connector), and the
//! project's crates.
#![deny(missing_docs)]

pub mod bot;
pub mod chaos;
pub mod connector_config;
pub mod connector_process;
pub mod consumers;
pub mod engine;
pub mod engine_kind;
pub mod engine_switches;
pub mod in_process;
pub mod options;
pub mod proc_stats;
pub mod random;
pub mod report;
pub mod sweep;
pub mod turn_buckets;
mod verify;
pub mod webhook;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::bot::{Bench, StartError};
use crate::consumers::Outcome;
pub use crate::options::{EngineKind, Options};
use crate::random::Random;
pub use crate::report::Report;

fn latency(histogram: &Histogram<u64>) -> report::Latency {
    let ms = |us: u64| us as f64 / 1000.0;
    report::Latency {
        p50_ms: ms(histogram.value_at_quantile(0.50)),
        p90_ms: ms(histogram.value_at_quantile(0.90)),
        p99_ms: ms(histogram.value_at_quantile(0.99)),
        max_ms: ms(histogram.max()),
    }
}

/// Runs one load (or chaos) run and returns its report.
///
/// # Errors
///
/// [`StartError`] when the emulator, the engine or the bot cannot start.
pub async fn run(options: Options) -> Result<Report, StartError> {
    let options = Arc::new(options);
    let random = Arc::new(Random::new(options.seed));
    let bench = Bench::start(&options, Arc::clone(&random)).await?;
    let result = drive(&options, &bench, &random).await;
    bench.stop().await;
    result
}

fn progress_bar(options: &Options) -> ProgressBar {
    if options.quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new((options.conversations * options.messages) as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} turns {per_sec} {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

async fn drive(
    options: &Arc<Options>,
    bench: &Bench,
    random: &Arc<Random>,
) -> Result<Report, StartError> {
    let progress = progress_bar(options);
    let (stop_tx, stop_rx) = watch::channel(false);
    let process = bench.process();
    let rss_idle = proc_stats::rss_kib(process);
    // The memory a chaos run is compared with: that of a process that has
    // served a round of conversations without faults, not of a cold one.
    let rss_before_chaos = if options.chaos {
        warm_up(bench, options).await
    } else {
        None
    };
    // Every consumer opens its conversation first; they start sending
    // together once all are open (and the memory of holding them is read).
    let crowd = Crowd::spawn(bench, options, &progress);
    // Holding every conversation open at once takes two sockets each here;
    // where the open-file limit does not allow it, consumers start as soon
    // as their conversation is open (and no memory with all open is read).
    let at_once = options.hold_only || sockets_allow_all_open(options.conversations);
    let (rss_open, bot_open) = if at_once {
        all_open(bench, options, &crowd.opened, &crowd.settled).await
    } else {
        (None, None)
    };
    let turns_before = bench.turn_buckets().await;
    let cpu_start = proc_stats::cpu_seconds(process);
    let started = Instant::now();
    let deadline = options.deadline().map(|d| started + d);
    let _ = crowd.go.send(Some(consumers::Go { deadline }));
    let tasks = crowd.tasks;
    // Faults stop with the run's deadline (or when every consumer is done):
    // what the consumers still wait for after it must come through.
    let chaos = options.chaos.then(|| {
        tokio::spawn(chaos::run(
            Arc::clone(&bench.sim),
            bench.engine_switches.clone(),
            Arc::clone(random),
            Duration::from_secs_f64(options.chaos_every_secs.max(0.05)),
            deadline,
            stop_rx,
        ))
    });
    let mut outcomes: Vec<Outcome> = Vec::new();
    for task in tasks {
        if let Ok(outcome) = task.await {
            outcomes.push(outcome);
        }
    }
    let wall = started.elapsed();
    let cpu_end = proc_stats::cpu_seconds(process);
    progress.finish_and_clear();
    let _ = stop_tx.send(true);
    let chaos_counts = match chaos {
        Some(task) => task.await.ok(),
        None => None,
    };
    // Give late duplicates, if any, a moment to show in the transcripts.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let check = verify::check(&bench.sim, options.engine_kind(), &outcomes);
    let rss_after_chaos = match rss_before_chaos {
        Some(before) => rss_after(bench, before).await,
        None => None,
    };

    let mut turns = Histogram::<u64>::new(3).map_err(|e| StartError(e.to_string()))?;
    let mut added = Histogram::<u64>::new(3).map_err(|e| StartError(e.to_string()))?;
    let engine_us = u64::try_from(options.engine_time().as_micros()).unwrap_or(u64::MAX);
    for us in outcomes.iter().flat_map(|o| o.latencies_us.iter().copied()) {
        let _ = turns.record(us.max(1));
    }
    // The connector's share: timed by the emulator at the bot's socket.
    let agent_turns = bench.sim.agent_turn_times();
    for turn in &agent_turns {
        let us = u64::try_from(turn.as_micros()).unwrap_or(u64::MAX);
        let _ = added.record(us.saturating_sub(engine_us).max(1));
    }
    let answered_turns = turns.len();
    let connector_turn = match (bench.turn_buckets().await, turns_before) {
        (Some(after), Some(before)) => after.since(&before).quantiles(),
        _ => None,
    };
    let counts = bench.counts().await;
    Ok(Report {
        mode: if options.separate() {
            "separate process"
        } else {
            "in-process"
        }
        .into(),
        engine: engine_label(options),
        transport: if options.plain {
            "plain (ws://, http://)".into()
        } else {
            "TLS (wss://, https://)".into()
        },
        measured_process: match process {
            proc_stats::Process::Own => {
                "loadgen (emulator, consumers and bot in one process)".into()
            }
            proc_stats::Process::Pid(pid) => match options.connector_threads {
                Some(n) => format!("bot-connector alone (pid {pid}, {n} worker thread(s))"),
                None => format!("bot-connector alone (pid {pid})"),
            },
        },
        conversations: options.conversations,
        messages_sent: outcomes.iter().map(|o| o.sent.len()).sum(),
        answered: check.answered,
        escalated_conversations: outcomes.iter().filter(|o| o.escalated).count(),
        lost: check.lost,
        duplicated: check.duplicated,
        notes: if at_once {
            Vec::new()
        } else {
            vec![format!(
                "the open-file limit does not allow {} conversations open at once (two \
                 sockets each in loadgen): each consumer started as soon as its \
                 conversation was open, so the memory with all open was not read; raise \
                 `ulimit -n` for that figure",
                options.conversations
            )]
        },
        problems: outcomes
            .iter()
            .flat_map(|o| o.problems.iter().cloned())
            .take(20)
            .collect(),
        wall_secs: wall.as_secs_f64(),
        turns_per_sec: answered_turns as f64 / wall.as_secs_f64().max(1e-9),
        turn_latency: latency(&turns),
        added_latency: latency(&added),
        added_latency_turns: agent_turns.len(),
        connector_turn,
        added_latency_method: added_latency_method(options),
        cpu_secs_per_1000_turns: match (cpu_start, cpu_end) {
            (Some(a), Some(b)) if answered_turns > 0 => {
                Some((b - a) * 1000.0 / answered_turns as f64)
            }
            _ => None,
        },
        peak_rss_kib: proc_stats::peak_rss_kib(process),
        rss_open_kib: rss_open,
        bot_open_conversations: bot_open,
        rss_per_conversation_kib: match (rss_idle, rss_open) {
            (Some(idle), Some(open)) if options.conversations > 0 => {
                Some(open.saturating_sub(idle) as f64 / options.conversations as f64)
            }
            _ => None,
        },
        time_to_online_ms: bench.time_to_online().map(|d| d.as_secs_f64() * 1000.0),
        errors_by_code: counts.errors_by_code,
        error_samples: counts.error_samples,
        escalations: counts.escalations,
        chaos: chaos_counts,
        rss_after_chaos,
    })
}

/// Consumers spawned and waiting for the start signal.
struct Crowd {
    tasks: Vec<tokio::task::JoinHandle<Outcome>>,
    opened: Arc<AtomicUsize>,
    settled: Arc<AtomicUsize>,
    go: watch::Sender<Option<consumers::Go>>,
}

impl Crowd {
    /// One consumer per conversation of `options`; each opens its
    /// conversation, then waits for `go`.
    fn spawn(bench: &Bench, options: &Arc<Options>, progress: &ProgressBar) -> Self {
        let opened = Arc::new(AtomicUsize::new(0));
        let settled = Arc::new(AtomicUsize::new(0));
        let (go, go_rx) = watch::channel(None);
        let opening = Arc::new(tokio::sync::Semaphore::new(consumers::OPENING_AT_ONCE));
        let tasks = (0..options.conversations)
            .map(|index| {
                tokio::spawn(consumers::drive(
                    Arc::clone(&bench.sim),
                    index,
                    Arc::clone(options),
                    consumers::Shared {
                        opened: Arc::clone(&opened),
                        settled: Arc::clone(&settled),
                        opening: Arc::clone(&opening),
                        go: go_rx.clone(),
                        progress: progress.clone(),
                    },
                ))
            })
            .collect();
        Self {
            tasks,
            opened,
            settled,
            go,
        }
    }
}

/// Whether this process may hold `conversations` consumer sockets and as
/// many emulator sockets at once, with room to spare.
fn sockets_allow_all_open(conversations: usize) -> bool {
    match rlimit::Resource::NOFILE.get() {
        Ok((soft, _)) => (conversations as u64).saturating_mul(2) + 256 <= soft,
        Err(_) => true,
    }
}

/// Messages each conversation of the warm-up round sends.
const WARM_UP_MESSAGES: usize = 3;

/// A round without faults before a chaos run: the same number of
/// conversations open, send [`WARM_UP_MESSAGES`] each as fast as they are
/// answered, and close. Returns the RSS once the bot holds none of them.
async fn warm_up(bench: &Bench, options: &Options) -> Option<u64> {
    let mut warm = options.clone();
    warm.messages = WARM_UP_MESSAGES;
    warm.rate = 0.0;
    warm.duration_secs = 0;
    warm.chaos = false;
    let warm = Arc::new(warm);
    let crowd = Crowd::spawn(bench, &warm, &ProgressBar::hidden());
    all_open(bench, &warm, &crowd.opened, &crowd.settled).await;
    let _ = crowd.go.send(Some(consumers::Go { deadline: None }));
    for task in crowd.tasks {
        let _ = task.await;
    }
    settled_rss(bench).await.0
}

/// Waits until every consumer tried to open its conversation (at most
/// 120 s) and the bot holds every opened one (at most 30 s more), then
/// reads the measured process's RSS: the memory of the open conversations.
/// Returns it with the number of conversations the bot held then.
async fn all_open(
    bench: &Bench,
    options: &Options,
    opened: &AtomicUsize,
    settled: &AtomicUsize,
) -> (Option<u64>, Option<u64>) {
    for _ in 0..12_000 {
        if settled.load(Ordering::Relaxed) >= options.conversations {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let want = opened.load(Ordering::Relaxed) as u64;
    let mut held = bench.open_conversations().await;
    for _ in 0..300 {
        if held.is_some_and(|n| n >= want) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        held = bench.open_conversations().await;
    }
    (proc_stats::rss_kib(bench.process()), held)
}

/// The RSS once the bot has no conversation open (at most 10 s) and 2 s
/// more to settle, with the conversations still open when it was read.
async fn settled_rss(bench: &Bench) -> (Option<u64>, Option<u64>) {
    let mut open = bench.open_conversations().await;
    for _ in 0..100 {
        if open == Some(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        open = bench.open_conversations().await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    (proc_stats::rss_kib(bench.process()), open)
}

/// RSS after a chaos run, settled as [`settled_rss`], against `before`.
async fn rss_after(bench: &Bench, before: u64) -> Option<report::RssAfterChaos> {
    let (after, open) = settled_rss(bench).await;
    let after = after?;
    let change = (after as f64 / before.max(1) as f64 - 1.0) * 100.0;
    Some(report::RssAfterChaos {
        before_kib: before,
        after_kib: after,
        change_percent: change,
        within_10_percent: change.abs() <= 10.0,
        open_conversations_left: open,
    })
}

fn engine_label(options: &Options) -> String {
    let kind = options.engine_kind();
    match kind {
        EngineKind::Script => kind.label().into(),
        EngineKind::Synthetic | EngineKind::Webhook => format!(
            "{} ({} ms, {} % errors)",
            kind.label(),
            options.engine_latency_ms,
            options.engine_error_rate * 100.0
        ),
    }
}

fn added_latency_method(options: &Options) -> String {
    let ms = options.engine_latency_ms;
    let engine = match options.engine_kind() {
        EngineKind::Synthetic => format!("minus the synthetic engine's configured {ms} ms"),
        EngineKind::Script => {
            "with nothing taken off: the script engine answers at once, and its own \
             matching time is part of the connector"
                .to_owned()
        }
        EngineKind::Webhook => format!(
            "minus the {ms} ms the reference server waits per event call (its HTTP \
             calls and processing stay in)"
        ),
    };
    let process = if options.separate() {
        "The connector runs as its own process, loadgen and the emulator in another"
    } else {
        "The bot runs in loadgen's process, beside the emulator and the consumers"
    };
    format!(
        "timed by the emulator at the bot's socket, from writing a consumer's message \
         to reading the bot's answer in that conversation (the loopback hop both ways and \
         the connector: transport, runtime, engine), {engine}; the emulator and the \
         consumers are outside. Messages that reached the bot by history after a \
         reconnect are not timed. {process}, all on the same cores."
    )
}
