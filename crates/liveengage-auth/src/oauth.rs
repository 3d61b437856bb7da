//! OAuth 1.0 HMAC-SHA1 `Authorization` headers, signed by `oauth1-request`.

use oauth1_request as oauth;
use url::Url;

use crate::credentials::Credentials;

/// The header value for a request to `url`, or `None` for credentials that
/// are not an API key.
///
/// The query pairs of `url` are signed as request parameters and the query is
/// left out of the base-string URI, as RFC 5849 section 3.4.1 requires. A
/// JSON body is not signed (only form bodies are).
pub(crate) fn authorization(method: &str, url: &Url, credentials: &Credentials) -> Option<String> {
    let Credentials::ApiKey {
        app_key,
        app_secret,
        token,
        token_secret,
        ..
    } = credentials
    else {
        return None;
    };
    let mut bare = url.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let parameters = oauth::ParameterList::new(pairs);
    let token = oauth::Token::from_parts(
        app_key.as_str(),
        app_secret.expose(),
        token.expose(),
        token_secret.expose(),
    );
    let mut builder = oauth::Builder::with_token(token, oauth::HmacSha1::new());
    builder.version(true);
    Some(builder.authorize(method, bare.as_str(), &parameters))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_api_keys_sign_and_the_header_names_the_key_not_the_secrets() {
        let url: Url = "https://va.example/api/account/1/login?v=1.3"
            .parse()
            .unwrap_or_else(|_| unreachable!());
        let password = Credentials::user_password("bot", "pw");
        assert_eq!(authorization("POST", &url, &password), None);
        let key = Credentials::api_key("bot", "APPKEY", "APPSECRET", "TOKEN", "TOKENSECRET");
        let header = authorization("POST", &url, &key).unwrap_or_default();
        assert!(header.starts_with("OAuth "), "{header}");
        for field in [
            "oauth_consumer_key=\"APPKEY\"",
            "oauth_token=\"TOKEN\"",
            "oauth_signature_method=\"HMAC-SHA1\"",
            "oauth_version=\"1.0\"",
            "oauth_signature=",
            "oauth_nonce=",
            "oauth_timestamp=",
        ] {
            assert!(header.contains(field), "{field} missing in {header}");
        }
        assert!(!header.contains("SECRET"), "{header}");
    }
}
