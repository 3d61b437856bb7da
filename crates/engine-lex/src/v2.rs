//! Lex V2 `RecognizeText`.

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

/// The answer, with `Option` wherever Lex may send `null` (unfilled slots are
/// `null`: the reason this crate does not use the generated SDK).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecognizeTextResponse {
    #[serde(default)]
    messages: Option<Vec<Message>>,
    #[serde(default)]
    session_state: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    #[serde(default)]
    content_type: String,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    image_response_card: Option<Card>,
}

/// The part of `sessionState` the engine reads.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SessionState {
    #[serde(default)]
    pub(crate) intent: Option<Intent>,
    #[serde(default)]
    pub(crate) session_attributes: Option<HashMap<String, Option<String>>>,
}

/// An intent, with its slots as Lex sends them (`null` when unfilled).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Intent {
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) state: Option<String>,
    #[serde(default)]
    pub(crate) slots: HashMap<String, Option<Slot>>,
}

/// A filled slot.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Slot {
    #[serde(default)]
    pub(crate) value: Option<SlotValue>,
}

/// A slot's value.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SlotValue {
    #[serde(default)]
    pub(crate) interpreted_value: Option<String>,
}

pub(crate) struct V2Api {
    pub(crate) base: Url,
    pub(crate) bot_id: String,
    pub(crate) bot_alias_id: String,
    pub(crate) locale_id: String,
}

impl V2Api {
    /// `POST /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/sessions/{sessionId}/text`.
    pub(crate) fn url(&self, session_id: &str) -> Url {
        http::url(
            &self.base,
            &[
                "bots",
                &self.bot_id,
                "botAliases",
                &self.bot_alias_id,
                "botLocales",
                &self.locale_id,
                "sessions",
                session_id,
                "text",
            ],
        )
    }

    pub(crate) async fn recognize(
        &self,
        http: &LexHttp,
        session_id: &str,
        text: &str,
        event: Option<&InboundEvent>,
        session: &mut EngineSession,
        code: &ErrorCode,
    ) -> Result<BotReply, EngineError> {
        let mut body = json!({
            "text": text,
            "sessionState": session::v2_state(session, session_id),
        });
        if let Some(event) = event {
            body["requestAttributes"] = session::request_attributes(&event.context, &event.kind);
        }
        let raw = http.post(&self.url(session_id), &body, code).await?;
        let response: RecognizeTextResponse =
            serde_json::from_slice(&raw).map_err(|e| unreadable(&e, &raw))?;
        let state: SessionState = match &response.session_state {
            Some(state) => {
                serde_json::from_value(state.clone()).map_err(|e| unreadable(&e, &raw))?
            }
            None => SessionState::default(),
        };
        let attributes = state
            .session_attributes
            .as_ref()
            .map(|a| serde_json::to_value(a).unwrap_or(Value::Null));
        session::store(
            session,
            attributes.as_ref(),
            response.session_state.as_ref(),
        );
        let messages: Vec<LexMessage> = response
            .messages
            .unwrap_or_default()
            .into_iter()
            .map(
                |m| match (m.content_type.as_str(), m.content, m.image_response_card) {
                    ("PlainText", Some(text), _) => LexMessage::PlainText(text),
                    ("CustomPayload", Some(raw), _) => LexMessage::CustomPayload(raw),
                    ("ImageResponseCard", _, Some(card)) => LexMessage::Cards(vec![card]),
                    (kind, _, _) => LexMessage::Unsupported(kind.to_owned()),
                },
            )
            .collect();
        let intent = state.intent.as_ref();
        if intent.and_then(|i| i.state.as_deref()) == Some("Failed") {
            return Err(message::dialog_failed(
                intent.and_then(|i| i.name.as_deref()),
                &messages,
            ));
        }
        if let Some(intent) = intent {
            let filled = intent
                .slots
                .iter()
                .filter_map(|(k, v)| {
                    let value = v.as_ref()?.value.as_ref()?.interpreted_value.as_deref()?;
                    Some(format!("{k}={value}"))
                })
                .collect::<Vec<_>>();
            tracing::debug!(intent = ?intent.name, state = ?intent.state, slots = ?filled, "lex v2 answer");
        }
        message::to_reply(messages)
    }
}

fn unreadable(error: &serde_json::Error, raw: &[u8]) -> EngineError {
    EngineError::InvalidResponse {
        code: codes::PARSER_CRASHED,
        message: format!(
            "Lex's RecognizeText answer is not the documented JSON: {}",
            crate::upstream::json_problem(error)
        ),
        body: String::from_utf8_lossy(raw).into_owned(),
    }
}
