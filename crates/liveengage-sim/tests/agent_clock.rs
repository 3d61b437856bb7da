//! The agent-socket turn clock: one turn per consumer message delivered live
//! to the bot and answered, covering the time the bot took.

mod common;

use std::time::Duration;

use common::{Agent, bot_with_conversation};
use liveengage_sim::Sim;
use serde_json::json;

#[tokio::test]
async fn each_answered_live_message_is_one_turn_covering_the_bots_time() {
    let sim = Sim::builder().time_agent_turns(true).start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    bot.start().await;

    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    // Sent before the bot joined: it reaches the bot by history, not on its
    // socket, so answering it is no timed turn.
    consumer.send_text("before the bot").await.unwrap();
    let taken = bot.take_next().await;
    assert_eq!(taken, conv);
    bot.say(&conv, "welcome").await;
    assert!(sim.agent_turn_times().is_empty());

    let think = Duration::from_millis(40);
    for text in ["one", "two"] {
        consumer.send_text(text).await.unwrap();
        let event = bot.next_consumer_event().await;
        assert_eq!(event["event"]["message"], text);
        tokio::time::sleep(think).await;
        bot.say(&conv, &format!("echo: {text}")).await;
    }
    // A second bubble for the same message is not another turn; nor is a
    // read receipt.
    bot.say(&conv, "anything else?").await;
    bot.publish(
        &conv,
        json!({"type":"AcceptStatusEvent","status":"READ","sequenceList":[3]}),
    )
    .await;

    let turns = sim.agent_turn_times();
    assert_eq!(turns.len(), 2, "{turns:?}");
    assert!(turns.iter().all(|t| *t >= think), "{turns:?}");
}

#[tokio::test]
async fn turns_are_not_timed_unless_asked() {
    let sim = Sim::builder().start().await.unwrap();
    let (mut bot, mut consumer, conv) = bot_with_conversation(&sim).await;
    consumer.send_text("hi").await.unwrap();
    bot.next_consumer_event().await;
    bot.say(&conv, "hello").await;
    assert_eq!(
        consumer
            .next_agent_text(Duration::from_secs(5))
            .await
            .unwrap(),
        "hello"
    );
    assert!(sim.agent_turn_times().is_empty());
}
