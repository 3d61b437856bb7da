//! Garbage on the sockets and the REST API gets error answers; the emulator
//! and the socket stay usable.

mod common;

use common::Agent;
use liveengage_sim::Sim;
use liveengage_sim::client::http;
use serde_json::json;

const TYPES: &[&str] = &[
    ".ams.routing.SetAgentState",
    ".ams.routing.SubscribeRoutingTasks",
    ".ams.routing.SubscribeAgentsState",
    ".ams.routing.UpdateRingState",
    ".ams.aam.SubscribeExConversations",
    ".ams.aam.UnsubscribeExConversations",
    ".ams.cm.AgentRequestConversation",
    ".ams.cm.UpdateConversationField",
    ".ams.ms.PublishEvent",
    ".ams.ms.QueryMessages",
    ".ams.userprofile.GetUserProfile",
    "cm.ConsumerRequestConversation",
    "ms.SubscribeMessagingEvents",
];

/// A small deterministic generator, so failures replay.
fn garbage(seed: &mut u64) -> String {
    let alphabet = br#"{}[]":,0123456789abcdefkindreqtypebody .-\"#;
    let len = (*seed % 80) as usize;
    (0..len)
        .map(|_| {
            *seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            alphabet[((*seed >> 33) as usize) % alphabet.len()] as char
        })
        .collect()
}

#[tokio::test]
async fn wrong_bodies_for_every_request_type_get_4xx_answers() {
    let sim = Sim::builder().start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    // Types whose bodies have required fields: a wrong object is refused too.
    let strict = [
        ".ams.routing.SetAgentState",
        ".ams.routing.UpdateRingState",
        ".ams.cm.AgentRequestConversation",
        ".ams.cm.UpdateConversationField",
        ".ams.ms.PublishEvent",
        ".ams.ms.QueryMessages",
        "cm.ConsumerRequestConversation",
        "ms.SubscribeMessagingEvents",
    ];
    for type_name in TYPES {
        for body in [json!(42), json!([1, 2]), json!("text")] {
            let resp = bot.request(type_name, body.clone()).await;
            if *type_name == ".ams.userprofile.GetUserProfile" && body.is_string() {
                assert_eq!(
                    resp.code, 200,
                    "a bare string is GetUserProfile's documented body"
                );
            } else {
                assert!(
                    (400..500).contains(&resp.code),
                    "{type_name} {body}: {resp:?}"
                );
            }
        }
        let wrong = json!({"dialogId": 5, "ringId": [], "conversationId": {}, "availability": 1});
        let resp = bot.request(type_name, wrong).await;
        if strict.contains(type_name) {
            assert!((400..500).contains(&resp.code), "{type_name}: {resp:?}");
        } else {
            assert!(resp.code < 500, "{type_name}: {resp:?}");
        }
    }
    let mut seed = 7;
    for _ in 0..200 {
        let text = garbage(&mut seed);
        let resp = bot.send_raw(&text).await;
        assert_eq!(resp.code, 400, "{text:?}");
    }
    assert_eq!(bot.request(".GetClock", json!({})).await.code, 200);
}

#[tokio::test]
async fn malformed_rest_bodies_get_error_objects() {
    let sim = Sim::builder().start().await.unwrap();
    let base = sim.base_url();
    let bearer = sim.issue_token("echo-bot").unwrap();
    let auth = format!("Bearer {}", bearer.expose());
    let cases = [
        (
            "POST",
            format!("{base}/api/account/12345678/login"),
            "{\"username\":",
        ),
        ("POST", format!("{base}/api/account/12345678/login"), "[]"),
        (
            "POST",
            format!("{base}/api/account/12345678/refresh"),
            "not json",
        ),
        ("POST", format!("{base}/api/account/12345678/logout"), "{}"),
        ("POST", format!("{base}/sim/admin/faults"), "{\"action\":7}"),
        (
            "POST",
            format!("{base}/sim/account/12345678/chats/none/lines"),
            "{\"text\":\"x\"}",
        ),
        (
            "GET",
            format!("{base}/api/account/99/service/baseURI.json"),
            "",
        ),
        ("GET", format!("{base}/no/such/path"), ""),
    ];
    for (method, url, body) in cases {
        let reply = http(
            method,
            &url,
            &[("Authorization", &auth)],
            (!body.is_empty()).then_some(body),
        )
        .await
        .unwrap();
        assert!(
            (400..500).contains(&reply.status),
            "{method} {url}: {}",
            reply.status
        );
        assert!(
            reply.json()["error"]["message"].is_string(),
            "{method} {url}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn a_consumer_cannot_read_or_write_another_consumers_conversation() {
    use liveengage_proto::UmsRequest;
    use liveengage_proto::requests::{PublishEvent, SubscribeMessagingEvents};

    let sim = Sim::builder().start().await.unwrap();
    let mut alice = sim.consumer().await.unwrap();
    let conv = alice.open_conversation(None).await.unwrap();
    alice.send_text("private").await.unwrap();
    let mut mallory = sim.consumer().await.unwrap();
    let read = mallory
        .request(UmsRequest::SubscribeMessagingEvents(
            SubscribeMessagingEvents {
                dialog_id: conv.as_str().into(),
                conversation_id: None,
                from_seq: Some(0),
                extra: Default::default(),
            },
        ))
        .await
        .unwrap();
    assert_eq!(read.code, 403);
    let write = mallory
        .request(UmsRequest::PublishEvent(PublishEvent {
            dialog_id: conv.as_str().into(),
            conversation_id: None,
            event: liveengage_proto::Event::text("injected"),
            message_audience: None,
            extra: Default::default(),
        }))
        .await
        .unwrap();
    assert_eq!(write.code, 400);
    assert_eq!(sim.transcript(&conv).unwrap().texts().len(), 1);
}
