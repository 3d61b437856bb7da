//! The TOML shape of a script, as written. [`crate::compile`] checks it and
//! turns it into the engine's matchers and answers.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// A whole script file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScriptConfig {
    /// Default values of template variables.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// The answer to the welcome event.
    pub welcome: Option<AnswerConfig>,
    /// The answer when no intent matches.
    pub fallback: Option<AnswerConfig>,
    /// The intents, tried in file order.
    #[serde(default)]
    pub intents: Vec<IntentConfig>,
}

/// The `[welcome]` and `[fallback]` tables: an answer without triggers.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswerConfig {
    #[serde(default)]
    pub outputs: Vec<OutputConfig>,
    pub action: Option<ActionConfig>,
}

/// One `[[intents]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntentConfig {
    pub name: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub regex: Vec<String>,
    #[serde(default)]
    pub events: Vec<EventTrigger>,
    #[serde(default)]
    pub outputs: Vec<OutputConfig>,
    pub action: Option<ActionConfig>,
}

/// Non-text consumer events an intent answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EventTrigger {
    /// The consumer uploaded a file.
    File,
    /// The consumer sent rich content (e.g. a location).
    RichContent,
}

/// One output, tagged by `type`.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum OutputConfig {
    Text {
        text: String,
        #[serde(default)]
        metadata: Vec<Value>,
        encoded_metadata: Option<String>,
    },
    PrivateText {
        text: String,
        #[serde(default)]
        metadata: Vec<Value>,
    },
    Structured {
        card: Option<CardConfig>,
        cards: Option<Vec<CardConfig>>,
        content: Option<Value>,
        json: Option<String>,
        #[serde(default)]
        metadata: Vec<Value>,
        encoded_metadata: Option<String>,
    },
    QuickReplies {
        message: String,
        replies: Vec<ReplyConfig>,
        items_per_row: Option<u8>,
        #[serde(default)]
        metadata: Vec<Value>,
    },
    Delay {
        seconds: Option<f64>,
        ms: Option<u64>,
        #[serde(default = "yes")]
        typing: bool,
    },
}

fn yes() -> bool {
    true
}

/// The small typed form of a structured-content card.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CardConfig {
    pub image: Option<String>,
    pub image_caption: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    #[serde(default)]
    pub buttons: Vec<ButtonConfig>,
}

/// A card button: a title and exactly one click action.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ButtonConfig {
    pub title: String,
    pub publish_text: Option<String>,
    pub link: Option<String>,
    pub navigate: Option<PlaceConfig>,
    pub id: Option<String>,
}

/// A place for a navigate button.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlaceConfig {
    pub la: f64,
    pub lo: f64,
    pub name: Option<String>,
}

/// A quick reply: a title and the text it publishes (the title by default).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplyConfig {
    pub title: String,
    pub text: Option<String>,
    pub id: Option<String>,
}

/// The action, tagged by `type`.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum ActionConfig {
    Transfer {
        skill: String,
    },
    TransferToAgent {
        skill: String,
        agent_id: String,
    },
    Close {
        #[serde(default)]
        without_pcs: bool,
    },
    Ttr {
        ttr_type: TtrType,
        seconds: Option<u32>,
    },
    Invoke {
        lambda_uuid: String,
        payload: Option<Value>,
        #[serde(default)]
        fail_on_error: bool,
    },
}

/// A TTR type as LiveEngage spells it (lower case accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum TtrType {
    #[serde(alias = "urgent")]
    Urgent,
    #[serde(alias = "normal")]
    Normal,
    #[serde(alias = "prioritized")]
    Prioritized,
    #[serde(alias = "custom")]
    Custom,
}
