//! `/ws_api/account/{a}/messaging/consumer`: the Messaging Window API socket.
//! The consumer JWT comes in `Authorization: jwt <JWT>` or in a first
//! `InitConnection` frame.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use liveengage_proto::requests::{canonical_type, consumer_jwt};
use liveengage_proto::{Frame, Response as UmsResponse};
use serde_json::json;
use tokio::sync::mpsc::unbounded_channel;

use crate::messaging::error_reply;
use crate::state::{Inner, Who};

/// How long a socket without the header may wait before `InitConnection`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) async fn upgrade(
    State(inner): State<Arc<Inner>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if inner.lock().account() != account {
        return (StatusCode::NOT_FOUND, "unknown account").into_response();
    }
    let from_header = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("jwt ").or_else(|| v.strip_prefix("JWT ")))
        .map(|jwt| inner.lock().consumers.get(jwt.trim()).cloned());
    match from_header {
        Some(None) => (StatusCode::UNAUTHORIZED, "invalid consumer JWT").into_response(),
        Some(Some(consumer_id)) => ws
            .read_buffer_size(super::CONSUMER_READ_BUFFER)
            .on_upgrade(move |socket| register(inner, socket, consumer_id)),
        None => ws
            .read_buffer_size(super::CONSUMER_READ_BUFFER)
            .on_upgrade(move |socket| init_then_register(inner, socket)),
    }
}

async fn register(inner: Arc<Inner>, socket: WebSocket, consumer_id: String) {
    let (tx, rx) = unbounded_channel();
    let conn = inner.lock().add_conn(tx, Who::Consumer { consumer_id });
    super::run(inner, socket, conn, rx).await;
}

async fn send(socket: &mut WebSocket, response: &UmsResponse) -> bool {
    let text = Frame::Resp(response.clone()).encode();
    socket.send(Message::Text(text.into())).await.is_ok()
}

async fn init_then_register(inner: Arc<Inner>, mut socket: WebSocket) {
    let deadline = tokio::time::Instant::now() + INIT_TIMEOUT;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.recv()).await;
        let text = match message {
            Ok(Some(Ok(Message::Text(text)))) => text.as_str().to_owned(),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Binary(_)))) => continue,
            Ok(_) => return,
            Err(_) => {
                let frame = CloseFrame {
                    code: 4401,
                    reason: "InitConnection expected".into(),
                };
                let _ = socket.send(Message::Close(Some(frame))).await;
                return;
            }
        };
        let req = match super::parse_request(&text) {
            Ok(req) => req,
            Err(response) => {
                if !send(&mut socket, &response).await {
                    return;
                }
                continue;
            }
        };
        if canonical_type(&req.type_name) != "InitConnection" {
            let response = error_reply(
                &req,
                (
                    401,
                    "Send InitConnection with a ConsumerAuthentication header first".into(),
                ),
            );
            if !send(&mut socket, &response).await {
                return;
            }
            continue;
        }
        let consumer = consumer_jwt(req.headers.as_ref())
            .and_then(|jwt| inner.lock().consumers.get(jwt).cloned());
        let Some(consumer_id) = consumer else {
            let response = error_reply(&req, (401, "Invalid or missing consumer JWT".into()));
            let _ = send(&mut socket, &response).await;
            continue;
        };
        let ok = UmsResponse::new(req.id.clone(), 200, "StringResponse", json!("OK"));
        if !send(&mut socket, &ok).await {
            return;
        }
        register(inner, socket, consumer_id).await;
        return;
    }
}
