//! What the engine takes from Lex (or whatever `base_url` points at),
//! bounded: bodies up to [`DEFAULT_BODY_LIMIT`], `Retry-After` up to five
//! minutes, and error messages that never quote an answer.

use std::time::Duration;

use connector_core::{EngineError, ErrorCode};
use connector_http::{BodyError, DEFAULT_BODY_LIMIT};
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The longest `Retry-After` honoured; a longer one counts as this.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// Reads `response`'s body up to [`DEFAULT_BODY_LIMIT`]. A larger body is a
/// permanent error (retrying fetches the same one); a connection lost while
/// reading is transient.
pub(crate) async fn body(
    response: reqwest::Response,
    code: &ErrorCode,
    what: &str,
) -> Result<Vec<u8>, EngineError> {
    connector_http::read_body(response, DEFAULT_BODY_LIMIT)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge { limit } => EngineError::permanent(
                code.clone(),
                format!(
                    "the answer to {what} is larger than {limit} bytes, the most the engine reads; check that the URL points at the service"
                ),
            ),
            other => EngineError::transient(
                code.clone(),
                format!("reading the answer to {what} failed: {other}"),
            ),
        })
}

/// `Retry-After` in seconds, at most [`MAX_RETRY_AFTER`]. An HTTP date or a
/// value that is not a number is ignored.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

/// What is wrong with an answer that did not deserialize, without quoting it:
/// serde's messages can contain the answer's values (`invalid type: string
/// "..."`), so only "missing field" (which names one of our fields) is kept.
pub(crate) fn json_problem(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    // `from_value` errors have no position (line 0).
    let at = if error.line() == 0 {
        "in the answer".to_owned()
    } else {
        format!("line {}, column {}", error.line(), error.column())
    };
    match error.classify() {
        Category::Syntax => format!("it is not JSON ({at})"),
        Category::Eof => format!("it ends early ({at})"),
        Category::Io => format!("it could not be read ({at})"),
        Category::Data => {
            let text = error.to_string();
            if text.starts_with("missing field") {
                text
            } else {
                format!("a field has the wrong type or value ({at})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_at_most_five_minutes() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, u64::MAX.to_string().parse().unwrap());
        assert_eq!(retry_after(&headers), Some(MAX_RETRY_AFTER));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn json_problems_do_not_quote_the_answer() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Shape {
            state: u32,
        }
        let wrong =
            serde_json::from_str::<Shape>(r#"{"state": "SECRET-INTERNAL-PAGE"}"#).unwrap_err();
        assert!(
            !json_problem(&wrong).contains("SECRET"),
            "{}",
            json_problem(&wrong)
        );
        let html = serde_json::from_str::<Shape>("<html>SECRET</html>").unwrap_err();
        assert!(json_problem(&html).starts_with("it is not JSON"));
        let missing = serde_json::from_str::<Shape>("{}").unwrap_err();
        assert!(json_problem(&missing).contains("missing field `state`"));
    }
}
