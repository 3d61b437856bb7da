//! The bot's share of each turn, timed at the agent socket: from the moment
//! the emulator finished writing a consumer's message to an agent's socket
//! to the moment it read that agent's next message in the same dialog.
//!
//! What lies between the two is the loopback hop both ways and the bot
//! itself (its transport, runtime and engine); what the emulator and the
//! consumer do is outside. Off unless [`crate::SimBuilder::time_agent_turns`]
//! turns it on.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

/// Pending deliveries per dialog and the turn times measured so far.
#[derive(Debug, Default)]
pub(crate) struct AgentClock {
    /// When each consumer message not answered yet reached an agent socket,
    /// oldest first, per dialog id.
    pending: HashMap<Arc<str>, VecDeque<Instant>>,
    /// Measured turn times, microseconds.
    samples: Vec<u32>,
}

impl AgentClock {
    /// A consumer message of `dialog` was written to an agent socket at `at`.
    pub(crate) fn delivered(&mut self, dialog: Arc<str>, at: Instant) {
        self.pending.entry(dialog).or_default().push_back(at);
    }

    /// An agent's message in `dialog` was read from its socket at `at`:
    /// the oldest unanswered consumer message of the dialog is answered.
    pub(crate) fn answered(&mut self, dialog: &str, at: Instant) {
        let Some(queue) = self.pending.get_mut(dialog) else {
            return;
        };
        if let Some(since) = queue.pop_front() {
            let micros = at.saturating_duration_since(since).as_micros();
            self.samples.push(u32::try_from(micros).unwrap_or(u32::MAX));
        }
        if queue.is_empty() {
            self.pending.remove(dialog);
        }
    }

    /// Every turn time measured so far.
    pub(crate) fn samples(&self) -> Vec<Duration> {
        self.samples
            .iter()
            .map(|&us| Duration::from_micros(u64::from(us)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_match_the_oldest_delivery_of_their_dialog() {
        let mut clock = AgentClock::default();
        let t0 = Instant::now();
        clock.delivered("a".into(), t0);
        clock.delivered("b".into(), t0 + Duration::from_millis(1));
        clock.delivered("a".into(), t0 + Duration::from_millis(2));
        clock.answered("a", t0 + Duration::from_millis(5));
        clock.answered("b", t0 + Duration::from_millis(4));
        clock.answered("a", t0 + Duration::from_millis(10));
        // A message with nothing pending (a welcome, a second bubble) is no turn.
        clock.answered("a", t0 + Duration::from_millis(11));
        clock.answered("c", t0 + Duration::from_millis(11));
        assert_eq!(
            clock.samples(),
            vec![
                Duration::from_millis(5),
                Duration::from_millis(3),
                Duration::from_millis(8)
            ]
        );
        assert!(clock.pending.is_empty());
    }
}
