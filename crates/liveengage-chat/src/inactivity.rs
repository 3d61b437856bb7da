//! Chat inactivity: a warning after some consumer silence, a close after more.
//!
//! The timers live in the transport, not in `connector-runtime`: they act on
//! the chat only (a line, then the end of the chat), need no engine, and are a
//! chat-only feature of LiveEngage's bot settings. [`InactivityTimers`] is a
//! pure value driven by the caller's clock, so its logic is tested without a
//! network or a runtime; the channel feeds it consumer lines and asks it what is
//! due at each poll.

use std::collections::HashMap;

use tokio::time::Instant;

use crate::config::InactivitySettings;

/// What inactivity asks of a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InactivityAction {
    /// Send the warning message.
    Warn {
        /// The warning text.
        message: String,
    },
    /// Send the close message (if any) and end the chat.
    Close {
        /// The close text.
        message: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tracked {
    last_activity: Instant,
    warned: bool,
}

/// The inactivity state of every chat the bot holds.
#[derive(Debug, Clone)]
pub struct InactivityTimers {
    settings: InactivitySettings,
    chats: HashMap<String, Tracked>,
}

impl InactivityTimers {
    /// Timers with these settings.
    #[must_use]
    pub fn new(settings: InactivitySettings) -> Self {
        Self {
            settings,
            chats: HashMap::new(),
        }
    }

    /// Whether any timer is configured.
    #[must_use]
    pub fn enabled(&self) -> bool {
        self.settings.warning_after.is_some() || self.settings.close_after.is_some()
    }

    /// The bot took `chat` at `now`: the consumer's silence starts counting.
    pub fn start(&mut self, chat: &str, now: Instant) {
        self.chats.insert(
            chat.to_owned(),
            Tracked {
                last_activity: now,
                warned: false,
            },
        );
    }

    /// The consumer wrote in `chat` at `now`: both timers start again.
    pub fn consumer_activity(&mut self, chat: &str, now: Instant) {
        if let Some(t) = self.chats.get_mut(chat) {
            t.last_activity = now;
            t.warned = false;
        }
    }

    /// The chat left the bot (ended, transferred, closed).
    pub fn stop(&mut self, chat: &str) {
        self.chats.remove(chat);
    }

    /// The earliest moment something becomes due, if any.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Instant> {
        self.chats
            .values()
            .filter_map(|t| self.deadline_of(t))
            .min()
    }

    fn deadline_of(&self, t: &Tracked) -> Option<Instant> {
        let warn = (!t.warned)
            .then_some(self.settings.warning_after)
            .flatten()
            .map(|d| t.last_activity + d);
        let close = self.settings.close_after.map(|d| t.last_activity + d);
        match (warn, close) {
            (Some(w), Some(c)) => Some(w.min(c)),
            (w, c) => w.or(c),
        }
    }

    /// What is due at `now`, once each: a warning is given once per silence, a
    /// close ends the chat's timers.
    pub fn due(&mut self, now: Instant) -> Vec<(String, InactivityAction)> {
        let mut due = Vec::new();
        let mut closed = Vec::new();
        for (chat, t) in &mut self.chats {
            if let Some(after) = self.settings.close_after
                && now >= t.last_activity + after
            {
                due.push((
                    chat.clone(),
                    InactivityAction::Close {
                        message: self.settings.close_message.clone(),
                    },
                ));
                closed.push(chat.clone());
                continue;
            }
            if let (Some(after), Some(message)) = (
                self.settings.warning_after,
                self.settings.warning_message.as_ref(),
            ) && !t.warned
                && now >= t.last_activity + after
            {
                t.warned = true;
                due.push((
                    chat.clone(),
                    InactivityAction::Warn {
                        message: message.clone(),
                    },
                ));
            }
        }
        for chat in closed {
            self.chats.remove(&chat);
        }
        due.sort_by(|a, b| a.0.cmp(&b.0));
        due
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn timers() -> InactivityTimers {
        InactivityTimers::new(
            InactivitySettings::default()
                .warn(Duration::from_secs(60), "Are you still there?")
                .close(Duration::from_secs(120), "Closing, bye!"),
        )
    }

    /// Sleeps on tokio's paused clock until the next deadline and returns what is due.
    async fn run_to_next(t: &mut InactivityTimers) -> (Duration, Vec<(String, InactivityAction)>) {
        let before = Instant::now();
        let deadline = t.next_deadline().expect("a deadline");
        tokio::time::sleep_until(deadline).await;
        (Instant::now() - before, t.due(Instant::now()))
    }

    #[tokio::test(start_paused = true)]
    async fn warns_once_then_closes_on_continued_silence() {
        let mut t = timers();
        t.start("c1", Instant::now());
        assert!(t.due(Instant::now()).is_empty());
        let (waited, due) = run_to_next(&mut t).await;
        assert_eq!(waited, Duration::from_secs(60));
        assert_eq!(
            due,
            vec![(
                "c1".to_owned(),
                InactivityAction::Warn {
                    message: "Are you still there?".into()
                }
            )]
        );
        assert!(
            t.due(Instant::now()).is_empty(),
            "the warning is given once"
        );
        let (waited, due) = run_to_next(&mut t).await;
        assert_eq!(
            waited,
            Duration::from_secs(60),
            "close counts from the last line too"
        );
        assert_eq!(
            due,
            vec![(
                "c1".to_owned(),
                InactivityAction::Close {
                    message: Some("Closing, bye!".into())
                }
            )]
        );
        assert_eq!(t.next_deadline(), None, "a closed chat has no timers");
    }

    #[tokio::test(start_paused = true)]
    async fn each_consumer_line_starts_both_timers_again() {
        let mut t = timers();
        t.start("c1", Instant::now());
        tokio::time::advance(Duration::from_secs(59)).await;
        t.consumer_activity("c1", Instant::now());
        tokio::time::advance(Duration::from_secs(59)).await;
        assert!(
            t.due(Instant::now()).is_empty(),
            "no warning 59 s after the line"
        );
        let (waited, due) = run_to_next(&mut t).await;
        assert_eq!(waited, Duration::from_secs(1));
        assert!(matches!(due[0].1, InactivityAction::Warn { .. }));
        // A line after the warning: warned again after another full silence, no close yet.
        t.consumer_activity("c1", Instant::now());
        tokio::time::advance(Duration::from_secs(119)).await;
        let due = t.due(Instant::now());
        assert_eq!(due.len(), 1);
        assert!(matches!(due[0].1, InactivityAction::Warn { .. }));
        let (waited, due) = run_to_next(&mut t).await;
        assert_eq!(waited, Duration::from_secs(1));
        assert!(matches!(due[0].1, InactivityAction::Close { .. }));
    }

    #[tokio::test(start_paused = true)]
    async fn stopped_and_unconfigured_chats_have_no_timers() {
        let mut t = timers();
        t.start("c1", Instant::now());
        t.start("c2", Instant::now());
        t.stop("c1");
        tokio::time::advance(Duration::from_secs(61)).await;
        let due = t.due(Instant::now());
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].0, "c2");
        let mut none = InactivityTimers::new(InactivitySettings::default());
        assert!(!none.enabled());
        none.start("c", Instant::now());
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert!(none.due(Instant::now()).is_empty());
        assert_eq!(none.next_deadline(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn close_without_warning_configured() {
        let mut t = InactivityTimers::new(
            InactivitySettings::default().close(Duration::from_secs(30), "bye"),
        );
        t.start("c", Instant::now());
        let (waited, due) = run_to_next(&mut t).await;
        assert_eq!(waited, Duration::from_secs(30));
        assert_eq!(
            due[0].1,
            InactivityAction::Close {
                message: Some("bye".into())
            }
        );
    }
}
