//! The runtime's knobs, with LiveEngage's defaults.

use std::time::Duration;

use connector_core::BotId;

/// LiveEngage's limit on open conversations per bot.
pub const DEFAULT_MAX_OPEN_CONVERSATIONS: usize = 999;

/// How a connector runs one bot. Build with [`ConnectorConfig::new`] and the
/// `with_*` methods; every field has a documented default.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ConnectorConfig {
    /// The bot's id (logs, metrics, session keys).
    pub bot_id: BotId,
    /// How many turns run at once across all conversations (default 256). A
    /// conversation never runs two turns at once, whatever this bound.
    pub max_concurrent_turns: usize,
    /// How long one engine call may take before it counts as failed (default 15 s).
    pub engine_timeout: Duration,
    /// Send the welcome event to the engine on messaging conversations (new and
    /// transferred). Chat always sends it. Default: off, as in LiveEngage.
    pub messaging_welcome: bool,
    /// Combine consecutive consumer texts (messaging only). Default: off.
    pub combine: Option<CombineMessages>,
    /// The consumer spam guard. Default: LiveEngage's, more than 4 messages in 2 s.
    pub spam_guard: Option<SpamGuard>,
    /// Open conversations beyond this are escalated at once (default 999).
    pub max_open_conversations: usize,
    /// After this many consecutive engine failures (retries exhausted) the bot
    /// enters Vendor Interruption and escalates new conversations (default 3).
    pub vendor_failure_threshold: u32,
    /// How often the engine is probed during a Vendor Interruption (default 60 s,
    /// LiveEngage's restart interval).
    pub vendor_probe_interval: Duration,
}

impl ConnectorConfig {
    /// The defaults, for the bot `bot_id`.
    #[must_use]
    pub fn new(bot_id: impl Into<BotId>) -> Self {
        Self {
            bot_id: bot_id.into(),
            max_concurrent_turns: 256,
            engine_timeout: Duration::from_secs(15),
            messaging_welcome: false,
            combine: None,
            spam_guard: Some(SpamGuard::default()),
            max_open_conversations: DEFAULT_MAX_OPEN_CONVERSATIONS,
            vendor_failure_threshold: 3,
            vendor_probe_interval: Duration::from_secs(60),
        }
    }

    /// Sets the bound on concurrent turns (at least 1).
    #[must_use]
    pub fn with_max_concurrent_turns(mut self, n: usize) -> Self {
        self.max_concurrent_turns = n.max(1);
        self
    }

    /// Sets the engine call timeout.
    #[must_use]
    pub fn with_engine_timeout(mut self, timeout: Duration) -> Self {
        self.engine_timeout = timeout;
        self
    }

    /// Turns the messaging welcome event on or off.
    #[must_use]
    pub fn with_messaging_welcome(mut self, enabled: bool) -> Self {
        self.messaging_welcome = enabled;
        self
    }

    /// Combines consecutive consumer texts on messaging.
    #[must_use]
    pub fn with_combine(mut self, combine: CombineMessages) -> Self {
        self.combine = Some(combine);
        self
    }

    /// Sets (or, with `None`, removes) the spam guard.
    #[must_use]
    pub fn with_spam_guard(mut self, guard: Option<SpamGuard>) -> Self {
        self.spam_guard = guard;
        self
    }

    /// Sets the open-conversation limit.
    #[must_use]
    pub fn with_max_open_conversations(mut self, n: usize) -> Self {
        self.max_open_conversations = n;
        self
    }

    /// Sets the Vendor Interruption threshold and probe interval.
    #[must_use]
    pub fn with_vendor_interruption(mut self, threshold: u32, probe_interval: Duration) -> Self {
        self.vendor_failure_threshold = threshold.max(1);
        self.vendor_probe_interval = probe_interval;
        self
    }
}

/// LiveEngage's "Combine Messages" setting: consecutive consumer texts that
/// arrive within `window` of each other reach the engine as one text.
///
/// LivePerson does not document the separator; we join with a newline, which
/// keeps the messages apart for engines that read lines and reads as a space to
/// engines that strip newlines (Watson).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CombineMessages {
    /// At most this many texts are merged.
    pub max_messages: usize,
    /// How long to wait for a further text after each one.
    pub window: Duration,
}

/// The consumer spam guard: when a conversation receives more than
/// `max_messages` consumer messages within `window`, the excess is not sent to
/// the engine (silently, as LiveEngage does since 2.28) until the rate drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpamGuard {
    /// Messages allowed within the window.
    pub max_messages: usize,
    /// The sliding window.
    pub window: Duration,
}

impl Default for SpamGuard {
    fn default() -> Self {
        Self {
            max_messages: 4,
            window: Duration::from_secs(2),
        }
    }
}
