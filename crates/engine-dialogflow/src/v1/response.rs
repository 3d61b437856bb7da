//! The V1 `query` response and how it becomes a reply.

use connector_core::{BotReply, EngineError, ErrorCode};
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::action;
use crate::http::{self, RawResponse};
use crate::reply::{ReplyBuilder, invalid};
use crate::upstream;

#[derive(Deserialize)]
struct QueryResponse {
    #[serde(default)]
    result: Option<QueryResult>,
    #[serde(default)]
    status: Option<Status>,
}

#[derive(Deserialize)]
struct Status {
    #[serde(default)]
    code: Option<u16>,
}

#[derive(Deserialize)]
struct QueryResult {
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    parameters: Option<Map<String, Value>>,
    #[serde(default)]
    fulfillment: Option<Fulfillment>,
}

#[derive(Deserialize)]
struct Fulfillment {
    #[serde(default)]
    speech: Option<String>,
    #[serde(default)]
    messages: Vec<Message>,
}

/// A V1 message: `type` 0 is text (`speech`, a string or a list of
/// variants), 4 a custom payload; other types (card, quick replies, image)
/// and platform-specific messages are skipped. The type numbers come from
/// public V1 clients (the spec marks the mapping unverified); both the number
/// and its string form are accepted.
#[derive(Deserialize)]
struct Message {
    #[serde(default, rename = "type")]
    kind: Value,
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    speech: Value,
    #[serde(default)]
    payload: Option<Map<String, Value>>,
}

impl Message {
    fn type_number(&self) -> Option<u64> {
        match &self.kind {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }
}

/// The reply for a V1 answer: `result.fulfillment.messages` (or `speech`),
/// then `result.action` with `result.parameters`.
pub(super) fn reply(bytes: &[u8], code: &ErrorCode) -> Result<BotReply, EngineError> {
    // Valid JSON is UTF-8, so after a successful parse this borrows.
    let body = &String::from_utf8_lossy(bytes);
    let parsed: QueryResponse = serde_json::from_slice(bytes).map_err(|e| {
        invalid(
            format!("not a V1 query response: {}", upstream::json_problem(&e)),
            body,
        )
    })?;
    // V1 repeats the HTTP status in `status.code`; an error there with a 2xx
    // HTTP status is judged as if it were the HTTP status.
    if let Some(code_number) = parsed.status.as_ref().and_then(|s| s.code)
        && code_number >= 400
    {
        let status = StatusCode::from_u16(code_number).unwrap_or(StatusCode::BAD_GATEWAY);
        let raw = RawResponse {
            status,
            retry_after: None,
            body: bytes.to_vec(),
        };
        return http::check(raw, code, "Dialogflow V1").map(|_| BotReply::new());
    }
    let result = parsed
        .result
        .ok_or_else(|| invalid("the V1 response has no `result`", body))?;
    let mut reply = ReplyBuilder::new(body);
    if let Some(fulfillment) = &result.fulfillment {
        if fulfillment.messages.is_empty()
            && let Some(speech) = &fulfillment.speech
        {
            reply.text(speech);
        }
        for message in &fulfillment.messages {
            if message.platform.as_deref().is_some_and(|p| !p.is_empty()) {
                continue;
            }
            match message.type_number() {
                Some(0) => match &message.speech {
                    Value::String(s) => reply.text(s),
                    Value::Array(lines) => {
                        for line in lines.iter().filter_map(Value::as_str) {
                            reply.text(line);
                        }
                    }
                    _ => {}
                },
                Some(4) => {
                    if let Some(payload) = &message.payload {
                        reply.payload(payload, false)?;
                    }
                }
                _ => tracing::debug!(
                    "skipping a Dialogflow V1 message of a kind LiveEngage cannot show"
                ),
            }
        }
    }
    if let Some(name) = result.action.as_deref().filter(|a| !a.is_empty()) {
        let params = result.parameters.unwrap_or_default();
        match action::parse(name, &params) {
            Ok(Some(action)) => reply.action(action),
            Ok(None) => tracing::debug!(action = name, "V1 action is not a LivePerson action"),
            Err(problem) => return Err(reply.invalid(format!("action {name}: {problem}"))),
        }
    }
    reply.finish()
}
