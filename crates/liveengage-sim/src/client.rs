//! Small clients for tests: a Messaging Window consumer, and a loopback
//! HTTP/1.1 request helper (no TLS of its own; pass any stream to
//! [`http_over`]).

use std::collections::VecDeque;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::{SinkExt, StreamExt};
use liveengage_proto::conversation_field::ConversationStateChange;
use liveengage_proto::enums::{ConvState, Role};
use liveengage_proto::requests::{
    ConsumerRequestConversation, PublishEvent, SubscribeExConversations, SubscribeMessagingEvents,
    UpdateConversationField,
};
use liveengage_proto::{
    ConversationField, Event, EventRecord, Frame, Notification, OneOrMany, Response, Side,
    UmsNotification, UmsRequest,
};
use serde_json::{Map, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Any byte stream a WebSocket can run on (TCP, or TLS over TCP).
trait ByteStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> ByteStream for T {}

use crate::SimError;

/// How long the helpers wait for an answer before giving up.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// A consumer on the Messaging Window API, for tests and demos.
///
/// It answers requests one at a time and keeps the notifications that
/// arrive meanwhile, so nothing is lost between calls.
pub struct ConsumerClient {
    ws: WebSocketStream<Box<dyn ByteStream>>,
    consumer_id: String,
    next_id: u64,
    buffered: VecDeque<Notification>,
    conversation_id: Option<String>,
}

impl std::fmt::Debug for ConsumerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsumerClient")
            .field("consumer_id", &self.consumer_id)
            .field("conversation_id", &self.conversation_id)
            .finish_non_exhaustive()
    }
}

fn jwt_subject(jwt: &str) -> Option<String> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("sub")?.as_str().map(str::to_owned)
}

impl ConsumerClient {
    /// Opens `ws(s)://…/messaging/consumer?v=3` with `Authorization: jwt <jwt>`
    /// (get one from `POST /api/account/{a}/signup`). For `wss://`, pass the
    /// emulator's CA certificate (PEM).
    ///
    /// # Errors
    /// [`SimError::Client`] when the socket cannot be opened.
    pub async fn connect_with_jwt(
        url: &str,
        jwt: &str,
        ca_pem: Option<&str>,
    ) -> Result<Self, SimError> {
        let consumer_id = jwt_subject(jwt).unwrap_or_default();
        Self::connect(url, jwt, consumer_id, ca_pem).await
    }

    pub(crate) async fn connect(
        url: &str,
        jwt: &str,
        consumer_id: String,
        ca_pem: Option<&str>,
    ) -> Result<Self, SimError> {
        let mut request = url.into_client_request()?;
        let value = format!("jwt {jwt}")
            .parse()
            .map_err(|_| SimError::Client("the JWT is not a valid header value".into()))?;
        request.headers_mut().insert("authorization", value);
        let uri = request.uri().clone();
        let secure = uri.scheme_str() == Some("wss");
        let authority = uri
            .authority()
            .ok_or_else(|| SimError::Client(format!("no host in {url}")))?;
        let port = authority
            .port_u16()
            .unwrap_or(if secure { 443 } else { 80 });
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let client = |e: std::io::Error| SimError::Client(e.to_string());
        let tcp = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(client)?;
        // Small frames must not wait for Nagle's algorithm.
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn ByteStream> = if secure {
            let ca = ca_pem.ok_or_else(|| {
                SimError::Client("wss:// needs the emulator's CA certificate".into())
            })?;
            let connector = tokio_rustls::TlsConnector::from(crate::tls::client_config(ca)?);
            let name = rustls::pki_types::ServerName::try_from(host)
                .map_err(|e| SimError::Client(e.to_string()))?;
            Box::new(connector.connect(name, tcp).await.map_err(client)?)
        } else {
            Box::new(tcp)
        };
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(crate::ws::CONSUMER_READ_BUFFER);
        let (ws, _) =
            tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await?;
        Ok(Self {
            ws,
            consumer_id,
            next_id: 1,
            buffered: VecDeque::new(),
            conversation_id: None,
        })
    }

    /// The consumer id (JWT `sub`).
    #[must_use]
    pub fn consumer_id(&self) -> &str {
        &self.consumer_id
    }

    /// The conversation opened by [`ConsumerClient::open_conversation`].
    #[must_use]
    pub fn conversation_id(&self) -> Option<&str> {
        self.conversation_id.as_deref()
    }

    async fn read_frame(&mut self, timeout: Duration) -> Result<Frame, SimError> {
        loop {
            let message = tokio::time::timeout(timeout, self.ws.next())
                .await
                .map_err(|_| SimError::Client("timed out waiting for the emulator".into()))?;
            match message {
                Some(Ok(Message::Text(text))) => return Ok(Frame::decode(text.as_str())?),
                Some(Ok(Message::Close(frame))) => {
                    return Err(SimError::Client(format!("socket closed: {frame:?}")));
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => return Err(SimError::Client("socket closed".into())),
            }
        }
    }

    /// Sends a request and waits for its answer.
    ///
    /// # Errors
    /// [`SimError::Client`] on a socket failure or timeout.
    pub async fn request(&mut self, request: UmsRequest) -> Result<Response, SimError> {
        let id = self.next_id.to_string();
        self.next_id += 1;
        let frame = Frame::Req(request.into_request(id.as_str(), Side::Consumer));
        self.ws.send(Message::Text(frame.encode().into())).await?;
        loop {
            match self.read_frame(CLIENT_TIMEOUT).await? {
                Frame::Resp(resp) if resp.req_id.to_string() == id => return Ok(resp),
                Frame::Notification(n) => self.buffered.push_back(n),
                _ => {}
            }
        }
    }

    async fn ok(&mut self, request: UmsRequest) -> Result<Response, SimError> {
        let response = self.request(request).await?;
        if response.is_success() {
            Ok(response)
        } else {
            Err(SimError::Unexpected {
                status: response.code,
                body: response.body.map(|b| b.to_string()).unwrap_or_default(),
            })
        }
    }

    /// Requests a conversation on a skill (the default skill when `None`),
    /// subscribes to its messages and metadata, and returns its id.
    ///
    /// # Errors
    /// [`SimError::Unexpected`] when the emulator refuses.
    pub async fn open_conversation(&mut self, skill: Option<&str>) -> Result<String, SimError> {
        let body = ConsumerRequestConversation {
            skill_id: skill.map(Into::into),
            ..ConsumerRequestConversation::default()
        };
        let response = self
            .ok(UmsRequest::ConsumerRequestConversation(body))
            .await?;
        let id = response
            .body
            .as_ref()
            .and_then(|b| b.get("conversationId"))
            .and_then(Value::as_str)
            .ok_or_else(|| SimError::Client("no conversationId in the answer".into()))?
            .to_owned();
        self.ok(UmsRequest::SubscribeMessagingEvents(
            SubscribeMessagingEvents {
                dialog_id: id.as_str().into(),
                conversation_id: Some(id.as_str().into()),
                from_seq: Some(0),
                extra: Map::new(),
            },
        ))
        .await?;
        self.ok(UmsRequest::SubscribeExConversations(
            SubscribeExConversations {
                conv_state: Some(vec![ConvState::Open, ConvState::Close]),
                ..SubscribeExConversations::default()
            },
        ))
        .await?;
        self.conversation_id = Some(id.clone());
        Ok(id)
    }

    fn conversation(&self) -> Result<String, SimError> {
        self.conversation_id
            .clone()
            .ok_or_else(|| SimError::Client("open a conversation first".into()))
    }

    /// Publishes an event in the MAIN dialog; returns its sequence.
    ///
    /// # Errors
    /// [`SimError::Unexpected`] when the emulator refuses.
    pub async fn publish(&mut self, event: Event) -> Result<i64, SimError> {
        let conversation = self.conversation()?;
        let response = self
            .ok(UmsRequest::PublishEvent(PublishEvent {
                dialog_id: conversation.as_str().into(),
                conversation_id: Some(conversation.as_str().into()),
                event,
                message_audience: None,
                extra: Map::new(),
            }))
            .await?;
        Ok(response
            .body
            .as_ref()
            .and_then(|b| b.get("sequence"))
            .and_then(Value::as_i64)
            .unwrap_or(0))
    }

    /// Sends a text message; returns its sequence.
    ///
    /// # Errors
    /// As [`ConsumerClient::publish`].
    pub async fn send_text(&mut self, text: &str) -> Result<i64, SimError> {
        self.publish(Event::text(text)).await
    }

    /// Closes the conversation as the consumer.
    ///
    /// # Errors
    /// [`SimError::Unexpected`] when the emulator refuses.
    pub async fn close_conversation(&mut self) -> Result<(), SimError> {
        let conversation = self.conversation()?;
        self.ok(UmsRequest::UpdateConversationField(
            UpdateConversationField {
                conversation_id: conversation.as_str().into(),
                conversation_field: OneOrMany::Many(vec![ConversationField::ConversationState(
                    ConversationStateChange {
                        conversation_state: ConvState::Close,
                        extra: Map::new(),
                    },
                )]),
                dialog_id: None,
                extra: Map::new(),
            },
        ))
        .await
        .map(|_| ())
    }

    /// The next notification (buffered first), waiting up to `timeout`.
    ///
    /// # Errors
    /// [`SimError::Client`] on a timeout or a closed socket.
    pub async fn next_notification(&mut self, timeout: Duration) -> Result<Notification, SimError> {
        if let Some(n) = self.buffered.pop_front() {
            return Ok(n);
        }
        loop {
            if let Frame::Notification(n) = self.read_frame(timeout).await? {
                return Ok(n);
            }
        }
    }

    /// The next message event sent by someone other than the consumer.
    ///
    /// # Errors
    /// [`SimError::Client`] on a timeout or a closed socket.
    pub async fn next_agent_event(&mut self, timeout: Duration) -> Result<EventRecord, SimError> {
        loop {
            let n = self.next_notification(timeout).await?;
            // The consumer's own messages come back too: skipped undecoded.
            if only_consumer_records(&n) {
                continue;
            }
            if let Ok(UmsNotification::MessagingEvent(events)) = UmsNotification::decode(&n)
                && let Some(record) = events.changes.into_iter().find(|r| {
                    r.originator_metadata
                        .as_ref()
                        .is_some_and(|m| m.role != Role::Consumer)
                })
            {
                return Ok(record);
            }
        }
    }

    /// The text of the next text message from an agent or bot, skipping
    /// receipts and typing events.
    ///
    /// # Errors
    /// [`SimError::Client`] on a timeout or a closed socket.
    pub async fn next_agent_text(&mut self, timeout: Duration) -> Result<String, SimError> {
        loop {
            let record = self.next_agent_event(timeout).await?;
            if let Some(text) = record.event.as_text() {
                return Ok(text.to_owned());
            }
        }
    }
}

/// Whether a notification carries message records and every one of them is
/// the consumer's own (read from the undecoded body).
fn only_consumer_records(n: &Notification) -> bool {
    n.body
        .as_ref()
        .and_then(|b| b.get("changes"))
        .and_then(Value::as_array)
        .is_some_and(|changes| {
            !changes.is_empty()
                && changes.iter().all(|c| {
                    c.get("originatorMetadata")
                        .and_then(|m| m.get("role"))
                        .and_then(Value::as_str)
                        == Some("CONSUMER")
                })
        })
}

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct HttpReply {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl HttpReply {
    /// The body as JSON (`Null` when it is not JSON).
    #[must_use]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The first header with this (lower-case) name.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn dechunk(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(pos) = rest.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&rest[..pos]).trim(), 16).unwrap_or(0);
        let start = pos + 2;
        if size == 0 || start + size > rest.len() {
            break;
        }
        out.extend_from_slice(&rest[start..start + size]);
        rest = rest.get(start + size + 2..).unwrap_or(&[]);
    }
    out
}

/// Sends one HTTP/1.1 request on `stream` and reads the answer to the end.
///
/// # Errors
/// [`SimError::Client`] on I/O errors or an answer that is not HTTP.
pub async fn http_over<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    method: &str,
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<HttpReply, SimError> {
    let io = |e: std::io::Error| SimError::Client(e.to_string());
    let body = body.unwrap_or("");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        && !body.is_empty()
    {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.map_err(io)?;
    stream.write_all(body.as_bytes()).await.map_err(io)?;
    stream.flush().await.map_err(io)?;
    let mut raw = Vec::new();
    // A TLS peer may end without close_notify; what was read is kept.
    if let Err(e) = stream.read_to_end(&mut raw).await
        && raw.is_empty()
    {
        return Err(io(e));
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| SimError::Client("answer is not HTTP".into()))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| SimError::Client("answer has no status line".into()))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut payload = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        payload = dechunk(&payload);
    }
    Ok(HttpReply {
        status,
        headers,
        body: String::from_utf8_lossy(&payload).into_owned(),
    })
}

/// Sends one request to an `http://host:port/path` URL.
///
/// # Errors
/// [`SimError::Client`] for a URL that is not plain `http://`, or on I/O errors.
pub async fn http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<HttpReply, SimError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| SimError::Client(format!("only http:// URLs are supported here: {url}")))?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let stream = TcpStream::connect(host)
        .await
        .map_err(|e| SimError::Client(e.to_string()))?;
    http_over(stream, method, host, &path, headers, body).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_the_consumers_own_records_are_skipped_undecoded() {
        let with_roles = |roles: &[&str]| {
            let changes: Vec<Value> = roles
                .iter()
                .map(|r| json!({"sequence": 1, "originatorMetadata": {"id": "x", "role": r}}))
                .collect();
            Notification::new(
                ".ams.ms.MessagingEventNotification",
                json!({"changes": changes}),
            )
        };
        assert!(only_consumer_records(&with_roles(&["CONSUMER"])));
        assert!(only_consumer_records(&with_roles(&[
            "CONSUMER", "CONSUMER"
        ])));
        assert!(!only_consumer_records(&with_roles(&[
            "CONSUMER",
            "ASSIGNED_AGENT"
        ])));
        assert!(!only_consumer_records(&with_roles(&["ASSIGNED_AGENT"])));
        assert!(!only_consumer_records(&with_roles(&[])));
        assert!(!only_consumer_records(&Notification::new(
            ".ams.cqm.ExConversationChangeNotification",
            json!({"changes": [{"type": "UPSERT"}]})
        )));
    }
}
