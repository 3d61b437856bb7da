//! No input makes the engine panic: arbitrary consumer text always gets a
//! reply, and arbitrary script text loads or fails with an error.

mod common;

use common::{engine, reply, text, texts};
use connector_core::{ChannelType, EngineSession};
use engine_script::ScriptEngine;
use proptest::prelude::*;

const SCRIPT: &str = r#"
[fallback]
outputs = [{ type = "text", text = "FALLBACK" }]

[[intents]]
name = "order"
regex = ['order\s*#?(?P<order_id>\d{6})']
outputs = [{ type = "text", text = "Order {order_id}" }]

[[intents]]
name = "greeting"
keywords = ["hello", "good morning"]
outputs = [{ type = "text", text = "Hi! You said: {message}" }]
"#;

proptest! {
    #[test]
    fn arbitrary_text_always_gets_a_valid_reply(input in any::<String>()) {
        let engine = engine(SCRIPT);
        let mut session = EngineSession::default();
        let r = reply(&engine, &text(&input), &mut session);
        let answered = texts(&r);
        prop_assert_eq!(answered.len(), 1);
        match engine.match_text(&input) {
            None => prop_assert_eq!(answered[0].as_str(), "FALLBACK"),
            Some("order") => prop_assert!(answered[0].starts_with("Order ")),
            Some(_) => prop_assert_eq!(answered[0].clone(), format!("Hi! You said: {input}")),
        }
        prop_assert!(r.validate(ChannelType::Messaging).is_ok());
    }

    #[test]
    fn text_without_any_keyword_gets_the_fallback(input in "[a-fj-z0-9 ,.!?]{0,80}") {
        // Without `g`, `h` and `i` neither "hello" nor "good morning" can appear.
        prop_assume!(!input.contains("order"));
        let engine = engine(SCRIPT);
        prop_assert_eq!(engine.match_text(&input), None);
        let r = reply(&engine, &text(&input), &mut EngineSession::default());
        prop_assert_eq!(texts(&r), vec!["FALLBACK".to_owned()]);
    }

    #[test]
    fn arbitrary_scripts_never_panic(source in any::<String>()) {
        let _ = ScriptEngine::from_toml_str(&source);
    }

    #[test]
    fn arbitrary_keywords_and_templates_never_panic(
        keyword in any::<String>(),
        pattern in any::<String>(),
        template in any::<String>(),
        input in any::<String>(),
    ) {
        let script = format!(
            "[[intents]]\nname = \"x\"\nkeywords = [{}]\nregex = [{}]\noutputs = [{{ type = \"text\", text = {} }}]\n",
            toml_string(&keyword), toml_string(&pattern), toml_string(&template),
        );
        if let Ok(engine) = ScriptEngine::from_toml_str(&script) {
            let _ = engine.respond(&text(&input), &mut EngineSession::default());
            let _ = engine.match_text(&input);
        }
    }
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
