//! The event response (`PostEventResponse`) turned into a [`BotReply`].

use std::time::Duration;

use connector_core::rich::StructuredContent;
use connector_core::{Action, AgentId, BotReply, EngineError, FunctionInvocation, Output, Ttr};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::codes;

/// `analytics.intents[]`: what the bot recognised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Intent {
    /// The intent id (no whitespace).
    pub id: String,
    /// A description.
    #[serde(default)]
    pub description: Option<String>,
    /// The confidence, 0 to 1.
    #[serde(default)]
    pub confidence_score: Option<f64>,
}

#[derive(Deserialize)]
struct PostEventResponse {
    response: Vec<Item>,
    #[serde(default)]
    analytics: Option<Analytics>,
}

#[derive(Deserialize)]
struct Analytics {
    #[serde(default)]
    intents: Vec<Intent>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Map<String, Value>,
}

/// The reply and the intents of a response body.
pub(crate) fn parse(body: &[u8]) -> Result<(BotReply, Vec<Intent>), EngineError> {
    let invalid = |message: String| EngineError::InvalidResponse {
        code: codes::INVALID_BODY,
        message,
        body: String::from_utf8_lossy(body).into_owned(),
    };
    let parsed: PostEventResponse = serde_json::from_slice(body).map_err(|e| {
        invalid(format!(
            "the event response is not a PostEventResponse ({}); it needs `response` (an array) and `analytics`",
            crate::upstream::json_problem(&e)
        ))
    })?;
    let mut reply = BotReply::new();
    for (i, item) in parsed.response.iter().enumerate() {
        let at = |m: String| invalid(format!("response[{i}] ({}): {m}", item.kind));
        match item.kind.as_str() {
            "TEXT" => reply = reply.with_output(text(&item.data).map_err(at)?),
            "STRUCTURED_CONTENT" => reply = reply.with_output(structured(&item.data).map_err(at)?),
            "DELAY" => reply = reply.with_output(delay(&item.data).map_err(at)?),
            "ACTION" => reply = reply.with_action(action(&item.data).map_err(at)?),
            other => {
                return Err(invalid(format!(
                    "response[{i}] has type `{other}`; use TEXT, STRUCTURED_CONTENT, DELAY or ACTION"
                )));
            }
        }
    }
    Ok((
        reply,
        parsed.analytics.map(|a| a.intents).unwrap_or_default(),
    ))
}

fn string<'a>(data: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, String> {
    match data.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("`{key}` must be a string, not {other}")),
    }
}

/// `metadata` may be an object or an array; one object becomes a one-item list.
fn metadata(data: &Map<String, Value>) -> Vec<Value> {
    match data.get("metadata") {
        Some(Value::Array(items)) => items.clone(),
        Some(item @ Value::Object(_)) => vec![item.clone()],
        _ => Vec::new(),
    }
}

fn decorate(mut output: Output, data: &Map<String, Value>) -> Result<Output, String> {
    for item in metadata(data) {
        output = output.with_metadata(item);
    }
    if let Some(encoded) = string(data, "encodedMetadata")? {
        output = output.with_encoded_metadata(encoded);
    }
    Ok(output)
}

fn text(data: &Map<String, Value>) -> Result<Output, String> {
    let message = string(data, "message")?.ok_or("`message` is required")?;
    let output = match string(data, "messageAudience")? {
        None | Some("ALL") => Output::text(message),
        Some("AGENTS_AND_MANAGERS") => Output::private_text(message),
        Some(other) => {
            return Err(format!(
                "`messageAudience` is `{other}`; use ALL or AGENTS_AND_MANAGERS"
            ));
        }
    };
    decorate(output, data)
}

fn structured(data: &Map<String, Value>) -> Result<Output, String> {
    let content = data
        .get("structuredContent")
        .ok_or("`structuredContent` is required")?;
    let output = match (content.get("quickReplies"), content.get("message")) {
        (Some(replies), Some(message)) => {
            let message = message
                .as_str()
                .ok_or("quick replies need a string `message`")?;
            Output::quick_replies_raw(message, replies.clone())
        }
        _ => {
            Output::structured(StructuredContent::raw(content.clone()).map_err(|e| e.to_string())?)
        }
    };
    decorate(output, data)
}

fn delay(data: &Map<String, Value>) -> Result<Output, String> {
    let seconds = data
        .get("seconds")
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or("`seconds` must be a number of seconds (at least 1)")?;
    let typing = match data.get("typing") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(format!("`typing` must be true or false, not {other}")),
    };
    // `from_secs_f64` panics on values a `Duration` cannot hold (1e300).
    let duration = Duration::try_from_secs_f64(seconds)
        .map_err(|_| "`seconds` is too large for a delay".to_owned())?;
    Ok(Output::delay(duration, typing))
}

fn action(data: &Map<String, Value>) -> Result<Action, String> {
    let name = string(data, "name")?.ok_or("`name` is required")?;
    let empty = Map::new();
    let params = match data.get("parameters") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(p)) => p,
        Some(other) => return Err(format!("`parameters` must be an object, not {other}")),
    };
    let id = |key: &str| -> Result<Option<String>, String> {
        match params.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(format!("`parameters.{key}` must be a string, not {other}")),
        }
    };
    let flag = |key: &str| -> Result<bool, String> {
        match params.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(format!(
                "`parameters.{key}` must be true or false, not {other}"
            )),
        }
    };
    match name {
        "TRANSFER" => {
            // LivePerson's docs and reference service send `skillName` (with
            // `agentId` for an agent); the OpenAPI's agent-only shape has no
            // skill ([conflict]), so a transfer without `skillName` is rejected.
            let skill = id("skillName")?.ok_or("TRANSFER needs `parameters.skillName`")?;
            Ok(match id("agentId")? {
                Some(agent) => Action::TransferToAgent {
                    skill,
                    agent_id: AgentId::new(agent),
                },
                None => Action::TransferToSkill { skill },
            })
        }
        "CLOSE_CONVERSATION" => Ok(Action::Close {
            without_pcs: flag("withoutPcs")?,
        }),
        "INVOKE_FUNCTION" => {
            let lambda =
                id("lambdaUuid")?.ok_or("INVOKE_FUNCTION needs `parameters.lambdaUuid`")?;
            let mut invocation = FunctionInvocation::new(
                lambda,
                params.get("payload").cloned().unwrap_or(Value::Null),
            );
            if flag("failOnError")? {
                invocation = invocation.fail_on_error();
            }
            Ok(Action::InvokeFunction(invocation))
        }
        "CHANGE_TTR" => {
            let ttr = match id("ttrType")?.as_deref() {
                Some("URGENT") => Ttr::Urgent,
                Some("NORMAL") => Ttr::Normal,
                Some("PRIORITIZED") => Ttr::Prioritized,
                Some("CUSTOM") => {
                    let value = id("value")?
                        .ok_or("CHANGE_TTR CUSTOM needs `parameters.value` (seconds)")?;
                    Ttr::Custom(value.trim().parse().map_err(|_| {
                        format!("`parameters.value` must be whole seconds, not `{value}`")
                    })?)
                }
                other => {
                    return Err(format!(
                        "`parameters.ttrType` is {other:?}; use URGENT, NORMAL, PRIORITIZED or CUSTOM"
                    ));
                }
            };
            Ok(Action::ChangeTtr(ttr))
        }
        other => Err(format!(
            "unknown action `{other}`; use TRANSFER, CLOSE_CONVERSATION, INVOKE_FUNCTION or CHANGE_TTR"
        )),
    }
}
