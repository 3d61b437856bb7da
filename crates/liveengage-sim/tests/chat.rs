//! The Chat Agent API: a bot takes a chat, exchanges lines, transfers it to
//! a human skill, and the human ends it.

use liveengage_proto::OneOrMany;
use liveengage_proto::chat::{ChatBody, EventsBody, IncomingRequestsBody, find_link};
use liveengage_sim::client::{HttpReply, http};
use liveengage_sim::{Entry, Sim, SimHandle};
use serde_json::json;

struct ChatAgent {
    bearer: String,
    session: String,
}

impl ChatAgent {
    async fn login(sim: &SimHandle, login: &str) -> ChatAgent {
        let bearer = sim.issue_token(login).unwrap().expose().to_owned();
        let created = call(
            &bearer,
            "POST",
            &format!(
                "{}/api/account/12345678/agentSession.json?v=1&NC=true",
                sim.base_url()
            ),
            Some(r#"{"loginData":""}"#),
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.body);
        let session = created.json()["agentSessionLocation"]["link"]["@href"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            created.json()["agentSessionLocation"]["link"]["@rel"],
            "location"
        );
        ChatAgent { bearer, session }
    }

    async fn get(&self, url: &str) -> HttpReply {
        call(&self.bearer, "GET", url, None).await
    }

    async fn post(&self, url: &str, body: &str) -> HttpReply {
        call(&self.bearer, "POST", url, Some(body)).await
    }
}

async fn call(bearer: &str, method: &str, url: &str, body: Option<&str>) -> HttpReply {
    let auth = format!("Bearer {bearer}");
    http(
        method,
        url,
        &[("Authorization", &auth), ("Accept", "application/json")],
        body,
    )
    .await
    .unwrap()
}

async fn call_override(bearer: &str, verb: &str, url: &str, body: &str) -> HttpReply {
    let auth = format!("Bearer {bearer}");
    http(
        "POST",
        url,
        &[("Authorization", &auth), ("X-HTTP-Method-Override", verb)],
        Some(body),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn take_exchange_transfer_and_end_a_chat() {
    let sim = Sim::builder().start().await.unwrap();
    let bot = ChatAgent::login(&sim, "echo-bot").await;
    let set = call_override(
        &bot.bearer,
        "PUT",
        &format!("{}/availability.json?v=1&NC=true", bot.session),
        r#"{"availability":{"chat":"Online"}}"#,
    )
    .await;
    assert_eq!(set.status, 200);
    assert_eq!(
        bot.get(&format!("{}/availability", bot.session))
            .await
            .json()["availability"]["chat"],
        "Online"
    );

    let idle: IncomingRequestsBody = serde_json::from_str(
        &bot.get(&format!("{}/incomingRequests", bot.session))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(idle.incoming_requests.ringing_count.as_i64(), Some(0));
    let none = bot
        .post(&format!("{}/incomingRequests", bot.session), "{}")
        .await;
    assert_eq!(none.status, 404, "nothing to take yet");

    let chat_id = sim.start_chat(None, "Vera", Some("hello bot")).unwrap();
    let ringing: IncomingRequestsBody = serde_json::from_str(
        &bot.get(&format!("{}/incomingRequests.json", bot.session))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(
        ringing.incoming_requests.ringing_count,
        liveengage_proto::chat::Loose::Text("1".into())
    );
    assert!(ringing.incoming_requests.link.is_some());

    let taken = bot
        .post(&format!("{}/incomingRequests", bot.session), "{}")
        .await;
    assert_eq!(taken.status, 201);
    let chat_url = taken.json()["chatLocation"]["link"]["@href"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(chat_url.ends_with(&format!("/chat/{chat_id}")));

    let chat: ChatBody =
        serde_json::from_str(&bot.get(&format!("{chat_url}.json?v=1&NC=true")).await.body).unwrap();
    let events = chat.chat.events.unwrap();
    let lines: Vec<_> = events.event.unwrap().into_vec();
    let visitor_line = lines
        .iter()
        .find(|e| e.source.as_deref() == Some("visitor"))
        .unwrap();
    assert_eq!(visitor_line.text.as_deref(), Some("hello bot"));
    assert_eq!(
        chat.chat.info.unwrap().visitor_name.as_deref(),
        Some("Vera")
    );
    let next = find_link(events.link.as_ref(), "next")
        .unwrap()
        .href
        .clone();

    let sent = bot
        .post(
            &format!("{chat_url}/events"),
            r#"{"event":{"@type":"line","text":"hello Vera","textType":"plain"}}"#,
        )
        .await;
    assert_eq!(sent.status, 201);
    assert!(
        sent.json()["chatEventLocation"]["link"]["@href"]
            .as_str()
            .unwrap()
            .contains("/events/")
    );

    // Following `next` gives only newer events; a single event comes as an object.
    let newer: EventsBody = serde_json::from_str(&bot.get(&next).await.body).unwrap();
    match newer.events.event.unwrap() {
        OneOrMany::One(event) => assert_eq!(event.text.as_deref(), Some("hello Vera")),
        many => panic!("expected a single event object, got {many:?}"),
    }
    let next = find_link(newer.events.link.as_ref(), "next")
        .unwrap()
        .href
        .clone();
    sim.visitor_says(&chat_id, "I need a person").unwrap();
    let newer: EventsBody = serde_json::from_str(&bot.get(&next).await.body).unwrap();
    assert_eq!(
        newer.events.event.unwrap().as_slice()[0].text.as_deref(),
        Some("I need a person")
    );

    // No human online yet: the transfer fails; then it works.
    let transfer = r#"{"transfer":{"skill":{"id":2},"text":"wants a person"}}"#;
    assert_eq!(
        bot.post(&format!("{chat_url}/transfer"), transfer)
            .await
            .status,
        400
    );
    let slots = bot
        .get(&format!("{}/chat/availableSlots?skill=2", bot.session))
        .await
        .json();
    assert_eq!(slots["availableSlots"], 0);
    let human = ChatAgent::login(&sim, "agent").await;
    let slots = bot
        .get(&format!("{}/chat/availableSlots?skill=Human", bot.session))
        .await
        .json();
    assert_eq!(slots["availableSlots"], -1);
    let agents = bot
        .get(&format!(
            "{}/availableAgents?skill=2&chatState=Online",
            bot.session
        ))
        .await
        .json();
    assert_eq!(
        agents["availableAgents"]["agents"]["agent"]["userName"], "agent",
        "one agent comes as an object"
    );
    let options = bot.get(&format!("{chat_url}/transfer")).await.json();
    assert_eq!(options["transfer"]["skill"][0]["name"], "Human");
    assert_eq!(
        bot.post(&format!("{chat_url}/transfer"), transfer)
            .await
            .status,
        200
    );
    assert_eq!(
        bot.get(&chat_url).await.status,
        403,
        "the bot left the chat"
    );

    let ringing: IncomingRequestsBody = serde_json::from_str(
        &human
            .get(&format!("{}/incomingRequests", human.session))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(ringing.incoming_requests.ringing_count.as_i64(), Some(1));
    let taken = human
        .post(&format!("{}/incomingRequests", human.session), "{}")
        .await;
    let human_chat = taken.json()["chatLocation"]["link"]["@href"]
        .as_str()
        .unwrap()
        .to_owned();
    let ended = human
        .post(
            &format!("{human_chat}/events"),
            r#"{"event":{"@type":"state","state":"ended"}}"#,
        )
        .await;
    assert_eq!(ended.status, 201);
    let info = human.get(&format!("{human_chat}/info")).await.json();
    assert_eq!(info["info"]["state"], "ended");

    // The visitor saw the bot's line but not the private transfer note.
    let visitor = http(
        "GET",
        &format!(
            "{}/sim/account/12345678/chats/{chat_id}/events",
            sim.base_url()
        ),
        &[],
        None,
    )
    .await
    .unwrap();
    let seen: EventsBody = serde_json::from_str(&visitor.body).unwrap();
    let texts: Vec<String> = seen
        .events
        .event
        .unwrap()
        .into_vec()
        .into_iter()
        .filter_map(|e| e.text)
        .collect();
    assert!(texts.contains(&"hello Vera".to_owned()));
    assert!(!texts.contains(&"wants a person".to_owned()));

    let transcript = sim.transcript(&chat_id).unwrap();
    assert_eq!(transcript.channel, "chat");
    assert!(!transcript.open);
    assert!(
        transcript.has(
            |e| matches!(e, Entry::TransferredToSkill { from, to } if from == "1" && to == "2")
        )
    );
    assert!(transcript.has(|e| matches!(e, Entry::Accepted { agent } if agent == "agent")));
    assert!(transcript.has(|e| matches!(e, Entry::Closed { .. })));
    let said: Vec<String> = transcript.texts().into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        said,
        [
            "hello bot",
            "hello Vera",
            "I need a person",
            "wants a person"
        ]
    );
}

#[tokio::test]
async fn chat_api_refuses_bad_tokens_and_bad_bodies_with_error_objects() {
    let sim = Sim::builder().start().await.unwrap();
    let no_token = http(
        "POST",
        &format!("{}/api/account/12345678/agentSession", sim.base_url()),
        &[],
        Some("{}"),
    )
    .await
    .unwrap();
    assert_eq!(no_token.status, 401);
    assert!(no_token.json()["error"]["message"].is_string());
    let bot = ChatAgent::login(&sim, "echo-bot").await;
    let bad = call_override(
        &bot.bearer,
        "PUT",
        &format!("{}/availability", bot.session),
        "{not json",
    )
    .await;
    assert_eq!(bad.status, 400);
    let chat = sim.start_chat(Some("Bot"), "v", None).unwrap();
    let stranger = bot.get(&format!("{}/chat/{chat}", bot.session)).await;
    assert_eq!(stranger.status, 403, "a chat not taken is not readable");
    let visitor = http(
        "POST",
        &format!("{}/sim/account/12345678/chats", sim.base_url()),
        &[],
        Some(&json!({"skill":"Nope"}).to_string()),
    )
    .await
    .unwrap();
    assert_eq!(visitor.status, 400);
}

#[tokio::test]
async fn a_chat_whose_agent_stops_polling_times_out() {
    let sim = Sim::builder()
        .chat_timeout(std::time::Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let bot = ChatAgent::login(&sim, "echo-bot").await;
    let chat_id = sim.start_chat(None, "Ida", Some("hi")).unwrap();
    let taken = bot
        .post(&format!("{}/incomingRequests", bot.session), "{}")
        .await;
    assert_eq!(taken.status, 201);
    // The bot never polls again; the visitor's polling does not keep the chat alive.
    let events_url = format!(
        "{}/sim/account/12345678/chats/{chat_id}/events",
        sim.base_url()
    );
    let mut ended = false;
    for _ in 0..200 {
        let seen: EventsBody =
            serde_json::from_str(&http("GET", &events_url, &[], None).await.unwrap().body).unwrap();
        let events = seen
            .events
            .event
            .map(OneOrMany::into_vec)
            .unwrap_or_default();
        if events
            .iter()
            .any(|e| e.state == Some(liveengage_proto::chat::ChatSessionState::Ended))
        {
            assert!(events.iter().any(|e| e.system_message_id == Some(6)));
            ended = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(ended, "the chat did not time out");
    let transcript = sim.transcript(&chat_id).unwrap();
    assert!(transcript.has(|e| matches!(
        e,
        Entry::Closed {
            by: liveengage_proto::enums::CloseReason::Timeout,
            ..
        }
    )));
}
