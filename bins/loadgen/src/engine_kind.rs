//! Which engine answers, and the answer each gives to a consumer text.

use clap::ValueEnum;
use serde_json::Value;

/// The script of `--engine script`: every consumer text is answered at once
/// with `echo: <text>`, like the synthetic engine.
pub const ECHO_SCRIPT: &str = r#"
[[intents]]
name = "echo"
regex = ['^(?P<said>[\s\S]*)$']
outputs = [{ type = "text", text = "echo: {said}" }]
"#;

/// The engine behind the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineKind {
    /// loadgen's synthetic engine (in-process only): echoes after
    /// `--engine-latency-ms`, fails with `--engine-error-rate`.
    Synthetic,
    /// `engine-script` with a one-intent script that echoes at once (no
    /// latency, no errors).
    Script,
    /// The Custom Endpoint reference server (`examples/webhook-reference`)
    /// behind `engine-webhook`, delayed by `--engine-latency-ms` and failing
    /// (503) with `--engine-error-rate`.
    Webhook,
}

impl EngineKind {
    /// The bot's answer to a consumer `text`.
    #[must_use]
    pub fn answer(self, text: &str) -> String {
        match self {
            Self::Synthetic | Self::Script => format!("echo: {text}"),
            // The reference service's fallback: "You said: <text>. Try ...".
            Self::Webhook => webhook_reference::respond(text)["response"][0]["data"]["message"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| Value::Null.to_string()),
        }
    }

    /// The name shown in the report.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Synthetic => "synthetic",
            Self::Script => "script (echo)",
            Self::Webhook => "webhook reference server",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::{
        BotEngine, ChannelType, ConversationContext, EngineSession, EventKind, InboundEvent, Output,
    };

    #[tokio::test]
    async fn the_echo_script_answers_what_the_consumers_expect() {
        let engine = engine_script::ScriptEngine::from_toml_str(ECHO_SCRIPT).unwrap();
        let context = ConversationContext::new("bot".into(), "conv".into(), ChannelType::Messaging);
        for text in ["c12 m3", "Hello, World? {x}"] {
            let event = InboundEvent::new(
                context.clone(),
                EventKind::ConsumerText {
                    text: text.into(),
                    metadata: vec![],
                },
            );
            let reply = engine
                .handle(&event, &mut EngineSession::default())
                .await
                .unwrap();
            assert_eq!(
                reply.outputs,
                [Output::text(EngineKind::Script.answer(text))]
            );
        }
    }

    #[test]
    fn the_webhook_answer_is_the_reference_fallback() {
        let answer = EngineKind::Webhook.answer("c1 m2");
        assert!(answer.starts_with("You said: c1 m2."), "{answer}");
    }
}
