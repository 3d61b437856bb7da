//! The runtime's per-bot counters, read at every `/metrics` scrape.

use std::sync::Weak;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;

use crate::fleet::Fleet;
use crate::telemetry::BotLabel;

/// Reads one counter of a snapshot.
type Read = fn(&connector_runtime::MetricsSnapshot) -> u64;

/// Reads the fleet's snapshots when scraped.
#[derive(Debug)]
pub struct FleetCollector(pub Weak<Fleet>);

impl std::fmt::Debug for Fleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fleet")
    }
}

impl Collector for FleetCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(fleet) = self.0.upgrade() else {
            return Ok(());
        };
        let snapshots = fleet.snapshots();
        let counters: [(&str, &str, Read); 7] = [
            (
                "conversations",
                "Conversations received (since the bot started)",
                |s| s.conversations,
            ),
            (
                "conversations_closed",
                "Conversations closed while with the bot",
                |s| s.closed,
            ),
            (
                "conversations_transferred",
                "Conversations the bot transferred",
                |s| s.transferred,
            ),
            (
                "escalations",
                "Conversations escalated because of an error",
                |s| s.escalated,
            ),
            ("turns", "Engine turns completed with a valid reply", |s| {
                s.turns
            }),
            (
                "turn_errors",
                "Failed engine attempts, as the runtime counts them",
                |s| s.engine_errors,
            ),
            (
                "spam_suppressed",
                "Consumer messages held back by the spam guard",
                |s| s.spam_suppressed,
            ),
        ];
        for (name, help, get) in counters {
            let probe = ConstCounter::new(0u64);
            let mut family = encoder.encode_descriptor(name, help, None, probe.metric_type())?;
            for (bot, snapshot) in &snapshots {
                let label = BotLabel { bot: bot.clone() };
                ConstCounter::new(get(snapshot)).encode(family.encode_family(&label)?)?;
            }
        }
        let probe = ConstGauge::new(0i64);
        let mut family = encoder.encode_descriptor(
            "open_conversations",
            "Conversations open right now",
            None,
            probe.metric_type(),
        )?;
        for (bot, snapshot) in &snapshots {
            let label = BotLabel { bot: bot.clone() };
            ConstGauge::new(i64::try_from(snapshot.open).unwrap_or(i64::MAX))
                .encode(family.encode_family(&label)?)?;
        }
        let mut family = encoder.encode_descriptor(
            "bot_online",
            "1 when the bot is Online",
            None,
            probe.metric_type(),
        )?;
        for bot in fleet.list() {
            let label = BotLabel {
                bot: bot.id.clone(),
            };
            ConstGauge::new(i64::from(bot.state == "Online"))
                .encode(family.encode_family(&label)?)?;
        }
        Ok(())
    }
}
