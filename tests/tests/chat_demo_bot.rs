//! connector-runtime + engine-script (a chat-friendly script) +
//! liveengage-chat (logged in through liveengage-auth) + liveengage-sim as
//! the visitor: the emulator's transcripts prove each outcome.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use connector_core::{
    BotEngine, BotReply, ChannelEvent, ChannelStatus, ConversationChannel, EngineError,
    EngineSession, EventKind, InboundEvent,
};
use e2e::{RunningChatBot, WAIT, eventually, fast_chat_config, sim_authenticator};
use engine_script::ScriptEngine;
use liveengage_chat::{ChatChannel, ChatSettings, InactivitySettings};
use liveengage_proto::enums::{CloseReason, Role};
use liveengage_sim::{Entry, Sim, SimHandle, Transcript};

/// Text only: chat refuses quick replies, TTR changes and encoded metadata.
const SCRIPT: &str = r#"
[variables]
consumer_name = "there"

[welcome]
outputs = [{ type = "text", text = "Hi {consumer_name}, welcome to the chat!" }]

[fallback]
outputs = [{ type = "text", text = "Sorry, I didn't catch that: {message}" }]

[[intents]]
name = "hours"
keywords = ["hours"]
outputs = [{ type = "text", text = "We are open from 9 to 5." }]

[[intents]]
name = "human"
keywords = ["human"]
outputs = [{ type = "text", text = "Let me find a teammate for you." }]
action = { type = "transfer", skill = "Human" }

[[intents]]
name = "goodbye"
keywords = ["bye"]
outputs = [{ type = "text", text = "Goodbye, come back soon!" }]
action = { type = "close" }
"#;

const WARNING: &str = "Are you still there?";
const CLOSING: &str = "I'm closing this chat now.";

fn engine() -> Arc<ScriptEngine> {
    Arc::new(ScriptEngine::from_toml_str(SCRIPT).unwrap())
}

async fn sim() -> Arc<SimHandle> {
    Arc::new(Sim::builder().tls(true).start().await.unwrap())
}

fn settings(inactivity: InactivitySettings) -> ChatSettings {
    ChatSettings {
        skills: [("Human".to_owned(), "2".to_owned())].into(),
        inactivity,
        ..ChatSettings::default()
    }
}

/// The public lines of a chat in order, as `(from the visitor, text)`.
fn lines(t: &Transcript) -> Vec<(bool, String)> {
    t.entries
        .iter()
        .filter_map(|e| match e {
            Entry::Message {
                from,
                event,
                private: false,
                ..
            } => event
                .as_text()
                .map(|text| (from.role == Role::Consumer, text.to_owned())),
            _ => None,
        })
        .collect()
}

fn bot_lines(t: &Transcript) -> Vec<String> {
    lines(t)
        .into_iter()
        .filter_map(|(visitor, text)| (!visitor).then_some(text))
        .collect()
}

async fn wait_for_bot_lines(sim: &SimHandle, chat: &str, n: usize) {
    eventually(&format!("{n} bot lines in {chat}"), || {
        sim.transcript(chat)
            .is_some_and(|t| bot_lines(&t).len() >= n)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn greeting_exchange_then_inactivity_warning_and_close() {
    let sim = sim().await;
    let bot = RunningChatBot::start(
        &sim,
        engine(),
        settings(
            InactivitySettings::default()
                .warn(Duration::from_millis(600), WARNING)
                .close(Duration::from_millis(1500), CLOSING),
        ),
        "Human",
    )
    .await;

    let chat = sim
        .start_chat(None, "Ann", Some("what are your hours"))
        .unwrap();
    wait_for_bot_lines(&sim, &chat, 2).await;
    sim.visitor_says(&chat, "blah").unwrap();
    eventually("the chat closed by inactivity", || {
        sim.transcript(&chat).is_some_and(|t| !t.open)
    })
    .await;

    let t = sim.transcript(&chat).unwrap();
    let said = lines(&t);
    let visitor = |s: &str| (true, s.to_owned());
    let bot_said = |s: &str| (false, s.to_owned());
    // The greeting may land before or after the first line has been read;
    // everything after the answer to the first line is ordered.
    let mut opening = said[..3].to_vec();
    opening.sort();
    let mut expected_opening = vec![
        visitor("what are your hours"),
        bot_said("Hi Ann, welcome to the chat!"),
        bot_said("We are open from 9 to 5."),
    ];
    expected_opening.sort();
    assert_eq!(opening, expected_opening, "{said:?}");
    assert_eq!(
        said[3..].to_vec(),
        vec![
            visitor("blah"),
            bot_said("Sorry, I didn't catch that: blah"),
            bot_said(WARNING),
            bot_said(CLOSING),
        ],
        "the warning once, then the close message, nothing more"
    );
    assert!(
        t.has(|e| matches!(
            e,
            Entry::Closed {
                by: CloseReason::Agent,
                ..
            }
        )),
        "the bot ended the chat: {:?}",
        t.entries
    );
    eventually("the runtime saw the close", || {
        bot.handle.metrics().snapshot().open == 0
    })
    .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_to_an_online_human_and_end_by_the_bot() {
    let sim = sim().await;
    let bot = RunningChatBot::start(
        &sim,
        engine(),
        settings(InactivitySettings::default()),
        "Human",
    )
    .await;

    // A chat transfer needs an online agent on the target skill (2, Human).
    let agent_auth = sim_authenticator(&sim, "agent");
    let human = ChatChannel::start(
        fast_chat_config(
            &agent_auth,
            "human",
            &sim.account_id(),
            ChatSettings::default(),
        )
        .await,
        agent_auth,
    )
    .unwrap();
    assert_eq!(
        tokio::time::timeout(WAIT, human.next_event())
            .await
            .unwrap(),
        Some(ChannelEvent::Status(ChannelStatus::Connected))
    );

    let to_human = sim.start_chat(None, "Bo", None).unwrap();
    wait_for_bot_lines(&sim, &to_human, 1).await;
    sim.visitor_says(&to_human, "I want a human").unwrap();
    eventually("the chat moved to Human", || {
        sim.transcript(&to_human).is_some_and(|t| {
            t.has(|e| matches!(e, Entry::TransferredToSkill { to, .. } if to == "2"))
        })
    })
    .await;
    eventually("the human took it", || {
        sim.transcript(&to_human)
            .is_some_and(|t| t.has(|e| matches!(e, Entry::Accepted { agent } if agent == "agent")))
    })
    .await;
    let t = sim.transcript(&to_human).unwrap();
    assert_eq!(
        bot_lines(&t),
        vec![
            "Hi Bo, welcome to the chat!".to_owned(),
            "Let me find a teammate for you.".to_owned()
        ]
    );
    assert!(t.open, "a transferred chat stays open");

    let ended = sim.start_chat(None, "Cy", Some("bye")).unwrap();
    eventually("the bot ended the chat", || {
        sim.transcript(&ended).is_some_and(|t| !t.open)
    })
    .await;
    let t = sim.transcript(&ended).unwrap();
    let mut said = bot_lines(&t);
    said.sort();
    assert_eq!(
        said,
        vec![
            "Goodbye, come back soon!".to_owned(),
            "Hi Cy, welcome to the chat!".to_owned()
        ]
    );
    assert!(t.has(|e| matches!(
        e,
        Entry::Closed {
            by: CloseReason::Agent,
            ..
        }
    )));

    // The runtime counts the close once the channel has confirmed it, which
    // can be just after the emulator's transcript shows it.
    let metrics = bot.handle.metrics();
    eventually("one transfer and one close counted", || {
        let m = metrics.snapshot();
        (m.transferred, m.closed) == (1, 1)
    })
    .await;
    human.shutdown().await.unwrap();
    bot.stop().await;
}

/// The script, thinking 500 ms over lines that mention "slow", so a test can
/// slow LiveEngage's answers down between reading a line and posting its reply.
struct Thoughtful(ScriptEngine);

#[async_trait]
impl BotEngine for Thoughtful {
    fn vendor(&self) -> &str {
        "script"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        session: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        if matches!(&event.kind, EventKind::ConsumerText { text, .. } if text.contains("slow")) {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        self.0.handle(event, session).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_tokens_and_slow_answers_lose_no_line_and_repeat_no_reply() {
    let sim = sim().await;
    let engine = Arc::new(Thoughtful(ScriptEngine::from_toml_str(SCRIPT).unwrap()));
    let bot = RunningChatBot::start(
        &sim,
        engine,
        settings(InactivitySettings::default()),
        "Human",
    )
    .await;
    let chat = sim.start_chat(None, "Di", None).unwrap();
    wait_for_bot_lines(&sim, &chat, 1).await;

    // Every bearer dies: the transport logs in again through liveengage-auth.
    sim.faults().expire_tokens();
    sim.visitor_says(&chat, "one").unwrap();
    wait_for_bot_lines(&sim, &chat, 2).await;
    assert!(
        bot.channel.stats().relogins >= 1,
        "{:?}",
        bot.channel.stats()
    );

    // Answers slower than the request timeout while the reply is posted: the
    // post's answer is lost, and it is retried after a look at the history.
    sim.visitor_says(&chat, "slow two").unwrap();
    eventually("the transport read the second line", || {
        bot.channel.stats().lines_received == 2
    })
    .await;
    sim.faults().delay_responses(Duration::from_millis(600));
    // Lines written meanwhile wait in the chat until polls get answers again.
    sim.visitor_says(&chat, "three").unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sim.faults().delay_responses(Duration::ZERO);
    wait_for_bot_lines(&sim, &chat, 4).await;
    sim.visitor_says(&chat, "four").unwrap();
    wait_for_bot_lines(&sim, &chat, 5).await;
    // Give a duplicate time to show up.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let t = sim.transcript(&chat).unwrap();
    let sorry = |s: &str| format!("Sorry, I didn't catch that: {s}");
    assert_eq!(
        bot_lines(&t),
        vec![
            "Hi Di, welcome to the chat!".to_owned(),
            sorry("one"),
            sorry("slow two"),
            sorry("three"),
            sorry("four"),
        ],
        "each line answered once, in order"
    );
    let stats = bot.channel.stats();
    assert_eq!(stats.lines_received, 4, "{stats:?}");
    assert!(stats.retries >= 1, "the slow post was retried: {stats:?}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_and_dropped_answers_lose_no_line_and_repeat_no_reply() {
    let sim = sim().await;
    let bot = RunningChatBot::start(
        &sim,
        engine(),
        settings(InactivitySettings::default()),
        "Human",
    )
    .await;
    let chat = sim.start_chat(None, "Eve", None).unwrap();
    wait_for_bot_lines(&sim, &chat, 1).await;

    // Polls and posts of chat events answer 503 twice: retried, nothing lost.
    sim.faults().fail_http("/events", None, 503, Some(2));
    sim.visitor_says(&chat, "one").unwrap();
    wait_for_bot_lines(&sim, &chat, 2).await;
    assert_eq!(sim.faults().http_faults_left(), 0, "the 503s were not hit");

    // The reply's post is handled, but its answer comes after the client gave
    // up (800 ms against a 400 ms timeout): the transport must not post again.
    sim.faults()
        .drop_http_answers("/events", Some("POST"), Duration::from_millis(800), Some(1));
    sim.visitor_says(&chat, "two").unwrap();
    wait_for_bot_lines(&sim, &chat, 3).await;
    assert_eq!(
        sim.faults().http_faults_left(),
        0,
        "the dropped answer was not hit"
    );
    sim.visitor_says(&chat, "three").unwrap();
    wait_for_bot_lines(&sim, &chat, 4).await;
    // Give a duplicate time to show up.
    tokio::time::sleep(Duration::from_millis(1000)).await;

    let t = sim.transcript(&chat).unwrap();
    let sorry = |s: &str| format!("Sorry, I didn't catch that: {s}");
    assert_eq!(
        bot_lines(&t),
        vec![
            "Hi Eve, welcome to the chat!".to_owned(),
            sorry("one"),
            sorry("two"),
            sorry("three")
        ],
        "each line answered once, in order"
    );
    assert!(
        bot.channel.stats().retries >= 1,
        "{:?}",
        bot.channel.stats()
    );
    bot.stop().await;
}
