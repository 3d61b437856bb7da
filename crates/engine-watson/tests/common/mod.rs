//! Helpers shared by the integration tests: events, engines against a mock
//! server, and a matcher for form bodies.
#![allow(dead_code)]

use connector_core::{
    ChannelType, ConversationContext, EngagementAttributes, EventKind, InboundEvent,
};
use engine_watson::{AuthConfig, WatsonConfig, WatsonEngine};
use serde_json::{Value, json};
use wiremock::{Match, MockServer, Request};

pub const ASSISTANT: &str = "assistant-1";
pub const WORKSPACE: &str = "workspace-1";

/// The messaging `lpEvent` of LivePerson's docs, abridged.
pub fn lp_event(text: &str) -> Value {
    json!({
        "sequence": 0,
        "originatorId": "32f23bf2",
        "serverTimestamp": 1_571_816_583_661_u64,
        "event": {"type": "ContentEvent", "message": text, "contentType": "text/plain"},
        "dialogId": "93d1b226-da30-48ca-a04b-dbe071ebd23c",
        "conversationContext": {"skillId": "3417641010", "type": "MESSAGING"}
    })
}

pub fn sdes() -> EngagementAttributes {
    EngagementAttributes {
        unauthenticated_sdes: json!({"customerInfo": {"serverTimeStamp": 1_571_770_965_040_u64, "customerInfo": {"customerId": "138766AC"}}}),
        authenticated_sdes: Value::Null,
    }
}

pub fn context(channel: ChannelType, conversation: &str, lp_event: Value) -> ConversationContext {
    ConversationContext::new("bot-1".into(), conversation.into(), channel).with_lp_event(lp_event)
}

pub fn text_event(channel: ChannelType, conversation: &str, text: &str) -> InboundEvent {
    InboundEvent::new(
        context(channel, conversation, lp_event(text)),
        EventKind::ConsumerText {
            text: text.into(),
            metadata: vec![],
        },
    )
}

pub fn text(conversation: &str, text: &str) -> InboundEvent {
    text_event(ChannelType::Messaging, conversation, text)
}

pub fn welcome(channel: ChannelType, conversation: &str) -> InboundEvent {
    InboundEvent::new(
        context(channel, conversation, json!({"isWelcomeEvent": true})),
        EventKind::ConversationStarted {
            transferred: false,
            last_consumer_message: None,
        },
    )
}

pub fn apikey() -> AuthConfig {
    AuthConfig::ApiKey {
        apikey: "key-123".into(),
    }
}

/// `Basic base64("apikey:key-123")`.
pub const APIKEY_BASIC: &str = "Basic YXBpa2V5OmtleS0xMjM=";

pub fn v2_config(server: &MockServer, auth: AuthConfig) -> WatsonConfig {
    WatsonConfig::v2(server.uri().parse().unwrap(), ASSISTANT, auth)
}

pub fn v1_config(server: &MockServer, auth: AuthConfig) -> WatsonConfig {
    WatsonConfig::v1(server.uri().parse().unwrap(), WORKSPACE, auth)
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

pub fn engine(config: WatsonConfig) -> WatsonEngine {
    WatsonEngine::new(&config).unwrap()
}

/// `{"output":{"generic":[{"response_type":"text","text":...}]}}`.
pub fn text_answer(text: &str) -> Value {
    json!({"output": {"generic": [{"response_type": "text", "text": text}]}})
}

/// Matches an `application/x-www-form-urlencoded` body holding these fields.
pub struct FormHas(pub Vec<(&'static str, &'static str)>);

impl Match for FormHas {
    fn matches(&self, request: &Request) -> bool {
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect();
        self.0
            .iter()
            .all(|(k, v)| fields.iter().any(|(fk, fv)| fk == k && fv == v))
    }
}
