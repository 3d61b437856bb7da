//! Script engine TOML, as a bot definition's `engine.source` or a script file
//! reaches it: `ScriptEngine::from_toml_str`.
//!
//! Input: the TOML text, optionally followed by a NUL byte and a consumer
//! utterance. Properties, besides "no panic" (in parsing, compiling and
//! answering):
//! - the intent `match_text` names is one of the script's intents;
//! - answering the welcome and a few utterances never fails except with the
//!   documented unset-variable error, and the reply passes the channel check
//!   or is rejected with an error, never a panic.
#![no_main]

use connector_core::{
    ChannelType, ConversationContext, EngineError, EngineSession, EventKind, InboundEvent,
};
use engine_script::{ScriptEngine, codes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (script, utterance) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], Some(&data[at + 1..])),
        None => (data, None),
    };
    let Ok(source) = std::str::from_utf8(script) else {
        return;
    };
    let Ok(engine) = ScriptEngine::from_toml_str(source) else {
        return;
    };
    let intents: Vec<&str> = engine.intent_names().collect();

    let utterance = utterance.map(String::from_utf8_lossy);
    let mut texts: Vec<&str> = vec!["", "hello", "help", "agent", "order #123456", "bye", "é😀"];
    if let Some(u) = utterance.as_deref() {
        texts.push(u);
    }

    for text in &texts {
        if let Some(name) = engine.match_text(text) {
            assert!(
                intents.contains(&name),
                "match_text({text:?}) named {name:?}, not one of {intents:?}"
            );
        }
    }

    let ctx = ConversationContext::new("bot".into(), "conv".into(), ChannelType::Messaging);
    let mut session = EngineSession::default();
    let mut answer = |kind: EventKind| {
        let event = InboundEvent::new(ctx.clone(), kind);
        match engine.respond(&event, &mut session) {
            Ok(reply) => {
                let _ = reply.validate(ChannelType::Messaging);
            }
            Err(EngineError::Permanent { code, .. }) if code == codes::UNSET_VARIABLE => {}
            Err(other) => panic!("unexpected engine error: {other:?}"),
        }
    };
    answer(EventKind::ConversationStarted {
        transferred: false,
        last_consumer_message: utterance.as_deref().map(str::to_owned),
    });
    for text in texts {
        answer(EventKind::ConsumerText {
            text: text.to_owned(),
            metadata: vec![],
        });
    }
    answer(EventKind::ConversationClosed);
});
