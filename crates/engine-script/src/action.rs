//! The action of an intent, checked when the script loads.

use connector_core::{Action, AgentId, FunctionInvocation, Ttr};
use serde_json::Value;

use crate::config::{ActionConfig, TtrType};
use crate::error::{At, ScriptError, invalid};

/// Checks an `action` table and builds the [`Action`]; `at` is the action's location.
pub(crate) fn compile(at: &At<'_>, config: &ActionConfig) -> Result<Action, ScriptError> {
    match config {
        ActionConfig::Transfer { skill } => Ok(Action::TransferToSkill {
            skill: non_empty(at, "skill", skill, "the name of the skill to transfer to")?,
        }),
        ActionConfig::TransferToAgent { skill, agent_id } => Ok(Action::TransferToAgent {
            skill: non_empty(at, "skill", skill, "the skill to fall back to")?,
            agent_id: AgentId::new(non_empty(
                at,
                "agent_id",
                agent_id,
                "the LiveEngage user id of the agent",
            )?),
        }),
        ActionConfig::Close { without_pcs } => Ok(Action::Close {
            without_pcs: *without_pcs,
        }),
        ActionConfig::Ttr { ttr_type, seconds } => {
            let ttr = match (ttr_type, seconds) {
                (TtrType::Custom, Some(0)) => {
                    return Err(invalid(at, "seconds", "a CUSTOM TTR needs `seconds` > 0"));
                }
                (TtrType::Custom, Some(s)) => Ttr::Custom(*s),
                (TtrType::Custom, None) => {
                    return Err(invalid(
                        at,
                        "seconds",
                        "a CUSTOM TTR needs `seconds`, e.g. seconds = 600",
                    ));
                }
                (_, Some(_)) => {
                    return Err(invalid(
                        at,
                        "seconds",
                        "`seconds` applies only to ttr_type = \"CUSTOM\"; remove it",
                    ));
                }
                (TtrType::Urgent, None) => Ttr::Urgent,
                (TtrType::Normal, None) => Ttr::Normal,
                (TtrType::Prioritized, None) => Ttr::Prioritized,
            };
            Ok(Action::ChangeTtr(ttr))
        }
        ActionConfig::Invoke {
            lambda_uuid,
            payload,
            fail_on_error,
        } => {
            let uuid = non_empty(at, "lambda_uuid", lambda_uuid, "the function's id")?;
            let payload = payload
                .clone()
                .unwrap_or_else(|| Value::Object(serde_json::Map::new()));
            let invocation = FunctionInvocation::new(uuid, payload);
            Ok(Action::InvokeFunction(if *fail_on_error {
                invocation.fail_on_error()
            } else {
                invocation
            }))
        }
    }
}

fn non_empty(at: &At<'_>, field: &str, value: &str, what: &str) -> Result<String, ScriptError> {
    if value.trim().is_empty() {
        return Err(invalid(at, field, format!("is empty; write {what}")));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compile_src(src: &str) -> Result<Action, ScriptError> {
        let config: ActionConfig = toml::from_str(src).unwrap();
        compile(&At::intent("i").nested("action"), &config)
    }

    #[test]
    fn every_action_maps_to_the_vocabulary() {
        assert_eq!(
            compile_src("type = \"transfer\"\nskill = \"human-agents\"").unwrap(),
            Action::transfer("human-agents")
        );
        assert_eq!(
            compile_src("type = \"transfer_to_agent\"\nskill = \"vip\"\nagent_id = \"42\"")
                .unwrap(),
            Action::TransferToAgent {
                skill: "vip".into(),
                agent_id: AgentId::new("42")
            }
        );
        assert_eq!(
            compile_src("type = \"close\"").unwrap(),
            Action::Close { without_pcs: false }
        );
        assert_eq!(
            compile_src("type = \"close\"\nwithout_pcs = true").unwrap(),
            Action::Close { without_pcs: true }
        );
        assert_eq!(
            compile_src("type = \"ttr\"\nttr_type = \"URGENT\"").unwrap(),
            Action::ChangeTtr(Ttr::Urgent)
        );
        assert_eq!(
            compile_src("type = \"ttr\"\nttr_type = \"normal\"").unwrap(),
            Action::ChangeTtr(Ttr::Normal)
        );
        assert_eq!(
            compile_src("type = \"ttr\"\nttr_type = \"PRIORITIZED\"").unwrap(),
            Action::ChangeTtr(Ttr::Prioritized)
        );
        assert_eq!(
            compile_src("type = \"ttr\"\nttr_type = \"CUSTOM\"\nseconds = 600").unwrap(),
            Action::ChangeTtr(Ttr::Custom(600))
        );
        assert_eq!(
            compile_src(
                "type = \"invoke\"\nlambda_uuid = \"f-1\"\npayload = { list = \"deals\" }\nfail_on_error = true"
            )
            .unwrap(),
            Action::InvokeFunction(
                FunctionInvocation::new("f-1", json!({"list": "deals"})).fail_on_error()
            )
        );
        assert_eq!(
            compile_src("type = \"invoke\"\nlambda_uuid = \"f-1\"").unwrap(),
            Action::InvokeFunction(FunctionInvocation::new("f-1", json!({})))
        );
    }

    #[test]
    fn invalid_actions_name_the_field() {
        let err = compile_src("type = \"ttr\"\nttr_type = \"CUSTOM\"").unwrap_err();
        assert_eq!(err.field(), Some("action.seconds"));
        let err = compile_src("type = \"ttr\"\nttr_type = \"CUSTOM\"\nseconds = 0").unwrap_err();
        assert_eq!(err.field(), Some("action.seconds"));
        let err = compile_src("type = \"ttr\"\nttr_type = \"URGENT\"\nseconds = 5").unwrap_err();
        assert!(err.to_string().contains("only to ttr_type"), "{err}");
        let err = compile_src("type = \"transfer\"\nskill = \" \"").unwrap_err();
        assert_eq!(err.field(), Some("action.skill"));
        let err = compile_src("type = \"transfer_to_agent\"\nskill = \"s\"\nagent_id = \"\"")
            .unwrap_err();
        assert_eq!(err.field(), Some("action.agent_id"));
        let err = compile_src("type = \"invoke\"\nlambda_uuid = \"\"").unwrap_err();
        assert_eq!(err.field(), Some("action.lambda_uuid"));
    }
}
