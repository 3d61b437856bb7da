//! The adaptive poll interval: fast while chats are open, backing off when idle.

use std::time::Duration;

use crate::config::PollingSettings;

/// Chooses the wait before the next poll.
#[derive(Debug, Clone)]
pub struct PollPacer {
    settings: PollingSettings,
    idle: Duration,
}

impl PollPacer {
    /// A pacer with these intervals.
    #[must_use]
    pub fn new(settings: PollingSettings) -> Self {
        Self {
            idle: settings.idle,
            settings,
        }
    }

    /// The wait after a poll. `open_chats`: chats the bot holds; `activity`:
    /// whether the poll found anything (a ringing chat, a new event).
    pub fn next(&mut self, open_chats: usize, activity: bool) -> Duration {
        if open_chats > 0 || activity {
            self.idle = self.settings.idle;
            return self.settings.active;
        }
        let wait = self.idle;
        self.idle = (self.idle * 2).min(self.settings.idle_max);
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_when_idle_and_snaps_back_on_activity() {
        let mut p = PollPacer::new(PollingSettings::default());
        let idle: Vec<u64> = (0..5).map(|_| p.next(0, false).as_secs()).collect();
        assert_eq!(idle, [2, 4, 8, 8, 8]);
        assert_eq!(p.next(0, true), Duration::from_secs(1));
        assert_eq!(p.next(2, false), Duration::from_secs(1));
        assert_eq!(
            p.next(0, false),
            Duration::from_secs(2),
            "idle backoff starts over"
        );
    }
}
