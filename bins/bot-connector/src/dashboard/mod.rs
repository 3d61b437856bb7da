//! The dashboard: server-rendered pages over the same operations as the API
//! (same permissions, same audit log), with a little vanilla JavaScript for
//! live status, "Test connection" and the conversation tester, all in one
//! static script (`/static/dashboard.js`): the Content-Security-Policy
//! allows no inline script or style. Every dynamic value in a page is
//! escaped (`html::esc`).

mod choices;
mod engine_choices;
mod form;
mod html;
mod pages;

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::state::App;

/// The dashboard's routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(pages::list))
        .route("/login", get(pages::login_page).post(pages::login))
        .route("/bots/new", get(pages::new_bot).post(pages::create))
        .route("/bots/test-form", post(pages::test_form))
        .route("/bots/{id}", get(pages::status))
        .route("/bots/{id}/edit", get(pages::edit_page).post(pages::edit))
        .route("/bots/{id}/start", post(pages::start))
        .route("/bots/{id}/stop", post(pages::stop))
        .route("/bots/{id}/delete", post(pages::delete))
        .route("/tester", get(pages::tester))
        .route("/static/dashboard.js", get(script))
        .route("/static/dashboard.css", get(style))
}

/// The dashboard's script (the pages have no inline code).
async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        html::SCRIPT,
    )
}

/// The dashboard's style sheet.
async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        html::STYLE,
    )
}
