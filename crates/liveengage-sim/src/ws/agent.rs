//! `/ws_api/account/{a}/messaging/brand/{bearer}`: the agent (bot) socket.

use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc::unbounded_channel;

use crate::state::{Inner, Who};

pub(crate) async fn upgrade(
    State(inner): State<Arc<Inner>>,
    Path((account, bearer)): Path<(String, String)>,
    ws: WebSocketUpgrade,
) -> Response {
    let login = {
        let core = inner.lock();
        if core.account() != account {
            return (StatusCode::NOT_FOUND, "unknown account").into_response();
        }
        core.session(&bearer).map(|s| s.login.clone())
    };
    // A bad or expired token is refused before the upgrade with HTTP 401.
    let Some(login) = login else {
        return (StatusCode::UNAUTHORIZED, "invalid or expired token").into_response();
    };
    ws.read_buffer_size(super::READ_BUFFER)
        .on_upgrade(move |socket| async move {
            let (tx, rx) = unbounded_channel();
            let conn = inner.lock().add_conn(
                tx,
                Who::Agent {
                    login: login.clone(),
                    bearer: liveengage_proto::Secret::new(bearer),
                },
            );
            tracing::info!(conn, login, "agent socket open");
            super::run(inner, socket, conn, rx).await;
        })
}
