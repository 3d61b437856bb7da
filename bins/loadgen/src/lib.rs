//! `loadgen`: drives many consumers through `liveengage-sim` against a bot
//! (messaging transport + runtime + a synthetic engine) in this process, and
//! reports throughput, turn latency, CPU, memory, errors and escalations. In
//! chaos mode it injects faults and checks that every consumer message got
//! exactly one answer or an escalation.
//!
//! Dependencies: `clap` (options), `indicatif` (progress bar), `hdrhistogram`
//! (latency percentiles), and the project's crates.
#![deny(missing_docs)]

pub mod bot;
pub mod chaos;
pub mod consumers;
pub mod engine;
pub mod options;
pub mod proc_stats;
pub mod random;
pub mod report;
pub mod sweep;
mod verify;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::bot::{Bench, StartError};
use crate::consumers::Outcome;
use crate::engine::SyntheticEngine;
pub use crate::options::Options;
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
/// [`StartError`] when the emulator or the bot cannot start.
pub async fn run(options: Options) -> Result<Report, StartError> {
    let options = Arc::new(options);
    let random = Arc::new(Random::new(options.seed));
    let engine = Arc::new(SyntheticEngine::new(
        Duration::from_millis(options.engine_latency_ms),
        options.engine_error_rate,
        Arc::clone(&random),
    ));
    let bench = Bench::start(&options, Arc::clone(&engine)).await?;
    let progress = if options.quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new((options.conversations * options.messages) as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} turns {per_sec} {elapsed}")
        {
            bar.set_style(style);
        }
        bar
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let chaos = options.chaos.then(|| {
        tokio::spawn(chaos::run(
            Arc::clone(&bench.sim),
            Arc::clone(&engine),
            Arc::clone(&random),
            Duration::from_secs_f64(options.chaos_every_secs.max(0.05)),
            stop_rx,
        ))
    });

    let rss_idle = proc_stats::rss_kib();
    let cpu_start = proc_stats::cpu_seconds();
    let started = Instant::now();
    let deadline = options.deadline().map(|d| started + d);
    let opened = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for index in 0..options.conversations {
        tasks.push(tokio::spawn(consumers::drive(
            Arc::clone(&bench.sim),
            index,
            Arc::clone(&options),
            deadline,
            Arc::clone(&opened),
            progress.clone(),
        )));
    }
    // Memory with every conversation open (or after 30 s, whichever first).
    let mut rss_open = None;
    for _ in 0..3000 {
        if opened.load(Ordering::Relaxed) >= options.conversations {
            rss_open = proc_stats::rss_kib();
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut outcomes: Vec<Outcome> = Vec::new();
    for task in tasks {
        if let Ok(outcome) = task.await {
            outcomes.push(outcome);
        }
    }
    let wall = started.elapsed();
    let cpu_end = proc_stats::cpu_seconds();
    progress.finish_and_clear();
    let _ = stop_tx.send(true);
    let chaos_counts = match chaos {
        Some(task) => task.await.ok(),
        None => None,
    };
    // Give late duplicates, if any, a moment to show in the transcripts.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let check = verify::check(&bench.sim, &outcomes);

    let mut turns = Histogram::<u64>::new(3).map_err(|e| StartError(e.to_string()))?;
    let mut added = Histogram::<u64>::new(3).map_err(|e| StartError(e.to_string()))?;
    let engine_us = options.engine_latency_ms * 1000;
    for us in outcomes.iter().flat_map(|o| o.latencies_us.iter().copied()) {
        let _ = turns.record(us.max(1));
        let _ = added.record(us.saturating_sub(engine_us).max(1));
    }
    let answered_turns = turns.len();
    let metrics = bench.handle.metrics();
    let mut errors_by_code = std::collections::BTreeMap::new();
    let mut error_samples = std::collections::BTreeMap::new();
    for error in metrics.errors() {
        *errors_by_code.entry(error.code.to_string()).or_insert(0) += 1;
        error_samples
            .entry(error.code.to_string())
            .or_insert_with(|| error.message.clone());
    }
    let report = Report {
        conversations: options.conversations,
        messages_sent: outcomes.iter().map(|o| o.sent.len()).sum(),
        answered: check.answered,
        escalated_conversations: outcomes.iter().filter(|o| o.escalated).count(),
        lost: check.lost,
        duplicated: check.duplicated,
        problems: outcomes
            .iter()
            .flat_map(|o| o.problems.iter().cloned())
            .take(20)
            .collect(),
        wall_secs: wall.as_secs_f64(),
        turns_per_sec: answered_turns as f64 / wall.as_secs_f64().max(1e-9),
        turn_latency: latency(&turns),
        added_latency: latency(&added),
        cpu_secs_per_1000_turns: match (cpu_start, cpu_end) {
            (Some(a), Some(b)) if answered_turns > 0 => {
                Some((b - a) * 1000.0 / answered_turns as f64)
            }
            _ => None,
        },
        peak_rss_kib: proc_stats::peak_rss_kib(),
        rss_per_conversation_kib: match (rss_idle, rss_open) {
            (Some(idle), Some(open)) if options.conversations > 0 => {
                Some(open.saturating_sub(idle) as f64 / options.conversations as f64)
            }
            _ => None,
        },
        errors_by_code,
        error_samples,
        escalations: metrics.snapshot().escalated,
        chaos: chaos_counts,
    };
    bench.stop().await;
    Ok(report)
}
