//! `/healthz` answers as long as the process serves; `/readyz` only once the
//! bots are loaded, and again not while shutting down. Neither needs a token.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bot_connector::assemble::Network;
use bot_connector::server::new_fleet;
use bot_connector::state::App;
use bot_connector::store::Store;
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn get(app: &Arc<App>, uri: &str) -> (StatusCode, String) {
    let res = bot_connector::api::router(Arc::clone(app))
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn healthz_is_always_ok_and_readyz_follows_the_loading_state() {
    let app = App::new(
        new_fleet(Network::new(connector_http::Trust::default()).unwrap()),
        Store::in_memory().unwrap(),
        None,
        std::env::temp_dir(),
    );
    assert_eq!(get(&app, "/healthz").await, (StatusCode::OK, "ok".into()));
    assert_eq!(
        get(&app, "/readyz").await,
        (StatusCode::SERVICE_UNAVAILABLE, "loading bots".into())
    );
    app.set_ready(true);
    assert_eq!(get(&app, "/readyz").await, (StatusCode::OK, "ready".into()));
    app.set_ready(false);
    assert_eq!(
        get(&app, "/readyz").await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(get(&app, "/healthz").await.0, StatusCode::OK);
}
