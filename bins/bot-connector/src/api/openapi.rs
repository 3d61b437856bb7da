//! The management API's OpenAPI 3.1 document, generated with `utoipa` and
//! served at `GET /api/openapi.json` (no token needed: it holds no data).
//!
//! The operations are described here, on documentation-only functions, and
//! the schemas on documentation-only types that mirror what the handlers
//! answer. Two tests keep the document true: every `(method, path)` of the
//! router is in it and nothing else is (`super::ROUTES`), and each
//! operation's `x-permission` is the permission its handler checks (a token
//! without it gets 403, a token with only it does not). CI runs schemathesis
//! against the served document (`.ci/schemathesis.sh`), so an answer that
//! leaves the schema fails there.
//!
//! `x-permission` lists the permissions of which the caller needs one
//! (empty: no token needed).

#![allow(dead_code)] // The functions and types exist for their documentation only.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// `GET /api/openapi.json`.
pub async fn serve() -> Response {
    let json = document().to_json().unwrap_or_else(|_| "{}".to_owned());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response()
}

/// The OpenAPI document of the management and operations endpoints.
#[must_use]
pub fn document() -> Document {
    ApiDoc::openapi()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "bot-connector management API",
        description = "Bots, tokens, audit log and the conversation tester of a bot-connector \
process, and its operations endpoints. Every `/api` call but this document needs \
`Authorization: Bearer <token>`; a body is JSON (`Content-Type: application/json`, one value, \
nothing after it). Each operation's `x-permission` lists the permissions of which the token \
needs one. Errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        list_bots, create_bot, test_definition, read_bot, edit_bot, delete_bot, start_bot,
        stop_bot, test_saved, bot_status, bot_metrics, bot_errors, list_tokens, create_token,
        delete_token, audit, tester_open, tester_transcript, tester_say, openapi_json, healthz,
        readyz, metrics,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "bots", description = "Bot definitions, lifecycle and monitoring"),
        (name = "tokens", description = "API tokens and the audit log"),
        (name = "tester", description = "The conversation tester (only with the in-process emulator: `demo`)"),
        (name = "operations", description = "Health, readiness, Prometheus metrics and this document (no token)"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`bc_...`): the configured admin token or one from `POST /api/tokens`",
                    ))
                    .build(),
            ),
        );
    }
}

// ---------------------------------------------------------------- schemas

/// Every error answer.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code (`unauthenticated`, `forbidden`, `invalid_json`, `invalid_body`,
    /// `not_found`, `exists`, `defined_in_file`, `start_failed`, `unsupported_media_type`,
    /// `cross_site`, `too_many_sessions`, ...).
    code: String,
    /// For people.
    message: String,
    /// Each invalid key of a body, with its path.
    #[schema(required = false)]
    fields: Vec<FieldProblem>,
}

/// One invalid key of a body.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    /// Key path (`liveengage.login.password`, `bots[0].engine`); empty for the whole body.
    path: String,
    /// What is wrong.
    message: String,
}

/// A bot definition: the same object as a `[[bots]]` table of the
/// configuration file (see docs/operations.md); secrets read back as `***`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "api-bot",
    "liveengage": {"account_id": "123", "csds": "http://127.0.0.1:9",
        "login": {"type": "password", "username": "bot", "password": "pw"},
        "skills": {"human": "2"}},
    "conversation": {"type": "messaging"},
    "escalation": {"transfer_skill": "human"},
    "engine": {"type": "script", "source": "[fallback]\noutputs = [{ type = \"text\", text = \"hi\" }]\n"}
}))]
pub struct BotDefinition {
    /// 1-64 of `a-z 0-9 - _`.
    id: String,
    /// Display name.
    #[schema(required = false)]
    name: String,
    /// `account_id`, `csds`, `login`, `skills`, `reconnect`, `retry`.
    #[schema(value_type = Object)]
    liveengage: Value,
    /// `{ "type": "messaging" | "chat", ... }`.
    #[schema(value_type = Object)]
    conversation: Value,
    /// `transfer_skill` and messages.
    #[schema(value_type = Object)]
    escalation: Value,
    /// `{ "type": "script" | "watson" | "dialogflow" | "lex" | "webhook", ... }`.
    #[schema(value_type = Object)]
    engine: Value,
}

/// Where a definition lives.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The configuration file (read-only through the API).
    File,
    /// The database.
    Api,
}

/// A bot in the list.
#[derive(Serialize, ToSchema)]
pub struct BotSummary {
    id: String,
    name: String,
    source: Source,
    /// `messaging` or `chat`.
    conversation_type: String,
    engine: String,
    bot_user: String,
    escalation_skill: String,
    /// `Online`, `Offline`, `Service Interruption`, `Vendor Interruption`, ...
    state: String,
    running: bool,
}

/// `GET /api/bots`.
#[derive(Serialize, ToSchema)]
pub struct BotList {
    bots: Vec<BotSummary>,
}

/// One bot: summary and definition (secrets as `***`).
#[derive(Serialize, ToSchema)]
pub struct BotWithDefinition {
    bot: BotSummary,
    #[schema(value_type = Object)]
    definition: Value,
}

/// A state change of a bot.
#[derive(Serialize, ToSchema)]
pub struct StateEvent {
    id: String,
    at_ms: u64,
    state: String,
    code: Option<String>,
    message: Option<String>,
}

/// A bot's status.
#[derive(Serialize, ToSchema)]
pub struct Status {
    id: String,
    state: String,
    code: Option<String>,
    message: Option<String>,
    running: bool,
    started_at_ms: Option<u64>,
    online_seconds: u64,
    uptime_percent: f64,
    reconnects: u64,
    events: Vec<StateEvent>,
}

/// The status after a start or stop.
#[derive(Serialize, ToSchema)]
pub struct StatusAnswer {
    status: Option<Status>,
}

/// The outcome of a connection test.
#[derive(Serialize, ToSchema)]
pub struct TestResult {
    ok: bool,
    /// A stable code when `ok` is false.
    #[schema(required = false)]
    code: String,
    message: String,
}

/// Conversation counts over one time window.
#[derive(Serialize, ToSchema)]
pub struct Window {
    /// `10m`, `1h`, `24h`, `7d` or `run`.
    window: String,
    total: u64,
    closed: u64,
    transferred: u64,
    escalated: u64,
    closed_percent: f64,
    transferred_percent: f64,
    escalated_percent: f64,
}

/// `GET /api/bots/{id}/metrics`.
#[derive(Serialize, ToSchema)]
pub struct Metrics {
    windows: Vec<Window>,
    turns: u64,
    engine_errors: u64,
    open: u64,
    spam_suppressed: u64,
}

/// A conversation error.
#[derive(Serialize, ToSchema)]
pub struct ConversationError {
    conversation_id: String,
    code: String,
    message: String,
    at_ms: u64,
}

/// `GET /api/bots/{id}/errors`.
#[derive(Serialize, ToSchema)]
pub struct ErrorList {
    errors: Vec<ConversationError>,
}

/// A role (see the role table in docs/operations.md).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    CampaignManager,
    AgentManager,
    Agent,
    Custom,
}

/// A permission.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    View,
    Create,
    Start,
    Stop,
    Edit,
    Delete,
    ManageTokens,
}

/// Body of `POST /api/tokens`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// Who the token is for (not empty).
    name: String,
    role: Role,
    /// A custom role's permissions (at least one); built-in roles take none.
    #[schema(required = false)]
    permissions: Vec<Permission>,
}

/// A token as stored (never the token itself).
#[derive(Serialize, ToSchema)]
pub struct TokenRecord {
    id: String,
    name: String,
    role: Role,
    permissions: Vec<Permission>,
    created_at_ms: u64,
}

/// `POST /api/tokens`: the token, shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    token: String,
    record: TokenRecord,
}

/// `GET /api/tokens`.
#[derive(Serialize, ToSchema)]
pub struct TokenList {
    tokens: Vec<TokenRecord>,
}

/// An audit entry.
#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    seq: i64,
    at_ms: u64,
    actor: String,
    action: String,
    target: String,
    /// `ok`, `denied`, or an error.
    outcome: String,
}

/// `GET /api/audit`.
#[derive(Serialize, ToSchema)]
pub struct AuditLog {
    entries: Vec<AuditEntry>,
}

/// Body of `POST /api/tester/sessions` (optional).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TesterOpen {
    /// The skill id to route the conversation to (default: the emulator's).
    skill: Option<String>,
}

/// A new tester session.
#[derive(Serialize, ToSchema)]
pub struct TesterOpened {
    session: String,
    conversation_id: String,
}

/// Body of `POST /api/tester/sessions/{id}/messages`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TesterSay {
    /// Not blank.
    text: String,
}

/// One line of a tester transcript.
#[derive(Serialize, ToSchema)]
pub struct TesterLine {
    /// `consumer`, `bot` or `system`.
    from: String,
    text: String,
    #[schema(required = false)]
    quick_replies: Vec<String>,
    #[schema(required = false, value_type = Object)]
    structured: Value,
    private: bool,
}

/// `GET /api/tester/sessions/{id}`.
#[derive(Serialize, ToSchema)]
pub struct TesterTranscript {
    conversation_id: String,
    open: bool,
    lines: Vec<TesterLine>,
}

// ------------------------------------------------------------- operations

/// The error answer of the responses below.
const E: &str = "application/json";

#[utoipa::path(get, path = "/api/bots", tag = "bots",
    extensions(("x-permission" = json!(["view"]))),
    responses(
        (status = 200, description = "Every bot with its state", body = BotList),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission", body = ErrorBody, content_type = E),
    ))]
fn list_bots() {}

#[utoipa::path(post, path = "/api/bots", tag = "bots",
    extensions(("x-permission" = json!(["create"]))),
    request_body(content = BotDefinition, content_type = "application/json"),
    responses(
        (status = 201, description = "Created (not started)", body = BotWithDefinition),
        (status = 400, description = "Not JSON, or an invalid definition (every invalid key listed)", body = ErrorBody, content_type = E),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission, or a cookie call from another site", body = ErrorBody, content_type = E),
        (status = 409, description = "The id exists", body = ErrorBody, content_type = E),
        (status = 413, description = "The body is too large", body = ErrorBody, content_type = E),
        (status = 415, description = "The body is not declared JSON", body = ErrorBody, content_type = E),
    ))]
fn create_bot() {}

#[utoipa::path(post, path = "/api/bots/test", tag = "bots",
    extensions(("x-permission" = json!(["create", "edit"]))),
    request_body(content = BotDefinition, content_type = "application/json"),
    responses(
        (status = 200, description = "The engine's test and the bot user's login, `ok` or not", body = TestResult),
        (status = 400, description = "Not JSON, or an invalid definition", body = ErrorBody, content_type = E),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token may neither create nor edit", body = ErrorBody, content_type = E),
        (status = 413, description = "The body is too large", body = ErrorBody, content_type = E),
        (status = 415, description = "The body is not declared JSON", body = ErrorBody, content_type = E),
    ))]
fn test_definition() {}

#[utoipa::path(get, path = "/api/bots/{id}", tag = "bots",
    extensions(("x-permission" = json!(["view"]))),
    params(("id" = String, Path, description = "Bot id")),
    responses(
        (status = 200, description = "Summary and definition, secrets as `***`", body = BotWithDefinition),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission", body = ErrorBody, content_type = E),
        (status = 404, description = "No such bot", body = ErrorBody, content_type = E),
    ))]
fn read_bot() {}

#[utoipa::path(put, path = "/api/bots/{id}", tag = "bots",
    extensions(("x-permission" = json!(["edit"]))),
    params(("id" = String, Path, description = "Bot id")),
    request_body(content = BotDefinition, content_type = "application/json",
        description = "The whole new definition; `***` keeps a stored secret"),
    responses(
        (status = 200, description = "Replaced (a running bot restarted)", body = BotWithDefinition),
        (status = 400, description = "Not JSON, or an invalid definition", body = ErrorBody, content_type = E),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission, or a cookie call from another site", body = ErrorBody, content_type = E),
        (status = 404, description = "No such bot", body = ErrorBody, content_type = E),
        (status = 409, description = "The bot is defined in the configuration file", body = ErrorBody, content_type = E),
        (status = 413, description = "The body is too large", body = ErrorBody, content_type = E),
        (status = 415, description = "The body is not declared JSON", body = ErrorBody, content_type = E),
        (status = 422, description = "Saved, but the restart failed", body = ErrorBody, content_type = E),
    ))]
fn edit_bot() {}

#[utoipa::path(delete, path = "/api/bots/{id}", tag = "bots",
    extensions(("x-permission" = json!(["delete"]))),
    params(("id" = String, Path, description = "Bot id")),
    responses(
        (status = 204, description = "Stopped and deleted"),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission, or a cookie call from another site", body = ErrorBody, content_type = E),
        (status = 404, description = "No such bot", body = ErrorBody, content_type = E),
        (status = 409, description = "The bot is defined in the configuration file", body = ErrorBody, content_type = E),
    ))]
fn delete_bot() {}

#[utoipa::path(post, path = "/api/bots/{id}/start", tag = "bots",
    extensions(("x-permission" = json!(["start"]))),
    params(("id" = String, Path, description = "Bot id")),
    responses(
        (status = 200, description = "Started", body = StatusAnswer),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission, or a cookie call from another site", body = ErrorBody, content_type = E),
        (status = 404, description = "No such bot", body = ErrorBody, content_type = E),
        (status = 415, description = "A body that is not declared JSON", body = ErrorBody, content_type = E),
        (status = 422, description = "The bot cannot start (engine or LiveEngage)", body = ErrorBody, content_type = E),
    ))]
fn start_bot() {}

#[utoipa::path(post, path = "/api/bots/{id}/stop", tag = "bots",
    extensions(("x-permission" = json!(["stop"]))),
    params(("id" = String, Path, description = "Bot id")),
    responses(
        (status = 200, description = "Stopped", body = StatusAnswer),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission, or a cookie call from another site", body = ErrorBody, content_type = E),
        (status = 404, description = "No such bot", body = ErrorBody, content_type = E),
        (status = 415, description = "A body that is not declared JSON", body = ErrorBody, content_type = E),
    ))]
fn stop_bot() {}

#[utoipa::path(post, path = "/api/bots/{id}/test", tag = "bots",
    extensions(("x-permission" = json!(["view"]))),
    params(("id" = String, Path, description = "Bot id")),
    responses(
        (status = 200, description = "The saved bot's connection test, `ok` or not", body = TestResult),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission, or a cookie call from another site", body = ErrorBody, content_type = E),
        (status = 404, description = "No such bot", body = ErrorBody, content_type = E),
        (status = 415, description = "A body that is not declared JSON", body = ErrorBody, content_type = E),
    ))]
fn test_saved() {}

#[utoipa::path(get, path = "/api/bots/{id}/status", tag = "bots",
    extensions(("x-permission" = json!(["view"]))),
    params(("id" = String, Path, description = "Bot id")),
    responses(
        (status = 200, description = "State, code, message, uptime, reconnects, state events", body = Status),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission", body = ErrorBody, content_type = E),
        (status = 404, description = "No such bot", body = ErrorBody, content_type = E),
    ))]
fn bot_status() {}

#[utoipa::path(get, path = "/api/bots/{id}/metrics", tag = "bots",
    extensions(("x-permission" = json!(["view"]))),
    params(("id" = String, Path, description = "Bot id")),
    responses(
        (status = 200, description = "Conversation counts per window and the current run's counters", body = Metrics),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission", body = ErrorBody, content_type = E),
        (status = 404, description = "No such bot", body = ErrorBody, content_type = E),
    ))]
fn bot_metrics() {}

#[utoipa::path(get, path = "/api/bots/{id}/errors", tag = "bots",
    extensions(("x-permission" = json!(["view"]))),
    params(
        ("id" = String, Path, description = "Bot id"),
        ("conversation" = Option<String>, Query, description = "Only this conversation's errors"),
    ),
    responses(
        (status = 200, description = "The last 2,000 conversation errors, newest first", body = ErrorList),
        (status = 400, description = "The query cannot be read", body = ErrorBody, content_type = E),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission", body = ErrorBody, content_type = E),
        (status = 404, description = "No such bot", body = ErrorBody, content_type = E),
    ))]
fn bot_errors() {}

#[utoipa::path(get, path = "/api/tokens", tag = "tokens",
    extensions(("x-permission" = json!(["manage_tokens"]))),
    responses(
        (status = 200, description = "Every token (hashes are never shown)", body = TokenList),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission", body = ErrorBody, content_type = E),
    ))]
fn list_tokens() {}

#[utoipa::path(post, path = "/api/tokens", tag = "tokens",
    extensions(("x-permission" = json!(["manage_tokens"]))),
    request_body(content = NewToken, content_type = "application/json"),
    responses(
        (status = 201, description = "The token, shown this once", body = CreatedToken),
        (status = 400, description = "Not JSON, or an invalid body", body = ErrorBody, content_type = E),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission (or a permission it would grant), or a cookie call from another site", body = ErrorBody, content_type = E),
        (status = 413, description = "The body is too large", body = ErrorBody, content_type = E),
        (status = 415, description = "The body is not declared JSON", body = ErrorBody, content_type = E),
    ))]
fn create_token() {}

#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens",
    extensions(("x-permission" = json!(["manage_tokens"]))),
    params(("id" = String, Path, description = "Token id (not the token)")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission, or a cookie call from another site", body = ErrorBody, content_type = E),
        (status = 404, description = "No such token", body = ErrorBody, content_type = E),
        (status = 409, description = "The token cannot be revoked through the API", body = ErrorBody, content_type = E),
    ))]
fn delete_token() {}

#[utoipa::path(get, path = "/api/audit", tag = "tokens",
    extensions(("x-permission" = json!(["manage_tokens"]))),
    responses(
        (status = 200, description = "The latest 500 entries, newest first", body = AuditLog),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission", body = ErrorBody, content_type = E),
    ))]
fn audit() {}

#[utoipa::path(post, path = "/api/tester/sessions", tag = "tester",
    extensions(("x-permission" = json!(["view"]))),
    request_body(content = Option<TesterOpen>, content_type = "application/json"),
    responses(
        (status = 201, description = "A consumer conversation on the emulator", body = TesterOpened),
        (status = 400, description = "Not JSON, or an invalid body", body = ErrorBody, content_type = E),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission, or a cookie call from another site", body = ErrorBody, content_type = E),
        (status = 404, description = "No emulator in this process", body = ErrorBody, content_type = E),
        (status = 413, description = "The body is too large", body = ErrorBody, content_type = E),
        (status = 415, description = "The body is not declared JSON", body = ErrorBody, content_type = E),
        (status = 429, description = "Too many open tester sessions", body = ErrorBody, content_type = E),
        (status = 502, description = "The emulator failed", body = ErrorBody, content_type = E),
    ))]
fn tester_open() {}

#[utoipa::path(get, path = "/api/tester/sessions/{id}", tag = "tester",
    extensions(("x-permission" = json!(["view"]))),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "The transcript so far", body = TesterTranscript),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission", body = ErrorBody, content_type = E),
        (status = 404, description = "No such session of this token (or expired), or no emulator", body = ErrorBody, content_type = E),
    ))]
fn tester_transcript() {}

#[utoipa::path(post, path = "/api/tester/sessions/{id}/messages", tag = "tester",
    extensions(("x-permission" = json!(["view"]))),
    params(("id" = String, Path, description = "Session id")),
    request_body(content = TesterSay, content_type = "application/json"),
    responses(
        (status = 202, description = "Sent"),
        (status = 400, description = "Not JSON, or an invalid body", body = ErrorBody, content_type = E),
        (status = 401, description = "No valid token", body = ErrorBody, content_type = E),
        (status = 403, description = "The token lacks the permission, or a cookie call from another site", body = ErrorBody, content_type = E),
        (status = 404, description = "No such session of this token (or expired), or no emulator", body = ErrorBody, content_type = E),
        (status = 413, description = "The body is too large", body = ErrorBody, content_type = E),
        (status = 415, description = "The body is not declared JSON", body = ErrorBody, content_type = E),
        (status = 502, description = "The emulator failed", body = ErrorBody, content_type = E),
    ))]
fn tester_say() {}

#[utoipa::path(get, path = "/api/openapi.json", tag = "operations", security(()),
    extensions(("x-permission" = json!([]))),
    responses((status = 200, description = "This document (OpenAPI 3.1)", body = Object)))]
fn openapi_json() {}

#[utoipa::path(get, path = "/healthz", tag = "operations", security(()),
    extensions(("x-permission" = json!([]))),
    responses((status = 200, description = "Alive", body = String, content_type = "text/plain")))]
fn healthz() {}

#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    extensions(("x-permission" = json!([]))),
    responses(
        (status = 200, description = "Bots loaded", body = String, content_type = "text/plain"),
        (status = 503, description = "Still loading bots", body = String, content_type = "text/plain"),
    ))]
fn readyz() {}

#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    extensions(("x-permission" = json!([]))),
    responses((status = 200, description = "Prometheus (OpenMetrics text)", body = String,
        content_type = "application/openmetrics-text")))]
fn metrics() {}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn documented() -> BTreeSet<(String, String)> {
        let doc = serde_json::to_value(document()).expect("the document serializes");
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("a path item").keys() {
                if [
                    "get", "put", "post", "delete", "patch", "head", "options", "trace",
                ]
                .contains(&method.as_str())
                {
                    out.insert((method.clone(), path.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn every_route_of_the_router_is_documented_and_nothing_else() {
        let routes: BTreeSet<(String, String)> = super::super::ROUTES
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        let documented = documented();
        let undocumented: Vec<_> = routes.difference(&documented).collect();
        let stale: Vec<_> = documented.difference(&routes).collect();
        assert!(
            undocumented.is_empty() && stale.is_empty(),
            "routes without a description in src/api/openapi.rs: {undocumented:?}; \
             described but not routed: {stale:?}"
        );
    }

    #[test]
    fn the_document_is_openapi_3_1_with_the_bearer_scheme_and_permissions() {
        let doc = serde_json::to_value(document()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        let names: BTreeSet<&str> = crate::access::Permission::ALL
            .iter()
            .map(|p| p.as_str())
            .collect();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let needed = op["x-permission"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{method} {path} has no x-permission"));
                for p in needed {
                    assert!(names.contains(p.as_str().unwrap()), "{method} {path}: {p}");
                }
                let public = needed.is_empty();
                assert_eq!(
                    op.get("security") == Some(&serde_json::json!([{}])),
                    public,
                    "{method} {path}: only operations without a permission are public"
                );
            }
        }
        let roles = doc["components"]["schemas"]["Role"]["enum"].clone();
        let expected: Vec<&str> = [
            crate::access::Role::Admin,
            crate::access::Role::CampaignManager,
            crate::access::Role::AgentManager,
            crate::access::Role::Agent,
            crate::access::Role::Custom,
        ]
        .iter()
        .map(|r| r.as_str())
        .collect();
        assert_eq!(roles, serde_json::json!(expected));
        let permissions = doc["components"]["schemas"]["Permission"]["enum"].clone();
        let expected: Vec<&str> = crate::access::Permission::ALL
            .iter()
            .map(|p| p.as_str())
            .collect();
        assert_eq!(permissions, serde_json::json!(expected));
    }
}
