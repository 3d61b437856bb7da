//! What Watson and IAM (or whatever the URLs point at) cannot do to the
//! engine: token lifetimes that overflow, bodies too large to hold, answers
//! that never come, and error pages repeated in error messages (which reach
//! the dashboard and the management API).

mod common;

use std::time::Duration;

use common::*;
use connector_core::{BotEngine, EngineError, EngineSession, Output};
use engine_watson::{AuthConfig, WatsonConfig, WatsonEngine, codes};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "SECRET-INTERNAL-PAGE";
const TOKEN_PATH: &str = "/identity/token";
const V1_MESSAGE: &str = "/v1/workspaces/workspace-1/message";
const SESSIONS: &str = "/v2/assistants/assistant-1/sessions";

fn iam(server: &MockServer) -> AuthConfig {
    AuthConfig::iam_at(
        "iam-key-1",
        format!("{}{TOKEN_PATH}", server.uri()).parse().unwrap(),
    )
}

async fn mount_token(server: &MockServer, answer: Value) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(server)
        .await;
}

async fn mount_v1_answer(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(V1_MESSAGE))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer("ok")))
        .mount(server)
        .await;
}

async fn token_fetches(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == TOKEN_PATH)
        .count()
}

async fn say(engine: &WatsonEngine) -> Result<Vec<Output>, EngineError> {
    engine
        .handle(&text("conv-1", "hi"), &mut EngineSession::default())
        .await
        .map(|r| r.outputs)
}

#[tokio::test]
async fn huge_iam_lifetimes_are_clamped_to_a_day() {
    for answer in [
        json!({"access_token": "t", "expires_in": u64::MAX}),
        json!({"access_token": "t", "expiration": u64::MAX}),
        json!({"access_token": "t", "expires_in": 1e300, "expiration": 1e300}),
    ] {
        let server = MockServer::start().await;
        mount_token(&server, answer.clone()).await;
        mount_v1_answer(&server).await;
        let engine = engine(v1_config(&server, iam(&server)));
        assert_eq!(
            say(&engine).await.unwrap(),
            [Output::text("ok")],
            "{answer}"
        );
        // Refreshed at 80 % of a day (19.2 h).
        jump(Duration::from_secs(19 * 3600)).await;
        say(&engine).await.unwrap();
        assert_eq!(token_fetches(&server).await, 1, "{answer}: cached");
        jump(Duration::from_secs(3600)).await;
        say(&engine).await.unwrap();
        assert_eq!(token_fetches(&server).await, 2, "{answer}: refreshed");
    }
}

#[tokio::test]
async fn negative_and_odd_iam_lifetimes_mean_the_default_hour() {
    for answer in [
        json!({"access_token": "t", "expires_in": -1, "expiration": -1}),
        json!({"access_token": "t", "expires_in": i64::MIN}),
        json!({"access_token": "t", "expires_in": "soon", "expiration": [1]}),
    ] {
        let server = MockServer::start().await;
        mount_token(&server, answer.clone()).await;
        mount_v1_answer(&server).await;
        let engine = engine(v1_config(&server, iam(&server)));
        say(&engine).await.unwrap();
        jump(Duration::from_secs(2870)).await;
        say(&engine).await.unwrap();
        assert_eq!(token_fetches(&server).await, 1, "{answer}: cached");
        // 2,880 s is 80 % of the assumed hour.
        jump(Duration::from_secs(20)).await;
        say(&engine).await.unwrap();
        assert_eq!(token_fetches(&server).await, 2, "{answer}: refreshed");
    }
}

#[test]
fn request_timeouts_outside_one_to_300_seconds_are_rejected() {
    let url: url::Url = "https://w.example/instances/1".parse().unwrap();
    for secs in [0, 301, u64::MAX] {
        let mut config = WatsonConfig::v1(url.clone(), "ws", AuthConfig::iam("k"));
        config.request_timeout_secs = Some(secs);
        let err = WatsonEngine::new(&config).unwrap_err();
        assert_eq!(err.code(), codes::CONFIG);
        assert!(
            err.to_string().starts_with(&format!(
                "watson configuration: `request_timeout_secs` is {secs}; write a number of seconds from 1 to 300"
            )),
            "{err}"
        );
    }
    let mut config = WatsonConfig::v1(url, "ws", AuthConfig::iam("k"));
    config.request_timeout_secs = Some(300);
    WatsonEngine::new(&config).unwrap();
    assert_eq!(
        config
            .with_request_timeout(Duration::ZERO)
            .request_timeout(),
        Duration::from_secs(1)
    );
}

#[tokio::test]
async fn test_connection_times_out_on_a_service_that_never_answers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SESSIONS))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"session_id": "s-1"}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let config = v2_config(&server, apikey()).with_request_timeout(Duration::from_secs(1));
    let err = engine(config).test_connection().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::TEST_CONNECTION);
    assert!(err.to_string().contains("timed out"), "{err}");

    // v1 reads the workspace.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let config = v1_config(&server, apikey()).with_request_timeout(Duration::from_secs(1));
    let err = engine(config).test_connection().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::TEST_CONNECTION);
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn test_connection_times_out_on_an_iam_that_never_answers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t"}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let config = v1_config(&server, iam(&server)).with_request_timeout(Duration::from_secs(1));
    let err = engine(config).test_connection().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::AUTH);
    assert!(
        err.to_string().contains("IAM token request timed out"),
        "{err}"
    );
}

#[tokio::test]
async fn answers_over_one_mib_are_permanent_errors() {
    let server = MockServer::start().await;
    // A valid answer, only too large.
    Mock::given(method("POST"))
        .and(path(V1_MESSAGE))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer(&"x".repeat(2 << 20))))
        .mount(&server)
        .await;
    let err = say(&engine(v1_config(&server, apikey())))
        .await
        .unwrap_err();
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");
    assert_eq!(err.code(), &codes::SEND_QUERY);
    assert!(
        err.to_string().contains("larger than 1048576 bytes"),
        "{err}"
    );

    let server = MockServer::start().await;
    mount_token(
        &server,
        json!({"access_token": "t".repeat(2 << 20), "expires_in": 3600}),
    )
    .await;
    let err = say(&engine(v1_config(&server, iam(&server))))
        .await
        .unwrap_err();
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");
    assert_eq!(err.code(), &codes::AUTH);
    assert!(
        err.to_string().contains("larger than 1048576 bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn a_huge_retry_after_counts_as_five_minutes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("Retry-After", u64::MAX.to_string().as_str()),
        )
        .mount(&server)
        .await;
    let err = say(&engine(v1_config(&server, apikey())))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(300)));
}

#[tokio::test]
async fn error_pages_are_not_repeated_in_error_messages() {
    let cases = [
        ResponseTemplate::new(500).set_body_string(SECRET),
        ResponseTemplate::new(404).set_body_json(json!({"error": SECRET, "code": 404})),
        ResponseTemplate::new(400)
            .set_body_json(json!({"errors": [{"code": SECRET, "message": SECRET}]})),
        ResponseTemplate::new(502).insert_header("x-global-transaction-id", SECRET),
    ];
    for template in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(template)
            .mount(&server)
            .await;
        let err = say(&engine(v1_config(&server, apikey())))
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("Watson v1 message: HTTP "), "{message}");
        assert!(!message.contains(SECRET), "{message}");
    }

    // IAM: its code is shown, its message and a code of another shape are not.
    for (body, shown) in [
        (
            json!({"errorCode": "BXNIM0415E", "errorMessage": SECRET}),
            Some("(BXNIM0415E)"),
        ),
        (json!({"errorCode": SECRET, "errorMessage": SECRET}), None),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(400).set_body_json(body))
            .mount(&server)
            .await;
        let err = say(&engine(v1_config(&server, iam(&server))))
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, EngineError::Unauthorized { .. }), "{err:?}");
        assert!(message.contains("IAM token request: HTTP 400"), "{message}");
        if let Some(code) = shown {
            assert!(message.contains(code), "{message}");
        }
        assert!(!message.contains(SECRET), "{message}");
    }
}

#[tokio::test]
async fn values_of_unreadable_answers_are_not_repeated() {
    // serde's own message would quote the string ("invalid type: string ...").
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(V1_MESSAGE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"output": SECRET})))
        .mount(&server)
        .await;
    let err = say(&engine(v1_config(&server, apikey())))
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::PARSE_MESSAGE);
    assert!(!err.to_string().contains(SECRET), "{err}");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SESSIONS))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"session_id": [SECRET]})))
        .mount(&server)
        .await;
    let err = engine(v2_config(&server, apikey()))
        .test_connection()
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::TEST_CONNECTION);
    assert!(!err.to_string().contains(SECRET), "{err}");
}
