//! IBM Watson Assistant as a LiveEngage bot engine.
//!
//! [`WatsonEngine`] implements [`connector_core::BotEngine`] for Watson
//! Assistant **v2** (a Watson session per conversation, re-created when Watson
//! says it expired, or the stateless endpoint) and the legacy **v1** workspace
//! API (the context travels with every turn). It speaks LivePerson's Watson
//! conventions, so bots built for LivePerson's Third-Party Bots connector work
//! unchanged:
//!
//! - **In:** the consumer's text (newline, tab and CR removed), the file and
//!   rich-content identifier strings, an empty text for the welcome event, and
//!   `convId`, `lpEvent`, `lpSdes` in the Watson context.
//! - **Out:** `output.generic` `text` (with `selection_policy`), `option` and
//!   `suggestion` (quick replies on messaging, a numbered list on chat),
//!   `image` (structured content), `pause` (delay, typing), `search` (text with
//!   links), JSON structured content and private text in text values,
//!   per-message and sticky (`context.encodedMetadata`) encoded metadata; the
//!   `actions[]` client actions `TRANSFER`, `CLOSE_CONVERSATION`, `CHANGE_TTR`
//!   and `INVOCATION`. Every action is reported; the runtime's validation
//!   rejects more than one.
//! - **Auth:** IBM Cloud IAM (token cached, refreshed at 80 % of its lifetime or
//!   after a 401, one refresh at a time), Basic `apikey:<key>`, Basic
//!   username/password, or a bearer token.
//! - **Errors:** [`EngineError`](connector_core::EngineError)s with the codes in
//!   [`codes`]: transient for timeouts, 429 and 5xx; permanent for other 4xx
//!   and unreadable answers. Messages carry the HTTP status, IAM's error code
//!   and the transaction id, never text of the answer (they reach the
//!   dashboard and the management API).
//! - **Limits:** every call to Watson or IAM has a timeout
//!   (`request_timeout_secs`, 20 s by default, 1 to 300 s); answers are read
//!   up to 1 MiB ([`connector_http::DEFAULT_BODY_LIMIT`]); an IAM token's
//!   lifetime counts for at most 24 h, a `Retry-After` for at most 300 s.
//!
//! The guide is `docs/engines/watson.md`: configuration, how to build each
//! output and action in Watson, limits, and LivePerson's error codes.
//!
//! Dependencies: `connector-core` (the engine contract), `connector-http`
//! (bounded body reads), `reqwest` (HTTP; one
//! client shared by IAM and Watson calls, injectable with
//! [`WatsonEngine::with_client`]), `serde`/`serde_json` (hand-written, tolerant
//! wire types; no IBM SDK exists for Rust), `tokio` (`sync::Mutex` so one
//! token refresh runs at a time, `time::Instant` so token expiry follows tokio's
//! clock), `url` (base URLs), `thiserror` (the configuration error),
//! `tracing` (logs with Watson's `X-Global-Transaction-Id`) and `async-trait`.
//!
//! # Examples
//!
//! A v2 bot answering through a local mock of Watson:
//!
//! ```
//! use connector_core::{BotEngine, ChannelType, ConversationContext, EngineSession, EventKind, InboundEvent, Output};
//! use engine_watson::{AuthConfig, WatsonConfig, WatsonEngine};
//! use wiremock::matchers::{method, path};
//! use wiremock::{Mock, MockServer, ResponseTemplate};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let watson = MockServer::start().await;
//! Mock::given(method("POST")).and(path("/v2/assistants/my-assistant/sessions"))
//!     .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"session_id": "s-1"})))
//!     .mount(&watson).await;
//! Mock::given(method("POST")).and(path("/v2/assistants/my-assistant/sessions/s-1/message"))
//!     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
//!         "output": {"generic": [{"response_type": "text", "text": "Hello from Watson"}]}
//!     })))
//!     .mount(&watson).await;
//!
//! let config = WatsonConfig::v2(
//!     watson.uri().parse().unwrap(),
//!     "my-assistant",
//!     AuthConfig::ApiKey { apikey: "my-api-key".into() },
//! );
//! let engine = WatsonEngine::new(&config).unwrap();
//! let ctx = ConversationContext::new("bot-1".into(), "conv-1".into(), ChannelType::Messaging);
//! let event = InboundEvent::new(ctx, EventKind::ConsumerText { text: "hi".into(), metadata: vec![] });
//! let mut session = EngineSession::default();
//! let reply = engine.handle(&event, &mut session).await.unwrap();
//! assert_eq!(reply.outputs, [Output::text("Hello from Watson")]);
//! # });
//! ```
#![deny(missing_docs)]

mod auth;
mod config;
mod engine;
mod error;
mod http;
mod inbound;
mod parse;
mod state;
mod status;
mod upstream;
mod v1;
mod v2;
mod wire;

pub use config::{
    AuthConfig, DEFAULT_IAM_URL, DEFAULT_REQUEST_TIMEOUT, DEFAULT_V1_VERSION, DEFAULT_V2_VERSION,
    REQUEST_TIMEOUT_SECS_RANGE, WatsonApi, WatsonConfig,
};
pub use connector_core;
pub use engine::WatsonEngine;
pub use error::{WatsonError, codes};
