//! Login, refresh and logout as LiveEngage documents them and node-agent-sdk
//! sends them.

mod common;

use base64::Engine as _;
use common::*;
use hmac::{Hmac, Mac};
use liveengage_auth::{ApiKeyLogin, AuthError, Authenticator, Credentials};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Value, json};
use sha1::Sha1;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer};

/// The HTTP requests node-agent-sdk 1.2.0 made (CSDS, login, refresh).
fn transcript_http() -> Vec<Value> {
    let text =
        include_str!("../../liveengage-proto/tests/data/node-agent-sdk-1.2.0-transcript.jsonl");
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["dir"] == "HTTP")
        .collect()
}

#[tokio::test]
async fn user_password_login_sends_what_node_agent_sdk_sends() {
    let recorded = transcript_http();
    let (csds, login) = (&recorded[0], &recorded[1]);
    let server = MockServer::start().await;
    mount_csds(&server).await;
    mount_login(&server, "bearer-1").await;
    let username = login["body"]["username"].as_str().unwrap();
    let password = login["body"]["password"].as_str().unwrap();
    let auth = Authenticator::new(config(
        &server,
        Credentials::user_password(username, password),
    ))
    .unwrap();

    let session = auth.login().await.unwrap();

    assert_eq!(session.bearer().expose(), "bearer-1");
    assert_eq!(session.csrf().unwrap().expose(), "csrf-1");
    assert_eq!(session.session_cookie().unwrap().expose(), "cookie-1");
    assert_eq!(session.user_id(), "1234567890");
    assert_eq!(
        session.user_pid(),
        Some("a1b2c3d4-0000-4000-8000-00000000b07a")
    );
    assert_eq!(session.agent_id(), "12345678.1234567890");
    assert_eq!(session.generation(), 1);
    assert!(session.expires_at().is_some() && session.is_refreshable());

    let csds_seen = requests_to(&server, CSDS_PATH).await;
    assert_eq!(csds_seen.len(), 1);
    let url = &csds_seen[0].url;
    assert_eq!(
        format!("{}?{}", url.path(), url.query().unwrap()),
        csds["url"].as_str().unwrap()
    );
    assert_eq!(
        csds_seen[0].headers["accept"],
        csds["headers"]["accept"].as_str().unwrap()
    );

    let login_seen = requests_to(&server, LOGIN_PATH).await;
    assert_eq!(login_seen.len(), 1);
    let url = &login_seen[0].url;
    assert_eq!(
        format!("{}?{}", url.path(), url.query().unwrap()),
        login["url"].as_str().unwrap()
    );
    for name in ["content-type", "accept"] {
        assert_eq!(
            login_seen[0].headers[name],
            login["headers"][name].as_str().unwrap(),
            "{name}"
        );
    }
    assert!(!login_seen[0].headers.contains_key("authorization"));
    let body: Value = serde_json::from_slice(&login_seen[0].body).unwrap();
    assert_eq!(body, login["body"]);
}

const OAUTH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, OAUTH).to_string()
}

/// Parses `OAuth k="v", …` into decoded pairs.
fn oauth_pairs(value: &str) -> Vec<(String, String)> {
    value
        .strip_prefix("OAuth ")
        .unwrap()
        .split(',')
        .map(|part| {
            let (k, v) = part.trim().split_once('=').unwrap();
            let v = percent_decode_str(v.trim_matches('"'))
                .decode_utf8()
                .unwrap();
            (k.to_owned(), v.into_owned())
        })
        .collect()
}

#[tokio::test]
async fn api_key_login_sends_the_documented_body_and_a_valid_hmac_sha1_signature() {
    let server = MockServer::start().await;
    mount_csds(&server).await;
    mount_login(&server, "bearer-k").await;
    let credentials =
        Credentials::api_key("echo-bot", "app key+1", "app/secret&", "tok", "tok secret");
    let auth = Authenticator::new(config(&server, credentials)).unwrap();

    assert_eq!(auth.login().await.unwrap().bearer().expose(), "bearer-k");

    let seen = requests_to(&server, LOGIN_PATH).await;
    let body: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(
        body,
        json!({"username": "echo-bot", "appKey": "app key+1", "secret": "app/secret&",
               "accessToken": "tok", "accessTokenSecret": "tok secret"})
    );
    let value = seen[0].headers["authorization"].to_str().unwrap();
    let pairs = oauth_pairs(value);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("oauth_consumer_key").as_deref(), Some("app key+1"));
    assert_eq!(get("oauth_token").as_deref(), Some("tok"));
    assert_eq!(get("oauth_signature_method").as_deref(), Some("HMAC-SHA1"));
    assert_eq!(get("oauth_version").as_deref(), Some("1.0"));
    let timestamp: u64 = get("oauth_timestamp").unwrap().parse().unwrap();
    assert!(timestamp > 1_600_000_000);
    assert!(!get("oauth_nonce").unwrap().is_empty());

    // The base string of RFC 5849 section 3.4.1, built here independently:
    // the query parameter v=1.3 and the oauth_* parameters, sorted.
    let mut params: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "oauth_signature")
        .map(|(k, v)| (enc(k), enc(v)))
        .collect();
    params.push(("v".into(), "1.3".into()));
    params.sort();
    let normalized = params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let base_url = format!("http://{}{}", server.address(), LOGIN_PATH);
    let base = format!("POST&{}&{}", enc(&base_url), enc(&normalized));
    let key = format!("{}&{}", enc("app/secret&"), enc("tok secret"));
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(base.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(
        get("oauth_signature").unwrap(),
        expected,
        "base string: {base}"
    );
}

#[tokio::test]
async fn api_key_login_can_send_the_body_only() {
    let server = MockServer::start().await;
    mount_csds(&server).await;
    mount_login(&server, "bearer-b").await;
    let credentials = Credentials::api_key("bot", "k", "s", "t", "ts");
    let auth =
        Authenticator::new(config(&server, credentials).with_api_key_login(ApiKeyLogin::BodyOnly))
            .unwrap();
    auth.login().await.unwrap();
    let seen = requests_to(&server, LOGIN_PATH).await;
    assert!(!seen[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn refresh_sends_csrf_and_cookie_and_logout_ends_the_session() {
    let recorded = transcript_http();
    let refresh = &recorded[2];
    let server = MockServer::start().await;
    mount_csds(&server).await;
    mount_login(&server, "bearer-1").await;
    Mock::given(method("POST"))
        .and(path(REFRESH_PATH))
        .and(query_param("v", "1.3"))
        .and(header("cookie", "Session_id=cookie-1"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"csrf": "csrf-1"})))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(LOGOUT_PATH))
        .and(header("cookie", "Session_id=cookie-1"))
        .and(body_json(json!({"csrf": "csrf-1"})))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let auth = Authenticator::new(config(&server, password())).unwrap();
    let mut updates = auth.subscribe();
    let first = auth.login().await.unwrap();
    auth.refresh().await.unwrap();
    // A refresh keeps the bearer and the generation.
    let after = auth.current().unwrap();
    assert_eq!(
        (after.generation(), after.bearer()),
        (first.generation(), first.bearer())
    );
    let seen = requests_to(&server, REFRESH_PATH).await;
    let url = &seen[0].url;
    assert_eq!(
        format!("{}?{}", url.path(), url.query().unwrap()),
        refresh["url"].as_str().unwrap()
    );
    assert_eq!(seen[0].headers["accept"], "application/json");

    updates.borrow_and_update();
    auth.shutdown().await.unwrap();
    assert!(auth.current().is_none());
    assert!(updates.has_changed().unwrap(), "subscribers see the logout");
    assert!(updates.borrow().is_none());
    assert!(
        requests_to(&server, LOGOUT_PATH).await[0]
            .url
            .query()
            .is_none()
    );
    assert!(matches!(auth.login().await, Err(AuthError::Stopped)));
}

#[tokio::test]
async fn refresh_with_a_stale_csrf_is_unauthorized() {
    let server = MockServer::start().await;
    mount_csds(&server).await;
    mount_login(&server, "bearer-1").await;
    Mock::given(method("POST"))
        .and(path(REFRESH_PATH))
        .respond_with(unauthorized())
        .mount(&server)
        .await;
    let auth = Authenticator::new(config(&server, password())).unwrap();
    auth.login().await.unwrap();
    let error = auth.refresh().await.unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!(error.code().as_str(), "auth.refresh");
    assert!(
        error
            .to_string()
            .contains("Bad credentials, internal code 10"),
        "{error}"
    );
}

#[tokio::test]
async fn a_login_answer_without_bearer_is_an_unexpected_response_that_hides_the_body() {
    let server = MockServer::start().await;
    mount_csds(&server).await;
    Mock::given(method("POST"))
        .and(path(LOGIN_PATH))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(json!({"csrf": "TOPSECRET", "config": {}})),
        )
        .mount(&server)
        .await;
    let policy = liveengage_auth::retry::RetryPolicy::liveperson().with_max_attempts(Some(1));
    let auth = Authenticator::new(config(&server, password()).with_retry_policy(policy)).unwrap();
    let error = auth.login().await.unwrap_err();
    assert!(
        matches!(error, AuthError::UnexpectedResponse { .. }),
        "{error:?}"
    );
    assert!(!format!("{error} {error:?}").contains("TOPSECRET"));
}

#[tokio::test]
async fn a_fixed_bearer_needs_no_login_and_cannot_be_renewed() {
    let server = MockServer::start().await;
    let auth = Authenticator::new(config(&server, Credentials::bearer("fixed", "42"))).unwrap();
    let session = auth.session().await.unwrap();
    assert_eq!(
        (session.bearer().expose(), session.agent_id().as_str()),
        ("fixed", "12345678.42")
    );
    assert!(session.user_pid().is_none());
    let error = auth.on_socket_closed(4401).await.unwrap_err();
    assert!(matches!(error, AuthError::CannotRenew));
    assert_eq!(
        auth.on_socket_closed(1006).await.unwrap().bearer().expose(),
        "fixed"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
    auth.shutdown().await.unwrap();
}

#[tokio::test]
async fn no_secret_shows_in_debug_output_of_the_authenticator_or_its_session() {
    let server = MockServer::start().await;
    mount_csds(&server).await;
    Mock::given(method("POST"))
        .and(path(LOGIN_PATH))
        .respond_with(login_answer(
            "BEARER-SECRET",
            "CSRF-SECRET",
            "COOKIE-SECRET",
        ))
        .mount(&server)
        .await;
    let credentials = Credentials::api_key("bot", "app", "APP-SECRET", "TOKEN-SECRET", "TS-SECRET");
    let auth = Authenticator::new(config(&server, credentials)).unwrap();
    let session = auth.login().await.unwrap();
    let shown = format!("{auth:?} {session:?} {:?}", auth.config());
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("1234567890") && shown.contains("app"));
}
