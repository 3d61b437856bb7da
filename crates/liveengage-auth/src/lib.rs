//! Authentication of a LiveEngage **bot agent**: domain discovery through
//! CSDS (cached, refreshed), login to the Login Service with a user and
//! password or with an API key, periodic session refresh with csrf and the
//! `Session_id` cookie, re-login when a refresh fails or the UMS socket
//! closes for authentication reasons (4401, 4407, 1011), and logout on
//! shutdown; with LivePerson's recommended retry policy.
//!
//! - [`AuthConfig`] and [`Credentials`]: what to log in with, checked up
//!   front ([`ConfigError`] says what to fix). Credentials are
//!   [`Secret`](connector_core::Secret)s: never in `Debug` or logs.
//! - [`Authenticator`] – [`login`](Authenticator::login),
//!   [`refresh`](Authenticator::refresh), [`relogin`](Authenticator::relogin),
//!   [`on_socket_closed`](Authenticator::on_socket_closed),
//!   [`spawn_keep_alive`](Authenticator::spawn_keep_alive),
//!   [`shutdown`](Authenticator::shutdown), and the current [`Session`] on a
//!   watch channel ([`subscribe`](Authenticator::subscribe)).
//! - [`Domains`]: the CSDS answer (`service` → `host[:port]`).
//! - [`retry::RetryPolicy`]: no retry on 4xx except 429 (≥ 1 s), 5xx after
//!   5/10/15 s, then exponential backoff from 2 min with jitter, capped; a
//!   pure value, reusable by transports.
//! - [`AuthError`]: unauthorized, rate-limited, server, rejected, network,
//!   unexpected response, each with a stable [`code`](AuthError::code)
//!   (`auth.csds`, `auth.login`, `auth.refresh`, `auth.logout`,
//!   `auth.config`, `auth.stopped`) and a message that says what to do.
//!
//! Base URLs are configurable: https in production; `http://` only with
//! [`AuthConfig::allow_http`]. Which CAs are trusted is a
//! [`Trust`] ([`AuthConfig::with_trust`]): give the
//! one the messaging transport and the engines use, e.g. with the local
//! emulator's generated CA added.
//!
//! External crates: `reqwest` (one shared HTTP client, rustls), `oauth1-request`
//! (OAuth 1.0 HMAC-SHA1 signatures for API-key logins; maintained, so we do not
//! hand-roll the base string), `tokio` and `tokio-util` (timers, watch channel,
//! cancellation), `rand` (jitter), `url`, `serde_json`, `thiserror`, `tracing`;
//! wire shapes come from `liveengage-proto`, [`Secret`](connector_core::Secret)
//! and [`ErrorCode`](connector_core::ErrorCode) from `connector-core`.
//!
//! # Examples
//!
//! Log in against a stand-in server that answers as LiveEngage does:
//!
//! ```
//! use liveengage_auth::{AuthConfig, Authenticator, Credentials};
//! use wiremock::matchers::{method, path};
//! use wiremock::{Mock, MockServer, ResponseTemplate};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start().await;
//! let host = server.address().to_string();
//! Mock::given(method("GET"))
//!     .and(path("/api/account/12345678/service/baseURI.json"))
//!     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
//!         "baseURIs": [{"account": "12345678", "baseURI": host, "service": "agentVep"}]
//!     })))
//!     .mount(&server)
//!     .await;
//! Mock::given(method("POST"))
//!     .and(path("/api/account/12345678/login"))
//!     .respond_with(
//!         ResponseTemplate::new(200)
//!             .insert_header("set-cookie", "Session_id=c00k1e; Path=/; HttpOnly")
//!             .set_body_json(serde_json::json!({
//!                 "csrf": "d5d09d77", "bearer": "9cf66603", "sessionTTl": "28800000",
//!                 "config": {"userId": "1234567890", "userPid": "393c6873-756d-54af-86e1-8795d57eba14"}
//!             })),
//!     )
//!     .mount(&server)
//!     .await;
//!
//! let config = AuthConfig::new("12345678", Credentials::user_password("bot", "secret"))
//!     .with_csds_base(server.uri().parse()?)
//!     .allow_http(true);
//! let auth = Authenticator::new(config)?;
//! let session = auth.login().await?;
//! assert_eq!(session.bearer().expose(), "9cf66603");
//! assert_eq!(session.agent_id(), "12345678.1234567890");
//! assert!(!format!("{session:?}").contains("9cf66603"));
//!
//! auth.spawn_keep_alive(); // refresh every 5 min, re-login when that fails
//! // After the UMS socket closed with 4401: a new login (the server here
//! // answers with the same bearer).
//! let renewed = auth.on_socket_closed(4401).await?;
//! assert_eq!(renewed.generation(), 2);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod authenticator;
pub mod codes;
mod config;
mod credentials;
mod domains;
mod error;
mod http;
mod login;
mod oauth;
pub mod retry;
mod session;

pub use authenticator::{Authenticator, close_requires_relogin};
pub use config::{
    ApiKeyLogin, AuthConfig, ConfigError, DEFAULT_CSDS_BASE, RetryNotice, RetryObserver,
};
pub use connector_http::{Roots, Trust};
pub use credentials::Credentials;
pub use domains::Domains;
pub use error::{AuthError, Operation};
pub use session::Session;
