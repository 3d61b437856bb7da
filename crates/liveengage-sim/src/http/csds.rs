//! CSDS: every service points at the listener itself.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use liveengage_proto::csds::{BaseUri, CsdsResponse, services};
use serde_json::Map;

use super::{check_account, error, failure, json};
use crate::state::Inner;

/// Services listed. node-agent-sdk 1.2.0 needs `agentVep` and `asyncMessagingEnt`,
/// HEAD needs `facadeMsg`, consumers need `idp`.
const SERVICES: &[&str] = &[
    services::AGENT_VEP,
    services::ASYNC_MESSAGING_ENT,
    services::FACADE_MSG,
    services::IDP,
    services::MSG_HIST,
    services::ACCOUNT_CONFIG_READ_ONLY,
    "accountConfigReadWrite",
    "asyncMessaging",
    "leDataReporting",
    "smt",
    "liveEngage",
];

pub(crate) fn response(account: &str, host: &str) -> CsdsResponse {
    CsdsResponse {
        base_uris: SERVICES
            .iter()
            .map(|service| BaseUri {
                account: Some(account.to_owned()),
                base_uri: host.to_owned(),
                service: (*service).to_owned(),
            })
            .collect(),
        extra: Map::new(),
    }
}

pub(crate) async fn all(State(inner): State<Arc<Inner>>, Path(account): Path<String>) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    let host = inner.lock().host.clone();
    json(
        StatusCode::OK,
        serde_json::to_value(response(&account, &host)).unwrap_or_default(),
    )
}

pub(crate) async fn one(
    State(inner): State<Arc<Inner>>,
    Path((account, service)): Path<(String, String)>,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    let host = inner.lock().host.clone();
    match response(&account, &host)
        .base_uris
        .into_iter()
        .find(|b| b.service == service)
    {
        Some(entry) => json(
            StatusCode::OK,
            serde_json::to_value(entry).unwrap_or_default(),
        ),
        // Service names are case-sensitive.
        None => error(
            StatusCode::BAD_REQUEST,
            &format!("Unknown service {service}"),
            400,
        ),
    }
}
