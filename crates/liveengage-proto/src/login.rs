//! Login Service bodies (on `agentVep`): login, refresh, logout, errors.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::csds::CsdsResponse;
use crate::secret::Secret;

/// `POST /api/account/{a}/login?v=1.3` body, one of three forms.
///
/// node-agent-sdk checks user/password first, then SAML, then the API key;
/// the forms do not overlap, so the order of decoding does not matter as
/// long as the richer form is tried first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum LoginRequest {
    /// "Application Login": the OAuth 1.0 key fields sent as plain JSON.
    #[serde(rename_all = "camelCase")]
    ApiKey {
        /// The bot user's login name.
        username: String,
        /// OAuth consumer key.
        app_key: String,
        /// OAuth consumer secret.
        secret: Secret,
        /// OAuth token.
        access_token: Secret,
        /// OAuth token secret.
        access_token_secret: Secret,
    },
    /// SAML; the SDK sends `jwt:"dummy"`.
    Saml {
        /// Ignored by the server (a hack against the agent vep).
        jwt: String,
        /// The SAML assertion.
        assertion: Secret,
    },
    /// User name and password.
    UserPassword {
        /// Login name.
        username: String,
        /// Password.
        password: Secret,
    },
}

/// `config` of a login answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginConfig {
    /// Login name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_name: Option<String>,
    /// Legacy user id; node-agent-sdk fails without it.
    pub user_id: String,
    /// Participant id (UUID); not in the doc example but read by every client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_pid: Option<String>,
    /// Privileges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_privileges: Option<Vec<i64>>,
    /// Server time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_current_time: Option<i64>,
    /// Fields this crate does not know (`timeDiff`, `isAdmin`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The login answer (200). The `Session_id` cookie comes in `Set-Cookie`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    /// Needed for refresh and logout; node-agent-sdk refreshes only if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf: Option<Secret>,
    /// Opaque.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wsuk: Option<String>,
    /// User details.
    pub config: LoginConfig,
    /// The CSDS list again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csds_collection_response: Option<CsdsResponse>,
    /// Agent groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_data: Option<Value>,
    /// Session TTL in ms, as a string.
    #[serde(
        rename = "sessionTTl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub session_ttl: Option<String>,
    /// The bearer token for the WebSocket path and `Authorization: Bearer`.
    pub bearer: Secret,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"csrf":"…"}`: the body of refresh and logout (with the `Session_id` cookie).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsrfBody {
    /// The csrf of the login answer.
    pub csrf: Secret,
}

/// The detail of a Login Service error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// Server time, free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// What went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// LivePerson's code (node-agent-sdk HEAD uses it as the error code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_code: Option<i64>,
    /// e.g. `UNAUTHORIZED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `error` is an object on 401s and a bare string in some 500s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorValue {
    /// `{"time":…,"message":…,"internalCode":…}`.
    Detail(ErrorDetail),
    /// `"LeLogin1 failed - …"`.
    Message(String),
}

/// `{"error":…}`: Login Service and Chat Agent API errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorValue,
}

impl ErrorBody {
    /// An object-form error.
    #[must_use]
    pub fn new(
        message: impl Into<String>,
        internal_code: i64,
        response_status: impl Into<String>,
    ) -> Self {
        Self {
            error: ErrorValue::Detail(ErrorDetail {
                time: None,
                message: Some(message.into()),
                internal_code: Some(internal_code),
                response_status: Some(response_status.into()),
                extra: Map::new(),
            }),
        }
    }
}
