//! The management API driven in-process with `tower::ServiceExt::oneshot`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bot_connector::access::{Permission, Role};
use bot_connector::assemble::Network;
use bot_connector::demo::{DEMO_BOT, demo_definition, setup};
use bot_connector::server::new_fleet;
use bot_connector::state::App;
use bot_connector::store::Store;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn call(
    app: &Arc<App>,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = req
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let res = bot_connector::api::router(Arc::clone(app))
        .oneshot(req)
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn definition(id: &str) -> Value {
    json!({
        "id": id,
        "liveengage": {"account_id": "123", "csds": "http://127.0.0.1:9",
            "login": {"type": "password", "username": "bot", "password": "pw"},
            "skills": {"human": "2"}},
        "conversation": {"type": "messaging"},
        "escalation": {"transfer_skill": "human"},
        "engine": {"type": "script", "source": "[fallback]\noutputs = [{ type = \"text\", text = \"hi\" }]\n"},
    })
}

fn app_with(store: Store) -> Arc<App> {
    App::new(
        new_fleet(Network::new(connector_http::Trust::default()).unwrap()),
        store,
        None,
        std::env::temp_dir(),
    )
}

#[tokio::test]
async fn every_role_gets_exactly_its_permissions() {
    let app = app_with(Store::in_memory().unwrap());
    let (admin, _) = app.create_token("admin", Role::Admin, &[]).unwrap();
    call(
        &app,
        "POST",
        "/api/bots",
        Some(&admin),
        Some(definition("seed")),
    )
    .await;
    let roles: Vec<(Role, Vec<Permission>)> = vec![
        (Role::Admin, vec![]),
        (Role::CampaignManager, vec![]),
        (Role::AgentManager, vec![]),
        (Role::Agent, vec![]),
        (Role::Custom, vec![Permission::Create, Permission::Start]),
        (Role::Custom, vec![Permission::View]),
    ];
    for (i, (role, custom)) in roles.into_iter().enumerate() {
        let (token, _) = app.create_token("t", role, &custom).unwrap();
        let may = |p: Permission| match role {
            Role::Admin | Role::CampaignManager => true,
            Role::Agent | Role::AgentManager => matches!(
                p,
                Permission::View | Permission::Stop | Permission::Edit | Permission::Delete
            ),
            Role::Custom => custom.contains(&p),
        };
        let id = format!("bot-{i}");
        let expect =
            |p: Permission, ok: StatusCode| if may(p) { ok } else { StatusCode::FORBIDDEN };
        let (s, _) = call(
            &app,
            "POST",
            "/api/bots",
            Some(&token),
            Some(definition(&id)),
        )
        .await;
        assert_eq!(
            s,
            expect(Permission::Create, StatusCode::CREATED),
            "{role:?} create"
        );
        if !may(Permission::Create) {
            call(
                &app,
                "POST",
                "/api/bots",
                Some(&admin),
                Some(definition(&id)),
            )
            .await;
        }
        let (s, _) = call(&app, "GET", "/api/bots", Some(&token), None).await;
        assert_eq!(s, expect(Permission::View, StatusCode::OK), "{role:?} view");
        // Starting fails against an unreachable CSDS (422) but only after the permission check.
        let (s, _) = call(
            &app,
            "POST",
            &format!("/api/bots/{id}/start"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(
            s,
            expect(Permission::Start, StatusCode::UNPROCESSABLE_ENTITY),
            "{role:?} start"
        );
        let (s, _) = call(
            &app,
            "POST",
            &format!("/api/bots/{id}/stop"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(s, expect(Permission::Stop, StatusCode::OK), "{role:?} stop");
        let (s, _) = call(
            &app,
            "PUT",
            &format!("/api/bots/{id}"),
            Some(&token),
            Some(definition(&id)),
        )
        .await;
        assert_eq!(s, expect(Permission::Edit, StatusCode::OK), "{role:?} edit");
        let (s, _) = call(&app, "GET", "/api/tokens", Some(&token), None).await;
        assert_eq!(
            s,
            expect(Permission::ManageTokens, StatusCode::OK),
            "{role:?} tokens"
        );
        let (s, _) = call(
            &app,
            "DELETE",
            &format!("/api/bots/{id}"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(
            s,
            expect(Permission::Delete, StatusCode::NO_CONTENT),
            "{role:?} delete"
        );
    }
    let (_, audit) = call(&app, "GET", "/api/audit", Some(&admin), None).await;
    let entries = audit["entries"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["outcome"] == "denied" && e["action"] == "create")
    );
    assert!(
        entries
            .iter()
            .any(|e| e["outcome"] == "ok" && e["action"] == "delete")
    );
}

#[tokio::test]
async fn bad_tokens_get_401_and_bad_bodies_get_400_naming_the_key() {
    let app = app_with(Store::in_memory().unwrap());
    let (admin, _) = app.create_token("admin", Role::Admin, &[]).unwrap();
    for token in [None, Some("nope"), Some("")] {
        let (s, body) = call(&app, "GET", "/api/bots", token, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthenticated");
    }
    let (s, body) = call(&app, "POST", "/api/bots", Some(&admin), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_json");
    let mut d = definition("x");
    d["engine"]["flavour"] = json!(1);
    let (s, body) = call(&app, "POST", "/api/bots", Some(&admin), Some(d)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("flavour"),
        "{body}"
    );
    let mut d = definition("Bad Id");
    d["escalation"]["transfer_skill"] = json!("nobody");
    let (s, body) = call(&app, "POST", "/api/bots", Some(&admin), Some(d)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let paths: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["id", "escalation.transfer_skill"]);
    let (s, body) = call(
        &app,
        "POST",
        "/api/tokens",
        Some(&admin),
        Some(json!({"name": "x", "role": "custom"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["fields"][0]["path"], "permissions");
}

#[tokio::test]
async fn bots_and_tokens_survive_a_restart_and_secrets_are_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bc.db");
    let token = {
        let app = app_with(Store::open(&path).unwrap());
        let (token, _) = app.create_token("admin", Role::Admin, &[]).unwrap();
        let (s, body) = call(
            &app,
            "POST",
            "/api/bots",
            Some(&token),
            Some(definition("kept")),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        assert_eq!(body["definition"]["liveengage"]["login"]["password"], "***");
        token
    };
    let app = app_with(Store::open(&path).unwrap());
    app.load_stored_bots().await.unwrap();
    let (s, body) = call(&app, "GET", "/api/bots/kept", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["bot"]["bot_user"], "bot");
    let stored = app.store.tokens().unwrap();
    assert_eq!(stored.len(), 1);
    let raw = std::fs::read(&path).unwrap();
    assert!(
        !raw.windows(token.len()).any(|w| w == token.as_bytes()),
        "tokens are stored hashed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_starts_and_stops_against_the_emulator_and_counts_real_conversations() {
    let (sim, app) = setup().await.unwrap();
    let (admin, _) = app.create_token("admin", Role::Admin, &[]).unwrap();
    assert_eq!(demo_definition(&sim)["id"], DEMO_BOT);
    let (s, body) = call(
        &app,
        "POST",
        &format!("/api/bots/{DEMO_BOT}/start"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let mut online = false;
    for _ in 0..200 {
        let (_, st) = call(
            &app,
            "GET",
            &format!("/api/bots/{DEMO_BOT}/status"),
            Some(&admin),
            None,
        )
        .await;
        if st["state"] == "Online" {
            online = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(online, "bot Online");
    for text in ["bye", "agent"] {
        let mut consumer = sim.consumer().await.unwrap();
        let conv = consumer.open_conversation(None).await.unwrap();
        consumer.send_text(text).await.unwrap();
        for _ in 0..200 {
            if sim
                .transcript(&conv)
                .is_some_and(|t| !t.open || t.skill == "2")
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (_, m) = call(
        &app,
        "GET",
        &format!("/api/bots/{DEMO_BOT}/metrics"),
        Some(&admin),
        None,
    )
    .await;
    let run = m["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["window"] == "run")
        .unwrap()
        .clone();
    assert_eq!(
        (
            run["total"].as_u64(),
            run["closed"].as_u64(),
            run["transferred"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{m}"
    );
    assert_eq!(run["closed_percent"], 50.0);
    let res = bot_connector::api::router(Arc::clone(&app))
        .oneshot(
            Request::builder()
                .uri("/metrics")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let text =
        String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(
        text.contains("bot_connector_conversations_total{bot=\"demo-bot\"} 2"),
        "{text}"
    );
    assert!(text.contains("bot_connector_engine_call_seconds"), "{text}");
    let (s, body) = call(
        &app,
        "POST",
        &format!("/api/bots/{DEMO_BOT}/stop"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["status"]["state"], "Offline");
    let states: Vec<&str> = body["status"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["Online", "Offline"]);
}
