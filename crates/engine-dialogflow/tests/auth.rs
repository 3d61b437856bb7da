//! The service-account flow: the signed JWT, the token exchange, caching,
//! refresh before expiry (clock moved between calls), single-flight refresh, 401 retry,
//! and token endpoint failures.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use connector_core::{EngineError, Output};
use engine_dialogflow::{
    DialogflowConfig, DialogflowEngine, ServiceAccountKey, ServiceAccountTokenSource, TokenSource,
    codes,
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

fn es_with_service_account(server: &MockServer) -> DialogflowEngine {
    DialogflowEngine::from_config(
        &DialogflowConfig::Es(es_config(server)),
        reqwest::Client::new(),
    )
    .unwrap()
}

async fn detect_intent_for(server: &MockServer, token: &str, text: &str) {
    Mock::given(matchers::path(ES_PATH))
        .and(matchers::header(
            "authorization",
            format!("Bearer {token}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "queryResult": {"fulfillmentMessages": [{"text": {"text": [text]}}]}
        })))
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_jwt_bearer_grant_is_signed_for_the_service_account() {
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .and(matchers::path("/token"))
        .and(matchers::header(
            "content-type",
            "application/x-www-form-urlencoded",
        ))
        .respond_with(token_answer("ya29.first", 3599))
        .expect(1)
        .mount(&server)
        .await;
    detect_intent_for(&server, "ya29.first", "signed in").await;
    let engine = es_with_service_account(&server);
    let reply = handle(&engine, &text_event("hi")).await.unwrap();
    assert_eq!(reply.outputs, [Output::text("signed in")]);

    let requests = server.received_requests().await.unwrap();
    let token_request = requests.iter().find(|r| r.url.path() == "/token").unwrap();
    let fields = form(token_request);
    assert_eq!(
        fields[0],
        (
            "grant_type".into(),
            "urn:ietf:params:oauth:grant-type:jwt-bearer".into()
        )
    );
    assert_eq!(fields[1].0, "assertion");
    let token_url = format!("{}/token", server.uri());
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[token_url.as_str()]);
    validation.set_required_spec_claims(&["exp", "iat", "aud", "iss"]);
    validation.set_issuer(&["bot@shop-bot.iam.gserviceaccount.com"]);
    let decoded = jsonwebtoken::decode::<Value>(
        &fields[1].1,
        &DecodingKey::from_rsa_pem(TEST_PUBLIC_KEY.as_bytes()).unwrap(),
        &validation,
    )
    .expect("the assertion verifies with the test public key");
    assert_eq!(decoded.header.kid.as_deref(), Some("key-1"));
    assert_eq!(
        decoded.claims["scope"],
        "https://www.googleapis.com/auth/cloud-platform"
    );
    let iat = decoded.claims["iat"].as_u64().unwrap();
    assert_eq!(decoded.claims["exp"].as_u64().unwrap() - iat, 3600);
}

#[tokio::test]
async fn the_token_is_cached_then_refreshed_before_it_expires() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(token_answer("ya29.first", 3600))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path("/token"))
        .respond_with(token_answer("ya29.second", 3600))
        .mount(&server)
        .await;
    detect_intent_for(&server, "ya29.first", "with first").await;
    detect_intent_for(&server, "ya29.second", "with second").await;
    let engine = es_with_service_account(&server);

    let texts = |r: connector_core::BotReply| r.outputs;
    assert_eq!(
        texts(handle(&engine, &text_event("a")).await.unwrap()),
        [Output::text("with first")]
    );
    jump(Duration::from_secs(3500)).await;
    assert_eq!(
        texts(handle(&engine, &text_event("b")).await.unwrap()),
        [Output::text("with first")]
    );
    // 3,541 s after the fetch: less than a minute left, so it is replaced.
    jump(Duration::from_secs(41)).await;
    assert_eq!(
        texts(handle(&engine, &text_event("c")).await.unwrap()),
        [Output::text("with second")]
    );
    let token_calls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/token")
        .count();
    assert_eq!(token_calls, 2);
}

#[tokio::test]
async fn concurrent_conversations_share_one_token_fetch() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(token_answer("ya29.shared", 3600).set_delay(Duration::from_millis(50)))
        .expect(1)
        .mount(&server)
        .await;
    detect_intent_for(&server, "ya29.shared", "ok").await;
    let key = ServiceAccountKey::new("bot@shop-bot.iam.gserviceaccount.com", TEST_KEY.into());
    let source = Arc::new(
        ServiceAccountTokenSource::new(
            reqwest::Client::new(),
            &key,
            Some(format!("{}/token", server.uri()).parse().unwrap()),
            None,
        )
        .unwrap(),
    );
    let calls = (0..8).map(|_| {
        let source = Arc::clone(&source);
        tokio::spawn(async move { source.token().await })
    });
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().expose(), "ya29.shared");
    }
}

#[tokio::test]
async fn a_401_drops_the_token_and_retries_once_with_a_new_one() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(token_answer("ya29.revoked", 3600))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path("/token"))
        .respond_with(token_answer("ya29.fresh", 3600))
        .mount(&server)
        .await;
    Mock::given(matchers::path(ES_PATH))
        .and(matchers::header("authorization", "Bearer ya29.revoked"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "code": 401, "message": "Request had invalid authentication credentials.",
            "status": "UNAUTHENTICATED"}})))
        .expect(1)
        .mount(&server)
        .await;
    detect_intent_for(&server, "ya29.fresh", "after retry").await;
    let engine = es_with_service_account(&server);
    let reply = handle(&engine, &text_event("hi")).await.unwrap();
    assert_eq!(reply.outputs, [Output::text("after retry")]);
}

#[tokio::test]
async fn a_second_401_is_an_unauthorized_error() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(token_answer("ya29.any", 3600))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(matchers::path(ES_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "code": 401, "message": "Request had invalid authentication credentials.",
            "status": "UNAUTHENTICATED"}})))
        .expect(2)
        .mount(&server)
        .await;
    let err = handle(&es_with_service_account(&server), &text_event("hi"))
        .await
        .unwrap_err();
    let EngineError::Unauthorized { code, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(code, &codes::SEND_QUERY);
    assert!(message.contains("HTTP 401 (UNAUTHENTICATED)"), "{message}");
    assert!(
        !message.contains("invalid authentication credentials"),
        "{message}"
    );
}

#[tokio::test]
async fn token_endpoint_failures_are_auth_errors() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant", "error_description": "Invalid JWT Signature."})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path("/token"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "7"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>captive portal</html>"))
        .mount(&server)
        .await;
    let engine = es_with_service_account(&server);

    let err = handle(&engine, &text_event("hi")).await.unwrap_err();
    assert_eq!(err.code(), &codes::AUTH);
    assert!(!err.is_transient());
    assert!(
        err.to_string().contains("HTTP 400 (invalid_grant)"),
        "{err}"
    );
    assert!(!err.to_string().contains("Invalid JWT Signature."), "{err}");

    let err = handle(&engine, &text_event("hi")).await.unwrap_err();
    assert_eq!(err.code(), &codes::AUTH);
    assert!(err.is_transient());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));

    let err = handle(&engine, &text_event("hi")).await.unwrap_err();
    let EngineError::InvalidResponse { code, body, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(code, &codes::AUTH);
    assert_eq!(body, "<html>captive portal</html>");
    // No detectIntent call was made without a token.
    assert!(
        server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .all(|r| r.url.path() == "/token")
    );
}

#[tokio::test]
async fn the_key_file_supplies_email_key_id_and_token_uri() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/custom-token"))
        .respond_with(token_answer("ya29.from-file", 3600))
        .expect(1)
        .mount(&server)
        .await;
    detect_intent_for(&server, "ya29.from-file", "file key works").await;
    let dir = std::env::temp_dir().join(format!("engine-dialogflow-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("key.json");
    std::fs::write(
        &path,
        json!({
            "type": "service_account", "project_id": "shop-bot", "private_key_id": "kid-from-file",
            "private_key": TEST_KEY, "client_email": "file-bot@shop-bot.iam.gserviceaccount.com",
            "client_id": "1", "token_uri": format!("{}/custom-token", server.uri()),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth"
        })
        .to_string(),
    )
    .unwrap();
    let mut config = es_config(&server);
    config.service_account = engine_dialogflow::ServiceAccountConfig::key_file(&path);
    let engine =
        DialogflowEngine::from_config(&DialogflowConfig::Es(config), reqwest::Client::new())
            .unwrap();
    let reply = handle(&engine, &text_event("hi")).await.unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(reply.outputs, [Output::text("file key works")]);
    let requests = server.received_requests().await.unwrap();
    let assertion = &form(&requests[0])[1].1;
    let header = jsonwebtoken::decode_header(assertion).unwrap();
    assert_eq!(header.kid.as_deref(), Some("kid-from-file"));
}
