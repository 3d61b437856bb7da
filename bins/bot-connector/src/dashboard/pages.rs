//! The dashboard's pages and form actions.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use super::form;
use super::html::{esc, page};
use crate::access::{Caller, Permission};
use crate::api::ApiError;
use crate::api::bots::{create_bot, delete_bot, edit_bot, start_bot, stop_bot};
use crate::journal::unix_ms;
use crate::redact::redact;
use crate::state::{App, Denied, TOKEN_COOKIE};

/// A page or the way to the login page.
fn guard(
    app: &App,
    headers: &HeaderMap,
    permission: Permission,
    target: &str,
) -> Result<Caller, Box<Response>> {
    app.authorize(headers, permission, target).map_err(|d| {
        Box::new(match d {
            Denied::Unauthenticated => Redirect::to("/login").into_response(),
            Denied::Forbidden(p) => (
                StatusCode::FORBIDDEN,
                Html(page(
                    "Not allowed",
                    &format!(
                        "<p class=error>Your role lacks the <b>{}</b> permission.</p>",
                        p.as_str()
                    ),
                )),
            )
                .into_response(),
        })
    })
}

fn error_page(title: &str, err: ApiError) -> Response {
    let body = axum::response::IntoResponse::into_response(err);
    let status = body.status();
    (status, Html(page(title, &format!(
        "<p class=error>The operation failed ({}); see the message in the API answer, or go back to <a href='/'>the bots</a>.</p>",
        esc(&status.to_string())
    ))))
        .into_response()
}

const SIGN_IN_FORM: &str = "<form method=post action=/login><label>API token <input type=password name=token required autocomplete=off></label><button>Sign in</button></form>";

/// `GET /login`: the token form. A token in the query string is ignored:
/// it would stay in the browser's history and in logs (sign in by POST).
pub async fn login_page() -> Response {
    Html(page("Sign in", SIGN_IN_FORM)).into_response()
}

/// `POST /login` (a form): a valid token becomes the session cookie; any
/// other is refused without a cookie. The request guard has checked that
/// the form was posted from this origin.
pub async fn login(
    State(app): State<Arc<App>>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let token = f.get("token").map(|t| t.trim()).unwrap_or_default();
    let well_formed = !token.is_empty()
        && token.len() <= 256
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let mut probe = HeaderMap::new();
    let known = well_formed
        && HeaderValue::from_str(&format!("Bearer {token}"))
            .map(|v| probe.insert(header::AUTHORIZATION, v))
            .is_ok()
        && app.caller(&probe).is_some();
    if !known {
        return (
            StatusCode::UNAUTHORIZED,
            Html(page(
                "Sign in",
                &format!("<p class=error>That is not a valid API token.</p>{SIGN_IN_FORM}"),
            )),
        )
            .into_response();
    }
    with_cookie(token)
}

/// `/bots/{id}` and below, the id percent-encoded (a redirect's `Location`
/// never carries a raw path segment).
fn bot_path(id: &str, rest: &str) -> String {
    let mut out = String::from("/bots/");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push_str(rest);
    out
}

fn with_cookie(token: &str) -> Response {
    let mut response = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    )) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// `GET /`: the bot list with live status.
pub async fn list(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(r) = guard(&app, &headers, Permission::View, "bots") {
        return *r;
    }
    let mut rows = String::new();
    for b in app.fleet.list() {
        let id = esc(&b.id);
        rows.push_str(&format!(
            "<tr data-bot='{id}'><td><a href='/bots/{id}'>{name}</a></td><td class='state {state}'>{state}</td><td>{ct}</td><td>{engine}</td><td>{user}</td><td>{skill}</td><td>{source:?}</td>\
             <td><form class=inline method=post action='/bots/{id}/start'><button>Start</button></form> \
             <form class=inline method=post action='/bots/{id}/stop'><button>Stop</button></form> <a href='/bots/{id}/edit'>Edit</a></td></tr>",
            name = esc(&b.name),
            state = esc(&b.state),
            ct = esc(&b.conversation_type),
            engine = esc(&b.engine),
            user = esc(&b.bot_user),
            skill = esc(&b.escalation_skill),
            source = b.source,
        ));
    }
    Html(page(
        "Bots",
        &format!(
            "<p><a href='/bots/new'>+ Add bot</a></p><table id=bots><tr><th>Bot</th><th>State</th><th>Type</th><th>Engine</th><th>Bot user</th><th>Escalation skill</th><th>Defined in</th><th></th></tr>{rows}</table>"
        ),
    ))
    .into_response()
}

/// `GET /bots/new`: the wizard, prefilled for the local emulator when one runs.
pub async fn new_bot(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(r) = guard(&app, &headers, Permission::Create, "bots") {
        return *r;
    }
    let mut f = HashMap::new();
    if let Some(tester) = &app.tester {
        let sim = tester.sim();
        for (k, v) in [
            ("account_id", sim.account_id()),
            ("csds", sim.base_url()),
            ("username", "echo-bot".to_owned()),
            ("password", "secret".to_owned()),
            ("skills", "Bot=1\nhuman-agents=2".to_owned()),
            ("transfer_skill", "human-agents".to_owned()),
            ("script", crate::demo::DEMO_SCRIPT.to_owned()),
        ] {
            f.insert(k.to_owned(), v);
        }
        f.insert("welcome".into(), "on".into());
    }
    Html(page("Add bot", &form::render("/bots/new", &f, false))).into_response()
}

/// `POST /bots/new`.
pub async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let caller = match guard(&app, &headers, Permission::Create, "bots") {
        Ok(c) => c,
        Err(r) => return *r,
    };
    match create_bot(&app, &caller, form::to_definition(&f)).await {
        Ok(id) => Redirect::to(&bot_path(&id, "")).into_response(),
        Err(e) => form_error("Add bot", "/bots/new", &f, false, e),
    }
}

fn form_error(
    title: &str,
    action: &str,
    f: &HashMap<String, String>,
    editing: bool,
    e: ApiError,
) -> Response {
    let body = serde_json::to_value(ErrorText::from(e)).unwrap_or(Value::Null);
    let message = body["message"].as_str().unwrap_or("invalid").to_owned();
    (
        StatusCode::BAD_REQUEST,
        Html(page(
            title,
            &format!(
                "<div class=error>{}</div>{}",
                esc(&message),
                form::render(action, f, editing)
            ),
        )),
    )
        .into_response()
}

/// The message of an API error, for pages.
#[derive(serde::Serialize)]
struct ErrorText {
    message: String,
}

impl From<ApiError> for ErrorText {
    fn from(e: ApiError) -> Self {
        Self {
            message: e.message(),
        }
    }
}

/// `POST /bots/test-form`: the wizard's "Test connection".
pub async fn test_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let caller = match app.caller(&headers) {
        Some(c) if c.may(Permission::Create) || c.may(Permission::Edit) => c,
        _ => return ApiError::from(Denied::Forbidden(Permission::Edit)).into_response(),
    };
    drop(caller);
    let mut raw = form::to_definition(&f);
    if let Some(id) = raw["id"].as_str().map(str::to_owned)
        && let Some((_, stored)) = app.fleet.definition(&id)
    {
        crate::redact::restore(&mut raw, &stored);
    }
    match app.parse_definition(&raw) {
        Err(errors) => Json(json!({"ok": false, "message": errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")})).into_response(),
        Ok(spec) => Json(match crate::assemble::test_connection(&spec, app.fleet.network()).await {
            Ok(()) => json!({"ok": true, "message": "the engine answers and the bot user can log in"}),
            Err(e) => json!({"ok": false, "message": e.to_string()}),
        })
        .into_response(),
    }
}

/// `GET /bots/{id}`: status, events, metrics and errors.
pub async fn status(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = guard(&app, &headers, Permission::View, &id) {
        return *r;
    }
    let (Some(status), Some(windows), Some((spec, _))) = (
        app.fleet.status(&id),
        app.fleet.windows(&id),
        app.fleet.definition(&id),
    ) else {
        return (
            StatusCode::NOT_FOUND,
            Html(page("Not found", "<p>No such bot.</p>")),
        )
            .into_response();
    };
    let filter = q.get("conversation").filter(|c| !c.is_empty());
    let errors = app
        .fleet
        .errors(&id, filter.map(String::as_str))
        .unwrap_or_default();
    let now = unix_ms(std::time::SystemTime::now());
    let ago = |ms: u64| format!("{} s ago", now.saturating_sub(ms) / 1000);
    let events: String = status.events.iter().rev().map(|e| format!(
        "<tr><td>{}</td><td class='state {s}'>{s}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
        ago(e.at_ms), esc(e.code.as_deref().unwrap_or("")), esc(e.message.as_deref().unwrap_or("")), esc(&e.id), s = esc(&e.state))).collect();
    let metrics: String = windows.iter().map(|w| format!(
        "<tr><td>{}</td><td>{}</td><td>{} ({}%)</td><td>{} ({}%)</td><td>{} ({}%)</td></tr>",
        esc(&w.window), w.counts.total, w.counts.closed, w.closed_percent, w.counts.transferred, w.transferred_percent, w.counts.escalated, w.escalated_percent)).collect();
    let error_rows: String = errors
        .iter()
        .take(200)
        .map(|e| {
            format!(
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                ago(e.at_ms),
                esc(&e.conversation_id),
                esc(&e.code),
                esc(&e.message)
            )
        })
        .collect();
    let body = format!(
        "<p>State: <b class='state {state}'>{state}</b> {code} &middot; uptime {uptime}% &middot; online {online} s &middot; reconnects {reconnects}</p>\
<p>Type: {ct} &middot; engine: {engine} &middot; bot user: {user} &middot; escalation skill: {skill} &middot; skills: {skills}</p>\
<p><form class=inline method=post action='/bots/{id}/start'><button>Start</button></form> <form class=inline method=post action='/bots/{id}/stop'><button>Stop</button></form> \
<a href='/bots/{id}/edit'>Edit</a> <a href='/tester'>Talk to it in the tester</a> \
<form class=inline method=post action='/bots/{id}/delete' data-confirm='Delete this bot?'><button>Delete</button></form></p>\
<h2>State events</h2><table><tr><th>When</th><th>State</th><th>Code</th><th>Message</th><th>Error id</th></tr>{events}</table>\
<h2>Conversation metrics</h2><table><tr><th>Window</th><th>Total</th><th>Closed</th><th>Transferred</th><th>Escalated</th></tr>{metrics}</table>\
<h2 id=errors>Conversation errors</h2><form method=get><input type=text name=conversation placeholder='conversation id' value='{filter}'><button>Filter</button></form>\
<table><tr><th>When</th><th>Conversation</th><th>Code</th><th>Message</th></tr>{error_rows}</table>",
        state = esc(&status.state),
        code = esc(status.code.as_deref().unwrap_or("")),
        uptime = status.uptime_percent,
        online = status.online_seconds,
        reconnects = status.reconnects,
        ct = esc(spec.conversation.label()),
        engine = esc(spec.engine.label()),
        user = esc(spec.liveengage.login.username()),
        skill = esc(&spec.escalation.transfer_skill),
        skills = esc(&spec
            .liveengage
            .skills
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")),
        id = esc(&id),
        filter = esc(filter.map(String::as_str).unwrap_or("")),
    );
    Html(page(spec.display_name(), &body)).into_response()
}

/// `GET /bots/{id}/edit`.
pub async fn edit_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = guard(&app, &headers, Permission::Edit, &id) {
        return *r;
    }
    let Some((_, raw)) = app.fleet.definition(&id) else {
        return (
            StatusCode::NOT_FOUND,
            Html(page("Not found", "<p>No such bot.</p>")),
        )
            .into_response();
    };
    let f = form::from_definition(&redact(&raw));
    Html(page(
        "Edit bot",
        &form::render(&bot_path(&id, "/edit"), &f, true),
    ))
    .into_response()
}

/// `POST /bots/{id}/edit`.
pub async fn edit(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let caller = match guard(&app, &headers, Permission::Edit, &id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    match edit_bot(&app, &caller, &id, form::to_definition(&f)).await {
        Ok(()) => Redirect::to(&bot_path(&id, "")).into_response(),
        Err(e) => form_error("Edit bot", &bot_path(&id, "/edit"), &f, true, e),
    }
}

/// `POST /bots/{id}/start`.
pub async fn start(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let caller = match guard(&app, &headers, Permission::Start, &id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    match start_bot(&app, &caller, &id).await {
        Ok(()) => Redirect::to(&bot_path(&id, "")).into_response(),
        Err(e) => error_page("Start failed", e),
    }
}

/// `POST /bots/{id}/stop`.
pub async fn stop(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let caller = match guard(&app, &headers, Permission::Stop, &id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    match stop_bot(&app, &caller, &id).await {
        Ok(()) => Redirect::to(&bot_path(&id, "")).into_response(),
        Err(e) => error_page("Stop failed", e),
    }
}

/// `POST /bots/{id}/delete`.
pub async fn delete(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let caller = match guard(&app, &headers, Permission::Delete, &id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    match delete_bot(&app, &caller, &id).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(e) => error_page("Delete failed", e),
    }
}

/// `GET /tester`: a chat window on the local emulator.
pub async fn tester(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(r) = guard(&app, &headers, Permission::View, "tester") {
        return *r;
    }
    if app.tester.is_none() {
        return Html(page("Conversation tester", "<p class=error>The tester talks to bots through the local LiveEngage emulator, which this process does not run. Start <code>bot-connector demo</code>.</p>")).into_response();
    }
    Html(page("Conversation tester", "<p>You are a consumer on the local emulator; the conversation is routed to the bots listening on the skill below.</p>\
<p><label>Skill id <input type=text id=skill value='1' class=w5></label> <button type=button id=new>New conversation</button> <span id=conv></span></p>\
<div class=chat id=chat></div><form id=say><input type=text id=text autocomplete=off placeholder='Type a message' class=w80> <button>Send</button></form>")).into_response()
}
