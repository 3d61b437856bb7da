//! Helpers shared by the management-API tests: an app with an admin token,
//! the emulator, and a POST through the API router.
#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bot_connector::access::Role;
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

pub async fn sim() -> SimHandle {
    Sim::builder()
        .skill("1", "Bot")
        .skill("2", "human")
        .start()
        .await
        .unwrap()
}

pub fn app() -> (Arc<App>, String) {
    let app = App::new(
        new_fleet(),
        Store::in_memory().unwrap(),
        None,
        std::env::temp_dir(),
    );
    let (token, _) = app.create_token("admin", Role::Admin, &[]).unwrap();
    (app, token)
}
