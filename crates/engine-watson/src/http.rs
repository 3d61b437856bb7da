//! One authenticated JSON call to Watson: URL building, the `version`
//! parameter, the 401 → new token → retry-once rule.

use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use reqwest::header::ACCEPT;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use crate::auth::Authenticator;
use crate::status::{HttpFailure, TRANSACTION_ID, transport_error};
use crate::upstream;

/// Why a call failed: an HTTP error answer (the caller decides, e.g. on an
/// invalid session), or an error that is final already.
#[derive(Debug)]
pub(crate) enum CallError {
    Http(HttpFailure),
    Engine(EngineError),
}

impl CallError {
    pub(crate) fn into_engine_error(self, code: ErrorCode, what: &str) -> EngineError {
        match self {
            Self::Http(failure) => failure.into_engine_error(code, what),
            Self::Engine(err) => err,
        }
    }
}

/// The shared HTTP client, credentials and base URL of one engine.
pub(crate) struct WatsonClient {
    client: reqwest::Client,
    auth: Authenticator,
    base: Url,
    version: String,
    timeout: Duration,
}

impl WatsonClient {
    pub(crate) fn new(
        client: reqwest::Client,
        auth: Authenticator,
        base: Url,
        version: String,
        timeout: Duration,
    ) -> Self {
        Self {
            client,
            auth,
            base,
            version,
            timeout,
        }
    }

    /// `base` + `/segment/...` + `?version=...`. Segments are percent-encoded.
    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        // `check` guarantees an http(s) base, which always has path segments.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url.query_pairs_mut().append_pair("version", &self.version);
        url
    }

    /// Sends `body` (if any) to the path and returns the answer's body.
    /// A 401 fetches a new IAM token and retries once.
    pub(crate) async fn call(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
        code: &ErrorCode,
        what: &str,
    ) -> Result<Vec<u8>, CallError> {
        let url = self.url(segments);
        let mut retried = false;
        loop {
            let credential = self.auth.credential().await.map_err(CallError::Engine)?;
            let mut request = self
                .client
                .request(method.clone(), url.clone())
                .header(ACCEPT, "application/json")
                .timeout(self.timeout);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = credential
                .apply(request)
                .send()
                .await
                .map_err(|e| CallError::Engine(transport_error(code.clone(), what, &e)))?;
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = match upstream::body(response, code, what).await {
                Ok(bytes) => bytes,
                Err(e) if status.is_success() => return Err(CallError::Engine(e)),
                // An error answer is only read for its code and message.
                Err(_) => Vec::new(),
            };
            let transaction = headers.get(TRANSACTION_ID).and_then(|v| v.to_str().ok());
            tracing::debug!(%status, transaction_id = transaction, "{what}");
            if status.is_success() {
                return Ok(bytes);
            }
            if status == StatusCode::UNAUTHORIZED
                && !retried
                && self.auth.rejected(&credential).await
            {
                retried = true;
                continue;
            }
            let failure = HttpFailure::new(status, &headers, &bytes);
            tracing::warn!(
                %status,
                transaction_id = transaction,
                message = ?failure.message,
                "{what} failed"
            );
            return Err(CallError::Http(failure));
        }
    }
}
