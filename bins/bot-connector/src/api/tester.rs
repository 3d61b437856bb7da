//! `/api/tester/...`: the conversation tester (when an emulator runs in-process).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{ApiError, parse_json};
use crate::access::Permission;
use crate::state::App;
use crate::tester::{Tester, TesterError};

fn tester(app: &App) -> Result<&Tester, ApiError> {
    app.tester.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_emulator",
            "the conversation tester needs the local emulator; run `bot-connector demo`",
        )
    })
}

fn tester_error(e: TesterError) -> ApiError {
    match e {
        TesterError::NoSession(_) => {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
        }
        TesterError::UnknownSkill(_) => {
            ApiError::invalid(vec![crate::config::FieldError::new("skill", e.to_string())])
        }
        TesterError::Busy(_) => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_sessions",
            e.to_string(),
        ),
        TesterError::Sim(_) => {
            tracing::warn!("tester: {e}");
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "emulator",
                "the emulator failed; see the server's log",
            )
        }
    }
}

/// Body of `POST /api/tester/sessions`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Open {
    #[serde(default)]
    skill: Option<String>,
}

/// `POST /api/tester/sessions`: a new consumer conversation.
pub async fn open(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = app.authorize(&headers, Permission::View, "tester")?;
    let open: Open = if body.is_empty() {
        Open::default()
    } else {
        parse_json(&body)?
    };
    let (session, conversation) = tester(&app)?
        .open(
            &caller.token_id,
            open.skill.as_deref().filter(|s| !s.is_empty()),
        )
        .await
        .map_err(tester_error)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"session": session, "conversation_id": conversation})),
    ))
}

/// Body of `POST .../messages`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Say {
    text: String,
}

/// `POST /api/tester/sessions/{id}/messages`.
pub async fn say(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let caller = app.authorize(&headers, Permission::View, "tester")?;
    let say: Say = parse_json(&body)?;
    if say.text.trim().is_empty() {
        return Err(ApiError::invalid(vec![crate::config::FieldError::new(
            "text", "is empty",
        )]));
    }
    tester(&app)?
        .say(&caller.token_id, &id, &say.text)
        .await
        .map_err(tester_error)?;
    Ok(StatusCode::ACCEPTED)
}

/// `GET /api/tester/sessions/{id}`: the transcript so far.
pub async fn transcript(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let caller = app.authorize(&headers, Permission::View, "tester")?;
    let (conversation, open, lines) = tester(&app)?
        .lines(&caller.token_id, &id)
        .map_err(tester_error)?;
    Ok(Json(
        json!({"conversation_id": conversation, "open": open, "lines": lines}),
    ))
}
