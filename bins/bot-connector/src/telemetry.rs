//! Prometheus metrics: engine calls, latencies and errors by code as they
//! happen, reconnects, and the runtime's per-bot counters read at scrape time.

use std::sync::Mutex;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// A bot label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BotLabel {
    /// The bot id.
    pub bot: String,
}

/// An engine call outcome.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    /// The bot id.
    pub bot: String,
    /// `ok` or `error`.
    pub outcome: String,
}

/// An error with its stable code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CodeLabels {
    /// The bot id.
    pub bot: String,
    /// The stable error code.
    pub code: String,
}

type HistogramFamily = Family<BotLabel, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 14))
}

/// Turns inside the connector take well under a millisecond: buckets from
/// 0.125 ms, doubling, to about 4 s.
fn turn_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_125, 2.0, 16))
}

/// The process's metrics.
pub struct Telemetry {
    registry: Mutex<Registry>,
    /// Engine calls by outcome.
    pub engine_calls: Family<CallLabels, Counter>,
    /// Engine errors by code.
    pub engine_errors: Family<CodeLabels, Counter>,
    /// Engine call latency.
    pub engine_latency: HistogramFamily,
    /// Reconnections to LiveEngage (Service Interruption back to Online).
    pub reconnects: Family<BotLabel, Counter>,
    /// The connector's own time per answered turn (messaging bots): from
    /// reading a consumer message off the socket to writing the answer.
    pub turn_latency: HistogramFamily,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self::new()
    }
}

impl Telemetry {
    /// A registry with the event-driven metrics registered.
    #[must_use]
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("bot_connector");
        let engine_calls = Family::<CallLabels, Counter>::default();
        let engine_errors = Family::<CodeLabels, Counter>::default();
        let engine_latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let reconnects = Family::<BotLabel, Counter>::default();
        let turn_latency: HistogramFamily = Family::new_with_constructor(turn_histogram);
        registry.register(
            "turn_seconds",
            "Time inside the connector per answered turn (socket read of a consumer message to socket write of the answer, engine included), messaging bots",
            turn_latency.clone(),
        );
        registry.register(
            "engine_calls",
            "Engine calls by outcome",
            engine_calls.clone(),
        );
        registry.register(
            "engine_errors",
            "Failed engine calls by stable error code",
            engine_errors.clone(),
        );
        registry.register(
            "engine_call_seconds",
            "Engine call latency in seconds",
            engine_latency.clone(),
        );
        registry.register(
            "reconnects",
            "Reconnections to LiveEngage after a Service Interruption",
            reconnects.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            engine_calls,
            engine_errors,
            engine_latency,
            reconnects,
            turn_latency,
        }
    }

    /// Adds a collector read at every scrape.
    pub fn register_collector(&self, collector: Box<dyn Collector>) {
        if let Ok(mut registry) = self.registry.lock() {
            registry.register_collector(collector);
        }
    }

    /// The OpenMetrics text exposition.
    #[must_use]
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Ok(registry) = self.registry.lock()
            && let Err(err) = prometheus_client::encoding::text::encode(&mut out, &registry)
        {
            tracing::warn!("cannot encode metrics: {err}");
        }
        out
    }

    /// Records one engine call.
    pub fn engine_call(&self, bot: &str, seconds: f64, error_code: Option<&str>) {
        self.engine_latency
            .get_or_create(&BotLabel {
                bot: bot.to_owned(),
            })
            .observe(seconds);
        self.engine_calls
            .get_or_create(&CallLabels {
                bot: bot.to_owned(),
                outcome: if error_code.is_some() { "error" } else { "ok" }.to_owned(),
            })
            .inc();
        if let Some(code) = error_code {
            self.engine_errors
                .get_or_create(&CodeLabels {
                    bot: bot.to_owned(),
                    code: code.to_owned(),
                })
                .inc();
        }
    }
}
