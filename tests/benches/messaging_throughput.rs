//! Throughput and turn latency through emulator + messaging transport +
//! runtime with an instant engine. Not a test: run it with
//! `cargo bench -p e2e --bench messaging_throughput [-- CONVERSATIONS MESSAGES]`.
//!
//! Each consumer sends its next message when the previous answer arrives, so
//! the latency is the whole turn as a consumer sees it: consumer socket →
//! emulator → bot socket → runtime → engine → bot socket → emulator →
//! consumer socket. Everything runs in this one process on loopback.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use connector_core::{BotEngine, BotReply, EngineError, EngineSession, EventKind, InboundEvent};
use e2e::RunningBot;
use liveengage_sim::Sim;

struct Echo;

#[async_trait]
impl BotEngine for Echo {
    fn vendor(&self) -> &str {
        "echo"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        _: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        Ok(match &event.kind {
            EventKind::ConsumerText { text, .. } => BotReply::new().with_text(text.clone()),
            _ => BotReply::new(),
        })
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let conversations = args.first().copied().unwrap_or(50);
    let messages = args.get(1).copied().unwrap_or(40);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let sim = Arc::new(Sim::builder().start().await.expect("emulator"));
        // No spam guard: each consumer sends as fast as answers come back.
        let config = connector_runtime::ConnectorConfig::new("bot-1").with_spam_guard(None);
        let bot =
            RunningBot::start_with(&sim, Arc::new(Echo), &[("Bot", "1")], "Bot", config).await;
        let mut consumers = Vec::new();
        for _ in 0..conversations {
            let mut consumer = sim.consumer().await.expect("consumer");
            consumer
                .open_conversation(None)
                .await
                .expect("conversation");
            consumers.push(consumer);
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (c, mut consumer) in consumers.into_iter().enumerate() {
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(messages);
                for m in 0..messages {
                    let text = format!("c{c} m{m}");
                    let sent = Instant::now();
                    consumer.send_text(&text).await.expect("send");
                    let answer = consumer
                        .next_agent_text(Duration::from_secs(30))
                        .await
                        .expect("answer");
                    assert_eq!(answer, text);
                    latencies.push(sent.elapsed());
                }
                latencies
            }));
        }
        let mut latencies = Vec::new();
        for task in tasks {
            latencies.extend(task.await.expect("consumer task"));
        }
        let elapsed = started.elapsed();
        latencies.sort();
        let turns = latencies.len();
        println!("conversations: {conversations}, messages each: {messages}, turns: {turns}");
        println!("wall time: {:.2} s", elapsed.as_secs_f64());
        println!(
            "turns per second: {:.0}",
            turns as f64 / elapsed.as_secs_f64()
        );
        println!(
            "turn latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            percentile(&latencies, 50.0).as_secs_f64() * 1e3,
            percentile(&latencies, 99.0).as_secs_f64() * 1e3,
            latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        );
        bot.stop().await;
    });
}
