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
    if let Err(overreach) = caller.may_manage(new.role, &new.permissions) {
        app.audit(&caller, "create_token", new.role.as_str(), "denied");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            overreach.to_string(),
        ));
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
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no token with id {id:?}"),
        )
    };
    let target = app.store.token_by_id(&id)?.ok_or_else(not_found)?;
    if target.configured {
        app.audit(&caller, "delete_token", &id, "denied");
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "configured_token",
            format!(
                "token {id:?} is the admin token configured in the file ([server] admin_token); \
                 change or remove it there and restart to revoke it"
            ),
        ));
    }
    if let Err(overreach) = caller.may_manage(target.role, &target.permissions) {
        app.audit(&caller, "delete_token", &id, "denied");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            overreach.to_string(),
        ));
    }
    if !app.store.delete_token(&id)? {
        return Err(not_found());
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
