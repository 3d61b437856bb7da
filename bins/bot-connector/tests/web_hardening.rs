//! The web surface's hardening (issue 15, items 7, 12, 15, 18 and the
//! OpenAPI document): escaping and security headers on every answer, JSON
//! bodies only, same-origin cookie calls, sign-in by POST only, one JSON
//! value per body, bounded tester sessions, and a document whose
//! permissions are the ones the handlers check.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use bot_connector::access::{Permission, Role};
use bot_connector::state::App;
use bot_connector::tester::{Tester, TesterLimits};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:8080";

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

async fn send(app: &Arc<App>, req: Request<Body>) -> Answer {
    let res = bot_connector::api::router(Arc::clone(app))
        .oneshot(req)
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A request as a browser on `origin` sends it with the dashboard cookie.
fn cookie_request(
    method: &str,
    uri: &str,
    token: &str,
    origin: Option<&str>,
    content_type: &str,
    body: &str,
) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", HOST)
        .header("cookie", format!("bc_token={token}"))
        .header("content-type", content_type)
        .header("content-length", body.len().to_string());
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    req.body(Body::from(body.to_owned())).unwrap()
}

fn bearer_request(
    method: &str,
    uri: &str,
    token: &str,
    content_type: Option<&str>,
    body: &str,
) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", HOST)
        .header("authorization", format!("Bearer {token}"));
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    req.body(Body::from(body.to_owned())).unwrap()
}

fn definition(id: &str) -> Value {
    json!({
        "id": id,
        "name": "<b>bold</b> & \"quoted\"",
        "liveengage": {"account_id": "123", "csds": "http://127.0.0.1:9",
            "login": {"type": "password", "username": "bot", "password": "pw"},
            "skills": {"human": "2"}},
        "conversation": {"type": "messaging"},
        "escalation": {"transfer_skill": "human"},
        "engine": {"type": "script", "source": "[fallback]\noutputs = [{ type = \"text\", text = \"hi\" }]\n"},
    })
}

// ------------------------------------------------------------- item 7

#[tokio::test]
async fn a_path_posted_to_the_edit_form_comes_back_escaped() {
    let (app, admin) = common::app();
    let evil = "/bots/%3C'%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E/edit";
    let answer = send(
        &app,
        bearer_request(
            "POST",
            evil,
            &admin,
            Some("application/x-www-form-urlencoded"),
            "id=x&account_id=1",
        ),
    )
    .await;
    assert!(answer.status.is_client_error(), "{}", answer.status);
    assert!(
        !answer.body.contains("<script>alert(1)"),
        "the path is reflected as HTML: {}",
        answer.body
    );
    assert!(!answer.body.contains("<'>"), "{}", answer.body);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let (app, admin) = common::app();
    let created = common::post(&app, "/api/bots", &admin, definition("hdr")).await;
    assert_eq!(created.0, StatusCode::CREATED, "{}", created.1);
    for (method, uri, token) in [
        ("GET", "/", Some(admin.as_str())),
        ("GET", "/", None),
        ("GET", "/login", None),
        ("GET", "/bots/new", Some(admin.as_str())),
        ("GET", "/bots/hdr", Some(admin.as_str())),
        ("GET", "/bots/hdr/edit", Some(admin.as_str())),
        ("GET", "/tester", Some(admin.as_str())),
        ("GET", "/api/bots", Some(admin.as_str())),
        ("GET", "/api/bots", None),
        ("GET", "/api/no-such-thing", None),
        ("GET", "/no-such-page", None),
        ("GET", "/healthz", None),
        ("GET", "/metrics", None),
        ("GET", "/static/dashboard.js", None),
        ("DELETE", "/api/audit", Some(admin.as_str())),
    ] {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let answer = send(&app, req.body(Body::empty()).unwrap()).await;
        let h = |name: &str| {
            answer
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let csp = h("content-security-policy");
        assert!(
            csp.contains("default-src 'none'")
                && csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{method} {uri}: CSP {csp:?}"
        );
        assert_eq!(h("x-frame-options"), "DENY", "{method} {uri}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{method} {uri}");
        assert_eq!(h("referrer-policy"), "no-referrer", "{method} {uri}");
        if h("content-type").starts_with("text/html") {
            // Nothing inline that the policy would block: the dashboard's
            // code is in /static/dashboard.js.
            let lower = answer.body.to_lowercase();
            assert!(!lower.contains("<script>"), "{uri}: inline script");
            assert!(!lower.contains("<style"), "{uri}: inline style");
            assert!(!lower.contains(" style="), "{uri}: style attribute");
            assert!(!lower.contains("javascript:"), "{uri}: javascript: URL");
            for handler in [" onclick=", " onsubmit=", " onchange=", " onload="] {
                assert!(!lower.contains(handler), "{uri}: {handler}");
            }
        }
        if uri.starts_with("/api/") && answer.status.is_client_error() {
            assert!(
                answer.json()["error"]["code"].is_string(),
                "{method} {uri}: an /api error in the JSON shape: {}",
                answer.body
            );
        }
    }
    // The bot's name is shown as text.
    let status = send(&app, bearer_request("GET", "/bots/hdr", &admin, None, "")).await;
    assert!(
        status
            .body
            .contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;")
    );
    assert!(!status.body.contains("<b>bold</b>"));
    let script = send(
        &app,
        Request::get("/static/dashboard.js")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(
        script.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
}

// ------------------------------------------------------------ item 12

#[tokio::test]
async fn cookie_calls_from_another_site_and_non_json_bodies_are_refused() {
    let (app, admin) = common::app();
    let token_body = r#"{"name":"csrf","role":"admin"}"#;
    // The attack: a page on another site posts text/plain with the cookie.
    let answer = send(
        &app,
        cookie_request(
            "POST",
            "/api/tokens",
            &admin,
            Some("http://evil.example"),
            "text/plain",
            token_body,
        ),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        answer.body
    );
    // Declared JSON (a CORS preflight would stop a browser; a check here too).
    let answer = send(
        &app,
        cookie_request(
            "POST",
            "/api/tokens",
            &admin,
            Some("http://evil.example"),
            "application/json",
            token_body,
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    assert_eq!(answer.json()["error"]["code"], "cross_site");
    // Sec-Fetch-Site says cross-site even with a matching Origin.
    let mut req = cookie_request(
        "DELETE",
        "/api/bots/x",
        &admin,
        Some(&format!("http://{HOST}")),
        "application/json",
        "",
    );
    req.headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(&app, req).await.status, StatusCode::FORBIDDEN);
    // No Origin and no Sec-Fetch-Site with a cookie: refused.
    let answer = send(
        &app,
        cookie_request(
            "POST",
            "/api/tokens",
            &admin,
            None,
            "application/json",
            token_body,
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // The dashboard's own forms are cookie calls too.
    let answer = send(
        &app,
        cookie_request(
            "POST",
            "/bots/x/delete",
            &admin,
            Some("http://evil.example"),
            "application/x-www-form-urlencoded",
            "",
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(app.store.tokens().unwrap().iter().all(|t| t.name != "csrf"));

    // From the dashboard's own pages it works.
    let answer = send(
        &app,
        cookie_request(
            "POST",
            "/api/tokens",
            &admin,
            Some(&format!("http://{HOST}")),
            "application/json",
            token_body,
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let mut req = cookie_request(
        "POST",
        "/api/tokens",
        &admin,
        None,
        "application/json; charset=utf-8",
        r#"{"name":"csrf2","role":"agent"}"#,
    );
    req.headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    assert_eq!(send(&app, req).await.status, StatusCode::CREATED);
    // A bearer token is not sent by browsers on their own: no origin check,
    // but the body must still be JSON.
    let answer = send(
        &app,
        bearer_request(
            "POST",
            "/api/tokens",
            &admin,
            Some("text/plain"),
            token_body,
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(answer.json()["error"]["code"], "unsupported_media_type");
    let answer = send(
        &app,
        bearer_request("POST", "/api/tokens", &admin, None, token_body),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let mut req = bearer_request(
        "POST",
        "/api/tokens",
        &admin,
        Some("application/json"),
        r#"{"name":"bearer","role":"agent"}"#,
    );
    req.headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    assert_eq!(send(&app, req).await.status, StatusCode::CREATED);
    // A body-less POST needs no content type.
    let answer = send(
        &app,
        bearer_request("POST", "/api/bots/nope/stop", &admin, None, ""),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.body);
}

#[tokio::test]
async fn signing_in_takes_a_posted_form_only() {
    let (app, admin) = common::app();
    // A token in the query string does not sign in (nor is it echoed).
    let answer = send(
        &app,
        Request::get(format!("/login?token={admin}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.headers.get("set-cookie").is_none());
    assert!(!answer.body.contains(&admin));
    assert!(answer.body.contains("method=post action=/login"));

    let form = |origin: &str, token: &str| {
        Request::post("/login")
            .header("host", HOST)
            .header("origin", origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("token={token}")))
            .unwrap()
    };
    let own = format!("http://{HOST}");
    let answer = send(&app, form(&own, &admin)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let cookie = answer.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with(&format!("bc_token={admin};")));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    // An unknown token gets no cookie.
    let answer = send(&app, form(&own, "bc_not_a_token")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.headers.get("set-cookie").is_none());
    // Another site cannot sign the browser in (login CSRF).
    let answer = send(&app, form("http://evil.example", &admin)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.headers.get("set-cookie").is_none());
}

// ------------------------------------------------------------ item 18

#[tokio::test]
async fn a_json_value_followed_by_garbage_is_refused() {
    let (app, admin) = common::app();
    for (uri, body) in [
        (
            "/api/tokens",
            r#"{"name":"t","role":"agent"} trailing-garbage"#.to_owned(),
        ),
        (
            "/api/tokens",
            r#"{"name":"t","role":"agent"}{"name":"u","role":"admin"}"#.to_owned(),
        ),
        ("/api/bots", format!("{} x", definition("trailing"))),
        ("/api/bots/test", format!("{} ]", definition("trailing"))),
    ] {
        let answer = send(
            &app,
            bearer_request("POST", uri, &admin, Some("application/json"), &body),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            answer.body
        );
        assert_eq!(answer.json()["error"]["code"], "invalid_json", "{uri}");
    }
    assert!(app.fleet.list().is_empty());
    assert_eq!(app.store.tokens().unwrap().len(), 1);
    // White space after the value is fine.
    let answer = send(
        &app,
        bearer_request(
            "POST",
            "/api/tokens",
            &admin,
            Some("application/json"),
            "{\"name\":\"t\",\"role\":\"agent\"}\n  ",
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
}

// ------------------------------------------------------------ item 15

/// A clock the test moves by hand.
#[derive(Clone)]
struct ManualClock {
    start: Instant,
    offset_ms: Arc<AtomicU64>,
}

impl ManualClock {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            offset_ms: Arc::new(AtomicU64::new(0)),
        }
    }
    fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(u64::try_from(by.as_millis()).unwrap(), Ordering::SeqCst);
    }
    fn clock(&self) -> bot_connector::tester::Clock {
        let me = self.clone();
        Arc::new(move || me.start + Duration::from_millis(me.offset_ms.load(Ordering::SeqCst)))
    }
}

async fn open_session(app: &Arc<App>, token: &str) -> Answer {
    send(
        app,
        bearer_request(
            "POST",
            "/api/tester/sessions",
            token,
            Some("application/json"),
            r#"{"skill":"2"}"#,
        ),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tester_sessions_are_capped_per_token_and_in_all_and_expire_when_idle() {
    let sim = Arc::new(common::sim().await);
    let clock = ManualClock::new();
    let limits = TesterLimits {
        per_token: 3,
        total: 5,
        idle: Duration::from_secs(600),
    };
    let app = App::new(
        bot_connector::server::new_fleet(
            bot_connector::assemble::Network::new(sim.client_trust()).unwrap(),
        ),
        bot_connector::store::Store::in_memory().unwrap(),
        Some(Tester::with_limits(Arc::clone(&sim), limits, clock.clock())),
        std::env::temp_dir(),
    );
    let tester = || app.tester.as_ref().unwrap();
    let open_conversations = || sim.transcripts().iter().filter(|t| t.open).count();
    let (viewer, _) = app.create_token("viewer", Role::Agent, &[]).unwrap();
    let (other, _) = app.create_token("other", Role::Agent, &[]).unwrap();
    let (third, _) = app.create_token("third", Role::Agent, &[]).unwrap();

    // A skill the emulator does not have is the caller's mistake (400), not
    // an emulator failure, and takes no slot.
    for skill in ["no-such-skill", "c\u{10ffff}\u{7f}"] {
        let answer = send(
            &app,
            bearer_request(
                "POST",
                "/api/tester/sessions",
                &viewer,
                Some("application/json"),
                &json!({ "skill": skill }).to_string(),
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
        assert_eq!(answer.json()["error"]["fields"][0]["path"], "skill");
    }
    assert_eq!(tester().open_sessions(), 0);

    // One view token opening 30 sessions holds at most 3: each new one
    // closes its least recently used one (conversation closed, socket gone).
    let mut sessions = Vec::new();
    for _ in 0..30 {
        let answer = open_session(&app, &viewer).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        sessions.push(answer.json()["session"].as_str().unwrap().to_owned());
        assert!(tester().open_sessions() <= 3);
        assert!(open_conversations() <= 3, "{} open", open_conversations());
    }
    assert_eq!(tester().open_sessions(), 3);
    assert_eq!(open_conversations(), 3);
    // The closed ones are gone; the newest answers.
    let read = |token: &str, id: &str| {
        bearer_request(
            "GET",
            &format!("/api/tester/sessions/{id}"),
            token,
            None,
            "",
        )
    };
    assert_eq!(
        send(&app, read(&viewer, &sessions[0])).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, read(&viewer, &sessions[29])).await.status,
        StatusCode::OK
    );
    // A session is its token's only.
    assert_eq!(
        send(&app, read(&other, &sessions[29])).await.status,
        StatusCode::NOT_FOUND
    );

    // The process holds 5 in all: the third token is refused.
    for _ in 0..2 {
        assert_eq!(open_session(&app, &other).await.status, StatusCode::CREATED);
    }
    let answer = open_session(&app, &third).await;
    assert_eq!(
        answer.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        answer.body
    );
    assert_eq!(answer.json()["error"]["code"], "too_many_sessions");
    assert_eq!(tester().open_sessions(), 5);

    // Idle sessions expire: their conversations close and slots free up.
    clock.advance(Duration::from_secs(601));
    assert_eq!(
        send(&app, read(&viewer, &sessions[29])).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(tester().expire_idle().await, 5);
    assert_eq!(tester().open_sessions(), 0);
    assert_eq!(open_conversations(), 0);
    assert_eq!(open_session(&app, &third).await.status, StatusCode::CREATED);
    assert_eq!(tester().open_sessions(), 1);
}

// ------------------------------------------------------ the OpenAPI document

#[tokio::test]
async fn the_openapi_document_is_served_without_a_token() {
    let (app, _) = common::app();
    let answer = send(
        &app,
        Request::get("/api/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let doc = answer.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["paths"]["/api/bots/{id}"]["put"]["requestBody"].is_object());
    let served: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(|m| (m.clone(), p.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let routes: BTreeSet<(String, String)> = bot_connector::api::ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(served, routes);
}

/// Each operation's `x-permission` is what its handler checks: a token
/// with every other permission is refused (403), a token with only that one
/// is not (whatever else the answer is).
#[tokio::test]
async fn each_documented_permission_is_the_one_the_handler_checks() {
    let (app, _) = common::app();
    let doc = serde_json::to_value(bot_connector::api::openapi_document()).unwrap();
    let tokens = Mutex::new(std::collections::HashMap::new());
    let token_for = |perms: Vec<Permission>| {
        let mut tokens = tokens.lock().unwrap();
        let key = format!("{perms:?}");
        tokens
            .entry(key)
            .or_insert_with(|| app.create_token("t", Role::Custom, &perms).unwrap().0)
            .clone()
    };
    let parse = |name: &str| {
        Permission::ALL
            .into_iter()
            .find(|p| p.as_str() == name)
            .unwrap()
    };
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let needed: Vec<Permission> = op["x-permission"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| parse(p.as_str().unwrap()))
                .collect();
            if needed.is_empty() {
                continue;
            }
            let uri = path.replace("{id}", "nope");
            let body_of = || {
                if method == "post" || method == "put" {
                    (Some("application/json"), "{}")
                } else {
                    (None, "")
                }
            };
            let others: Vec<Permission> = Permission::ALL
                .into_iter()
                .filter(|p| !needed.contains(p))
                .collect();
            let (ct, body) = body_of();
            let answer = send(
                &app,
                bearer_request(&method.to_uppercase(), &uri, &token_for(others), ct, body),
            )
            .await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{method} {path} without {needed:?}: {}",
                answer.body
            );
            for p in &needed {
                let answer = send(
                    &app,
                    bearer_request(&method.to_uppercase(), &uri, &token_for(vec![*p]), ct, body),
                )
                .await;
                assert!(
                    answer.status != StatusCode::FORBIDDEN
                        && answer.status != StatusCode::UNAUTHORIZED,
                    "{method} {path} with only {p:?}: {} {}",
                    answer.status,
                    answer.body
                );
            }
        }
    }
}
