//! The TLS and HTTP settings that every connection of a bot connector
//! shares, so that they are decided once:
//!
//! - **One crypto provider.** [`crypto_provider`] is rustls' `aws-lc-rs`
//!   provider (the one `reqwest`, `jsonwebtoken` and the AWS SDK already
//!   use). Every TLS configuration this crate builds names it explicitly,
//!   so nothing depends on rustls guessing a process default; a program
//!   should still call [`install_crypto_provider`] first thing in `main`,
//!   for libraries that do ask rustls for the process default.
//! - **One trust configuration.** [`Trust`]: the root certificates to
//!   trust ([`Roots::Webpki`], Mozilla's list compiled in, or
//!   [`Roots::Native`], the operating system's store, which honours
//!   `SSL_CERT_FILE` and `SSL_CERT_DIR`), plus any extra CA certificates (a
//!   private CA, or the local emulator's generated one). The same value
//!   builds the rustls client configuration of the messaging WebSocket
//!   ([`Trust::client_config`]) and the HTTP clients of CSDS, the login,
//!   the chat REST API and the engines ([`Trust::http_client_builder`]).
//! - **Bounded reads.** [`read_body`] reads a response body up to a size
//!   cap: an upstream service cannot make the connector buffer an unbounded
//!   answer.
//!
//! # Examples
//!
//! A program that builds its own binary from the crates:
//!
//! ```
//! use connector_http::{Roots, Trust};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! connector_http::install_crypto_provider();
//! let trust = Trust::new(Roots::Webpki)?;
//! let http = trust.http_client_builder().build()?;
//! // The messaging transport's socket uses the same trust:
//! let tls: std::sync::Arc<rustls::ClientConfig> = trust.client_config();
//! # drop((http, tls));
//! # Ok(())
//! # }
//!
//! /// The operator's private CA on top of the system's roots.
//! fn with_private_ca(pem_file: &std::path::Path) -> Result<Trust, Box<dyn std::error::Error>> {
//!     let pem = std::fs::read(pem_file)?;
//!     Ok(Trust::new(Roots::Native)?.with_extra_ca_pem(&pem)?)
//! }
//! ```
//!
//! External crates: `rustls` (TLS, with the `aws-lc-rs` provider),
//! `webpki-roots` (Mozilla's roots), `rustls-native-certs` (the system
//! store), `reqwest` (the HTTP client the transports and engines use).
#![deny(missing_docs)]

mod body;
mod describe;
mod trust;

pub use body::{BodyError, DEFAULT_BODY_LIMIT, read_body};
pub use describe::describe_error;
pub use trust::{Roots, TlsError, Trust, crypto_provider, install_crypto_provider};

/// The rustls version this crate configures (its `ClientConfig` is what
/// [`Trust::client_config`] returns).
pub use rustls;
