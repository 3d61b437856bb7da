//! The emulator's own API under `/sim`: faults, transcripts, and the visitor
//! side of chats.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::chat_api::events_json_for;
use super::{check_account, error, failure, json, parse_body};
use crate::faults::{FaultCommand, Faults};
use crate::state::Inner;

pub(crate) async fn faults(State(inner): State<Arc<Inner>>, body: Bytes) -> Response {
    let command: FaultCommand = match parse_body(&body) {
        Ok(c) => c,
        Err(e) => return failure(e),
    };
    tracing::info!(?command, "fault injected");
    let hit = Faults { inner }.apply(&command);
    json(StatusCode::OK, json!({"applied": command, "sockets": hit}))
}

pub(crate) async fn transcripts(State(inner): State<Arc<Inner>>) -> Response {
    json(
        StatusCode::OK,
        serde_json::to_value(crate::server::all_transcripts(&inner)).unwrap_or_default(),
    )
}

pub(crate) async fn transcript(
    State(inner): State<Arc<Inner>>,
    Path(id): Path<String>,
) -> Response {
    match crate::server::find_transcript(&inner, &id) {
        Some(t) => json(StatusCode::OK, serde_json::to_value(t).unwrap_or_default()),
        None => error(
            StatusCode::NOT_FOUND,
            &format!("No conversation or chat {id}"),
            404,
        ),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartChat {
    #[serde(default)]
    skill: Option<String>,
    #[serde(default)]
    visitor_name: Option<String>,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct Line {
    text: String,
}

pub(crate) async fn start_chat(
    State(inner): State<Arc<Inner>>,
    Path(account): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    let start: StartChat = match parse_body(&body) {
        Ok(s) => s,
        Err(e) => return failure(e),
    };
    let name = start.visitor_name.unwrap_or_else(|| "visitor".into());
    match inner
        .lock()
        .visitor_start(start.skill.as_deref(), &name, start.text.as_deref())
    {
        Ok(id) => json(StatusCode::CREATED, json!({"chatId": id})),
        Err(f) => failure(f),
    }
}

pub(crate) async fn visitor_line(
    State(inner): State<Arc<Inner>>,
    Path((account, chat)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    let line: Line = match parse_body(&body) {
        Ok(l) => l,
        Err(e) => return failure(e),
    };
    match inner.lock().visitor_line(&chat, &line.text) {
        Ok(id) => json(StatusCode::CREATED, json!({"eventId": id.to_string()})),
        Err(f) => failure(f),
    }
}

pub(crate) async fn visitor_end(
    State(inner): State<Arc<Inner>>,
    Path((account, chat)): Path<(String, String)>,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    match inner.lock().visitor_end(&chat) {
        Ok(()) => json(StatusCode::OK, json!({})),
        Err(f) => failure(f),
    }
}

pub(crate) async fn visitor_events(
    State(inner): State<Arc<Inner>>,
    Path((account, chat)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    let from = query
        .get("from")
        .and_then(|f| f.parse::<usize>().ok())
        .unwrap_or(0);
    let core = inner.lock();
    let url = format!("{}/sim/account/{account}/chats/{chat}", core.base_url());
    match core.chat.chats.get(&chat) {
        Some(c) => json(
            StatusCode::OK,
            json!({"events": events_json_for(c, &url, from, false)}),
        ),
        None => error(
            StatusCode::NOT_FOUND,
            &format!("Chat {chat} not found"),
            404,
        ),
    }
}
