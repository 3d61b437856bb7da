//! Every failure of the message call, typed: transient for timeouts, lost
//! connections, 429 and 5xx; permanent for other 4xx and unreadable answers.

mod common;

use std::time::Duration;

use common::*;
use connector_core::{BotEngine, EngineError, EngineSession};
use engine_watson::codes;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn fail_with(response: ResponseTemplate) -> EngineError {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/workspaces/workspace-1/message"))
        .respond_with(response)
        .mount(&server)
        .await;
    engine(v1_config(&server, apikey()))
        .handle(&text("c", "hi"), &mut EngineSession::default())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_transient() {
    let limited = fail_with(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "12")
            .set_body_json(json!({"error": "Rate limit exceeded", "code": 429})),
    )
    .await;
    assert!(limited.is_transient());
    assert_eq!(limited.code(), &codes::SEND_QUERY);
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(12)));
    assert!(limited.to_string().contains("HTTP 429"), "{limited}");
    // Watson's text is logged, not repeated (messages reach the dashboard).
    assert!(
        !limited.to_string().contains("Rate limit exceeded"),
        "{limited}"
    );

    let down = fail_with(
        ResponseTemplate::new(502)
            .insert_header("x-global-transaction-id", "5e2a-502")
            .set_body_string("Bad Gateway"),
    )
    .await;
    assert!(down.is_transient());
    assert!(
        down.to_string()
            .contains("HTTP 502 (X-Global-Transaction-Id 5e2a-502)"),
        "{down}"
    );
}

#[tokio::test]
async fn client_errors_are_permanent_without_the_vendor_message() {
    let bad = fail_with(ResponseTemplate::new(400).set_body_json(json!({
        "error": "Invalid request",
        "errors": [{"code": "invalid", "message": "input.text cannot contain newline", "path": ".input.text"}],
        "code": 400,
        "trace": "t-1"
    })))
    .await;
    assert!(matches!(bad, EngineError::Permanent { .. }), "{bad:?}");
    assert_eq!(bad.code(), &codes::SEND_QUERY);
    assert!(bad.to_string().ends_with("HTTP 400"), "{bad}");
    assert!(
        !bad.to_string()
            .contains("input.text cannot contain newline"),
        "{bad}"
    );

    let too_large = fail_with(
        ResponseTemplate::new(413)
            .set_body_json(json!({"error": "Request too large", "code": 413})),
    )
    .await;
    assert!(
        matches!(too_large, EngineError::Permanent { .. }),
        "{too_large:?}"
    );

    let denied = fail_with(
        ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthorized", "code": 401})),
    )
    .await;
    assert!(
        matches!(denied, EngineError::Unauthorized { .. }),
        "{denied:?}"
    );
}

#[tokio::test]
async fn an_unreadable_answer_is_parse_message_with_the_body() {
    let err =
        fail_with(ResponseTemplate::new(200).set_body_string("<html>maintenance</html>")).await;
    assert_eq!(err.code(), &codes::PARSE_MESSAGE);
    let EngineError::InvalidResponse { body, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(body, "<html>maintenance</html>");
}

#[tokio::test]
async fn a_timeout_is_transient() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(text_answer("late"))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let config = v1_config(&server, apikey()).with_request_timeout(Duration::from_secs(1));
    let err = engine(config)
        .handle(&text("c", "hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::SEND_QUERY);
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn an_unreachable_service_is_transient() {
    // A port nothing listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}").parse().unwrap();
    let config = engine_watson::WatsonConfig::v1(url, WORKSPACE, apikey());
    let err = engine(config)
        .handle(&text("c", "hi"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.code(), &codes::SEND_QUERY);
}

#[test]
fn configuration_errors_name_the_field() {
    let config: Result<engine_watson::WatsonConfig, _> = toml::from_str(
        "api = \"v2\"\nurl = \"https://api.eu-de.assistant.watson.cloud.ibm.com/instances/1\"\n[auth]\ntype = \"apikey\"\napikey = \"k\"\n",
    );
    let err = engine_watson::WatsonEngine::new(&config.unwrap()).unwrap_err();
    assert_eq!(err.code(), codes::CONFIG);
    assert!(err.to_string().contains("`assistant_id`"), "{err}");
}
