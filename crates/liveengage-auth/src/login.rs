//! The Login Service calls (on `agentVep`): login, refresh, logout.

use std::time::Duration;

use connector_core::Secret;
use liveengage_proto::csds::services;
use liveengage_proto::login::{CsrfBody, LoginResponse};
use reqwest::{Client, header};
use tokio::time::Instant;
use url::Url;

use crate::config::{ApiKeyLogin, AuthConfig};
use crate::domains::Domains;
use crate::error::{AuthError, Operation};
use crate::session::{Session, session_cookie};
use crate::{http, oauth};

/// `https://{agentVep}/api/account/{a}/{action}`.
fn endpoint(base: &Url, account_id: &str, action: &str, version: bool) -> Url {
    let mut url = base.clone();
    url.set_path(&format!("/api/account/{account_id}/{action}"));
    // Login and refresh carry `v=1.3` as node-agent-sdk sends them; the
    // logout page documents no version, so none is sent.
    url.set_query(version.then_some("v=1.3"));
    url
}

fn json_headers(request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    request
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
}

/// One login attempt. `generation` numbers the new session.
pub(crate) async fn login(
    config: &AuthConfig,
    client: &Client,
    domains: &Domains,
    generation: u64,
) -> Result<Session, AuthError> {
    let operation = Operation::Login;
    let Some(body) = config.credentials.login_request() else {
        return Err(AuthError::CannotRenew);
    };
    let base = domains.base_url(services::AGENT_VEP)?;
    let url = endpoint(&base, &config.account_id, "login", true);
    let mut request = json_headers(client.post(url.clone())).json(&body);
    if config.api_key_login == ApiKeyLogin::BodyAndSignature
        && let Some(value) = oauth::authorization("POST", &url, &config.credentials)
    {
        request = request.header(header::AUTHORIZATION, value);
    }
    tracing::debug!(account_id = %config.account_id, username = config.credentials.username(), "login");
    let response = http::send(operation, request).await?;
    let cookie = session_cookie(
        response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    );
    let text = http::text(operation, response).await?;
    let answer: LoginResponse =
        serde_json::from_str(&text).map_err(|e| AuthError::UnexpectedResponse {
            operation,
            reason: format!("not a login answer: {}", crate::http::json_shape_error(&e)),
        })?;
    if answer.bearer.expose().is_empty() || answer.config.user_id.is_empty() {
        return Err(AuthError::UnexpectedResponse {
            operation,
            reason: "`bearer` or `config.userId` is empty".to_owned(),
        });
    }
    // `sessionTTl` is milliseconds as a string [doc]; tolerate junk.
    let ttl = answer
        .session_ttl
        .as_deref()
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map(Duration::from_millis);
    Ok(Session {
        account_id: config.account_id.clone(),
        bearer: Secret::new(answer.bearer.expose()),
        csrf: answer.csrf.map(|c| Secret::new(c.expose())),
        cookie: cookie.map(Secret::new),
        user_id: answer.config.user_id,
        user_pid: answer.config.user_pid,
        generation,
        ttl,
        refreshed_at: Instant::now(),
        agent_vep: Some(base),
    })
}

/// The body and cookie of refresh and logout.
fn session_request(
    client: &Client,
    session: &Session,
    action: &str,
    version: bool,
    operation: Operation,
) -> Result<reqwest::RequestBuilder, AuthError> {
    let (Some(base), Some(csrf), Some(cookie)) = (
        session.agent_vep.as_ref(),
        session.csrf.as_ref(),
        session.cookie.as_ref(),
    ) else {
        return Err(AuthError::UnexpectedResponse {
            operation,
            reason: "the login answer had no csrf or no Session_id cookie, so the session cannot be refreshed or logged out".to_owned(),
        });
    };
    let url = endpoint(base, &session.account_id, action, version);
    let body = CsrfBody {
        csrf: liveengage_proto::Secret::new(csrf.expose()),
    };
    Ok(json_headers(client.post(url))
        .header(header::COOKIE, format!("Session_id={}", cookie.expose()))
        .json(&body))
}

/// `POST …/refresh?v=1.3` with `{csrf}` and the cookie. Success is any 2xx
/// (the body is empty or `{}`).
pub(crate) async fn refresh(client: &Client, session: &Session) -> Result<(), AuthError> {
    let request = session_request(client, session, "refresh", true, Operation::Refresh)?;
    http::send(Operation::Refresh, request).await.map(drop)
}

/// `POST …/logout` with `{csrf}` and the cookie.
pub(crate) async fn logout(client: &Client, session: &Session) -> Result<(), AuthError> {
    let request = session_request(client, session, "logout", false, Operation::Logout)?;
    http::send(Operation::Logout, request).await.map(drop)
}

/// The session of a fixed bearer token.
pub(crate) fn bearer_session(config: &AuthConfig, generation: u64) -> Option<Session> {
    let crate::Credentials::Bearer { token, user_id } = &config.credentials else {
        return None;
    };
    Some(Session {
        account_id: config.account_id.clone(),
        bearer: token.clone(),
        csrf: None,
        cookie: None,
        user_id: user_id.clone(),
        user_pid: None,
        generation,
        ttl: None,
        refreshed_at: Instant::now(),
        agent_vep: None,
    })
}
