//! `pause` responses: a delay in milliseconds, with the typing indicator unless
//! `typing` is `false`.

use std::time::Duration;

use connector_core::{EngineError, Output};
use serde_json::Value;

use super::invalid;
use crate::error::codes;
use crate::wire::PauseItem;

/// Watson's `typing` is optional; LivePerson's delays show typing unless told
/// otherwise, so a missing `typing` means `true`.
pub(crate) fn pause_output(item: &PauseItem, raw: &Value) -> Result<Output, EngineError> {
    let millis = item
        .time
        .as_ref()
        .and_then(|t| {
            t.as_u64()
                .or_else(|| t.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64))
        })
        .ok_or_else(|| {
            invalid(
                codes::PAUSE_UNDEFINED_TIME,
                "a pause response needs `time` in milliseconds",
                raw,
            )
        })?;
    Ok(Output::delay(
        Duration::from_millis(millis),
        item.typing.unwrap_or(true),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn time_is_milliseconds_and_typing_defaults_on() {
        let raw = json!({ "time": 5000, "typing": true, "response_type": "pause" });
        let item: PauseItem = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(
            pause_output(&item, &raw).unwrap(),
            Output::delay(Duration::from_secs(5), true)
        );
        let raw = json!({ "time": 250, "typing": false, "response_type": "pause" });
        let item: PauseItem = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(
            pause_output(&item, &raw).unwrap(),
            Output::delay(Duration::from_millis(250), false)
        );
        let raw = json!({ "time": 10, "response_type": "pause" });
        let item: PauseItem = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(
            pause_output(&item, &raw).unwrap(),
            Output::delay(Duration::from_millis(10), true)
        );
        for raw in [
            json!({"response_type": "pause"}),
            json!({"response_type": "pause", "time": -1}),
        ] {
            let item: PauseItem = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(
                pause_output(&item, &raw).unwrap_err().code(),
                &codes::PAUSE_UNDEFINED_TIME
            );
        }
    }
}
