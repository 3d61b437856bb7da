//! The ES detectIntent response and how it becomes a reply.

use connector_core::{BotReply, EngineError, Output};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::action;
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
    action: Option<String>,
    #[serde(default)]
    parameters: Option<Map<String, Value>>,
    #[serde(default)]
    fulfillment_text: Option<String>,
    #[serde(default)]
    fulfillment_messages: Vec<Message>,
    #[serde(default)]
    intent: Option<Intent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Intent {
    #[serde(default)]
    display_name: Option<String>,
}

/// `Intent.Message`: a oneof, so every kind is optional; kinds this crate does
/// not use (card, image, simpleResponses, ...) land in no field and are skipped.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    text: Option<TextMessage>,
    #[serde(default)]
    payload: Option<Map<String, Value>>,
    #[serde(default)]
    quick_replies: Option<QuickReplies>,
}

#[derive(Deserialize)]
struct TextMessage {
    #[serde(default)]
    text: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuickReplies {
    #[serde(default)]
    title: String,
    #[serde(default)]
    quick_replies: Vec<String>,
}

impl Message {
    /// Messages for a named platform (Facebook, Slack, ...) belong to that
    /// integration; the connector uses the default platform's.
    fn is_default_platform(&self) -> bool {
        self.platform
            .as_deref()
            .is_none_or(|p| p.is_empty() || p == "PLATFORM_UNSPECIFIED")
    }
}

/// The reply for an ES answer: `fulfillmentMessages` in order (text, LivePerson
/// payloads, native quick replies), then the intent's action and parameters.
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
    if let Some(intent) = result
        .intent
        .as_ref()
        .and_then(|i| i.display_name.as_deref())
    {
        tracing::debug!(intent, "Dialogflow ES matched an intent");
    }
    let mut reply = ReplyBuilder::new(body);
    let messages: Vec<&Message> = result
        .fulfillment_messages
        .iter()
        .filter(|m| m.is_default_platform())
        .collect();
    if result.fulfillment_messages.is_empty() {
        // Older agents fill only the legacy single text.
        if let Some(text) = &result.fulfillment_text {
            reply.text(text);
        }
    }
    for message in messages {
        if let Some(text) = &message.text {
            for line in &text.text {
                reply.text(line);
            }
        } else if let Some(payload) = &message.payload {
            reply.payload(payload, false)?;
        } else if let Some(quick) = &message.quick_replies {
            reply.output(native_quick_replies(quick));
        } else {
            tracing::debug!("skipping a Dialogflow ES message of a kind LiveEngage cannot show");
        }
    }
    if let Some(name) = result.action.as_deref().filter(|a| !a.is_empty()) {
        let params = result.parameters.unwrap_or_default();
        match action::parse(name, &params) {
            Ok(Some(action)) => reply.action(action),
            Ok(None) => tracing::debug!(action = name, "intent action is not a LivePerson action"),
            Err(problem) => return Err(reply.invalid(format!("intent action {name}: {problem}"))),
        }
    }
    reply.finish()
}

/// Dialogflow's own quick replies, as LiveEngage quick-reply buttons that
/// publish their title.
fn native_quick_replies(quick: &QuickReplies) -> Output {
    let replies: Vec<Value> = quick
        .quick_replies
        .iter()
        .map(|title| {
            json!({
                "type": "button",
                "title": title,
                "click": {"actions": [{"type": "publishText", "text": title}]}
            })
        })
        .collect();
    Output::quick_replies_raw(
        quick.title.clone(),
        json!({"type": "quickReplies", "itemsPerRow": 8, "replies": replies}),
    )
}
