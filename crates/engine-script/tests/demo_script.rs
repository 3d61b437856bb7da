//! The shipped demo script `examples/scripts/demo-bot.toml`: it loads, every
//! intent's reply passes LivePerson's validation, and together the replies use
//! every output and action of the vocabulary.

mod common;

use std::path::PathBuf;

use common::{file, reply, rich_content, text, texts, welcome};
use connector_core::{
    Action, Audience, BotReply, ChannelType, EngineSession, InboundEvent, Output, Ttr,
};
use engine_script::ScriptEngine;

fn demo() -> ScriptEngine {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/scripts/demo-bot.toml");
    match ScriptEngine::from_path(&path) {
        Ok(engine) => engine,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

/// One sample event per intent of the demo, with the intent it must reach.
fn samples() -> Vec<(&'static str, InboundEvent)> {
    vec![
        ("order_status", text("Where is order #482913?")),
        ("track_order", text("I want to track my order")),
        ("trail_runner", text("Tell me about the Trail Runner")),
        ("shoes", text("show me shoes")),
        ("store_hours", text("what are your store hours")),
        ("newsletter", text("subscribe me to the newsletter")),
        ("return_request", text("I want to return something")),
        ("complaint", text("my jacket arrived damaged")),
        ("no_rush", text("no rush, whenever you can")),
        (
            "personal_shopper",
            text("can I talk to my personal shopper"),
        ),
        ("human", text("agent")),
        ("introduce", text("My name is Robin")),
        ("thanks", text("thanks!")),
        ("goodbye", text("ok bye")),
        ("stop", text("stop")),
        ("photo_received", file()),
        ("location_received", rich_content()),
    ]
}

fn event_text(event: &InboundEvent) -> Option<&str> {
    event.kind.utterance()
}

#[test]
fn every_intent_has_a_sample_that_reaches_it() {
    let engine = demo();
    let sampled: Vec<&str> = samples().iter().map(|(name, _)| *name).collect();
    let names: Vec<&str> = engine.intent_names().collect();
    assert_eq!(
        sampled, names,
        "add a sample for each intent of the demo, in file order"
    );
    for (name, event) in samples() {
        if let Some(t) = event_text(&event)
            && !t.starts_with("com.liveperson")
        {
            assert_eq!(engine.match_text(t), Some(name), "sample {t:?}");
        }
    }
}

fn all_replies(engine: &ScriptEngine) -> Vec<(String, BotReply)> {
    let mut session = EngineSession::default();
    let mut replies = vec![
        (
            "welcome".to_owned(),
            reply(engine, &welcome(None), &mut session),
        ),
        (
            "fallback".to_owned(),
            reply(engine, &text("xyzzy plugh"), &mut session),
        ),
    ];
    for (name, event) in samples() {
        replies.push((name.to_owned(), reply(engine, &event, &mut session)));
    }
    replies
}

#[test]
fn every_reply_validates_for_messaging() {
    let engine = demo();
    for (name, reply) in all_replies(&engine) {
        if let Err(e) = reply.validate(ChannelType::Messaging) {
            panic!("intent `{name}`: {e}");
        }
        assert!(
            !reply.outputs.is_empty() || !reply.actions.is_empty(),
            "intent `{name}` answered nothing"
        );
    }
}

#[test]
fn the_demo_uses_every_output_and_action() {
    let engine = demo();
    let replies = all_replies(&engine);
    let outputs: Vec<&Output> = replies.iter().flat_map(|(_, r)| &r.outputs).collect();
    let actions: Vec<&Action> = replies.iter().flat_map(|(_, r)| &r.actions).collect();
    let any = |what: &str, f: &dyn Fn(&Output) -> bool| {
        assert!(outputs.iter().any(|o| f(o)), "no output is {what}");
    };
    any(
        "a public text",
        &|o| matches!(o, Output::Text(t) if t.audience == Audience::All),
    );
    any(
        "a private text",
        &|o| matches!(o, Output::Text(t) if t.audience == Audience::AgentsAndManagers),
    );
    any(
        "a text with metadata",
        &|o| matches!(o, Output::Text(t) if !t.metadata.is_empty()),
    );
    any(
        "a text with encoded metadata",
        &|o| matches!(o, Output::Text(t) if t.encoded_metadata.is_some()),
    );
    any(
        "a structured card",
        &|o| matches!(o, Output::StructuredContent(s) if s.content.as_json()["type"] == "vertical"),
    );
    any(
        "a structured carousel",
        &|o| matches!(o, Output::StructuredContent(s) if s.content.as_json()["type"] == "carousel"),
    );
    any("quick replies", &|o| matches!(o, Output::QuickReplies(_)));
    any(
        "a delay with typing",
        &|o| matches!(o, Output::Delay(d) if d.typing),
    );
    any(
        "a delay without typing",
        &|o| matches!(o, Output::Delay(d) if !d.typing),
    );

    let has = |what: &str, f: &dyn Fn(&Action) -> bool| {
        assert!(actions.iter().any(|a| f(a)), "no action is {what}");
    };
    has("a transfer to human-agents", &|a| {
        *a == Action::transfer("human-agents")
    });
    has("a transfer to an agent", &|a| {
        matches!(a, Action::TransferToAgent { skill, agent_id }
            if skill == "human-agents" && !agent_id.as_str().is_empty())
    });
    has("a close with survey", &|a| {
        *a == Action::Close { without_pcs: false }
    });
    has("a close without survey", &|a| {
        *a == Action::Close { without_pcs: true }
    });
    has("an urgent TTR", &|a| *a == Action::ChangeTtr(Ttr::Urgent));
    has(
        "a custom TTR",
        &|a| matches!(a, Action::ChangeTtr(Ttr::Custom(s)) if *s > 0),
    );
    has(
        "a fire-and-forget function",
        &|a| matches!(a, Action::InvokeFunction(f) if !f.fail_on_error),
    );
    has(
        "a function with failOnError",
        &|a| matches!(a, Action::InvokeFunction(f) if f.fail_on_error),
    );
}

#[test]
fn the_welcome_offers_quick_replies_that_reach_intents() {
    let engine = demo();
    let r = reply(&engine, &welcome(None), &mut EngineSession::default());
    assert_eq!(texts(&r), ["Hi there, welcome to Trailhead Outfitters!"]);
    let Some(Output::QuickReplies(q)) = r.outputs.get(1) else {
        panic!("the welcome's second output is not quick replies: {r:?}")
    };
    let replies = q.quick_replies["replies"].as_array().expect("replies");
    assert_eq!(replies.len(), 4);
    for button in replies {
        let published = button["click"]["actions"][0]["text"]
            .as_str()
            .expect("publishText");
        assert!(
            engine.match_text(published).is_some(),
            "quick reply {published:?} reaches no intent"
        );
    }
}

#[test]
fn the_order_number_is_captured_and_reused() {
    let engine = demo();
    let mut session = EngineSession::default();
    let r = reply(&engine, &text("order number 482913 please"), &mut session);
    let t = texts(&r);
    assert_eq!(t[0], "Let me look up order 482913...");
    assert!(t[2].contains("conversation conv-1"), "{t:?}");
    let r = reply(&engine, &text("I'd like a refund"), &mut session);
    assert!(texts(&r)[0].contains("for 482913"), "{r:?}");
    // The name is captured too, with its default before.
    let r = reply(&engine, &text("thanks"), &mut session);
    assert_eq!(texts(&r), ["You're welcome, friend! Anything else?"]);
    reply(&engine, &text("my name is Robin"), &mut session);
    let r = reply(&engine, &text("thanks"), &mut session);
    assert_eq!(texts(&r), ["You're welcome, Robin! Anything else?"]);
}
