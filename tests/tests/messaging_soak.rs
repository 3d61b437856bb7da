//! Soak: 200 conversations through emulator + messaging transport + runtime
//! while the bot's socket is killed every 0.7 seconds. Every consumer message is
//! answered exactly once, in order, and when the conversations close the bot
//! holds nothing any more. Bounded: a few seconds on a laptop.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use connector_core::{BotEngine, BotReply, EngineError, EngineSession, EventKind, InboundEvent};
use e2e::{RunningBot, WAIT, eventually};
use liveengage_proto::enums::Role;
use liveengage_sim::Sim;

const CONVERSATIONS: usize = 200;
const MESSAGES: usize = 3;
const KILL_EVERY: Duration = Duration::from_millis(700);

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
            EventKind::ConsumerText { text, .. } => {
                BotReply::new().with_text(format!("echo: {text}"))
            }
            _ => BotReply::new(),
        })
    }
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_is_answered_exactly_once_while_sockets_keep_dying() {
    let sim = Arc::new(Sim::builder().start().await.unwrap());
    let bot = RunningBot::start(
        &sim,
        Arc::new(Echo),
        &[("Bot", "1"), ("Human", "2")],
        "Human",
    )
    .await;
    let rss_before = rss_kib();

    let killer_sim = Arc::clone(&sim);
    let kills = Arc::new(AtomicUsize::new(0));
    let killed = Arc::clone(&kills);
    let killer = tokio::spawn(async move {
        loop {
            tokio::time::sleep(KILL_EVERY).await;
            killed.fetch_add(killer_sim.faults().drop_sockets(), Ordering::SeqCst);
        }
    });

    let mut consumers = Vec::new();
    for c in 0..CONVERSATIONS {
        let sim = Arc::clone(&sim);
        consumers.push(tokio::spawn(async move {
            // A ramp, as real traffic has, instead of 200 simultaneous sign-ups.
            tokio::time::sleep(Duration::from_millis(c as u64 * 20)).await;
            let mut consumer = sim.consumer().await.unwrap();
            let conversation = consumer.open_conversation(None).await.unwrap();
            for m in 0..MESSAGES {
                let text = format!("c{c} m{m}");
                consumer.send_text(&text).await.unwrap();
                let answer = consumer.next_agent_text(WAIT * 3).await;
                if answer.as_deref().ok() != Some(format!("echo: {text}").as_str()) {
                    return Err(format!("{conversation}: {text:?} got {answer:?}"));
                }
            }
            consumer.close_conversation().await.unwrap();
            Ok(conversation)
        }));
    }
    let mut conversations = Vec::new();
    let mut failures = Vec::new();
    for consumer in consumers {
        match consumer.await.unwrap() {
            Ok(conversation) => conversations.push(conversation),
            Err(failure) => failures.push(failure),
        }
    }
    if !failures.is_empty() {
        let transcripts: Vec<_> = failures
            .iter()
            .filter_map(|f| f.split(':').next())
            .filter_map(|id| sim.transcript(id))
            .take(3)
            .collect();
        panic!(
            "{failures:#?}\nbot errors: {:#?}\nmetrics: {:?}\nfirst transcripts: {transcripts:#?}",
            bot.handle.metrics().errors(),
            bot.handle.metrics().snapshot(),
        );
    }
    killer.abort();
    let kills = kills.load(Ordering::SeqCst);
    println!("{kills} socket kills during the run");
    assert!(
        kills >= 3,
        "only {kills} socket kills: the run proves little"
    );

    for (c, conversation) in conversations.iter().enumerate() {
        let texts: Vec<String> = sim
            .transcript(conversation)
            .unwrap()
            .texts()
            .into_iter()
            .filter(|(role, _)| *role != Role::Consumer)
            .map(|(_, t)| t)
            .collect();
        let expected: Vec<String> = (0..MESSAGES).map(|m| format!("echo: c{c} m{m}")).collect();
        assert_eq!(texts, expected, "conversation {conversation}");
    }

    let metrics = bot.handle.metrics();
    eventually("every conversation left the bot", || {
        metrics.snapshot().open == 0
    })
    .await;
    let channel = Arc::clone(&bot.channel);
    eventually("the transport holds nothing", || {
        let stats = channel.stats();
        stats.conversations == 0 && stats.pending_requests == 0
    })
    .await;
    let snapshot = metrics.snapshot();
    assert_eq!(snapshot.turns, (CONVERSATIONS * MESSAGES) as u64);
    assert_eq!(snapshot.conversations, CONVERSATIONS as u64);
    assert_eq!(snapshot.escalated, 0);
    if let (Some(before), Some(after)) = (rss_before, rss_kib()) {
        // Reported, not asserted: the allocator keeps freed pages, so RSS is
        // a poor leak detector; the structural checks above are the assertion.
        println!("RSS before {before} KiB, after {after} KiB");
    }
    bot.stop().await;
}
