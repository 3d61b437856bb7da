//! The UMS WebSocket endpoints and the socket loop they share.

pub(crate) mod agent;
pub(crate) mod consumer;

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use liveengage_proto::{Frame, Request, RequestId, Response};
use serde_json::Value;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

use crate::messaging::error_reply;
use crate::state::{Inner, Out, Who};

/// Decodes a text frame into a request, or the error answer to send.
pub(crate) fn parse_request(text: &str) -> Result<Request, Response> {
    match Frame::decode(text) {
        Ok(Frame::Req(req)) => Ok(req),
        Ok(_) => {
            let req = Request::new(id_of(text), "", Value::Null);
            Err(error_reply(
                &req,
                (400, "Only req frames may be sent to the server".into()),
            ))
        }
        Err(e) => {
            // [gap] No error frame for unparsable input is documented; the
            // answer reuses the frame's `id` when one can be found.
            let req = Request::new(id_of(text), "", Value::Null);
            Err(error_reply(&req, (400, format!("Malformed frame: {e}"))))
        }
    }
}

fn id_of(text: &str) -> RequestId {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| match v.get("id") {
            Some(Value::String(s)) => Some(RequestId::Text(s.clone())),
            Some(Value::Number(n)) => n.as_i64().map(RequestId::Number),
            _ => None,
        })
        .unwrap_or_else(|| RequestId::Text(String::new()))
}

/// The read size of every socket. tungstenite zero-fills its whole read
/// buffer (128 KiB by default) before each read; UMS frames are small, and
/// with 10,000 sockets the default also costs over a GiB of memory. A frame
/// larger than this still arrives whole.
pub(crate) const READ_BUFFER: usize = 16 * 1024;

/// How long a closing socket waits for the client's close reply.
const CLOSE_HANDSHAKE: std::time::Duration = std::time::Duration::from_secs(2);

async fn send_out(socket: &mut WebSocket, out: Out) -> bool {
    match out {
        Out::Text(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Out::Close(code, reason) => {
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ = socket.send(Message::Close(Some(frame))).await;
            // Finish the closing handshake: read (and drop) what the client
            // still sends until its close reply. Dropping the connection with
            // unread data would make the kernel send RST, and the client could
            // lose the close frame and see 1006 instead of the code.
            let drain = async {
                while let Some(Ok(message)) = socket.recv().await {
                    if matches!(message, Message::Close(_)) {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(CLOSE_HANDSHAKE, drain).await;
            false
        }
        Out::Drop => false,
        Out::Timed(text, _) => socket.send(Message::Text(text.into())).await.is_ok(),
    }
}

/// Runs one registered socket until it closes.
pub(crate) async fn run(
    inner: Arc<Inner>,
    mut socket: WebSocket,
    conn: u64,
    mut rx: UnboundedReceiver<Out>,
) {
    loop {
        let deadline = {
            let core = inner.lock();
            match core.conns.get(&conn).map(|c| &c.who) {
                Some(Who::Agent { bearer, .. }) => {
                    core.sessions.get(bearer.expose()).map(|s| s.expires_at)
                }
                _ => None,
            }
        };
        let expiry = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            out = rx.recv() => {
                let Some(out) = out else { break };
                if matches!(out, Out::Close(..) | Out::Drop) {
                    // A closing socket takes no more notifications.
                    inner.lock().remove_conn(conn);
                }
                let timed = match &out {
                    Out::Timed(_, dialog) => Some(Arc::clone(dialog)),
                    _ => None,
                };
                if !send_out(&mut socket, out).await {
                    break;
                }
                if let Some(dialog) = timed {
                    let at = Instant::now();
                    if let Some(clock) = inner.lock().agent_clock.as_mut() {
                        clock.delivered(dialog, at);
                    }
                }
            }
            message = socket.recv() => {
                let read_at = Instant::now();
                let text = match message {
                    Some(Ok(Message::Text(text))) => text.as_str().to_owned(),
                    Some(Ok(Message::Binary(bytes))) => String::from_utf8_lossy(&bytes).into_owned(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                };
                if let Some(delay) = inner.delay() {
                    tokio::time::sleep(delay).await;
                }
                handle_text(&inner, conn, &text, read_at);
            }
            () = expiry => {
                let expired = deadline.is_some_and(|at| at <= Instant::now());
                let still = {
                    let core = inner.lock();
                    match core.conns.get(&conn).map(|c| c.who.clone()) {
                        Some(Who::Agent { bearer, .. }) => core.session(bearer.expose()).is_some(),
                        _ => true,
                    }
                };
                if expired && !still {
                    inner.lock().remove_conn(conn);
                    let _ = send_out(&mut socket, Out::Close(4401, "Token expired".into())).await;
                    break;
                }
            }
        }
    }
    inner.lock().remove_conn(conn);
    tracing::debug!(conn, "socket closed");
}

fn handle_text(inner: &Inner, conn: u64, text: &str, read_at: Instant) {
    // Decoded before taking the lock, which every socket shares.
    let parsed = parse_request(text);
    let mut core = inner.lock();
    let Some(who) = core.conns.get(&conn).map(|c| c.who.clone()) else {
        return;
    };
    let response = match parsed {
        Ok(req) => match &who {
            Who::Agent { login, .. } => {
                core.received_at = Some(read_at);
                let response = core.handle_agent(conn, login, &req);
                core.received_at = None;
                response
            }
            Who::Consumer { consumer_id } => core.handle_consumer(conn, consumer_id, &req),
        },
        Err(response) => response,
    };
    core.flush(conn, Some(response));
}
