//! The TOML configuration: each API, defaults, unknown keys, build errors.

mod common;

use common::TEST_KEY;
use connector_core::Secret;
use engine_dialogflow::{
    ApiVersion, DialogflowConfig, DialogflowEngine, DialogflowError, ServiceAccountConfig,
};

fn parse(toml_text: &str) -> Result<DialogflowConfig, toml::de::Error> {
    toml::from_str(toml_text)
}

#[test]
fn es_with_inline_service_account_and_defaults() {
    let config = parse(&format!(
        r#"
        api = "es"
        project_id = "shop-bot"
        language_code = "en-US"
        location = "europe-west2"
        environment = "production"
        [service_account]
        client_email = "bot@shop-bot.iam.gserviceaccount.com"
        private_key = """{TEST_KEY}"""
        "#
    ))
    .unwrap();
    let DialogflowConfig::Es(es) = &config else {
        panic!("{config:?}")
    };
    assert_eq!(es.user_id, "-");
    assert_eq!(es.char_limit, 256);
    assert_eq!(
        es.service_account.scope,
        "https://www.googleapis.com/auth/cloud-platform"
    );
    assert!(
        !format!("{config:?}").contains("BEGIN PRIVATE KEY"),
        "the key never shows in Debug"
    );
    let engine = DialogflowEngine::from_config(&config, reqwest::Client::new()).unwrap();
    assert_eq!(engine.api_version(), ApiVersion::Es);
}

#[test]
fn cx_and_v1_defaults() {
    let config = parse(
        r#"
        api = "cx"
        project_id = "p"
        location = "us-central1"
        agent_id = "a"
        language_code = "en"
        [service_account]
        key_file = "/nonexistent/key.json"
        "#,
    )
    .unwrap();
    let DialogflowConfig::Cx(cx) = &config else {
        panic!("{config:?}")
    };
    assert_eq!(cx.char_limit, 255);
    assert_eq!(cx.environment, None);
    let err = DialogflowEngine::from_config(&config, reqwest::Client::new()).unwrap_err();
    assert!(matches!(err, DialogflowError::KeyFile { .. }), "{err:?}");
    assert!(err.to_string().contains("/nonexistent/key.json"), "{err}");
    assert_eq!(err.code().as_str(), "engine.dialogflow.config");

    let config = parse("api = \"v1\"\nclient_access_token = \"abc\"\n").unwrap();
    let DialogflowConfig::V1(v1) = &config else {
        panic!("{config:?}")
    };
    assert_eq!(v1.query_url.as_str(), "https://api.dialogflow.com/v1/query");
    assert_eq!(v1.protocol_version, "20150910");
    assert_eq!(v1.language, "en");
    assert_eq!(v1.char_limit, 255);
    let engine = DialogflowEngine::from_config(&config, reqwest::Client::new()).unwrap();
    assert_eq!(engine.api_version(), ApiVersion::V1);
}

#[test]
fn unknown_keys_and_apis_are_rejected_by_name() {
    let err = parse("api = \"v1\"\nclient_access_token = \"abc\"\nlanguag = \"en\"\n").unwrap_err();
    assert!(err.to_string().contains("languag"), "{err}");
    let err = parse(
        r#"
        api = "es"
        project_id = "p"
        language_code = "en"
        [service_account]
        key_fiel = "/k.json"
        "#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("key_fiel"), "{err}");
    let err = parse("api = \"v4\"\n").unwrap_err();
    assert!(err.to_string().contains("v4"), "{err}");
}

#[test]
fn build_errors_name_the_field() {
    let sa =
        ServiceAccountConfig::inline("bot@p.iam.gserviceaccount.com", Secret::new("not a key"));
    let config = DialogflowConfig::Es(engine_dialogflow::EsConfig::new("p", "en", sa));
    let err = DialogflowEngine::from_config(&config, reqwest::Client::new()).unwrap_err();
    assert!(matches!(err, DialogflowError::PrivateKey(_)), "{err:?}");

    let mut sa = ServiceAccountConfig::key_file("/k.json");
    sa.client_email = Some("x@y".into());
    let config = DialogflowConfig::Es(engine_dialogflow::EsConfig::new("p", "en", sa));
    let err = DialogflowEngine::from_config(&config, reqwest::Client::new()).unwrap_err();
    assert!(err.to_string().contains("both `key_file`"), "{err}");

    let sa = ServiceAccountConfig::inline("bot@p.iam.gserviceaccount.com", Secret::new(TEST_KEY));
    let config = DialogflowConfig::Es(engine_dialogflow::EsConfig::new(" ", "en", sa.clone()));
    let err = DialogflowEngine::from_config(&config, reqwest::Client::new()).unwrap_err();
    assert!(err.to_string().contains("`project_id` is empty"), "{err}");

    let mut es = engine_dialogflow::EsConfig::new("p", "en", sa);
    es.base_url = Some("mailto:bot@example.com".parse().unwrap());
    let err = DialogflowEngine::from_config(&DialogflowConfig::Es(es), reqwest::Client::new())
        .unwrap_err();
    assert!(err.to_string().contains("`base_url`"), "{err}");

    let config = parse("api = \"v1\"\nclient_access_token = \"\"\n").unwrap();
    let err = DialogflowEngine::from_config(&config, reqwest::Client::new()).unwrap_err();
    assert!(err.to_string().contains("client_access_token"), "{err}");
}

#[test]
fn key_json_needs_email_and_key() {
    let err = engine_dialogflow::ServiceAccountKey::from_json(r#"{"type":"service_account"}"#)
        .unwrap_err();
    assert!(err.to_string().contains("client_email"), "{err}");
}
