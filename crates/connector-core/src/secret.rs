//! A wrapper for credentials that never shows its content in `Debug` or `Display`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string: passwords, API keys, app secrets, tokens.
///
/// `Debug` and `Display` print `***`, so a secret inside a configuration struct
/// cannot leak into logs. Call [`Secret::expose`] where the value is really needed.
///
/// # Examples
///
/// ```
/// use connector_core::Secret;
/// let key = Secret::new("s3cr3t");
/// assert_eq!(format!("{key:?}"), "***");
/// assert_eq!(key.expose(), "s3cr3t");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Do not log the result.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (usually a configuration error).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// Serializes the real value: configuration files must round-trip. Never
/// serialize a `Secret` into a log record or an API response.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value_inside_structs() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Config {
            user: String,
            password: Secret,
        }
        let c = Config {
            user: "bot".into(),
            password: Secret::new("hunter2"),
        };
        let shown = format!("{c:?} {}", c.password);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"));
    }
}
