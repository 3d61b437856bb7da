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

const PASSWORD: &str = "hunter2-very-secret";

fn key_b64(byte: u8) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode([byte; 32])
}

fn env_with(current: Option<String>, previous: Option<String>) -> impl Fn(&str) -> Option<String> {
    move |name| match name {
        "BOT_CONNECTOR_SECRET_KEY" => current.clone(),
        "BOT_CONNECTOR_PREVIOUS_SECRET_KEYS" => previous.clone(),
        _ => None,
    }
}

fn open(path: &std::path::Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Store, String> {
    Store::open_with(path, &bot_connector::store::StoreOptions::default(), env)
        .map_err(|e| e.to_string())
}

fn secret_definition(id: &str) -> Value {
    json!({
        "id": id,
        "liveengage": {"account_id": "123", "csds": "http://127.0.0.1:9",
            "login": {"type": "password", "username": "bot", "password": PASSWORD},
            "skills": {"human": "2"}},
        "conversation": {"type": "messaging"},
        "escalation": {"transfer_skill": "human"},
        "engine": {"type": "script", "source": "[fallback]\noutputs = [{ type = \"text\", text = \"hi\" }]\n"},
        "functions": {"f": {"url": "http://127.0.0.1:9/f", "bearer": "fn-bearer-secret"}},
    })
}

/// Every database file's bytes (the file and what SQLite keeps beside it).
fn raw_files(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "key") {
            all.extend(std::fs::read(path).unwrap());
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_database_is_private_and_holds_no_secret_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bc.db");
    let env = env_with(Some(key_b64(1)), None);
    {
        let app = app_with(open(&path, &env).unwrap());
        let (admin, _) = app.create_token("admin", Role::Admin, &[]).unwrap();
        let (s, body) = common::post(&app, "/api/bots", &admin, secret_definition("b")).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        assert_eq!(body["definition"]["liveengage"]["login"]["password"], "***");
    }
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600, "the database is private");
    let raw = raw_files(dir.path());
    assert!(
        !contains(&raw, PASSWORD),
        "the password is stored encrypted"
    );
    assert!(
        !contains(&raw, "fn-bearer-secret"),
        "the bearer is stored encrypted"
    );
    assert!(contains(&raw, "enc:v1:"));
    assert!(
        contains(&raw, "\"username\":\"bot\""),
        "non-secrets stay readable"
    );
    // Read back with the same key.
    let store = open(&path, &env).unwrap();
    let bots = store.bots().unwrap();
    assert_eq!(
        bots[0].definition["liveengage"]["login"]["password"],
        PASSWORD
    );
    assert_eq!(
        bots[0].definition["functions"]["f"]["bearer"],
        "fn-bearer-secret"
    );
}

#[cfg(unix)]
#[test]
fn an_existing_readable_database_is_made_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bc.db");
    drop(open(&path, &env_with(Some(key_b64(1)), None)).unwrap());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let journal = dir.path().join("bc.db-journal");
    std::fs::write(&journal, b"").unwrap();
    std::fs::set_permissions(&journal, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(open(&path, &env_with(Some(key_b64(1)), None)).unwrap());
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn without_a_key_one_is_generated_beside_the_database_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bc.db");
    let none = env_with(None, None);
    let store = open(&path, &none).unwrap();
    store.insert_bot("b", &secret_definition("b")).unwrap();
    let id = store.secret_key_id().to_owned();
    drop(store);
    let key_file = dir.path().join("bot-connector.key");
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert!(bot_connector::store::SecretKey::from_base64(&text).is_some());
    #[cfg(unix)]
    assert_eq!(mode(&key_file), 0o600, "the key file is private");
    let store = open(&path, &none).unwrap();
    assert_eq!(store.secret_key_id(), id, "the same key is read back");
    assert_eq!(
        store.bots().unwrap()[0].definition["liveengage"]["login"]["password"],
        PASSWORD
    );
}

#[test]
fn a_rotated_key_reads_old_values_and_encrypts_them_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bc.db");
    let old = open(&path, &env_with(Some(key_b64(1)), None)).unwrap();
    old.insert_bot("b", &secret_definition("b")).unwrap();
    let old_id = old.secret_key_id().to_owned();
    drop(old);
    // The new key, the old one still known: read, and written again under the new one.
    let rotated = open(&path, &env_with(Some(key_b64(2)), Some(key_b64(1)))).unwrap();
    let new_id = rotated.secret_key_id().to_owned();
    assert_ne!(old_id, new_id);
    drop(rotated);
    let raw = raw_files(dir.path());
    assert!(contains(&raw, &format!("enc:v1:{new_id}:")));
    assert!(
        !contains(&raw, &format!("enc:v1:{old_id}:")),
        "nothing left under the old key"
    );
    // The old key can now go.
    let store = open(&path, &env_with(Some(key_b64(2)), None)).unwrap();
    assert_eq!(
        store.bots().unwrap()[0].definition["liveengage"]["login"]["password"],
        PASSWORD
    );
    // Previous keys from files, too.
    drop(store);
    let file = dir.path().join("old.key");
    std::fs::write(&file, key_b64(2)).unwrap();
    let options = bot_connector::store::StoreOptions {
        previous_secret_key_files: vec![file],
        ..Default::default()
    };
    let store = Store::open_with(&path, &options, &env_with(Some(key_b64(3)), None)).unwrap();
    assert_eq!(
        store.bots().unwrap()[0].definition["functions"]["f"]["bearer"],
        "fn-bearer-secret"
    );
}

#[test]
fn a_wrong_or_invalid_key_is_a_clear_error_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bc.db");
    let store = open(&path, &env_with(Some(key_b64(1)), None)).unwrap();
    store.insert_bot("b", &secret_definition("b")).unwrap();
    drop(store);
    let wrong = key_b64(9);
    let err = open(&path, &env_with(Some(wrong.clone()), None))
        .err()
        .expect("refused");
    assert!(err.contains("not configured"), "{err}");
    assert!(err.contains("BOT_CONNECTOR_SECRET_KEY"), "{err}");
    assert!(err.contains("previous_secret_key_files"), "{err}");
    assert!(!err.contains(&wrong) && !err.contains(&key_b64(1)), "{err}");
    assert!(!err.contains(PASSWORD), "{err}");

    for bad in ["not base64!", "c2hvcnQ=", &format!("{wrong}AAAA")] {
        let err = open(&path, &env_with(Some(bad.to_owned()), None))
            .err()
            .expect("refused");
        assert!(err.contains("openssl rand -base64 32"), "{err}");
        assert!(!err.contains(bad), "the value is not echoed: {err}");
    }
    let err = open(&path, &env_with(Some(key_b64(1)), Some("nope".into())))
        .err()
        .expect("refused");
    assert!(
        err.contains("BOT_CONNECTOR_PREVIOUS_SECRET_KEYS") && !err.contains("nope"),
        "{err}"
    );
    let options = bot_connector::store::StoreOptions {
        secret_key_file: Some(dir.path().join("absent.key")),
        ..Default::default()
    };
    let err = Store::open_with(&path, &options, &env_with(None, None))
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("absent.key") && err.contains("openssl rand"),
        "{err}"
    );
    // The right key still works: nothing was changed by the refusals.
    let store = open(&path, &env_with(Some(key_b64(1)), None)).unwrap();
    assert_eq!(store.bots().unwrap().len(), 1);
}

#[test]
fn secrets_written_in_clear_before_are_encrypted_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bc.db");
    drop(open(&path, &env_with(Some(key_b64(1)), None)).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO bots (id, definition, enabled, created_at_ms, updated_at_ms) VALUES ('old', ?1, 0, 0, 0)",
        [secret_definition("old").to_string()],
    )
    .unwrap();
    drop(conn);
    let store = open(&path, &env_with(Some(key_b64(1)), None)).unwrap();
    assert_eq!(
        store.bots().unwrap()[0].definition["liveengage"]["login"]["password"],
        PASSWORD
    );
    drop(store);
    assert!(!contains(&raw_files(dir.path()), PASSWORD));
}
