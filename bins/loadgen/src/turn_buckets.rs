//! The connector's own time per turn, as `bot-connector` buckets it
//! (`bot_connector_turn_seconds`, from 0.125 ms doubling) — read from its
//! `/metrics`, or counted the same way from the in-process transport's
//! `TurnObserver`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;

/// Upper bounds of the buckets in seconds: 0.125 ms doubling, 16 of them,
/// as `bot-connector`'s `turn_seconds` histogram (a different layout there
/// makes [`TurnBuckets::from_metrics`] find nothing rather than misread);
/// one more bucket holds the rest.
#[must_use]
pub fn bounds() -> [f64; 16] {
    std::array::from_fn(|i| 0.000_125 * f64::from(1u32 << i))
}

/// Turn counts per bucket (not cumulative); the last is above every bound.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TurnBuckets(pub Vec<u64>);

/// Percentiles as bucket upper bounds: "at most this many milliseconds".
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TurnQuantiles {
    /// Turns counted.
    pub turns: u64,
    /// Half the turns took at most this long.
    pub p50_ms_at_most: f64,
    /// 90 % took at most this long.
    pub p90_ms_at_most: f64,
    /// 99 % took at most this long.
    pub p99_ms_at_most: f64,
}

impl TurnBuckets {
    /// Reads `bot_connector_turn_seconds_bucket{bot="…",le="…"}` lines (the
    /// counts there are cumulative) for `bot` from a `/metrics` text.
    #[must_use]
    pub fn from_metrics(text: &str, bot: &str) -> Option<Self> {
        let bounds = bounds();
        let mut cumulative = vec![None; bounds.len() + 1];
        let label = format!("bot=\"{bot}\"");
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("bot_connector_turn_seconds_bucket{") else {
                continue;
            };
            let Some((labels, value)) = rest.split_once("} ") else {
                continue;
            };
            if !labels.split(',').any(|l| l == label) {
                continue;
            }
            let Some(le) = labels
                .split(',')
                .find_map(|l| l.strip_prefix("le=\""))
                .map(|l| l.trim_end_matches('"'))
            else {
                continue;
            };
            let Ok(count) = value.trim().parse::<f64>() else {
                continue;
            };
            let index = if le == "+Inf" {
                Some(bounds.len())
            } else {
                le.parse::<f64>()
                    .ok()
                    .and_then(|le| bounds.iter().position(|b| (b - le).abs() < b * 1e-6))
            };
            if let Some(index) = index {
                cumulative[index] = Some(count as u64);
            }
        }
        let cumulative: Option<Vec<u64>> = cumulative.into_iter().collect();
        let cumulative = cumulative?;
        let mut previous = 0;
        Some(Self(
            cumulative
                .iter()
                .map(|&c| {
                    let n = c.saturating_sub(previous);
                    previous = c.max(previous);
                    n
                })
                .collect(),
        ))
    }

    /// What was counted since `earlier`.
    #[must_use]
    pub fn since(&self, earlier: &Self) -> Self {
        Self(
            self.0
                .iter()
                .enumerate()
                .map(|(i, n)| n.saturating_sub(earlier.0.get(i).copied().unwrap_or(0)))
                .collect(),
        )
    }

    /// p50, p90 and p99 as bucket upper bounds; `None` without turns.
    #[must_use]
    pub fn quantiles(&self) -> Option<TurnQuantiles> {
        let total: u64 = self.0.iter().sum();
        if total == 0 {
            return None;
        }
        let bounds = bounds();
        let at = |q: f64| {
            let want = (q * total as f64).ceil() as u64;
            let mut seen = 0;
            for (i, n) in self.0.iter().enumerate() {
                seen += n;
                if seen >= want {
                    return bounds.get(i).map_or(f64::INFINITY, |b| b * 1000.0);
                }
            }
            f64::INFINITY
        };
        Some(TurnQuantiles {
            turns: total,
            p50_ms_at_most: at(0.50),
            p90_ms_at_most: at(0.90),
            p99_ms_at_most: at(0.99),
        })
    }
}

/// The same buckets, counted from the in-process transport's observer.
#[derive(Debug, Default)]
pub struct TurnCounter(Vec<AtomicU64>);

impl TurnCounter {
    /// Empty buckets.
    #[must_use]
    pub fn new() -> Self {
        Self((0..=bounds().len()).map(|_| AtomicU64::new(0)).collect())
    }

    /// Counts one turn.
    pub fn observe(&self, turn: Duration) {
        let secs = turn.as_secs_f64();
        let bounds = bounds();
        let index = bounds
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(bounds.len());
        if let Some(bucket) = self.0.get(index) {
            bucket.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The counts so far.
    #[must_use]
    pub fn snapshot(&self) -> TurnBuckets {
        TurnBuckets(self.0.iter().map(|n| n.load(Ordering::Relaxed)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_read_from_metrics_give_percentiles_as_upper_bounds() {
        let bounds = bounds();
        let mut text = String::from("# TYPE bot_connector_turn_seconds histogram\n");
        // 50 turns ≤ 0.125 ms, 40 more ≤ 0.25 ms, 9 more ≤ 1 ms, 1 ≤ 4 ms.
        let cumulative = |i: usize| match i {
            0 => 50,
            1 | 2 => 90,
            3..=4 => 99,
            _ => 100,
        };
        for (i, b) in bounds.iter().enumerate() {
            text.push_str(&format!(
                "bot_connector_turn_seconds_bucket{{bot=\"b\",le=\"{b}\"}} {}\n",
                cumulative(i)
            ));
            text.push_str(&format!(
                "bot_connector_turn_seconds_bucket{{bot=\"other\",le=\"{b}\"}} 7\n"
            ));
        }
        text.push_str("bot_connector_turn_seconds_bucket{bot=\"b\",le=\"+Inf\"} 100\n");
        text.push_str("bot_connector_turn_seconds_bucket{bot=\"other\",le=\"+Inf\"} 7\n");
        let buckets = TurnBuckets::from_metrics(&text, "b").unwrap();
        let q = buckets.quantiles().unwrap();
        assert_eq!(q.turns, 100);
        assert!((q.p50_ms_at_most - 0.125).abs() < 1e-9, "{q:?}");
        assert!((q.p90_ms_at_most - 0.25).abs() < 1e-9, "{q:?}");
        assert!((q.p99_ms_at_most - 1.0).abs() < 1e-9, "{q:?}");
        assert_eq!(buckets.since(&buckets).quantiles(), None);
        assert!(TurnBuckets::from_metrics(&text, "missing").is_none());
    }

    #[test]
    fn the_counter_buckets_as_the_connector_does() {
        let counter = TurnCounter::new();
        counter.observe(Duration::from_micros(100));
        counter.observe(Duration::from_micros(200));
        counter.observe(Duration::from_millis(3));
        counter.observe(Duration::from_secs(60));
        let q = counter.snapshot().quantiles().unwrap();
        assert_eq!(q.turns, 4);
        assert!((q.p50_ms_at_most - 0.25).abs() < 1e-9, "{q:?}");
        assert!(q.p99_ms_at_most.is_infinite(), "{q:?}");
    }
}
