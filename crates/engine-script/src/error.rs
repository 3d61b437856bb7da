//! Why a script could not be loaded, and the codes of run-time failures.

use std::path::PathBuf;

use connector_core::rich::RichContentError;
use connector_core::{EngineError, ErrorCode};

/// Why a script could not be loaded.
///
/// Every variant that concerns an intent names it (`welcome` and `fallback` for
/// those two tables) and the field, as a path such as `outputs[2].seconds`
/// (indices count from 0, in file order).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// The script file could not be read.
    #[error("cannot read the script `{}`: {source}; check the path and its permissions", path.display())]
    Io {
        /// The path that was read.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a key is unknown, missing or of the wrong
    /// type. The message gives the line, the column and the key.
    #[error("invalid script{}: {source}", path.as_ref().map(|p| format!(" `{}`", p.display())).unwrap_or_default())]
    Parse {
        /// The file, when loaded from one.
        path: Option<PathBuf>,
        /// The TOML error, which names the key.
        source: toml::de::Error,
    },
    /// Two intents have the same name.
    #[error("two intents are named `{name}`; give each intent a unique `name`")]
    DuplicateIntent {
        /// The repeated name.
        name: String,
    },
    /// An intent with neither keywords, regexes nor events can never match.
    #[error(
        "intent `{intent}` can never match; give it `keywords`, `regex` or `events` (\"file\", \"rich_content\")"
    )]
    NoTrigger {
        /// The intent.
        intent: String,
    },
    /// An intent with neither outputs nor an action gives an empty reply, which
    /// LiveEngage rejects.
    #[error(
        "intent `{intent}` answers nothing; give it at least one `[[...outputs]]` entry or an `action`"
    )]
    NoAnswer {
        /// The intent.
        intent: String,
    },
    /// A regex does not compile.
    #[error("intent `{intent}`, field `{field}`: the regex does not compile: {source}")]
    InvalidRegex {
        /// The intent.
        intent: String,
        /// The field, e.g. `regex[1]`.
        field: String,
        /// The regex error, pointing into the pattern.
        source: regex::Error,
    },
    /// A text template is malformed (an unclosed `{` or a bad variable name).
    #[error("intent `{intent}`, field `{field}`: {message}")]
    InvalidTemplate {
        /// The intent.
        intent: String,
        /// The field.
        field: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A template names a variable that nothing can set.
    #[error(
        "intent `{intent}`, field `{field}`: `{{{variable}}}` is not a built-in variable, a named capture of any regex, or an entry of [variables]; fix the name, declare a default under [variables], or write `{{{{` for a literal brace"
    )]
    UnknownVariable {
        /// The intent.
        intent: String,
        /// The field.
        field: String,
        /// The variable name.
        variable: String,
    },
    /// Structured content or quick replies break json-pollock's rules.
    #[error("intent `{intent}`, field `{field}`: {source}")]
    InvalidRichContent {
        /// The intent.
        intent: String,
        /// The field.
        field: String,
        /// The rule broken.
        source: RichContentError,
    },
    /// An entry of `[variables]` is invalid.
    #[error("[variables] entry `{name}`: {message}")]
    InvalidVariable {
        /// The variable name.
        name: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Any other invalid value.
    #[error("intent `{intent}`, field `{field}`: {message}")]
    InvalidField {
        /// The intent.
        intent: String,
        /// The field.
        field: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl ScriptError {
    /// The intent the error concerns, if any.
    #[must_use]
    pub fn intent(&self) -> Option<&str> {
        match self {
            Self::Io { .. } | Self::Parse { .. } | Self::InvalidVariable { .. } => None,
            Self::DuplicateIntent { name } => Some(name),
            Self::NoTrigger { intent }
            | Self::NoAnswer { intent }
            | Self::InvalidRegex { intent, .. }
            | Self::InvalidTemplate { intent, .. }
            | Self::UnknownVariable { intent, .. }
            | Self::InvalidRichContent { intent, .. }
            | Self::InvalidField { intent, .. } => Some(intent),
        }
    }

    /// The field the error concerns, if any (`outputs[0].text`, `regex[1]`, ...).
    #[must_use]
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidRegex { field, .. }
            | Self::InvalidTemplate { field, .. }
            | Self::UnknownVariable { field, .. }
            | Self::InvalidRichContent { field, .. }
            | Self::InvalidField { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// Builds [`ScriptError::InvalidField`] for the intent and field in `at`.
pub(crate) fn invalid(at: &At<'_>, field: &str, message: impl Into<String>) -> ScriptError {
    ScriptError::InvalidField {
        intent: at.intent.to_owned(),
        field: at.field(field),
        message: message.into(),
    }
}

/// Where in the script a value sits: the intent and the path prefix of the field.
#[derive(Debug, Clone)]
pub(crate) struct At<'a> {
    /// The intent name (`welcome` and `fallback` for those tables).
    pub intent: &'a str,
    /// The path of the enclosing value, e.g. `outputs[2]`; empty at the top.
    pub prefix: String,
}

impl<'a> At<'a> {
    /// The top of an intent.
    pub(crate) fn intent(intent: &'a str) -> Self {
        Self {
            intent,
            prefix: String::new(),
        }
    }

    /// A nested location.
    pub(crate) fn nested(&self, field: &str) -> Self {
        Self {
            intent: self.intent,
            prefix: self.field(field),
        }
    }

    /// The full path of `field` at this location.
    pub(crate) fn field(&self, field: &str) -> String {
        if self.prefix.is_empty() {
            field.to_owned()
        } else if field.starts_with('[') {
            format!("{}{field}", self.prefix)
        } else {
            format!("{}.{field}", self.prefix)
        }
    }
}

/// The codes of the errors the engine reports while handling events.
pub mod codes {
    use connector_core::ErrorCode;

    /// A text template names a variable that has no value in this conversation
    /// (no built-in, no capture yet, no `[variables]` default).
    pub const UNSET_VARIABLE: ErrorCode = ErrorCode::from_static("engine.script.unset-variable");
}

/// The run-time error for a template variable without a value.
pub(crate) fn unset_variable(intent: &str, variable: &str) -> EngineError {
    let code: ErrorCode = codes::UNSET_VARIABLE;
    EngineError::permanent(
        code,
        format!(
            "intent `{intent}` uses `{{{variable}}}`, which has no value in this conversation; \
             declare a default for it under [variables] in the script"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_join_into_paths() {
        let at = At::intent("greet");
        assert_eq!(at.field("keywords"), "keywords");
        let out = at.nested("outputs").nested("[2]");
        assert_eq!(out.field("seconds"), "outputs[2].seconds");
        let err = invalid(&out, "seconds", "must not be negative");
        assert_eq!(
            err.to_string(),
            "intent `greet`, field `outputs[2].seconds`: must not be negative"
        );
        assert_eq!(err.intent(), Some("greet"));
        assert_eq!(err.field(), Some("outputs[2].seconds"));
    }

    #[test]
    fn unknown_variable_message_shows_braces_and_the_fixes() {
        let err = ScriptError::UnknownVariable {
            intent: "order".into(),
            field: "outputs[0].text".into(),
            variable: "ordr".into(),
        };
        let text = err.to_string();
        assert!(text.contains("`{ordr}`"), "{text}");
        assert!(text.contains("[variables]"), "{text}");
        assert!(text.contains("`{{`"), "{text}");
    }

    #[test]
    fn unset_variable_is_permanent_with_the_script_code() {
        let err = unset_variable("order", "order_id");
        assert_eq!(err.code().as_str(), "engine.script.unset-variable");
        assert!(!err.is_transient());
        assert!(err.to_string().contains("{order_id}"));
    }
}
