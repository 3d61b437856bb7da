//! Watson Assistant v1: `POST /v1/workspaces/{workspace_id}/message`, the
//! whole context sent back on every turn.

use connector_core::{EngineError, EngineSession};
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::error::codes;
use crate::http::WatsonClient;
use crate::state;
use crate::wire::MessageResponse;

/// One v1 turn. The LivePerson variables are top-level context variables
/// (`$lpEvent`, `$lpSdes`, `$convId` in the dialog), as in LivePerson's
/// request `{"message", "context": {"convId","lpEvent","lpSdes","conversation_id","system"}}`.
pub(crate) async fn message(
    client: &WatsonClient,
    workspace_id: &str,
    text: &str,
    lp: Map<String, Value>,
    session: &mut EngineSession,
) -> Result<MessageResponse, EngineError> {
    let mut context = state::context(session);
    context.extend(lp);
    let body = json!({"input": {"text": text}, "context": context});
    let what = "Watson v1 message";
    let bytes = client
        .call(
            Method::POST,
            &["v1", "workspaces", workspace_id, "message"],
            Some(&body),
            &codes::SEND_QUERY,
            what,
        )
        .await
        .map_err(|e| e.into_engine_error(codes::SEND_QUERY, what))?;
    let response = decode(&bytes)?;
    if let Some(context) = &response.context {
        state::store_context(session, context, false);
    }
    Ok(response)
}

/// Reads a message response; anything else is LivePerson's parse-message failure.
pub(crate) fn decode(bytes: &[u8]) -> Result<MessageResponse, EngineError> {
    serde_json::from_slice(bytes).map_err(|e| EngineError::InvalidResponse {
        code: codes::PARSE_MESSAGE,
        message: format!(
            "not a Watson message response: {}",
            crate::upstream::json_problem(&e)
        ),
        body: String::from_utf8_lossy(bytes).into_owned(),
    })
}
