//! The management API (JSON) and the operations endpoints.

pub(crate) mod bots;
mod error;
mod openapi;
mod ops;
mod tester;
mod tokens;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

pub use error::{ApiError, parse_json};
pub use openapi::document as openapi_document;

use crate::state::App;

/// Declares the API's routes once: the router is built from this table and
/// [`ROUTES`] lists the same `(method, path)` pairs, so the OpenAPI
/// document's test can compare the two.
macro_rules! api_routes {
    ($($path:literal => { $($method:ident: $handler:expr),+ $(,)? })*) => {
        /// Every `(method, path)` of [`router`] outside the dashboard, as the
        /// router declares it (`{id}` for a path parameter).
        pub const ROUTES: &[(&str, &str)] = &[$($((stringify!($method), $path),)+)*];

        fn api_routes() -> Router<Arc<App>> {
            Router::new()$(.route($path, MethodRouter::new()$(.$method($handler))+))*
        }
    };
}

api_routes! {
    "/api/bots" => { get: bots::list, post: bots::create }
    "/api/bots/test" => { post: bots::test_definition }
    "/api/bots/{id}" => { get: bots::read, put: bots::edit, delete: bots::delete }
    "/api/bots/{id}/start" => { post: bots::start }
    "/api/bots/{id}/stop" => { post: bots::stop }
    "/api/bots/{id}/test" => { post: bots::test_saved }
    "/api/bots/{id}/status" => { get: bots::status }
    "/api/bots/{id}/metrics" => { get: bots::metrics }
    "/api/bots/{id}/errors" => { get: bots::errors }
    "/api/tokens" => { get: tokens::list, post: tokens::create }
    "/api/tokens/{id}" => { delete: tokens::delete }
    "/api/audit" => { get: tokens::audit }
    "/api/tester/sessions" => { post: tester::open }
    "/api/tester/sessions/{id}" => { get: tester::transcript }
    "/api/tester/sessions/{id}/messages" => { post: tester::say }
    "/api/openapi.json" => { get: openapi::serve }
    "/healthz" => { get: ops::healthz }
    "/readyz" => { get: ops::readyz }
    "/metrics" => { get: ops::metrics }
}

/// Every route of the process: API, operations and dashboard, behind the
/// request guard (JSON bodies, same-origin cookie calls) and with the
/// security headers on every answer.
pub fn router(app: Arc<App>) -> Router {
    api_routes()
        .merge(crate::dashboard::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(check_request))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(app)
}

/// The Content-Security-Policy of every answer: the dashboard loads its one
/// script and its one style sheet from this origin (no inline code), talks
/// to this origin only, posts forms here only and is never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; \
frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers to every answer (pages, API, errors, 404s).
async fn security_headers(request: Request<Body>, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !is_static && !headers.contains_key(header::CACHE_CONTROL) {
        // Tokens (once), definitions and pages are never kept in caches.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Whether a method changes state (everything but GET, HEAD, OPTIONS, TRACE).
fn changes_state(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Whether a request carries a body (anything but a known empty one).
fn has_body(request: &Request<Body>) -> bool {
    use axum::body::HttpBody as _;
    request.body().size_hint().exact() != Some(0)
}

/// Whether the body is declared `application/json` (parameters such as
/// `charset=utf-8` allowed).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Refuses, before any handler runs: an `/api` body that is not declared
/// JSON (415), and a state-changing request that a browser sent from
/// another site with the dashboard's cookie, or a sign-in posted from
/// another site (403). Error answers of `/api` that the framework wrote
/// (405, 413, a bad path or query) get the API's JSON error shape.
async fn check_request(request: Request<Body>, next: Next) -> Response {
    let path = request.uri().path();
    let api = is_api(path);
    let headers = request.headers();
    if api && has_body(&request) && !is_json(headers) {
        return ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON: send `Content-Type: application/json`",
        )
        .into_response();
    }
    let csrf_checked = crate::access::authenticates_by_cookie(headers) || path == "/login";
    if changes_state(request.method()) && csrf_checked && !crate::access::same_origin(headers) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site",
            "a request with the dashboard's cookie must come from the dashboard's own pages \
             (Origin or Sec-Fetch-Site); other clients send `Authorization: Bearer <token>`",
        )
        .into_response();
    }
    let response = next.run(request).await;
    if api { api_shaped(response) } else { response }
}

/// An `/api` error answer that is not JSON (written by the framework: 405,
/// 413, an undecodable path or query) as the API's JSON error, without
/// echoing what the framework said about the input.
fn api_shaped(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(response.headers()) {
        return response;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "this path does not take this method")
        }
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "the body is too large"),
        StatusCode::NOT_FOUND => ("not_found", "no such API path"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "the body must be JSON: send `Content-Type: application/json`",
        ),
        s if s.is_server_error() => ("internal", "the server failed; see its log"),
        _ => (
            "bad_request",
            "the path or query of the request cannot be read",
        ),
    };
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut shaped = ApiError::new(status, code, message).into_response();
    if let Some(allow) = allow {
        shaped.headers_mut().insert(header::ALLOW, allow);
    }
    shaped
}

/// No route: a JSON 404 under `/api`, a plain one elsewhere.
async fn not_found(request: Request<Body>) -> Response {
    if is_api(request.uri().path()) {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API path").into_response()
    } else {
        (StatusCode::NOT_FOUND, "not found").into_response()
    }
}
