//! The ES detectIntent request body.

use serde_json::{Map, Value, json};

use crate::query::Query;

/// `{"queryInput": {"text": {...}} | {"event": {...}}, "queryParams": {...}}`;
/// ES puts `languageCode` inside `text` and `event`.
pub(super) fn body(
    query: &Query<'_>,
    language_code: &str,
    time_zone: Option<&str>,
    payload: Option<Value>,
) -> Value {
    let input = match query {
        Query::Text(text) => json!({"text": {"text": text, "languageCode": language_code}}),
        Query::Event(name) => json!({"event": {"name": name, "languageCode": language_code}}),
    };
    let mut params = Map::new();
    if let Some(tz) = time_zone {
        params.insert("timeZone".into(), Value::String(tz.to_owned()));
    }
    if let Some(payload) = payload {
        params.insert("payload".into(), payload);
    }
    let mut body = Map::new();
    body.insert("queryInput".into(), input);
    if !params.is_empty() {
        body.insert("queryParams".into(), Value::Object(params));
    }
    Value::Object(body)
}
