//! Shared helpers: the committed test key, a mock token endpoint, events.
#![allow(dead_code)]

use std::sync::Arc;

use connector_core::{
    BotEngine, BotReply, ChannelType, ConversationContext, EngagementAttributes, EngineError,
    EngineSession, EventKind, InboundEvent, Secret,
};
use engine_dialogflow::{
    CxConfig, DialogflowEngine, EsConfig, ServiceAccountConfig, StaticToken, V1Config,
};
use serde_json::{Value, json};
use url::Url;
use wiremock::{Mock, MockServer, Request, ResponseTemplate, matchers};

/// The private half of the test-only RSA key under `tests/data`.
pub const TEST_KEY: &str = include_str!("../data/test-key.pem");
/// Its public half.
pub const TEST_PUBLIC_KEY: &str = include_str!("../data/test-key.pub.pem");
/// The token every static-token test sends.
pub const TOKEN: &str = "ya29.test-token";
pub const CONV: &str = "4ab2bd42-3c4b-4f4e-9d8a-0f2d8b6c7e11";

pub fn url(server: &MockServer) -> Url {
    Url::parse(&server.uri()).unwrap()
}

pub fn static_token() -> Arc<StaticToken> {
    Arc::new(StaticToken::new(Secret::new(TOKEN)))
}

pub fn service_account(server: &MockServer) -> ServiceAccountConfig {
    let mut sa = ServiceAccountConfig::inline(
        "bot@shop-bot.iam.gserviceaccount.com",
        Secret::new(TEST_KEY),
    )
    .with_token_url(Url::parse(&format!("{}/token", server.uri())).unwrap());
    sa.private_key_id = Some("key-1".into());
    sa
}

pub fn es_config(server: &MockServer) -> EsConfig {
    let mut config = EsConfig::new("shop-bot", "en-US", service_account(server));
    config.base_url = Some(url(server));
    config
}

pub fn cx_config(server: &MockServer) -> CxConfig {
    let mut config = CxConfig::new(
        "shop-bot",
        "europe-west2",
        "agent-7",
        "en",
        service_account(server),
    );
    config.base_url = Some(url(server));
    config
}

pub fn v1_config(server: &MockServer) -> V1Config {
    let mut config = V1Config::new(Secret::new("client-token-1"));
    config.query_url = Url::parse(&format!("{}/v1/query", server.uri())).unwrap();
    config
}

pub fn es_engine(server: &MockServer) -> DialogflowEngine {
    DialogflowEngine::es(&es_config(server), reqwest::Client::new(), static_token()).unwrap()
}

pub fn cx_engine(server: &MockServer) -> DialogflowEngine {
    DialogflowEngine::cx(&cx_config(server), reqwest::Client::new(), static_token()).unwrap()
}

pub fn v1_engine(server: &MockServer) -> DialogflowEngine {
    DialogflowEngine::v1(&v1_config(server), reqwest::Client::new()).unwrap()
}

/// The messaging `lpEvent` of a consumer text, abridged from LivePerson's example.
pub fn lp_event(text: &str) -> Value {
    json!({
        "sequence": 0,
        "originatorId": "32f23bf2",
        "serverTimestamp": 1571816583661_u64,
        "event": {"type": "ContentEvent", "message": text, "contentType": "text/plain"},
        "dialogId": CONV,
        "conversationContext": {"skillId": "3417641010", "type": "MESSAGING"}
    })
}

pub fn sdes() -> EngagementAttributes {
    EngagementAttributes {
        unauthenticated_sdes: json!({"customerInfo": {"serverTimeStamp": 1571770965040_u64,
            "customerInfo": {"customerType": "vip", "customerId": "138766AC"}}}),
        authenticated_sdes: Value::Null,
    }
}

pub fn context() -> ConversationContext {
    ConversationContext::new("bot-1".into(), CONV.into(), ChannelType::Messaging)
}

pub fn text_event(text: &str) -> InboundEvent {
    InboundEvent::new(
        context().with_lp_event(lp_event(text)).with_sdes(sdes()),
        EventKind::ConsumerText {
            text: text.into(),
            metadata: vec![],
        },
    )
}

pub fn welcome_event() -> InboundEvent {
    InboundEvent::new(
        context(),
        EventKind::ConversationStarted {
            transferred: false,
            last_consumer_message: None,
        },
    )
}

pub async fn handle(
    engine: &DialogflowEngine,
    event: &InboundEvent,
) -> Result<BotReply, EngineError> {
    engine.handle(event, &mut EngineSession::default()).await
}

/// Mounts a 200 answer with `body` for any POST to `path`.
pub async fn answer(server: &MockServer, path: &str, body: Value) {
    Mock::given(matchers::method("POST"))
        .and(matchers::path(path))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// The JSON bodies of the requests received on `path`.
pub async fn bodies(server: &MockServer, path: &str) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == path)
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

/// The form fields of a request.
pub fn form(request: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Moves tokio's clock forward by `by` between two calls, while no request
/// waits on a socket: pause, advance, resume. (A test started paused would
/// let the clock jump to a request's timeout while wiremock, on its own
/// threads, is still answering.) Needs `#[tokio::test]`'s current-thread
/// runtime.
pub async fn jump(by: std::time::Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}

/// An OAuth token answer.
pub fn token_answer(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"access_token": token, "expires_in": expires_in, "token_type": "Bearer"}),
    )
}

pub const ES_PATH: &str =
    "/v2/projects/shop-bot/agent/sessions/4ab2bd42-3c4b-4f4e-9d8a-0f2d8b6c7e11:detectIntent";
pub const CX_PATH: &str = "/v3/projects/shop-bot/locations/europe-west2/agents/agent-7/sessions/4ab2bd42-3c4b-4f4e-9d8a-0f2d8b6c7e11:detectIntent";
