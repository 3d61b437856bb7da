//! The engine section: a tagged enum, so each engine crate adds one variant.

use std::path::PathBuf;

use serde::Deserialize;

/// Which AI engine answers, with its settings (`type = "script"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum EngineSpec {
    /// The local rule engine (`engine-script`).
    Script(ScriptSpec),
}

impl EngineSpec {
    /// The vendor label shown in the dashboard.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Script(_) => "script",
        }
    }
}

/// A script for `engine-script`: a file, or the script text itself.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptSpec {
    /// The script file; relative paths start at the config file's folder.
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// The script text (what the dashboard stores).
    #[serde(default)]
    pub source: Option<String>,
}
