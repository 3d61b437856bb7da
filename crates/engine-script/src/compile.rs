//! Turning a parsed script into intents, checking everything that can be
//! checked before the first conversation.

use std::collections::{BTreeMap, BTreeSet};

use connector_core::Action;

use crate::action;
use crate::config::{ActionConfig, IntentConfig, OutputConfig, ScriptConfig};
use crate::error::{At, ScriptError, invalid};
use crate::matcher::Matcher;
use crate::output::OutputSpec;
use crate::template::{Template, is_variable_name};
use crate::vars::BUILTINS;

/// The name errors and logs use for the `[welcome]` table.
pub(crate) const WELCOME: &str = "welcome";
/// The name errors and logs use for the `[fallback]` table.
pub(crate) const FALLBACK: &str = "fallback";

/// The welcome text when the script has no `[welcome]` table.
pub(crate) const DEFAULT_WELCOME: &str = "Hello! How can I help you today?";
/// The fallback text when the script has no `[fallback]` table.
pub(crate) const DEFAULT_FALLBACK: &str =
    "Sorry, I did not understand that. Could you say it another way?";

/// What an intent answers: outputs in order, then at most one action.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub name: String,
    pub outputs: Vec<OutputSpec>,
    pub action: Option<Action>,
}

/// An intent: its triggers and its answer.
#[derive(Debug, Clone)]
pub(crate) struct Intent {
    pub matcher: Matcher,
    pub answer: Answer,
}

/// A checked script.
#[derive(Debug, Clone)]
pub(crate) struct Script {
    pub intents: Vec<Intent>,
    pub welcome: Answer,
    pub fallback: Answer,
    pub defaults: BTreeMap<String, String>,
}

impl Script {
    /// Checks `config` and compiles it.
    pub(crate) fn compile(config: ScriptConfig) -> Result<Self, ScriptError> {
        for name in config.variables.keys() {
            if !is_variable_name(name) {
                return Err(ScriptError::InvalidVariable {
                    name: name.clone(),
                    message: "not a variable name; use letters, digits and `_`, not starting with a digit".into(),
                });
            }
        }
        let welcome = match &config.welcome {
            Some(answer) => {
                compile_answer(WELCOME, answer.outputs.as_slice(), answer.action.as_ref())?
            }
            None => default_answer(WELCOME, DEFAULT_WELCOME),
        };
        let fallback = match &config.fallback {
            Some(answer) => {
                compile_answer(FALLBACK, answer.outputs.as_slice(), answer.action.as_ref())?
            }
            None => default_answer(FALLBACK, DEFAULT_FALLBACK),
        };
        let mut names = BTreeSet::new();
        let mut intents = Vec::with_capacity(config.intents.len());
        for intent in &config.intents {
            if !names.insert(intent.name.as_str()) {
                return Err(ScriptError::DuplicateIntent {
                    name: intent.name.clone(),
                });
            }
            intents.push(compile_intent(intent)?);
        }
        let script = Self {
            intents,
            welcome,
            fallback,
            defaults: config.variables,
        };
        script.check_variables()?;
        Ok(script)
    }

    /// Every template variable must be a built-in, a capture or a default, and
    /// no capture may shadow a built-in.
    fn check_variables(&self) -> Result<(), ScriptError> {
        let mut known: BTreeSet<&str> = BUILTINS.iter().copied().collect();
        known.extend(self.defaults.keys().map(String::as_str));
        for intent in &self.intents {
            for (i, name) in intent.matcher.capture_names() {
                if BUILTINS.contains(&name) {
                    return Err(invalid(
                        &At::intent(&intent.answer.name),
                        &format!("regex[{i}]"),
                        format!(
                            "the capture group `{name}` has the name of a built-in variable; rename the group"
                        ),
                    ));
                }
                known.insert(name);
            }
        }
        let answers = self
            .intents
            .iter()
            .map(|i| &i.answer)
            .chain([&self.welcome, &self.fallback]);
        for answer in answers {
            for (n, output) in answer.outputs.iter().enumerate() {
                for (field, template) in output.templates() {
                    if let Some(unknown) = template.variables().find(|v| !known.contains(v)) {
                        return Err(ScriptError::UnknownVariable {
                            intent: answer.name.clone(),
                            field: format!("outputs[{n}].{field}"),
                            variable: unknown.to_owned(),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

fn compile_intent(config: &IntentConfig) -> Result<Intent, ScriptError> {
    let at = At::intent(&config.name);
    if config.name.trim().is_empty() {
        return Err(invalid(&at, "name", "an intent needs a non-empty `name`"));
    }
    if config.name == WELCOME || config.name == FALLBACK {
        return Err(invalid(
            &at,
            "name",
            "this name is reserved; write the welcome and fallback answers in the [welcome] and [fallback] tables",
        ));
    }
    let matcher = Matcher::compile(&at, &config.keywords, &config.regex, &config.events)?;
    if matcher.is_empty() {
        return Err(ScriptError::NoTrigger {
            intent: config.name.clone(),
        });
    }
    let answer = compile_answer(&config.name, &config.outputs, config.action.as_ref())?;
    Ok(Intent { matcher, answer })
}

fn compile_answer(
    name: &str,
    outputs: &[OutputConfig],
    action: Option<&ActionConfig>,
) -> Result<Answer, ScriptError> {
    let at = At::intent(name);
    if outputs.is_empty() && action.is_none() {
        return Err(ScriptError::NoAnswer {
            intent: name.to_owned(),
        });
    }
    let outputs = outputs
        .iter()
        .enumerate()
        .map(|(i, o)| OutputSpec::compile(&at.nested(&format!("outputs[{i}]")), o))
        .collect::<Result<Vec<_>, _>>()?;
    let action = action
        .map(|a| action::compile(&at.nested("action"), a))
        .transpose()?;
    Ok(Answer {
        name: name.to_owned(),
        outputs,
        action,
    })
}

fn default_answer(name: &str, text: &str) -> Answer {
    Answer {
        name: name.to_owned(),
        outputs: vec![OutputSpec::Text {
            text: Template::literal(text),
            private: false,
            metadata: Vec::new(),
            encoded_metadata: None,
        }],
        action: None,
    }
}
