//! Load-time errors name the key, the intent and the field, and say what to do.

use engine_script::{ScriptEngine, ScriptError};

fn load_err(src: &str) -> ScriptError {
    match ScriptEngine::from_toml_str(src) {
        Ok(_) => panic!("the script loaded but should not have:\n{src}"),
        Err(e) => e,
    }
}

#[test]
fn a_typo_in_an_intent_key_names_the_key_and_its_line() {
    let err = load_err(
        r#"
[[intents]]
name = "hi"
keyword = ["hi"]
outputs = [{ type = "text", text = "Hi" }]
"#,
    );
    assert!(matches!(err, ScriptError::Parse { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("unknown field `keyword`"), "{msg}");
    assert!(msg.contains("`keywords`"), "expected the valid keys: {msg}");
    assert!(msg.contains("line 4"), "{msg}");
}

#[test]
fn typos_in_top_level_output_and_action_keys_are_named() {
    let msg = load_err("[welcom]\noutputs = []\n").to_string();
    assert!(msg.contains("unknown field `welcom`"), "{msg}");

    let msg = load_err(
        r#"
[welcome]
outputs = [{ type = "text", txt = "Hi" }]
"#,
    )
    .to_string();
    assert!(msg.contains("txt"), "{msg}");

    let msg = load_err(
        r#"
[welcome]
outputs = [{ type = "txt", text = "Hi" }]
"#,
    )
    .to_string();
    assert!(msg.contains("unknown variant `txt`"), "{msg}");
    assert!(
        msg.contains("private_text"),
        "expected the valid types: {msg}"
    );

    let msg = load_err(
        r#"
[welcome]
action = { type = "transfer", skil = "human-agents" }
"#,
    )
    .to_string();
    assert!(msg.contains("skil"), "{msg}");

    let msg = load_err(
        r#"
[welcome]
action = { type = "ttr", ttr_type = "SOON" }
"#,
    )
    .to_string();
    assert!(msg.contains("SOON"), "{msg}");
}

#[test]
fn a_second_action_is_rejected() {
    // One `action` per intent: a second one is a TOML error naming the key.
    let msg = load_err(
        r#"
[[intents]]
name = "x"
keywords = ["x"]
action = { type = "close" }
action = { type = "transfer", skill = "s" }
"#,
    )
    .to_string();
    assert!(msg.contains("action"), "{msg}");
    let msg = load_err(
        r#"
[[intents]]
name = "x"
keywords = ["x"]
actions = [{ type = "close" }]
"#,
    )
    .to_string();
    assert!(msg.contains("unknown field `actions`"), "{msg}");
}

#[test]
fn intents_need_a_trigger_and_an_answer() {
    let err = load_err(
        r#"
[[intents]]
name = "silent"
keywords = ["x"]
"#,
    );
    assert!(matches!(&err, ScriptError::NoAnswer { intent } if intent == "silent"));
    assert!(err.to_string().contains("`action`"), "{err}");

    let err = load_err(
        r#"
[[intents]]
name = "deaf"
outputs = [{ type = "text", text = "x" }]
"#,
    );
    assert!(matches!(&err, ScriptError::NoTrigger { intent } if intent == "deaf"));
    assert!(
        err.to_string().contains("`keywords`, `regex` or `events`"),
        "{err}"
    );

    let err = load_err("[welcome]\n");
    assert!(matches!(&err, ScriptError::NoAnswer { intent } if intent == "welcome"));
}

#[test]
fn names_must_be_unique_and_not_reserved() {
    let err = load_err(
        r#"
[[intents]]
name = "a"
keywords = ["x"]
action = { type = "close" }
[[intents]]
name = "a"
keywords = ["y"]
action = { type = "close" }
"#,
    );
    assert!(matches!(&err, ScriptError::DuplicateIntent { name } if name == "a"));

    let err = load_err(
        r#"
[[intents]]
name = "fallback"
keywords = ["x"]
action = { type = "close" }
"#,
    );
    assert_eq!(err.intent(), Some("fallback"));
    assert_eq!(err.field(), Some("name"));
    assert!(err.to_string().contains("[fallback]"), "{err}");
}

#[test]
fn a_bad_regex_names_the_intent_and_index() {
    let err = load_err(
        r#"
[[intents]]
name = "orders"
regex = ['order (\d+)', 'order (?P<id>\d+']
action = { type = "close" }
"#,
    );
    assert_eq!(err.intent(), Some("orders"));
    assert_eq!(err.field(), Some("regex[1]"));
    assert!(err.to_string().contains("does not compile"), "{err}");
}

#[test]
fn template_errors_name_the_field_and_the_fix() {
    let err = load_err(
        r#"
[[intents]]
name = "o"
regex = ['(?P<order_id>\d+)']
outputs = [{ type = "text", text = "ok" }, { type = "text", text = "Order {ordr_id}" }]
"#,
    );
    assert!(
        matches!(&err, ScriptError::UnknownVariable { intent, field, variable }
            if intent == "o" && field == "outputs[1].text" && variable == "ordr_id"),
        "{err:?}"
    );

    let err = load_err(
        r#"
[welcome]
outputs = [{ type = "quick_replies", message = "Price: {amount", replies = [{ title = "ok" }] }]
"#,
    );
    assert!(
        matches!(err, ScriptError::InvalidTemplate { .. }),
        "{err:?}"
    );
    assert_eq!(err.field(), Some("outputs[0].message"));
    assert!(err.to_string().contains("`{{`"), "{err}");
}

#[test]
fn captures_may_not_shadow_builtins_and_defaults_must_be_names() {
    let err = load_err(
        r#"
[[intents]]
name = "s"
regex = ['skill (?P<skill>\w+)']
action = { type = "close" }
"#,
    );
    assert_eq!(err.field(), Some("regex[0]"));
    assert!(err.to_string().contains("built-in"), "{err}");

    let err = load_err("[variables]\n\"order id\" = \"x\"\n");
    assert!(
        matches!(&err, ScriptError::InvalidVariable { name, .. } if name == "order id"),
        "{err:?}"
    );
}

#[test]
fn structured_content_and_quick_replies_must_be_well_formed() {
    let err = load_err(
        r#"
[[intents]]
name = "cards"
keywords = ["x"]
[[intents.outputs]]
type = "structured"
cards = [{ title = "only one" }]
"#,
    );
    assert_eq!(err.intent(), Some("cards"));
    assert_eq!(err.field(), Some("outputs[0].cards"));

    let err = load_err(
        r#"
[welcome]
outputs = [{ type = "quick_replies", message = "Pick", replies = [] }]
"#,
    );
    assert_eq!(err.field(), Some("outputs[0].replies"));

    let err = load_err(
        r#"
[welcome]
outputs = [{ type = "quick_replies", message = "Pick", replies = [{ title = "ok" }], items_per_row = 0 }]
"#,
    );
    assert!(err.to_string().contains("1 to 8"), "{err}");

    let err = load_err(
        r#"
[welcome]
outputs = [{ type = "structured", json = '{"elements": []}' }]
"#,
    );
    assert_eq!(err.field(), Some("outputs[0].json"));
    assert!(err.to_string().contains("`type`"), "{err}");

    let long = "x".repeat(129);
    let err = load_err(&format!(
        r#"
[welcome]
outputs = [{{ type = "structured", card = {{ buttons = [{{ title = "{long}", publish_text = "x" }}] }} }}]
"#
    ));
    assert_eq!(err.field(), Some("outputs[0].card"));
    assert!(err.to_string().contains("button.title"), "{err}");
}

#[test]
fn actions_are_checked() {
    let err = load_err(
        r#"
[fallback]
action = { type = "ttr", ttr_type = "CUSTOM" }
"#,
    );
    assert_eq!(err.intent(), Some("fallback"));
    assert_eq!(err.field(), Some("action.seconds"));
}

#[test]
fn file_errors_carry_the_path() {
    let missing = std::path::Path::new("/nonexistent/engine-script/bot.toml");
    let err = ScriptEngine::from_path(missing).unwrap_err();
    assert!(matches!(err, ScriptError::Io { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("/nonexistent/engine-script/bot.toml"),
        "{err}"
    );

    let dir = std::env::temp_dir().join(format!("engine-script-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.toml");
    std::fs::write(&path, "[[intents]]\nname = \"x\"\nkeywords = [\"x\"\n").unwrap();
    let err = ScriptEngine::from_path(&path).unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        matches!(err, ScriptError::Parse { path: Some(_), .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("broken.toml"), "{err}");
}
