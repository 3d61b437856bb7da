//! Response bodies read up to a cap.

/// The cap [`read_body`] callers use unless they know better: 1 MiB, far
/// above any engine answer or LiveEngage REST response.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// The body is larger than the cap (announced or read).
    #[error("the response body is larger than {limit} bytes")]
    TooLarge {
        /// The cap.
        limit: usize,
    },
    /// The connection failed while reading.
    #[error("reading the response body failed: {0}")]
    Network(#[source] reqwest::Error),
}

impl BodyError {
    /// Whether trying again may help (a network failure; not a body that is
    /// too large).
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Network(_))
    }
}

/// Reads `response`'s body, failing as soon as it passes `limit` bytes (at
/// once when `Content-Length` announces more).
///
/// # Errors
///
/// [`BodyError::TooLarge`], or [`BodyError::Network`].
pub async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    if let Some(announced) = response.content_length()
        && announced > limit as u64
    {
        return Err(BodyError::TooLarge { limit });
    }
    let capacity = response
        .content_length()
        .map_or(0, |n| usize::try_from(n).unwrap_or(limit));
    let mut body = Vec::with_capacity(capacity.min(limit));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Network)? {
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
