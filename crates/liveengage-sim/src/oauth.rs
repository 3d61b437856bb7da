//! OAuth 1.0 (RFC 5849) HMAC-SHA1 signatures: the signature base string is
//! built here; the HMAC comes from the `hmac` and `sha1` crates.
//!
//! The emulator verifies `Authorization: OAuth …` headers on login, and
//! [`sign`] lets tests produce such headers.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha1::Sha1;

/// RFC 3986 unreserved characters stay; everything else is encoded.
const OAUTH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes as OAuth requires.
#[must_use]
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, OAUTH).to_string()
}

fn decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Parses `a=1&b=2` (form or query) into decoded pairs.
#[must_use]
pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// Parses an `Authorization: OAuth k="v", …` header into decoded pairs.
#[must_use]
pub fn parse_header(header: &str) -> Option<Vec<(String, String)>> {
    let rest = header.trim().strip_prefix("OAuth")?;
    Some(
        rest.split(',')
            .filter_map(|part| {
                let (k, v) = part.trim().split_once('=')?;
                let v = v.trim().trim_matches('"');
                Some((decode(k.trim()), decode(v)))
            })
            .collect(),
    )
}

/// The signature base string: `METHOD&enc(base URL)&enc(sorted, encoded params)`.
/// `params` are the decoded query, form and `oauth_*` parameters, without
/// `oauth_signature` and `realm`.
#[must_use]
pub fn base_string(method: &str, base_url: &str, params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> =
        params.iter().map(|(k, v)| (encode(k), encode(v))).collect();
    encoded.sort();
    let normalized = encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        encode(base_url),
        encode(&normalized)
    )
}

fn mac(consumer_secret: &str, token_secret: &str) -> Hmac<Sha1> {
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    // HMAC accepts keys of any length, so this cannot fail.
    <Hmac<Sha1> as Mac>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

/// The base64 HMAC-SHA1 signature of a base string.
#[must_use]
pub fn signature(base_string: &str, consumer_secret: &str, token_secret: &str) -> String {
    let mut mac = mac(consumer_secret, token_secret);
    mac.update(base_string.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Checks a base64 signature in constant time.
#[must_use]
pub fn verify(
    base_string: &str,
    consumer_secret: &str,
    token_secret: &str,
    signature_b64: &str,
) -> bool {
    let Ok(given) = STANDARD.decode(signature_b64) else {
        return false;
    };
    let mut mac = mac(consumer_secret, token_secret);
    mac.update(base_string.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// The OAuth 1.0 credentials of an API key.
#[derive(Clone)]
pub struct Credentials<'a> {
    /// App key (`oauth_consumer_key`).
    pub consumer_key: &'a str,
    /// App secret.
    pub consumer_secret: &'a str,
    /// Access token (`oauth_token`).
    pub token: &'a str,
    /// Access token secret.
    pub token_secret: &'a str,
}

impl std::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("consumer_key", &self.consumer_key)
            .finish_non_exhaustive()
    }
}

/// Builds a signed `Authorization: OAuth …` header value for a request to
/// `base_url` (no query) with the decoded `params` (query and form).
#[must_use]
pub fn sign(
    method: &str,
    base_url: &str,
    params: &[(String, String)],
    creds: &Credentials<'_>,
    nonce: &str,
    timestamp: u64,
) -> String {
    let mut oauth = vec![
        (
            "oauth_consumer_key".to_owned(),
            creds.consumer_key.to_owned(),
        ),
        ("oauth_nonce".to_owned(), nonce.to_owned()),
        ("oauth_signature_method".to_owned(), "HMAC-SHA1".to_owned()),
        ("oauth_timestamp".to_owned(), timestamp.to_string()),
        ("oauth_token".to_owned(), creds.token.to_owned()),
        ("oauth_version".to_owned(), "1.0".to_owned()),
    ];
    let mut all = params.to_vec();
    all.extend(oauth.iter().cloned());
    let sig = signature(
        &base_string(method, base_url, &all),
        creds.consumer_secret,
        creds.token_secret,
    );
    oauth.push(("oauth_signature".to_owned(), sig));
    let fields = oauth
        .iter()
        .map(|(k, v)| format!("{}=\"{}\"", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join(", ");
    format!("OAuth {fields}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of the OAuth Core 1.0 specification (appendix A.5).
    #[test]
    fn oauth_core_example() {
        let params: Vec<(String, String)> = [
            ("file", "vacation.jpg"),
            ("size", "original"),
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1191242096"),
            ("oauth_nonce", "kllo9940pd9333jh"),
            ("oauth_version", "1.0"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let base = base_string("GET", "http://photos.example.net/photos", &params);
        assert_eq!(
            base,
            "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
        );
        let sig = signature(&base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        assert_eq!(sig, "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
        assert!(verify(&base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00", &sig));
        assert!(!verify(&base, "kd94hf93k423kf44", "wrong", &sig));
    }

    #[test]
    fn signed_header_parses_back() {
        let creds = Credentials {
            consumer_key: "k y",
            consumer_secret: "s",
            token: "t",
            token_secret: "ts",
        };
        let header = sign(
            "POST",
            "http://127.0.0.1:1/api/account/1/login",
            &[("v".into(), "1.3".into())],
            &creds,
            "n",
            7,
        );
        let pairs = parse_header(&header).unwrap();
        assert!(pairs.contains(&("oauth_consumer_key".to_owned(), "k y".to_owned())));
        assert!(pairs.iter().any(|(k, _)| k == "oauth_signature"));
    }
}
