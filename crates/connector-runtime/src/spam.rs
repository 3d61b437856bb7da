//! The sliding window behind the consumer spam guard.

use std::collections::VecDeque;

use tokio::time::Instant;

use crate::config::SpamGuard;

/// Arrival times of one conversation's recent consumer messages.
#[derive(Debug, Default)]
pub(crate) struct SpamWindow {
    arrivals: VecDeque<Instant>,
}

impl SpamWindow {
    /// Records a message arriving at `now`; `false` when it exceeds the guard
    /// and must not reach the engine. Suppressed messages still count, so a
    /// consumer who keeps flooding stays suspended until they slow down.
    pub(crate) fn admit(&mut self, guard: &SpamGuard, now: Instant) -> bool {
        while let Some(&oldest) = self.arrivals.front() {
            if now.duration_since(oldest) >= guard.window {
                self.arrivals.pop_front();
            } else {
                break;
            }
        }
        self.arrivals.push_back(now);
        self.arrivals.len() <= guard.max_messages
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn more_than_four_in_two_seconds_is_suppressed_until_the_rate_drops() {
        let guard = SpamGuard::default();
        let mut w = SpamWindow::default();
        let t0 = Instant::now();
        let admitted: Vec<bool> = (0..6)
            .map(|i| w.admit(&guard, t0 + Duration::from_millis(100 * i)))
            .collect();
        assert_eq!(admitted, [true, true, true, true, false, false]);
        // 2 s after the burst, the window is empty again.
        assert!(w.admit(&guard, t0 + Duration::from_millis(2600)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_steady_pace_is_never_suppressed() {
        let guard = SpamGuard::default();
        let mut w = SpamWindow::default();
        let t0 = Instant::now();
        assert!((0..50).all(|i| w.admit(&guard, t0 + Duration::from_millis(600 * i))));
    }
}
