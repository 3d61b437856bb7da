//! A bot's state events across runs, and its uptime.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use connector_runtime::BotStatus;
use serde::Serialize;

/// How many state events are kept per bot.
const EVENTS: usize = 500;

/// One state change, as the status page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateEvent {
    /// A unique id, for "copy error details".
    pub id: String,
    /// Milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// `Online`, `Offline`, `Vendor Interruption` or `Service Interruption`.
    pub state: String,
    /// The error code of an interruption or a failed start.
    pub code: Option<String>,
    /// What happened.
    pub message: Option<String>,
}

/// The state history and uptime of one bot.
#[derive(Debug, Default)]
pub struct Journal {
    events: VecDeque<StateEvent>,
    first_started: Option<SystemTime>,
    started: Option<SystemTime>,
    online_since: Option<SystemTime>,
    online_total: Duration,
    reconnects: u64,
}

/// Milliseconds since the Unix epoch.
#[must_use]
pub fn unix_ms(at: SystemTime) -> u64 {
    u64::try_from(
        at.duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis(),
    )
    .unwrap_or(0)
}

impl Journal {
    /// A run begins.
    pub fn started(&mut self, at: SystemTime) {
        self.first_started.get_or_insert(at);
        self.started = Some(at);
    }

    /// Records a status; returns whether it was a reconnection (Service
    /// Interruption back to Online).
    pub fn record(&mut self, status: &BotStatus, at: SystemTime) -> bool {
        let label = status.label();
        if self.events.back().is_some_and(|e| e.state == label) {
            return false;
        }
        let reconnect = label == "Online"
            && self
                .events
                .back()
                .is_some_and(|e| e.state == "Service Interruption");
        if reconnect {
            self.reconnects += 1;
        }
        let (code, message) = match status {
            BotStatus::VendorInterruption { code, message }
            | BotStatus::ServiceInterruption { code, message } => {
                (Some(code.to_string()), Some(message.clone()))
            }
            _ => (None, None),
        };
        if label == "Online" {
            self.online_since.get_or_insert(at);
        } else if let Some(since) = self.online_since.take() {
            self.online_total += at.duration_since(since).unwrap_or_default();
        }
        self.push(label, code, message, at);
        reconnect
    }

    /// A start that failed, with its code.
    pub fn start_failed(&mut self, code: &str, message: &str, at: SystemTime) {
        self.push(
            "Offline",
            Some(code.to_owned()),
            Some(message.to_owned()),
            at,
        );
    }

    /// The run ended.
    pub fn stopped(&mut self, at: SystemTime) {
        self.record(&BotStatus::Offline, at);
        self.started = None;
    }

    fn push(&mut self, state: &str, code: Option<String>, message: Option<String>, at: SystemTime) {
        if self.events.len() == EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(StateEvent {
            id: uuid::Uuid::new_v4().to_string(),
            at_ms: unix_ms(at),
            state: state.to_owned(),
            code,
            message,
        });
    }

    /// The events, oldest first.
    #[must_use]
    pub fn events(&self) -> Vec<StateEvent> {
        self.events.iter().cloned().collect()
    }

    /// When the current run started.
    #[must_use]
    pub fn run_started(&self) -> Option<SystemTime> {
        self.started
    }

    /// How long the bot has been Online in total.
    #[must_use]
    pub fn online(&self, now: SystemTime) -> Duration {
        self.online_total
            + self
                .online_since
                .map(|s| now.duration_since(s).unwrap_or_default())
                .unwrap_or_default()
    }

    /// Online time as a percentage of the time since the first start.
    #[must_use]
    pub fn uptime_percent(&self, now: SystemTime) -> f64 {
        let Some(first) = self.first_started else {
            return 0.0;
        };
        let span = now.duration_since(first).unwrap_or_default().as_secs_f64();
        if span <= 0.0 {
            return 0.0;
        }
        (self.online(now).as_secs_f64() / span * 100.0).min(100.0)
    }

    /// Reconnections observed.
    #[must_use]
    pub fn reconnects(&self) -> u64 {
        self.reconnects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::ErrorCode;

    #[test]
    fn uptime_counts_online_time_and_reconnects_are_detected() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000);
        let mut j = Journal::default();
        j.started(t0);
        j.record(&BotStatus::Online, t0);
        let down = BotStatus::ServiceInterruption {
            code: ErrorCode::new("messaging.socket"),
            message: "closed".into(),
        };
        assert!(!j.record(&down, t0 + Duration::from_secs(30)));
        assert!(j.record(&BotStatus::Online, t0 + Duration::from_secs(40)));
        let now = t0 + Duration::from_secs(100);
        assert_eq!(j.online(now), Duration::from_secs(90));
        assert!((j.uptime_percent(now) - 90.0).abs() < 1e-9);
        let states: Vec<_> = j.events().into_iter().map(|e| (e.state, e.code)).collect();
        assert_eq!(
            states,
            [
                ("Online".to_owned(), None),
                (
                    "Service Interruption".to_owned(),
                    Some("messaging.socket".to_owned())
                ),
                ("Online".to_owned(), None)
            ]
        );
        assert_eq!(j.reconnects(), 1);
    }
}
