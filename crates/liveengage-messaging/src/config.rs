//! The transport's settings.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use connector_core::{BotId, SkillId};
use url::Url;

/// How the messaging transport connects and behaves.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MessagingConfig {
    /// The bot (logs, conversation context).
    pub bot_id: BotId,
    /// The LiveEngage account (site) id.
    pub account_id: String,
    /// Base URL of the messaging socket domain (CSDS `asyncMessagingEnt`),
    /// e.g. `wss://va.msg.liveperson.net`; `ws://127.0.0.1:port` for the emulator.
    pub socket_base: Url,
    /// Skill names (case sensitive) to ids, for transfers by name.
    pub skills: HashMap<String, SkillId>,
    /// How long a request may wait for its response (default 10 s, as the SDK).
    pub request_timeout: Duration,
    /// How often `GetClock` keeps the socket alive (default 30 s).
    pub keepalive_interval: Duration,
    /// A socket silent for this long is treated as dead (default 75 s).
    pub silence_timeout: Duration,
    /// How long a send or an action waits for the connection to come back
    /// before it fails (default 30 s).
    pub send_grace: Duration,
    /// First reconnect wait; doubles per failed attempt (default 500 ms).
    pub reconnect_base: Duration,
    /// Longest reconnect wait (default 30 s).
    pub reconnect_max: Duration,
    /// Told the time of every answered turn (none by default).
    pub turn_observer: Option<TurnObserver>,
    /// The root certificates a `wss://` socket trusts (default: Mozilla's
    /// roots); give the one the login and the engines use.
    pub trust: connector_http::Trust,
}

/// Receives the transport's own time for each answered turn: from reading a
/// consumer message off the socket to having written the bot's first
/// message after it (engine time included; the network and LiveEngage
/// not). Turns of messages that arrived by history are not timed.
#[derive(Clone)]
pub struct TurnObserver(Arc<dyn Fn(Duration) + Send + Sync>);

impl TurnObserver {
    /// An observer calling `f` with each turn's time.
    pub fn new(f: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    pub(crate) fn observe(&self, turn: Duration) {
        (self.0)(turn);
    }
}

impl std::fmt::Debug for TurnObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TurnObserver")
    }
}

impl MessagingConfig {
    /// Settings with the defaults above.
    #[must_use]
    pub fn new(bot_id: impl Into<BotId>, account_id: impl Into<String>, socket_base: Url) -> Self {
        Self {
            bot_id: bot_id.into(),
            account_id: account_id.into(),
            socket_base,
            skills: HashMap::new(),
            request_timeout: Duration::from_secs(10),
            keepalive_interval: Duration::from_secs(30),
            silence_timeout: Duration::from_secs(75),
            send_grace: Duration::from_secs(30),
            reconnect_base: Duration::from_millis(500),
            reconnect_max: Duration::from_secs(30),
            turn_observer: None,
            trust: connector_http::Trust::default(),
        }
    }

    /// Trusts these root certificates for `wss://` (use the login's
    /// [`AuthConfig::trust`](liveengage_auth::AuthConfig::trust)).
    #[must_use]
    pub fn with_trust(mut self, trust: connector_http::Trust) -> Self {
        self.trust = trust;
        self
    }

    /// Reports the time of every answered turn to `observer`.
    #[must_use]
    pub fn with_turn_observer(mut self, observer: TurnObserver) -> Self {
        self.turn_observer = Some(observer);
        self
    }

    /// Adds a skill the bot may transfer to.
    #[must_use]
    pub fn with_skill(mut self, name: impl Into<String>, id: impl Into<SkillId>) -> Self {
        self.skills.insert(name.into(), id.into());
        self
    }

    /// Sets the request timeout.
    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the keep-alive interval and the silence timeout.
    #[must_use]
    pub fn with_keepalive(mut self, interval: Duration, silence_timeout: Duration) -> Self {
        self.keepalive_interval = interval;
        self.silence_timeout = silence_timeout;
        self
    }

    /// Sets how long sends wait for a lost connection to come back.
    #[must_use]
    pub fn with_send_grace(mut self, grace: Duration) -> Self {
        self.send_grace = grace;
        self
    }

    /// Sets the reconnect backoff.
    #[must_use]
    pub fn with_reconnect(mut self, base: Duration, max: Duration) -> Self {
        self.reconnect_base = base;
        self.reconnect_max = max;
        self
    }

    /// The skill's name for an id, if configured.
    pub(crate) fn skill_name(&self, id: &str) -> Option<&str> {
        self.skills
            .iter()
            .find(|(_, v)| v.as_str() == id)
            .map(|(k, _)| k.as_str())
    }

    /// The wait before reconnect attempt `attempt` (0-based), with up to 25 %
    /// random jitter so many bots do not reconnect in lockstep.
    pub(crate) fn reconnect_delay(&self, attempt: u32) -> Duration {
        use std::hash::{BuildHasher, Hasher};
        let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
        let base = self
            .reconnect_base
            .saturating_mul(factor)
            .min(self.reconnect_max);
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let jitter_ms = u64::try_from(base.as_millis() / 4).unwrap_or(0);
        let jitter = if jitter_ms == 0 {
            0
        } else {
            random % jitter_ms
        };
        base + Duration::from_millis(jitter)
    }
}
