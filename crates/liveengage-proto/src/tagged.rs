//! Helpers for objects tagged by one key whose unknown tags must be kept.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Removes `tag` from `map` and returns its string value.
pub(crate) fn take_tag(map: &mut Map<String, Value>, tag: &str) -> Option<String> {
    match map.remove(tag) {
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            // Put a non-string tag back so an `Other` variant keeps it verbatim.
            map.insert(tag.to_owned(), other);
            None
        }
        None => None,
    }
}

/// Decodes the rest of a tagged object into its variant's struct.
pub(crate) fn variant<T: DeserializeOwned, E: serde::de::Error>(
    map: Map<String, Value>,
) -> Result<T, E> {
    serde_json::from_value(Value::Object(map)).map_err(E::custom)
}

/// Serializes a variant's struct and puts the tag back.
pub(crate) fn with_tag<T: Serialize, E: serde::ser::Error>(
    tag: &str,
    name: &str,
    inner: &T,
) -> Result<Value, E> {
    let mut value = serde_json::to_value(inner).map_err(E::custom)?;
    if let Value::Object(map) = &mut value {
        map.insert(tag.to_owned(), Value::String(name.to_owned()));
    }
    Ok(value)
}
