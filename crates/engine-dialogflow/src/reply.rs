//! Assembling a [`BotReply`] from the messages of any Dialogflow version.

use connector_core::{Action, BotReply, EngineError, Output};
use serde_json::{Map, Value};

use crate::error::codes;
use crate::payload::{self, Item};

/// Collects outputs and actions in the order Dialogflow lists them.
pub(crate) struct ReplyBuilder<'a> {
    reply: BotReply,
    /// The raw answer, kept for the error log.
    body: &'a str,
}

impl<'a> ReplyBuilder<'a> {
    pub(crate) fn new(body: &'a str) -> Self {
        Self {
            reply: BotReply::new(),
            body,
        }
    }

    /// A text message; empty strings are skipped (Dialogflow sends an empty
    /// default text next to custom payloads unless the bot deletes it, and
    /// LiveEngage cannot show an empty message).
    pub(crate) fn text(&mut self, text: &str) {
        if !text.trim().is_empty() {
            self.reply.outputs.push(Output::text(text));
        }
    }

    pub(crate) fn output(&mut self, output: Output) {
        self.reply.outputs.push(output);
    }

    pub(crate) fn action(&mut self, action: Action) {
        self.reply.actions.push(action);
    }

    /// A custom payload in LivePerson's conventions; `actions` enables CX
    /// action payloads.
    pub(crate) fn payload(
        &mut self,
        payload: &Map<String, Value>,
        actions: bool,
    ) -> Result<(), EngineError> {
        match payload::parse(payload, actions) {
            Ok(Some(Item::Output(output))) => self.output(output),
            Ok(Some(Item::Action(action))) => self.action(action),
            Ok(None) => tracing::debug!(
                keys = ?payload.keys().collect::<Vec<_>>(),
                "skipping a custom payload that is not one of LivePerson's shapes"
            ),
            Err(problem) => {
                return Err(self.invalid(format!("invalid custom payload: {problem}")));
            }
        }
        Ok(())
    }

    /// A parse error carrying the raw answer.
    pub(crate) fn invalid(&self, message: impl Into<String>) -> EngineError {
        invalid(message, self.body)
    }

    /// The reply; more than one action is LivePerson's `multiple-actions` error.
    pub(crate) fn finish(self) -> Result<BotReply, EngineError> {
        if self.reply.actions.len() > 1 {
            let names: Vec<_> = self.reply.actions.iter().map(Action::name).collect();
            return Err(EngineError::InvalidResponse {
                code: codes::MULTIPLE_ACTIONS,
                message: format!(
                    "the answer names {} actions ({}); LiveEngage executes one per reply",
                    names.len(),
                    names.join(", ")
                ),
                body: self.body.to_owned(),
            });
        }
        Ok(self.reply)
    }
}

/// An unreadable answer (`engine.dialogflow.parse-message`).
pub(crate) fn invalid(message: impl Into<String>, body: &str) -> EngineError {
    EngineError::InvalidResponse {
        code: codes::PARSE_MESSAGE,
        message: message.into(),
        body: body.to_owned(),
    }
}
