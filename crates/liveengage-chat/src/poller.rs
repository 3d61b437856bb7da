//! The background task: keeps the agent session, takes ringing chats up to
//! the bot's slots, follows each chat's events and plays inactivity.
//!
//! No line is lost or repeated: a chat's `from` position only moves past
//! events once they are handed to the runtime, and a failed poll reads again
//! from the same position.

use std::sync::Arc;
use std::time::Duration;

use connector_core::{ChannelEvent, EventKind, InboundEvent};
use liveengage_proto::chat::{ChatBody, ChatEvent, EventsBody, IncomingRequestsBody, find_link};
use tokio::time::Instant;

use crate::api::{Verb, from_param, last_segment};
use crate::channel::Shared;
use crate::codes;
use crate::error::ChatError;
use crate::mapping::{self, Seen};
use crate::pacing::PollPacer;
use crate::session::{self, chat_url, session_url};
use crate::state::ChatTrack;

/// Consecutive failed polls before the transport reports an interruption.
const FAILURES_BEFORE_INTERRUPTED: u32 = 3;

/// Runs the poller until shutdown. A panic inside it (in the transport, or in
/// a token source it calls) is never silent: the bot goes to Service
/// Interruption with [`codes::TRANSPORT_FAILURE`] and the poller starts again
/// after a pause, keeping the chats it holds (their positions only move past
/// events already handed over, so none is lost).
pub(crate) async fn supervise(shared: Arc<Shared>) {
    let mut restarts: u32 = 0;
    loop {
        let Err(panic) = tokio::spawn(run(Arc::clone(&shared))).await else {
            break;
        };
        if !panic.is_panic() || shared.api.stopped() {
            break;
        }
        restarts = restarts.saturating_add(1);
        let what = connector_core::panic_message(panic.into_panic().as_ref());
        // Reported even if the last status was already an interruption.
        shared.lock().connected = None;
        shared.status(
            false,
            codes::TRANSPORT_FAILURE,
            format!("the chat poller failed unexpectedly ({what}); it is restarted"),
        );
        let wait = shared
            .config
            .settings
            .polling
            .idle_max
            .saturating_mul(restarts.min(10));
        if shared.api.pause(wait).await.is_err() {
            break;
        }
    }
}

async fn run(shared: Arc<Shared>) {
    let polling = shared.config.settings.polling;
    let mut pacer = PollPacer::new(polling);
    let mut failures: u32 = 0;
    loop {
        if shared.api.stopped() {
            break;
        }
        if shared.lock().session.is_none() {
            match session::establish(&shared).await {
                Ok(()) => {
                    failures = 0;
                    shared.status(true, codes::SESSION, String::new());
                    if let Err(err) = adopt_unknown(&shared).await {
                        tracing::debug!("open chats not checked after session start: {err}");
                    }
                }
                Err(ChatError::Shutdown) => break,
                Err(err) => {
                    failures += 1;
                    shared.status(false, codes::SESSION, err.to_string());
                    let wait = shared
                        .api
                        .delay_after(failures, &err)
                        .unwrap_or(polling.idle_max)
                        .min(polling.idle_max);
                    if shared.api.pause(wait).await.is_err() {
                        break;
                    }
                    continue;
                }
            }
        }
        let mut activity = false;
        let mut failed: Option<ChatError> = None;
        match poll_incoming(&shared).await {
            Ok(found) => activity |= found,
            Err(err) => failed = Some(err),
        }
        if shared.lock().session.is_some() {
            let ids: Vec<String> = shared.lock().chats.keys().cloned().collect();
            let polls = ids.iter().map(|id| poll_chat(&shared, id));
            for result in futures::future::join_all(polls).await {
                match result {
                    Ok(found) => activity |= found,
                    Err(err) => failed = failed.or(Some(err)),
                }
            }
        }
        crate::outbound::play_inactivity(&shared).await;
        let open = shared.lock().chats.len();
        let mut wait = pacer.next(open, activity);
        match failed {
            Some(ChatError::Shutdown) => break,
            Some(err) => {
                failures += 1;
                tracing::debug!(failures, "poll failed: {err}");
                if failures >= FAILURES_BEFORE_INTERRUPTED {
                    shared.status(false, codes::POLL, err.to_string());
                }
                // The shared policy, capped so chats are polled well within
                // LiveEngage's chat timeout.
                if let Some(delay) = shared.api.delay_after(failures, &err) {
                    wait = wait.max(delay.min(polling.idle_max));
                }
            }
            None => {
                failures = 0;
                if shared.lock().session.is_some() {
                    shared.status(true, codes::POLL, String::new());
                }
            }
        }
        if let Some(deadline) = shared.lock().timers.next_deadline() {
            wait = wait.min(deadline.saturating_duration_since(Instant::now()));
        }
        if shared
            .api
            .pause(wait.max(Duration::from_millis(10)))
            .await
            .is_err()
        {
            break;
        }
    }
    tracing::debug!(bot = %shared.config.bot_id, "chat poller stopped");
}

/// Takes ringing chats while the bot has free slots. `Ok(true)` when a chat rang.
async fn poll_incoming(shared: &Shared) -> Result<bool, ChatError> {
    let Some(base) = session_url(shared) else {
        return Ok(false);
    };
    let max = shared.config.settings.max_chats;
    let mut rang = false;
    for _ in 0..max {
        if shared.lock().chats.len() >= max {
            break;
        }
        let body = match shared
            .api
            .once(
                "poll incoming requests",
                Verb::Get,
                &format!("{base}/incomingRequests"),
                None,
            )
            .await
        {
            Err(ChatError::Status { status: 404, .. }) => {
                session::lose_session(shared);
                return Ok(false);
            }
            other => other?,
        };
        let incoming: IncomingRequestsBody = decode("poll incoming requests", body)?;
        let ringing = incoming
            .incoming_requests
            .ringing_count
            .as_i64()
            .unwrap_or(0);
        if ringing <= 0 {
            break;
        }
        rang = true;
        let href = session::take_href(
            incoming.incoming_requests.link.as_ref(),
            format!("{base}/incomingRequests"),
        );
        match shared
            .api
            .once("take chat", Verb::Post, &href, Some(&serde_json::json!({})))
            .await
        {
            Ok(taken) => {
                let href = taken["chatLocation"]["link"]["@href"]
                    .as_str()
                    .or_else(|| taken["chatLocation"]["link"]["href"].as_str())
                    .unwrap_or_default()
                    .to_owned();
                let Some(chat) = last_segment(&href).map(str::to_owned) else {
                    return Err(ChatError::Decode {
                        operation: "take chat",
                        message: "no chat location".into(),
                        body: taken.to_string(),
                    });
                };
                adopt(shared, &chat, true).await?;
            }
            // Someone else took it first: nothing rings any more.
            Err(ChatError::Status { status: 404, .. }) => break,
            Err(err) if err.may_have_happened() => {
                // The chat may be ours without us knowing: find it.
                tracing::info!("take chat answer lost ({err}); checking the open chats");
                adopt_unknown(shared).await?;
                return Err(err);
            }
            Err(err) => return Err(err),
        }
    }
    Ok(rang)
}

/// Adopts chats the bot holds but does not track (a lost take answer, a restart).
async fn adopt_unknown(shared: &Shared) -> Result<(), ChatError> {
    let Some(base) = session_url(shared) else {
        return Ok(());
    };
    let body = shared
        .api
        .once(
            "list chat sessions",
            Verb::Get,
            &format!("{base}/chatSessions"),
            None,
        )
        .await?;
    let list = &body["chatSessions"]["chatSession"];
    let items: Vec<&serde_json::Value> = match list {
        serde_json::Value::Array(items) => items.iter().collect(),
        serde_json::Value::Object(_) => vec![list],
        _ => Vec::new(),
    };
    for item in items {
        let href = item["link"]["@href"]
            .as_str()
            .or_else(|| item["link"]["href"].as_str())
            .unwrap_or_default();
        let Some(chat) = last_segment(href) else {
            continue;
        };
        if !shared.lock().chats.contains_key(chat) {
            adopt(shared, chat, false).await?;
        }
    }
    Ok(())
}

fn decode<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    body: serde_json::Value,
) -> Result<T, ChatError> {
    serde_json::from_value(body.clone()).map_err(|e| ChatError::Decode {
        operation,
        message: e.to_string(),
        body: body.to_string().chars().take(500).collect(),
    })
}

/// Starts following `chat`: the welcome event with the chat's context, then
/// the consumer lines the bot has not answered.
///
/// A chat taken now (`fresh`) or one where the bot never spoke gets the
/// welcome and every visitor line; an adopted chat where the bot already
/// spoke (a restart) gets only the visitor lines after its last line.
async fn adopt(shared: &Shared, chat: &str, fresh: bool) -> Result<(), ChatError> {
    let Some(url) = chat_url(shared, chat, "?from=0") else {
        return Ok(());
    };
    let body = shared.api.once("read chat", Verb::Get, &url, None).await?;
    let ChatBody { chat: resource } = decode("read chat", body)?;
    let info = resource.info.clone().unwrap_or_default();
    let events: Vec<ChatEvent> = resource
        .events
        .as_ref()
        .and_then(|e| e.event.clone())
        .map(liveengage_proto::OneOrMany::into_vec)
        .unwrap_or_default();
    if events.iter().any(|e| mapping::classify(e) == Seen::Ended) {
        tracing::debug!(chat, "adopted chat has already ended");
        return Ok(());
    }
    let next_from = resource
        .events
        .as_ref()
        .and_then(|e| find_link(e.link.as_ref(), "next"))
        .and_then(|l| from_param(&l.href))
        .or_else(|| find_link(resource.link.as_ref(), "next").and_then(|l| from_param(&l.href)))
        .unwrap_or_else(|| {
            events
                .iter()
                .filter_map(mapping::event_id)
                .max()
                .map_or(0, |m| m + 1)
        });
    let known = {
        let state = shared.lock();
        let mut known = state.own_skills.clone();
        known.extend(
            shared
                .config
                .settings
                .skills
                .iter()
                .map(|(n, i)| (i.clone(), n.clone())),
        );
        known
    };
    let ctx = mapping::context(&shared.config.bot_id, chat, &info, &known);
    let last_agent = events
        .iter()
        .rposition(|e| mapping::classify(e) == Seen::Agent);
    let welcome = fresh || last_agent.is_none();
    let unanswered = if welcome {
        0
    } else {
        last_agent.map_or(0, |i| i + 1)
    };
    let span = tracing::info_span!("chat", bot = %shared.config.bot_id, conversation = %chat);
    let _enter = span.enter();
    tracing::info!(fresh, "following chat");
    let now = Instant::now();
    let mut track = ChatTrack {
        context: ctx.clone(),
        info: info.clone(),
        next_from,
        claimed: Default::default(),
    };
    let mut out = Vec::new();
    if welcome {
        let context = ctx
            .clone()
            .with_lp_event(mapping::lp_event(None, &info, &ctx, true));
        out.push(InboundEvent::new(
            context,
            EventKind::ConversationStarted {
                transferred: mapping::was_transferred(&events),
                last_consumer_message: None,
            },
        ));
    }
    let mut consumer_spoke = false;
    for event in &events[unanswered.min(events.len())..] {
        if let Seen::Consumer(kind) = mapping::classify(event) {
            consumer_spoke = true;
            let context =
                ctx.clone()
                    .with_lp_event(mapping::lp_event(Some(event), &info, &ctx, false));
            out.push(InboundEvent::new(context, kind));
        }
        if mapping::classify(event) == Seen::Agent
            && let Some(id) = mapping::event_id(event)
        {
            track.claimed.insert(id);
        }
    }
    {
        let mut state = shared.lock();
        state.chats.insert(chat.to_owned(), track);
        state.timers.start(chat, now);
        if consumer_spoke {
            state.timers.consumer_activity(chat, now);
        }
    }
    shared.stats.bump(&shared.stats.chats_taken);
    for event in out {
        if event.kind.is_consumer_message() {
            shared.stats.bump(&shared.stats.lines_received);
        }
        shared.emit(ChannelEvent::Inbound(Box::new(event)));
    }
    Ok(())
}

/// Reads the chat's new events. `Ok(true)` when there were any.
async fn poll_chat(shared: &Shared, chat: &str) -> Result<bool, ChatError> {
    let Some(from) = shared.lock().chats.get(chat).map(|t| t.next_from) else {
        return Ok(false);
    };
    let Some(url) = chat_url(shared, chat, &format!("/events?from={from}")) else {
        return Ok(false);
    };
    let body = match shared
        .api
        .once("poll chat events", Verb::Get, &url, None)
        .await
    {
        Err(ChatError::Status {
            status: 403 | 404, ..
        }) => {
            if session::session_alive(shared).await? {
                // The chat is no longer ours (another agent took it, it is gone).
                left(shared, chat, true);
            } else {
                session::lose_session(shared);
            }
            return Ok(true);
        }
        other => other?,
    };
    let EventsBody { events } = decode("poll chat events", body)?;
    let next = find_link(events.link.as_ref(), "next").and_then(|l| from_param(&l.href));
    let list = events
        .event
        .map(liveengage_proto::OneOrMany::into_vec)
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut ended = false;
    let mut last_seen = from;
    let now = Instant::now();
    {
        let mut state = shared.lock();
        let Some(track) = state.chats.get(chat).cloned() else {
            return Ok(false);
        };
        for event in &list {
            let id = mapping::event_id(event);
            // Never hand an event twice, whatever the server repeats.
            if id.is_some_and(|id| id < from) {
                continue;
            }
            if let Some(id) = id {
                last_seen = last_seen.max(id + 1);
            }
            match mapping::classify(event) {
                Seen::Consumer(kind) => {
                    let context = track.context.clone().with_lp_event(mapping::lp_event(
                        Some(event),
                        &track.info,
                        &track.context,
                        false,
                    ));
                    out.push(InboundEvent::new(context, kind));
                    state.timers.consumer_activity(chat, now);
                }
                Seen::Ended => {
                    ended = true;
                    break;
                }
                Seen::Agent | Seen::Ignore => {}
            }
        }
        if let Some(t) = state.chats.get_mut(chat) {
            t.next_from = next.unwrap_or(last_seen).max(from);
        }
    }
    let found = !list.is_empty();
    for event in out {
        shared.stats.bump(&shared.stats.lines_received);
        tracing::debug!(conversation = %chat, "consumer line");
        shared.emit(ChannelEvent::Inbound(Box::new(event)));
    }
    if ended {
        left(shared, chat, true);
    }
    Ok(found)
}

/// The chat left the bot; tells the runtime when `notify`.
pub(crate) fn left(shared: &Shared, chat: &str, notify: bool) {
    let removed = {
        let mut state = shared.lock();
        state.timers.stop(chat);
        state.chats.remove(chat)
    };
    if let (Some(track), true) = (removed, notify) {
        tracing::info!(bot = %shared.config.bot_id, conversation = %chat, "chat ended");
        shared.emit(ChannelEvent::Inbound(Box::new(InboundEvent::new(
            track.context,
            EventKind::ConversationClosed,
        ))));
    }
}
