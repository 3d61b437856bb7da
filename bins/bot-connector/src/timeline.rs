//! Conversation metrics over time windows, from periodic samples of the
//! runtime's counters (which reset when a bot restarts, as in LiveEngage).

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use connector_runtime::MetricsSnapshot;
use serde::Serialize;

/// The longest window kept (LiveEngage shows up to a week).
pub const RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// The windows the dashboard offers, with their names.
pub const WINDOWS: [(&str, Duration); 5] = [
    ("10m", Duration::from_secs(600)),
    ("1h", Duration::from_secs(3600)),
    ("24h", Duration::from_secs(24 * 3600)),
    ("7d", Duration::from_secs(7 * 24 * 3600)),
    ("run", Duration::MAX),
];

#[derive(Debug, Clone, Copy)]
struct Sample {
    at: SystemTime,
    run: u64,
    counts: Counts,
}

/// The four counters of the conversation metrics tab.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Conversations received.
    pub total: u64,
    /// Closed while with the bot.
    pub closed: u64,
    /// Transferred by the bot.
    pub transferred: u64,
    /// Escalated because of an error.
    pub escalated: u64,
}

impl From<MetricsSnapshot> for Counts {
    fn from(s: MetricsSnapshot) -> Self {
        Self {
            total: s.conversations,
            closed: s.closed,
            transferred: s.transferred,
            escalated: s.escalated,
        }
    }
}

/// One window's numbers with percentages of the total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowMetrics {
    /// `10m`, `1h`, `24h`, `7d` or `run` (since the bot started).
    pub window: String,
    /// The counts within the window.
    #[serde(flatten)]
    pub counts: Counts,
    /// Closed as a percentage of total.
    pub closed_percent: f64,
    /// Transferred as a percentage of total.
    pub transferred_percent: f64,
    /// Escalated as a percentage of total.
    pub escalated_percent: f64,
}

/// Samples of one bot's counters.
#[derive(Debug, Default)]
pub struct Timeline {
    samples: VecDeque<Sample>,
}

impl Timeline {
    /// Adds a sample of run `run` taken at `at`; drops samples older than [`RETENTION`].
    pub fn sample(&mut self, at: SystemTime, run: u64, counts: Counts) {
        self.samples.push_back(Sample { at, run, counts });
        while self
            .samples
            .front()
            .is_some_and(|s| at.duration_since(s.at).unwrap_or_default() > RETENTION)
        {
            self.samples.pop_front();
        }
    }

    /// The metrics of every window, given the current counts of run `run`.
    #[must_use]
    pub fn windows(&self, now: SystemTime, run: u64, current: Counts) -> Vec<WindowMetrics> {
        WINDOWS
            .iter()
            .map(|(name, length)| {
                let baseline = now
                    .checked_sub(*length)
                    .and_then(|cutoff| {
                        self.samples
                            .iter()
                            .rev()
                            .find(|s| s.run == run && s.at <= cutoff)
                    })
                    .map(|s| s.counts)
                    .unwrap_or_default();
                let counts = Counts {
                    total: current.total.saturating_sub(baseline.total),
                    closed: current.closed.saturating_sub(baseline.closed),
                    transferred: current.transferred.saturating_sub(baseline.transferred),
                    escalated: current.escalated.saturating_sub(baseline.escalated),
                };
                let pct = |n: u64| {
                    if counts.total == 0 {
                        0.0
                    } else {
                        (n as f64 * 1000.0 / counts.total as f64).round() / 10.0
                    }
                };
                WindowMetrics {
                    window: (*name).to_owned(),
                    counts,
                    closed_percent: pct(counts.closed),
                    transferred_percent: pct(counts.transferred),
                    escalated_percent: pct(counts.escalated),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn counts(total: u64, closed: u64) -> Counts {
        Counts {
            total,
            closed,
            transferred: 0,
            escalated: 0,
        }
    }

    #[test]
    fn windows_subtract_the_sample_at_their_start_within_the_current_run() {
        let t0 = UNIX_EPOCH + Duration::from_secs(10_000_000);
        let mut t = Timeline::default();
        t.sample(t0, 1, counts(4, 1));
        t.sample(t0 + Duration::from_secs(3000), 1, counts(10, 5));
        let now = t0 + Duration::from_secs(3700);
        let w = t.windows(now, 1, counts(12, 6));
        assert_eq!(w[0].window, "10m");
        assert_eq!((w[0].counts.total, w[0].counts.closed), (2, 1));
        assert!((w[0].closed_percent - 50.0).abs() < 1e-9);
        assert_eq!(w[1].window, "1h");
        assert_eq!(w[1].counts.total, 8);
        assert_eq!(w[4].counts.total, 12, "whole run");
        let other_run = t.windows(now, 2, counts(3, 0));
        assert_eq!(
            other_run[0].counts.total, 3,
            "samples of older runs do not count"
        );
    }
}
