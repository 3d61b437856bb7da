//! Outputs as the script writes them, compiled once and rendered per turn.

use std::time::Duration;

use connector_core::rich::StructuredContent;
use connector_core::{MAX_ENCODED_METADATA_BYTES, MAX_STRUCTURED_CONTENT_BYTES, Output};
use serde_json::Value;

use crate::config::OutputConfig;
use crate::error::{At, ScriptError, invalid};
use crate::rich;
use crate::template::Template;

/// A compiled output.
#[derive(Debug, Clone)]
pub(crate) enum OutputSpec {
    Text {
        text: Template,
        private: bool,
        metadata: Vec<Value>,
        encoded_metadata: Option<String>,
    },
    Structured {
        content: StructuredContent,
        metadata: Vec<Value>,
        encoded_metadata: Option<String>,
    },
    QuickReplies {
        message: Template,
        replies: Value,
        metadata: Vec<Value>,
    },
    Delay {
        duration: Duration,
        typing: bool,
    },
}

impl OutputSpec {
    /// Checks and compiles one output; `at` is the output's own location.
    pub(crate) fn compile(at: &At<'_>, config: &OutputConfig) -> Result<Self, ScriptError> {
        match config {
            OutputConfig::Text {
                text,
                metadata,
                encoded_metadata,
            } => Ok(Self::Text {
                text: text_template(at, "text", text)?,
                private: false,
                metadata: checked_metadata(at, metadata)?,
                encoded_metadata: checked_encoded(at, encoded_metadata.as_deref())?,
            }),
            OutputConfig::PrivateText { text, metadata } => Ok(Self::Text {
                text: text_template(at, "text", text)?,
                private: true,
                metadata: checked_metadata(at, metadata)?,
                encoded_metadata: None,
            }),
            OutputConfig::Structured {
                card,
                cards,
                content,
                json,
                metadata,
                encoded_metadata,
            } => {
                let content = rich::structured(
                    at,
                    card.as_ref(),
                    cards.as_deref(),
                    content.as_ref(),
                    json.as_deref(),
                )?;
                let len = content.byte_len();
                if len > MAX_STRUCTURED_CONTENT_BYTES {
                    return Err(invalid(
                        at,
                        "type",
                        format!(
                            "the structured content has {len} bytes; LiveEngage accepts at most {MAX_STRUCTURED_CONTENT_BYTES}, so split it"
                        ),
                    ));
                }
                Ok(Self::Structured {
                    content,
                    metadata: checked_metadata(at, metadata)?,
                    encoded_metadata: checked_encoded(at, encoded_metadata.as_deref())?,
                })
            }
            OutputConfig::QuickReplies {
                message,
                replies,
                items_per_row,
                metadata,
            } => Ok(Self::QuickReplies {
                message: text_template(at, "message", message)?,
                replies: rich::quick_replies(at, replies, *items_per_row)?,
                metadata: checked_metadata(at, metadata)?,
            }),
            OutputConfig::Delay {
                seconds,
                ms,
                typing,
            } => Ok(Self::Delay {
                duration: delay_duration(at, *seconds, *ms)?,
                typing: *typing,
            }),
        }
    }

    /// The templates of the output, with their field names.
    pub(crate) fn templates(&self) -> Vec<(&'static str, &Template)> {
        match self {
            Self::Text { text, .. } => vec![("text", text)],
            Self::QuickReplies { message, .. } => vec![("message", message)],
            Self::Structured { .. } | Self::Delay { .. } => Vec::new(),
        }
    }

    /// The output for this turn.
    ///
    /// # Errors
    ///
    /// The name of a template variable `lookup` has no value for.
    pub(crate) fn render(
        &self,
        lookup: &mut impl FnMut(&str) -> Option<String>,
    ) -> Result<Output, &str> {
        let output = match self {
            Self::Text {
                text,
                private,
                metadata,
                encoded_metadata,
            } => {
                let text = text.render(&mut *lookup)?;
                let base = if *private {
                    Output::private_text(text)
                } else {
                    Output::text(text)
                };
                decorate(base, metadata, encoded_metadata.as_deref())
            }
            Self::Structured {
                content,
                metadata,
                encoded_metadata,
            } => decorate(
                Output::structured(content.clone()),
                metadata,
                encoded_metadata.as_deref(),
            ),
            Self::QuickReplies {
                message,
                replies,
                metadata,
            } => decorate(
                Output::quick_replies_raw(message.render(&mut *lookup)?, replies.clone()),
                metadata,
                None,
            ),
            Self::Delay { duration, typing } => Output::delay(*duration, *typing),
        };
        Ok(output)
    }
}

fn decorate(mut output: Output, metadata: &[Value], encoded: Option<&str>) -> Output {
    for item in metadata {
        output = output.with_metadata(item.clone());
    }
    if let Some(encoded) = encoded {
        output = output.with_encoded_metadata(encoded);
    }
    output
}

fn text_template(at: &At<'_>, field: &str, source: &str) -> Result<Template, ScriptError> {
    let template = Template::parse(source).map_err(|message| ScriptError::InvalidTemplate {
        intent: at.intent.to_owned(),
        field: at.field(field),
        message,
    })?;
    if template.variables().next().is_none() && source.trim().is_empty() {
        return Err(invalid(
            at,
            field,
            "the text is empty; LiveEngage rejects empty messages, so write some text",
        ));
    }
    Ok(template)
}

fn checked_metadata(at: &At<'_>, metadata: &[Value]) -> Result<Vec<Value>, ScriptError> {
    for (i, item) in metadata.iter().enumerate() {
        if !item.get("type").is_some_and(Value::is_string) {
            return Err(invalid(
                at,
                &format!("metadata[{i}]"),
                "a metadata item is a table with a string `type`, e.g. { type = \"ExternalId\", id = \"welcome-1\" }",
            ));
        }
    }
    Ok(metadata.to_vec())
}

fn checked_encoded(at: &At<'_>, encoded: Option<&str>) -> Result<Option<String>, ScriptError> {
    let Some(encoded) = encoded else {
        return Ok(None);
    };
    if encoded.len() > MAX_ENCODED_METADATA_BYTES {
        return Err(invalid(
            at,
            "encoded_metadata",
            format!(
                "{} bytes; LiveEngage accepts at most {MAX_ENCODED_METADATA_BYTES}",
                encoded.len()
            ),
        ));
    }
    if !connector_core::is_base64(encoded) {
        return Err(invalid(
            at,
            "encoded_metadata",
            "not base64; encode the metadata first (e.g. `printf '%s' '{...}' | base64 -w0`)",
        ));
    }
    Ok(Some(encoded.to_owned()))
}

fn delay_duration(
    at: &At<'_>,
    seconds: Option<f64>,
    ms: Option<u64>,
) -> Result<Duration, ScriptError> {
    match (seconds, ms) {
        (Some(seconds), None) => Duration::try_from_secs_f64(seconds).map_err(|_| {
            invalid(
                at,
                "seconds",
                format!("{seconds} is not a duration; write a number of seconds >= 0, e.g. 1.5"),
            )
        }),
        (None, Some(ms)) => Ok(Duration::from_millis(ms)),
        (Some(_), Some(_)) => Err(invalid(at, "ms", "give either `seconds` or `ms`, not both")),
        (None, None) => Err(invalid(
            at,
            "seconds",
            "a delay needs `seconds` (e.g. 1.5) or `ms` (e.g. 1500)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::Audience;
    use serde_json::json;

    fn compile(toml_src: &str) -> Result<OutputSpec, ScriptError> {
        let config: OutputConfig = toml::from_str(toml_src).unwrap();
        OutputSpec::compile(&At::intent("i").nested("outputs[0]"), &config)
    }

    fn render(spec: &OutputSpec) -> Output {
        spec.render(&mut |name: &str| (name == "who").then(|| "Ada".to_owned()))
            .unwrap()
    }

    #[test]
    fn text_with_metadata_and_encoded_metadata() {
        let spec = compile(
            r#"type = "text"
text = "Hi {who}"
metadata = [{ type = "ExternalId", id = "w-1" }]
encoded_metadata = "eyJhIjoxfQ=="
"#,
        )
        .unwrap();
        let Output::Text(t) = render(&spec) else {
            panic!("not a text")
        };
        assert_eq!(t.text, "Hi Ada");
        assert_eq!(t.audience, Audience::All);
        assert_eq!(t.metadata, vec![json!({"type": "ExternalId", "id": "w-1"})]);
        assert_eq!(t.encoded_metadata.as_deref(), Some("eyJhIjoxfQ=="));
    }

    #[test]
    fn private_text_is_for_agents_only() {
        let spec = compile("type = \"private_text\"\ntext = \"note\"").unwrap();
        assert_eq!(render(&spec), Output::private_text("note"));
    }

    #[test]
    fn quick_replies_render_their_message() {
        let spec = compile(
            r#"type = "quick_replies"
message = "Pick one, {who}"
replies = [{ title = "Yes" }, { title = "No" }]
"#,
        )
        .unwrap();
        let Output::QuickReplies(q) = render(&spec) else {
            panic!("not quick replies")
        };
        assert_eq!(q.message, "Pick one, Ada");
        assert_eq!(q.quick_replies["replies"][1]["title"], "No");
    }

    #[test]
    fn delays_in_seconds_or_milliseconds() {
        let spec = compile("type = \"delay\"\nseconds = 1.5").unwrap();
        assert_eq!(
            render(&spec),
            Output::delay(Duration::from_millis(1500), true)
        );
        let spec = compile("type = \"delay\"\nms = 250\ntyping = false").unwrap();
        assert_eq!(
            render(&spec),
            Output::delay(Duration::from_millis(250), false)
        );
    }

    #[test]
    fn bad_delays_name_the_field() {
        let err = compile("type = \"delay\"\nseconds = -1.0").unwrap_err();
        assert_eq!(err.field(), Some("outputs[0].seconds"));
        let err = compile("type = \"delay\"\nseconds = nan").unwrap_err();
        assert_eq!(err.field(), Some("outputs[0].seconds"));
        let err = compile("type = \"delay\"\nseconds = 1.0\nms = 3").unwrap_err();
        assert!(err.to_string().contains("not both"), "{err}");
        let err = compile("type = \"delay\"").unwrap_err();
        assert!(err.to_string().contains("`ms`"), "{err}");
    }

    #[test]
    fn bad_texts_and_metadata_name_the_field() {
        let err = compile("type = \"text\"\ntext = \"  \"").unwrap_err();
        assert_eq!(err.field(), Some("outputs[0].text"));
        let err = compile("type = \"text\"\ntext = \"x\"\nencoded_metadata = \"not base64!\"")
            .unwrap_err();
        assert_eq!(err.field(), Some("outputs[0].encoded_metadata"));
        let err =
            compile("type = \"text\"\ntext = \"x\"\nmetadata = [{ id = \"1\" }]").unwrap_err();
        assert_eq!(err.field(), Some("outputs[0].metadata[0]"));
        let err = compile("type = \"text\"\ntext = \"{oops\"").unwrap_err();
        assert!(matches!(err, ScriptError::InvalidTemplate { .. }));
    }

    #[test]
    fn oversized_structured_content_is_rejected_at_load() {
        let big = "x".repeat(MAX_STRUCTURED_CONTENT_BYTES);
        let src =
            format!("type = \"structured\"\ncontent = {{ type = \"text\", text = \"{big}\" }}");
        let err = compile(&src).unwrap_err();
        assert!(err.to_string().contains("at most 15000"), "{err}");
    }

    #[test]
    fn structured_content_keeps_metadata() {
        let spec = compile(
            r#"type = "structured"
content = { type = "text", text = "hi" }
metadata = [{ type = "ExternalId", id = "card" }]
encoded_metadata = "e30"
"#,
        )
        .unwrap();
        let Output::StructuredContent(s) = render(&spec) else {
            panic!("not structured")
        };
        assert_eq!(s.content.as_json(), &json!({"type": "text", "text": "hi"}));
        assert_eq!(s.metadata.len(), 1);
        assert_eq!(s.encoded_metadata.as_deref(), Some("e30"));
    }
}
