//! What the authenticator needs to know, checked before anything is sent.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::credentials::Credentials;
use crate::retry::RetryPolicy;

/// node-agent-sdk's default CSDS host.
pub const DEFAULT_CSDS_BASE: &str = "https://adminlogin.liveperson.net";

/// How an API-key login is sent.
///
/// \[conflict\] The Login Service documents "Application Login" as the five
/// key fields in a plain JSON body, not signed; LivePerson's other API-key
/// APIs authenticate with an OAuth 1.0 HMAC-SHA1 `Authorization` header. The
/// default sends both: the documented body, and a signature over the request
/// (method, URL, `v=1.3`; a JSON body is not part of an OAuth 1.0 base
/// string), so a server that checks either accepts the login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ApiKeyLogin {
    /// JSON body plus `Authorization: OAuth …` (HMAC-SHA1).
    #[default]
    BodyAndSignature,
    /// Only the documented JSON body.
    BodyOnly,
}

/// Called for every retry the authenticator schedules (metrics, tests).
#[derive(Clone)]
pub struct RetryObserver(pub(crate) Arc<dyn Fn(&RetryNotice) + Send + Sync>);

impl RetryObserver {
    /// Wraps a callback.
    pub fn new(f: impl Fn(&RetryNotice) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }
}

impl fmt::Debug for RetryObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RetryObserver")
    }
}

/// One scheduled retry.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryNotice {
    /// The call that failed.
    pub operation: crate::Operation,
    /// Failed attempts so far (1 for the first failure).
    pub attempt: u32,
    /// How the last attempt failed.
    pub outcome: crate::retry::Outcome,
    /// The wait before the next attempt.
    pub delay: Duration,
}

/// A configuration mistake, saying what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No account id.
    #[error("account_id is empty; set it to the LiveEngage account (site) id, e.g. \"12345678\"")]
    EmptyAccountId,
    /// The account id has characters that cannot go in a URL path.
    #[error(
        "account_id {account_id:?} is not a LiveEngage account id; use letters and digits only"
    )]
    BadAccountId {
        /// The value given.
        account_id: String,
    },
    /// A credential field is empty.
    #[error(
        "credential field `{field}` is empty; set it (from a secret store, not the config file)"
    )]
    EmptyCredential {
        /// The field.
        field: &'static str,
    },
    /// A base URL is unusable.
    #[error("{name} {url:?} is not usable: {reason}")]
    BadUrl {
        /// Which setting.
        name: &'static str,
        /// The value.
        url: String,
        /// Why.
        reason: String,
    },
    /// Plain http outside tests.
    #[error(
        "{name} {url:?} uses http://; LiveEngage needs https://; call allow_http(true) only for a local emulator"
    )]
    InsecureUrl {
        /// Which setting.
        name: &'static str,
        /// The value.
        url: String,
    },
    /// A service override is not `host[:port]`.
    #[error(
        "service override for `{service}` is {value:?}; give a bare host[:port] as CSDS does, without scheme or path"
    )]
    BadServiceOverride {
        /// The service.
        service: String,
        /// The value.
        value: String,
    },
    /// A duration is out of range.
    #[error("{name} is {value:?}; {expected}")]
    BadDuration {
        /// Which setting.
        name: &'static str,
        /// The value.
        value: Duration,
        /// The range.
        expected: &'static str,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client ({reason})")]
    HttpClient {
        /// Why.
        reason: String,
    },
}

/// Everything the authenticator needs.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use liveengage_auth::{AuthConfig, Credentials};
///
/// let config = AuthConfig::new("12345678", Credentials::user_password("bot", "secret"))
///     .with_refresh_interval(Duration::from_secs(300));
/// assert!(config.validate().is_ok());
/// assert!(!format!("{config:?}").contains("secret"));
///
/// let local = AuthConfig::new("12345678", Credentials::user_password("bot", "secret"))
///     .with_csds_base("http://127.0.0.1:8080".parse().unwrap());
/// assert!(local.validate().unwrap_err().to_string().contains("allow_http"));
/// ```
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub(crate) account_id: String,
    pub(crate) credentials: Credentials,
    pub(crate) csds_base: Url,
    pub(crate) service_overrides: BTreeMap<String, String>,
    pub(crate) domains_ttl: Duration,
    pub(crate) refresh_interval: Duration,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) retry_observer: Option<RetryObserver>,
    pub(crate) api_key_login: ApiKeyLogin,
    pub(crate) allow_http: bool,
    pub(crate) trust: connector_http::Trust,
    pub(crate) user_agent: String,
}

impl AuthConfig {
    /// Defaults: CSDS at [`DEFAULT_CSDS_BASE`], domains cached 60 s (as
    /// node-agent-sdk), refresh every 5 min, 30 s per request,
    /// [`RetryPolicy::liveperson`], https only.
    #[must_use]
    pub fn new(account_id: impl Into<String>, credentials: Credentials) -> Self {
        Self {
            account_id: account_id.into(),
            credentials,
            csds_base: Url::parse(DEFAULT_CSDS_BASE)
                .unwrap_or_else(|_| unreachable!("the default CSDS base is a valid URL")),
            service_overrides: BTreeMap::new(),
            domains_ttl: Duration::from_secs(60),
            // node-agent-sdk refreshes every 10 min; LivePerson's docs
            // recommend 3-5 min. We take the docs' upper bound.
            refresh_interval: Duration::from_secs(300),
            request_timeout: Some(Duration::from_secs(30)),
            retry: RetryPolicy::liveperson(),
            retry_observer: None,
            api_key_login: ApiKeyLogin::default(),
            allow_http: false,
            trust: connector_http::Trust::default(),
            user_agent: format!(
                "bot-connectors-liveengage-auth/{}",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }

    /// The account id.
    #[must_use]
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The credentials.
    #[must_use]
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Where CSDS lives (scheme, host, port). Services it names are reached
    /// with the same scheme.
    #[must_use]
    pub fn with_csds_base(mut self, base: Url) -> Self {
        self.csds_base = base;
        self
    }

    /// Uses `host[:port]` for `service` instead of what CSDS says (as
    /// node-agent-sdk's `conf.domains`).
    #[must_use]
    pub fn with_service_override(
        mut self,
        service: impl Into<String>,
        host: impl Into<String>,
    ) -> Self {
        self.service_overrides.insert(service.into(), host.into());
        self
    }

    /// How long a CSDS answer is reused.
    #[must_use]
    pub fn with_domains_ttl(mut self, ttl: Duration) -> Self {
        self.domains_ttl = ttl;
        self
    }

    /// How often the session is refreshed.
    #[must_use]
    pub fn with_refresh_interval(mut self, interval: Duration) -> Self {
        self.refresh_interval = interval;
        self
    }

    /// The timeout of one HTTP request; `None` for none, which also turns off
    /// connection pooling (only for tests with a paused tokio clock, where a
    /// pending timeout or pool idle timer would fire at once).
    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The retry policy for CSDS and login.
    #[must_use]
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A callback told of every retry.
    #[must_use]
    pub fn with_retry_observer(mut self, observer: RetryObserver) -> Self {
        self.retry_observer = Some(observer);
        self
    }

    /// How API-key logins are sent.
    #[must_use]
    pub fn with_api_key_login(mut self, style: ApiKeyLogin) -> Self {
        self.api_key_login = style;
        self
    }

    /// Allows `http://` bases (tests against a local emulator only).
    #[must_use]
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// The root certificates CSDS, the login and the clients built on
    /// [`Authenticator::http_client`](crate::Authenticator::http_client)
    /// trust (default: Mozilla's roots). Give the same
    /// [`Trust`](connector_http::Trust) to the messaging transport and the
    /// engines, so every connection trusts the same CAs.
    #[must_use]
    pub fn with_trust(mut self, trust: connector_http::Trust) -> Self {
        self.trust = trust;
        self
    }

    /// The root certificates trusted.
    #[must_use]
    pub fn trust(&self) -> &connector_http::Trust {
        &self.trust
    }

    /// The `User-Agent` header.
    #[must_use]
    pub fn with_user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// The scheme for services CSDS names: the CSDS base's.
    pub(crate) fn service_scheme(&self) -> &str {
        self.csds_base.scheme()
    }

    /// Checks everything that can be checked without the network.
    ///
    /// # Errors
    ///
    /// The first [`ConfigError`] found.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.account_id.is_empty() {
            return Err(ConfigError::EmptyAccountId);
        }
        if !self.account_id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ConfigError::BadAccountId {
                account_id: self.account_id.clone(),
            });
        }
        self.credentials.validate()?;
        check_base("csds_base", &self.csds_base, self.allow_http)?;
        for (service, value) in &self.service_overrides {
            if !is_host_port(value) {
                return Err(ConfigError::BadServiceOverride {
                    service: service.clone(),
                    value: value.clone(),
                });
            }
        }
        check_duration(
            "refresh_interval",
            self.refresh_interval,
            Duration::from_secs(1),
            Duration::from_secs(8 * 3600),
            "use 1 s to 8 h (LivePerson recommends 3-5 min)",
        )?;
        if let Some(timeout) = self.request_timeout {
            check_duration(
                "request_timeout",
                timeout,
                Duration::from_millis(100),
                Duration::from_secs(600),
                "use 100 ms to 10 min",
            )?;
        }
        Ok(())
    }
}

fn check_base(name: &'static str, url: &Url, allow_http: bool) -> Result<(), ConfigError> {
    let bad = |reason: &str| ConfigError::BadUrl {
        name,
        url: url.to_string(),
        reason: reason.to_owned(),
    };
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => {
            return Err(ConfigError::InsecureUrl {
                name,
                url: url.to_string(),
            });
        }
        _ => return Err(bad("use https://host[:port]")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad("give scheme, host and port only; the paths are fixed"));
    }
    Ok(())
}

fn is_host_port(value: &str) -> bool {
    !value.is_empty()
        && !value.contains("://")
        && !value.contains('/')
        && Url::parse(&format!("https://{value}/"))
            .is_ok_and(|u| u.host_str().is_some() && u.path() == "/")
}

fn check_duration(
    name: &'static str,
    value: Duration,
    min: Duration,
    max: Duration,
    expected: &'static str,
) -> Result<(), ConfigError> {
    if value < min || value > max {
        Err(ConfigError::BadDuration {
            name,
            value,
            expected,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> AuthConfig {
        AuthConfig::new("12345678", Credentials::user_password("bot", "pw"))
    }

    #[test]
    fn defaults_are_valid_and_https() {
        let c = base();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.csds_base.as_str(), "https://adminlogin.liveperson.net/");
        assert_eq!(c.service_scheme(), "https");
    }

    #[test]
    fn errors_say_what_to_fix() {
        let e = AuthConfig::new("", Credentials::user_password("bot", "pw")).validate();
        assert_eq!(e, Err(ConfigError::EmptyAccountId));
        let e = AuthConfig::new("12/34", Credentials::user_password("bot", "pw")).validate();
        assert!(matches!(e, Err(ConfigError::BadAccountId { .. })));
        let url: Url = "http://127.0.0.1:9/"
            .parse()
            .unwrap_or_else(|_| unreachable!());
        let e = base().with_csds_base(url.clone()).validate();
        assert!(e.unwrap_err().to_string().contains("allow_http(true)"));
        assert_eq!(
            base().with_csds_base(url).allow_http(true).validate(),
            Ok(())
        );
        let with_path: Url = "https://x.example/api"
            .parse()
            .unwrap_or_else(|_| unreachable!());
        let e = base().with_csds_base(with_path).validate();
        assert!(e.unwrap_err().to_string().contains("paths are fixed"));
        let e = base()
            .with_service_override("agentVep", "https://x.example")
            .validate();
        assert!(matches!(e, Err(ConfigError::BadServiceOverride { .. })));
        assert_eq!(
            base()
                .with_service_override("agentVep", "127.0.0.1:8443")
                .validate(),
            Ok(())
        );
        let e = base()
            .with_refresh_interval(Duration::from_millis(5))
            .validate();
        assert!(e.unwrap_err().to_string().contains("refresh_interval"));
    }

    #[test]
    fn debug_shows_no_secret() {
        let c = AuthConfig::new(
            "1",
            Credentials::api_key("bot", "k", "SECRET-a", "SECRET-b", "SECRET-c"),
        );
        let shown = format!("{c:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
