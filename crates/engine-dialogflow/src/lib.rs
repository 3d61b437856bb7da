//! Google Dialogflow as a LiveEngage bot engine: ES (API v2), CX (API v3) and
//! the deprecated V1, speaking LivePerson's Dialogflow conventions so bots
//! built for LivePerson's Third-Party Bots connector work unchanged.
//!
//! | | ES | CX | V1 (deprecated) |
//! |---|---|---|---|
//! | Call | `detectIntent`, regional hosts, environments | `detectIntent`, agent, location, environment | `query?v=20150910` |
//! | Auth | service account → OAuth token | service account → OAuth token | client access token |
//! | Context sent | `queryParams.payload.{lpEvent,lpSdes}` | `queryParams.payload.{lpEvent,lpSdes}` | none |
//! | Texts | `fulfillmentMessages[].text` | `responseMessages[].text` | `fulfillment.messages` type 0 |
//! | Structured content, quick replies, delay, private text, encoded metadata | custom payloads | custom payloads | custom payloads |
//! | Actions | intent action + parameters | payload `{"action":{"name","parameters"}}` | intent action + parameters |
//!
//! The session id is the LiveEngage conversation id. The welcome event is the
//! Dialogflow event `WELCOME`; texts longer than the limit (ES 256, CX and V1
//! 255 characters) become the event `DIALOGFLOW_CHAR_LIMIT`. The guide
//! `docs/engines/dialogflow.md` explains how to build a bot for each output
//! and action, and lists the error codes.
//!
//! Every call (detectIntent, V1 `query`, the token request) has a timeout,
//! `request_timeout_secs` (20 s by default, 1 to 300 s). Answers are read up
//! to 1 MiB ([`connector_http::DEFAULT_BODY_LIMIT`]); a token's `expires_in`
//! counts for at most 24 h; error messages carry the HTTP status and
//! Google's documented `status` code, never text of the answer (they reach
//! the dashboard and the management API).
//!
//! Dependencies: `reqwest` (one shared HTTP client for the API and the token
//! endpoint), `connector-http` (bounded body reads), `jsonwebtoken` with the `aws_lc_rs` backend (signs the RS256 JWT
//! of the service-account grant; `aws-lc-rs` is already the TLS backend of
//! `reqwest`, so it adds no second crypto stack), `tokio`'s `sync` and `time`
//! (single-flight token refresh, expiry clock), `serde`/`serde_json`
//! (hand-written wire types that tolerate unknown fields), `url`, `thiserror`,
//! `tracing` and `async-trait`, with `connector-core` for the vocabulary.
//!
//! # Examples
//!
//! A CX agent answering through a local mock of Dialogflow (tests and this
//! example point `base_url` at it; in production leave it out):
//!
//! ```
//! use std::sync::Arc;
//! use connector_core::{BotEngine, ChannelType, ConversationContext, EngineSession, EventKind, InboundEvent, Output, Secret};
//! use engine_dialogflow::{DialogflowConfig, DialogflowEngine, StaticToken};
//! use wiremock::{Mock, MockServer, ResponseTemplate, matchers};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let dialogflow = MockServer::start().await;
//! Mock::given(matchers::path(
//!     "/v3/projects/shop/locations/global/agents/agent-1/sessions/conv-1:detectIntent",
//! ))
//! .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
//!     "queryResult": {"responseMessages": [
//!         {"text": {"text": ["Let me get you a human."]}},
//!         {"payload": {"action": {"name": "TRANSFER", "parameters": {"skill": "human"}}}}
//!     ]}
//! })))
//! .mount(&dialogflow)
//! .await;
//!
//! let config: DialogflowConfig = toml::from_str(&format!(r#"
//!     api = "cx"
//!     project_id = "shop"
//!     location = "global"
//!     agent_id = "agent-1"
//!     language_code = "en"
//!     base_url = "{}"
//!     [service_account]
//! "#, dialogflow.uri())).unwrap();
//! let DialogflowConfig::Cx(cx) = &config else { unreachable!() };
//! let engine = DialogflowEngine::cx(
//!     cx,
//!     reqwest::Client::new(),
//!     Arc::new(StaticToken::new(Secret::new("ya29.token"))),
//! )
//! .unwrap();
//!
//! let context = ConversationContext::new("bot-1".into(), "conv-1".into(), ChannelType::Messaging);
//! let event = InboundEvent::new(context, EventKind::ConsumerText { text: "agent please".into(), metadata: vec![] });
//! let reply = engine.handle(&event, &mut EngineSession::default()).await.unwrap();
//! assert_eq!(reply.outputs, [Output::text("Let me get you a human.")]);
//! assert_eq!(reply.actions, [connector_core::Action::transfer("human")]);
//! # });
//! ```
//!
//! With a service account, build from the configuration alone:
//! `DialogflowEngine::from_config(&config, client)` reads `service_account`
//! (`key_file`, or `client_email` + `private_key`) and fetches tokens itself.
#![deny(missing_docs)]

mod action;
mod auth;
mod config;
mod cx;
mod engine;
mod error;
mod es;
mod google;
mod http;
mod payload;
mod query;
mod reply;
mod upstream;
mod v1;

pub use auth::{ServiceAccountKey, ServiceAccountTokenSource, StaticToken, TokenSource};
pub use config::{
    CLOUD_PLATFORM_SCOPE, CxConfig, DEFAULT_REQUEST_TIMEOUT_SECS, DialogflowConfig, EsConfig,
    GOOGLE_TOKEN_URL, REQUEST_TIMEOUT_SECS_RANGE, ServiceAccountConfig, V1Config,
};
pub use engine::{ApiVersion, DialogflowEngine, TEST_CONNECTION_SESSION};
pub use error::{DialogflowError, codes};
pub use query::{CHAR_LIMIT_EVENT, WELCOME_EVENT};

/// The vocabulary, re-exported so users need not name `connector-core`.
pub use connector_core;
