//! The report of a run, as JSON and as a Markdown table.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::chaos::ChaosCounts;
use crate::turn_buckets::TurnQuantiles;

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Latency {
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

/// Resident memory before a chaos run and after it, once its conversations
/// closed and the process settled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RssAfterChaos {
    /// RSS before the first fault, KiB: after a warm-up round without
    /// faults (the same number of conversations opened, three messages
    /// each, closed), once the bot holds none of them.
    pub before_kib: u64,
    /// RSS after the run, KiB.
    pub after_kib: u64,
    /// `after / before - 1`, in percent.
    pub change_percent: f64,
    /// Whether `after` is within 10 % of `before`.
    pub within_10_percent: bool,
    /// Conversations the bot still had open when `after` was read.
    pub open_conversations_left: Option<u64>,
}

/// What a run measured and checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// Where the bot ran: `in-process` or `separate process`.
    pub mode: String,
    /// The engine behind the bot.
    pub engine: String,
    /// How the bot reached the emulator: `TLS (wss://, https://)` or
    /// `plain (ws://, http://)`.
    pub transport: String,
    /// The process the CPU and memory figures are of.
    pub measured_process: String,
    /// Conversations driven.
    pub conversations: usize,
    /// Consumer messages sent.
    pub messages_sent: usize,
    /// Messages answered by the bot exactly once.
    pub answered: usize,
    /// Conversations the bot escalated.
    pub escalated_conversations: usize,
    /// Messages without an answer and without an escalation.
    pub lost: usize,
    /// Messages answered more than once.
    pub duplicated: usize,
    /// How this run differs from what was asked, and why.
    pub notes: Vec<String>,
    /// What went wrong on the consumers' side (first 20).
    pub problems: Vec<String>,
    /// Wall time of the run in seconds.
    pub wall_secs: f64,
    /// Answered turns per second.
    pub turns_per_sec: f64,
    /// Turn latency as the consumer sees it.
    pub turn_latency: Latency,
    /// What the connector adds to a turn, timed at its socket by the
    /// emulator, engine time excluded (see `added_latency_method`).
    pub added_latency: Latency,
    /// The connector's own time per turn, from reading a consumer message
    /// off its socket to writing the answer (its `turn_seconds` histogram:
    /// percentiles as bucket upper bounds).
    pub connector_turn: Option<TurnQuantiles>,
    /// How many turns `added_latency` is measured over.
    pub added_latency_turns: usize,
    /// How `added_latency` is computed in this run.
    pub added_latency_method: String,
    /// CPU seconds (user + system) of the measured process per 1,000 answered turns.
    pub cpu_secs_per_1000_turns: Option<f64>,
    /// Peak resident memory (VmHWM) of the measured process, KiB.
    pub peak_rss_kib: Option<u64>,
    /// Resident memory of the measured process with every conversation open, KiB.
    pub rss_open_kib: Option<u64>,
    /// Conversations the bot held when `rss_open_kib` was read.
    pub bot_open_conversations: Option<u64>,
    /// Resident memory per open conversation, KiB: (RSS with all open - RSS
    /// before the first) / conversations.
    pub rss_per_conversation_kib: Option<f64>,
    /// From the `bot-connector` process's start to its bot Online, in
    /// milliseconds (separate-process runs).
    pub time_to_online_ms: Option<f64>,
    /// The bot's conversation errors by code.
    pub errors_by_code: BTreeMap<String, usize>,
    /// The first message of each error code, to see what happened.
    pub error_samples: BTreeMap<String, String>,
    /// Escalations the runtime counted.
    pub escalations: u64,
    /// Faults injected (chaos runs).
    pub chaos: Option<ChaosCounts>,
    /// RSS before and after (chaos runs).
    pub rss_after_chaos: Option<RssAfterChaos>,
}

impl Report {
    /// Whether every message got exactly one answer or an escalation.
    #[must_use]
    pub fn exactly_once(&self) -> bool {
        self.lost == 0 && self.duplicated == 0
    }

    /// The report as a Markdown table.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let opt = |v: Option<f64>| v.map_or_else(|| "n/a".into(), |v| format!("{v:.2}"));
        let mib = |v: Option<u64>| opt(v.map(|k| k as f64 / 1024.0));
        let mut rows = vec![
            ("mode", self.mode.clone()),
            ("engine", self.engine.clone()),
            ("transport", self.transport.clone()),
            ("CPU and memory of", self.measured_process.clone()),
            ("conversations", self.conversations.to_string()),
            ("messages sent", self.messages_sent.to_string()),
            ("answered exactly once", self.answered.to_string()),
            (
                "escalated conversations",
                self.escalated_conversations.to_string(),
            ),
            ("lost", self.lost.to_string()),
            ("duplicated", self.duplicated.to_string()),
            ("wall time (s)", format!("{:.2}", self.wall_secs)),
            ("turns per second", format!("{:.0}", self.turns_per_sec)),
            (
                "turn latency p50 / p90 / p99 / max (ms)",
                format!(
                    "{:.2} / {:.2} / {:.2} / {:.2}",
                    self.turn_latency.p50_ms,
                    self.turn_latency.p90_ms,
                    self.turn_latency.p99_ms,
                    self.turn_latency.max_ms
                ),
            ),
            (
                "connector-added latency p50 / p90 / p99 / max (ms)",
                format!(
                    "{:.2} / {:.2} / {:.2} / {:.2} ({} turns)",
                    self.added_latency.p50_ms,
                    self.added_latency.p90_ms,
                    self.added_latency.p99_ms,
                    self.added_latency.max_ms,
                    self.added_latency_turns
                ),
            ),
            (
                "inside the connector p50 / p90 / p99 at most (ms)",
                self.connector_turn.map_or_else(
                    || "n/a".into(),
                    |t| {
                        format!(
                            "{} / {} / {} ({} turns)",
                            t.p50_ms_at_most, t.p90_ms_at_most, t.p99_ms_at_most, t.turns
                        )
                    },
                ),
            ),
            (
                "CPU seconds per 1,000 turns",
                opt(self.cpu_secs_per_1000_turns),
            ),
            ("peak RSS (MiB)", mib(self.peak_rss_kib)),
            (
                "RSS with all conversations open (MiB)",
                mib(self.rss_open_kib),
            ),
            (
                "conversations the bot held then",
                self.bot_open_conversations
                    .map_or_else(|| "n/a".into(), |n| n.to_string()),
            ),
            (
                "RSS per open conversation (KiB)",
                opt(self.rss_per_conversation_kib),
            ),
            ("process start to Online (ms)", opt(self.time_to_online_ms)),
            ("escalations", self.escalations.to_string()),
        ];
        for (code, n) in &self.errors_by_code {
            rows.push(("errors: ", format!("{code}: {n}")));
        }
        if let Some(chaos) = &self.chaos {
            rows.push((
                "chaos (drops / 4401 / expiries / failing logins / slow logins / malformed / engine stalls / engine 503 bursts)",
                format!(
                    "{} / {} / {} / {} / {} / {} / {} / {}",
                    chaos.socket_drops,
                    chaos.closes_4401,
                    chaos.token_expiries,
                    chaos.failing_logins,
                    chaos.slow_logins,
                    chaos.malformed_frames,
                    chaos.engine_stalls,
                    chaos.engine_failures
                ),
            ));
        }
        if let Some(rss) = &self.rss_after_chaos {
            rows.push((
                "RSS before chaos / after the run (MiB)",
                format!(
                    "{:.2} / {:.2} ({:+.1} %)",
                    rss.before_kib as f64 / 1024.0,
                    rss.after_kib as f64 / 1024.0,
                    rss.change_percent
                ),
            ));
            rows.push((
                "RSS back within 10 % after chaos",
                if rss.within_10_percent { "yes" } else { "no" }.to_owned(),
            ));
        }
        let mut out = String::from("| measure | value |\n|---|---:|\n");
        for (name, value) in rows {
            out.push_str(&format!("| {name} | {value} |\n"));
        }
        for note in &self.notes {
            out.push_str(&format!("\nNote: {note}\n"));
        }
        if !self.added_latency_method.is_empty() {
            out.push_str(&format!(
                "\nConnector-added latency: {}\n",
                self.added_latency_method
            ));
        }
        out
    }
}
