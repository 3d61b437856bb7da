//! The consumers: each opens a conversation and sends its messages.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, watch};

use indicatif::ProgressBar;
use liveengage_sim::SimHandle;
use tokio::time::Instant;

use crate::bot::ESCALATION_TEXT;
use crate::options::Options;

/// Consumers connecting and opening their conversation at the same time.
pub const OPENING_AT_ONCE: usize = 256;

/// How long a consumer waits for an answer before counting the message lost.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// The same in chaos runs: longer than the transport's longest wait between
/// reconnects (30 s) plus a login, since faults can leave the bot waiting
/// that long after the last one.
pub const CHAOS_ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// The start signal: every conversation is open.
#[derive(Debug, Clone, Copy)]
pub struct Go {
    /// When to stop starting new messages, if ever.
    pub deadline: Option<Instant>,
}

/// What the consumers share with the driver.
pub struct Shared {
    /// Conversations opened.
    pub opened: Arc<AtomicUsize>,
    /// Consumers done opening, with or without success.
    pub settled: Arc<AtomicUsize>,
    /// Limits the consumers opening at once.
    pub opening: Arc<Semaphore>,
    /// Turns `Some` when the consumers may send.
    pub go: watch::Receiver<Option<Go>>,
    /// Counts answered turns.
    pub progress: ProgressBar,
}

/// What one consumer saw.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Its conversation, once opened.
    pub conversation: Option<String>,
    /// The texts it sent, in order.
    pub sent: Vec<String>,
    /// Turn latencies of the answered messages, in microseconds.
    pub latencies_us: Vec<u64>,
    /// Whether the bot escalated the conversation.
    pub escalated: bool,
    /// What went wrong on the consumer's side (open failures, timeouts).
    pub problems: Vec<String>,
}

/// Drives consumer number `index`: opens its conversation, waits for the
/// start, then sends to the end of its messages (or the deadline).
pub async fn drive(
    sim: Arc<SimHandle>,
    index: usize,
    options: Arc<Options>,
    shared: Shared,
) -> Outcome {
    let settled = Arc::clone(&shared.settled);
    let outcome = converse(sim, index, options, shared).await;
    // A consumer that could not open counts as settled here.
    if outcome.conversation.is_none() {
        settled.fetch_add(1, Ordering::Relaxed);
    }
    outcome
}

async fn converse(
    sim: Arc<SimHandle>,
    index: usize,
    options: Arc<Options>,
    shared: Shared,
) -> Outcome {
    let Shared {
        opened,
        settled,
        opening,
        mut go,
        progress,
    } = shared;
    let mut outcome = Outcome::default();
    // Consumers connect a few hundred at a time, as real traffic ramps up;
    // 10,000 SYNs at once would overflow the listen queue into retries.
    let permit = opening.acquire_owned().await.ok();
    let mut consumer = match sim.consumer().await {
        Ok(consumer) => consumer,
        Err(e) => {
            outcome
                .problems
                .push(format!("consumer {index}: no socket: {e}"));
            return outcome;
        }
    };
    let conversation = match consumer.open_conversation(None).await {
        Ok(id) => id,
        Err(e) => {
            outcome
                .problems
                .push(format!("consumer {index}: no conversation: {e}"));
            return outcome;
        }
    };
    outcome.conversation = Some(conversation.clone());
    opened.fetch_add(1, Ordering::Relaxed);
    settled.fetch_add(1, Ordering::Relaxed);
    drop(permit);
    if options.hold_only {
        // The socket closes here; the conversation stays with the bot.
        return outcome;
    }
    let Ok(start) = go.wait_for(Option::is_some).await.map(|go| *go) else {
        return outcome;
    };
    let deadline = start.and_then(|go| go.deadline);
    // With a rate, consumers start spread evenly over one pause, so their
    // messages arrive steadily rather than all in the same instant.
    let answer_timeout = if options.chaos {
        CHAOS_ANSWER_TIMEOUT
    } else {
        ANSWER_TIMEOUT
    };
    let pause = options.pause();
    if !pause.is_zero() {
        let share = index as f64 / options.conversations.max(1) as f64;
        tokio::time::sleep(pause.mul_f64(share)).await;
    }
    for m in 0..options.messages {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let text = format!("c{index} m{m}");
        let expected = options.engine_kind().answer(&text);
        let started = Instant::now();
        if let Err(e) = consumer.send_text(&text).await {
            outcome
                .problems
                .push(format!("{conversation}: {text:?} not sent: {e}"));
            break;
        }
        outcome.sent.push(text.clone());
        let answered = loop {
            match consumer.next_agent_text(answer_timeout).await {
                Ok(answer) if answer == expected => break Some(started.elapsed()),
                Ok(answer) if answer == ESCALATION_TEXT => {
                    outcome.escalated = true;
                    break None;
                }
                // An earlier answer seen again is a duplicate: the transcript
                // check counts it; keep waiting for this message's answer.
                Ok(_) => {}
                Err(e) => {
                    outcome
                        .problems
                        .push(format!("{conversation}: {text:?} got no answer: {e}"));
                    break None;
                }
            }
        };
        match answered {
            Some(latency) => {
                outcome
                    .latencies_us
                    .push(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
                progress.inc(1);
            }
            None => break,
        }
        let pause = pause.saturating_sub(started.elapsed());
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
    if !outcome.escalated
        && outcome.problems.is_empty()
        && let Err(e) = consumer.close_conversation().await
    {
        outcome
            .problems
            .push(format!("{conversation}: not closed: {e}"));
    }
    outcome
}
