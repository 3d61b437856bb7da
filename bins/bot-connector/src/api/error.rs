//! JSON error answers: `{"error": {"code", "message", "fields"?}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::config::FieldError;
use crate::fleet::FleetError;
use crate::state::Denied;
use crate::store::StoreError;

/// An API error with its HTTP status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: Vec<FieldError>,
}

impl ApiError {
    /// An error with a status, a stable code and a message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// 400 listing every invalid field.
    #[must_use]
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        let message = fields
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_body",
            message,
            fields,
        }
    }

    /// The message (field errors included).
    #[must_use]
    pub fn message(&self) -> String {
        self.message.clone()
    }

    /// 404 for a bot id.
    #[must_use]
    pub fn no_bot(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no bot with id {id:?}"),
        )
    }
}

impl From<Denied> for ApiError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "a valid API token is required: send `Authorization: Bearer <token>`",
            ),
            Denied::Forbidden(p) => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("this token's role lacks the `{}` permission", p.as_str()),
            ),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!("{e}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", e.to_string())
    }
}

impl From<FleetError> for ApiError {
    fn from(e: FleetError) -> Self {
        match &e {
            FleetError::NotFound(_) => Self::new(StatusCode::NOT_FOUND, "not_found", e.to_string()),
            FleetError::Exists(_) => Self::new(StatusCode::CONFLICT, "exists", e.to_string()),
            FleetError::Start { .. } => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "start_failed",
                e.to_string(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({"code": self.code, "message": self.message});
        if !self.fields.is_empty() {
            error["fields"] = json!(self.fields);
        }
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}

/// Parses a JSON body, naming the bad key in a 400.
///
/// # Errors
///
/// [`ApiError`] 400 when the body is not the expected JSON.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = if path == "." { String::new() } else { path };
        if inner.is_syntax() || inner.is_eof() {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("the body is not valid JSON: {inner}"),
            )
        } else {
            ApiError::invalid(vec![FieldError::new(path, inner.to_string())])
        }
    })?;
    // One JSON value and nothing after it but white space: `{..} garbage`
    // is refused, not read as its first value.
    de.end().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the body is not one JSON value: {e}"),
        )
    })?;
    Ok(value)
}
