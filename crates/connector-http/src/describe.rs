//! What a failed HTTP call says to an operator: the kind of failure and its
//! causes (a refused connection, an untrusted certificate), never the URL
//! (its query may carry a key) nor anything the server sent.

use std::error::Error as _;

/// The most a description holds, in characters.
const MAX_CHARS: usize = 300;

/// Describes a `reqwest` failure for logs and status messages: what failed
/// (connecting, timing out, reading the answer) followed by its causes,
/// e.g. `could not connect: invalid peer certificate: UnknownIssuer`.
///
/// The request's URL is left out (it can carry credentials in its query or
/// user info); the text is bounded to 300 characters.
#[must_use]
pub fn describe_error(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_redirect() {
        "too many redirects"
    } else if err.is_body() || err.is_decode() {
        "the answer was cut off"
    } else if err.is_builder() {
        "the request could not be built"
    } else {
        "the request failed"
    };
    let mut text = String::from(kind);
    let mut seen: Vec<String> = Vec::new();
    let mut cause = err.source();
    while let Some(err) = cause {
        let said = err.to_string();
        // hyper and std repeat their inner error in their own text; keep each once.
        if !said.is_empty()
            && !seen
                .iter()
                .any(|s| s.contains(&said) || said.contains(s.as_str()))
        {
            seen.push(said);
        }
        cause = err.source();
    }
    for said in seen {
        text.push_str(": ");
        text.push_str(&said);
    }
    if text.chars().count() > MAX_CHARS {
        text = text.chars().take(MAX_CHARS).collect();
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refused_connection_says_so_without_the_url() {
        // Port 9 on loopback: nothing listens there in the test environment.
        let err = crate::Trust::default()
            .http_client_builder()
            .build()
            .unwrap()
            .get("http://127.0.0.1:9/path?key=topsecret")
            .send()
            .await
            .unwrap_err();
        let text = describe_error(&err);
        assert!(text.starts_with("could not connect"), "{text}");
        assert!(
            !text.contains("topsecret") && !text.contains("127.0.0.1:9/path"),
            "{text}"
        );
    }
}
