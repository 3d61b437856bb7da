//! Defaults that depend on the engine, applied where the definition leaves
//! the key out.
//!
//! A Custom Endpoint (webhook) bot retries inside the engine, as the
//! contract asks (60 s per call, three attempts with 5 and 10 s pauses), so:
//! - `runtime.engine_timeout` defaults to the time those attempts can take
//!   (plus a margin for the token call) instead of 15 s, which would cut the
//!   first attempt short;
//! - `escalation.max_retries` defaults to 0: the runtime's own retries would
//!   repeat the whole series, against the contract's "after three attempts
//!   no further request".

use std::time::Duration;

use engine_webhook::WebhookConfig;
use serde_json::Value;

use super::bot::BotSpec;
use super::engine::EngineSpec;

/// Room for the token call within a webhook turn.
const TOKEN_MARGIN: Duration = Duration::from_secs(5);

/// The per-call timeout assumed when a webhook's is 0 (none): the contract's.
const CONTRACT_CALL_TIMEOUT_SECS: u64 = 60;

/// Fills the engine-dependent defaults of keys `raw` (the definition as
/// written, after `${ENV}` substitution) does not set.
pub(super) fn apply(spec: &mut BotSpec, raw: &Value) {
    let EngineSpec::Webhook(webhook) = &spec.engine else {
        return;
    };
    if raw.pointer("/runtime/engine_timeout").is_none() {
        spec.runtime.engine_timeout = webhook_turn_budget(webhook);
    }
    if raw.pointer("/escalation/max_retries").is_none() {
        spec.escalation.max_retries = 0;
    }
}

/// The longest one event call can take with its retries: every attempt's
/// timeout, the pauses between them, and 5 s for a token fetch.
#[must_use]
pub fn webhook_turn_budget(config: &WebhookConfig) -> Duration {
    let per_call = match config.request_timeout_secs {
        0 => CONTRACT_CALL_TIMEOUT_SECS,
        secs => secs,
    };
    // Bounded whatever the definition says (validation rejects more than
    // 10 attempts later; this runs before it and must not loop or overflow).
    let attempts = u64::from(config.max_attempts.clamp(1, 10));
    let pauses: u64 = (0..attempts - 1)
        .map(|i| {
            let index = usize::try_from(i).unwrap_or(usize::MAX);
            config
                .retry_delays_secs
                .get(index)
                .or(config.retry_delays_secs.last())
                .copied()
                .unwrap_or(0)
        })
        .fold(0u64, u64::saturating_add);
    Duration::from_secs(
        attempts
            .saturating_mul(per_call)
            .saturating_add(pauses)
            .saturating_add(TOKEN_MARGIN.as_secs()),
    )
}

#[cfg(test)]
#[test]
fn a_huge_budget_saturates_instead_of_panicking() {
    let mut config: WebhookConfig = serde_json::from_value(serde_json::json!({
        "base_url": "https://bot.example.com/api", "bot_id": "b", "token_url": "https://auth.example.com/token",
        "client_id": "c", "client_secret": "s"
    }))
    .unwrap();
    config.max_attempts = u32::MAX;
    config.request_timeout_secs = u64::MAX;
    assert_eq!(webhook_turn_budget(&config), Duration::from_secs(u64::MAX));
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::Secret;
    use url::Url;

    fn config() -> WebhookConfig {
        let url = |s: &str| Url::parse(s).unwrap();
        WebhookConfig::new(
            url("https://bot.example"),
            "b",
            url("https://t.example/token"),
            "c",
            Secret::new("s"),
        )
    }

    #[test]
    fn the_budget_covers_every_attempt_and_pause() {
        // The contract's defaults: 3 × 60 s + 5 s + 10 s, plus the margin.
        assert_eq!(webhook_turn_budget(&config()), Duration::from_secs(200));
        let mut c = config();
        c.request_timeout_secs = 2;
        c.max_attempts = 5;
        c.retry_delays_secs = vec![1, 3];
        // 5 × 2 s + (1 + 3 + 3 + 3) s + 5 s: the last pause repeats.
        assert_eq!(webhook_turn_budget(&c), Duration::from_secs(25));
        c.request_timeout_secs = 0;
        c.max_attempts = 1;
        assert_eq!(webhook_turn_budget(&c), Duration::from_secs(65));
    }
}
