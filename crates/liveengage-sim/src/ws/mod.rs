//! The UMS WebSocket endpoints and the socket loop they share.

pub(crate) mod agent;
pub(crate) mod consumer;

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::SinkExt;
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

/// The read size of agent sockets. tungstenite zero-fills its whole read
/// buffer (128 KiB by default) before each read; UMS frames are small, and
/// with 10,000 sockets the default also costs over a GiB of memory. A frame
/// larger than this still arrives whole.
pub(crate) const READ_BUFFER: usize = 16 * 1024;

/// The read size of consumer sockets (both ends): a consumer's frames are a
/// few hundred bytes, one or two at a time, and every read zero-fills this
/// much first (at 20,000 turns per second, 16 KiB cost 2 % of the bench).
pub(crate) const CONSUMER_READ_BUFFER: usize = 4 * 1024;

/// How long a closing socket waits for the client's close reply.
const CLOSE_HANDSHAKE: std::time::Duration = std::time::Duration::from_secs(2);

/// Ends a socket: with a close frame (code, reason) and its handshake, or
/// (`None`) at once, without one (the peer sees 1006).
async fn end(socket: &mut WebSocket, close: Option<(u16, String)>) {
    let Some((code, reason)) = close else {
        return;
    };
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
    // Finish the closing handshake: read (and drop) what the client still
    // sends until its close reply. Dropping the connection with unread data
    // would make the kernel send RST, and the client could lose the close
    // frame and see 1006 instead of the code.
    let drain = async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_HANDSHAKE, drain).await;
}

/// When the agent session behind socket `conn` expires (`None` for consumers).
fn session_deadline(inner: &Inner, conn: u64) -> Option<Instant> {
    let core = inner.lock();
    match core.conns.get(&conn).map(|c| &c.who) {
        Some(Who::Agent { bearer, .. }) => core.sessions.get(bearer.expose()).map(|s| s.expires_at),
        _ => None,
    }
}

/// At most this many queued frames go out in one write.
const WRITE_BATCH: usize = 64;

/// Sends `first` and whatever else is queued (up to [`WRITE_BATCH`]) with
/// one flush, then notes the timed ones in the agent clock. Returns false
/// when the socket is done (closed, dropped or broken).
async fn send_queued(
    inner: &Inner,
    socket: &mut WebSocket,
    conn: u64,
    first: Out,
    rx: &mut UnboundedReceiver<Out>,
) -> bool {
    let mut timed: Vec<Arc<str>> = Vec::new();
    let mut next = Some(first);
    let mut sent = 0;
    let mut open = true;
    while let Some(out) = next.take() {
        let text = match out {
            Out::Text(text) => text,
            Out::Timed(text, dialog) => {
                timed.push(dialog);
                text
            }
            ending @ (Out::Close(..) | Out::Drop) => {
                // What was queued before goes first; a closing socket takes
                // no more notifications.
                let _ = socket.flush().await;
                inner.lock().remove_conn(conn);
                let close = match ending {
                    Out::Close(code, reason) => Some((code, reason)),
                    _ => None,
                };
                end(socket, close).await;
                open = false;
                break;
            }
        };
        if socket.feed(Message::Text(text.into())).await.is_err() {
            return false;
        }
        sent += 1;
        if sent < WRITE_BATCH {
            next = rx.try_recv().ok();
        }
    }
    if open && socket.flush().await.is_err() {
        return false;
    }
    if !timed.is_empty() {
        let at = Instant::now();
        if let Some(clock) = inner.lock().agent_clock.as_mut() {
            for dialog in timed {
                clock.delivered(dialog, at);
            }
        }
    }
    open
}

/// Runs one registered socket until it closes.
pub(crate) async fn run(
    inner: Arc<Inner>,
    mut socket: WebSocket,
    conn: u64,
    mut rx: UnboundedReceiver<Out>,
) {
    // The session's expiry is looked up once and again when it passes (a
    // refresh moves it later; an expiry fault closes the socket itself).
    let mut deadline = session_deadline(&inner, conn);
    let expiry = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now));
    tokio::pin!(expiry);
    loop {
        tokio::select! {
            out = rx.recv() => {
                let Some(out) = out else { break };
                if !send_queued(&inner, &mut socket, conn, out, &mut rx).await {
                    break;
                }
            }
            message = socket.recv() => {
                let read_at = Instant::now();
                // Text frames are handled where they lie, without a copy.
                let binary;
                let text: &str = match &message {
                    Some(Ok(Message::Text(text))) => text.as_str(),
                    Some(Ok(Message::Binary(bytes))) => {
                        binary = String::from_utf8_lossy(bytes);
                        &binary
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                };
                if let Some(delay) = inner.delay() {
                    tokio::time::sleep(delay).await;
                }
                handle_text(&inner, conn, text, read_at);
            }
            () = &mut expiry, if deadline.is_some() => {
                let still = {
                    let core = inner.lock();
                    match core.conns.get(&conn).map(|c| c.who.clone()) {
                        Some(Who::Agent { bearer, .. }) => core.session(bearer.expose()).is_some(),
                        _ => true,
                    }
                };
                if !still {
                    inner.lock().remove_conn(conn);
                    end(&mut socket, Some((4401, "Token expired".into()))).await;
                    break;
                }
                deadline = session_deadline(&inner, conn);
                // A session that says it expired but is still valid is
                // looked at again a second later rather than in a tight loop.
                let next = deadline.map_or_else(Instant::now, |at| {
                    at.max(Instant::now() + std::time::Duration::from_secs(1))
                });
                expiry.as_mut().reset(next);
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
