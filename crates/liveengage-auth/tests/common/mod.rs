//! Shared stand-in LiveEngage answers for the integration tests.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use liveengage_auth::retry::{FixedJitter, RetryPolicy};
use liveengage_auth::{AuthConfig, Credentials, RetryNotice, RetryObserver};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const ACCOUNT: &str = "12345678";
pub const CSDS_PATH: &str = "/api/account/12345678/service/baseURI.json";
pub const LOGIN_PATH: &str = "/api/account/12345678/login";
pub const REFRESH_PATH: &str = "/api/account/12345678/refresh";
pub const LOGOUT_PATH: &str = "/api/account/12345678/logout";

/// The CSDS answer: every service on the mock server.
pub fn csds_body(host: &str) -> Value {
    json!({"baseURIs": [
        {"account": ACCOUNT, "baseURI": host, "service": "agentVep"},
        {"account": ACCOUNT, "baseURI": host, "service": "asyncMessagingEnt"},
        {"account": ACCOUNT, "baseURI": host, "service": "facadeMsg"},
        {"account": ACCOUNT, "baseURI": host, "service": "idp"}
    ]})
}

/// The documented login answer, with its own bearer and csrf.
pub fn login_answer(bearer: &str, csrf: &str, cookie: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("set-cookie", format!("Session_id={cookie}; Path=/; HttpOnly"))
        .set_body_json(json!({
            "csrf": csrf,
            "wsuk": "766900772095619056",
            "config": {
                "loginName": "echo-bot", "userId": "1234567890",
                "userPid": "a1b2c3d4-0000-4000-8000-00000000b07a",
                "userPrivileges": [100, 101], "serverCurrentTime": 1474549184722_i64,
                "timeDiff": -25200000, "serverTimeZoneName": "Europe/Athens",
                "serverTimeGMTDiff": 10800000, "isLPA": false, "isAdmin": true,
                "accountTimeZoneId": "Europe/Athens"
            },
            "csdsCollectionResponse": {"baseURIs": [{"account": ACCOUNT, "baseURI": "domain.domain.net", "service": "agentVep"}]},
            "accountData": {"agentGroupsData": {"items": [{"id": -1, "deleted": false, "name": "Main Group"}], "revision": 1}},
            "sessionTTl": "28800000",
            "bearer": bearer
        }))
}

/// The documented 401 body.
pub fn unauthorized() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(json!({"error": {
        "time": "Thu Sep 22 12:00:00 UTC 2016", "message": "Bad credentials",
        "internalCode": 10, "responseStatus": "UNAUTHORIZED"
    }}))
}

pub async fn mount_csds(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(CSDS_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(csds_body(&server.address().to_string())),
        )
        .mount(server)
        .await;
}

pub async fn mount_login(server: &MockServer, bearer: &str) {
    Mock::given(method("POST"))
        .and(path(LOGIN_PATH))
        .respond_with(login_answer(bearer, "csrf-1", "cookie-1"))
        .mount(server)
        .await;
}

/// A config for the mock server: http allowed, no jitter, no request
/// timeout (a pending timeout would fire at once under a paused clock).
pub fn config(server: &MockServer, credentials: Credentials) -> AuthConfig {
    AuthConfig::new(ACCOUNT, credentials)
        .with_csds_base(server.uri().parse().unwrap())
        .allow_http(true)
        .with_request_timeout(None)
        .with_retry_policy(RetryPolicy::liveperson().with_jitter(FixedJitter(0.0)))
}

pub fn password() -> Credentials {
    Credentials::user_password("echo-bot", "secret")
}

/// Records every retry the authenticator schedules.
#[derive(Clone, Default)]
pub struct Retries(Arc<Mutex<Vec<RetryNotice>>>);

impl Retries {
    pub fn observer(&self) -> RetryObserver {
        let log = Arc::clone(&self.0);
        RetryObserver::new(move |n| log.lock().unwrap().push(n.clone()))
    }

    pub fn delays(&self) -> Vec<Duration> {
        self.0.lock().unwrap().iter().map(|n| n.delay).collect()
    }

    pub fn all(&self) -> Vec<RetryNotice> {
        self.0.lock().unwrap().clone()
    }
}

pub async fn requests_to(server: &MockServer, p: &str) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}
