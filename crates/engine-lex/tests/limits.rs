//! What Lex (or whatever `base_url` points at) cannot do to the engine:
//! bodies too large to hold, answers that never come, numbers that overflow,
//! and error pages repeated in error messages (which reach the dashboard and
//! the management API).

mod common;

use std::time::Duration;

use common::*;
use connector_core::{BotEngine, EngineError, EngineSession};
use engine_lex::{LexEngine, V1Config, V2Config, codes};
use serde_json::json;
use url::Url;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

const SECRET: &str = "SECRET-INTERNAL-PAGE";

fn v2_config(server: &MockServer) -> V2Config {
    let mut config = V2Config::new(
        "us-east-1",
        "ABCDEFGHIJ",
        "TSTALIASID",
        "en_US",
        Some(keys()),
    );
    config.base_url = Some(Url::parse(&server.uri()).unwrap());
    config
}

fn v1_config(server: &MockServer) -> V1Config {
    let mut config = V1Config::new("eu-west-1", "OrderFlowers", "prod", Some(keys()));
    config.base_url = Some(Url::parse(&server.uri()).unwrap());
    config
}

#[tokio::test]
async fn request_timeouts_outside_one_to_300_seconds_are_rejected() {
    let server = MockServer::start().await;
    for secs in [0, 301, u64::MAX] {
        let expected = format!(
            "lex configuration: `request_timeout_secs` is {secs}; write a number of seconds from 1 to 300"
        );
        let mut v2 = v2_config(&server);
        v2.request_timeout_secs = secs;
        let err = LexEngine::v2(&v2, reqwest::Client::new()).unwrap_err();
        assert!(err.to_string().starts_with(&expected), "{err}");
        let mut v1 = v1_config(&server);
        v1.request_timeout_secs = secs;
        let err = LexEngine::v1(&v1, reqwest::Client::new()).unwrap_err();
        assert!(err.to_string().starts_with(&expected), "{err}");
    }
    let mut v2 = v2_config(&server);
    v2.request_timeout_secs = 300;
    LexEngine::v2(&v2, reqwest::Client::new()).unwrap();
}

#[tokio::test]
async fn test_connection_times_out_on_a_bot_that_never_answers() {
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let mut v2 = v2_config(&server);
    v2.request_timeout_secs = 1;
    let mut v1 = v1_config(&server);
    v1.request_timeout_secs = 1;
    for engine in [
        LexEngine::v2(&v2, reqwest::Client::new()).unwrap(),
        LexEngine::v1(&v1, reqwest::Client::new()).unwrap(),
    ] {
        let err = engine.test_connection().await.unwrap_err();
        assert!(err.is_transient(), "{err:?}");
        assert_eq!(err.code(), &codes::TEST_CONNECTION);
        assert!(
            err.to_string().contains("the call to Lex timed out"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn an_answer_over_one_mib_is_a_permanent_error() {
    let server = MockServer::start().await;
    // A valid answer, only too large.
    Mock::given(matchers::path(V2_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": [{"contentType": "PlainText", "content": "x".repeat(2 << 20)}],
            "sessionState": {"dialogAction": {"type": "ElicitIntent"}}
        })))
        .mount(&server)
        .await;
    let err = v2_engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");
    assert_eq!(err.code(), &codes::SEND_QUERY);
    assert!(
        err.to_string().contains("larger than 1048576 bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn a_huge_retry_after_counts_as_five_minutes() {
    let server = MockServer::start().await;
    Mock::given(matchers::path(V2_PATH))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-amzn-ErrorType", "ThrottlingException")
                .insert_header("Retry-After", u64::MAX.to_string().as_str()),
        )
        .mount(&server)
        .await;
    let err = v2_engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(300)));
}

#[tokio::test]
async fn error_pages_are_not_repeated_in_error_messages() {
    let cases = [
        ResponseTemplate::new(500).set_body_string(SECRET),
        ResponseTemplate::new(400).set_body_json(json!({"message": SECRET})),
        ResponseTemplate::new(404)
            .insert_header("x-amzn-ErrorType", "ResourceNotFoundException")
            .set_body_json(json!({"message": SECRET})),
        ResponseTemplate::new(400).insert_header("x-amzn-ErrorType", SECRET),
        ResponseTemplate::new(400).set_body_json(json!({"__type": format!("com.amazon#{SECRET}")})),
    ];
    for template in cases {
        let server = MockServer::start().await;
        Mock::given(matchers::path(V2_PATH))
            .respond_with(template)
            .mount(&server)
            .await;
        let err = v2_engine(&server)
            .handle(&text("hi"), &mut EngineSession::default())
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("Lex answered HTTP "), "{message}");
        assert!(!message.contains(SECRET), "{message}");
    }
}

#[tokio::test]
async fn values_of_unreadable_answers_are_not_repeated() {
    // serde's own message would quote the string ("invalid type: string ...").
    let server = MockServer::start().await;
    Mock::given(matchers::path(V2_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"messages": SECRET})))
        .mount(&server)
        .await;
    let err = v2_engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::PARSER_CRASHED);
    assert!(!err.to_string().contains(SECRET), "{err}");
}
