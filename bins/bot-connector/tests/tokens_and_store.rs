//! Tokens cannot grant more than their holder has, the configured admin
//! token is protected and replaced on rotation, secrets at rest are
//! encrypted in a private file, and the audit log is bounded (issue 15,
//! items 6, 8, 10 and 16).

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bot_connector::access::{Permission, Role};
use bot_connector::assemble::Network;
use bot_connector::server::new_fleet;
use bot_connector::state::App;
use bot_connector::store::Store;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn call(app: &Arc<App>, method: &str, uri: &str, token: &str) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
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

fn app_with(store: Store) -> Arc<App> {
    App::new(
        new_fleet(Network::new(connector_http::Trust::default()).unwrap()),
        store,
        None,
        std::env::temp_dir(),
    )
}

#[tokio::test]
async fn a_token_manager_cannot_issue_more_than_it_holds() {
    let (app, admin) = common::app();
    let (manager, _) = app
        .create_token("tm", Role::Custom, &[Permission::ManageTokens])
        .unwrap();
    for body in [
        json!({"name": "x", "role": "admin"}),
        json!({"name": "x", "role": "campaign_manager"}),
        json!({"name": "x", "role": "agent"}),
        json!({"name": "x", "role": "custom", "permissions": ["manage_tokens", "start"]}),
    ] {
        let (s, answer) = common::post(&app, "/api/tokens", &manager, body.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body} -> {answer}");
        assert!(answer.get("token").is_none(), "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("token"),
            "{answer}"
        );
    }
    // What it holds it may hand on.
    let (s, answer) = common::post(
        &app,
        "/api/tokens",
        &manager,
        json!({"name": "x", "role": "custom", "permissions": ["manage_tokens"]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{answer}");
    // A campaign manager holds every permission but is not an admin.
    let (campaign, _) = app.create_token("cm", Role::CampaignManager, &[]).unwrap();
    let (s, _) = common::post(
        &app,
        "/api/tokens",
        &campaign,
        json!({"name": "x", "role": "admin"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = common::post(
        &app,
        "/api/tokens",
        &campaign,
        json!({"name": "x", "role": "agent"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = common::post(
        &app,
        "/api/tokens",
        &admin,
        json!({"name": "x", "role": "admin"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, audit) = call(&app, "GET", "/api/audit", &admin).await;
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "create_token" && e["outcome"] == "denied"),
        "{audit}"
    );
}

#[tokio::test]
async fn a_token_manager_cannot_delete_stronger_tokens_nor_the_configured_one() {
    let (app, admin) = common::app();
    app.configure_admin_token(Some("configured-secret-token"))
        .unwrap();
    let configured = app
        .store
        .tokens()
        .unwrap()
        .into_iter()
        .find(|t| t.configured)
        .expect("the configured token is marked");
    let (manager, _) = app
        .create_token("tm", Role::Custom, &[Permission::ManageTokens])
        .unwrap();
    let (_, agent) = app.create_token("agent", Role::Agent, &[]).unwrap();
    let admin_id = app
        .store
        .tokens()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "admin")
        .unwrap()
        .id;

    let (s, body) = call(
        &app,
        "DELETE",
        &format!("/api/tokens/{}", configured.id),
        &manager,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("configured in the file"),
        "{body}"
    );
    // Not even an admin deletes it through the API.
    let (s, body) = call(
        &app,
        "DELETE",
        &format!("/api/tokens/{}", configured.id),
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "configured_token");
    let (s, _) = call(&app, "GET", "/api/bots", "configured-secret-token").await;
    assert_eq!(s, StatusCode::OK, "the configured token still works");

    for id in [&admin_id, &agent.id] {
        let (s, body) = call(&app, "DELETE", &format!("/api/tokens/{id}"), &manager).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    }
    let (s, _) = call(&app, "DELETE", &format!("/api/tokens/{}", agent.id), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = call(&app, "DELETE", "/api/tokens/nope", &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = call(&app, "GET", "/api/tokens", &admin).await;
    assert!(
        list["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["configured"] == true),
        "{list}"
    );
}

#[tokio::test]
async fn a_new_configured_admin_token_replaces_the_old_one_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bc.db");
    {
        let app = app_with(Store::open(&path).unwrap());
        assert_eq!(
            app.configure_admin_token(Some("old-admin-token")).unwrap(),
            0
        );
        let (s, _) = call(&app, "GET", "/api/tokens", "old-admin-token").await;
        assert_eq!(s, StatusCode::OK);
    }
    {
        // Same token again: nothing revoked, still one configured token.
        let app = app_with(Store::open(&path).unwrap());
        assert_eq!(
            app.configure_admin_token(Some("old-admin-token")).unwrap(),
            0
        );
        let configured = app.store.tokens().unwrap();
        assert_eq!(configured.iter().filter(|t| t.configured).count(), 1);
    }
    let other = {
        let app = app_with(Store::open(&path).unwrap());
        let (other, _) = app.create_token("ops", Role::Admin, &[]).unwrap();
        assert_eq!(
            app.configure_admin_token(Some("new-admin-token")).unwrap(),
            1
        );
        other
    };
    let app = app_with(Store::open(&path).unwrap());
    let (s, _) = call(&app, "GET", "/api/tokens", "old-admin-token").await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the rotated-out token is revoked"
    );
    let (s, _) = call(&app, "GET", "/api/tokens", "new-admin-token").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(&app, "GET", "/api/tokens", &other).await;
    assert_eq!(s, StatusCode::OK, "tokens made through the API are kept");
    // No admin_token in the file any more: the configured one goes too.
    assert_eq!(app.configure_admin_token(None).unwrap(), 1);
    let (s, _) = call(&app, "GET", "/api/tokens", "new-admin-token").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn denied_calls_do_not_grow_the_audit_log_without_bound() {
    let store = Store::in_memory()
        .unwrap()
        .with_audit_retention(bot_connector::store::AuditRetention {
            max_age_days: 90,
            max_rows: 100,
        })
        .unwrap();
    let app = app_with(store);
    let (admin, _) = app.create_token("admin", Role::Admin, &[]).unwrap();
    let (viewer, _) = app
        .create_token("v", Role::Custom, &[Permission::View])
        .unwrap();
    for _ in 0..150 {
        let (s, _) = call(&app, "GET", "/api/tokens", &viewer).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (_, audit) = call(&app, "GET", "/api/audit", &admin).await;
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 100, "only the newest 100 are kept");
    assert!(entries.iter().all(|e| e["outcome"] == "denied"));
}
