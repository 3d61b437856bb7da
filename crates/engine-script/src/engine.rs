//! The [`ScriptEngine`]: loading a script and answering events with it.

use std::path::Path;

use async_trait::async_trait;
use connector_core::{BotEngine, BotReply, EngineError, EngineSession, EventKind, InboundEvent};

use crate::compile::{Answer, Script};
use crate::config::{EventTrigger, ScriptConfig};
use crate::error::{ScriptError, unset_variable};
use crate::matcher::{Captures, Utterance};
use crate::vars::{self, Scope};

/// A local rule engine: answers events with the intents of a TOML script.
///
/// Build it with [`ScriptEngine::from_toml_str`] or [`ScriptEngine::from_path`];
/// the script is checked completely when it loads, so a loaded engine only
/// fails at run time when a template variable has no value (see the crate docs).
#[derive(Debug, Clone)]
pub struct ScriptEngine {
    script: Script,
}

impl ScriptEngine {
    /// Loads a script from TOML text.
    ///
    /// # Errors
    ///
    /// A [`ScriptError`] naming the intent and field at fault, or the TOML
    /// line and key for syntax errors and unknown keys.
    pub fn from_toml_str(source: &str) -> Result<Self, ScriptError> {
        let config: ScriptConfig =
            toml::from_str(source).map_err(|source| ScriptError::Parse { path: None, source })?;
        Ok(Self {
            script: Script::compile(config)?,
        })
    }

    /// Loads a script from a TOML file.
    ///
    /// # Errors
    ///
    /// [`ScriptError::Io`] when the file cannot be read, otherwise as
    /// [`ScriptEngine::from_toml_str`], with the path in parse errors.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, ScriptError> {
        let path = path.as_ref();
        let source = std::fs::read_to_string(path).map_err(|source| ScriptError::Io {
            path: path.to_owned(),
            source,
        })?;
        let config: ScriptConfig =
            toml::from_str(&source).map_err(|source| ScriptError::Parse {
                path: Some(path.to_owned()),
                source,
            })?;
        Ok(Self {
            script: Script::compile(config)?,
        })
    }

    /// The intent names, in file order (without `welcome` and `fallback`).
    pub fn intent_names(&self) -> impl Iterator<Item = &str> {
        self.script.intents.iter().map(|i| i.answer.name.as_str())
    }

    /// The intent a consumer text would match, or `None` when the fallback
    /// would answer. Does not touch any session.
    #[must_use]
    pub fn match_text(&self, text: &str) -> Option<&str> {
        self.find(Utterance { text, event: None })
            .map(|(answer, _)| answer.name.as_str())
    }

    /// Answers one event; the synchronous core of [`BotEngine::handle`].
    ///
    /// # Errors
    ///
    /// [`EngineError::Permanent`] with code
    /// [`codes::UNSET_VARIABLE`](crate::codes::UNSET_VARIABLE) when a template
    /// variable has no value in this conversation.
    pub fn respond(
        &self,
        event: &InboundEvent,
        session: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        let (answer, message) = match &event.kind {
            EventKind::ConversationClosed => return Ok(BotReply::new()),
            EventKind::ConversationStarted {
                last_consumer_message,
                ..
            } => {
                let last = last_consumer_message
                    .as_deref()
                    .filter(|m| !m.trim().is_empty());
                let matched = last.and_then(|text| self.find(Utterance { text, event: None }));
                match matched {
                    Some((answer, captures)) => {
                        vars::store(session, &captures);
                        (answer, last)
                    }
                    None => (&self.script.welcome, last),
                }
            }
            kind => {
                let Some(text) = kind.utterance() else {
                    // A future event kind with nothing to match: stay silent.
                    return Ok(BotReply::new());
                };
                let event_trigger = match kind {
                    EventKind::ConsumerFile { .. } => Some(EventTrigger::File),
                    EventKind::ConsumerRichContent { .. } => Some(EventTrigger::RichContent),
                    _ => None,
                };
                let utterance = Utterance {
                    text,
                    event: event_trigger,
                };
                match self.find(utterance) {
                    Some((answer, captures)) => {
                        vars::store(session, &captures);
                        (answer, Some(text))
                    }
                    None => (&self.script.fallback, Some(text)),
                }
            }
        };
        tracing::debug!(
            conversation = %event.context.conversation_id,
            intent = %answer.name,
            "script intent answers"
        );
        let scope = Scope {
            context: &event.context,
            message,
            captured: vars::load(session),
            defaults: &self.script.defaults,
        };
        render(answer, &scope)
    }

    /// The first intent, in file order, that matches.
    fn find(&self, utterance: Utterance<'_>) -> Option<(&Answer, Captures)> {
        self.script
            .intents
            .iter()
            .find_map(|i| i.matcher.matches(utterance).map(|c| (&i.answer, c)))
    }
}

fn render(answer: &Answer, scope: &Scope<'_>) -> Result<BotReply, EngineError> {
    let mut reply = BotReply::new();
    let mut lookup = |name: &str| scope.lookup(name);
    for output in &answer.outputs {
        let rendered = output
            .render(&mut lookup)
            .map_err(|missing| unset_variable(&answer.name, missing))?;
        reply = reply.with_output(rendered);
    }
    if let Some(action) = &answer.action {
        reply = reply.with_action(action.clone());
    }
    Ok(reply)
}

#[async_trait]
impl BotEngine for ScriptEngine {
    fn vendor(&self) -> &str {
        "script"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        session: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        self.respond(event, session)
    }

    /// A script is local: there is nothing remote to test.
    async fn test_connection(&self) -> Result<(), EngineError> {
        Ok(())
    }
}
