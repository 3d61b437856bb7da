//! The crate's error type.

/// Why a payload could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not JSON, or its JSON does not have the documented shape.
    /// `raw` holds the offending input (cut to 512 bytes) for the logs.
    #[error(
        "malformed LiveEngage payload ({source}); check that the peer speaks the documented protocol: {raw}"
    )]
    Malformed {
        /// The JSON error.
        #[source]
        source: serde_json::Error,
        /// The start of the offending input.
        raw: String,
    },
    /// A frame's body does not match the shape its `type` requires.
    #[error(
        "the body of a `{type_name}` frame has an unexpected shape ({source}); compare it with the documented example"
    )]
    BadBody {
        /// The frame's `type`.
        type_name: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    pub(crate) fn malformed(source: serde_json::Error, raw: &[u8]) -> Self {
        let cut = raw.len().min(512);
        Self::Malformed {
            source,
            raw: String::from_utf8_lossy(&raw[..cut]).into_owned(),
        }
    }

    pub(crate) fn bad_body(type_name: &str, source: serde_json::Error) -> Self {
        Self::BadBody {
            type_name: type_name.to_owned(),
            source,
        }
    }
}
