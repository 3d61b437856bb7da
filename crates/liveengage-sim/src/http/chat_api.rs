//! The Chat Agent API under `/api/account/{a}/agentSession…`.
//!
//! Paths are matched segment by segment so that `.json` suffixes work
//! everywhere, and `POST` with `X-HTTP-Method-Override: PUT|DELETE` counts
//! as `PUT`/`DELETE`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use liveengage_proto::OneOrMany;
use liveengage_proto::chat::{
    AgentTypingBody, AvailabilityBody, ChatEvent, ChatEventType, ChatSessionState, Link, PostEvent,
    TransferBody,
};
use liveengage_proto::enums::CloseReason;
use serde_json::{Value, json};

use super::{bearer_login, check_account, error, failure, json, parse_body};
use crate::chat_model::{ChatState, iso_time};
use crate::state::Inner;

fn method_of(method: &Method, headers: &HeaderMap) -> Method {
    if *method == Method::POST
        && let Some(over) = headers
            .get("x-http-method-override")
            .and_then(|v| v.to_str().ok())
        && let Ok(m) = Method::from_bytes(over.trim().to_ascii_uppercase().as_bytes())
    {
        return m;
    }
    method.clone()
}

fn links(items: Vec<Link>) -> Value {
    serde_json::to_value(OneOrMany::compact(items)).unwrap_or(Value::Null)
}

pub(crate) async fn root(
    State(inner): State<Arc<Inner>>,
    Path(account): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    let Some(login) = bearer_login(&inner, &headers) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "Missing or invalid bearer token",
            10,
        );
    };
    if method_of(&method, &headers) != Method::POST {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Use POST to create an agent session",
            405,
        );
    }
    let mut core = inner.lock();
    let id = core.chat_session_create(&login);
    let href = format!(
        "{}/api/account/{account}/agentSession/{id}",
        core.base_url()
    );
    json(
        StatusCode::CREATED,
        json!({"agentSessionLocation": {"link": Link::new("location", href)}}),
    )
}

pub(crate) async fn nested(
    State(inner): State<Arc<Inner>>,
    Path((account, rest)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = check_account(&inner, &account) {
        return failure(e);
    }
    let Some(login) = bearer_login(&inner, &headers) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "Missing or invalid bearer token",
            10,
        );
    };
    let segments: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.strip_suffix(".json").unwrap_or(s).to_owned())
        .collect();
    let method = method_of(&method, &headers);
    let Some((session_id, tail)) = segments.split_first() else {
        return error(StatusCode::NOT_FOUND, "No agent session in the path", 404);
    };
    let owner = inner
        .lock()
        .chat
        .sessions
        .get(session_id)
        .map(|s| s.login.clone());
    if owner.as_deref() != Some(login.as_str()) {
        return error(
            StatusCode::NOT_FOUND,
            &format!("Agent session {session_id} not found"),
            404,
        );
    }
    let base = format!(
        "{}/api/account/{account}/agentSession/{session_id}",
        inner.lock().base_url()
    );
    let from = query
        .get("from")
        .and_then(|f| f.parse::<usize>().ok())
        .unwrap_or(0);
    let tail: Vec<&str> = tail.iter().map(String::as_str).collect();
    let ctx = Ctx {
        inner: &inner,
        login: &login,
        session_id,
        base: &base,
    };
    match (method, tail.as_slice()) {
        (Method::GET, []) => json(
            StatusCode::OK,
            json!({"agentSessionId": {"link": links(vec![
                Link::new("self", base.clone()),
                Link::new("info", format!("{base}/info")),
                Link::new("availability", format!("{base}/availability")),
                Link::new("incoming-requests", format!("{base}/incomingRequests")),
                Link::new("chat-sessions", format!("{base}/chatSessions")),
            ])}}),
        ),
        (Method::DELETE, []) => {
            inner.lock().chat.sessions.remove(session_id);
            json(StatusCode::OK, json!({}))
        }
        (Method::GET, ["availability"]) => {
            let availability = inner.lock().chat.sessions.get(session_id).map(|s| s.availability.clone());
            json(StatusCode::OK, json!({"availability": {"chat": availability, "voice": "Offline"}}))
        }
        (Method::PUT, ["availability"]) => match parse_body::<AvailabilityBody>(&body) {
            Ok(b) => {
                if let (Some(chat), Some(s)) = (b.availability.chat, inner.lock().chat.sessions.get_mut(session_id)) {
                    s.availability = chat;
                }
                json(StatusCode::OK, json!({}))
            }
            Err(e) => failure(e),
        },
        (Method::GET, ["info"]) => ctx.session_info(),
        (Method::GET, ["incomingRequests"]) => ctx.incoming(),
        (Method::POST, ["incomingRequests"]) => ctx.take(),
        (Method::GET, ["chatSessions"]) => ctx.chat_sessions(),
        (Method::GET, ["availableAgents"]) => ctx.available_agents(query.get("skill").map(String::as_str)),
        (Method::GET, ["chat", "availableSlots"]) => ctx.available_slots(query.get("skill").map(String::as_str)),
        (Method::GET, ["chat", chat]) => ctx.with_chat(chat, |c| json(StatusCode::OK, json!({"chat": chat_json(c, &base, from)}))),
        (Method::GET, ["chat", chat, "events"]) => {
            ctx.with_chat(chat, |c| json(StatusCode::OK, json!({"events": events_json(c, &base, from)})))
        }
        (Method::POST, ["chat", chat, "events"]) => ctx.post_event(chat, &body),
        (Method::GET, ["chat", chat, "info"]) => ctx.with_chat(chat, |c| json(StatusCode::OK, json!({"info": info_json(c, &base)}))),
        (Method::GET, ["chat", chat, "info", "visitorTyping"]) => {
            ctx.with_chat(chat, |_| json(StatusCode::OK, json!({"visitorTyping": "not-typing"})))
        }
        (Method::GET, ["chat", chat, "info", "visitorName"]) => {
            ctx.with_chat(chat, |c| json(StatusCode::OK, json!({"visitorName": c.visitor_name})))
        }
        (Method::GET, ["chat", chat, "info", "agentTyping"]) => {
            ctx.with_chat(chat, |c| json(StatusCode::OK, json!({"agentTyping": c.agent_typing})))
        }
        (Method::PUT, ["chat", chat, "info", "agentTyping"]) => match parse_body::<AgentTypingBody>(&body) {
            Ok(b) => match inner.lock().chat_owned_mut(&login, chat) {
                Ok(c) => {
                    c.agent_typing = b.agent_typing;
                    json(StatusCode::CREATED, json!({}))
                }
                Err(f) => failure(f),
            },
            Err(e) => failure(e),
        },
        (Method::GET, ["chat", chat, "transfer"]) => ctx.with_chat(chat, |_| {
            let skills: Vec<Value> = inner
                .lock()
                .chat_transfer_skills(&login)
                .into_iter()
                .map(|(id, name, online)| json!({"id": id, "name": name, "onlineAgents": online.to_string()}))
                .collect();
            json(StatusCode::OK, json!({"transfer": {"skill": skills}}))
        }),
        (Method::POST, ["chat", chat, "transfer"]) => match parse_body::<TransferBody>(&body) {
            Ok(b) => match inner.lock().chat_transfer(&login, chat, &b.transfer) {
                Ok(()) => json(StatusCode::OK, json!({})),
                Err(f) => failure(f),
            },
            Err(e) => failure(e),
        },
        _ => error(StatusCode::NOT_FOUND, &format!("No such Chat Agent API resource: {rest}"), 404),
    }
}

struct Ctx<'a> {
    inner: &'a Inner,
    login: &'a str,
    session_id: &'a str,
    base: &'a str,
}

impl Ctx<'_> {
    fn with_chat(&self, chat: &str, f: impl FnOnce(&ChatState) -> Response) -> Response {
        let snapshot = {
            let mut core = self.inner.lock();
            // Reading a chat is agent activity (it keeps the chat from timing out).
            core.chat_owned_mut(self.login, chat)
                .ok()
                .map(|c| c.clone())
                .or_else(|| core.chat.chats.get(chat).cloned())
        };
        match snapshot {
            Some(c) if c.agent.as_deref() == Some(self.login) => f(&c),
            Some(_) => error(
                StatusCode::FORBIDDEN,
                &format!("Chat {chat} is not handled by this agent"),
                403,
            ),
            None => error(
                StatusCode::NOT_FOUND,
                &format!("Chat {chat} not found"),
                404,
            ),
        }
    }

    fn session_info(&self) -> Response {
        let core = self.inner.lock();
        let user = core.user(self.login).cloned();
        let availability = core
            .chat
            .sessions
            .get(self.session_id)
            .map(|s| s.availability.clone());
        let skills: Vec<Value> = user
            .as_ref()
            .map(|u| {
                u.skills
                    .iter()
                    .filter_map(|id| core.config.skills.iter().find(|s| s.id == *id))
                    .map(|s| json!({"id": s.id, "name": s.name}))
                    .collect()
            })
            .unwrap_or_default();
        let name = user
            .as_ref()
            .and_then(|u| u.nickname.clone())
            .unwrap_or_else(|| self.login.to_owned());
        json(
            StatusCode::OK,
            json!({"info": {
                "link": Link::new("self", format!("{}/info", self.base)),
                "agentName": name, "displayName": name, "loginName": self.login,
                "id": user.map(|u| u.user_id).unwrap_or_default(), "maxChats": "-1",
                "availability": {"chat": availability, "voice": "Offline"},
                "skillsInfo": {"skillInfo": skills}
            }}),
        )
    }

    fn incoming(&self) -> Response {
        let core = self.inner.lock();
        let Some(session) = core.chat.sessions.get(self.session_id).cloned() else {
            return error(StatusCode::NOT_FOUND, "Agent session not found", 404);
        };
        let ringing = core.chat_ringing(&session).len();
        let mut body = json!({"incomingRequests": {"ringingCount": ringing.to_string()}});
        if ringing > 0 {
            // [gap] The @rel of this link is not documented; the sample only follows its href.
            body["incomingRequests"]["link"] = json!(Link::new(
                "next-request",
                format!("{}/incomingRequests", self.base)
            ));
        }
        json(StatusCode::OK, body)
    }

    fn take(&self) -> Response {
        let mut core = self.inner.lock();
        match core.chat_take(self.session_id) {
            Ok(chat) => json(
                StatusCode::CREATED,
                json!({"chatLocation": {"link": Link::new("location", format!("{}/chat/{chat}", self.base))}}),
            ),
            Err(f) => failure(f),
        }
    }

    fn chat_sessions(&self) -> Response {
        let core = self.inner.lock();
        let sessions: Vec<Value> = core
            .chat
            .order
            .iter()
            .filter_map(|id| core.chat.chats.get(id))
            .filter(|c| c.agent.as_deref() == Some(self.login) && c.state != ChatSessionState::Ended)
            .map(|c| {
                json!({"link": {"href": format!("{}/chat/{}", self.base, c.id), "rel": "chat-session"},
                       "chatSessionKey": c.id, "startTime": c.start_ms})
            })
            .collect();
        json(
            StatusCode::OK,
            json!({"chatSessions": {"chatSession": sessions}}),
        )
    }

    /// Online chat agents, optionally of one skill (id or name).
    fn online_agents(&self, skill: Option<&str>) -> Vec<crate::config::UserConfig> {
        let core = self.inner.lock();
        let skill_id =
            skill.map(|wanted| core.find_skill(wanted).unwrap_or_else(|| wanted.to_owned()));
        core.chat_online_agents(skill_id.as_deref(), None)
    }

    fn available_agents(&self, skill: Option<&str>) -> Response {
        let agents: Vec<Value> = self
            .online_agents(skill)
            .into_iter()
            .map(|user| {
                json!({
                    "@id": user.user_id, "@chatState": "4", "@maxChats": "-1", "@voiceState": "1",
                    "userName": user.login, "nickname": user.nickname.clone().unwrap_or_else(|| user.login.clone()),
                    "skills": {"skill": user.skills},
                    "agentGroupName": "Main Group", "agentGroupId": "-1", "chats": 0
                })
            })
            .collect();
        let agents = serde_json::to_value(OneOrMany::compact(agents)).unwrap_or(Value::Null);
        json(
            StatusCode::OK,
            json!({"availableAgents": {"agents": {"agent": agents}, "link": Link::new("next", format!("{}/availableAgents?timeStamp={}", self.base, crate::state::now_ms()))}}),
        )
    }

    /// `-1` (unlimited) when an agent is online, else 0.
    fn available_slots(&self, skill: Option<&str>) -> Response {
        let slots = if self.online_agents(skill).is_empty() {
            0
        } else {
            -1
        };
        json(StatusCode::OK, json!({"availableSlots": slots}))
    }

    fn post_event(&self, chat: &str, body: &[u8]) -> Response {
        let post: PostEvent = match parse_body(body) {
            Ok(p) => p,
            Err(e) => return failure(e),
        };
        let mut core = self.inner.lock();
        let chat_state = match core.chat_owned_mut(self.login, chat) {
            Ok(c) => c,
            Err(f) => return failure(f),
        };
        if chat_state.state == ChatSessionState::Ended {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("Chat {chat} has ended"),
                400,
            );
        }
        let event = post.event;
        let id = match (&event.event_type, &event.state) {
            (ChatEventType::State, Some(ChatSessionState::Ended)) => {
                chat_state.end(CloseReason::Agent);
                chat_state.events.len().saturating_sub(1)
            }
            (ChatEventType::Line, _) if event.text.is_some() || event.json.is_some() => {
                chat_state.line("agent", event)
            }
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Post a line event or {\"@type\":\"state\",\"state\":\"ended\"}",
                    400,
                );
            }
        };
        json(
            StatusCode::CREATED,
            json!({"chatEventLocation": {"link": Link::new("location", format!("{}/chat/{chat}/events/{id}", self.base))}}),
        )
    }
}

fn visible_events(chat: &ChatState, from: usize, agent_view: bool) -> Vec<ChatEvent> {
    chat.events
        .iter()
        .skip(from)
        .filter(|e| agent_view || e.sub_type.as_deref() != Some("ONLY_TO_REP"))
        .cloned()
        .collect()
}

/// The `events` object: links with `next`, and one-or-many events.
pub(crate) fn events_json_for(
    chat: &ChatState,
    chat_url: &str,
    from: usize,
    agent_view: bool,
) -> Value {
    let events = visible_events(chat, from, agent_view);
    let next = chat.events.len();
    let mut body = json!({"link": links(vec![
        Link::new("self", format!("{chat_url}/events?from={from}")),
        Link::new("next", format!("{chat_url}/events?from={next}")),
    ])});
    if !events.is_empty() {
        body["event"] = serde_json::to_value(OneOrMany::compact(events)).unwrap_or(Value::Null);
    }
    body
}

fn events_json(chat: &ChatState, base: &str, from: usize) -> Value {
    events_json_for(chat, &format!("{base}/chat/{}", chat.id), from, true)
}

fn info_json(chat: &ChatState, base: &str) -> Value {
    let url = format!("{base}/chat/{}", chat.id);
    json!({
        "link": links(vec![
            Link::new("self", format!("{url}/info")),
            Link::new("visitor-name", format!("{url}/info/visitorName")),
            Link::new("visitor-typing", format!("{url}/info/visitorTyping")),
            Link::new("agent-typing", format!("{url}/info/agentTyping")),
        ]),
        "state": chat.state,
        "chatSessionKey": chat.id,
        "agentName": chat.agent,
        "startTime": iso_time(chat.start_ms),
        "lastUpdate": iso_time(crate::state::now_ms()),
        "chatTimeout": chat.timeout_secs,
        "visitorId": chat.visitor_id,
        "agentTyping": chat.agent_typing,
        "visitorTyping": "not-typing",
        "visitorName": chat.visitor_name,
        "skillName": chat.skill,
    })
}

fn chat_json(chat: &ChatState, base: &str, from: usize) -> Value {
    let url = format!("{base}/chat/{}", chat.id);
    let next = chat.events.len();
    json!({
        "link": links(vec![
            Link::new("self", url.clone()),
            Link::new("events", format!("{url}/events")),
            Link::new("info", format!("{url}/info")),
            Link::new("next", format!("{url}?from={next}")),
            Link::new("transfer", format!("{url}/transfer")),
        ]),
        "events": events_json(chat, base, from),
        "info": info_json(chat, base),
    })
}
