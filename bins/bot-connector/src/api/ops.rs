//! `/healthz`, `/readyz` and Prometheus `/metrics` (no token needed).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::state::App;

/// Alive.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready once the bots are loaded.
pub async fn readyz(State(app): State<Arc<App>>) -> (StatusCode, &'static str) {
    if app.is_ready() {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "loading bots")
    }
}

/// The OpenMetrics exposition.
pub async fn metrics(State(app): State<Arc<App>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.fleet.telemetry().encode(),
    )
}
