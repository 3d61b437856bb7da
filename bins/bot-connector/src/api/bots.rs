//! `/api/bots`: list, create, read, edit, delete, start, stop, test,
//! status, metrics, errors.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{ApiError, parse_json};
use crate::access::{Caller, Permission};
use crate::assemble::test_connection;
use crate::fleet::Source;
use crate::redact::{redact, restore};
use crate::state::App;

type Result<T> = std::result::Result<T, ApiError>;

/// `GET /api/bots`.
pub async fn list(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Json<Value>> {
    app.authorize(&headers, Permission::View, "bots")?;
    Ok(Json(json!({ "bots": app.fleet.list() })))
}

/// `POST /api/bots`: the body is a bot definition.
pub async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>)> {
    let caller = app.authorize(&headers, Permission::Create, "bots")?;
    let raw: Value = parse_json(&body)?;
    let id = create_bot(&app, &caller, raw).await?;
    Ok((StatusCode::CREATED, Json(bot_json(&app, &id)?)))
}

/// Validates, stores and adds a new bot; returns its id.
pub(crate) async fn create_bot(app: &App, caller: &Caller, raw: Value) -> Result<String> {
    let spec = app.parse_definition(&raw).map_err(ApiError::invalid)?;
    let id = spec.id.clone();
    app.fleet.insert(spec, raw.clone(), Source::Api)?;
    if let Err(err) = app.store.insert_bot(&id, &raw) {
        let _ = app.fleet.remove(&id).await;
        return Err(err.into());
    }
    app.audit(caller, "create", &id, "ok");
    Ok(id)
}

fn bot_json(app: &App, id: &str) -> Result<Value> {
    let summary = app
        .fleet
        .list()
        .into_iter()
        .find(|b| b.id == id)
        .ok_or_else(|| ApiError::no_bot(id))?;
    let (_, raw) = app
        .fleet
        .definition(id)
        .ok_or_else(|| ApiError::no_bot(id))?;
    Ok(json!({ "bot": summary, "definition": redact(&raw) }))
}

/// `GET /api/bots/{id}`: summary and definition (secrets hidden).
pub async fn read(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    app.authorize(&headers, Permission::View, &id)?;
    Ok(Json(bot_json(&app, &id)?))
}

fn api_bot(app: &App, id: &str) -> Result<()> {
    match app.fleet.source(id) {
        None => Err(ApiError::no_bot(id)),
        Some(Source::File) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "defined_in_file",
            format!("bot {id:?} is defined in the configuration file; change it there"),
        )),
        Some(Source::Api) => Ok(()),
    }
}

/// `PUT /api/bots/{id}`: a whole new definition; `***` keeps a stored secret.
/// A running bot restarts with it.
pub async fn edit(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>> {
    let caller = app.authorize(&headers, Permission::Edit, &id)?;
    let raw: Value = parse_json(&body)?;
    edit_bot(&app, &caller, &id, raw).await?;
    Ok(Json(bot_json(&app, &id)?))
}

/// Validates and applies a new definition of an API bot.
pub(crate) async fn edit_bot(app: &App, caller: &Caller, id: &str, mut raw: Value) -> Result<()> {
    api_bot(app, id)?;
    if let Some((_, stored)) = app.fleet.definition(id) {
        restore(&mut raw, &stored);
    }
    let spec = app.parse_definition(&raw).map_err(ApiError::invalid)?;
    if spec.id != id {
        return Err(ApiError::invalid(vec![crate::config::FieldError::new(
            "id",
            format!("the id cannot change (path says {id:?}); create a new bot instead"),
        )]));
    }
    app.store.update_bot(id, &raw)?;
    let restarted = app.fleet.replace(spec, raw).await;
    app.audit(
        caller,
        "edit",
        id,
        if restarted.is_ok() {
            "ok"
        } else {
            "restart failed"
        },
    );
    restarted?;
    Ok(())
}

/// `DELETE /api/bots/{id}`: stops and deletes.
pub async fn delete(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let caller = app.authorize(&headers, Permission::Delete, &id)?;
    delete_bot(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops and deletes an API bot.
pub(crate) async fn delete_bot(app: &App, caller: &Caller, id: &str) -> Result<()> {
    api_bot(app, id)?;
    app.fleet.remove(id).await?;
    app.store.delete_bot(id)?;
    app.audit(caller, "delete", id, "ok");
    Ok(())
}

/// `POST /api/bots/{id}/start`.
pub async fn start(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let caller = app.authorize(&headers, Permission::Start, &id)?;
    start_bot(&app, &caller, &id).await?;
    Ok(Json(json!({ "status": app.fleet.status(&id) })))
}

/// Starts a bot and remembers it should run.
pub(crate) async fn start_bot(app: &App, caller: &Caller, id: &str) -> Result<()> {
    let result = app.fleet.start(id).await;
    match &result {
        Ok(()) => {
            if app.fleet.source(id) == Some(Source::Api) {
                app.store.set_enabled(id, true)?;
            }
            app.audit(caller, "start", id, "ok");
        }
        Err(e) => app.audit(caller, "start", id, &format!("error: {e}")),
    }
    Ok(result?)
}

/// `POST /api/bots/{id}/stop`.
pub async fn stop(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let caller = app.authorize(&headers, Permission::Stop, &id)?;
    stop_bot(&app, &caller, &id).await?;
    Ok(Json(json!({ "status": app.fleet.status(&id) })))
}

/// Stops a bot and remembers it should not run.
pub(crate) async fn stop_bot(app: &App, caller: &Caller, id: &str) -> Result<()> {
    app.fleet.stop(id).await?;
    if app.fleet.source(id) == Some(Source::Api) {
        app.store.set_enabled(id, false)?;
    }
    app.audit(caller, "stop", id, "ok");
    Ok(())
}

/// `POST /api/bots/test`: tests a definition before it is saved.
pub async fn test_definition(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    let caller = app
        .caller(&headers)
        .ok_or(crate::state::Denied::Unauthenticated)?;
    if !caller.may(Permission::Create) && !caller.may(Permission::Edit) {
        return Err(crate::state::Denied::Forbidden(Permission::Edit).into());
    }
    let mut raw: Value = parse_json(&body)?;
    if let Some(id) = raw.get("id").and_then(Value::as_str)
        && let Some((_, stored)) = app.fleet.definition(id)
    {
        restore(&mut raw, &stored);
    }
    let spec = app.parse_definition(&raw).map_err(ApiError::invalid)?;
    Ok(Json(test_result(
        test_connection(&spec, app.fleet.network()).await,
    )))
}

/// `POST /api/bots/{id}/test`: tests a saved bot.
pub async fn test_saved(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    app.authorize(&headers, Permission::View, &id)?;
    let (spec, _) = app
        .fleet
        .definition(&id)
        .ok_or_else(|| ApiError::no_bot(&id))?;
    Ok(Json(test_result(
        test_connection(&spec, app.fleet.network()).await,
    )))
}

fn test_result(result: std::result::Result<(), crate::assemble::AssembleError>) -> Value {
    match result {
        Ok(()) => json!({"ok": true, "message": "the engine answers and the bot user can log in"}),
        Err(e) => json!({"ok": false, "code": e.code(), "message": e.to_string()}),
    }
}

/// `GET /api/bots/{id}/status`.
pub async fn status(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    app.authorize(&headers, Permission::View, &id)?;
    let status = app.fleet.status(&id).ok_or_else(|| ApiError::no_bot(&id))?;
    Ok(Json(json!(status)))
}

/// `GET /api/bots/{id}/metrics`.
pub async fn metrics(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    app.authorize(&headers, Permission::View, &id)?;
    let windows = app
        .fleet
        .windows(&id)
        .ok_or_else(|| ApiError::no_bot(&id))?;
    let snapshot = app.fleet.snapshot(&id).unwrap_or_default();
    Ok(Json(json!({
        "windows": windows,
        "turns": snapshot.turns,
        "engine_errors": snapshot.engine_errors,
        "open": snapshot.open,
        "spam_suppressed": snapshot.spam_suppressed,
    })))
}

/// Query of `/errors`.
#[derive(Debug, Deserialize)]
pub struct ErrorQuery {
    conversation: Option<String>,
}

/// `GET /api/bots/{id}/errors?conversation=`.
pub async fn errors(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ErrorQuery>,
) -> Result<Json<Value>> {
    app.authorize(&headers, Permission::View, &id)?;
    let errors = app
        .fleet
        .errors(&id, q.conversation.as_deref().filter(|c| !c.is_empty()))
        .ok_or_else(|| ApiError::no_bot(&id))?;
    Ok(Json(json!({ "errors": errors })))
}
