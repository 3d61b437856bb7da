//! The bot user's login: CSDS discovery, then the Login Service.
//!
//! A small [`BearerProvider`] of our own until `liveengage-auth` lands; it is
//! the only place that knows how a bearer is obtained, so swapping it for the
//! shared authenticator touches this module and [`crate::assemble`] alone.

use std::sync::Mutex;

use async_trait::async_trait;
use connector_core::Secret;
use liveengage_messaging::{AgentLogin, BearerProvider, LoginError};
use liveengage_proto::csds::{CsdsResponse, services};
use liveengage_proto::login::LoginResponse;
use url::Url;

/// Where a login found the account's services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domains {
    /// `scheme://host[:port]` of the Login Service (`agentVep`).
    pub login_base: String,
    /// `ws(s)://host[:port]` of the messaging socket (`asyncMessagingEnt`).
    pub socket_base: Url,
}

/// Logs a bot user in with a login name and password.
pub struct PasswordLogin {
    http: reqwest::Client,
    csds: Url,
    account_id: String,
    username: String,
    password: Secret,
    cached: Mutex<Option<AgentLogin>>,
}

impl PasswordLogin {
    /// A login for `username` on `account_id`, discovering domains at `csds`.
    #[must_use]
    pub fn new(csds: Url, account_id: &str, username: &str, password: Secret) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(15))
                .build()
                .unwrap_or_default(),
            csds,
            account_id: account_id.to_owned(),
            username: username.to_owned(),
            password,
            cached: Mutex::new(None),
        }
    }

    /// Asks CSDS where the account's Login Service and messaging socket are.
    ///
    /// # Errors
    ///
    /// [`LoginError`] when CSDS cannot be reached or does not list them.
    pub async fn discover(&self) -> Result<Domains, LoginError> {
        let url = format!(
            "{}/api/account/{}/service/baseURI.json?version=1.0",
            self.csds.as_str().trim_end_matches('/'),
            self.account_id
        );
        let response = self.http.get(&url).send().await.map_err(network)?;
        let status = response.status();
        if !status.is_success() {
            return Err(LoginError {
                message: format!(
                    "CSDS answered {status} for account {}; check liveengage.account_id and liveengage.csds",
                    self.account_id
                ),
                transient: status.is_server_error(),
            });
        }
        let csds: CsdsResponse = response.json().await.map_err(|e| LoginError {
            message: format!("CSDS answered with an unexpected body: {e}"),
            transient: true,
        })?;
        let secure = self.csds.scheme() == "https";
        let find = |service: &str| {
            csds.find(service).map(str::to_owned).ok_or(LoginError {
                message: format!("CSDS does not list the {service} service for this account"),
                transient: false,
            })
        };
        let login_host = find(services::AGENT_VEP)?;
        let socket_host =
            find(services::ASYNC_MESSAGING_ENT).or_else(|_| find(services::FACADE_MSG))?;
        let socket_base = Url::parse(&format!(
            "{}://{socket_host}",
            if secure { "wss" } else { "ws" }
        ))
        .map_err(|e| LoginError {
            message: format!("CSDS listed an unusable messaging host {socket_host:?}: {e}"),
            transient: false,
        })?;
        Ok(Domains {
            login_base: format!("{}://{login_host}", if secure { "https" } else { "http" }),
            socket_base,
        })
    }

    async fn fresh_login(&self) -> Result<AgentLogin, LoginError> {
        let domains = self.discover().await?;
        let url = format!(
            "{}/api/account/{}/login?v=1.3",
            domains.login_base, self.account_id
        );
        // The user/password form of `LoginRequest`, written out so the
        // password never sits in a second secret type.
        let body = serde_json::json!({
            "username": self.username,
            "password": self.password.expose(),
        });
        let response = self
            .http
            .post(&url)
            .json(&body)
            .send()
            .await
            .map_err(network)?;
        let status = response.status();
        if !status.is_success() {
            return Err(LoginError {
                message: if status.as_u16() == 401 || status.as_u16() == 403 {
                    format!(
                        "the Login Service refused user {:?} ({status}); check liveengage.login",
                        self.username
                    )
                } else {
                    format!("the Login Service answered {status}")
                },
                transient: status.is_server_error() || status.as_u16() == 429,
            });
        }
        let answer: LoginResponse = response.json().await.map_err(|e| LoginError {
            message: format!("the Login Service answered with an unexpected body: {e}"),
            transient: true,
        })?;
        Ok(AgentLogin {
            bearer: Secret::new(answer.bearer.expose()),
            user_id: answer.config.user_id,
        })
    }
}

fn network(err: reqwest::Error) -> LoginError {
    LoginError {
        message: format!("cannot reach LiveEngage: {err}"),
        transient: true,
    }
}

#[async_trait]
impl BearerProvider for PasswordLogin {
    async fn login(&self, relogin: bool) -> Result<AgentLogin, LoginError> {
        if !relogin
            && let Ok(cached) = self.cached.lock()
            && let Some(login) = cached.as_ref()
        {
            return Ok(login.clone());
        }
        let login = self.fresh_login().await?;
        if let Ok(mut cached) = self.cached.lock() {
            *cached = Some(login.clone());
        }
        tracing::info!(user = %self.username, "logged in to LiveEngage");
        Ok(login)
    }
}
