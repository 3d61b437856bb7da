//! The management API (JSON) and the operations endpoints.

pub(crate) mod bots;
mod error;
mod ops;
mod tester;
mod tokens;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

pub use error::{ApiError, parse_json};

use crate::state::App;

/// Every route of the process: API, operations and dashboard.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/api/bots", get(bots::list).post(bots::create))
        .route("/api/bots/test", post(bots::test_definition))
        .route(
            "/api/bots/{id}",
            get(bots::read).put(bots::edit).delete(bots::delete),
        )
        .route("/api/bots/{id}/start", post(bots::start))
        .route("/api/bots/{id}/stop", post(bots::stop))
        .route("/api/bots/{id}/test", post(bots::test_saved))
        .route("/api/bots/{id}/status", get(bots::status))
        .route("/api/bots/{id}/metrics", get(bots::metrics))
        .route("/api/bots/{id}/errors", get(bots::errors))
        .route("/api/tokens", get(tokens::list).post(tokens::create))
        .route("/api/tokens/{id}", axum::routing::delete(tokens::delete))
        .route("/api/audit", get(tokens::audit))
        .route("/api/tester/sessions", post(tester::open))
        .route("/api/tester/sessions/{id}", get(tester::transcript))
        .route("/api/tester/sessions/{id}/messages", post(tester::say))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .merge(crate::dashboard::routes())
        .with_state(app)
}
