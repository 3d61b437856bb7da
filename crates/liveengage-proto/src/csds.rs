//! Domain discovery (CSDS): which host serves which service.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Service names that matter to a bot connector.
pub mod services {
    /// Login Service and the Chat Agent API.
    pub const AGENT_VEP: &str = "agentVep";
    /// UMS WebSocket (node-agent-sdk 1.2.0; consumer side too).
    pub const ASYNC_MESSAGING_ENT: &str = "asyncMessagingEnt";
    /// UMS WebSocket (node-agent-sdk HEAD).
    pub const FACADE_MSG: &str = "facadeMsg";
    /// Consumer identity (`/signup`).
    pub const IDP: &str = "idp";
    /// Messaging history REST.
    pub const MSG_HIST: &str = "msgHist";
    /// Account configuration (skills list).
    pub const ACCOUNT_CONFIG_READ_ONLY: &str = "accountConfigReadOnly";
}

/// One entry of `baseURIs`: `baseURI` is a bare `host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseUri {
    /// The account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// `host[:port]`, no scheme, no path.
    #[serde(rename = "baseURI")]
    pub base_uri: String,
    /// The service name (case-sensitive).
    pub service: String,
}

/// `GET /api/account/{a}/service/baseURI.json?version=1.0`.
///
/// The array must be present and non-empty: node-agent-sdk 1.2.0 crashes
/// the whole process on an answer without `baseURIs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CsdsResponse {
    /// The services.
    #[serde(rename = "baseURIs", default)]
    pub base_uris: Vec<BaseUri>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CsdsResponse {
    /// The host of `service`, if listed.
    #[must_use]
    pub fn find(&self, service: &str) -> Option<&str> {
        self.base_uris
            .iter()
            .find(|entry| entry.service == service)
            .map(|entry| entry.base_uri.as_str())
    }
}
