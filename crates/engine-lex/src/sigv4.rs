//! AWS Signature Version 4 for Lex, with the official `aws-sigv4` signer.
//!
//! Signed headers: `content-type`, `host` and `x-amz-date` (plus
//! `x-amz-security-token` with temporary credentials), as botocore signs Lex
//! calls; the payload hash is the SHA-256 of the body (no
//! `x-amz-content-sha256` header: Lex is not S3). The canonical URI uses the
//! default (double) percent-encoding.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4::SigningParams;
use url::Url;

/// The SigV4 service name of both Lex runtimes.
pub(crate) const SERVICE: &str = "lex";

/// The header value of `host` for `url`: the host, with the port when it is
/// not the scheme's default.
pub(crate) fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// The headers to add to a `POST` of `body` (JSON) to `url`: `x-amz-date`,
/// `authorization` and, with a session token, `x-amz-security-token`.
pub(crate) fn sign_post(
    credentials: &Credentials,
    region: &str,
    url: &Url,
    body: &[u8],
    time: SystemTime,
) -> Result<Vec<(&'static str, String)>, String> {
    let identity = credentials.clone().into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SERVICE)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| format!("cannot build the SigV4 parameters: {e}"))?
        .into();
    let host = host_header(url);
    let headers = [
        ("content-type", "application/json"),
        ("host", host.as_str()),
    ];
    let signable = SignableRequest::new(
        "POST",
        url.as_str(),
        headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| format!("cannot sign the request to {url}: {e}"))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| format!("cannot sign the request to {url}: {e}"))?
        .into_parts();
    let (headers, _params) = instructions.into_parts();
    Ok(headers
        .into_iter()
        .map(|h| (h.name(), h.value().to_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    /// The golden vectors of `specs/engines.md` §3.5, computed with botocore.
    fn golden(path: &str) -> String {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        );
        let url = Url::parse(&format!(
            "https://runtime-v2-lex.us-east-1.amazonaws.com{path}"
        ))
        .unwrap();
        let time = UNIX_EPOCH + Duration::from_secs(1_704_067_200);
        let headers = sign_post(
            &credentials,
            "us-east-1",
            &url,
            br#"{"text":"hello"}"#,
            time,
        )
        .unwrap();
        let date = headers.iter().find(|(n, _)| *n == "x-amz-date").unwrap();
        assert_eq!(date.1, "20240101T000000Z");
        assert!(!headers.iter().any(|(n, _)| *n == "x-amz-security-token"));
        headers
            .into_iter()
            .find(|(n, _)| *n == "authorization")
            .map(|(_, v)| v)
            .unwrap()
    }

    #[test]
    fn signature_matches_botocore_for_a_plain_session_id() {
        assert_eq!(
            golden("/bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_US/sessions/s-1/text"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/lex/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=44fe564be0bb301fafc739b6599c93ac5a610c14ea7d1ee27f985ca3f208a936"
        );
    }

    #[test]
    fn signature_matches_botocore_for_an_encoded_colon() {
        assert_eq!(
            golden(
                "/bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_US/sessions/tenant%3Aconv-1/text"
            ),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/lex/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=01be63efc07697f7d802f775c1feda156d4fc75f1fef31309e74cae9e7ac227d"
        );
    }

    #[test]
    fn session_tokens_are_sent_and_signed() {
        let credentials = Credentials::new("AKID", "secret", Some("token-1".into()), None, "test");
        let url = Url::parse("http://127.0.0.1:9000/bot/b/alias/a/user/u/text").unwrap();
        let headers = sign_post(&credentials, "eu-west-1", &url, b"{}", SystemTime::now()).unwrap();
        let token = headers
            .iter()
            .find(|(n, _)| *n == "x-amz-security-token")
            .unwrap();
        assert_eq!(token.1, "token-1");
        let auth = &headers
            .iter()
            .find(|(n, _)| *n == "authorization")
            .unwrap()
            .1;
        assert!(
            auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"),
            "{auth}"
        );
        assert_eq!(host_header(&url), "127.0.0.1:9000");
    }
}
