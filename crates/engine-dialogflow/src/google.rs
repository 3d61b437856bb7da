//! The authenticated POST shared by ES and CX: bearer token from the
//! [`TokenSource`], one retry with a fresh token when Dialogflow answers 401.

use std::sync::Arc;
use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use crate::auth::TokenSource;
use crate::http;

/// A client for one Google API endpoint family.
pub(crate) struct GoogleClient {
    pub(crate) http: reqwest::Client,
    pub(crate) tokens: Arc<dyn TokenSource>,
    /// The timeout of each call.
    pub(crate) timeout: Duration,
}

impl GoogleClient {
    /// POSTs `body` to `url` and returns the 2xx body.
    pub(crate) async fn post(
        &self,
        url: &Url,
        body: &Value,
        code: &ErrorCode,
    ) -> Result<Vec<u8>, EngineError> {
        let mut retried = false;
        loop {
            let token = self.tokens.token().await?;
            let request = self
                .http
                .post(url.clone())
                .bearer_auth(token.expose())
                .timeout(self.timeout)
                .json(body);
            let response = http::execute(request, code, "Dialogflow").await?;
            if response.status == StatusCode::UNAUTHORIZED && !retried {
                // The token may have been revoked or expired early: drop it and
                // try once more with a new one.
                tracing::debug!("Dialogflow answered 401; fetching a new token");
                self.tokens.invalidate(&token).await;
                retried = true;
                continue;
            }
            return http::check(response, code, "Dialogflow");
        }
    }
}

/// `base` with `segments` appended as path segments (percent-encoded).
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}
