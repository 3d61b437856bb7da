//! Watson Assistant v2: a session per conversation (created on the first
//! event, re-created when Watson says it expired), or the stateless endpoint
//! with the context kept in the conversation's state.

use connector_core::{EngineError, EngineSession};
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::error::codes;
use crate::http::{CallError, WatsonClient};
use crate::state;
use crate::v1::decode;
use crate::wire::{MessageResponse, SessionResponse};

/// The dialog skill's key in the v2 context (with a space, as Watson spells it).
const MAIN_SKILL: &str = "main skill";

/// The request body. The LivePerson variables go to the dialog skill's
/// `user_defined` variables, where the dialog reads them as `$lpEvent`,
/// `$lpSdes` and `$convId` **[inferred]**: LivePerson says only "the Watson
/// context", and v2 keeps context variables there.
fn body(text: &str, context: Map<String, Value>) -> Value {
    json!({
        "input": {
            "message_type": "text",
            "text": text,
            "options": {"return_context": true}
        },
        "context": context
    })
}

fn with_lp(mut context: Map<String, Value>, lp: Map<String, Value>) -> Map<String, Value> {
    let skills = context
        .entry("skills")
        .or_insert_with(|| Value::Object(Map::new()));
    if !skills.is_object() {
        *skills = Value::Object(Map::new());
    }
    if let Value::Object(skills) = skills {
        let skill = skills
            .entry(MAIN_SKILL)
            .or_insert_with(|| Value::Object(Map::new()));
        if !skill.is_object() {
            *skill = Value::Object(Map::new());
        }
        if let Value::Object(skill) = skill {
            let vars = skill
                .entry("user_defined")
                .or_insert_with(|| Value::Object(Map::new()));
            if !vars.is_object() {
                *vars = Value::Object(Map::new());
            }
            if let Value::Object(vars) = vars {
                vars.extend(lp);
            }
        }
    }
    context
}

/// One stateless turn: the stored context goes out, the returned one is kept.
pub(crate) async fn stateless(
    client: &WatsonClient,
    assistant_id: &str,
    text: &str,
    lp: Map<String, Value>,
    session: &mut EngineSession,
) -> Result<MessageResponse, EngineError> {
    let body = body(text, with_lp(state::context(session), lp));
    let what = "Watson v2 stateless message";
    let bytes = client
        .call(
            Method::POST,
            &["v2", "assistants", assistant_id, "message"],
            Some(&body),
            &codes::SEND_QUERY,
            what,
        )
        .await
        .map_err(|e| e.into_engine_error(codes::SEND_QUERY, what))?;
    let response = decode(&bytes)?;
    if let Some(context) = &response.context {
        state::store_context(session, context, true);
    }
    Ok(response)
}

/// One stateful turn in the conversation's Watson session.
pub(crate) async fn stateful(
    client: &WatsonClient,
    assistant_id: &str,
    text: &str,
    lp: Map<String, Value>,
    session: &mut EngineSession,
) -> Result<MessageResponse, EngineError> {
    let body = body(text, with_lp(Map::new(), lp));
    let (session_id, fresh) = match session.get::<String>(state::SESSION_ID) {
        Some(id) => (id, false),
        None => (create_session(client, assistant_id).await?, true),
    };
    session.set(state::SESSION_ID, &session_id);
    let what = "Watson v2 message";
    match send(client, assistant_id, &session_id, &body).await {
        Ok(bytes) => decode(&bytes),
        Err(CallError::Http(failure)) if failure.is_invalid_session() && !fresh => {
            tracing::info!(session_id, "Watson session expired; creating a new one");
            let session_id = create_session(client, assistant_id).await?;
            session.set(state::SESSION_ID, &session_id);
            match send(client, assistant_id, &session_id, &body).await {
                Ok(bytes) => decode(&bytes),
                Err(CallError::Http(failure)) if failure.is_invalid_session() => {
                    Err(failure.into_engine_error(codes::INVALID_SESSION, what))
                }
                Err(e) => Err(e.into_engine_error(codes::SEND_QUERY, what)),
            }
        }
        Err(CallError::Http(failure)) if failure.is_invalid_session() => {
            Err(failure.into_engine_error(codes::INVALID_SESSION, what))
        }
        Err(e) => Err(e.into_engine_error(codes::SEND_QUERY, what)),
    }
}

async fn send(
    client: &WatsonClient,
    assistant_id: &str,
    session_id: &str,
    body: &Value,
) -> Result<Vec<u8>, CallError> {
    client
        .call(
            Method::POST,
            &[
                "v2",
                "assistants",
                assistant_id,
                "sessions",
                session_id,
                "message",
            ],
            Some(body),
            &codes::SEND_QUERY,
            "Watson v2 message",
        )
        .await
}

/// `POST /v2/assistants/{id}/sessions` → the new session id.
pub(crate) async fn create_session(
    client: &WatsonClient,
    assistant_id: &str,
) -> Result<String, EngineError> {
    let what = "Watson v2 create session";
    let bytes = client
        .call(
            Method::POST,
            &["v2", "assistants", assistant_id, "sessions"],
            Some(&json!({})),
            &codes::CREATE_SESSION,
            what,
        )
        .await
        .map_err(|e| e.into_engine_error(codes::CREATE_SESSION, what))?;
    let created: SessionResponse =
        serde_json::from_slice(&bytes).map_err(|e| EngineError::InvalidResponse {
            code: codes::CREATE_SESSION,
            message: format!(
                "{what}: no `session_id` in the answer: {}",
                crate::upstream::json_problem(&e)
            ),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })?;
    Ok(created.session_id)
}

/// `DELETE /v2/assistants/{id}/sessions/{session_id}`.
pub(crate) async fn delete_session(
    client: &WatsonClient,
    assistant_id: &str,
    session_id: &str,
    code: &connector_core::ErrorCode,
) -> Result<(), EngineError> {
    let what = "Watson v2 delete session";
    client
        .call(
            Method::DELETE,
            &["v2", "assistants", assistant_id, "sessions", session_id],
            None,
            code,
            what,
        )
        .await
        .map(drop)
        .map_err(|e| e.into_engine_error(code.clone(), what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lp_variables_go_to_the_main_skill_user_defined_variables() {
        let mut lp = Map::new();
        lp.insert("convId".into(), json!("c1"));
        let stored = json!({"global": {"session_id": "s"}, "skills": {"main skill": {"user_defined": {"name": "Ann"}, "system": {"state": "x"}}}});
        let Value::Object(stored) = stored else {
            unreachable!()
        };
        assert_eq!(
            Value::Object(with_lp(stored, lp.clone())),
            json!({"global": {"session_id": "s"}, "skills": {"main skill": {"user_defined": {"name": "Ann", "convId": "c1"}, "system": {"state": "x"}}}})
        );
        let broken: Map<String, Value> = serde_json::from_value(json!({"skills": 3})).unwrap();
        assert_eq!(
            Value::Object(with_lp(broken, lp)),
            json!({"skills": {"main skill": {"user_defined": {"convId": "c1"}}}})
        );
    }
}
