//! Each fault-injection switch, from the Rust API and from the admin endpoint.

mod common;

use std::time::Duration;

use common::{Agent, Ended, bot_with_conversation};
use liveengage_proto::Frame;
use liveengage_sim::client::http;
use liveengage_sim::{MALFORMED_FRAME, Sim};
use serde_json::json;

#[tokio::test]
async fn dropped_sockets_end_without_a_close_frame() {
    let sim = Sim::builder().start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    assert_eq!(bot.request(".GetClock", json!({})).await.code, 200);
    assert_eq!(sim.faults().drop_sockets(), 1);
    assert_eq!(bot.ended().await, Ended::Dropped);
    // The bot can reconnect with the same token.
    let mut again = Agent::connect(&sim, "echo-bot").await;
    assert_eq!(again.request(".GetClock", json!({})).await.code, 200);
}

#[tokio::test]
async fn close_with_4401_and_expired_tokens() {
    let sim = Sim::builder().start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    assert_eq!(bot.request(".GetClock", json!({})).await.code, 200);
    sim.faults().close_sockets(4401);
    assert_eq!(bot.ended().await, Ended::Closed(4401));

    let token = sim.issue_token("echo-bot").unwrap();
    let mut bot = Agent::connect_with(&sim, "echo-bot", token.expose()).await;
    assert_eq!(sim.faults().expire_tokens(), 1);
    assert_eq!(bot.ended().await, Ended::Closed(4401));
    match tokio_tungstenite::connect_async(sim.agent_ws_url(token.expose())).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!("expected 401 on upgrade, got {other:?}"),
    }
}

#[tokio::test]
async fn delayed_responses_arrive_late_but_intact() {
    let sim = Sim::builder().start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    sim.faults().delay_responses(Duration::from_millis(400));
    bot.ws
        .send_text(r#"{"kind":"req","id":"late","type":".GetClock","body":{}}"#)
        .await;
    // Nothing can arrive before the delay has passed.
    let early = tokio::time::timeout(Duration::from_millis(50), bot.ws.next()).await;
    assert!(early.is_err(), "an answer came before the injected delay");
    let frame = tokio::time::timeout(common::WAIT, bot.ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let Frame::Resp(resp) = Frame::decode(frame.to_text().unwrap()).unwrap() else {
        panic!("not a response")
    };
    assert_eq!((resp.req_id.to_string().as_str(), resp.code), ("late", 200));
    sim.faults().delay_responses(Duration::ZERO);
    assert_eq!(bot.request(".GetClock", json!({})).await.code, 200);
}

#[tokio::test]
async fn a_request_type_can_be_answered_with_an_error_code() {
    let sim = Sim::builder().start().await.unwrap();
    let (mut bot, mut consumer, conv) = bot_with_conversation(&sim).await;

    // Either spelling of the type name selects the same requests.
    sim.faults().fail_requests("ms.PublishEvent", 503, Some(1));
    let failed = bot
        .publish(
            &conv,
            json!({"type":"ContentEvent","contentType":"text/plain","message":"first try"}),
        )
        .await;
    assert_eq!(failed.code, 503);
    assert_eq!(
        bot.say(&conv, "second try").await,
        0,
        "the failed publish took no sequence"
    );
    assert_eq!(
        consumer.next_agent_text(common::WAIT).await.unwrap(),
        "second try"
    );

    sim.faults().fail_requests(".GetClock", 500, None);
    assert_eq!(bot.request(".GetClock", json!({})).await.code, 500);
    assert_eq!(bot.request(".GetClock", json!({})).await.code, 500);
    sim.faults().clear();
    assert_eq!(bot.request(".GetClock", json!({})).await.code, 200);
}

#[tokio::test]
async fn malformed_frames_reach_the_client_and_the_socket_survives() {
    let sim = Sim::builder().start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    assert_eq!(sim.faults().send_malformed_frame(), 1);
    assert_eq!(bot.request(".GetClock", json!({})).await.code, 200);
    assert_eq!(bot.garbage, vec![MALFORMED_FRAME.to_owned()]);
    assert!(Frame::decode(MALFORMED_FRAME).is_err());
}

#[tokio::test]
async fn logins_can_be_made_to_fail() {
    let sim = Sim::builder().start().await.unwrap();
    let url = format!("{}/api/account/12345678/login?v=1.3", sim.base_url());
    let body = r#"{"username":"echo-bot","password":"secret"}"#;
    sim.faults().fail_logins(500, Some(1));
    let failed = http("POST", &url, &[], Some(body)).await.unwrap();
    assert_eq!(failed.status, 500);
    assert!(
        failed.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("injected")
    );
    assert_eq!(
        http("POST", &url, &[], Some(body)).await.unwrap().status,
        200
    );
}

#[tokio::test]
async fn the_admin_endpoint_drives_the_same_switches_and_shows_transcripts() {
    let sim = Sim::builder().start().await.unwrap();
    let admin = format!("{}/sim/admin/faults", sim.base_url());
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    bot.start().await;
    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    consumer.send_text("hi").await.unwrap();

    let reply = http("POST", &admin, &[], Some(r#"{"action":"fail_requests","type_name":".ams.routing.UpdateRingState","code":429,"times":1}"#))
        .await
        .unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    let (ring, _) = bot.next_ring().await;
    let throttled = bot
        .request(
            ".ams.routing.UpdateRingState",
            json!({"ringId": ring, "ringState":"ACCEPTED"}),
        )
        .await;
    assert_eq!(throttled.code, 429);
    bot.accept(&ring).await;

    let transcripts = http(
        "GET",
        &format!("{}/sim/admin/transcripts/{conv}", sim.base_url()),
        &[],
        None,
    )
    .await
    .unwrap();
    let transcript = transcripts.json();
    assert_eq!(transcript["id"], conv.as_str());
    assert!(
        transcript["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "message" && e["event"]["message"] == "hi")
    );
    assert_eq!(
        http(
            "GET",
            &format!("{}/sim/admin/transcripts", sim.base_url()),
            &[],
            None
        )
        .await
        .unwrap()
        .json()
        .as_array()
        .unwrap()
        .len(),
        1
    );

    let reply = http(
        "POST",
        &admin,
        &[],
        Some(r#"{"action":"close_sockets","code":4401,"sockets":"all"}"#),
    )
    .await
    .unwrap();
    assert_eq!(reply.json()["sockets"], 2);
    assert_eq!(bot.ended().await, Ended::Closed(4401));
    let bad = http(
        "POST",
        &admin,
        &[],
        Some(r#"{"action":"unplug_the_datacenter"}"#),
    )
    .await
    .unwrap();
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unplug_the_datacenter")
    );
}
