//! Watson's answer → the connector's [`BotReply`]: outputs from
//! `output.generic` (or v1's legacy `output.text`), actions from `actions[]`.

mod actions;
mod image;
mod metadata;
mod options;
mod pause;
mod search;
mod selection;
mod text;

use connector_core::{BotReply, ChannelType, EngineError, ErrorCode, Output};
use serde_json::Value;

use crate::error::codes;
use crate::wire::{
    Generic, ImageItem, MessageResponse, OptionItem, PauseItem, SearchItem, TextItem,
    UserDefinedItem,
};

pub(crate) use options::{OfferedChoice, resolve_answer};
pub(crate) use selection::SelectionCounters;

/// What the parser needs to know about the turn.
pub(crate) struct ParseOptions<'a> {
    /// Chat or messaging: option lists and sticky metadata depend on it.
    pub(crate) channel: ChannelType,
    /// Show only generic items for this integration (or for none in particular).
    pub(crate) channel_filter: Option<&'a str>,
    /// The conversation id, to vary `random` selections.
    pub(crate) conversation: &'a str,
}

/// The reply, and on chat the options of the last list offered.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) reply: BotReply,
    pub(crate) offered: Vec<OfferedChoice>,
}

/// Builds the reply. Every action is reported; validation rejects more than one.
pub(crate) fn parse_reply(
    response: &MessageResponse,
    options: &ParseOptions<'_>,
    counters: &mut SelectionCounters,
) -> Result<Parsed, EngineError> {
    let mut parser = Parser {
        options,
        counters,
        reply: BotReply::new(),
        offered: Vec::new(),
        unsupported: Vec::new(),
    };
    match (&response.output.generic, &response.output.text) {
        (Some(generic), _) => {
            for item in generic {
                parser.generic(item)?;
            }
        }
        (None, Some(legacy)) => parser.legacy_text(legacy)?,
        (None, None) => {}
    }
    for entry in response.output.actions.iter().chain(&response.actions) {
        match actions::action(entry) {
            Some(Ok(action)) => parser.reply.actions.push(action),
            Some(Err(problem)) => {
                tracing::warn!(%problem, "ignoring an invalid action, as LivePerson does")
            }
            None => {
                tracing::debug!(action = %entry, "ignoring an action that is not a LivePerson client action")
            }
        }
    }
    if options.channel == ChannelType::Messaging
        && let Some(encoded) = metadata::sticky_encoded_metadata(response.context.as_ref())
    {
        for output in &mut parser.reply.outputs {
            if matches!(output, Output::Text(_) | Output::StructuredContent(_))
                && output.encoded_metadata().is_none()
            {
                *output = output.clone().with_encoded_metadata(&encoded);
            }
        }
    }
    if parser.reply.outputs.is_empty()
        && parser.reply.actions.is_empty()
        && !parser.unsupported.is_empty()
    {
        return Err(EngineError::InvalidResponse {
            code: codes::MESSAGE_FORMAT_NOT_SUPPORTED,
            message: format!(
                "the answer has only response types LiveEngage cannot show: {}",
                parser.unsupported.join(", ")
            ),
            body: serde_json::to_string(&generic_json(response)).unwrap_or_default(),
        });
    }
    Ok(Parsed {
        reply: parser.reply,
        offered: parser.offered,
    })
}

fn generic_json(response: &MessageResponse) -> Vec<&Value> {
    response
        .output
        .generic
        .iter()
        .flatten()
        .map(|g| &g.raw)
        .collect()
}

struct Parser<'a, 'b> {
    options: &'a ParseOptions<'a>,
    counters: &'b mut SelectionCounters,
    reply: BotReply,
    offered: Vec<OfferedChoice>,
    unsupported: Vec<String>,
}

impl Parser<'_, '_> {
    fn push(&mut self, output: Output) {
        self.reply.outputs.push(output);
    }

    fn generic(&mut self, item: &Generic) -> Result<(), EngineError> {
        if let Some(channel) = self.options.channel_filter
            && !item.channels.is_empty()
            && !item.channels.iter().any(|c| c == channel)
        {
            return Ok(());
        }
        let raw = &item.raw;
        match item.response_type.as_str() {
            "text" => {
                let text: TextItem = typed(raw, codes::UNDEFINED_TEXT)?;
                match (text.text, text.values) {
                    (Some(value), _) => self.value(&value)?,
                    (None, Some(values)) => {
                        self.values(&values, text.selection_policy.as_deref())?
                    }
                    (None, None) => {
                        return Err(invalid(
                            codes::UNDEFINED_TEXT,
                            "a text response has no `text`",
                            raw,
                        ));
                    }
                }
            }
            "option" | "suggestion" => {
                let list: OptionItem = typed(raw, codes::LIST_UNDEFINED_OPTIONS)?;
                let choices = if item.response_type == "option" {
                    &list.options
                } else {
                    &list.suggestions
                };
                let (output, offered) = options::choices_output(
                    list.title.as_deref(),
                    list.description.as_deref(),
                    choices,
                    self.options.channel,
                    raw,
                )?;
                self.push(output);
                if !offered.is_empty() {
                    self.offered = offered;
                }
            }
            "pause" => {
                let pause: PauseItem = typed(raw, codes::PAUSE_UNDEFINED_TIME)?;
                self.push(pause::pause_output(&pause, raw)?);
            }
            "image" => {
                let image: ImageItem = typed(raw, codes::IMAGE_UNDEFINED_SOURCE)?;
                self.push(image::image_output(&image, raw)?);
            }
            "search" => {
                let search: SearchItem = typed(raw, codes::PARSE_MESSAGE)?;
                for output in search::search_outputs(&search) {
                    self.push(output);
                }
            }
            "user_defined" => {
                // A custom payload in LivePerson's message form is sent like a
                // JSON text value [inferred: LivePerson documents only text values].
                let custom: UserDefinedItem = typed(raw, codes::PARSE_MESSAGE)?;
                match custom.user_defined.as_object() {
                    Some(object)
                        if object.contains_key("structuredContent")
                            || object.contains_key("text") =>
                    {
                        self.push(text::object_output(object, raw)?);
                    }
                    _ => self.unsupported.push("user_defined".into()),
                }
            }
            other => {
                tracing::debug!(
                    response_type = other,
                    "skipping a response type LiveEngage cannot show"
                );
                self.unsupported.push(if other.is_empty() {
                    "(none)".into()
                } else {
                    other.to_owned()
                });
            }
        }
        Ok(())
    }

    fn value(&mut self, value: &Value) -> Result<(), EngineError> {
        if let Some(output) = text::value_output(value)? {
            self.push(output);
        }
        Ok(())
    }

    fn values(&mut self, values: &[Value], policy: Option<&str>) -> Result<(), EngineError> {
        let chosen = selection::select(values, policy, self.options.conversation, self.counters);
        for value in chosen {
            self.value(value)?;
        }
        Ok(())
    }

    /// v1's `output.text`: strings chosen by Watson, or LivePerson's
    /// `{"values":[...],"selection_policy":...}` form.
    fn legacy_text(&mut self, legacy: &Value) -> Result<(), EngineError> {
        match legacy {
            Value::Array(values) => {
                for value in values {
                    self.value(value)?;
                }
                Ok(())
            }
            Value::Object(object) => match object.get("values").and_then(Value::as_array) {
                Some(values) => self.values(
                    values,
                    object.get("selection_policy").and_then(Value::as_str),
                ),
                None => self.value(legacy),
            },
            Value::String(_) => self.value(legacy),
            _ => Err(invalid(
                codes::UNDEFINED_TEXT,
                "`output.text` is neither a list nor an object",
                legacy,
            )),
        }
    }
}

fn typed<T: serde::de::DeserializeOwned>(raw: &Value, code: ErrorCode) -> Result<T, EngineError> {
    serde_json::from_value(raw.clone()).map_err(|e| {
        invalid(
            code,
            &format!("unexpected shape: {}", crate::upstream::json_problem(&e)),
            raw,
        )
    })
}

/// An unusable part of Watson's answer, with the part as the raw body.
pub(crate) fn invalid(code: ErrorCode, message: &str, raw: &Value) -> EngineError {
    EngineError::InvalidResponse {
        code,
        message: message.to_owned(),
        body: raw.to_string(),
    }
}
