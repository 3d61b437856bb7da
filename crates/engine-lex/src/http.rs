//! One signed POST to Lex, and its failures sorted into transient and permanent.

use std::time::{Duration, SystemTime};

use connector_core::{EngineError, ErrorCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

use crate::credentials::CredentialSource;
use crate::exception;
use crate::sigv4;
use crate::upstream;

/// Path segments are encoded like botocore and the Rust SDK do: everything
/// but the unreserved characters, so a `:` in a session id becomes `%3A`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `base` with `segments` appended, each percent-encoded.
pub(crate) fn url(base: &Url, segments: &[&str]) -> Url {
    let mut path = base.path().trim_end_matches('/').to_owned();
    for segment in segments {
        path.push('/');
        path.extend(utf8_percent_encode(segment, SEGMENT));
    }
    let mut url = base.clone();
    url.set_path(&path);
    url
}

/// The settings every call shares.
pub(crate) struct LexHttp {
    pub(crate) client: reqwest::Client,
    pub(crate) credentials: CredentialSource,
    pub(crate) region: String,
    pub(crate) timeout: Duration,
}

impl LexHttp {
    /// POSTs `body` to `url`, signed, and returns the body of a 2xx answer
    /// (at most 1 MiB).
    pub(crate) async fn post(
        &self,
        url: &Url,
        body: &serde_json::Value,
        code: &ErrorCode,
    ) -> Result<Vec<u8>, EngineError> {
        let body = serde_json::to_vec(body).map_err(|e| {
            EngineError::permanent(code.clone(), format!("cannot encode the request: {e}"))
        })?;
        let credentials = self.credentials.get().await?;
        let headers = sigv4::sign_post(&credentials, &self.region, url, &body, SystemTime::now())
            .map_err(|e| EngineError::permanent(code.clone(), e))?;
        let mut request = self
            .client
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request
            .timeout(self.timeout)
            .body(body)
            .send()
            .await
            .map_err(|e| network(&e, code))?;
        let status = response.status();
        let error_type = response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = upstream::retry_after(response.headers());
        let body = match upstream::body(response, code, "the call to Lex").await {
            Ok(body) => body,
            Err(e) if status.is_success() => return Err(e),
            // An error answer is only read for its exception name.
            Err(_) => Vec::new(),
        };
        if status.is_success() {
            Ok(body)
        } else {
            Err(exception::to_engine_error(
                status.as_u16(),
                error_type.as_deref(),
                retry_after,
                &body,
                code,
            ))
        }
    }
}

fn network(error: &reqwest::Error, code: &ErrorCode) -> EngineError {
    let kind = if error.is_timeout() {
        "timed out"
    } else {
        "failed"
    };
    EngineError::transient(code.clone(), format!("the call to Lex {kind}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_like_the_aws_sdks() {
        let base = Url::parse("http://127.0.0.1:8080/proxy/").unwrap();
        assert_eq!(
            url(&base, &["sessions", "tenant:conv 1", "text"]).as_str(),
            "http://127.0.0.1:8080/proxy/sessions/tenant%3Aconv%201/text"
        );
    }
}
