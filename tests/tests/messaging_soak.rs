//! Soak: 200 conversations (two rounds of 100) through emulator + messaging
//! transport + runtime while the bot's socket is killed every 0.7 seconds.
//! Every consumer message is answered exactly once and in order; when the
//! conversations close the bot holds nothing; and the second round does not
//! grow the process's memory beyond the first (no leak per conversation).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use connector_core::{BotEngine, BotReply, EngineError, EngineSession, EventKind, InboundEvent};
use e2e::{RunningBot, WAIT, eventually};
use liveengage_proto::enums::Role;
use liveengage_sim::{Sim, SimHandle};

const ROUND: usize = 100;
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

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Runs `ROUND` consumers (numbered from `first`), each sending `MESSAGES`
/// texts and waiting for each echo, then closing. Returns the conversation
/// ids, or panics with the failures and the bot's errors.
async fn round(sim: &Arc<SimHandle>, bot: &RunningBot, first: usize) -> Vec<String> {
    let mut consumers = Vec::new();
    for c in first..first + ROUND {
        let sim = Arc::clone(sim);
        consumers.push(tokio::spawn(async move {
            // A ramp, as real traffic has, instead of 100 simultaneous sign-ups.
            tokio::time::sleep(Duration::from_millis((c - first) as u64 * 20)).await;
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
            Ok((c, conversation))
        }));
    }
    let mut conversations = Vec::new();
    let mut failures = Vec::new();
    for consumer in consumers {
        match consumer.await.unwrap() {
            Ok(done) => conversations.push(done),
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
    for (c, conversation) in &conversations {
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
    conversations.into_iter().map(|(_, id)| id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_is_answered_exactly_once_while_sockets_keep_dying() {
    let sim = Arc::new(Sim::builder().tls(true).start().await.unwrap());
    let bot = RunningBot::start(
        &sim,
        Arc::new(Echo),
        &[("Bot", "1"), ("Human", "2")],
        "Human",
    )
    .await;

    let killer_sim = Arc::clone(&sim);
    let kills = Arc::new(AtomicUsize::new(0));
    let killed = Arc::clone(&kills);
    let killer = tokio::spawn(async move {
        loop {
            tokio::time::sleep(KILL_EVERY).await;
            killed.fetch_add(killer_sim.faults().drop_sockets(), Ordering::SeqCst);
        }
    });

    let rss_start = rss_kib();
    round(&sim, &bot, 0).await;
    let rss_first = rss_kib();
    round(&sim, &bot, ROUND).await;
    let rss_second = rss_kib();
    killer.abort();

    let kills = kills.load(Ordering::SeqCst);
    let reconnects = bot.channel.stats().reconnects;
    assert!(
        reconnects >= 3,
        "{kills} kills but only {reconnects} reconnects counted"
    );
    println!(
        "{kills} socket kills; RSS {rss_start} KiB at start, {rss_first} after round 1, {rss_second} after round 2"
    );
    assert!(
        kills >= 3,
        "only {kills} socket kills: the run proves little"
    );
    let snapshot = bot.handle.metrics().snapshot();
    assert_eq!(snapshot.turns, (2 * ROUND * MESSAGES) as u64);
    assert_eq!(snapshot.conversations, (2 * ROUND) as u64);
    assert_eq!(snapshot.escalated, 0);
    // The first round warms the allocator and the emulator's transcripts up;
    // a leak per conversation would show as growth in the second. The
    // emulator keeps every transcript, so some growth is expected: allow 25 %.
    assert!(
        rss_second <= rss_first + rss_first / 4,
        "memory grew from {rss_first} KiB to {rss_second} KiB over the second round"
    );
    bot.stop().await;
}
