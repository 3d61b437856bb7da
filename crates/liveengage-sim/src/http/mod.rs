//! The HTTP side of the single listener: CSDS, Login Service, IdP, Chat
//! Agent API, the WebSocket upgrades, and the `/sim` admin and visitor API.

mod admin;
mod chat_api;
mod csds;
pub(crate) mod login;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use liveengage_proto::login::ErrorBody;
use serde_json::Value;

use crate::state::Inner;
use crate::ws;

/// A JSON answer.
pub(crate) fn json(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// The `{"error":{…}}` answer of LivePerson's REST services.
pub(crate) fn error(status: StatusCode, message: &str, internal_code: i64) -> Response {
    let response_status = status
        .canonical_reason()
        .unwrap_or("ERROR")
        .to_ascii_uppercase()
        .replace(' ', "_");
    let body = serde_json::to_value(ErrorBody::new(message, internal_code, response_status))
        .unwrap_or(Value::Null);
    json(status, body)
}

/// An error from a `(code, message)` failure.
pub(crate) fn failure((code, message): (u16, String)) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    // The Login Service documents internalCode 10 for its 401s.
    let internal = if code == 401 { 10 } else { i64::from(code) };
    error(status, &message, internal)
}

/// A `(status, message)` failure, turned into a response by [`failure`].
pub(crate) type Failure = (u16, String);

/// The bearer of `Authorization: Bearer …`, if valid; returns its login.
pub(crate) fn bearer_login(inner: &Inner, headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    inner.lock().session(token.trim()).map(|s| s.login.clone())
}

/// Parses a JSON body leniently: an empty body is `{}`.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Failure> {
    let text = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| (400, format!("Malformed JSON body: {e}")))
}

async fn delay(State(inner): State<Arc<Inner>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/sim/") {
        return next.run(request).await;
    }
    if let Some(d) = inner.delay() {
        tokio::time::sleep(d).await;
    }
    let fault = inner
        .lock()
        .faults
        .take_http(request.method().as_str(), &path);
    match fault {
        Some(crate::faults::HttpFault::Fail(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            error(
                status,
                "Injected failure (le-sim fault)",
                i64::from(status.as_u16()),
            )
        }
        Some(crate::faults::HttpFault::Drop(hold)) => {
            let response = next.run(request).await;
            tokio::time::sleep(hold).await;
            response
        }
        None => next.run(request).await,
    }
}

/// The whole router.
pub(crate) fn router(inner: Arc<Inner>) -> Router {
    Router::new()
        .route(
            "/api/account/{account}/service/baseURI.json",
            get(csds::all),
        )
        .route(
            "/csdr/account/{account}/service/baseURI.json",
            get(csds::all),
        )
        .route(
            "/api/account/{account}/service/{service}/baseURI.json",
            get(csds::one),
        )
        .route(
            "/csdr/account/{account}/service/{service}/baseURI.json",
            get(csds::one),
        )
        .route("/api/account/{account}/login", post(login::login))
        .route("/api/account/{account}/refresh", post(login::refresh))
        .route("/api/account/{account}/logout", post(login::logout))
        .route("/api/account/{account}/signup", post(login::signup))
        .route("/api/account/{account}/agentSession", any(chat_api::root))
        .route(
            "/api/account/{account}/agentSession.json",
            any(chat_api::root),
        )
        .route(
            "/api/account/{account}/agentSession/{*rest}",
            any(chat_api::nested),
        )
        .route(
            "/ws_api/account/{account}/messaging/brand/{bearer}",
            get(ws::agent::upgrade),
        )
        .route(
            "/ws_api/account/{account}/messaging/consumer",
            get(ws::consumer::upgrade),
        )
        .route("/sim/admin/faults", post(admin::faults))
        .route("/sim/admin/transcripts", get(admin::transcripts))
        .route("/sim/admin/transcripts/{id}", get(admin::transcript))
        .route("/sim/account/{account}/chats", post(admin::start_chat))
        .route(
            "/sim/account/{account}/chats/{chat}/lines",
            post(admin::visitor_line),
        )
        .route(
            "/sim/account/{account}/chats/{chat}/end",
            post(admin::visitor_end),
        )
        .route(
            "/sim/account/{account}/chats/{chat}/events",
            get(admin::visitor_events),
        )
        .fallback(|| async { error(StatusCode::NOT_FOUND, "No such resource in le-sim", 404) })
        .layer(middleware::from_fn_with_state(inner.clone(), delay))
        .with_state(inner)
}

/// Whether the path's account is the emulator's.
pub(crate) fn check_account(inner: &Inner, account: &str) -> Result<(), Failure> {
    if inner.lock().account() == account {
        Ok(())
    } else {
        Err((404, format!("Account {account} does not exist in le-sim")))
    }
}
