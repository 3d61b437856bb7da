//! LivePerson's Lex action payload,
//! `{"type":"ACTION","params":{"action":NAME,"data":{...}}}`, turned into an [`Action`].

use connector_core::{Action, AgentId, FunctionInvocation, Ttr};
use serde_json::{Map, Value};

/// The action `name` with its `data`, or what is wrong with them.
pub(crate) fn parse(name: &str, data: &Map<String, Value>) -> Result<Action, String> {
    match name {
        "TRANSFER" => {
            let skill = text(data, "skill")?
                .ok_or("TRANSFER needs `data.skill` (the skill name, case sensitive)")?;
            Ok(match text(data, "agentId")? {
                Some(agent) => Action::TransferToAgent {
                    skill,
                    agent_id: AgentId::new(agent),
                },
                None => Action::TransferToSkill { skill },
            })
        }
        "CLOSE_CONVERSATION" => Ok(Action::Close {
            without_pcs: flag(data, "withoutPcs")?.unwrap_or(false),
        }),
        "CHANGE_TTR" => ttr(data).map(Action::ChangeTtr),
        "INVOCATION" => {
            let lambda = text(data, "lambdaUuid")?
                .ok_or("INVOCATION needs `data.lambdaUuid` (the LivePerson Function id)")?;
            let payload = data.get("payload").cloned().unwrap_or(Value::Null);
            let mut invocation = FunctionInvocation::new(lambda, payload);
            if flag(data, "failOnError")?.unwrap_or(false) {
                invocation = invocation.fail_on_error();
            }
            Ok(Action::InvokeFunction(invocation))
        }
        other => Err(format!(
            "unknown action `{other}`; use TRANSFER, CLOSE_CONVERSATION, CHANGE_TTR or INVOCATION"
        )),
    }
}

fn ttr(data: &Map<String, Value>) -> Result<Ttr, String> {
    let kind = text(data, "ttrType")?
        .ok_or("CHANGE_TTR needs `data.ttrType` (URGENT, NORMAL, PRIORITIZED or CUSTOM)")?;
    match kind.as_str() {
        "URGENT" => Ok(Ttr::Urgent),
        "NORMAL" => Ok(Ttr::Normal),
        "PRIORITIZED" => Ok(Ttr::Prioritized),
        // LivePerson's older Lex page: CUSTOM with `value` in seconds.
        "CUSTOM" => match data.get("value") {
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Ttr::Custom)
                .ok_or_else(|| format!("`data.value` must be whole seconds, not {n}")),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Ttr::Custom)
                .map_err(|_| format!("`data.value` must be whole seconds, not \"{s}\"")),
            _ => Err("CHANGE_TTR with CUSTOM needs `data.value` (seconds)".to_owned()),
        },
        other => Err(format!(
            "`data.ttrType` is `{other}`; use URGENT, NORMAL, PRIORITIZED or CUSTOM (case sensitive)"
        )),
    }
}

fn text(data: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match data.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        // Agent ids are often written as numbers.
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(format!("`data.{key}` must be a string, not {other}")),
    }
}

fn flag(data: &Map<String, Value>, key: &str) -> Result<Option<bool>, String> {
    match data.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" => Ok(Some(true)),
        Some(Value::String(s)) if s == "false" => Ok(Some(false)),
        Some(other) => Err(format!("`data.{key}` must be true or false, not {other}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn data(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn liveperson_examples_parse() {
        assert_eq!(
            parse(
                "TRANSFER",
                &data(json!({"skill": "human_skill", "agentId": "4129463410"}))
            ),
            Ok(Action::TransferToAgent {
                skill: "human_skill".into(),
                agent_id: AgentId::new("4129463410")
            })
        );
        assert_eq!(
            parse(
                "CHANGE_TTR",
                &data(json!({"ttrType": "CUSTOM", "value": 500}))
            ),
            Ok(Action::ChangeTtr(Ttr::Custom(500)))
        );
        let invocation = parse(
            "INVOCATION",
            &data(json!({"lambdaUuid": "4ec4", "payload": "{ \"some\": \"stuff\"}", "failOnError": true})),
        )
        .unwrap();
        assert_eq!(
            invocation,
            Action::InvokeFunction(
                FunctionInvocation::new("4ec4", json!("{ \"some\": \"stuff\"}")).fail_on_error()
            )
        );
    }

    #[test]
    fn errors_name_the_field() {
        let err = parse("TRANSFER", &Map::new()).unwrap_err();
        assert!(err.contains("data.skill"), "{err}");
        let err = parse("CHANGE_TTR", &data(json!({"ttrType": "urgent"}))).unwrap_err();
        assert!(err.contains("`urgent`"), "{err}");
        let err = parse("ESCALATE", &Map::new()).unwrap_err();
        assert!(err.contains("`ESCALATE`"), "{err}");
    }
}
