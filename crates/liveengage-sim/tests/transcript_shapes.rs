//! The emulator's frames have (at least) every field of the frames that
//! LivePerson's node-agent-sdk 1.2.0 received in the recorded echo
//! conversation, and the same response types.
//!
//! The recording lives in liveengage-proto's test data; the same flow is
//! replayed here against the emulator.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use liveengage_sim::Sim;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const TRANSCRIPT: &str =
    include_str!("../../liveengage-proto/tests/data/node-agent-sdk-1.2.0-transcript.jsonl");

/// Every key path of a JSON value; array items share the path `[]`.
fn paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = format!("{prefix}.{key}");
                out.insert(path.clone());
                paths(child, &path, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// What a server frame is, independent of ids and times.
fn signature(frame: &Value, request_types: &HashMap<String, (String, String)>) -> String {
    let body = &frame["body"];
    match frame["kind"].as_str() {
        Some("resp") => {
            let (req_type, event) = request_types
                .get(frame["reqId"].as_str().unwrap_or(""))
                .cloned()
                .unwrap_or_default();
            format!("resp {req_type} {event}")
        }
        Some("notification") => {
            let t = frame["type"].as_str().unwrap_or("");
            let detail = if t.ends_with("OnlineEventDistribution") {
                format!(
                    "{} {}",
                    body["event"]["type"].as_str().unwrap_or(""),
                    body["originatorMetadata"]["role"].as_str().unwrap_or("")
                )
            } else {
                body["changes"][0]["type"]
                    .as_str()
                    .unwrap_or("none")
                    .to_owned()
            };
            format!("notification {t} {detail}")
        }
        _ => String::new(),
    }
}

struct Capture {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    frames: Vec<Value>,
    requests: HashMap<String, (String, String)>,
    next: u32,
}

impl Capture {
    async fn read_one(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            if let Message::Text(text) = message {
                let frame: Value = serde_json::from_str(text.as_str()).unwrap();
                self.frames.push(frame.clone());
                return frame;
            }
        }
    }

    async fn request(&mut self, type_name: &str, body: Value) -> Value {
        self.next += 1;
        let id = format!("r{}", self.next);
        let event = body["event"]["type"].as_str().unwrap_or("").to_owned();
        self.requests
            .insert(id.clone(), (type_name.to_owned(), event));
        let frame = json!({"kind":"req","id": id,"type": type_name,"body": body});
        self.ws
            .send(Message::Text(frame.to_string().into()))
            .await
            .unwrap();
        loop {
            let frame = self.read_one().await;
            if frame["reqId"] == id.as_str() {
                return frame;
            }
        }
    }

    async fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(found) = self.frames.iter().find(|f| pred(f)) {
            return found.clone();
        }
        loop {
            let frame = self.read_one().await;
            if pred(&frame) {
                return frame;
            }
        }
    }
}

#[tokio::test]
async fn emulator_frames_cover_the_recorded_node_agent_sdk_frames() {
    // The recording: server frames by signature, requests by id.
    let lines: Vec<Value> = TRANSCRIPT
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let recorded_requests: HashMap<String, (String, String)> = lines
        .iter()
        .filter(|l| l["dir"] == "IN" && l["kind"] == "req")
        .map(|l| {
            let event = l["body"]["event"]["type"].as_str().unwrap_or("").to_owned();
            (
                l["id"].as_str().unwrap().to_owned(),
                (l["type"].as_str().unwrap().to_owned(), event),
            )
        })
        .collect();
    let recorded: Vec<&Value> = lines.iter().filter(|l| l["dir"] == "OUT").collect();

    // The same flow against the emulator.
    let sim = Sim::builder().start().await.unwrap();
    let bearer = sim.issue_token("echo-bot").unwrap();
    let (ws, _) = tokio_tungstenite::connect_async(sim.agent_ws_url(bearer.expose()))
        .await
        .unwrap();
    let mut bot = Capture {
        ws,
        frames: Vec::new(),
        requests: HashMap::new(),
        next: 0,
    };
    let me = "12345678.1234567890";
    bot.request(
        ".ams.routing.SetAgentState",
        json!({"availability":"ONLINE","channels":["MESSAGING"],"agentUserId": me}),
    )
    .await;
    bot.request(
        ".ams.aam.SubscribeExConversations",
        json!({"agentIds":[me],"convState":["OPEN"]}),
    )
    .await;
    bot.request(
        ".ams.routing.SubscribeRoutingTasks",
        json!({"channelType":"MESSAGING","agentId": me,"brandId":"12345678"}),
    )
    .await;
    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    let ring = bot
        .until(|f| {
            f["type"] == ".ams.routing.RoutingTaskNotification"
                && f["body"]["changes"]
                    .as_array()
                    .is_some_and(|c| !c.is_empty())
        })
        .await;
    let ring_id = ring["body"]["changes"][0]["result"]["ringsDetails"][0]["ringId"]
        .as_str()
        .unwrap()
        .to_owned();
    bot.request(
        ".ams.routing.UpdateRingState",
        json!({"ringId": ring_id,"ringState":"ACCEPTED"}),
    )
    .await;
    bot.until(|f| f["body"]["changes"][0]["type"] == "UPSERT")
        .await;
    bot.request(
        ".ams.ms.QueryMessages",
        json!({"dialogId": conv,"fromSeq":0,"newerThanSequence":0}),
    )
    .await;
    consumer.send_text("hello emulator").await.unwrap();
    bot.until(|f| f["body"]["originatorMetadata"]["role"] == "CONSUMER")
        .await;
    bot.request(".ams.ms.PublishEvent", json!({"dialogId": conv,"event":{"type":"AcceptStatusEvent","status":"READ","sequenceList":[0]}})).await;
    bot.request(
        ".ams.ms.PublishEvent",
        json!({"dialogId": conv,"event":{"type":"ChatStateEvent","chatState":"COMPOSING"}}),
    )
    .await;
    bot.request(".ams.ms.PublishEvent", json!({"dialogId": conv,"event":{"type":"ContentEvent","contentType":"text/plain","message":"echo : hello emulator"}})).await;
    bot.request(
        ".ams.ms.PublishEvent",
        json!({"dialogId": conv,"event":{"type":"ChatStateEvent","chatState":"ACTIVE"}}),
    )
    .await;
    bot.request(".ams.cm.UpdateConversationField", json!({"conversationId": conv,"conversationField":[{"field":"ConversationStateField","conversationState":"CLOSE"}]})).await;
    bot.until(|f| f["body"]["changes"][0]["type"] == "DELETE")
        .await;
    // Let trailing echoes arrive.
    bot.until(|f| {
        f["type"] == ".ams.ms.OnlineEventDistribution"
            && f["body"]["event"]["chatState"] == "ACTIVE"
    })
    .await;

    let mut by_signature: HashMap<String, Vec<&Value>> = HashMap::new();
    for frame in &bot.frames {
        by_signature
            .entry(signature(frame, &bot.requests))
            .or_default()
            .push(frame);
    }
    let mut compared = 0;
    for recorded_frame in recorded {
        let mut wire = recorded_frame.clone();
        let map = wire.as_object_mut().unwrap();
        map.remove("t");
        map.remove("dir");
        let sig = signature(&wire, &recorded_requests);
        let candidates = by_signature
            .get(&sig)
            .unwrap_or_else(|| panic!("the emulator sent nothing like `{sig}`"));
        let mut want = BTreeSet::new();
        paths(&wire, "", &mut want);
        let best = candidates
            .iter()
            .map(|c| {
                let mut have = BTreeSet::new();
                paths(c, "", &mut have);
                want.difference(&have).cloned().collect::<Vec<_>>()
            })
            .min_by_key(Vec::len)
            .unwrap();
        assert!(best.is_empty(), "`{sig}` lacks {best:?}");
        if wire["kind"] == "resp" {
            assert!(
                candidates
                    .iter()
                    .any(|c| c["type"] == wire["type"] && c["code"] == wire["code"]),
                "`{sig}`: expected type {} code {}",
                wire["type"],
                wire["code"]
            );
        }
        compared += 1;
    }
    assert_eq!(compared, 23, "every recorded server frame was compared");
}
