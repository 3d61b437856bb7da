//! LivePerson's retry policy as a pure value: given how many attempts failed
//! and how the last one failed, how long to wait before the next (or not at all).
//!
//! LivePerson's "retry and keep-alive best practices" say: do not retry a 4xx
//! except 429 (wait at least 1 s); retry a 5xx three times, after 5, 10 and
//! 15 s; after that back off exponentially (2, 4, 8 … minutes) for login and
//! socket reconnects. The guide names no cap and no jitter; both are our
//! additions \[inferred\] so that a fleet of bots does not log in in lock step
//! and a long outage does not push the wait past half an hour.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// HTTP 429. `retry_after` is the server's `Retry-After`, if it sent one.
    RateLimited {
        /// The server's wish, if any.
        retry_after: Option<Duration>,
    },
    /// HTTP 5xx.
    ServerError {
        /// The status code.
        status: u16,
    },
    /// No answer: connection refused or reset, timeout, TLS failure.
    /// Treated like a 5xx \[inferred\]: the guide only speaks of status codes.
    Network,
    /// Any other 4xx (401 bad credentials, 400, 404 …): never retried.
    ClientError {
        /// The status code.
        status: u16,
    },
}

impl Outcome {
    /// The outcome of an HTTP status that is not a success.
    #[must_use]
    pub fn from_status(status: u16, retry_after: Option<Duration>) -> Self {
        match status {
            429 => Self::RateLimited { retry_after },
            500..=599 => Self::ServerError { status },
            _ => Self::ClientError { status },
        }
    }
}

/// A source of jitter: numbers in `[0, 1)`. Inject a fixed one in tests.
pub trait JitterSource: Send + Sync {
    /// The next sample, in `[0, 1)`.
    fn sample(&self) -> f64;
}

/// Jitter from the thread-local random generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomJitter;

impl JitterSource for RandomJitter {
    fn sample(&self) -> f64 {
        rand::random::<f64>()
    }
}

/// Always the same sample: deterministic delays for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedJitter(pub f64);

impl JitterSource for FixedJitter {
    fn sample(&self) -> f64 {
        self.0.clamp(0.0, 1.0)
    }
}

/// When to retry, and after how long.
///
/// `attempt` counts the failed attempts so far, starting at 1 for the first
/// failure.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use liveengage_auth::retry::{FixedJitter, Outcome, RetryPolicy};
///
/// let policy = RetryPolicy::liveperson().with_jitter(FixedJitter(0.0));
/// let server = Outcome::ServerError { status: 503 };
/// let delays: Vec<_> = (1..=5).map(|n| policy.next_delay(n, &server)).collect();
/// assert_eq!(delays, [5, 10, 15, 120, 240].map(|s| Some(Duration::from_secs(s))));
/// assert_eq!(policy.next_delay(1, &Outcome::ClientError { status: 401 }), None);
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    server_error_delays: Vec<Duration>,
    min_rate_limit_wait: Duration,
    backoff_start: Duration,
    backoff_cap: Duration,
    jitter_ratio: f64,
    max_attempts: Option<u32>,
    jitter: Arc<dyn JitterSource>,
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("server_error_delays", &self.server_error_delays)
            .field("min_rate_limit_wait", &self.min_rate_limit_wait)
            .field("backoff_start", &self.backoff_start)
            .field("backoff_cap", &self.backoff_cap)
            .field("jitter_ratio", &self.jitter_ratio)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::liveperson()
    }
}

impl RetryPolicy {
    /// LivePerson's recommendation: 5/10/15 s for 5xx, ≥ 1 s for 429, then
    /// 2, 4, 8 … min with up to 20 % jitter, capped at 30 min, without end.
    #[must_use]
    pub fn liveperson() -> Self {
        Self {
            server_error_delays: vec![
                Duration::from_secs(5),
                Duration::from_secs(10),
                Duration::from_secs(15),
            ],
            min_rate_limit_wait: Duration::from_secs(1),
            backoff_start: Duration::from_secs(120),
            backoff_cap: Duration::from_secs(30 * 60),
            jitter_ratio: 0.2,
            max_attempts: None,
            jitter: Arc::new(RandomJitter),
        }
    }

    /// Replaces the jitter source (e.g. [`FixedJitter`] in tests).
    #[must_use]
    pub fn with_jitter(mut self, jitter: impl JitterSource + 'static) -> Self {
        self.jitter = Arc::new(jitter);
        self
    }

    /// Gives up after `attempts` failed attempts (`None`: never gives up on
    /// retryable failures).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: Option<u32>) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The first exponential delay (after the fixed 5xx delays) and the cap.
    #[must_use]
    pub fn with_backoff(mut self, start: Duration, cap: Duration) -> Self {
        self.backoff_start = start;
        self.backoff_cap = cap.max(start);
        self
    }

    /// How much of an exponential delay jitter may take off, in `[0, 1]`.
    #[must_use]
    pub fn with_jitter_ratio(mut self, ratio: f64) -> Self {
        self.jitter_ratio = ratio.clamp(0.0, 1.0);
        self
    }

    /// The fixed delays used for the first server errors.
    #[must_use]
    pub fn with_server_error_delays(mut self, delays: Vec<Duration>) -> Self {
        self.server_error_delays = delays;
        self
    }

    /// The delay before attempt `attempt + 1`, or `None` to give up.
    #[must_use]
    pub fn next_delay(&self, attempt: u32, outcome: &Outcome) -> Option<Duration> {
        if attempt == 0 || self.max_attempts.is_some_and(|max| attempt >= max) {
            return None;
        }
        match outcome {
            Outcome::ClientError { .. } => None,
            Outcome::RateLimited { retry_after } => {
                let asked = retry_after
                    .unwrap_or_default()
                    .max(self.min_rate_limit_wait);
                Some(asked.max(self.escalated(attempt)))
            }
            Outcome::ServerError { .. } | Outcome::Network => {
                let fixed = usize::try_from(attempt - 1)
                    .ok()
                    .and_then(|index| self.server_error_delays.get(index));
                Some(fixed.copied().unwrap_or_else(|| self.escalated(attempt)))
            }
        }
    }

    /// The exponential part: zero while the fixed 5xx delays last, then
    /// `backoff_start * 2^k`, capped, minus jitter.
    fn escalated(&self, attempt: u32) -> Duration {
        let fixed = u32::try_from(self.server_error_delays.len()).unwrap_or(u32::MAX);
        if attempt <= fixed {
            return Duration::ZERO;
        }
        let exponent = (attempt - fixed - 1).min(30);
        let raw = self
            .backoff_start
            .checked_mul(1u32 << exponent)
            .unwrap_or(self.backoff_cap)
            .min(self.backoff_cap);
        let cut = self.jitter_ratio * self.jitter.sample().clamp(0.0, 1.0);
        raw.mul_f64(1.0 - cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Option<Duration> {
        Some(Duration::from_secs(s))
    }

    fn no_jitter() -> RetryPolicy {
        RetryPolicy::liveperson().with_jitter(FixedJitter(0.0))
    }

    #[test]
    fn server_errors_wait_5_10_15_then_double_from_two_minutes_up_to_the_cap() {
        let p = no_jitter();
        let o = Outcome::ServerError { status: 500 };
        let got: Vec<_> = (1..=10).map(|n| p.next_delay(n, &o)).collect();
        assert_eq!(
            got,
            vec![
                secs(5),
                secs(10),
                secs(15),
                secs(120),
                secs(240),
                secs(480),
                secs(960),
                secs(1800),
                secs(1800),
                secs(1800)
            ]
        );
    }

    #[test]
    fn network_failures_follow_the_server_error_schedule() {
        let p = no_jitter();
        assert_eq!(p.next_delay(2, &Outcome::Network), secs(10));
        assert_eq!(p.next_delay(4, &Outcome::Network), secs(120));
    }

    #[test]
    fn client_errors_are_never_retried() {
        let p = no_jitter();
        for status in [400, 401, 403, 404, 418] {
            assert_eq!(p.next_delay(1, &Outcome::ClientError { status }), None);
        }
        assert_eq!(
            Outcome::from_status(401, None),
            Outcome::ClientError { status: 401 }
        );
    }

    #[test]
    fn rate_limits_wait_at_least_one_second_or_what_the_server_asks() {
        let p = no_jitter();
        let bare = Outcome::RateLimited { retry_after: None };
        assert_eq!(p.next_delay(1, &bare), secs(1));
        let zero = Outcome::RateLimited {
            retry_after: Some(Duration::ZERO),
        };
        assert_eq!(p.next_delay(1, &zero), secs(1));
        let asked = Outcome::RateLimited {
            retry_after: secs(7),
        };
        assert_eq!(p.next_delay(2, &asked), secs(7));
        // A long run of 429s escalates like server errors.
        assert_eq!(p.next_delay(4, &bare), secs(120));
        assert_eq!(Outcome::from_status(429, secs(3)), asked_3());
    }

    fn asked_3() -> Outcome {
        Outcome::RateLimited {
            retry_after: secs(3),
        }
    }

    #[test]
    fn jitter_shortens_exponential_delays_only_within_the_ratio() {
        let p = RetryPolicy::liveperson().with_jitter(FixedJitter(0.5));
        let o = Outcome::ServerError { status: 502 };
        assert_eq!(p.next_delay(1, &o), secs(5), "fixed delays carry no jitter");
        assert_eq!(p.next_delay(4, &o), secs(108)); // 120 s minus 10 %
        let full = RetryPolicy::liveperson().with_jitter(FixedJitter(1.0));
        assert_eq!(full.next_delay(12, &o), secs(1440)); // cap minus 20 %
    }

    #[test]
    fn max_attempts_ends_retries() {
        let p = no_jitter().with_max_attempts(Some(3));
        let o = Outcome::ServerError { status: 503 };
        assert_eq!(p.next_delay(2, &o), secs(10));
        assert_eq!(p.next_delay(3, &o), None);
        assert_eq!(p.next_delay(0, &o), None, "attempts count from 1");
    }

    #[test]
    fn custom_backoff_is_capped() {
        let p = no_jitter()
            .with_server_error_delays(vec![])
            .with_backoff(Duration::from_millis(100), Duration::from_millis(350));
        let o = Outcome::Network;
        let got: Vec<_> = (1..=4).map(|n| p.next_delay(n, &o)).collect();
        assert_eq!(
            got,
            [100, 200, 350, 350].map(|ms| Some(Duration::from_millis(ms)))
        );
    }
}
