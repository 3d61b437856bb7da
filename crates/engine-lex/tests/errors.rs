//! Lex errors (`x-amzn-ErrorType`), payload errors, failed intents, test
//! connection and configuration errors.

mod common;

use common::*;
use connector_core::{BotEngine, EngineError, EngineSession};
use engine_lex::{LexConfig, LexEngine, LexException, codes};
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

async fn failing(status: u16, error_type: &str, body: serde_json::Value) -> EngineError {
    let server = MockServer::start().await;
    Mock::given(matchers::path(V2_PATH))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("x-amzn-ErrorType", error_type)
                .insert_header("Retry-After", "3")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    v2_engine(&server)
        .handle(&text("hi"), &mut EngineSession::default())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn lex_exceptions_are_typed() {
    let err = failing(404, "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.deepsense.runtimeservice/", json!({"message": "Could not find bot"})).await;
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");
    assert_eq!(err.code(), &codes::SEND_QUERY);
    assert!(
        err.to_string()
            .contains("HTTP 404 ResourceNotFoundException; "),
        "{err}"
    );
    // Lex's text is logged, not repeated (messages reach the dashboard).
    assert!(!err.to_string().contains("Could not find bot"), "{err}");
    assert!(err.to_string().contains("check the region"), "{err}");

    let err = failing(
        429,
        "ThrottlingException",
        json!({"message": "Rate exceeded"}),
    )
    .await;
    assert!(err.is_transient());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(3)));

    let err = failing(
        403,
        "UnrecognizedClientException",
        json!({"message": "The security token included in the request is invalid."}),
    )
    .await;
    assert!(matches!(err, EngineError::Unauthorized { .. }), "{err:?}");

    let err = failing(
        424,
        "DependencyFailedException",
        json!({"message": "Invalid Lambda Response"}),
    )
    .await;
    assert!(err.is_transient(), "{err:?}");

    let err = failing(
        400,
        "ValidationException",
        json!({"message": "1 validation error detected"}),
    )
    .await;
    assert!(matches!(err, EngineError::Permanent { .. }), "{err:?}");

    assert_eq!(
        LexException::from_name("LoopDetectedException"),
        LexException::LoopDetected
    );
}

#[tokio::test]
async fn failed_intent_escalates_with_its_code() {
    let server = MockServer::start().await;
    answer(
        &server,
        V2_PATH,
        v2_answer(json!([plain("Sorry, goodbye.")]), "Failed"),
    )
    .await;
    let err = v2_engine(&server)
        .handle(&text("??"), &mut EngineSession::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), &codes::DIALOG_FAILED);
    assert!(err.to_string().contains("`Main`"), "{err}");
}

#[tokio::test]
async fn bad_payloads_and_formats_have_liveperson_codes() {
    for (message, code) in [
        (custom_raw("not json"), codes::CUSTOM_PAYLOAD_MALFORMED),
        (
            custom(json!({"type": "ACTION"})),
            codes::CUSTOM_PAYLOAD_NO_PARAMS,
        ),
        (
            custom(json!({"type": "GALLERY"})),
            codes::CUSTOM_PAYLOAD_TYPE_NOT_SUPPORTED,
        ),
        (
            json!({"contentType": "SSML", "content": "<speak>Hi</speak>"}),
            codes::MESSAGE_FORMAT_NOT_SUPPORTED,
        ),
    ] {
        let server = MockServer::start().await;
        answer(&server, V2_PATH, v2_answer(json!([message]), "Fulfilled")).await;
        let err = v2_engine(&server)
            .handle(&text("x"), &mut EngineSession::default())
            .await
            .unwrap_err();
        assert_eq!(err.code(), &code, "{err}");
        assert!(matches!(err, EngineError::InvalidResponse { .. }));
    }
}

fn custom_raw(raw: &str) -> serde_json::Value {
    json!({"contentType": "CustomPayload", "content": raw})
}

#[tokio::test]
async fn unreadable_answer_keeps_the_body() {
    let server = MockServer::start().await;
    Mock::given(matchers::path(V2_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy</html>"))
        .mount(&server)
        .await;
    let err = v2_engine(&server)
        .handle(&text("x"), &mut EngineSession::default())
        .await
        .unwrap_err();
    let EngineError::InvalidResponse { code, body, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(code, codes::PARSER_CRASHED);
    assert_eq!(body, "<html>proxy</html>");
}

#[tokio::test]
async fn test_connection_talks_in_its_own_session() {
    let server = MockServer::start().await;
    answer(
        &server,
        "/bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_US/sessions/bot-connector-test-connection/text",
        v2_answer(json!([plain("Welcome")]), "Fulfilled"),
    )
    .await;
    v2_engine(&server).test_connection().await.unwrap();
    let bodies = bodies(&server).await;
    assert_eq!(bodies[0]["text"], "WELCOME-INTENT");

    let down = MockServer::start().await;
    Mock::given(matchers::any())
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-amzn-ErrorType", "AccessDeniedException")
                .set_body_json(json!({"message": "not allowed"})),
        )
        .mount(&down)
        .await;
    let err = v2_engine(&down).test_connection().await.unwrap_err();
    assert_eq!(err.code(), &codes::TEST_CONNECTION);
    assert!(err.to_string().contains("lex:RecognizeText"), "{err}");
}

#[test]
fn configuration_errors_name_the_key() {
    let parse = |s: &str| toml::from_str::<LexConfig>(s);
    let err = parse("api = \"v2\"\nregion = \"us-east-1\"\nbot_id = \"X\"\nbot_alias_id = \"A\"\nlocale_id = \"en_US\"\nbotname = \"x\"").unwrap_err();
    assert!(err.to_string().contains("botname"), "{err}");

    let config = parse("api = \"v2\"\nregion = \"us-east-1\"\nbot_id = \"short\"\nbot_alias_id = \"A\"\nlocale_id = \"en_US\"\n[credentials]\naccess_key_id = \"a\"\nsecret_access_key = \"b\"").unwrap();
    let err = LexEngine::from_config(&config, reqwest::Client::new()).unwrap_err();
    assert!(err.to_string().contains("`bot_id`"), "{err}");

    let config = parse("api = \"v1\"\nregion = \"us-east-1\"\nbot_name = \"B\"\nbot_alias = \"prod\"\nbase_url = \"mailto:x@y\"\n[credentials]\naccess_key_id = \"a\"\nsecret_access_key = \"b\"").unwrap();
    let err = LexEngine::from_config(&config, reqwest::Client::new()).unwrap_err();
    assert!(err.to_string().contains("`base_url`"), "{err}");
    assert_eq!(err.code(), codes::CONFIG);

    let config = parse("api = \"v1\"\nregion = \"us-east-1\"\nbot_name = \"B\"\nbot_alias = \"prod\"\n[credentials]\naccess_key_id = \"AKID\"\nsecret_access_key = \"very-secret\"").unwrap();
    let shown = format!(
        "{config:?} {:?}",
        LexEngine::from_config(&config, reqwest::Client::new()).unwrap()
    );
    assert!(!shown.contains("very-secret"), "{shown}");
}
