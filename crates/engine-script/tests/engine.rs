//! The engine's behaviour through its public API: matching, welcome, fallback,
//! close, files and rich content, and conversation variables.

mod common;

use common::{closed, engine, file, reply, rich_content, text, texts, welcome};
use connector_core::{
    Action, BotEngine, BotReply, ChannelType, ConsumerInfo, EngineSession, EventKind, InboundEvent,
    Skill, SkillId,
};
use engine_script::{DEFAULT_FALLBACK, DEFAULT_WELCOME, SESSION_KEY, codes};
use serde_json::json;

const SHOP: &str = r#"
[variables]
order_id = "your order"

[welcome]
outputs = [{ type = "text", text = "Welcome!" }]

[fallback]
outputs = [{ type = "text", text = "Pardon?" }]

[[intents]]
name = "order_status"
regex = ['order\s*#?(?P<order_id>\d{6})']
outputs = [{ type = "text", text = "Order {order_id} shipped." }]

[[intents]]
name = "refund"
keywords = ["refund", "money back"]
outputs = [{ type = "text", text = "Refund for {order_id} started." }]

[[intents]]
name = "order_general"
keywords = ["order"]
outputs = [{ type = "text", text = "Which order?" }]

[[intents]]
name = "greeting"
keywords = ["hi", "hello"]
outputs = [{ type = "text", text = "Hello {message}!" }]

[[intents]]
name = "upload"
events = ["file"]
outputs = [{ type = "text", text = "Got your file." }]

[[intents]]
name = "location"
keywords = ["com.liveperson.bot-connectors.consumer.send-rich-content"]
outputs = [{ type = "text", text = "Got your location." }]

[[intents]]
name = "bye"
keywords = ["bye"]
action = { type = "close" }
"#;

#[test]
fn matching_ignores_case_and_respects_word_boundaries() {
    let engine = engine(SHOP);
    assert_eq!(engine.match_text("HELLO there"), Some("greeting"));
    assert_eq!(engine.match_text("Hi!"), Some("greeting"));
    assert_eq!(engine.match_text("this is it"), None, "`hi` inside `this`");
    assert_eq!(
        engine.match_text("I'd like my MONEY   back"),
        Some("refund")
    );
    assert_eq!(
        engine.match_text("ordering"),
        None,
        "`order` inside `ordering`"
    );
}

#[test]
fn the_first_matching_intent_in_file_order_wins() {
    let engine = engine(SHOP);
    // `order_status` (regex) comes before `order_general` (keyword `order`).
    assert_eq!(engine.match_text("order 123456"), Some("order_status"));
    assert_eq!(engine.match_text("my order"), Some("order_general"));
    // `refund` comes before `order_general` although both match.
    assert_eq!(engine.match_text("refund my order"), Some("refund"));
    assert_eq!(
        engine.intent_names().collect::<Vec<_>>(),
        [
            "order_status",
            "refund",
            "order_general",
            "greeting",
            "upload",
            "location",
            "bye"
        ]
    );
}

#[test]
fn consumer_text_gets_the_intent_answer_or_the_fallback() {
    let engine = engine(SHOP);
    let mut session = EngineSession::default();
    let r = reply(&engine, &text("Which order?? ORDER #654321"), &mut session);
    assert_eq!(texts(&r), ["Order 654321 shipped."]);
    let r = reply(&engine, &text("what is the weather"), &mut session);
    assert_eq!(texts(&r), ["Pardon?"]);
    assert!(r.actions.is_empty());
    let r = reply(&engine, &text("bye"), &mut session);
    assert!(r.outputs.is_empty());
    assert_eq!(r.actions, vec![Action::close()]);
}

#[test]
fn captures_persist_in_the_session_and_defaults_fill_the_gaps() {
    let engine = engine(SHOP);
    let mut session = EngineSession::default();
    // Before any capture, the [variables] default applies.
    let r = reply(&engine, &text("refund please"), &mut session);
    assert_eq!(texts(&r), ["Refund for your order started."]);
    assert!(session.get_json(SESSION_KEY).is_none());
    reply(&engine, &text("order 123456"), &mut session);
    assert_eq!(
        session.get_json(SESSION_KEY),
        Some(&json!({"order_id": "123456"}))
    );
    let r = reply(&engine, &text("refund please"), &mut session);
    assert_eq!(texts(&r), ["Refund for 123456 started."]);
    // A later capture replaces the value.
    reply(&engine, &text("order 777777"), &mut session);
    let r = reply(&engine, &text("refund"), &mut session);
    assert_eq!(texts(&r), ["Refund for 777777 started."]);
    // Another conversation's session knows nothing of it.
    let mut other = EngineSession::default();
    let r = reply(&engine, &text("refund"), &mut other);
    assert_eq!(texts(&r), ["Refund for your order started."]);
}

#[test]
fn the_message_builtin_is_the_consumer_text() {
    let engine = engine(SHOP);
    let r = reply(&engine, &text("hello"), &mut EngineSession::default());
    assert_eq!(texts(&r), ["Hello hello!"]);
}

#[test]
fn the_welcome_event_gets_the_welcome() {
    let engine = engine(SHOP);
    let r = reply(&engine, &welcome(None), &mut EngineSession::default());
    assert_eq!(texts(&r), ["Welcome!"]);
}

#[test]
fn a_transferred_last_message_that_matches_is_answered_instead_of_the_welcome() {
    let engine = engine(SHOP);
    let mut session = EngineSession::default();
    let r = reply(
        &engine,
        &welcome(Some("where is order 246810")),
        &mut session,
    );
    assert_eq!(texts(&r), ["Order 246810 shipped."]);
    assert_eq!(
        session.get_json(SESSION_KEY),
        Some(&json!({"order_id": "246810"}))
    );
    // An unmatched or blank last message gets the welcome, never the fallback.
    let r = reply(&engine, &welcome(Some("blah blah")), &mut session);
    assert_eq!(texts(&r), ["Welcome!"]);
    let r = reply(&engine, &welcome(Some("   ")), &mut session);
    assert_eq!(texts(&r), ["Welcome!"]);
}

#[test]
fn the_close_event_gets_an_empty_reply() {
    let engine = engine(SHOP);
    let r = reply(&engine, &closed(), &mut EngineSession::default());
    assert_eq!(r, BotReply::new());
}

#[test]
fn files_match_event_triggers_and_rich_content_the_identifier_string() {
    let engine = engine(SHOP);
    let mut session = EngineSession::default();
    assert_eq!(
        texts(&reply(&engine, &file(), &mut session)),
        ["Got your file."]
    );
    assert_eq!(
        texts(&reply(&engine, &rich_content(), &mut session)),
        ["Got your location."]
    );
}

#[test]
fn unmatched_files_get_the_fallback() {
    let engine = engine(
        r#"
[fallback]
outputs = [{ type = "text", text = "I can only read text." }]
[[intents]]
name = "hi"
keywords = ["hi"]
outputs = [{ type = "text", text = "Hi" }]
"#,
    );
    let r = reply(&engine, &file(), &mut EngineSession::default());
    assert_eq!(texts(&r), ["I can only read text."]);
}

#[test]
fn missing_welcome_and_fallback_use_the_documented_defaults() {
    let engine = engine(
        r#"
[[intents]]
name = "hi"
keywords = ["hi"]
outputs = [{ type = "text", text = "Hi" }]
"#,
    );
    let mut session = EngineSession::default();
    assert_eq!(
        texts(&reply(&engine, &welcome(None), &mut session)),
        [DEFAULT_WELCOME]
    );
    assert_eq!(
        texts(&reply(&engine, &text("??"), &mut session)),
        [DEFAULT_FALLBACK]
    );
    // Even an empty script is a working bot.
    let empty = common::engine("");
    assert_eq!(
        texts(&reply(&empty, &text("anything"), &mut session)),
        [DEFAULT_FALLBACK]
    );
}

#[test]
fn builtins_come_from_the_conversation_context() {
    let engine = engine(
        r#"
[welcome]
outputs = [{ type = "text", text = "{consumer_name} on {skill} in {conversation_id} via {channel} ({bot_id}) {{ok}}" }]
"#,
    );
    let mut consumer = ConsumerInfo::default();
    consumer.name = Some("Ada".into());
    let ctx = common::context().with_consumer(consumer).with_skill(Skill {
        id: SkillId::new("77"),
        name: Some("sales".into()),
    });
    let event = InboundEvent::new(
        ctx,
        EventKind::ConversationStarted {
            transferred: false,
            last_consumer_message: None,
        },
    );
    let r = reply(&engine, &event, &mut EngineSession::default());
    assert_eq!(
        texts(&r),
        ["Ada on sales in conv-1 via MESSAGING (bot-1) {ok}"]
    );
}

#[test]
fn a_variable_without_value_is_a_permanent_engine_error() {
    let engine = engine(
        r#"
[welcome]
outputs = [{ type = "text", text = "Hi {consumer_name}" }]
[[intents]]
name = "ask"
keywords = ["status"]
outputs = [{ type = "text", text = "Order {order_id}" }]
[[intents]]
name = "give"
regex = ['(?P<order_id>\d{6})']
outputs = [{ type = "text", text = "Noted {order_id}" }]
"#,
    );
    let mut session = EngineSession::default();
    let err = engine.respond(&welcome(None), &mut session).unwrap_err();
    assert_eq!(err.code(), &codes::UNSET_VARIABLE);
    assert!(!err.is_transient());
    assert!(err.to_string().contains("{consumer_name}"), "{err}");
    let err = engine.respond(&text("status"), &mut session).unwrap_err();
    assert_eq!(err.code().as_str(), "engine.script.unset-variable");
    assert!(err.to_string().contains("intent `ask`"), "{err}");
    // Once captured, the same intent works.
    reply(&engine, &text("123456"), &mut session);
    assert_eq!(
        texts(&reply(&engine, &text("status"), &mut session)),
        ["Order 123456"]
    );
}

#[test]
fn handle_and_test_connection_work_through_the_trait() {
    let engine = engine(SHOP);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let engine: &dyn BotEngine = &engine;
        assert_eq!(engine.vendor(), "script");
        assert_eq!(engine.test_connection().await, Ok(()));
        let r = engine
            .handle(&text("order 111111"), &mut EngineSession::default())
            .await
            .expect("reply");
        let valid = r.validate(ChannelType::Messaging).expect("valid");
        assert_eq!(valid.outputs().len(), 1);
    });
}
