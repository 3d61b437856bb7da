//! Amazon Lex as a LiveEngage bot engine: Lex **V2** (`RecognizeText`) and
//! Lex **V1** (`PostText`), speaking LivePerson's Lex conventions so bots
//! built for LivePerson's Third-Party Bots connector work unchanged.
//!
//! | | V2 | V1 (AWS support ended 2025-09-15) |
//! |---|---|---|
//! | Call | `POST /bots/{botId}/botAliases/{aliasId}/botLocales/{locale}/sessions/{conv}/text` | `POST /bot/{name}/alias/{alias}/user/{conv}/text` |
//! | Auth | SigV4 (service `lex`) | SigV4 (service `lex`) |
//! | Context sent | `requestAttributes["BC-LP-CONTEXT"]` = JSON string of `{lpEvent, lpSdes}` | same |
//! | State | `sessionState` (attributes + `convId`, dialog) kept in the `EngineSession` | `sessionAttributes` (+ `convId`) kept in the `EngineSession` |
//! | Texts | `PlainText` messages | `message` with `messageFormat` `PlainText` (and `Composite` groups) |
//! | Structured content, quick replies, delay, private text, encoded metadata, actions | `CustomPayload` messages | `CustomPayload` messages |
//! | Response cards | `ImageResponseCard` → structured content | `responseCard` → structured content |
//! | Escalation | intent state `Failed` → [`codes::DIALOG_FAILED`] | `dialogState` `Failed` → [`codes::DIALOG_FAILED`] |
//!
//! Every call has a timeout (`request_timeout_secs`, 20 s by default, 1 to
//! 300 s); answers are read up to 1 MiB
//! ([`connector_http::DEFAULT_BODY_LIMIT`]); error messages name the status
//! and the documented Lex exception, never text of the answer (they reach the
//! dashboard and the management API).
//!
//! The guide `docs/engines/lex.md` explains how to build a bot for each output
//! and action, and lists the error codes.
//!
//! Dependencies: `aws-sigv4` and `aws-credential-types` (AWS's own SigV4
//! signer: no TLS stack of their own, and signatures checked against
//! botocore's), `reqwest` (one shared HTTP client), `connector-http` (bounded
//! body reads), hand-written `serde` types
//! (the generated Lex SDK crates reject the `null` slot values Lex returns),
//! `percent-encoding` (session ids in paths encoded as the AWS SDKs do),
//! `tokio` `time`, `url`, `thiserror`, `tracing` and `async-trait`, with
//! `connector-core` for the vocabulary. The optional feature
//! `default-credentials` adds `aws-config` for the AWS default credential
//! chain (environment, profile, SSO, instance and container roles, web
//! identity): `cargo build --features engine-lex/default-credentials`.
//!
//! # Examples
//!
//! A V2 bot answering through a local mock of Lex (tests and this example
//! point `base_url` at it; in production leave it out):
//!
//! ```
//! use connector_core::{Action, BotEngine, ChannelType, ConversationContext, EngineSession, EventKind, InboundEvent, Output};
//! use engine_lex::{LexConfig, LexEngine};
//! use wiremock::{Mock, MockServer, ResponseTemplate, matchers};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let lex = MockServer::start().await;
//! Mock::given(matchers::path(
//!     "/bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_US/sessions/conv-1/text",
//! ))
//! .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
//!     "messages": [
//!         {"contentType": "PlainText", "content": "Let me get you a human."},
//!         {"contentType": "CustomPayload",
//!          "content": "{\"type\":\"ACTION\",\"params\":{\"action\":\"TRANSFER\",\"data\":{\"skill\":\"human\"}}}"}
//!     ],
//!     "sessionState": {"intent": {"name": "Agent", "state": "Fulfilled", "slots": {"Topic": null}}}
//! })))
//! .mount(&lex)
//! .await;
//!
//! let config: LexConfig = toml::from_str(&format!(r#"
//!     api = "v2"
//!     region = "us-east-1"
//!     bot_id = "ABCDEFGHIJ"
//!     bot_alias_id = "TSTALIASID"
//!     locale_id = "en_US"
//!     base_url = "{}"
//!     [credentials]
//!     access_key_id = "AKIDEXAMPLE"
//!     secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
//! "#, lex.uri())).unwrap();
//! let engine = LexEngine::from_config(&config, reqwest::Client::new()).unwrap();
//!
//! let context = ConversationContext::new("bot-1".into(), "conv-1".into(), ChannelType::Messaging);
//! let event = InboundEvent::new(context, EventKind::ConsumerText { text: "agent please".into(), metadata: vec![] });
//! let reply = engine.handle(&event, &mut EngineSession::default()).await.unwrap();
//! assert_eq!(reply.outputs, [Output::text("Let me get you a human.")]);
//! assert_eq!(reply.actions, [Action::transfer("human")]);
//! # });
//! ```
#![deny(missing_docs)]

mod action;
mod card;
mod config;
mod credentials;
mod engine;
mod error;
mod exception;
mod http;
mod message;
mod payload;
mod session;
mod sigv4;
mod upstream;
mod v1;
mod v2;

pub use config::{
    DEFAULT_REQUEST_TIMEOUT_SECS, LexConfig, REQUEST_TIMEOUT_SECS_RANGE, StaticCredentials,
    V1Config, V2Config, WELCOME_TEXT,
};
pub use engine::{LexApi, LexEngine, TEST_CONNECTION_SESSION};
pub use error::{LexError, codes};
pub use exception::LexException;
pub use session::LP_CONTEXT_ATTRIBUTE;

/// The vocabulary, re-exported so users need not name `connector-core`.
pub use connector_core;
