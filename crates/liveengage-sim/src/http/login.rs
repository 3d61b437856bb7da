//! Login Service (login, refresh, logout) and the consumer IdP (signup).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use liveengage_proto::Secret;
use liveengage_proto::login::{CsrfBody, LoginConfig, LoginRequest, LoginResponse};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::{Failure, check_account, error, failure, json, parse_body};
use crate::oauth;
use crate::state::{Inner, Session, new_id, now_ms};

fn unauthorized(message: &str) -> Response {
    error(StatusCode::UNAUTHORIZED, message, 10)
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Verifies an `Authorization: OAuth …` login; returns the user's login.
fn oauth_login(
    inner: &Inner,
    headers: &HeaderMap,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let pairs = oauth::parse_header(value)?;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let consumer_key = get("oauth_consumer_key")?;
    let token = get("oauth_token")?;
    let signature = get("oauth_signature")?;
    if get("oauth_signature_method").as_deref() != Some("HMAC-SHA1") {
        return None;
    }
    let core = inner.lock();
    let user = core.config.users.iter().find(|u| {
        u.api_key
            .as_ref()
            .is_some_and(|k| k.app_key == consumer_key && k.access_token.expose() == token)
    })?;
    let key = user.api_key.as_ref()?;
    let mut params: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "oauth_signature" && k != "realm")
        .cloned()
        .collect();
    params.extend(query.map(oauth::parse_pairs).unwrap_or_default());
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        params.extend(oauth::parse_pairs(&String::from_utf8_lossy(body)));
    }
    let scheme = if core.tls { "https" } else { "http" };
    // The base URL uses the Host the client addressed, lower-cased.
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| core.host.clone(), str::to_ascii_lowercase);
    let base_url = format!("{scheme}://{host}{path}");
    let base = oauth::base_string("POST", &base_url, &params);
    oauth::verify(
        &base,
        key.secret.expose(),
        key.access_token_secret.expose(),
        &signature,
    )
    .then(|| user.login.clone())
}

/// Checks a JSON login body; returns the user's login.
fn body_login(inner: &Inner, request: &LoginRequest) -> Option<String> {
    let core = inner.lock();
    match request {
        LoginRequest::UserPassword { username, password } => core
            .user(username)
            .filter(|u| u.password == *password)
            .map(|u| u.login.clone()),
        LoginRequest::ApiKey {
            username,
            app_key,
            secret,
            access_token,
            access_token_secret,
        } => core
            .user(username)
            .filter(|u| {
                u.api_key.as_ref().is_some_and(|k| {
                    k.app_key == *app_key
                        && k.secret == *secret
                        && k.access_token == *access_token
                        && k.access_token_secret == *access_token_secret
                })
            })
            .map(|u| u.login.clone()),
        // SAML needs an identity provider the emulator does not have.
        _ => None,
    }
}

pub(crate) fn new_session(inner: &Inner, login: &str) -> (String, Session) {
    let mut core = inner.lock();
    let bearer = new_id().replace('-', "") + &new_id().replace('-', "");
    let session = Session {
        login: login.to_owned(),
        csrf: new_id().replace('-', "") + &new_id().replace('-', ""),
        cookie: new_id(),
        expires_at: Instant::now() + core.config.token_ttl,
    };
    core.sessions.insert(bearer.clone(), session.clone());
    (bearer, session)
}

pub(crate) async fn login(
    State(inner): State<Arc<Inner>>,
    Path(account): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    if let Some(status) = inner.lock().faults.take_login_failure() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED);
        return error(status, "Login failed (injected by le-sim)", 10);
    }
    let path = format!("/api/account/{account}/login");
    let login = if headers.contains_key(header::AUTHORIZATION) {
        oauth_login(&inner, &headers, &path, query.as_deref(), &body)
    } else {
        match parse_body::<LoginRequest>(&body) {
            Ok(request) => body_login(&inner, &request),
            Err(e) => return failure(e),
        }
    };
    let Some(login) = login else {
        tracing::info!(account, "login refused");
        return unauthorized("Invalid credentials");
    };
    let (bearer, session) = new_session(&inner, &login);
    let core = inner.lock();
    let user = core.user(&login).cloned();
    let ttl_ms = core.config.token_ttl.as_millis().to_string();
    let mut extra = Map::new();
    extra.insert("timeDiff".into(), json!(0));
    extra.insert("serverTimeZoneName".into(), json!("UTC"));
    extra.insert("serverTimeGMTDiff".into(), json!(0));
    extra.insert("isLPA".into(), json!(false));
    extra.insert("isAdmin".into(), json!(false));
    extra.insert("accountTimeZoneId".into(), json!("UTC"));
    let response = LoginResponse {
        csrf: Some(Secret::new(session.csrf.clone())),
        wsuk: Some(now_ms().to_string()),
        config: LoginConfig {
            login_name: Some(login.clone()),
            user_id: user.as_ref().map(|u| u.user_id.clone()).unwrap_or_default(),
            user_pid: Some(core.pid(&login)),
            user_privileges: Some(vec![]),
            server_current_time: Some(now_ms()),
            extra,
        },
        csds_collection_response: Some(super::csds::response(&account, &core.host)),
        account_data: Some(
            json!({"agentGroupsData":{"items":[{"id":-1,"deleted":false,"name":"Main Group"}],"revision":1}}),
        ),
        session_ttl: Some(ttl_ms),
        bearer: Secret::new(bearer),
        extra: Map::new(),
    };
    drop(core);
    tracing::info!(account, login, "login");
    let mut reply = json(
        StatusCode::OK,
        serde_json::to_value(response).unwrap_or(Value::Null),
    );
    if let Ok(value) =
        HeaderValue::from_str(&format!("Session_id={}; Path=/; HttpOnly", session.cookie))
    {
        reply.headers_mut().insert(header::SET_COOKIE, value);
    }
    reply
}

/// Finds the session of a refresh or logout request (csrf + cookie).
fn session_of(inner: &Inner, headers: &HeaderMap, body: &[u8]) -> Result<String, Failure> {
    let csrf: CsrfBody = parse_body(body)?;
    let cookie = cookie(headers, "Session_id")
        .ok_or_else(|| (401, "Missing Session_id cookie".to_owned()))?;
    let core = inner.lock();
    core.sessions
        .iter()
        .find(|(_, s)| {
            s.cookie == cookie && s.csrf == csrf.csrf.expose() && s.expires_at > Instant::now()
        })
        .map(|(bearer, _)| bearer.clone())
        .ok_or_else(|| (401, "Invalid csrf or session".to_owned()))
}

pub(crate) async fn refresh(
    State(inner): State<Arc<Inner>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    match session_of(&inner, &headers, &body) {
        Ok(bearer) => {
            let mut core = inner.lock();
            let ttl = core.config.token_ttl;
            if let Some(session) = core.sessions.get_mut(&bearer) {
                session.expires_at = Instant::now() + ttl;
                tracing::info!(account, login = session.login, "session refreshed");
            }
            json(StatusCode::OK, json!({}))
        }
        Err(e) => failure(e),
    }
}

pub(crate) async fn logout(
    State(inner): State<Arc<Inner>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    match session_of(&inner, &headers, &body) {
        Ok(bearer) => {
            if let Some(session) = inner.lock().sessions.remove(&bearer) {
                tracing::info!(account, login = session.login, "logout");
            }
            json(StatusCode::OK, json!({}))
        }
        Err(e) => failure(e),
    }
}

/// Issues a consumer JWT.
///
/// \[inferred\] The token is shaped like a JWT (`sub` = consumer id,
/// `aud` = `acc:{account}`, `iss` = `https://idp.liveperson.net`) but is
/// unsigned (`alg: none`): the emulator recognises the tokens it issued.
pub(crate) fn issue_consumer_jwt(inner: &Inner, account: &str) -> (String, String) {
    let consumer_id = new_id();
    let now = now_ms() / 1000;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let claims = json!({"sub": consumer_id, "aud": format!("acc:{account}"), "iss": "https://idp.liveperson.net", "iat": now, "exp": now + 3600});
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let jwt = format!("{header}.{payload}.");
    inner
        .lock()
        .consumers
        .insert(jwt.clone(), consumer_id.clone());
    (jwt, consumer_id)
}

pub(crate) async fn signup(
    State(inner): State<Arc<Inner>>,
    Path(account): Path<String>,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    let (jwt, _) = issue_consumer_jwt(&inner, &account);
    (StatusCode::OK, axum::Json(json!({"jwt": jwt}))).into_response()
}
