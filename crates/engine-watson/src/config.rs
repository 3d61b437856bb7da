//! The engine configuration, as the bot-connector binary reads it from TOML.

use std::ops::RangeInclusive;
use std::time::Duration;

use connector_core::Secret;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::WatsonError;

/// The `version` date IBM's SDKs send for v1 calls when none is configured.
pub const DEFAULT_V1_VERSION: &str = "2021-11-27";
/// The `version` date IBM's SDKs send for v2 calls when none is configured.
pub const DEFAULT_V2_VERSION: &str = "2023-06-15";
/// IBM Cloud's IAM token endpoint.
pub const DEFAULT_IAM_URL: &str = "https://iam.cloud.ibm.com/identity/token";
/// How long one HTTP call to Watson or IAM may take, when not configured.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// The allowed `request_timeout_secs`: 1 to 300 seconds. There is no "no
/// timeout": a service that never answers would hold a conversation (and a
/// Test Connection) forever.
pub const REQUEST_TIMEOUT_SECS_RANGE: RangeInclusive<u64> = 1..=300;

/// Which Watson Assistant API the bot uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WatsonApi {
    /// The legacy workspace API (`/v1/workspaces/{workspace_id}/message`); the
    /// whole context travels with every turn.
    V1,
    /// The assistant API (`/v2/assistants/{assistant_id}/...`), with a session per
    /// conversation or stateless.
    V2,
}

/// How the engine authenticates to Watson.
///
/// In TOML: `[auth] type = "iam"` with `apikey` (and optionally `iam_url`),
/// `type = "apikey"` with `apikey` (HTTP Basic `apikey:<key>`), `type = "basic"`
/// with `username` and `password`, or `type = "bearer"` with `token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
#[non_exhaustive]
pub enum AuthConfig {
    /// IBM Cloud IAM: the API key is exchanged for a bearer token, which is
    /// cached and refreshed at 80 % of its lifetime or on a 401 (recommended).
    Iam {
        /// The service credentials' `apikey`.
        apikey: Secret,
        /// The token endpoint (LivePerson's "Token endpoint url"); default
        /// [`DEFAULT_IAM_URL`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        iam_url: Option<Url>,
    },
    /// HTTP Basic with the user name `apikey` and the API key as password.
    #[serde(rename = "apikey")]
    ApiKey {
        /// The service credentials' `apikey`.
        apikey: Secret,
    },
    /// HTTP Basic with the user name and password of old (Cloud Foundry) instances.
    Basic {
        /// The service user name.
        username: String,
        /// The service password.
        password: Secret,
    },
    /// A bearer token obtained elsewhere (e.g. a Cloud Pak for Data token).
    Bearer {
        /// The token, sent as `Authorization: Bearer <token>`.
        token: Secret,
    },
}

impl AuthConfig {
    /// IAM with the default token endpoint.
    #[must_use]
    pub fn iam(apikey: impl Into<Secret>) -> Self {
        Self::Iam {
            apikey: apikey.into(),
            iam_url: None,
        }
    }

    /// IAM with the token endpoint `iam_url` (e.g. a mock server in tests).
    #[must_use]
    pub fn iam_at(apikey: impl Into<Secret>, iam_url: Url) -> Self {
        Self::Iam {
            apikey: apikey.into(),
            iam_url: Some(iam_url),
        }
    }
}

/// The Watson engine's configuration.
///
/// # Examples
///
/// ```
/// let config: engine_watson::WatsonConfig = toml::from_str(r#"
///     api = "v2"
///     url = "https://api.eu-de.assistant.watson.cloud.ibm.com/instances/1234"
///     assistant_id = "a1b2c3"
///     [auth]
///     type = "iam"
///     apikey = "my-api-key"
/// "#).unwrap();
/// assert_eq!(config.version_date(), "2023-06-15");
/// assert!(format!("{config:?}").contains("***"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WatsonConfig {
    /// `v1` or `v2`.
    pub api: WatsonApi,
    /// The service instance URL (credentials' `url`), e.g.
    /// `https://api.eu-de.assistant.watson.cloud.ibm.com/instances/<id>`;
    /// `/v1/...` or `/v2/...` is appended.
    pub url: Url,
    /// v2: the assistant id (in the new watsonx experience, the environment id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistant_id: Option<String>,
    /// v1: the workspace (skill) id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// The `version` query parameter (`YYYY-MM-DD`); defaults to
    /// [`DEFAULT_V1_VERSION`] or [`DEFAULT_V2_VERSION`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// v2 only: use the stateless message endpoint and keep the whole context in
    /// the conversation's session state instead of a Watson session.
    #[serde(default)]
    pub stateless: bool,
    /// Credentials.
    pub auth: AuthConfig,
    /// Timeout of one HTTP call to Watson or IAM, in seconds: 1 to 300
    /// ([`REQUEST_TIMEOUT_SECS_RANGE`]). Absent: 20 ([`DEFAULT_REQUEST_TIMEOUT`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_timeout_secs: Option<u64>,
    /// Show only `output.generic` items without `channels`, or whose `channels`
    /// name this integration. Unset: show every item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

impl WatsonConfig {
    /// A v2 configuration for the assistant `assistant_id` at `url`.
    #[must_use]
    pub fn v2(url: Url, assistant_id: impl Into<String>, auth: AuthConfig) -> Self {
        Self {
            api: WatsonApi::V2,
            url,
            assistant_id: Some(assistant_id.into()),
            workspace_id: None,
            version: None,
            stateless: false,
            auth,
            request_timeout_secs: None,
            channel: None,
        }
    }

    /// A v1 configuration for the workspace `workspace_id` at `url`.
    #[must_use]
    pub fn v1(url: Url, workspace_id: impl Into<String>, auth: AuthConfig) -> Self {
        Self {
            api: WatsonApi::V1,
            url,
            assistant_id: None,
            workspace_id: Some(workspace_id.into()),
            version: None,
            stateless: false,
            auth,
            request_timeout_secs: None,
            channel: None,
        }
    }

    /// Uses the v2 stateless message endpoint.
    #[must_use]
    pub fn stateless(mut self) -> Self {
        self.stateless = true;
        self
    }

    /// Sets the `version` date.
    #[must_use]
    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Sets the per-call timeout, in whole seconds (a shorter one counts as
    /// 1 s). The engine accepts 1 to 300 s ([`REQUEST_TIMEOUT_SECS_RANGE`]).
    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout_secs = Some(timeout.as_secs().max(1));
        self
    }

    /// Shows only generic items meant for `channel` (or for no channel in particular).
    #[must_use]
    pub fn with_channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = Some(channel.into());
        self
    }

    /// The `version` date sent with every call.
    #[must_use]
    pub fn version_date(&self) -> &str {
        match (&self.version, self.api) {
            (Some(v), _) => v,
            (None, WatsonApi::V1) => DEFAULT_V1_VERSION,
            (None, WatsonApi::V2) => DEFAULT_V2_VERSION,
        }
    }

    /// The per-call timeout: `request_timeout_secs`, or
    /// [`DEFAULT_REQUEST_TIMEOUT`]. The engine rejects a value outside
    /// [`REQUEST_TIMEOUT_SECS_RANGE`] when it is built.
    #[must_use]
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout_secs
            .map_or(DEFAULT_REQUEST_TIMEOUT, Duration::from_secs)
    }

    /// Checks the configuration and returns the id of the assistant or workspace.
    pub(crate) fn check(&self) -> Result<String, WatsonError> {
        if !matches!(self.url.scheme(), "http" | "https") || self.url.cannot_be_a_base() {
            return Err(WatsonError::invalid(
                "url",
                "must be an http(s) URL such as https://api.us-south.assistant.watson.cloud.ibm.com/instances/<id>",
            ));
        }
        if let Some(secs) = self.request_timeout_secs
            && !REQUEST_TIMEOUT_SECS_RANGE.contains(&secs)
        {
            return Err(WatsonError::invalid(
                "request_timeout_secs",
                format!(
                    "is {secs}; write a number of seconds from {} to {} (default 20; there is no \"no timeout\")",
                    REQUEST_TIMEOUT_SECS_RANGE.start(),
                    REQUEST_TIMEOUT_SECS_RANGE.end()
                ),
            ));
        }
        let version = self.version_date();
        if !is_version_date(version) {
            return Err(WatsonError::invalid(
                "version",
                format!("is `{version}`; write a date as YYYY-MM-DD, e.g. {DEFAULT_V2_VERSION}"),
            ));
        }
        match &self.auth {
            AuthConfig::Iam { apikey, .. } | AuthConfig::ApiKey { apikey } if apikey.is_empty() => {
                return Err(WatsonError::invalid("auth.apikey", "is empty"));
            }
            AuthConfig::Basic { username, .. } if username.is_empty() => {
                return Err(WatsonError::invalid("auth.username", "is empty"));
            }
            AuthConfig::Bearer { token } if token.is_empty() => {
                return Err(WatsonError::invalid("auth.token", "is empty"));
            }
            _ => {}
        }
        let (field, id, other) = match self.api {
            WatsonApi::V1 => ("workspace_id", &self.workspace_id, "v2 uses assistant_id"),
            WatsonApi::V2 => ("assistant_id", &self.assistant_id, "v1 uses workspace_id"),
        };
        if self.stateless && self.api == WatsonApi::V1 {
            return Err(WatsonError::invalid(
                "stateless",
                "applies to api = \"v2\" only; v1 is always stateless",
            ));
        }
        match id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => Ok(id.to_owned()),
            _ => Err(WatsonError::invalid(
                field,
                format!("is required for api = \"{}\" ({other})", self.api_name()),
            )),
        }
    }

    fn api_name(&self) -> &'static str {
        match self.api {
            WatsonApi::V1 => "v1",
            WatsonApi::V2 => "v2",
        }
    }
}

fn is_version_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<WatsonConfig, toml::de::Error> {
        toml::from_str(s)
    }

    #[test]
    fn every_auth_form_parses_from_toml() {
        let base = "api = \"v1\"\nurl = \"https://w.example/instances/1\"\nworkspace_id = \"ws\"\n";
        let iam = parse(&format!("{base}[auth]\ntype = \"iam\"\napikey = \"k\"\n")).unwrap();
        assert_eq!(
            iam.auth,
            AuthConfig::Iam {
                apikey: "k".into(),
                iam_url: None
            }
        );
        let key = parse(&format!(
            "{base}[auth]\ntype = \"apikey\"\napikey = \"k\"\n"
        ))
        .unwrap();
        assert_eq!(key.auth, AuthConfig::ApiKey { apikey: "k".into() });
        let basic = parse(&format!(
            "{base}[auth]\ntype = \"basic\"\nusername = \"u\"\npassword = \"p\"\n"
        ))
        .unwrap();
        assert_eq!(
            basic.auth,
            AuthConfig::Basic {
                username: "u".into(),
                password: "p".into()
            }
        );
        let bearer = parse(&format!("{base}[auth]\ntype = \"bearer\"\ntoken = \"t\"\n")).unwrap();
        assert_eq!(bearer.auth, AuthConfig::Bearer { token: "t".into() });
        assert_eq!(bearer.version_date(), DEFAULT_V1_VERSION);
        assert_eq!(bearer.check().unwrap(), "ws");
    }

    #[test]
    fn unknown_keys_are_named_in_the_error() {
        let err = parse(
            "api = \"v2\"\nurl = \"https://w.example\"\nassistant_id = \"a\"\nassistent = 1\n[auth]\ntype = \"bearer\"\ntoken = \"t\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("assistent"), "{err}");
        let err = parse(
            "api = \"v2\"\nurl = \"https://w.example\"\nassistant_id = \"a\"\n[auth]\ntype = \"iam\"\napikey = \"k\"\ntoken_url = \"x\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("token_url"), "{err}");
    }

    #[test]
    fn check_names_the_bad_field() {
        let url: Url = "https://w.example".parse().unwrap();
        let auth = AuthConfig::Bearer { token: "t".into() };
        let mut v2 = WatsonConfig::v2(url.clone(), "a", auth.clone());
        v2.assistant_id = None;
        assert!(
            v2.check()
                .unwrap_err()
                .to_string()
                .contains("`assistant_id`")
        );
        let bad_date = WatsonConfig::v1(url.clone(), "w", auth.clone()).with_version("2021/11/27");
        assert!(
            bad_date
                .check()
                .unwrap_err()
                .to_string()
                .contains("`version`")
        );
        let stateless_v1 = WatsonConfig::v1(url.clone(), "w", auth).stateless();
        assert!(
            stateless_v1
                .check()
                .unwrap_err()
                .to_string()
                .contains("`stateless`")
        );
        let empty_key = WatsonConfig::v2(url, "a", AuthConfig::iam(""));
        assert!(
            empty_key
                .check()
                .unwrap_err()
                .to_string()
                .contains("`auth.apikey`")
        );
    }
}
