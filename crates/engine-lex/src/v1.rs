//! Lex V1 `PostText`.

use std::collections::HashMap;

use connector_core::{BotReply, EngineError, EngineSession, ErrorCode, InboundEvent};
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use crate::card::Card;
use crate::error::codes;
use crate::http::{self, LexHttp};
use crate::message::{self, LexMessage};
use crate::session;

/// The answer; slots and attributes may be `null`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostTextResponse {
    #[serde(default)]
    intent_name: Option<String>,
    #[serde(default)]
    slots: Option<HashMap<String, Option<String>>>,
    #[serde(default)]
    session_attributes: Option<HashMap<String, Option<String>>>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    message_format: Option<String>,
    #[serde(default)]
    dialog_state: Option<String>,
    #[serde(default)]
    response_card: Option<ResponseCard>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResponseCard {
    #[serde(default)]
    generic_attachments: Vec<Card>,
}

pub(crate) struct V1Api {
    pub(crate) base: Url,
    pub(crate) bot_name: String,
    pub(crate) bot_alias: String,
}

impl V1Api {
    /// `POST /bot/{botName}/alias/{botAlias}/user/{userId}/text`.
    pub(crate) fn url(&self, user_id: &str) -> Url {
        http::url(
            &self.base,
            &[
                "bot",
                &self.bot_name,
                "alias",
                &self.bot_alias,
                "user",
                user_id,
                "text",
            ],
        )
    }

    pub(crate) async fn post_text(
        &self,
        http: &LexHttp,
        user_id: &str,
        text: &str,
        event: Option<&InboundEvent>,
        session: &mut EngineSession,
        code: &ErrorCode,
    ) -> Result<BotReply, EngineError> {
        let mut body = json!({
            "inputText": text,
            "sessionAttributes": session::attributes(session, user_id),
        });
        if let Some(event) = event {
            body["requestAttributes"] = session::request_attributes(&event.context, &event.kind);
        }
        let raw = http.post(&self.url(user_id), &body, code).await?;
        let response: PostTextResponse =
            serde_json::from_slice(&raw).map_err(|e| EngineError::InvalidResponse {
                code: codes::PARSER_CRASHED,
                message: format!(
                    "Lex's PostText answer is not the documented JSON: {}",
                    crate::upstream::json_problem(&e)
                ),
                body: String::from_utf8_lossy(&raw).into_owned(),
            })?;
        let attributes = response
            .session_attributes
            .as_ref()
            .map(|a| serde_json::to_value(a).unwrap_or(Value::Null));
        session::store(session, attributes.as_ref(), None);
        let mut messages = match (response.message, response.message_format.as_deref()) {
            (None, _) => Vec::new(),
            (Some(text), None | Some("PlainText")) => vec![LexMessage::PlainText(text)],
            (Some(raw), Some("CustomPayload")) => vec![LexMessage::CustomPayload(raw)],
            (Some(raw), Some("Composite")) => message::composite(&raw)?,
            (Some(_), Some(other)) => vec![LexMessage::Unsupported(other.to_owned())],
        };
        if let Some(card) = response.response_card {
            messages.push(LexMessage::Cards(card.generic_attachments));
        }
        if response.dialog_state.as_deref() == Some("Failed") {
            return Err(message::dialog_failed(
                response.intent_name.as_deref(),
                &messages,
            ));
        }
        tracing::debug!(
            intent = ?response.intent_name,
            state = ?response.dialog_state,
            filled_slots = response.slots.iter().flatten().filter(|(_, v)| v.is_some()).count(),
            "lex v1 answer"
        );
        message::to_reply(messages)
    }
}
