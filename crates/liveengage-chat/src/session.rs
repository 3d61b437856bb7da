//! The agent session: created, set Online, re-created when lost, signed off.

use liveengage_proto::chat::{AgentSessionLocation, Link};
use serde_json::{Value, json};

use crate::api::{Verb, last_segment};
use crate::channel::Shared;
use crate::codes;
use crate::error::ChatError;

/// `{base}/agentSession/{s}`, or `None` before a session exists.
pub(crate) fn session_url(shared: &Shared) -> Option<String> {
    let id = shared.lock().session.clone()?;
    Some(format!("{}/{id}", shared.api.sessions_url()))
}

/// `{session}/chat/{c}` + `tail`.
pub(crate) fn chat_url(shared: &Shared, chat: &str, tail: &str) -> Option<String> {
    session_url(shared).map(|s| format!("{s}/chat/{chat}{tail}"))
}

/// Creates the agent session, sets it Online and reads the bot's skills.
pub(crate) async fn establish(shared: &Shared) -> Result<(), ChatError> {
    let api = &shared.api;
    // One attempt: the poller reports a failure at once (the bot shows why
    // it is not Online) and tries again with backoff.
    let created = api
        .once(
            "create agent session",
            Verb::Post,
            &api.sessions_url(),
            Some(&json!({"loginData": ""})),
        )
        .await?;
    let location: AgentSessionLocation =
        serde_json::from_value(created.clone()).map_err(|e| ChatError::Decode {
            operation: "create agent session",
            message: e.to_string(),
            body: created.to_string(),
        })?;
    let href = location.agent_session_location.link.href;
    let id = last_segment(&href)
        .ok_or_else(|| ChatError::Decode {
            operation: "create agent session",
            message: "the location has no session id".into(),
            body: href.clone(),
        })?
        .to_owned();
    let base = format!("{}/{id}", api.sessions_url());
    api.retrying(
        "set availability",
        Verb::Put,
        &format!("{base}/availability"),
        Some(&json!({"availability": {"chat": "Online"}})),
        None,
    )
    .await?;
    let skills = match api
        .once(
            "read session info",
            Verb::Get,
            &format!("{base}/info"),
            None,
        )
        .await
    {
        Ok(info) => own_skills(&info),
        Err(err) => {
            tracing::debug!("session info not read (skill names unknown): {err}");
            Vec::new()
        }
    };
    shared.stats.bump(&shared.stats.sessions);
    tracing::info!(bot = %shared.config.bot_id, session = %id, "agent session Online");
    let mut state = shared.lock();
    state.session = Some(id);
    state.own_skills = skills;
    Ok(())
}

fn own_skills(info: &Value) -> Vec<(String, String)> {
    let list = &info["info"]["skillsInfo"]["skillInfo"];
    let items: Vec<&Value> = match list {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![list],
        _ => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|s| {
            let id = match &s["id"] {
                Value::String(id) => id.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some((id, s["name"].as_str().unwrap_or_default().to_owned()))
        })
        .collect()
}

/// Whether the agent session still exists (a 404 on it means it was lost).
pub(crate) async fn session_alive(shared: &Shared) -> Result<bool, ChatError> {
    let Some(url) = session_url(shared) else {
        return Ok(false);
    };
    match shared
        .api
        .once("read agent session", Verb::Get, &url, None)
        .await
    {
        Ok(_) => Ok(true),
        Err(ChatError::Status { status: 404, .. }) => Ok(false),
        Err(err) => Err(err),
    }
}

/// Forgets a lost session; the poller creates a new one.
pub(crate) fn lose_session(shared: &Shared) {
    let mut state = shared.lock();
    if state.session.take().is_some() {
        tracing::warn!(bot = %shared.config.bot_id, "agent session lost; creating a new one");
    }
    drop(state);
    shared.status(
        false,
        codes::SESSION,
        "the agent session was lost; creating a new one".into(),
    );
}

/// Best effort on shutdown: Away, so no more chats are routed to the bot.
pub(crate) async fn sign_off(shared: &Shared) {
    let Some(base) = session_url(shared) else {
        return;
    };
    let away = json!({"availability": {"chat": "Away"}});
    if let Err(err) = shared
        .api
        .call(
            "set availability",
            Verb::Put,
            &format!("{base}/availability"),
            Some(&away),
        )
        .await
    {
        tracing::debug!("availability not set to Away on shutdown: {err}");
    }
}

/// The link to take the next chat: the `incomingRequests` link, else the
/// resource itself (LivePerson's sample posts to the link's href).
pub(crate) fn take_href(
    links: Option<&liveengage_proto::OneOrMany<Link>>,
    fallback: String,
) -> String {
    links
        .and_then(|l| l.as_slice().first())
        .map_or(fallback, |l| l.href.clone())
}
