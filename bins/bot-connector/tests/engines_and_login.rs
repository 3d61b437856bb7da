//! Test connection through the management API for each engine (Watson and
//! Dialogflow answered by wiremock) and for each LiveEngage login (password
//! and API key, answered by the emulator).

mod common;

use axum::http::StatusCode;
use common::{app_trusting, post, sim};
use liveengage_sim::SimHandle;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The RSA key engine-dialogflow's tests sign with (a test key, not a secret).
const TEST_KEY: &str = include_str!("../../../crates/engine-dialogflow/tests/data/test-key.pem");

fn definition(sim: &SimHandle, login: Value, engine: Value) -> Value {
    json!({
        "id": "engine-bot",
        "liveengage": {"account_id": sim.account_id(), "csds": sim.base_url(),
            "login": login, "skills": {"human": "2"}},
        "conversation": {"type": "messaging"},
        "escalation": {"transfer_skill": "human"},
        "engine": engine,
    })
}

fn password_login() -> Value {
    json!({"type": "password", "username": "echo-bot", "password": "secret"})
}

fn script() -> Value {
    json!({"type": "script", "source": "[fallback]\noutputs = [{ type = \"text\", text = \"hi\" }]\n"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watson_test_connection_creates_and_deletes_a_session_and_reports_a_refusal() {
    let sim = sim().await;
    let watson = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/assistants/asst-1/sessions"))
        .and(query_param("version", "2023-06-15"))
        .and(header("authorization", "Bearer watson-token"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"session_id": "s-9"})))
        .expect(1)
        .mount(&watson)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/assistants/asst-1/sessions/s-9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&watson)
        .await;
    let (app, token) = app_trusting(&sim);
    let engine = json!({"type": "watson", "api": "v2", "url": watson.uri(), "assistant_id": "asst-1",
        "auth": {"type": "bearer", "token": "watson-token"}});
    let (status, body) = post(
        &app,
        "/api/bots/test",
        &token,
        definition(&sim, password_login(), engine.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ok"], true, "{body}");
    watson.verify().await;

    // A bad token: Watson answers 401 and the test names the Watson code.
    let refused = json!({"type": "watson", "api": "v2", "url": watson.uri(), "assistant_id": "asst-1",
        "auth": {"type": "bearer", "token": "wrong"}});
    watson.reset().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthorized", "code": 401})),
        )
        .mount(&watson)
        .await;
    let (_, body) = post(
        &app,
        "/api/bots/test",
        &token,
        definition(&sim, password_login(), refused),
    )
    .await;
    assert_eq!(body["ok"], false, "{body}");
    assert_eq!(body["code"], "engine.watson.test-connection", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dialogflow_es_test_connection_gets_a_service_account_token_and_sends_welcome() {
    let sim = sim().await;
    let google = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=urn"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "ya29.from-test", "expires_in": 3600, "token_type": "Bearer"}),
        ))
        .expect(1)
        .mount(&google)
        .await;
    Mock::given(method("POST"))
        .and(path(
            "/v2/projects/shop/agent/sessions/bot-connector-test-connection:detectIntent",
        ))
        .and(header("authorization", "Bearer ya29.from-test"))
        .and(body_string_contains("WELCOME"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "responseId": "r-1",
            "queryResult": {"fulfillmentMessages": [{"text": {"text": ["Welcome!"]}}]}
        })))
        .expect(1)
        .mount(&google)
        .await;
    let (app, token) = app_trusting(&sim);
    let engine = json!({"type": "dialogflow", "api": "es", "project_id": "shop", "language_code": "en",
        "base_url": google.uri(),
        "service_account": {"client_email": "bot@shop.iam.gserviceaccount.com", "private_key": TEST_KEY,
            "token_url": format!("{}/token", google.uri())}});
    let (status, body) = post(
        &app,
        "/api/bots/test",
        &token,
        definition(&sim, password_login(), engine),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ok"], true, "{body}");
    google.verify().await;

    // A key that is not a PEM key is a 400 naming its key path.
    let bad = json!({"type": "dialogflow", "api": "es", "project_id": "shop", "language_code": "en",
        "service_account": {"client_email": "bot@shop.iam.gserviceaccount.com", "private_key": "not a key"}});
    let (status, body) = post(
        &app,
        "/api/bots/test",
        &token,
        definition(&sim, password_login(), bad),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.to_string()
            .contains("engine.service_account.private_key"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_key_login_is_accepted_and_a_wrong_one_is_reported() {
    let sim = sim().await;
    let (app, token) = app_trusting(&sim);
    let login = json!({"type": "api_key", "username": "echo-bot", "app_key": "bot-app-key",
        "app_secret": "bot-app-secret", "token": "bot-access-token", "token_secret": "bot-token-secret"});
    let (_, body) = post(
        &app,
        "/api/bots/test",
        &token,
        definition(&sim, login, script()),
    )
    .await;
    assert_eq!(body["ok"], true, "{body}");

    let wrong = json!({"type": "api_key", "username": "echo-bot", "app_key": "bot-app-key",
        "app_secret": "bot-app-secret", "token": "bot-access-token", "token_secret": "nope"});
    let (_, body) = post(
        &app,
        "/api/bots/test",
        &token,
        definition(&sim, wrong, script()),
    )
    .await;
    assert_eq!(body["ok"], false, "{body}");
    assert_eq!(body["code"], "bot-connector.liveengage-login", "{body}");
    assert!(!body.to_string().contains("bot-token-secret"), "{body}");

    // An API-key bot runs: it comes Online on the emulator.
    let login = json!({"type": "api_key", "username": "echo-bot", "app_key": "bot-app-key",
        "app_secret": "bot-app-secret", "token": "bot-access-token", "token_secret": "bot-token-secret"});
    let (status, body) = post(&app, "/api/bots", &token, definition(&sim, login, script())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = post(&app, "/api/bots/engine-bot/start", &token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.fleet.status("engine-bot").unwrap().state != "Online" {
        assert!(
            std::time::Instant::now() < deadline,
            "the API-key bot did not come Online"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.fleet.stop_all().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_bot_started_through_the_api_answers_a_visitor() {
    let sim = sim().await;
    let (app, token) = app_trusting(&sim);
    let mut chat_bot = definition(
        &sim,
        password_login(),
        json!({"type": "script", "source": "[welcome]\noutputs = [{ type = \"text\", text = \"Welcome to chat\" }]\n[fallback]\noutputs = [{ type = \"text\", text = \"You said: {message}\" }]\n"}),
    );
    chat_bot["id"] = json!("chat-bot");
    chat_bot["conversation"] = json!({"type": "chat", "max_chats": 2,
        "polling": {"active": "100ms", "idle": "100ms", "idle_max": "200ms"}});
    let (_, body) = post(&app, "/api/bots/test", &token, chat_bot.clone()).await;
    assert_eq!(body["ok"], true, "{body}");
    let (status, body) = post(&app, "/api/bots", &token, chat_bot).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = post(&app, "/api/bots/chat-bot/start", &token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let listed = app.fleet.list();
    assert_eq!(
        listed
            .iter()
            .find(|b| b.id == "chat-bot")
            .map(|b| b.conversation_type.as_str()),
        Some("chat")
    );

    let chat = sim
        .start_chat(None, "Eve", Some("where is my parcel"))
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let agent_lines = || {
        sim.chat_events(&chat)
            .into_iter()
            .filter(|e| e.by.as_deref() == Some("agent"))
            .filter_map(|e| e.text)
            .collect::<Vec<_>>()
    };
    while agent_lines().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the chat bot did not answer: {:?}",
            agent_lines()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut said = agent_lines();
    said.sort();
    assert_eq!(
        said,
        vec![
            "Welcome to chat".to_owned(),
            "You said: where is my parcel".to_owned()
        ]
    );
    app.fleet.stop_all().await;
}
