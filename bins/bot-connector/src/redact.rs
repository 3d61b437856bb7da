//! Hides secrets in definitions shown by the API and the dashboard.

use serde_json::Value;

/// Keys whose string values are secrets.
const SECRET_KEYS: &[&str] = &[
    "password",
    "bearer",
    "secret",
    "api_key",
    "apikey",
    "token",
    "private_key",
    "secret_access_key",
];

/// The placeholder shown instead of a secret.
pub const REDACTED: &str = "***";

/// A copy of `value` with secret strings replaced by `***`; `${ENV}`
/// references are kept, as they are not secrets.
#[must_use]
pub fn redact(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let hidden = match v {
                        Value::String(s) if is_secret_key(k) && !s.starts_with("${") => {
                            Value::String(REDACTED.into())
                        }
                        other => redact(other),
                    };
                    (k.clone(), hidden)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        other => other.clone(),
    }
}

/// Puts the stored secrets back where an edit sent `***`, so a definition
/// read from the API can be sent back unchanged.
pub fn restore(edited: &mut Value, stored: &Value) {
    match (edited, stored) {
        (Value::Object(e), Value::Object(s)) => {
            for (k, v) in e.iter_mut() {
                if let Some(old) = s.get(k) {
                    if v.as_str() == Some(REDACTED) && is_secret_key(k) {
                        *v = old.clone();
                    } else {
                        restore(v, old);
                    }
                }
            }
        }
        (Value::Array(e), Value::Array(s)) => {
            for (v, old) in e.iter_mut().zip(s) {
                restore(v, old);
            }
        }
        _ => {}
    }
}

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|s| key.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_hidden_and_restored() {
        let stored = json!({"login": {"password": "pw", "username": "u"}, "f": {"x": {"bearer": "${B}"}},
                "engine": {"service_account": {"private_key": "-----BEGIN", "private_key_id": "k1"},
                    "credentials": {"access_key_id": "AKID", "secret_access_key": "sk", "session_token": "st"},
                    "client_secret": "cs"}});
        let shown = redact(&stored);
        assert_eq!(shown["login"]["password"], "***");
        assert_eq!(shown["login"]["username"], "u");
        assert_eq!(shown["f"]["x"]["bearer"], "${B}");
        assert_eq!(shown["engine"]["service_account"]["private_key"], "***");
        assert_eq!(shown["engine"]["service_account"]["private_key_id"], "k1");
        assert_eq!(shown["engine"]["credentials"]["secret_access_key"], "***");
        assert_eq!(shown["engine"]["credentials"]["session_token"], "***");
        assert_eq!(shown["engine"]["credentials"]["access_key_id"], "AKID");
        assert_eq!(shown["engine"]["client_secret"], "***");
        let mut edited = shown.clone();
        restore(&mut edited, &stored);
        assert_eq!(edited, stored);
    }
}
