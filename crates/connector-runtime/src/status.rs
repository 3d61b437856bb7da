//! The bot status as the dashboard shows it, and its history.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::SystemTime;

use connector_core::ErrorCode;
use tokio::sync::watch;

/// How many status changes are kept.
const HISTORY: usize = 200;

/// LiveEngage's bot states.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BotStatus {
    /// Not taking conversations (not started, or stopped).
    Offline,
    /// Taking and processing conversations.
    Online,
    /// The engine is failing: new conversations are escalated at once.
    VendorInterruption {
        /// The code of the last engine failure.
        code: ErrorCode,
        /// What happened.
        message: String,
    },
    /// LiveEngage cannot be reached: nothing is processed until it comes back.
    ServiceInterruption {
        /// The code the transport reported.
        code: ErrorCode,
        /// What happened.
        message: String,
    },
}

impl BotStatus {
    /// `Offline`, `Online`, `Vendor Interruption` or `Service Interruption`.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Offline => "Offline",
            Self::Online => "Online",
            Self::VendorInterruption { .. } => "Vendor Interruption",
            Self::ServiceInterruption { .. } => "Service Interruption",
        }
    }
}

/// One change of status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEvent {
    /// The new status.
    pub status: BotStatus,
    /// When it changed.
    pub at: SystemTime,
}

#[derive(Debug, Default)]
struct Flags {
    running: bool,
    connected: bool,
    channel_problem: Option<(ErrorCode, String)>,
    vendor_problem: Option<(ErrorCode, String)>,
}

/// Derives the status from what the runtime observes and publishes changes.
#[derive(Debug)]
pub(crate) struct StatusTracker {
    flags: Mutex<Flags>,
    tx: watch::Sender<BotStatus>,
    history: Mutex<VecDeque<StatusEvent>>,
}

impl StatusTracker {
    pub(crate) fn new() -> Self {
        Self {
            flags: Mutex::new(Flags::default()),
            tx: watch::Sender::new(BotStatus::Offline),
            history: Mutex::new(VecDeque::new()),
        }
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<BotStatus> {
        self.tx.subscribe()
    }

    pub(crate) fn current(&self) -> BotStatus {
        self.tx.borrow().clone()
    }

    pub(crate) fn history(&self) -> Vec<StatusEvent> {
        self.history
            .lock()
            .map(|h| h.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn update(&self, change: impl FnOnce(&mut Flags)) {
        let status = {
            let Ok(mut flags) = self.flags.lock() else {
                return;
            };
            change(&mut flags);
            derive(&flags)
        };
        let changed = self.tx.send_if_modified(|current| {
            if *current == status {
                false
            } else {
                *current = status.clone();
                true
            }
        });
        if changed {
            tracing::info!(status = status.label(), "bot status changed");
            if let Ok(mut history) = self.history.lock() {
                if history.len() == HISTORY {
                    history.pop_front();
                }
                history.push_back(StatusEvent {
                    status,
                    at: SystemTime::now(),
                });
            }
        }
    }

    pub(crate) fn set_running(&self, running: bool) {
        self.update(|f| f.running = running);
    }

    pub(crate) fn channel_connected(&self) {
        self.update(|f| {
            f.connected = true;
            f.channel_problem = None;
        });
    }

    pub(crate) fn channel_interrupted(&self, code: ErrorCode, message: String) {
        self.update(|f| f.channel_problem = Some((code, message)));
    }

    pub(crate) fn vendor_failing(&self, code: ErrorCode, message: String) {
        self.update(|f| f.vendor_problem = Some((code, message)));
    }

    pub(crate) fn vendor_recovered(&self) {
        self.update(|f| f.vendor_problem = None);
    }

    pub(crate) fn vendor_interrupted(&self) -> bool {
        self.flags.lock().is_ok_and(|f| f.vendor_problem.is_some())
    }
}

fn derive(flags: &Flags) -> BotStatus {
    if !flags.running {
        return BotStatus::Offline;
    }
    // A running bot whose transport reported a problem is interrupted, also
    // before its first connection (a login that keeps failing, a TLS
    // failure): "Offline" would hide why it takes no conversations.
    if let Some((code, message)) = &flags.channel_problem {
        return BotStatus::ServiceInterruption {
            code: code.clone(),
            message: message.clone(),
        };
    }
    if !flags.connected {
        return BotStatus::Offline;
    }
    if let Some((code, message)) = &flags.vendor_problem {
        return BotStatus::VendorInterruption {
            code: code.clone(),
            message: message.clone(),
        };
    }
    BotStatus::Online
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_interruption_outranks_vendor_interruption_and_history_records_changes() {
        let t = StatusTracker::new();
        assert_eq!(t.current(), BotStatus::Offline);
        t.set_running(true);
        assert_eq!(t.current(), BotStatus::Offline, "not connected yet");
        t.channel_connected();
        assert_eq!(t.current(), BotStatus::Online);
        t.vendor_failing(ErrorCode::new("engine.x"), "down".into());
        assert_eq!(t.current().label(), "Vendor Interruption");
        t.channel_interrupted(ErrorCode::new("messaging.socket"), "closed".into());
        assert_eq!(t.current().label(), "Service Interruption");
        t.channel_connected();
        assert_eq!(t.current().label(), "Vendor Interruption");
        t.vendor_recovered();
        assert_eq!(t.current(), BotStatus::Online);
        let labels: Vec<_> = t.history().iter().map(|e| e.status.label()).collect();
        assert_eq!(
            labels,
            [
                "Online",
                "Vendor Interruption",
                "Service Interruption",
                "Vendor Interruption",
                "Online"
            ]
        );
    }

    #[test]
    fn a_running_bot_that_cannot_connect_shows_why() {
        let t = StatusTracker::new();
        t.set_running(true);
        t.channel_interrupted(
            ErrorCode::new("messaging.login"),
            "login failed: 401".into(),
        );
        assert_eq!(
            t.current(),
            BotStatus::ServiceInterruption {
                code: ErrorCode::new("messaging.login"),
                message: "login failed: 401".into()
            }
        );
        t.channel_connected();
        assert_eq!(t.current(), BotStatus::Online);
        t.set_running(false);
        assert_eq!(t.current(), BotStatus::Offline);
    }
}
