//! What the engine keeps in a conversation's [`EngineSession`].

use connector_core::EngineSession;
use serde_json::{Map, Value};

use crate::parse::{OfferedChoice, SelectionCounters};

/// v2 stateful: the Watson session id.
pub(crate) const SESSION_ID: &str = "watson.session_id";
/// v1 and v2 stateless: the context Watson returned last.
pub(crate) const CONTEXT: &str = "watson.context";
/// Chat: the options of the list offered last.
pub(crate) const OFFERED: &str = "watson.offered";
/// Counters of `selection_policy` lists.
pub(crate) const SELECTION: &str = "watson.selection";

/// The variables re-sent on every turn, so not worth storing.
const PER_TURN_VARIABLES: [&str; 2] = ["lpEvent", "lpSdes"];

/// The stored context, or an empty object.
pub(crate) fn context(session: &EngineSession) -> Map<String, Value> {
    match session.get_json(CONTEXT) {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    }
}

/// Stores Watson's context without the per-turn LivePerson variables.
pub(crate) fn store_context(session: &mut EngineSession, context: &Value, v2: bool) {
    let mut context = context.clone();
    let vars = if v2 {
        context.pointer_mut("/skills/main skill/user_defined")
    } else {
        Some(&mut context)
    };
    if let Some(Value::Object(vars)) = vars {
        for key in PER_TURN_VARIABLES {
            vars.remove(key);
        }
    }
    session.set(CONTEXT, &context);
}

pub(crate) fn offered(session: &EngineSession) -> Vec<OfferedChoice> {
    session.get(OFFERED).unwrap_or_default()
}

pub(crate) fn counters(session: &EngineSession) -> SelectionCounters {
    session.get(SELECTION).unwrap_or_default()
}
