//! connector-runtime + engine-script (the demo script) + liveengage-messaging +
//! liveengage-sim: the emulator's transcripts prove each outcome.

use std::sync::Arc;

use e2e::{RunningBot, WAIT, eventually};
use engine_script::ScriptEngine;
use liveengage_proto::Event;
use liveengage_proto::enums::{Role, TtrType};
use liveengage_sim::{Entry, Sim, Transcript};

const SCRIPT: &str = include_str!("../../examples/scripts/demo-bot.toml");

async fn setup() -> (Arc<liveengage_sim::SimHandle>, RunningBot) {
    let sim = Arc::new(
        Sim::builder()
            .tls(true)
            .skill("1", "Bot")
            .skill("3", "human-agents")
            .start()
            .await
            .unwrap(),
    );
    let engine = Arc::new(ScriptEngine::from_toml_str(SCRIPT).unwrap());
    let bot = RunningBot::start(
        &sim,
        engine,
        &[("Bot", "1"), ("human-agents", "3")],
        "human-agents",
    )
    .await;
    (sim, bot)
}

fn bot_messages(t: &Transcript) -> Vec<Event> {
    t.entries
        .iter()
        .filter_map(|e| match e {
            Entry::Message {
                from,
                event,
                private: false,
                ..
            } if from.role != Role::Consumer => Some(event.clone()),
            _ => None,
        })
        .filter(|e| !matches!(e, Event::AcceptStatus(_) | Event::ChatState(_)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_consumers_get_answers_a_transfer_a_close_and_a_ttr_change() {
    let (sim, bot) = setup().await;

    // A: fallback with quick replies, structured content, then a transfer.
    let mut a = sim.consumer().await.unwrap();
    let conv_a = a.open_conversation(None).await.unwrap();
    a.send_text("blah blah").await.unwrap();
    assert_eq!(
        a.next_agent_text(WAIT).await.unwrap(),
        "Sorry, I didn't catch that."
    );
    a.send_text("I need new shoes").await.unwrap();
    a.send_text("human").await.unwrap();
    eventually("A transferred", || {
        sim.transcript(&conv_a).is_some_and(|t| {
            t.has(|e| matches!(e, Entry::TransferredToSkill { to, .. } if to == "3"))
        })
    })
    .await;
    let ta = sim.transcript(&conv_a).unwrap();
    let messages = bot_messages(&ta);
    assert!(
        messages
            .iter()
            .any(|e| matches!(e, Event::Content(c) if c.quick_replies.is_some())),
        "no quick replies in {messages:?}"
    );
    assert!(
        messages.iter().any(|e| matches!(e, Event::RichContent(_))),
        "no structured content"
    );
    assert!(
        messages
            .iter()
            .any(|e| e.as_text() == Some("Let me find a teammate for you. One moment, please.")),
        "no handoff text"
    );
    assert!(
        ta.has(|e| matches!(e, Entry::Message { private: true, .. })),
        "the handoff note should be private"
    );

    // B: closed by the bot.
    let mut b = sim.consumer().await.unwrap();
    let conv_b = b.open_conversation(None).await.unwrap();
    b.send_text("bye").await.unwrap();
    assert_eq!(
        b.next_agent_text(WAIT).await.unwrap(),
        "Thanks for visiting Trailhead Outfitters. Happy trails!"
    );
    eventually("B closed", || {
        sim.transcript(&conv_b)
            .is_some_and(|t| t.has(|e| matches!(e, Entry::Closed { .. })))
    })
    .await;

    // C: TTR raised to urgent.
    let mut c = sim.consumer().await.unwrap();
    let conv_c = c.open_conversation(None).await.unwrap();
    c.send_text("my parcel arrived damaged").await.unwrap();
    assert_eq!(
        c.next_agent_text(WAIT).await.unwrap(),
        "I'm sorry about that. I've flagged your conversation so a teammate answers first."
    );
    eventually("C urgent", || {
        sim.transcript(&conv_c).is_some_and(|t| {
            t.has(|e| {
                matches!(
                    e,
                    Entry::TtrChanged {
                        ttr_type: TtrType::Urgent,
                        ..
                    }
                )
            })
        })
    })
    .await;
    assert!(
        sim.transcript(&conv_c).unwrap().open,
        "a TTR change keeps the conversation open"
    );

    let metrics = bot.handle.metrics().snapshot();
    assert_eq!(
        (metrics.transferred, metrics.closed, metrics.escalated),
        (1, 1, 0)
    );
    bot.stop().await;
}
