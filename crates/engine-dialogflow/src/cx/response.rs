//! The CX detectIntent response and how it becomes a reply.

use connector_core::{BotReply, EngineError};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::reply::{ReplyBuilder, invalid};
use crate::upstream;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DetectIntentResponse {
    #[serde(default)]
    query_result: Option<QueryResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryResult {
    #[serde(default)]
    response_messages: Vec<ResponseMessage>,
    #[serde(default, rename = "match")]
    matched: Option<Match>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Match {
    #[serde(default)]
    match_type: Option<String>,
}

/// `ResponseMessage`: a oneof. Kinds without a LiveEngage meaning
/// (`liveAgentHandoff`, `endInteraction`, `playAudio`, `telephonyTransferCall`,
/// kinds Google adds later) land in no field and are skipped.
#[derive(Deserialize)]
struct ResponseMessage {
    #[serde(default)]
    text: Option<TextMessage>,
    #[serde(default)]
    payload: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct TextMessage {
    #[serde(default)]
    text: Vec<String>,
}

/// The reply for a CX answer: `responseMessages` in order; actions come from
/// custom payloads, and more than one is an error.
pub(super) fn reply(bytes: &[u8]) -> Result<BotReply, EngineError> {
    // Valid JSON is UTF-8, so after a successful parse this borrows.
    let body = &String::from_utf8_lossy(bytes);
    let parsed: DetectIntentResponse = serde_json::from_slice(bytes).map_err(|e| {
        invalid(
            format!(
                "not a detectIntent response: {}",
                upstream::json_problem(&e)
            ),
            body,
        )
    })?;
    let result = parsed
        .query_result
        .ok_or_else(|| invalid("the detectIntent response has no `queryResult`", body))?;
    if let Some(kind) = result
        .matched
        .as_ref()
        .and_then(|m| m.match_type.as_deref())
    {
        tracing::debug!(match_type = kind, "Dialogflow CX matched");
    }
    let mut reply = ReplyBuilder::new(body);
    for message in &result.response_messages {
        if let Some(text) = &message.text {
            for line in &text.text {
                reply.text(line);
            }
        } else if let Some(payload) = &message.payload {
            reply.payload(payload, true)?;
        } else {
            tracing::debug!("skipping a Dialogflow CX message of a kind LiveEngage cannot show");
        }
    }
    reply.finish()
}
