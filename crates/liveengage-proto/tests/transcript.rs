//! Every frame that node-agent-sdk 1.2.0 sent or received in the recorded
//! echo conversation decodes into the typed model and encodes back to the
//! same JSON.

use liveengage_proto::login::CsrfBody;
use liveengage_proto::login::LoginRequest;
use liveengage_proto::{Frame, UmsNotification, UmsRequest};
use serde_json::Value;

const TRANSCRIPT: &str = include_str!("data/node-agent-sdk-1.2.0-transcript.jsonl");

fn lines() -> Vec<Value> {
    TRANSCRIPT
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("transcript line is JSON"))
        .collect()
}

fn strip_recording_keys(mut line: Value) -> Value {
    let map = line.as_object_mut().expect("object");
    map.remove("t");
    map.remove("dir");
    line
}

#[test]
fn every_ws_frame_round_trips() {
    let mut frames = 0;
    for line in lines() {
        if line.get("kind").is_none() {
            continue;
        }
        let wire = strip_recording_keys(line);
        let text = serde_json::to_string(&wire).unwrap();
        let frame = Frame::decode(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let back: Value = serde_json::from_str(&frame.encode()).unwrap();
        assert_eq!(back, wire, "round trip changed the frame");
        frames += 1;
    }
    assert_eq!(frames, 34, "the transcript has 34 UMS frames");
}

#[test]
fn every_request_has_a_typed_body_that_round_trips() {
    for line in lines() {
        if line.get("kind").and_then(Value::as_str) != Some("req") {
            continue;
        }
        let wire = strip_recording_keys(line);
        let Frame::Req(req) = Frame::decode(&wire.to_string()).unwrap() else {
            panic!("not a request")
        };
        let typed = UmsRequest::decode(&req).unwrap();
        assert!(
            !matches!(typed, UmsRequest::Other { .. }),
            "{} is not modelled",
            req.type_name
        );
        assert_eq!(
            typed.body(),
            req.body,
            "typed body of {} differs",
            req.type_name
        );
        assert_eq!(
            typed.type_name(liveengage_proto::Side::Agent),
            req.type_name
        );
    }
}

#[test]
fn every_notification_has_a_typed_body_that_round_trips() {
    let mut seen = Vec::new();
    for line in lines() {
        if line.get("kind").and_then(Value::as_str) != Some("notification") {
            continue;
        }
        let wire = strip_recording_keys(line);
        let Frame::Notification(n) = Frame::decode(&wire.to_string()).unwrap() else {
            panic!("not a notification")
        };
        let typed = UmsNotification::decode(&n).unwrap();
        let body = match &typed {
            UmsNotification::RoutingTask(b) => serde_json::to_value(b),
            UmsNotification::ExConversationChange(b) => serde_json::to_value(b),
            UmsNotification::OnlineEventDistribution(b) => serde_json::to_value(b),
            other => panic!("unexpected notification {other:?}"),
        }
        .unwrap();
        assert_eq!(Some(body), n.body, "typed body of {} differs", n.type_name);
        seen.push(n.type_name);
    }
    assert!(
        seen.iter()
            .any(|t| t == ".ams.routing.RoutingTaskNotification")
    );
    assert!(
        seen.iter()
            .any(|t| t == ".ams.aam.ExConversationChangeNotification")
    );
    assert!(seen.iter().any(|t| t == ".ams.ms.OnlineEventDistribution"));
}

#[test]
fn the_ring_and_the_close_have_the_documented_content() {
    let all = lines();
    let ring = all
        .iter()
        .filter(|l| {
            l.get("type").and_then(Value::as_str) == Some(".ams.routing.RoutingTaskNotification")
        })
        .map(|l| strip_recording_keys(l.clone()))
        .find(|l| {
            l["body"]["changes"]
                .as_array()
                .is_some_and(|c| !c.is_empty())
        })
        .unwrap();
    let Frame::Notification(n) = Frame::decode(&ring.to_string()).unwrap() else {
        panic!()
    };
    let UmsNotification::RoutingTask(body) = UmsNotification::decode(&n).unwrap() else {
        panic!()
    };
    let task = body.changes[0].result.as_ref().unwrap();
    assert_eq!(
        task.conversation_id.as_str(),
        "f3e95eb6-d055-4fc1-a89d-cebd974f005a"
    );
    assert_eq!(
        task.rings_details[0].ring_state,
        liveengage_proto::enums::RingState::Waiting
    );

    let close = all
        .iter()
        .find(|l| l.get("type").and_then(Value::as_str) == Some(".ams.cm.UpdateConversationField"))
        .map(|l| strip_recording_keys(l.clone()))
        .unwrap();
    let Frame::Req(req) = Frame::decode(&close.to_string()).unwrap() else {
        panic!()
    };
    let UmsRequest::UpdateConversationField(update) = UmsRequest::decode(&req).unwrap() else {
        panic!()
    };
    assert!(matches!(
        update.conversation_field.as_slice(),
        [liveengage_proto::ConversationField::ConversationState(c)]
            if c.conversation_state == liveengage_proto::enums::ConvState::Close
    ));
}

#[test]
fn http_bodies_decode() {
    let all = lines();
    let login = all
        .iter()
        .find(|l| l["url"].as_str().is_some_and(|u| u.contains("/login")))
        .unwrap();
    let parsed: LoginRequest = serde_json::from_value(login["body"].clone()).unwrap();
    match &parsed {
        LoginRequest::UserPassword { username, password } => {
            assert_eq!(username, "echo-bot");
            assert_eq!(password.expose(), "secret");
        }
        other => panic!("wrong login form {other:?}"),
    }
    assert!(
        !format!("{parsed:?}").contains("secret"),
        "Debug must hide the password"
    );
    assert_eq!(serde_json::to_value(&parsed).unwrap(), login["body"]);

    let refresh = all
        .iter()
        .find(|l| l["url"].as_str().is_some_and(|u| u.contains("/refresh")))
        .unwrap();
    let body: CsrfBody = serde_json::from_value(refresh["body"].clone()).unwrap();
    assert_eq!(body.csrf.expose().len(), 64);
}
