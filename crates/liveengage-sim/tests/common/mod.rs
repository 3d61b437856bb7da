//! A raw agent WebSocket client for the integration tests: it speaks the
//! frames by hand (through `liveengage-proto`), like a connector would.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use liveengage_proto::{Frame, Notification, Response, UmsNotification};
use liveengage_sim::{ConsumerClient, SimHandle};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const WAIT: Duration = Duration::from_secs(10);

/// The echo bot started on `sim`, holding the new conversation of a new
/// consumer: (bot, consumer, conversation id).
pub async fn bot_with_conversation(sim: &SimHandle) -> (Agent, ConsumerClient, String) {
    let mut bot = Agent::connect(sim, "echo-bot").await;
    bot.start().await;
    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    bot.take_next().await;
    (bot, consumer, conv)
}

/// The agent's raw socket.
pub struct Socket(pub WebSocketStream<MaybeTlsStream<TcpStream>>);

impl Socket {
    pub async fn send_text(&mut self, text: &str) {
        self.0.send(Message::Text(text.into())).await.unwrap();
    }

    pub async fn next(&mut self) -> Option<Result<Message, tokio_tungstenite::tungstenite::Error>> {
        self.0.next().await
    }
}

/// How a socket ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// A close frame with this code.
    Closed(u16),
    /// No close frame (dropped).
    Dropped,
}

pub struct Agent {
    pub ws: Socket,
    pub login: String,
    pub legacy_id: String,
    next: u64,
    pub buffered: VecDeque<Notification>,
    /// Text frames that did not decode (malformed-frame fault).
    pub garbage: Vec<String>,
}

impl Agent {
    pub async fn connect(sim: &SimHandle, login: &str) -> Agent {
        let bearer = sim.issue_token(login).unwrap();
        Self::connect_with(sim, login, bearer.expose()).await
    }

    pub async fn connect_with(sim: &SimHandle, login: &str, bearer: &str) -> Agent {
        let (ws, _) = tokio_tungstenite::connect_async(sim.agent_ws_url(bearer))
            .await
            .unwrap();
        let user = sim
            .config()
            .users
            .into_iter()
            .find(|u| u.login == login)
            .unwrap();
        Agent {
            ws: Socket(ws),
            login: login.into(),
            legacy_id: format!("{}.{}", sim.account_id(), user.user_id),
            next: 1,
            buffered: VecDeque::new(),
            garbage: Vec::new(),
        }
    }

    async fn read(&mut self) -> Frame {
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("timed out reading a frame");
            match message {
                Some(Ok(Message::Text(text))) => match Frame::decode(text.as_str()) {
                    Ok(frame) => return frame,
                    Err(_) => self.garbage.push(text.as_str().to_owned()),
                },
                Some(Ok(Message::Close(frame))) => panic!("socket closed: {frame:?}"),
                Some(Ok(_)) => {}
                other => panic!("socket ended: {other:?}"),
            }
        }
    }

    /// Sends raw text and returns the next response (notifications are buffered).
    pub async fn send_raw(&mut self, text: &str) -> Response {
        self.ws.send_text(text).await;
        loop {
            match self.read().await {
                Frame::Resp(resp) => return resp,
                Frame::Notification(n) => self.buffered.push_back(n),
                Frame::Req(_) => panic!("the server sent a request"),
            }
        }
    }

    pub async fn request(&mut self, type_name: &str, body: Value) -> Response {
        let id = format!("req-{}", self.next);
        self.next += 1;
        let frame = json!({"kind":"req","id": id,"type": type_name,"body": body});
        let resp = self.send_raw(&frame.to_string()).await;
        assert_eq!(resp.req_id.to_string(), id, "answer to another request");
        resp
    }

    /// The next notification whose type ends with `suffix` and that passes `pred`;
    /// others are dropped.
    pub async fn wait_for(&mut self, suffix: &str, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let n = match self.buffered.pop_front() {
                Some(n) => n,
                None => match self.read().await {
                    Frame::Notification(n) => n,
                    _ => continue,
                },
            };
            if n.type_name.ends_with(suffix) {
                // Every notification must decode into the typed model.
                UmsNotification::decode(&n).expect("notification decodes");
                let body = n.body.clone().unwrap_or(Value::Null);
                if pred(&body) {
                    return body;
                }
            }
        }
    }

    /// The bot start-up of node-agent-sdk's examples.
    pub async fn start(&mut self) {
        let resp = self
            .request(".ams.routing.SetAgentState", json!({"availability":"ONLINE","channels":["MESSAGING"],"agentUserId": self.legacy_id}))
            .await;
        assert_eq!(resp.code, 202);
        let resp = self
            .request(
                ".ams.aam.SubscribeExConversations",
                json!({"agentIds":[self.legacy_id],"convState":["OPEN"]}),
            )
            .await;
        assert_eq!(resp.code, 200);
        let resp = self
            .request(
                ".ams.routing.SubscribeRoutingTasks",
                json!({"channelType":"MESSAGING"}),
            )
            .await;
        assert_eq!(resp.code, 200);
    }

    /// Waits for a WAITING ring; returns (ring id, conversation id).
    pub async fn next_ring(&mut self) -> (String, String) {
        let body = self
            .wait_for("RoutingTaskNotification", |b| {
                b["changes"].as_array().is_some_and(|c| {
                    c.iter()
                        .any(|c| c["result"]["ringsDetails"][0]["ringState"] == "WAITING")
                })
            })
            .await;
        let change = body["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["result"]["ringsDetails"][0]["ringState"] == "WAITING")
            .unwrap();
        (
            change["result"]["ringsDetails"][0]["ringId"]
                .as_str()
                .unwrap()
                .to_owned(),
            change["result"]["conversationId"]
                .as_str()
                .unwrap()
                .to_owned(),
        )
    }

    pub async fn accept(&mut self, ring_id: &str) {
        let resp = self
            .request(
                ".ams.routing.UpdateRingState",
                json!({"ringId": ring_id, "ringState": "ACCEPTED"}),
            )
            .await;
        assert_eq!(resp.code, 202, "{resp:?}");
    }

    /// Rings and accepts the next conversation; returns its id.
    pub async fn take_next(&mut self) -> String {
        let (ring, conv) = self.next_ring().await;
        self.accept(&ring).await;
        self.wait_for("ExConversationChangeNotification", |b| {
            b["changes"].as_array().is_some_and(|c| {
                c.iter()
                    .any(|c| c["type"] == "UPSERT" && c["result"]["convId"] == conv.as_str())
            })
        })
        .await;
        conv
    }

    /// The next message event from the consumer.
    pub async fn next_consumer_event(&mut self) -> Value {
        self.wait_for("OnlineEventDistribution", |b| {
            b["originatorMetadata"]["role"] == "CONSUMER"
        })
        .await
    }

    pub async fn publish(&mut self, dialog: &str, event: Value) -> Response {
        self.request(
            ".ams.ms.PublishEvent",
            json!({"dialogId": dialog, "event": event}),
        )
        .await
    }

    pub async fn say(&mut self, dialog: &str, text: &str) -> i64 {
        let resp = self
            .publish(
                dialog,
                json!({"type":"ContentEvent","contentType":"text/plain","message": text}),
            )
            .await;
        assert_eq!(resp.code, 200, "{resp:?}");
        resp.body.unwrap()["sequence"].as_i64().unwrap()
    }

    pub async fn update(&mut self, conv: &str, fields: Value) -> Response {
        self.request(
            ".ams.cm.UpdateConversationField",
            json!({"conversationId": conv, "conversationField": fields}),
        )
        .await
    }

    /// Reads until the socket ends.
    pub async fn ended(&mut self) -> Ended {
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("socket did not end");
            match message {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return Ended::Closed(u16::from(frame.code));
                }
                Some(Ok(Message::Close(None))) => {
                    return Ended::Closed(u16::from(CloseCode::Status));
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Ended::Dropped,
            }
        }
    }
}
