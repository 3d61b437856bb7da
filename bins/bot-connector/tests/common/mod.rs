//! Helpers shared by the management-API tests: an app with an admin token,
//! the emulator, and a POST through the API router.
#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bot_connector::access::Role;
use bot_connector::assemble::Network;
use bot_connector::server::new_fleet;
use bot_connector::state::App;
use bot_connector::store::Store;
use http_body_util::BodyExt;
use liveengage_sim::{Sim, SimHandle};
use serde_json::Value;
use tower::ServiceExt;

pub async fn post(app: &Arc<App>, uri: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = bot_connector::api::router(Arc::clone(app))
        .oneshot(req)
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// The emulator over TLS (as LiveEngage is); pair it with [`app_trusting`].
pub async fn sim() -> SimHandle {
    Sim::builder()
        .tls(true)
        .skill("1", "Bot")
        .skill("2", "human")
        .start()
        .await
        .unwrap()
}

/// An app on the default roots (for tests that reach no emulator).
pub fn app() -> (Arc<App>, String) {
    app_with_trust(connector_http::Trust::default())
}

/// An app that trusts the emulator's generated CA.
pub fn app_trusting(sim: &SimHandle) -> (Arc<App>, String) {
    app_with_trust(sim.client_trust())
}

fn app_with_trust(trust: connector_http::Trust) -> (Arc<App>, String) {
    let app = App::new(
        new_fleet(Network::new(trust).unwrap()),
        Store::in_memory().unwrap(),
        None,
        std::env::temp_dir(),
    );
    let (token, _) = app.create_token("admin", Role::Admin, &[]).unwrap();
    (app, token)
}
