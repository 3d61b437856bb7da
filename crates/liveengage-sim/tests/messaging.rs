//! Full messaging conversations through the emulator: a raw agent socket
//! (the bot) and the library's consumer client.

mod common;

use common::{Agent, WAIT, bot_with_conversation};
use liveengage_proto::enums::Role;
use liveengage_sim::{Entry, Sim};
use serde_json::{Value, json};

#[tokio::test]
async fn ring_accept_history_exchange_with_sequences_and_echoes() {
    let sim = Sim::builder().start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    bot.start().await;

    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    assert_eq!(consumer.send_text("hello emulator").await.unwrap(), 0);

    let (ring, ringing_conv) = bot.next_ring().await;
    assert_eq!(ringing_conv, conv);
    assert!(
        ring.starts_with(&format!("{conv}_12345678_")),
        "ring id format: {ring}"
    );
    bot.accept(&ring).await;
    let upsert = bot
        .wait_for("ExConversationChangeNotification", |b| {
            b["changes"][0]["type"] == "UPSERT"
        })
        .await;
    let details = &upsert["changes"][0]["result"]["conversationDetails"];
    assert_eq!(
        details["participants"]["ASSIGNED_AGENT"],
        json!(["12345678.1234567890"])
    );
    assert_eq!(
        details["participantsPId"]["ASSIGNED_AGENT"],
        json!(["a1b2c3d4-0000-4000-8000-00000000b07a"])
    );
    assert_eq!(
        details["participants"]["CONSUMER"],
        json!([consumer.consumer_id()])
    );
    assert_eq!(
        details["dialogs"][0]["participantsDetails"][1]["id"],
        "12345678.1234567890"
    );
    assert_eq!(details["skillId"], "1");

    // History: the message sent before the accept, sequence 0.
    let history = bot
        .request(
            ".ams.ms.QueryMessages",
            json!({"dialogId": conv, "fromSeq": 0, "newerThanSequence": 0}),
        )
        .await;
    assert_eq!(
        history.type_name.as_deref(),
        Some(".ams.ms.QueryMessages$Response")
    );
    let records = history.body.unwrap();
    assert_eq!(records[0]["event"]["message"], "hello emulator");
    assert_eq!(records[0]["sequence"], 0);
    assert_eq!(records[0]["originatorId"], consumer.consumer_id());

    consumer.send_text("how are you").await.unwrap();
    let event = bot.next_consumer_event().await;
    assert_eq!(event["event"]["message"], "how are you");
    assert_eq!(event["sequence"], 1);

    // Read receipt (sequenced), typing (not sequenced), reply, all echoed to the bot.
    let read = bot
        .publish(
            &conv,
            json!({"type":"AcceptStatusEvent","status":"READ","sequenceList":[1]}),
        )
        .await;
    assert_eq!(read.body.unwrap()["sequence"], 2);
    let typing = bot
        .publish(
            &conv,
            json!({"type":"ChatStateEvent","chatState":"COMPOSING"}),
        )
        .await;
    assert_eq!(typing.body.unwrap()["sequence"], 0);
    let echo = bot
        .wait_for("OnlineEventDistribution", |b| {
            b["event"]["type"] == "ChatStateEvent"
        })
        .await;
    assert!(
        echo.get("sequence").is_none(),
        "typing events carry no sequence: {echo}"
    );
    assert_eq!(echo["originatorId"], "12345678.1234567890");
    assert_eq!(
        echo["originatorPId"],
        "a1b2c3d4-0000-4000-8000-00000000b07a"
    );
    assert_eq!(bot.say(&conv, "echo : how are you").await, 3);
    let own = bot
        .wait_for("OnlineEventDistribution", |b| {
            b["event"]["type"] == "ContentEvent"
        })
        .await;
    assert_eq!(own["event"]["message"], "echo : how are you");

    assert_eq!(
        consumer.next_agent_text(WAIT).await.unwrap(),
        "echo : how are you"
    );

    let transcript = sim.transcript(&conv).unwrap();
    assert_eq!(
        transcript.texts(),
        vec![
            (Role::Consumer, "hello emulator".to_owned()),
            (Role::Consumer, "how are you".to_owned()),
            (Role::AssignedAgent, "echo : how are you".to_owned())
        ]
    );
    assert_eq!(transcript.sequences(), vec![0, 1, 2, 3]);
    assert!(transcript.has(|e| matches!(e, Entry::Accepted { agent } if agent == "echo-bot")));
}

#[tokio::test]
async fn transfer_to_skill_moves_the_conversation_to_the_new_queue() {
    let sim = Sim::builder().start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    bot.start().await;
    let mut human = Agent::connect(&sim, "agent").await;
    human.start().await;

    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    consumer.send_text("I want a human").await.unwrap();
    assert_eq!(bot.take_next().await, conv);

    let resp = bot
        .update(
            &conv,
            json!([
                {"field":"ParticipantsChange","type":"REMOVE","role":"ASSIGNED_AGENT"},
                {"field":"Skill","type":"UPDATE","skill":"2"}
            ]),
        )
        .await;
    assert_eq!(resp.code, 200, "{resp:?}");
    let gone = bot
        .wait_for("ExConversationChangeNotification", |b| {
            b["changes"][0]["type"] == "DELETE"
        })
        .await;
    assert_eq!(gone["changes"][0]["result"]["convId"], conv.as_str());

    // The human agent of skill 2 is rung, takes it, and reads the history.
    assert_eq!(human.take_next().await, conv);
    let history = human
        .request(
            ".ams.ms.QueryMessages",
            json!({"dialogId": conv, "fromSeq": 0}),
        )
        .await;
    assert_eq!(
        history.body.unwrap()[0]["event"]["message"],
        "I want a human"
    );

    // The bot is no longer a participant.
    let refused = bot
        .publish(
            &conv,
            json!({"type":"ContentEvent","contentType":"text/plain","message":"still here?"}),
        )
        .await;
    assert_eq!(refused.code, 400);
    let again = bot
        .update(
            &conv,
            json!([{"field":"ParticipantsChange","type":"REMOVE","role":"ASSIGNED_AGENT"}]),
        )
        .await;
    assert_eq!(again.code, 400);
    assert_eq!(again.body.unwrap(), "Agent does not exist in conversation");

    let transcript = sim.transcript(&conv).unwrap();
    assert_eq!(transcript.skill, "2");
    assert!(
        transcript.has(
            |e| matches!(e, Entry::TransferredToSkill { from, to } if from == "1" && to == "2")
        )
    );
    assert!(transcript.has(|e| matches!(e, Entry::Accepted { agent } if agent == "agent")));
}

#[tokio::test]
async fn transfer_to_agent_rings_only_the_suggested_agent() {
    let sim = Sim::builder().start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    bot.start().await;
    let mut human = Agent::connect(&sim, "agent").await;
    human.start().await;
    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    bot.take_next().await;

    let resp = bot
        .update(
            &conv,
            json!([
                {"field":"ParticipantsChange","type":"REMOVE","role":"ASSIGNED_AGENT","userId":"12345678.1234567890"},
                {"field":"ParticipantsChange","type":"SUGGEST","role":"ASSIGNED_AGENT","userId":"12345678.1234567891"},
                {"field":"Skill","type":"UPDATE","skill":"1"}
            ]),
        )
        .await;
    assert_eq!(resp.code, 200, "{resp:?}");
    // The suggested agent is in participantsDetails as SUGGESTED and is rung although skill 1 is not his.
    let (ring, rung_conv) = human.next_ring().await;
    assert_eq!(rung_conv, conv);
    human.accept(&ring).await;
    let upsert = human
        .wait_for("ExConversationChangeNotification", |b| {
            b["changes"][0]["type"] == "UPSERT"
        })
        .await;
    assert_eq!(
        upsert["changes"][0]["result"]["conversationDetails"]["participants"]["ASSIGNED_AGENT"],
        json!(["12345678.1234567891"])
    );
    let transcript = sim.transcript(&conv).unwrap();
    assert!(
        transcript.has(|e| matches!(e, Entry::TransferredToAgent { agent } if agent == "agent"))
    );
    // The bot was not rung again: its only ring was the first one.
    let rings = transcript
        .entries
        .iter()
        .filter(|e| matches!(e, Entry::Rang { .. }))
        .count();
    assert_eq!(rings, 2);
    assert!(
        transcript.has(
            |e| matches!(e, Entry::Rang { agents, .. } if agents == &vec!["agent".to_owned()])
        )
    );
}

#[tokio::test]
async fn ttr_change_reaches_both_sides_and_close_without_survey_ends_it() {
    let sim = Sim::builder().start().await.unwrap();
    let (mut bot, mut consumer, conv) = bot_with_conversation(&sim).await;

    let resp = bot
        .update(
            &conv,
            json!([{"field":"TTRField","ttrType":"CUSTOM","value":1800}]),
        )
        .await;
    assert_eq!(resp.code, 200);
    let agent_view = bot
        .wait_for("ExConversationChangeNotification", |b| {
            b["changes"][0]["result"]["conversationDetails"]["ttr"]["value"] == 1800
        })
        .await;
    assert_eq!(
        agent_view["changes"][0]["result"]["conversationDetails"]["ttr"]["ttrType"],
        "CUSTOM"
    );
    let consumer_view = wait_consumer(&mut consumer, |b| {
        b["changes"][0]["result"]["conversationDetails"]["ttr"]["value"] == 1800
    })
    .await;
    // Consumer side uses the v3 participants array.
    assert!(
        consumer_view["changes"][0]["result"]["conversationDetails"]["participants"].is_array()
    );

    // Close as node-agent-sdk's echo bot does: a single object is accepted too.
    let resp = bot
        .update(
            &conv,
            json!({"field":"ConversationStateField","conversationState":"CLOSE"}),
        )
        .await;
    assert_eq!(resp.code, 200);
    assert_eq!(resp.body.unwrap(), "OK Conversation resolved successfully");
    let deleted = bot
        .wait_for("ExConversationChangeNotification", |b| {
            b["changes"][0]["type"] == "DELETE"
        })
        .await;
    assert_eq!(
        deleted["changes"][0]["result"]["conversationDetails"]["state"],
        "CLOSE"
    );
    let closed = wait_consumer(&mut consumer, |b| {
        b["changes"][0]["result"]["conversationDetails"]["stage"] == "CLOSE"
    })
    .await;
    assert_eq!(
        closed["changes"][0]["result"]["conversationDetails"]["closeReason"],
        "AGENT"
    );
    assert!(
        consumer.send_text("anyone?").await.is_err(),
        "a closed dialog refuses messages"
    );

    let transcript = sim.transcript(&conv).unwrap();
    assert!(!transcript.open);
    assert!(transcript.has(|e| matches!(e, Entry::TtrChanged { value: 1800, .. })));
    assert!(transcript.has(|e| matches!(
        e,
        Entry::Closed {
            with_survey: false,
            ..
        }
    )));
}

#[tokio::test]
async fn closing_the_main_dialog_starts_the_post_conversation_survey() {
    let sim = Sim::builder()
        .post_conversation_survey(true)
        .start()
        .await
        .unwrap();
    let (mut bot, mut consumer, conv) = bot_with_conversation(&sim).await;

    let resp = bot
        .update(&conv, json!([{"field":"DialogChange","type":"UPDATE","dialog":{"dialogId": conv,"state":"CLOSE","closedCause":"done"}}]))
        .await;
    assert_eq!(resp.code, 200, "{resp:?}");
    let survey = wait_consumer(&mut consumer, |b| {
        b["changes"][0]["result"]["conversationDetails"]["dialogs"]
            .as_array()
            .is_some_and(|d| {
                d.iter()
                    .any(|d| d["dialogType"] == "POST_SURVEY" && d["state"] == "OPEN")
            })
    })
    .await;
    let details = &survey["changes"][0]["result"]["conversationDetails"];
    assert_eq!(details["state"], "CLOSE");
    assert_eq!(details["stage"], "OPEN");
    let transcript = sim.transcript(&conv).unwrap();
    assert!(transcript.open);
    assert!(transcript.has(|e| matches!(
        e,
        Entry::Closed {
            with_survey: true,
            ..
        }
    )));
    assert!(transcript.has(|e| matches!(e, Entry::SurveyStarted { .. })));

    // The consumer rates and leaves; the stage closes.
    consumer
        .request(liveengage_proto::UmsRequest::UpdateConversationField(
            serde_json::from_value(json!({
                "conversationId": conv,
                "conversationField": [{"field":"CSATRate","csatRate":5,"status":"FILLED"}]
            }))
            .unwrap(),
        ))
        .await
        .unwrap();
    consumer.close_conversation().await.unwrap();
    let transcript = sim.transcript(&conv).unwrap();
    assert!(!transcript.open);
    assert!(transcript.has(|e| matches!(e, Entry::CsatRated { rate: Some(5) })));
}

#[tokio::test]
async fn node_agent_sdk_request_shapes_are_answered_as_it_expects() {
    let sim = Sim::builder().start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    let state = bot
        .request(
            ".ams.routing.SetAgentState",
            json!({"availability":"ONLINE"}),
        )
        .await;
    assert_eq!(
        (state.code, state.type_name.as_deref()),
        (202, Some(".ReqBody$StringResp"))
    );
    assert_eq!(state.body.unwrap(), "Agent state updated successfully");
    let sub = bot
        .request(".ams.routing.SubscribeRoutingTasks", json!({}))
        .await;
    assert_eq!(
        sub.type_name.as_deref(),
        Some(".ams.GenericSubscribe$Response")
    );
    let initial = bot.wait_for("RoutingTaskNotification", |_| true).await;
    assert_eq!(initial["changes"], json!([]));
    assert_eq!(
        initial["subscriptionId"],
        sub.body.unwrap()["subscriptionId"]
    );
    let sub = bot
        .request(
            ".ams.aam.SubscribeExConversations",
            json!({"convState":["OPEN"]}),
        )
        .await;
    assert_eq!(
        sub.type_name.as_deref(),
        Some(".ams.aam.SubscribeExConversations$Response")
    );
    assert_eq!(
        bot.wait_for("ExConversationChangeNotification", |_| true)
            .await["changes"],
        json!([])
    );
    let clock = bot.request(".GetClock", json!({})).await;
    assert!(clock.body.unwrap()["currentTime"].as_i64().unwrap() > 1_600_000_000_000);
    let agent_state = bot
        .request(".ams.routing.SubscribeAgentsState", json!({}))
        .await;
    assert_eq!(agent_state.code, 200);
    let notification = bot.wait_for("AgentStateNotification", |_| true).await;
    assert_eq!(
        notification["changes"][0]["result"]["availability"],
        "ONLINE"
    );

    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    bot.take_next().await;
    // Bare-string GetUserProfile body, and the exact response type.
    let profile = bot
        .request(
            ".ams.userprofile.GetUserProfile",
            json!(consumer.consumer_id()),
        )
        .await;
    assert_eq!(
        profile.type_name.as_deref(),
        Some(".ams.userprofile.GetUserProfile$Response")
    );
    assert_eq!(
        profile.body.unwrap()["privateData"]["userId"],
        consumer.consumer_id()
    );
    // Short type names, headers:null.
    let raw = json!({"kind":"req","id":"short","type":"ms.PublishEvent","body":{"dialogId": conv,"event":{"type":"ContentEvent","contentType":"text/plain","message":"short name"}},"headers":null});
    let resp = bot.send_raw(&raw.to_string()).await;
    assert_eq!(resp.code, 200, "{resp:?}");
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "short name");
}

#[tokio::test]
async fn malformed_client_input_gets_error_answers_and_the_socket_lives_on() {
    let sim = Sim::builder().start().await.unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    let resp = bot.send_raw("this is not json").await;
    assert_eq!(resp.code, 400);
    assert!(
        resp.body
            .unwrap()
            .as_str()
            .unwrap()
            .starts_with("Malformed frame")
    );
    let resp = bot
        .send_raw(r#"{"kind":"req","id":"x1","type":".ams.ms.PublishEvent","body":{"event":42}}"#)
        .await;
    assert_eq!((resp.code, resp.req_id.to_string().as_str()), (400, "x1"));
    let resp = bot
        .send_raw(r#"{"kind":"resp","reqId":"1","code":200}"#)
        .await;
    assert_eq!(resp.code, 400);
    let resp = bot.request(".ams.nothing.Such", json!({})).await;
    assert_eq!(resp.code, 400);
    let resp = bot
        .request(
            ".ams.routing.UpdateRingState",
            json!({"ringId":"nope","ringState":"ACCEPTED"}),
        )
        .await;
    assert_eq!(resp.code, 400);
    let resp = bot
        .request(
            ".ams.cm.UpdateConversationField",
            json!({"conversationId":"nope","conversationField":[]}),
        )
        .await;
    assert_eq!(resp.code, 404);
    let resp = bot.send_raw(&"[".repeat(10_000)).await;
    assert_eq!(resp.code, 400);
    let clock = bot.request(".GetClock", json!({})).await;
    assert_eq!(clock.code, 200);
}

async fn wait_consumer(
    consumer: &mut liveengage_sim::ConsumerClient,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    loop {
        let n = consumer.next_notification(WAIT).await.unwrap();
        if n.type_name == "cqm.ExConversationChangeNotification" {
            let body = n.body.unwrap_or(Value::Null);
            if pred(&body) {
                return body;
            }
        }
    }
}

#[tokio::test]
async fn an_unanswered_ring_expires_and_is_offered_again() {
    let sim = Sim::builder()
        .ring_expiration(std::time::Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let mut bot = Agent::connect(&sim, "echo-bot").await;
    bot.start().await;
    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    let (first, _) = bot.next_ring().await;
    let expired = bot
        .wait_for("RoutingTaskNotification", |b| {
            b["changes"][0]["result"]["ringsDetails"][0]["ringState"] == "EXPIRED"
        })
        .await;
    assert_eq!(
        expired["changes"][0]["result"]["ringsDetails"][0]["ringId"],
        first.as_str()
    );
    assert_eq!(expired["changes"][0]["result"]["taskCompleted"], true);
    // The expired ring can no longer be accepted.
    let late = bot
        .request(
            ".ams.routing.UpdateRingState",
            json!({"ringId": first, "ringState": "ACCEPTED"}),
        )
        .await;
    assert_eq!(late.code, 400);
    // A new ring follows; on a slow machine it may expire too before the
    // answer arrives, so take the first one the emulator still holds.
    let mut accepted = None;
    for _ in 0..20 {
        let (ring, again) = bot.next_ring().await;
        assert_eq!(again, conv);
        assert_ne!(ring, first, "a new ring");
        let resp = bot
            .request(
                ".ams.routing.UpdateRingState",
                json!({"ringId": ring, "ringState": "ACCEPTED"}),
            )
            .await;
        if resp.code == 202 {
            accepted = Some(ring);
            break;
        }
    }
    assert!(accepted.is_some(), "no ring could be accepted");
    let transcript = sim.transcript(&conv).unwrap();
    assert!(transcript.has(|e| matches!(e, Entry::RingExpired { ring_id } if *ring_id == first)));
    assert!(transcript.has(|e| matches!(e, Entry::Accepted { .. })));
}

#[tokio::test]
async fn file_urls_and_min_last_updated_time() {
    let sim = Sim::builder().start().await.unwrap();
    let (mut bot, _consumer, conv) = bot_with_conversation(&sim).await;

    let upload = bot
        .request(
            ".ams.ms.GenerateURLForUploadFile",
            json!({"fileSize":5020,"fileType":"JPEG"}),
        )
        .await;
    assert_eq!(upload.code, 200);
    let body = upload.body.unwrap();
    let path = body["relativePath"].as_str().unwrap().to_owned();
    assert!(
        path.starts_with("/v1/AUTH_async-images/12345678/") && path.ends_with(".JPEG"),
        "{path}"
    );
    assert!(body["queryParams"]["temp_url_sig"].is_string());
    assert!(body["queryParams"]["temp_url_expires"].is_string());
    let download = bot
        .request(
            ".ams.ms.GenerateURLForDownloadFile",
            json!({"relativePath": path}),
        )
        .await;
    assert_eq!(download.body.unwrap()["relativePath"], path.as_str());
    let missing = bot
        .request(".ams.ms.GenerateURLForDownloadFile", json!({}))
        .await;
    assert_eq!(missing.code, 400);

    // A subscription with minLastUpdatedTime in the future starts empty; one without lists the conversation.
    let later = bot
        .request(
            ".ams.aam.SubscribeExConversations",
            json!({"convState":["OPEN"],"minLastUpdatedTime": 4_000_000_000_000i64}),
        )
        .await;
    let later_id = later.body.unwrap()["subscriptionId"].clone();
    let initial = bot
        .wait_for("ExConversationChangeNotification", |b| {
            b["subscriptionId"] == later_id
        })
        .await;
    assert_eq!(initial["changes"], json!([]));
    let all = bot
        .request(
            ".ams.aam.SubscribeExConversations",
            json!({"convState":["OPEN"]}),
        )
        .await;
    let all_id = all.body.unwrap()["subscriptionId"].clone();
    let initial = bot
        .wait_for("ExConversationChangeNotification", |b| {
            b["subscriptionId"] == all_id
        })
        .await;
    assert_eq!(initial["changes"][0]["result"]["convId"], conv.as_str());
}
