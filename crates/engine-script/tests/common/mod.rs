//! Helpers shared by the integration tests.
#![allow(dead_code)]

use connector_core::{
    BotReply, ChannelType, ConversationContext, EngineSession, EventKind, InboundEvent,
};
use engine_script::ScriptEngine;
use serde_json::json;

/// A messaging context for conversation `conv-1`.
pub fn context() -> ConversationContext {
    ConversationContext::new("bot-1".into(), "conv-1".into(), ChannelType::Messaging)
}

/// A consumer text event.
pub fn text(text: &str) -> InboundEvent {
    InboundEvent::new(
        context(),
        EventKind::ConsumerText {
            text: text.into(),
            metadata: vec![],
        },
    )
}

/// A welcome event, optionally with the last consumer message of a transfer.
pub fn welcome(last: Option<&str>) -> InboundEvent {
    InboundEvent::new(
        context(),
        EventKind::ConversationStarted {
            transferred: last.is_some(),
            last_consumer_message: last.map(str::to_owned),
        },
    )
}

/// A file upload event.
pub fn file() -> InboundEvent {
    InboundEvent::new(
        context(),
        EventKind::ConsumerFile {
            file: json!({"relativePath": "/files/photo.png"}),
        },
    )
}

/// A rich-content (location) event.
pub fn rich_content() -> InboundEvent {
    InboundEvent::new(
        context(),
        EventKind::ConsumerRichContent {
            content: json!({"type": "map", "la": 45.5, "lo": -122.6}),
        },
    )
}

/// A close event.
pub fn closed() -> InboundEvent {
    InboundEvent::new(context(), EventKind::ConversationClosed)
}

/// Loads `src`, panicking with the error's message on failure.
pub fn engine(src: &str) -> ScriptEngine {
    match ScriptEngine::from_toml_str(src) {
        Ok(engine) => engine,
        Err(e) => panic!("script failed to load: {e}"),
    }
}

/// Answers `event` in `session`.
pub fn reply(engine: &ScriptEngine, event: &InboundEvent, session: &mut EngineSession) -> BotReply {
    match engine.respond(event, session) {
        Ok(reply) => reply,
        Err(e) => panic!("the engine failed: {e}"),
    }
}

/// The public and private texts of a reply, in order.
pub fn texts(reply: &BotReply) -> Vec<String> {
    reply
        .outputs
        .iter()
        .filter_map(|o| match o {
            connector_core::Output::Text(t) => Some(t.text.clone()),
            _ => None,
        })
        .collect()
}
