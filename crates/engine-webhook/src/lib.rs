//! LivePerson's **Custom Endpoint** contract as a LiveEngage bot engine: a bot
//! written in any language, behind HTTP, joins LiveEngage.
//!
//! | Step | Call |
//! |---|---|
//! | Token | `POST {token_url}` form `grant_type=client_credentials&client_id&client_secret`, cached until shortly before `expires_in` |
//! | Health (Test Connection, start) | `GET {base}/v1/bots/{botId}/environments/{env}/state` → `{"state":"online"}` |
//! | New conversation | `PUT .../conversations/{convId}` `{"sdes", "context"}` (remembered in the `EngineSession`) |
//! | Each event | `POST .../conversations/{convId}/events` `{"type","source","data","context":{"lpEvent"}}`: `START`, `TEXT`, `RICH_CONTENT`, `hosted-file`, `CLOSE_CONVERSATION` |
//! | Answer | `{"response":[TEXT / STRUCTURED_CONTENT / DELAY / ACTION], "analytics":{"intents":[...]}}` |
//!
//! Retries follow the contract: no retry on 4xx (a 401 once with a new
//! token; a 404 on an event re-creates the conversation once), 429 after its
//! `Retry-After` (at least 1 s, at most 300 s), 5xx and network errors after
//! 5, 10, 15 s, at most 3 attempts, 60 s per call; all configurable within
//! ranges checked when the engine is built ([`MAX_ATTEMPTS_RANGE`],
//! [`REQUEST_TIMEOUT_SECS_RANGE`], [`RETRY_DELAY_SECS_RANGE`]): every call,
//! the token's included, has a timeout.
//!
//! What the service sends is bounded: answers are read up to 1 MiB
//! ([`connector_http::DEFAULT_BODY_LIMIT`]; a larger one is a permanent
//! error), a token's `expires_in` counts for at most 24 h (3,600 s when it is
//! absent, zero or negative), and error messages carry the HTTP status, never
//! the body of the answer (they reach the dashboard and the management API).
//!
//! `docs/engines/webhook.md` documents the contract for implementers;
//! `examples/webhook-reference` is a reference server in Rust.
//!
//! Dependencies: `reqwest` (one shared HTTP client), `connector-http`
//! (bounded body reads), `tokio` `sync`/`time`
//! (single-flight token cache, retry pauses), `percent-encoding` (ids in
//! paths), `serde`/`serde_json`, `url`, `thiserror`, `tracing` and
//! `async-trait`, with `connector-core` for the vocabulary.
//!
//! # Examples
//!
//! ```
//! use connector_core::{Action, BotEngine, ChannelType, ConversationContext, EngineSession, EventKind, InboundEvent, Output, Secret};
//! use engine_webhook::{WebhookConfig, WebhookEngine};
//! use wiremock::{Mock, MockServer, ResponseTemplate, matchers};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let service = MockServer::start().await;
//! Mock::given(matchers::path("/token"))
//!     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": "t", "expires_in": 3600})))
//!     .mount(&service).await;
//! Mock::given(matchers::method("PUT")).respond_with(ResponseTemplate::new(204)).mount(&service).await;
//! Mock::given(matchers::path("/api/v1/bots/bot-1/environments/draft/conversations/conv-1/events"))
//!     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
//!         "response": [{"type": "TEXT", "data": {"message": "Hi there"}},
//!                      {"type": "ACTION", "data": {"name": "CLOSE_CONVERSATION", "parameters": {}}}],
//!         "analytics": {"intents": []}
//!     })))
//!     .mount(&service).await;
//!
//! let config: WebhookConfig = toml::from_str(&format!(r#"
//!     base_url = "{0}/api"
//!     bot_id = "bot-1"
//!     token_url = "{0}/token"
//!     client_id = "id"
//!     client_secret = "secret"
//! "#, service.uri())).unwrap();
//! let engine = WebhookEngine::from_config(&config, reqwest::Client::new()).unwrap();
//! let context = ConversationContext::new("bot-1".into(), "conv-1".into(), ChannelType::Messaging);
//! let event = InboundEvent::new(context, EventKind::ConsumerText { text: "bye".into(), metadata: vec![] });
//! let reply = engine.handle(&event, &mut EngineSession::default()).await.unwrap();
//! assert_eq!(reply.outputs, [Output::text("Hi there")]);
//! assert_eq!(reply.actions, [Action::close()]);
//! # });
//! ```
#![deny(missing_docs)]

mod client;
mod config;
mod engine;
mod error;
mod request;
mod response;
mod token;
mod upstream;

pub use config::{
    MAX_ATTEMPTS_RANGE, MAX_RETRY_DELAYS, REQUEST_TIMEOUT_SECS_RANGE, RETRY_DELAY_SECS_RANGE,
    WebhookConfig,
};
pub use engine::{BotState, CREATED_KEY, INTENTS_KEY, WebhookEngine};
pub use error::{WebhookError, codes};
pub use response::Intent;

/// The vocabulary, re-exported so users need not name `connector-core`.
pub use connector_core;
