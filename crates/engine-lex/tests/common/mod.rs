//! Shared helpers: engines against a mock Lex, events, the LivePerson context.
#![allow(dead_code)]

use connector_core::{
    ChannelType, ConversationContext, EngagementAttributes, EventKind, InboundEvent, Secret,
};
use engine_lex::{LexEngine, StaticCredentials, V1Config, V2Config};
use serde_json::{Value, json};
use url::Url;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

pub const CONV: &str = "4ab2bd42-3c4b-4f4e-9d8a-0f2d8b6c7e11";
pub const V2_PATH: &str = "/bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_US/sessions/4ab2bd42-3c4b-4f4e-9d8a-0f2d8b6c7e11/text";
pub const V1_PATH: &str =
    "/bot/OrderFlowers/alias/prod/user/4ab2bd42-3c4b-4f4e-9d8a-0f2d8b6c7e11/text";

pub fn keys() -> StaticCredentials {
    StaticCredentials::new(
        "AKIDEXAMPLE",
        Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    )
}

pub fn v2_engine(server: &MockServer) -> LexEngine {
    let mut config = V2Config::new(
        "us-east-1",
        "ABCDEFGHIJ",
        "TSTALIASID",
        "en_US",
        Some(keys()),
    );
    config.base_url = Some(Url::parse(&server.uri()).unwrap());
    LexEngine::v2(&config, reqwest::Client::new()).unwrap()
}

pub fn v1_engine(server: &MockServer) -> LexEngine {
    let mut config = V1Config::new("eu-west-1", "OrderFlowers", "prod", Some(keys()));
    config.base_url = Some(Url::parse(&server.uri()).unwrap());
    LexEngine::v1(&config, reqwest::Client::new()).unwrap()
}

pub fn lp_event(text: &str) -> Value {
    json!({
        "sequence": 0,
        "event": {"type": "ContentEvent", "message": text, "contentType": "text/plain"},
        "dialogId": CONV,
        "conversationContext": {"skillId": "3417641010", "type": "MESSAGING"}
    })
}

pub fn sdes() -> EngagementAttributes {
    EngagementAttributes {
        unauthenticated_sdes: json!({"customerInfo": {"customerInfo": {"customerId": "138766AC"}}}),
        authenticated_sdes: Value::Null,
    }
}

pub fn context(text: &str) -> ConversationContext {
    ConversationContext::new("bot-1".into(), CONV.into(), ChannelType::Messaging)
        .with_lp_event(lp_event(text))
        .with_sdes(sdes())
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

/// A V2 answer with `messages` and an intent in `state`.
pub fn v2_answer(messages: Value, state: &str) -> Value {
    json!({
        "messages": messages,
        "sessionState": {
            "dialogAction": {"type": "Close"},
            "intent": {"name": "Main", "state": state, "confirmationState": "None",
                       "slots": {"FlowerType": null, "PickupDate": null}},
            "sessionAttributes": {}
        },
        "interpretations": [{"intent": {"name": "Main", "slots": {"FlowerType": null}}, "nluConfidence": {"score": 0.9}}],
        "sessionId": CONV
    })
}

pub fn custom(payload: Value) -> Value {
    json!({"contentType": "CustomPayload", "content": payload.to_string()})
}

pub fn plain(text: &str) -> Value {
    json!({"contentType": "PlainText", "content": text})
}

/// Mounts `answer` for every POST to `path`.
pub async fn answer(server: &MockServer, path: &str, answer: Value) {
    Mock::given(matchers::method("POST"))
        .and(matchers::path(path))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(server)
        .await;
}

/// The JSON bodies Lex received.
pub async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}
