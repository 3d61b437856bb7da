//! `/api/tokens` and `/api/audit`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{ApiError, parse_json};
use crate::access::{Permission, Role};
use crate::config::FieldError;
use crate::state::App;

/// Body of `POST /api/tokens`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
    role: Role,
    #[serde(default)]
    permissions: Vec<Permission>,
}

/// `POST /api/tokens`: answers with the token itself, shown this once.
pub async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = app.authorize(&headers, Permission::ManageTokens, "tokens")?;
    let new: NewToken = parse_json(&body)?;
    if new.name.trim().is_empty() {
        return Err(ApiError::invalid(vec![FieldError::new(
            "name",
            "is empty; say who the token is for",
        )]));
    }
    if new.role == Role::Custom && new.permissions.is_empty() {
        return Err(ApiError::invalid(vec![FieldError::new(
            "permissions",
            "a custom role needs at least one permission (view, create, start, stop, edit, delete, manage_tokens)",
        )]));
    }
    if new.role != Role::Custom && !new.permissions.is_empty() {
        return Err(ApiError::invalid(vec![FieldError::new(
            "permissions",
            "only a custom role takes a permission list; built-in roles have fixed permissions",
        )]));
    }
    let (token, record) = app.create_token(&new.name, new.role, &new.permissions)?;
    app.audit(&caller, "create_token", &record.id, "ok");
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "record": record })),
    ))
}

/// `GET /api/tokens`.
pub async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    app.authorize(&headers, Permission::ManageTokens, "tokens")?;
    Ok(Json(json!({ "tokens": app.store.tokens()? })))
}

/// `DELETE /api/tokens/{id}`.
pub async fn delete(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let caller = app.authorize(&headers, Permission::ManageTokens, &id)?;
    if !app.store.delete_token(&id)? {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no token with id {id:?}"),
        ));
    }
    app.audit(&caller, "delete_token", &id, "ok");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/audit`: the latest 500 entries, newest first.
pub async fn audit(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    app.authorize(&headers, Permission::ManageTokens, "audit")?;
    Ok(Json(json!({ "entries": app.store.audit_log(500)? })))
}
