//! What the engine keeps in the [`EngineSession`] between turns, and the
//! LivePerson context it sends with each request.
//!
//! - `sessionAttributes`: Lex's session attributes as Lex last returned them,
//!   sent back with the next request, plus `convId` (the conversation id), as
//!   LivePerson's connector adds it.
//! - `sessionState` (V2 only): Lex's last `sessionState` (dialog action,
//!   intent, active contexts), sent back so the dialog continues where Lex left
//!   it even if the session moves to another connector instance.

use connector_core::{ConversationContext, EngineSession, EventKind};
use serde_json::{Map, Value};

/// The request attribute that carries LivePerson's context.
pub const LP_CONTEXT_ATTRIBUTE: &str = "BC-LP-CONTEXT";

const ATTRIBUTES_KEY: &str = "sessionAttributes";
const STATE_KEY: &str = "sessionState";

/// The session attributes to send: the stored ones plus `convId`.
pub(crate) fn attributes(session: &EngineSession, conversation: &str) -> Map<String, Value> {
    let mut attributes = session
        .get::<Map<String, Value>>(ATTRIBUTES_KEY)
        .unwrap_or_default();
    attributes.insert("convId".into(), Value::String(conversation.to_owned()));
    attributes
}

/// The V2 `sessionState` to send: Lex's last state, without its `null` slots
/// (Lex reports unfilled slots as `null`; leaving them out means the same),
/// with the session attributes of [`attributes`].
pub(crate) fn v2_state(session: &EngineSession, conversation: &str) -> Value {
    let mut state = Map::new();
    if let Some(Value::Object(last)) = session.get_json(STATE_KEY) {
        for key in ["dialogAction", "intent", "activeContexts"] {
            if let Some(value) = last.get(key).filter(|v| !v.is_null()) {
                state.insert(key.into(), value.clone());
            }
        }
        if let Some(Value::Object(slots)) = state.get_mut("intent").and_then(|i| i.get_mut("slots"))
        {
            slots.retain(|_, v| !v.is_null());
        }
    }
    state.insert(
        ATTRIBUTES_KEY.into(),
        Value::Object(attributes(session, conversation)),
    );
    Value::Object(state)
}

/// Stores what Lex returned: its session attributes (`null` values dropped)
/// and, for V2, its session state.
pub(crate) fn store(
    session: &mut EngineSession,
    attributes: Option<&Value>,
    state: Option<&Value>,
) {
    if let Some(Value::Object(attributes)) = attributes {
        let kept: Map<String, Value> = attributes
            .iter()
            .filter(|(_, v)| v.is_string())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        session.set(ATTRIBUTES_KEY, &kept);
    }
    if let Some(state @ Value::Object(_)) = state {
        session.set(STATE_KEY, state);
    }
}

/// `requestAttributes`: `{"BC-LP-CONTEXT": "<JSON string of {lpEvent, lpSdes}>"}`.
/// On a welcome event after a transfer, `lpEvent.lastConsumerMessage` carries
/// the consumer's last message when the channel did not already put it there.
pub(crate) fn request_attributes(context: &ConversationContext, kind: &EventKind) -> Value {
    let mut lp_context = context.lp_context();
    if let EventKind::ConversationStarted {
        last_consumer_message: Some(last),
        ..
    } = kind
        && let Some(map) = lp_context.as_object_mut()
    {
        let event = map.entry("lpEvent").or_insert(Value::Null);
        if !event.is_object() {
            *event = Value::Object(Map::new());
        }
        if let Some(event) = event.as_object_mut() {
            event
                .entry("lastConsumerMessage")
                .or_insert_with(|| Value::String(last.clone()));
        }
    }
    let mut attributes = Map::new();
    attributes.insert(
        LP_CONTEXT_ATTRIBUTE.into(),
        Value::String(lp_context.to_string()),
    );
    Value::Object(attributes)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn state_round_trip_drops_null_slots_and_adds_conv_id() {
        let mut session = EngineSession::default();
        store(
            &mut session,
            Some(&json!({"channel": "web", "gone": null})),
            Some(&json!({
                "dialogAction": {"type": "ElicitSlot", "slotToElicit": "FlowerType"},
                "intent": {"name": "OrderFlowers", "state": "InProgress",
                           "slots": {"FlowerType": null, "Color": {"value": {"interpretedValue": "red"}}}},
                "originatingRequestId": "r-1"
            })),
        );
        assert_eq!(
            v2_state(&session, "c-1"),
            json!({
                "dialogAction": {"type": "ElicitSlot", "slotToElicit": "FlowerType"},
                "intent": {"name": "OrderFlowers", "state": "InProgress",
                           "slots": {"Color": {"value": {"interpretedValue": "red"}}}},
                "sessionAttributes": {"channel": "web", "convId": "c-1"}
            })
        );
    }

    #[test]
    fn first_turn_sends_only_conv_id() {
        assert_eq!(
            v2_state(&EngineSession::default(), "c-2"),
            json!({"sessionAttributes": {"convId": "c-2"}})
        );
    }
}
