//! The `EscalationPolicy` trait and the default policy, LiveEngage's "Error Handling" settings.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::context::ConversationContext;
use crate::error_code::ErrorCode;

/// What went wrong, as the escalation policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FailureKind {
    /// The engine call failed.
    Engine,
    /// The engine did not answer in time.
    EngineTimeout,
    /// The engine's reply broke LivePerson's rules.
    InvalidReply,
    /// A message or action could not be delivered to LiveEngage.
    Delivery,
    /// A function invocation with `failOnError` failed.
    Function,
    /// The bot is at its open-conversation limit.
    ConversationLimit,
    /// The engine is known to be unreachable (Vendor Interruption).
    VendorUnavailable,
}

/// A failure handed to the escalation policy.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Failure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// The stable error code.
    pub code: ErrorCode,
    /// What happened.
    pub message: String,
    /// Whether retrying the failed step is safe and may succeed.
    pub retryable: bool,
    /// How long the source asked to wait before a retry.
    pub retry_after: Option<Duration>,
    /// How many times the failed step was already retried (0 on the first failure).
    pub attempt: u32,
}

impl Failure {
    /// A failure that must not be retried.
    #[must_use]
    pub fn new(kind: FailureKind, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            retryable: false,
            retry_after: None,
            attempt: 0,
        }
    }

    /// Marks the failure as retryable, optionally after a wait the source asked for.
    #[must_use]
    pub fn retryable(mut self, retry_after: Option<Duration>) -> Self {
        self.retryable = true;
        self.retry_after = retry_after;
        self
    }

    /// Sets the attempt count.
    #[must_use]
    pub fn attempt(mut self, attempt: u32) -> Self {
        self.attempt = attempt;
        self
    }
}

/// Where and how to escalate a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub struct Escalation {
    /// The skill (by name) the conversation is transferred to.
    pub skill: String,
    /// Sent to the consumer before the transfer.
    pub customer_message: Option<String>,
    /// A private note for the receiving agent, sent before the transfer.
    pub agent_note: Option<String>,
    /// Sent to the consumer if the transfer itself fails.
    pub failure_message: Option<String>,
}

/// The policy's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Retry the failed step after the wait.
    Retry {
        /// How long to wait first.
        after: Duration,
    },
    /// Transfer the conversation with these messages.
    Escalate(Escalation),
    /// Do nothing more for this event (the failure is only recorded).
    GiveUp,
}

/// Decides what to do when something fails in a conversation.
///
/// # Contract
///
/// Decisions are synchronous values, like tower's retry policy: the runtime
/// performs them. The runtime asks again with `attempt + 1` after each retry, so
/// a policy bounds retries by looking at [`Failure::attempt`]. A policy must not
/// return [`Decision::Retry`] for a failure that is not [`Failure::retryable`];
/// the runtime treats that as [`Decision::Escalate`] would be unavailable and
/// gives up instead of risking a duplicate.
pub trait EscalationPolicy: Send + Sync {
    /// What to do about `failure` in the conversation `context`.
    fn decide(&self, context: &ConversationContext, failure: &Failure) -> Decision;
}

/// The default policy: LiveEngage's "Error Handling" step.
///
/// Retryable failures are retried with exponential backoff (honouring a
/// vendor's `retry_after`) up to `max_retries`; then, and for every other
/// failure, the conversation is transferred to `transfer_skill` with the
/// configured messages.
///
/// LivePerson does not document how the "Transfer message to Agent" reaches the
/// agent; we send it as a private text (`AGENTS_AND_MANAGERS`) right before the
/// transfer, which every agent workspace shows in the transcript.
///
/// # Examples
///
/// ```
/// use connector_core::{ChannelType, ConversationContext, Decision, ErrorHandling, EscalationPolicy,
///     Failure, FailureKind, codes};
///
/// let policy = ErrorHandling::new("human-agents")
///     .customer_message("Let me get you to a colleague.");
/// let ctx = ConversationContext::new("bot".into(), "c1".into(), ChannelType::Messaging);
/// let failure = Failure::new(FailureKind::InvalidReply, codes::MISSING_ACTION_AND_MESSAGES, "empty");
/// match policy.decide(&ctx, &failure) {
///     Decision::Escalate(e) => assert_eq!(e.skill, "human-agents"),
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub struct ErrorHandling {
    /// The default escalation (failover) skill, by name.
    pub transfer_skill: String,
    /// "Transfer message to Customer".
    #[serde(default)]
    pub customer_message: Option<String>,
    /// "Transfer message to Agent".
    #[serde(default)]
    pub agent_message: Option<String>,
    /// "Transfer failure message".
    #[serde(default)]
    pub failure_message: Option<String>,
    /// How many times a retryable failure is retried before escalating.
    #[serde(default = "default_max_retries")]
    pub max_retries: u32,
    /// The first retry's wait in milliseconds; it doubles per retry.
    #[serde(default = "default_backoff_ms")]
    pub backoff_ms: u64,
    /// The longest wait between retries in milliseconds.
    #[serde(default = "default_max_backoff_ms")]
    pub max_backoff_ms: u64,
}

fn default_max_retries() -> u32 {
    2
}
fn default_backoff_ms() -> u64 {
    500
}
fn default_max_backoff_ms() -> u64 {
    8_000
}

impl ErrorHandling {
    /// Escalation to `transfer_skill` with no messages, 2 retries from 500 ms.
    #[must_use]
    pub fn new(transfer_skill: impl Into<String>) -> Self {
        Self {
            transfer_skill: transfer_skill.into(),
            customer_message: None,
            agent_message: None,
            failure_message: None,
            max_retries: default_max_retries(),
            backoff_ms: default_backoff_ms(),
            max_backoff_ms: default_max_backoff_ms(),
        }
    }

    /// Sets the "Transfer message to Customer".
    #[must_use]
    pub fn customer_message(mut self, text: impl Into<String>) -> Self {
        self.customer_message = Some(text.into());
        self
    }

    /// Sets the "Transfer message to Agent".
    #[must_use]
    pub fn agent_message(mut self, text: impl Into<String>) -> Self {
        self.agent_message = Some(text.into());
        self
    }

    /// Sets the "Transfer failure message".
    #[must_use]
    pub fn failure_message(mut self, text: impl Into<String>) -> Self {
        self.failure_message = Some(text.into());
        self
    }

    /// Sets the retry bound and the first wait.
    #[must_use]
    pub fn retries(mut self, max_retries: u32, backoff: Duration) -> Self {
        self.max_retries = max_retries;
        self.backoff_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX);
        self
    }

    /// The wait before retry number `attempt + 1`.
    #[must_use]
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u64.checked_shl(attempt.min(32)).unwrap_or(u64::MAX);
        Duration::from_millis(
            self.backoff_ms
                .saturating_mul(factor)
                .min(self.max_backoff_ms),
        )
    }

    /// The escalation these settings describe.
    #[must_use]
    pub fn escalation(&self) -> Escalation {
        Escalation {
            skill: self.transfer_skill.clone(),
            customer_message: self.customer_message.clone(),
            agent_note: self.agent_message.clone(),
            failure_message: self.failure_message.clone(),
        }
    }
}

impl EscalationPolicy for ErrorHandling {
    fn decide(&self, _context: &ConversationContext, failure: &Failure) -> Decision {
        if failure.retryable && failure.attempt < self.max_retries {
            let wait = self.backoff(failure.attempt);
            let after = failure.retry_after.map_or(wait, |asked| asked.max(wait));
            return Decision::Retry { after };
        }
        Decision::Escalate(self.escalation())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ChannelType;
    use crate::error_code::codes;

    fn ctx() -> ConversationContext {
        ConversationContext::new("b".into(), "c".into(), ChannelType::Messaging)
    }

    #[test]
    fn retries_transient_failures_with_backoff_then_escalates() {
        let policy = ErrorHandling::new("human").retries(2, Duration::from_millis(100));
        let f = Failure::new(FailureKind::Engine, codes::ENGINE_TIMEOUT, "slow").retryable(None);
        assert_eq!(
            policy.decide(&ctx(), &f),
            Decision::Retry {
                after: Duration::from_millis(100)
            }
        );
        assert_eq!(
            policy.decide(&ctx(), &f.clone().attempt(1)),
            Decision::Retry {
                after: Duration::from_millis(200)
            }
        );
        assert!(
            matches!(policy.decide(&ctx(), &f.attempt(2)), Decision::Escalate(e) if e.skill == "human")
        );
    }

    #[test]
    fn vendor_retry_after_wins_when_longer_and_permanent_failures_escalate_at_once() {
        let policy = ErrorHandling::new("human").retries(3, Duration::from_millis(100));
        let f = Failure::new(FailureKind::Engine, codes::ENGINE_TIMEOUT, "429")
            .retryable(Some(Duration::from_secs(2)));
        assert_eq!(
            policy.decide(&ctx(), &f),
            Decision::Retry {
                after: Duration::from_secs(2)
            }
        );
        let permanent = Failure::new(
            FailureKind::InvalidReply,
            codes::MULTIPLE_ACTIONS,
            "2 actions",
        );
        assert!(matches!(
            policy.decide(&ctx(), &permanent),
            Decision::Escalate(_)
        ));
    }

    #[test]
    fn backoff_is_capped() {
        let policy = ErrorHandling::new("human");
        assert_eq!(policy.backoff(0), Duration::from_millis(500));
        assert_eq!(policy.backoff(40), Duration::from_millis(8_000));
    }

    #[test]
    fn deserializes_from_config_and_rejects_unknown_keys() {
        let p: ErrorHandling = serde_json::from_value(serde_json::json!({
            "transfer_skill": "human", "customer_message": "hold on"
        }))
        .unwrap();
        assert_eq!(p.customer_message.as_deref(), Some("hold on"));
        assert_eq!(p.max_retries, 2);
        let err = serde_json::from_value::<ErrorHandling>(serde_json::json!({
            "transfer_skill": "human", "custmer_message": "typo"
        }))
        .unwrap_err();
        assert!(err.to_string().contains("custmer_message"), "{err}");
    }
}
