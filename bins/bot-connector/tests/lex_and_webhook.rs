//! The Lex and Custom Endpoint engines in bot-connector: test connection
//! through the management API (Lex answered by wiremock, the Custom Endpoint
//! by the reference server), a webhook bot that may start only when its
//! service reports `online`, one answered conversation, and the defaults a
//! webhook bot gets for its engine timeout and retries.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use bot_connector::config::parse_bot;
use common::{app_trusting, post, sim};
use liveengage_sim::SimHandle;
use serde_json::{Value, json};
use webhook_reference::{CLIENT_ID, CLIENT_SECRET, ReferenceServer};
use wiremock::matchers::{header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ONLINE_BOT: &str = "5809777a-e548-4bd2-bc5f-a1003c132a28";
const OFFLINE_BOT: &str = "36d5de7f-6c83-41ba-836d-28ca1062c1ef";

fn definition(id: &str, sim: &SimHandle, engine: Value) -> Value {
    json!({
        "id": id,
        "liveengage": {"account_id": sim.account_id(), "csds": sim.base_url(),
            "login": {"type": "password", "username": "echo-bot", "password": "secret"},
            "skills": {"human": "2"}},
        "conversation": {"type": "messaging"},
        "escalation": {"transfer_skill": "human"},
        "engine": engine,
    })
}

fn webhook(base: &str, bot_id: &str) -> Value {
    json!({"type": "webhook", "base_url": base, "bot_id": bot_id,
        "token_url": format!("{base}/token"), "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_bot_starts_only_when_online_and_answers_a_consumer() {
    let sim = sim().await;
    let reference = ReferenceServer::new();
    let (addr, _server) = reference.spawn("127.0.0.1:0").await.unwrap();
    let base = format!("http://{addr}");
    let (app, token) = app_trusting(&sim);

    let online = definition("ce-online", &sim, webhook(&base, ONLINE_BOT));
    let (status, body) = post(&app, "/api/bots/test", &token, online.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ok"], true, "{body}");

    // The reference service reports this bot `offline`: the test fails
    // with the engine's code, and the bot does not start.
    let offline = definition("ce-offline", &sim, webhook(&base, OFFLINE_BOT));
    let (_, body) = post(&app, "/api/bots/test", &token, offline.clone()).await;
    assert_eq!(body["ok"], false, "{body}");
    assert_eq!(body["code"], "engine.webhook.not-online", "{body}");
    let (status, body) = post(&app, "/api/bots", &token, offline).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = post(&app, "/api/bots/ce-offline/start", &token, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.to_string().contains("engine.webhook.not-online"),
        "{body}"
    );

    let (status, body) = post(&app, "/api/bots", &token, online).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = post(&app, "/api/bots/ce-online/start", &token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    consumer.send_text("hello there").await.unwrap();
    let answer = consumer
        .next_agent_text(Duration::from_secs(15))
        .await
        .unwrap();
    assert_eq!(
        answer,
        "You said: hello there. Try transfer, bye, sc, qr, delay, urgent, faas or private text."
    );
    // The service got the conversation with its context, then the event.
    let stored = reference
        .conversation(&conv)
        .expect("created on the service");
    assert!(
        stored
            .events
            .iter()
            .any(|e| e.to_string().contains("hello there")),
        "{:?}",
        stored.events
    );
    app.fleet.stop_all().await;
}

#[test]
fn a_webhook_bot_gets_the_contracts_timeout_and_no_runtime_retries_unless_set() {
    let sim_like = |engine: Value, extra: &[(&str, Value)]| {
        let mut bot = json!({
            "id": "ce",
            "liveengage": {"account_id": "1", "csds": "http://127.0.0.1:9",
                "login": {"type": "password", "username": "u", "password": "p"},
                "skills": {"human": "2"}},
            "conversation": {"type": "messaging"},
            "escalation": {"transfer_skill": "human"},
            "engine": engine,
        });
        for (pointer, value) in extra {
            let (table, key) = pointer.split_once('.').unwrap();
            bot[table][key] = value.clone();
        }
        parse_bot(&bot, std::path::Path::new("."), &|_| None).unwrap()
    };
    let base = "https://bot.example";
    let spec = sim_like(webhook(base, ONLINE_BOT), &[]);
    // 3 × 60 s + 5 s + 10 s of pauses + 5 s for the token.
    assert_eq!(spec.runtime.engine_timeout, Duration::from_secs(200));
    assert_eq!(spec.escalation.max_retries, 0);

    let mut quick = webhook(base, ONLINE_BOT);
    quick["request_timeout_secs"] = json!(2);
    quick["max_attempts"] = json!(2);
    quick["retry_delays_secs"] = json!([1]);
    let spec = sim_like(quick, &[]);
    assert_eq!(spec.runtime.engine_timeout, Duration::from_secs(10));

    let spec = sim_like(
        webhook(base, ONLINE_BOT),
        &[
            ("runtime.engine_timeout", json!("30s")),
            ("escalation.max_retries", json!(1)),
        ],
    );
    assert_eq!(spec.runtime.engine_timeout, Duration::from_secs(30));
    assert_eq!(spec.escalation.max_retries, 1);

    // Other engines keep the runtime's defaults.
    let spec = sim_like(
        json!({"type": "script", "source": "[fallback]\noutputs = [{ type = \"text\", text = \"hi\" }]\n"}),
        &[],
    );
    assert_eq!(spec.runtime.engine_timeout, Duration::from_secs(15));
    assert_eq!(spec.escalation.max_retries, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lex_test_connection_sends_a_signed_recognize_text_and_reports_a_refusal() {
    let sim = sim().await;
    let lex = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(
            "/bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_US/sessions/bot-connector-test-connection/text",
        ))
        .and(header_regex(
            "authorization",
            r"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/eu-west-1/lex/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": [{"contentType": "PlainText", "content": "Hi! How can I help?"}],
            "sessionState": {"dialogAction": {"type": "ElicitIntent"}, "sessionAttributes": {}},
            "sessionId": "bot-connector-test-connection"
        })))
        .expect(1)
        .mount(&lex)
        .await;
    let (app, token) = app_trusting(&sim);
    let engine = json!({"type": "lex", "api": "v2", "region": "eu-west-1",
        "bot_id": "ABCDEFGHIJ", "bot_alias_id": "TSTALIASID", "locale_id": "en_US",
        "base_url": lex.uri(),
        "credentials": {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}});
    let (status, body) = post(
        &app,
        "/api/bots/test",
        &token,
        definition("lex-bot", &sim, engine.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ok"], true, "{body}");
    lex.verify().await;

    lex.reset().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-amzn-ErrorType", "AccessDeniedException")
                .set_body_json(json!({"message": "User is not authorized"})),
        )
        .mount(&lex)
        .await;
    let (_, body) = post(
        &app,
        "/api/bots/test",
        &token,
        definition("lex-bot", &sim, engine),
    )
    .await;
    assert_eq!(body["ok"], false, "{body}");
    assert_eq!(body["code"], "engine.lex.test-connection", "{body}");
}
