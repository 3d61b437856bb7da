//! One WebSocket connection: outgoing frames and request/response correlation.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use liveengage_proto::{Frame, Request, Response};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

/// Why a request got no successful response.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum RequestError {
    /// No socket: the request was not sent.
    #[error("not connected to LiveEngage (reconnecting)")]
    NotConnected,
    /// Sent, but the socket closed or no answer came in time: it may have happened.
    #[error("no response from LiveEngage ({0})")]
    NoResponse(&'static str),
    /// LiveEngage answered with an error code.
    #[error("LiveEngage answered {code}: {body}")]
    Rejected {
        /// The `code` of the response.
        code: u16,
        /// The body, as text.
        body: String,
    },
}

impl RequestError {
    pub(crate) fn may_have_happened(&self) -> bool {
        matches!(self, Self::NoResponse(_))
    }

    pub(crate) fn transient(&self) -> bool {
        match self {
            Self::NotConnected | Self::NoResponse(_) => true,
            Self::Rejected { code, .. } => *code >= 500 || *code == 429,
        }
    }
}

/// The id prefix of requests sent with [`Socket::send_unanswered`].
const UNANSWERED: &str = "u";

type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<Response>>>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A frame for the writer, with the moment the turn it answers began (a
/// consumer message read from the socket), if it is a bot's answer.
pub(crate) struct Outgoing {
    pub(crate) message: Message,
    pub(crate) turn: Option<Instant>,
}

impl From<Message> for Outgoing {
    fn from(message: Message) -> Self {
        Self {
            message,
            turn: None,
        }
    }
}

/// The sending half of a live socket. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Socket {
    out: mpsc::UnboundedSender<Outgoing>,
    pending: Pending,
    /// The last request id used on this socket.
    last_id: Arc<AtomicU64>,
    /// Which connection this is (increases with each reconnect).
    pub(crate) epoch: u64,
}

impl Socket {
    pub(crate) fn new(out: mpsc::UnboundedSender<Outgoing>, epoch: u64) -> Self {
        Self {
            out,
            pending: Arc::new(Mutex::new(HashMap::new())),
            last_id: Arc::new(AtomicU64::new(0)),
            epoch,
        }
    }

    /// Sends a request and waits for its response.
    pub(crate) async fn request(
        &self,
        type_name: &str,
        body: Value,
        frame_extra: Option<(Option<Value>, Option<String>)>,
        timeout: Duration,
    ) -> Result<Response, RequestError> {
        self.request_timed(type_name, body, frame_extra, timeout, None)
            .await
    }

    /// [`Socket::request`] for a bot's answer to a consumer message read at
    /// `turn`: the writer reports the turn's time once the frame is written.
    pub(crate) async fn request_timed(
        &self,
        type_name: &str,
        body: Value,
        frame_extra: Option<(Option<Value>, Option<String>)>,
        timeout: Duration,
        turn: Option<Instant>,
    ) -> Result<Response, RequestError> {
        let id = self.next_id();
        let mut request = Request::new(id.as_str(), type_name, body);
        if let Some((metadata, encoded)) = frame_extra {
            request.metadata = metadata;
            request.encoded_metadata = encoded.map(Value::String);
        }
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id.clone(), tx);
        let text = Frame::Req(request).encode();
        let outgoing = Outgoing {
            message: Message::text(text),
            turn,
        };
        if self.out.send(outgoing).is_err() {
            lock(&self.pending).remove(&id);
            return Err(RequestError::NotConnected);
        }
        let response = match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(response)) => response,
            Ok(Err(_)) => return Err(RequestError::NoResponse("the socket closed")),
            Err(_) => {
                lock(&self.pending).remove(&id);
                return Err(RequestError::NoResponse("timed out"));
            }
        };
        if response.is_success() {
            Ok(response)
        } else {
            Err(RequestError::Rejected {
                code: response.code,
                body: response
                    .body
                    .as_ref()
                    .map_or_else(String::new, Value::to_string),
            })
        }
    }

    /// A request id unique on this socket. A counter, not a UUID: ids only
    /// pair responses with requests, and a UUID costs a random-number draw
    /// (a system call) per request.
    fn next_id(&self) -> String {
        (self.last_id.fetch_add(1, Ordering::Relaxed) + 1).to_string()
    }

    /// Sends a request whose answer nobody waits for (read receipts): no
    /// task, timer or pending entry per request. An error answer is logged
    /// when it arrives. Returns false when the socket is gone.
    pub(crate) fn send_unanswered(&self, type_name: &str, body: Value) -> bool {
        let request = Request::new(format!("{UNANSWERED}{}", self.next_id()), type_name, body);
        let text = Frame::Req(request).encode();
        self.out.send(Message::text(text).into()).is_ok()
    }

    /// Hands a response to the request waiting for it.
    pub(crate) fn resolve(&self, response: Response) {
        let key = response.req_id.to_string();
        if let Some(tx) = lock(&self.pending).remove(&key) {
            let _ = tx.send(response);
        } else if key.starts_with(UNANSWERED) {
            if !response.is_success() {
                tracing::debug!(code = response.code, "read receipt not accepted");
            }
        } else {
            tracing::debug!(req_id = %key, "response to no pending request");
        }
    }

    /// Whether `other` is this very socket.
    pub(crate) fn is_same(&self, other: &Option<Socket>) -> bool {
        other.as_ref().is_some_and(|o| o.epoch == self.epoch)
    }

    /// Sends a WebSocket ping.
    pub(crate) fn ping(&self) -> bool {
        self.out
            .send(Message::Ping(Vec::new().into()).into())
            .is_ok()
    }

    /// Asks the writer to close the socket.
    pub(crate) fn close(&self) {
        let _ = self.out.send(Message::Close(None).into());
    }

    /// How many requests wait for their response.
    pub(crate) fn pending(&self) -> usize {
        lock(&self.pending).len()
    }

    /// Fails every pending request (the socket is gone).
    pub(crate) fn fail_pending(&self) {
        lock(&self.pending).clear();
    }
}
