//! `actions[]` client actions: TRANSFER, CLOSE_CONVERSATION, CHANGE_TTR and
//! INVOCATION, with LivePerson's parameter names.

use connector_core::{Action, AgentId, FunctionInvocation, Ttr};
use serde_json::Value;

/// The action a Watson `actions[]` entry names.
///
/// `None` for entries that are not LivePerson actions: other action types
/// (`server`, `web-action`, `cloud-function`) and unknown names, which
/// LivePerson ignores. `Some(Err)` for a LivePerson action with bad parameters.
/// `type` may be `client` or, in old docs, `CLIENT`; names are matched
/// ignoring case.
pub(crate) fn action(entry: &Value) -> Option<Result<Action, String>> {
    let kind = entry
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("client");
    if !kind.eq_ignore_ascii_case("client") {
        return None;
    }
    let name = entry
        .get("name")
        .and_then(Value::as_str)?
        .trim()
        .to_ascii_uppercase();
    let params = entry.get("parameters").filter(|p| p.is_object());
    let param = |key: &str| params.and_then(|p| p.get(key));
    Some(match name.as_str() {
        "TRANSFER" => transfer(param("skill"), param("agentId")),
        "CLOSE_CONVERSATION" => Ok(Action::Close {
            without_pcs: flag(param("withoutPcs")),
        }),
        "CHANGE_TTR" => ttr(param("ttrType"), param("value")).map(Action::ChangeTtr),
        "INVOCATION" => invocation(param("lambdaUuid"), param("payload"), param("failOnError")),
        _ => return None,
    })
}

fn transfer(skill: Option<&Value>, agent: Option<&Value>) -> Result<Action, String> {
    let skill = text(skill).ok_or("TRANSFER needs `parameters.skill`, the skill name")?;
    Ok(match text(agent) {
        Some(agent) => Action::TransferToAgent {
            skill,
            agent_id: AgentId::new(agent),
        },
        None => Action::transfer(skill),
    })
}

fn ttr(kind: Option<&Value>, value: Option<&Value>) -> Result<Ttr, String> {
    let kind = text(kind).ok_or("CHANGE_TTR needs `parameters.ttrType`")?;
    match kind.to_ascii_uppercase().as_str() {
        "URGENT" => Ok(Ttr::Urgent),
        "NORMAL" => Ok(Ttr::Normal),
        "PRIORITIZED" => Ok(Ttr::Prioritized),
        "CUSTOM" => number(value).map(Ttr::Custom).ok_or_else(|| {
            "CHANGE_TTR with ttrType CUSTOM needs `parameters.value` in seconds".to_owned()
        }),
        other => Err(format!(
            "CHANGE_TTR ttrType `{other}` is not URGENT, NORMAL, PRIORITIZED or CUSTOM"
        )),
    }
}

fn invocation(
    uuid: Option<&Value>,
    payload: Option<&Value>,
    fail: Option<&Value>,
) -> Result<Action, String> {
    let uuid = text(uuid).ok_or("INVOCATION needs `parameters.lambdaUuid`")?;
    // The payload is passed as written: a JSON string in LivePerson's docs, an
    // object in its templates.
    let mut call = FunctionInvocation::new(uuid, payload.cloned().unwrap_or(Value::Null));
    if flag(fail) {
        call = call.fail_on_error();
    }
    Ok(Action::InvokeFunction(call))
}

/// A non-empty string, or a number written as one (agent ids are numeric).
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `true` or `"true"`.
fn flag(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// A whole number of seconds, as a number or a numeric string.
fn number(value: Option<&Value>) -> Option<u32> {
    match value? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(entry: Value) -> Action {
        action(&entry).unwrap().unwrap()
    }

    #[test]
    fn liveperson_documented_actions() {
        assert_eq!(
            ok(
                json!({ "name": "TRANSFER", "type": "client", "parameters": { "skill": "human_skill" }, "result_variable": "none" })
            ),
            Action::transfer("human_skill")
        );
        assert_eq!(
            ok(
                json!({ "name": "TRANSFER", "type": "client", "parameters": { "skill": "human_skill", "agentId": "4129463410" }, "result_variable": "none" })
            ),
            Action::TransferToAgent {
                skill: "human_skill".into(),
                agent_id: "4129463410".into()
            }
        );
        assert_eq!(
            ok(
                json!({ "name": "CLOSE_CONVERSATION", "type": "client", "result_variable": "none" })
            ),
            Action::Close { without_pcs: false }
        );
        assert_eq!(
            ok(
                json!({ "name": "CLOSE_CONVERSATION", "type": "CLIENT", "parameters": { "withoutPcs": true }, "result_variable": "none" })
            ),
            Action::Close { without_pcs: true }
        );
        assert_eq!(
            ok(
                json!({ "name": "CHANGE_TTR", "type": "client", "parameters": { "ttrType": "URGENT" }, "result_variable": "none" })
            ),
            Action::ChangeTtr(Ttr::Urgent)
        );
        assert_eq!(
            ok(
                json!({ "name": "CHANGE_TTR", "type": "client", "parameters": { "ttrType": "CUSTOM", "value": 3000 }, "result_variable": "none" })
            ),
            Action::ChangeTtr(Ttr::Custom(3000))
        );
        assert_eq!(
            ok(
                json!({ "name": "INVOCATION", "type": "client", "parameters": { "lambdaUuid": "4ec49ffc-080b-4e59-b302-18d6b826191b", "payload": "{ \"some\": \"stuff\"}", "failOnError": true }, "result_variable": "none" })
            ),
            Action::InvokeFunction(
                FunctionInvocation::new(
                    "4ec49ffc-080b-4e59-b302-18d6b826191b",
                    json!("{ \"some\": \"stuff\"}")
                )
                .fail_on_error()
            )
        );
        assert_eq!(
            ok(
                json!({ "name": "INVOCATION", "type": "client", "parameters": { "lambdaUuid": "u", "payload": { "message": "Message from a FaaS Function" } } })
            ),
            Action::InvokeFunction(FunctionInvocation::new(
                "u",
                json!({ "message": "Message from a FaaS Function" })
            ))
        );
    }

    #[test]
    fn other_types_and_names_are_ignored_bad_parameters_reported() {
        assert!(action(&json!({"name": "lookup", "type": "client"})).is_none());
        assert!(
            action(&json!({"name": "TRANSFER", "type": "server", "parameters": {"skill": "x"}}))
                .is_none()
        );
        let err = action(&json!({"name": "TRANSFER", "type": "client"}))
            .unwrap()
            .unwrap_err();
        assert!(err.contains("parameters.skill"), "{err}");
        let err = action(
            &json!({"name": "CHANGE_TTR", "type": "client", "parameters": {"ttrType": "CUSTOM"}}),
        )
        .unwrap()
        .unwrap_err();
        assert!(err.contains("value"), "{err}");
        let err = action(&json!({"name": "CHANGE_TTR", "parameters": {"ttrType": "SOON"}}))
            .unwrap()
            .unwrap_err();
        assert!(err.contains("SOON"), "{err}");
        assert!(
            action(&json!({"name": "INVOCATION", "type": "client", "parameters": {}}))
                .unwrap()
                .is_err()
        );
    }
}
