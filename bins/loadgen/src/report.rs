//! The report of a run, as JSON and as a Markdown table.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::chaos::ChaosCounts;

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

/// What a run measured and checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
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
    /// What went wrong on the consumers' side (first 20).
    pub problems: Vec<String>,
    /// Wall time of the run in seconds.
    pub wall_secs: f64,
    /// Answered turns per second.
    pub turns_per_sec: f64,
    /// Turn latency as the consumer sees it.
    pub turn_latency: Latency,
    /// Turn latency minus the engine's configured time: what the emulator,
    /// the transport and the runtime add (this process runs all three).
    pub added_latency: Latency,
    /// CPU seconds (user + system) of the whole process per 1,000 answered turns.
    pub cpu_secs_per_1000_turns: Option<f64>,
    /// Peak resident memory of the process, KiB.
    pub peak_rss_kib: Option<u64>,
    /// Resident memory per open conversation, KiB (emulator and consumers included).
    pub rss_per_conversation_kib: Option<f64>,
    /// The bot's conversation errors by code.
    pub errors_by_code: BTreeMap<String, usize>,
    /// The first message of each error code, to see what happened.
    pub error_samples: BTreeMap<String, String>,
    /// Escalations the runtime counted.
    pub escalations: u64,
    /// Faults injected (chaos runs).
    pub chaos: Option<ChaosCounts>,
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
        let mut rows = vec![
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
                "added latency p50 / p99 (ms)",
                format!(
                    "{:.2} / {:.2}",
                    self.added_latency.p50_ms, self.added_latency.p99_ms
                ),
            ),
            (
                "CPU seconds per 1,000 turns",
                opt(self.cpu_secs_per_1000_turns),
            ),
            (
                "peak RSS (MiB)",
                opt(self.peak_rss_kib.map(|k| k as f64 / 1024.0)),
            ),
            (
                "RSS per open conversation (KiB)",
                opt(self.rss_per_conversation_kib),
            ),
            ("escalations", self.escalations.to_string()),
        ];
        for (code, n) in &self.errors_by_code {
            rows.push(("errors: ", format!("{code}: {n}")));
        }
        if let Some(chaos) = &self.chaos {
            rows.push((
                "chaos (drops / 4401 / expiries / failing logins / malformed / engine stalls)",
                format!(
                    "{} / {} / {} / {} / {} / {}",
                    chaos.socket_drops,
                    chaos.closes_4401,
                    chaos.token_expiries,
                    chaos.failing_logins,
                    chaos.malformed_frames,
                    chaos.engine_stalls
                ),
            ));
        }
        let mut out = String::from("| measure | value |\n|---|---:|\n");
        for (name, value) in rows {
            out.push_str(&format!("| {name} | {value} |\n"));
        }
        out
    }
}
