//! What Dialogflow (or whatever `base_url` points at) cannot do to the
//! engine: token lifetimes that overflow, bodies too large to hold, answers
//! that never come, and error pages repeated in error messages (which reach
//! the dashboard and the management API).

mod common;

use std::time::Duration;

use common::*;
use connector_core::{BotEngine, EngineError, Output};
use engine_dialogflow::{DialogflowConfig, DialogflowEngine, codes};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

const SECRET: &str = "SECRET-INTERNAL-PAGE";

async fn mount_token(server: &MockServer, expires_in: Value) {
    Mock::given(matchers::path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "ya29.t", "expires_in": expires_in})),
        )
        .mount(server)
        .await;
}

async fn mount_es_answer(server: &MockServer) {
    answer(
        server,
        ES_PATH,
        json!({"queryResult": {"fulfillmentMessages": [{"text": {"text": ["ok"]}}]}}),
    )
    .await;
}

fn from_config(config: DialogflowConfig) -> DialogflowEngine {
    DialogflowEngine::from_config(&config, reqwest::Client::new()).unwrap()
}

async fn token_fetches(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/token")
        .count()
}

#[tokio::test]
async fn a_token_lifetime_of_u64_max_is_clamped_to_a_day() {
    let server = MockServer::start().await;
    mount_token(&server, json!(u64::MAX)).await;
    mount_es_answer(&server).await;
    let engine = from_config(DialogflowConfig::Es(es_config(&server)));
    let reply = handle(&engine, &text_event("one")).await.unwrap();
    assert_eq!(reply.outputs, [Output::text("ok")]);
    jump(Duration::from_secs(23 * 3600)).await;
    handle(&engine, &text_event("two")).await.unwrap();
    assert_eq!(token_fetches(&server).await, 1, "cached for a day");
    jump(Duration::from_secs(3600)).await;
    handle(&engine, &text_event("three")).await.unwrap();
    assert_eq!(token_fetches(&server).await, 2, "renewed after a day");
}

#[tokio::test]
async fn zero_negative_and_odd_token_lifetimes_mean_the_default_hour() {
    for expires_in in [
        json!(0),
        json!(-1),
        json!(i64::MIN),
        json!("soon"),
        json!(null),
    ] {
        let server = MockServer::start().await;
        mount_token(&server, expires_in.clone()).await;
        mount_es_answer(&server).await;
        let engine = from_config(DialogflowConfig::Es(es_config(&server)));
        handle(&engine, &text_event("one")).await.unwrap();
        handle(&engine, &text_event("two")).await.unwrap();
        assert_eq!(token_fetches(&server).await, 1, "{expires_in}: cached");
        // A minute before the hour is up, the token is replaced.
        jump(Duration::from_secs(3541)).await;
        handle(&engine, &text_event("three")).await.unwrap();
        assert_eq!(token_fetches(&server).await, 2, "{expires_in}: renewed");
    }
}

#[test]
fn request_timeouts_outside_one_to_300_seconds_are_rejected() {
    let server_uri = "http://127.0.0.1:9";
    for secs in [0, 301, u64::MAX] {
        let expected = format!(
            "dialogflow configuration: `request_timeout_secs` is {secs}; write a number of seconds from 1 to 300"
        );
        let mut es = engine_dialogflow::EsConfig::new(
            "p",
            "en",
            engine_dialogflow::ServiceAccountConfig::inline("a@b.c", TEST_KEY.into()),
        );
        es.request_timeout_secs = secs;
        let err = DialogflowEngine::from_config(
            &DialogflowConfig::Es(es.clone()),
            reqwest::Client::new(),
        )
        .unwrap_err();
        assert!(err.to_string().starts_with(&expected), "{err}");
        let err = DialogflowEngine::es(&es, reqwest::Client::new(), static_token()).unwrap_err();
        assert!(err.to_string().starts_with(&expected), "{err}");

        let mut cx = engine_dialogflow::CxConfig::new(
            "p",
            "global",
            "a",
            "en",
            engine_dialogflow::ServiceAccountConfig::inline("a@b.c", TEST_KEY.into()),
        );
        cx.request_timeout_secs = secs;
        let err = DialogflowEngine::cx(&cx, reqwest::Client::new(), static_token()).unwrap_err();
        assert!(err.to_string().starts_with(&expected), "{err}");

        let mut v1 = engine_dialogflow::V1Config::new("token".into());
        v1.query_url = format!("{server_uri}/v1/query").parse().unwrap();
        v1.request_timeout_secs = secs;
        let err = DialogflowEngine::v1(&v1, reqwest::Client::new()).unwrap_err();
        assert!(err.to_string().starts_with(&expected), "{err}");
    }
    let config: DialogflowConfig =
        toml::from_str("api = \"v1\"\nclient_access_token = \"t\"\nrequest_timeout_secs = 300\n")
            .unwrap();
    DialogflowEngine::from_config(&config, reqwest::Client::new()).unwrap();
}

#[tokio::test]
async fn test_connection_times_out_on_an_agent_that_never_answers() {
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"queryResult": {}}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let mut cx = cx_config(&server);
    cx.request_timeout_secs = 1;
    let engine = DialogflowEngine::cx(&cx, reqwest::Client::new(), static_token()).unwrap();
    let err = engine.test_connection().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::TEST_CONNECTION);
    assert!(err.to_string().contains("Dialogflow timed out"), "{err}");

    let mut v1 = v1_config(&server);
    v1.request_timeout_secs = 1;
    let engine = DialogflowEngine::v1(&v1, reqwest::Client::new()).unwrap();
    let err = engine.test_connection().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::TEST_CONNECTION);
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn test_connection_times_out_on_a_token_endpoint_that_never_answers() {
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t"}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let mut es = es_config(&server);
    es.request_timeout_secs = 1;
    let err = from_config(DialogflowConfig::Es(es))
        .test_connection()
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::AUTH);
    assert!(
        err.to_string()
            .contains("the OAuth token endpoint timed out"),
        "{err}"
    );
}

#[tokio::test]
async fn answers_over_one_mib_are_permanent_errors() {
    let server = MockServer::start().await;
    // A valid answer, only too large.
    answer(
        &server,
        ES_PATH,
        json!({"queryResult": {"fulfillmentMessages": [{"text": {"text": ["x".repeat(2 << 20)]}}]}}),
    )
    .await;
    let err = handle(&es_engine(&server), &text_event("hi"))
        .await
        .unwrap_err();
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");
    assert_eq!(err.code(), &codes::SEND_QUERY);
    assert!(
        err.to_string().contains("larger than 1048576 bytes"),
        "{err}"
    );

    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t".repeat(2 << 20), "expires_in": 3600})),
        )
        .mount(&server)
        .await;
    let err = from_config(DialogflowConfig::Es(es_config(&server)))
        .test_connection()
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
    Mock::given(matchers::path(ES_PATH))
        .respond_with(
            ResponseTemplate::new(429).insert_header("Retry-After", u64::MAX.to_string().as_str()),
        )
        .mount(&server)
        .await;
    let err = handle(&es_engine(&server), &text_event("hi"))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(300)));
}

#[tokio::test]
async fn error_pages_are_not_repeated_in_error_messages() {
    let cases = [
        ResponseTemplate::new(500).set_body_string(SECRET),
        ResponseTemplate::new(404).set_body_string(format!("<html>{SECRET}</html>")),
        ResponseTemplate::new(403).set_body_json(
            json!({"error": {"code": 403, "status": "PERMISSION_DENIED", "message": SECRET}}),
        ),
        ResponseTemplate::new(400)
            .set_body_json(json!({"error": {"status": SECRET, "message": "x"}})),
    ];
    for template in cases {
        let server = MockServer::start().await;
        Mock::given(matchers::path(CX_PATH))
            .respond_with(template)
            .mount(&server)
            .await;
        let err = handle(&cx_engine(&server), &text_event("hi"))
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("Dialogflow answered HTTP "), "{message}");
        assert!(!message.contains(SECRET), "{message}");
    }

    // The token endpoint's and V1's error text.
    let server = MockServer::start().await;
    Mock::given(matchers::path("/token"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "invalid_grant", "error_description": SECRET})),
        )
        .mount(&server)
        .await;
    Mock::given(matchers::path("/v1/query"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "status": {"code": 400, "errorType": "bad_request", "errorDetails": SECRET}})))
        .mount(&server)
        .await;
    let err = from_config(DialogflowConfig::Es(es_config(&server)))
        .test_connection()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("(invalid_grant)"), "{err}");
    assert!(!err.to_string().contains(SECRET), "{err}");
    let err = v1_engine(&server).test_connection().await.unwrap_err();
    assert!(err.to_string().contains("HTTP 400 (bad_request)"), "{err}");
    assert!(!err.to_string().contains(SECRET), "{err}");
}

#[tokio::test]
async fn values_of_unreadable_answers_are_not_repeated() {
    // serde's own message would quote the string ("invalid type: string ...").
    let server = MockServer::start().await;
    answer(&server, CX_PATH, json!({"queryResult": SECRET})).await;
    answer(
        &server,
        ES_PATH,
        json!({"queryResult": {"fulfillmentMessages": SECRET}}),
    )
    .await;
    for engine in [cx_engine(&server), es_engine(&server)] {
        let err = handle(&engine, &text_event("hi")).await.unwrap_err();
        assert_eq!(err.code(), &codes::PARSE_MESSAGE);
        assert!(
            err.to_string()
                .contains("a field has the wrong type or value"),
            "{err}"
        );
        assert!(!err.to_string().contains(SECRET), "{err}");
    }
}
