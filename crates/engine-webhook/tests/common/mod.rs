//! Shared helpers: engines against wiremock or the reference server, events.
#![allow(dead_code)]

use connector_core::{
    ChannelType, ConversationContext, EngagementAttributes, EventKind, InboundEvent, Secret, Skill,
};
use engine_webhook::{WebhookConfig, WebhookEngine};
use serde_json::{Value, json};
use url::Url;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

pub const BOT: &str = "5809777a-e548-4bd2-bc5f-a1003c132a28";
pub const CONV: &str = "608b2868-f686-4b89-891f-497816958cfc";
pub const BASE: &str = "/api/v1/bots/5809777a-e548-4bd2-bc5f-a1003c132a28/environments/draft";

pub fn config(base: &str, token_url: &str) -> WebhookConfig {
    WebhookConfig::new(
        Url::parse(base).unwrap(),
        BOT,
        Url::parse(token_url).unwrap(),
        webhook_reference::CLIENT_ID,
        Secret::new(webhook_reference::CLIENT_SECRET),
    )
}

/// An engine against `server` (base `{uri}/api`, token `{uri}/token`) with
/// a 10 s timeout per call and no pause between attempts: the tests run on
/// the real clock (a paused clock would jump to the timeout while wiremock,
/// on its own threads, is still answering), so the contract's pauses are
/// unit-tested in `src/client.rs` instead.
pub fn engine(server: &MockServer) -> WebhookEngine {
    engine_with(server, |_| {})
}

/// [`engine`] with changes to its configuration.
pub fn engine_with(server: &MockServer, change: impl FnOnce(&mut WebhookConfig)) -> WebhookEngine {
    let mut config = config(
        &format!("{}/api", server.uri()),
        &format!("{}/token", server.uri()),
    );
    config.request_timeout_secs = 10;
    config.retry_delays_secs = vec![0];
    change(&mut config);
    WebhookEngine::from_config(&config, reqwest::Client::new()).unwrap()
}

/// Moves tokio's clock forward by `by` between two calls, while no request
/// waits on a socket: pause, advance, resume. Needs the current-thread
/// runtime of `#[tokio::test]`.
pub async fn jump(by: std::time::Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}

pub async fn mount_token(server: &MockServer, expires_in: u64) {
    Mock::given(matchers::method("POST"))
        .and(matchers::path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "tok-1", "token_type": "Bearer", "expires_in": expires_in}),
        ))
        .mount(server)
        .await;
}

pub async fn mount_create(server: &MockServer) {
    Mock::given(matchers::method("PUT"))
        .and(matchers::path(format!("{BASE}/conversations/{CONV}")))
        .respond_with(ResponseTemplate::new(204))
        .mount(server)
        .await;
}

pub async fn mount_events(server: &MockServer, answer: Value) {
    Mock::given(matchers::method("POST"))
        .and(matchers::path(format!(
            "{BASE}/conversations/{CONV}/events"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(server)
        .await;
}

pub fn lp_event(text: &str) -> Value {
    json!({
        "sequence": 0, "serverTimestamp": 1_649_331_017_991_u64,
        "event": {"type": "ContentEvent", "message": text, "contentType": "text/plain"},
        "conversationId": CONV, "dialogId": CONV, "metadata": [], "messageAudience": "ALL",
        "conversationContext": {"skillId": "1234567", "campaignId": 987665546, "engagementId": 123498765, "type": "MESSAGING",
                                "visitor": {"sharkVisitorId": "ABCDEFGHIJKLMNOPQRST", "language": "en-US"}}
    })
}

pub fn context(text: &str) -> ConversationContext {
    ConversationContext::new("bot-1".into(), CONV.into(), ChannelType::Messaging)
        .with_skill(Skill { id: "1234567".into(), name: Some("bots".into()) })
        .with_lp_event(lp_event(text))
        .with_sdes(EngagementAttributes {
            unauthenticated_sdes: json!({"customerInfo": {"customerInfo": {"customerId": "138766AC"}}}),
            authenticated_sdes: Value::Null,
        })
}

pub fn text(text: &str) -> InboundEvent {
    InboundEvent::new(
        context(text),
        EventKind::ConsumerText {
            text: text.into(),
            metadata: vec![],
        },
    )
}

pub fn event(kind: EventKind) -> InboundEvent {
    InboundEvent::new(context(""), kind)
}

/// The requests `server` received to `path` (method, JSON body).
pub async fn requests(server: &MockServer, path: &str) -> Vec<(String, Value)> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == path)
        .map(|r| {
            (
                r.method.to_string(),
                serde_json::from_slice(&r.body).unwrap_or(Value::Null),
            )
        })
        .collect()
}
