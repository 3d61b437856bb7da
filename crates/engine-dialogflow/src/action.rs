//! LivePerson's action names and parameters, as a Dialogflow bot writes them,
//! turned into [`Action`]s.
//!
//! ES and V1 take them from the intent's *Action* and *Parameters*; CX from a
//! custom payload `{"action":{"name","parameters"}}`. ES parameters defined in
//! the console arrive as strings (`"true"`, `"120"`), so booleans and numbers
//! are accepted in either form.

use connector_core::{Action, AgentId, FunctionInvocation, Ttr};
use serde_json::{Map, Value};

/// The action names LivePerson's Dialogflow connectors understand.
pub(crate) const TRANSFER: &str = "TRANSFER";
pub(crate) const CLOSE_CONVERSATION: &str = "CLOSE_CONVERSATION";
pub(crate) const CHANGE_TTR: &str = "CHANGE_TTR";
pub(crate) const INVOCATION: &str = "INVOCATION";

/// The action `name` with `params`: `Ok(None)` for a name that is not one of
/// LivePerson's (ES intents carry actions such as `input.welcome` for their own
/// use), an error naming the bad parameter for a known name.
pub(crate) fn parse(name: &str, params: &Map<String, Value>) -> Result<Option<Action>, String> {
    let action = match name {
        TRANSFER => {
            let skill = string(params, "skill")?
                .ok_or_else(|| "TRANSFER needs the parameter `skill` (a skill name)".to_owned())?;
            match string(params, "agentId")? {
                Some(agent) => Action::TransferToAgent {
                    skill,
                    agent_id: AgentId::new(agent),
                },
                None => Action::TransferToSkill { skill },
            }
        }
        CLOSE_CONVERSATION => Action::Close {
            without_pcs: boolean(params, "withoutPcs")?.unwrap_or(false),
        },
        CHANGE_TTR => Action::ChangeTtr(ttr(params)?),
        INVOCATION => {
            let lambda_uuid = string(params, "lambdaUuid")?.ok_or_else(|| {
                "INVOCATION needs the parameter `lambdaUuid` (the function id)".to_owned()
            })?;
            let mut invocation = FunctionInvocation::new(
                lambda_uuid,
                params.get("payload").cloned().unwrap_or(Value::Null),
            );
            if boolean(params, "failOnError")?.unwrap_or(false) {
                invocation = invocation.fail_on_error();
            }
            Action::InvokeFunction(invocation)
        }
        _ => return Ok(None),
    };
    Ok(Some(action))
}

fn ttr(params: &Map<String, Value>) -> Result<Ttr, String> {
    let kind = string(params, "ttrType")?.ok_or_else(|| {
        "CHANGE_TTR needs the parameter `ttrType` (URGENT, NORMAL, PRIORITIZED or CUSTOM)"
            .to_owned()
    })?;
    match kind.as_str() {
        "URGENT" => Ok(Ttr::Urgent),
        "NORMAL" => Ok(Ttr::Normal),
        "PRIORITIZED" => Ok(Ttr::Prioritized),
        "CUSTOM" => {
            let seconds = number(params, "value")?.ok_or_else(|| {
                "CHANGE_TTR with ttrType CUSTOM needs the parameter `value` (seconds)".to_owned()
            })?;
            Ok(Ttr::Custom(seconds))
        }
        other => Err(format!(
            "`ttrType` is `{other}`; use URGENT, NORMAL, PRIORITIZED or CUSTOM (case sensitive)"
        )),
    }
}

/// A non-empty string parameter; numbers are accepted (agent ids are often numeric).
fn string(params: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(format!("parameter `{key}` must be a string, not {other}")),
    }
}

fn boolean(params: &Map<String, Value>, key: &str) -> Result<Option<bool>, String> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") || s.is_empty() => {
            Ok(Some(false))
        }
        Some(other) => Err(format!(
            "parameter `{key}` must be true or false, not {other}"
        )),
    }
}

fn number(params: &Map<String, Value>, key: &str) -> Result<Option<u32>, String> {
    let bad = |v: &Value| format!("parameter `{key}` must be a whole number of seconds, not {v}");
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v @ Value::Number(n)) => n
            .as_u64()
            .or_else(|| {
                // Dialogflow's @sys.number gives floats such as 120.0.
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| bad(v)),
        Some(v @ Value::String(s)) => s.trim().parse::<u32>().map(Some).map_err(|_| bad(v)),
        Some(v) => Err(bad(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn string_forms_from_the_es_console_are_accepted() {
        assert_eq!(
            parse(CLOSE_CONVERSATION, &params(json!({"withoutPcs": "true"}))),
            Ok(Some(Action::Close { without_pcs: true }))
        );
        assert_eq!(
            parse(
                CHANGE_TTR,
                &params(json!({"ttrType": "CUSTOM", "value": "120"}))
            ),
            Ok(Some(Action::ChangeTtr(Ttr::Custom(120))))
        );
        assert_eq!(
            parse(
                CHANGE_TTR,
                &params(json!({"ttrType": "CUSTOM", "value": 90.0}))
            ),
            Ok(Some(Action::ChangeTtr(Ttr::Custom(90))))
        );
        assert_eq!(
            parse(
                TRANSFER,
                &params(json!({"skill": "billing", "agentId": 1005369632}))
            ),
            Ok(Some(Action::TransferToAgent {
                skill: "billing".into(),
                agent_id: AgentId::new("1005369632")
            }))
        );
    }

    #[test]
    fn unknown_names_are_not_actions_and_bad_parameters_are_named() {
        assert_eq!(parse("input.welcome", &Map::new()), Ok(None));
        let err = parse(TRANSFER, &Map::new()).unwrap_err();
        assert!(err.contains("`skill`"), "{err}");
        let err = parse(CHANGE_TTR, &params(json!({"ttrType": "urgent"}))).unwrap_err();
        assert!(err.contains("`urgent`"), "{err}");
        let err = parse(
            CHANGE_TTR,
            &params(json!({"ttrType": "CUSTOM", "value": -3})),
        )
        .unwrap_err();
        assert!(err.contains("`value`"), "{err}");
        let err = parse(INVOCATION, &params(json!({"payload": {}}))).unwrap_err();
        assert!(err.contains("`lambdaUuid`"), "{err}");
    }
}
