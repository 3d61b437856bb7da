//! Authentication against mocks: IAM exchange, caching, refresh at 80 % of
//! the lifetime (clock moved between calls), refresh on 401, one refresh at a time, IAM
//! failures; Basic and bearer headers.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use connector_core::{BotEngine, EngineError, EngineSession, Output};
use engine_watson::{AuthConfig, WatsonEngine, codes};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_PATH: &str = "/identity/token";

fn iam(server: &MockServer) -> AuthConfig {
    AuthConfig::iam_at(
        "iam-key-1",
        format!("{}{TOKEN_PATH}", server.uri()).parse().unwrap(),
    )
}

/// IAM's token answer, as in IBM's SDK core tests.
fn token(access: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access,
        "refresh_token": "not-used",
        "token_type": "Bearer",
        "expires_in": expires_in,
        "expiration": 1_524_167_011
    }))
}

async fn token_mock(server: &MockServer, access: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(header("accept", "application/json"))
        .and(FormHas(vec![
            ("grant_type", "urn:ibm:params:oauth:grant-type:apikey"),
            ("apikey", "iam-key-1"),
            ("response_type", "cloud_iam"),
        ]))
        .respond_with(token(access, 3600))
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

async fn v1_answers_bearer(server: &MockServer, bearer: &str, answer: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path("/v1/workspaces/workspace-1/message"))
        .and(query_param("version", "2021-11-27"))
        .and(header("authorization", format!("Bearer {bearer}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer(answer)))
        .expect(times)
        .mount(server)
        .await;
}

async fn say(engine: &WatsonEngine) -> Result<Vec<Output>, EngineError> {
    engine
        .handle(&text("conv-1", "hi"), &mut EngineSession::default())
        .await
        .map(|r| r.outputs)
}

#[tokio::test]
async fn the_iam_token_is_exchanged_once_cached_and_refreshed_at_80_percent() {
    let server = MockServer::start().await;
    token_mock(&server, "tok-1", 1).await;
    v1_answers_bearer(&server, "tok-1", "first token", 2).await;
    let engine = engine(v1_config(&server, iam(&server)));
    assert_eq!(say(&engine).await.unwrap(), [Output::text("first token")]);
    jump(Duration::from_secs(2870)).await;
    assert_eq!(say(&engine).await.unwrap(), [Output::text("first token")]);

    token_mock(&server, "tok-2", 1).await;
    v1_answers_bearer(&server, "tok-2", "second token", 1).await;
    // 2,880 s is 80 % of the 3,600 s lifetime.
    jump(Duration::from_secs(11)).await;
    assert_eq!(say(&engine).await.unwrap(), [Output::text("second token")]);
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_old_token_until_it_expires() {
    let server = MockServer::start().await;
    token_mock(&server, "tok-1", 1).await;
    v1_answers_bearer(&server, "tok-1", "still working", 2).await;
    let engine = engine(v1_config(&server, iam(&server)));
    assert_eq!(say(&engine).await.unwrap(), [Output::text("still working")]);
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"errorMessage": "IAM is down"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    jump(Duration::from_secs(3000)).await;
    assert_eq!(say(&engine).await.unwrap(), [Output::text("still working")]);
    // Past expiry minus the 10 s margin: the failure surfaces.
    jump(Duration::from_secs(595)).await;
    let err = say(&engine).await.unwrap_err();
    assert_eq!(err.code(), &codes::AUTH);
    assert!(err.is_transient(), "{err:?}");
    assert!(err.to_string().contains("HTTP 503"), "{err}");
    assert!(!err.to_string().contains("IAM is down"), "{err}");
}

#[tokio::test]
async fn a_401_fetches_a_new_token_and_retries_once() {
    let server = MockServer::start().await;
    token_mock(&server, "revoked", 1).await;
    token_mock(&server, "tok-2", 1).await;
    Mock::given(method("POST"))
        .and(path("/v1/workspaces/workspace-1/message"))
        .and(header("authorization", "Bearer revoked"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthorized", "code": 401})),
        )
        .expect(1)
        .mount(&server)
        .await;
    v1_answers_bearer(&server, "tok-2", "after refresh", 1).await;
    let engine = engine(v1_config(&server, iam(&server)));
    assert_eq!(say(&engine).await.unwrap(), [Output::text("after refresh")]);
}

#[tokio::test]
async fn a_second_401_is_unauthorized() {
    let server = MockServer::start().await;
    token_mock(&server, "tok-1", 1).await;
    token_mock(&server, "tok-2", 1).await;
    Mock::given(method("POST"))
        .and(path("/v1/workspaces/workspace-1/message"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthorized", "code": 401})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let engine = engine(v1_config(&server, iam(&server)));
    let err = say(&engine).await.unwrap_err();
    assert!(matches!(err, EngineError::Unauthorized { .. }), "{err:?}");
    assert_eq!(err.code(), &codes::SEND_QUERY);
}

#[tokio::test]
async fn concurrent_turns_share_one_token_exchange() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token("shared", 3600).set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&server)
        .await;
    v1_answers_bearer(&server, "shared", "ok", 5).await;
    let engine = Arc::new(engine(v1_config(&server, iam(&server))));
    let turns: Vec<_> = (0..5)
        .map(|_| {
            let engine = Arc::clone(&engine);
            tokio::spawn(async move { say(&engine).await })
        })
        .collect();
    for turn in turns {
        assert_eq!(turn.await.unwrap().unwrap(), [Output::text("ok")]);
    }
}

#[tokio::test]
async fn iam_rejections_and_outages_are_typed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "errorCode": "BXNIM0415E",
            "errorMessage": "Provided API key could not be found"
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>gateway</html>"))
        .mount(&server)
        .await;
    let engine = engine(v1_config(&server, iam(&server)));
    let rejected = say(&engine).await.unwrap_err();
    assert_eq!(rejected.code(), &codes::AUTH);
    assert!(
        matches!(rejected, EngineError::Unauthorized { .. }),
        "{rejected:?}"
    );
    // IAM's code is named; its text is logged, not repeated.
    assert!(
        rejected.to_string().contains("HTTP 400 (BXNIM0415E)"),
        "{rejected}"
    );
    assert!(
        !rejected
            .to_string()
            .contains("Provided API key could not be found"),
        "{rejected}"
    );
    let garbled = say(&engine).await.unwrap_err();
    assert_eq!(garbled.code(), &codes::AUTH);
    let EngineError::InvalidResponse { body, .. } = garbled else {
        panic!("{garbled:?}")
    };
    assert_eq!(body, "<html>gateway</html>");
}

#[tokio::test]
async fn basic_and_bearer_credentials_are_sent_as_configured() {
    let cases = [
        (
            AuthConfig::Basic {
                username: "user".into(),
                password: "pass".into(),
            },
            "Basic dXNlcjpwYXNz",
        ),
        (
            AuthConfig::Bearer {
                token: "cp4d-token".into(),
            },
            "Bearer cp4d-token",
        ),
        (apikey(), APIKEY_BASIC),
    ];
    for (auth, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/workspaces/workspace-1/message"))
            .and(header("authorization", expected))
            .respond_with(ResponseTemplate::new(200).set_body_json(text_answer("authorized")))
            .expect(1)
            .mount(&server)
            .await;
        let engine = engine(v1_config(&server, auth));
        assert_eq!(
            say(&engine).await.unwrap(),
            [Output::text("authorized")],
            "{expected}"
        );
    }
}
