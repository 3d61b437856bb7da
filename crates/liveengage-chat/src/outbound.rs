//! Lines, typing, transfer and end: each done **once**. When an answer is
//! lost (no answer, a timeout, a 5xx), the chat's history is read before
//! anything is sent again.

use connector_core::{
    Action, Audience, ChannelError, ChannelType, ConversationContext, ErrorCode, Output,
};
use liveengage_proto::chat::{ChatEvent, ChatEventType, ChatSessionState, EventsBody};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::api::{Verb, last_segment};
use crate::channel::Shared;
use crate::codes;
use crate::error::ChatError;
use crate::inactivity::InactivityAction;
use crate::mapping::{self, Seen};
use crate::session::chat_url;

fn not_supported(operation: &'static str, code: ErrorCode) -> ChannelError {
    ChannelError::NotSupported {
        operation,
        channel: ChannelType::Chat,
        code,
    }
}

fn closed(code: ErrorCode) -> ChannelError {
    ChannelError::ConversationClosed { code }
}

/// The line to post for `output`, or why chat cannot carry it.
pub(crate) fn line_for(output: &Output) -> Result<ChatEvent, ChannelError> {
    if output.encoded_metadata().is_some() {
        return Err(not_supported(
            "encoded metadata",
            codes::ENCODED_METADATA_NOT_SUPPORTED,
        ));
    }
    let metadata = |items: &Vec<Value>| (!items.is_empty()).then(|| Value::Array(items.clone()));
    match output {
        Output::Text(text) => {
            let mut line = ChatEvent::line(text.text.clone());
            if text.audience == Audience::AgentsAndManagers {
                line.sub_type = Some("ONLY_TO_REP".into());
            }
            line.metadata = metadata(&text.metadata);
            Ok(line)
        }
        Output::StructuredContent(structured) => {
            let mut line = ChatEvent::line("");
            line.text = None;
            line.text_type = Some("rich-content".into());
            line.json = Some(structured.content.as_json().clone());
            line.metadata = metadata(&structured.metadata);
            Ok(line)
        }
        Output::QuickReplies(_) => Err(not_supported(
            "quick replies",
            codes::QUICK_REPLIES_NOT_SUPPORTED,
        )),
        Output::Delay(_) => Err(not_supported(
            "a delay (the runtime plays delays)",
            codes::NOT_SUPPORTED,
        )),
        _ => Err(not_supported("this output", codes::NOT_SUPPORTED)),
    }
}

pub(crate) async fn send(
    shared: &Shared,
    ctx: &ConversationContext,
    output: &Output,
) -> Result<(), ChannelError> {
    let line = line_for(output)?;
    post_line(shared, ctx.conversation_id.as_ref(), line).await
}

fn same_line(posted: &ChatEvent, wanted: &ChatEvent) -> bool {
    mapping::classify(posted) == Seen::Agent
        && posted.text.as_deref().unwrap_or_default().trim()
            == wanted.text.as_deref().unwrap_or_default().trim()
        && posted.json == wanted.json
        && (posted.sub_type.as_deref() == Some("ONLY_TO_REP"))
            == (wanted.sub_type.as_deref() == Some("ONLY_TO_REP"))
}

/// Reads the chat from `from` and returns the id of an unclaimed line equal
/// to `wanted` (our earlier attempt that did arrive), claiming it.
async fn find_posted(
    shared: &Shared,
    chat: &str,
    from: u64,
    wanted: &ChatEvent,
) -> Result<Option<u64>, ChatError> {
    let Some(url) = chat_url(shared, chat, &format!("/events?from={from}")) else {
        return Err(ChatError::Shutdown);
    };
    let body = shared
        .api
        .once("check sent lines", Verb::Get, &url, None)
        .await?;
    let EventsBody { events } =
        serde_json::from_value(body.clone()).map_err(|e| ChatError::Decode {
            operation: "check sent lines",
            message: e.to_string(),
            body: body.to_string(),
        })?;
    let list = events
        .event
        .map(liveengage_proto::OneOrMany::into_vec)
        .unwrap_or_default();
    let mut state = shared.lock();
    let Some(track) = state.chats.get_mut(chat) else {
        return Ok(None);
    };
    for event in &list {
        if let Some(id) = mapping::event_id(event)
            && !track.claimed.contains(&id)
            && same_line(event, wanted)
        {
            track.claimed.insert(id);
            return Ok(Some(id));
        }
    }
    Ok(None)
}

fn is_chat_gone(err: &ChatError) -> bool {
    match err {
        ChatError::Status {
            status: 403 | 404, ..
        } => true,
        ChatError::Status {
            status: 400, body, ..
        } => body.contains("ended"),
        _ => false,
    }
}

/// Waits before the next attempt, within the grace; `None` to give up.
async fn backoff(shared: &Shared, attempt: u32, err: &ChatError, deadline: Instant) -> Option<()> {
    let delay = shared.api.delay_after(attempt, err)?;
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return None;
    }
    shared.stats.bump(&shared.stats.retries);
    shared.api.pause(delay.min(left)).await.ok()
}

/// Posts `line` exactly once (see the module docs).
pub(crate) async fn post_line(
    shared: &Shared,
    chat: &str,
    line: ChatEvent,
) -> Result<(), ChannelError> {
    let code = codes::SEND_MESSAGE;
    let Some(from) = shared.lock().chats.get(chat).map(|t| t.next_from) else {
        return Err(closed(code));
    };
    let Some(url) = chat_url(shared, chat, "/events") else {
        return Err(ChatError::Shutdown.into_channel(code));
    };
    let body = json!({ "event": line });
    let deadline = Instant::now() + shared.config.send_grace;
    let mut attempt = 0;
    let mut uncertain: Option<ChatError> = None;
    loop {
        attempt += 1;
        if let Some(lost) = uncertain.take() {
            match find_posted(shared, chat, from, &line).await {
                Ok(Some(id)) => {
                    tracing::info!(conversation = %chat, id, "line had arrived; not sent again");
                    shared.stats.bump(&shared.stats.resends_avoided);
                    shared.stats.bump(&shared.stats.lines_sent);
                    return Ok(());
                }
                Ok(None) => {}
                Err(err) if is_chat_gone(&err) => return Err(closed(code)),
                Err(err) => {
                    tracing::debug!(conversation = %chat, "history check failed: {err}");
                    if backoff(shared, attempt, &err, deadline).await.is_none() {
                        return Err(lost.into_channel(code));
                    }
                    uncertain = Some(lost);
                    continue;
                }
            }
        }
        match shared
            .api
            .once("send line", Verb::Post, &url, Some(&body))
            .await
        {
            Ok(answer) => {
                let href = answer["chatEventLocation"]["link"]["@href"]
                    .as_str()
                    .or_else(|| answer["chatEventLocation"]["link"]["href"].as_str())
                    .unwrap_or_default();
                if let Some(id) = last_segment(href).and_then(|s| s.parse::<u64>().ok())
                    && let Some(track) = shared.lock().chats.get_mut(chat)
                {
                    track.claimed.insert(id);
                }
                shared.stats.bump(&shared.stats.lines_sent);
                return Ok(());
            }
            Err(err) if is_chat_gone(&err) => return Err(closed(code)),
            Err(err) if err.may_have_happened() => {
                tracing::info!(conversation = %chat, "send answer lost: {err}");
                if backoff(shared, attempt, &err, deadline).await.is_none() {
                    return Err(err.into_channel(code));
                }
                uncertain = Some(err);
            }
            Err(err) => {
                if err.is_transient() && backoff(shared, attempt, &err, deadline).await.is_some() {
                    continue;
                }
                return Err(err.into_channel(code));
            }
        }
    }
}

pub(crate) async fn typing(
    shared: &Shared,
    ctx: &ConversationContext,
    on: bool,
) -> Result<(), ChannelError> {
    let chat = ctx.conversation_id.to_string();
    let Some(url) = chat_url(shared, &chat, "/info/agentTyping") else {
        return Err(ChatError::Shutdown.into_channel(codes::TYPING));
    };
    let value = if on { "typing" } else { "not-typing" };
    shared
        .api
        .once(
            "set typing",
            Verb::Put,
            &url,
            Some(&json!({"agentTyping": value})),
        )
        .await
        .map(|_| ())
        .map_err(|e| e.into_channel(codes::TYPING))
}

pub(crate) async fn execute(
    shared: &Shared,
    ctx: &ConversationContext,
    action: &Action,
) -> Result<(), ChannelError> {
    let chat = ctx.conversation_id.to_string();
    let span = tracing::info_span!("chat action", bot = %shared.config.bot_id, conversation = %chat, action = action.name());
    let _enter = span.enter();
    match action {
        Action::TransferToSkill { skill } => transfer(shared, &chat, skill, None).await,
        Action::TransferToAgent { skill, agent_id } => {
            transfer(shared, &chat, skill, Some(agent_id.to_string())).await
        }
        Action::Close { .. } => end_chat(shared, &chat).await,
        Action::ChangeTtr(_) => Err(not_supported("changing the TTR", codes::NOT_SUPPORTED)),
        Action::InvokeFunction(_) => Err(not_supported(
            "invoking a function (the runtime invokes functions)",
            codes::NOT_SUPPORTED,
        )),
        _ => Err(not_supported("this action", codes::NOT_SUPPORTED)),
    }
}

/// Skill name → id: configured skills, then the chat's transfer list (skills
/// with an online agent), then the bot's own skills.
async fn resolve_skill(
    shared: &Shared,
    chat: &str,
    name: &str,
) -> Result<Option<String>, ChatError> {
    if let Some(id) = shared.config.settings.skills.get(name) {
        return Ok(Some(id.clone()));
    }
    if let Some(url) = chat_url(shared, chat, "/transfer") {
        let body = shared
            .api
            .once("read transfer skills", Verb::Get, &url, None)
            .await?;
        let list = &body["transfer"]["skill"];
        let items: Vec<&Value> = match list {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => vec![list],
            _ => Vec::new(),
        };
        for item in items {
            if item["name"].as_str() == Some(name) {
                return Ok(match &item["id"] {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                });
            }
        }
    }
    Ok(shared
        .lock()
        .own_skills
        .iter()
        .find(|(_, n)| n == name)
        .map(|(id, _)| id.clone()))
}

/// Whether the chat is still the bot's (a 403/404 means it left).
async fn still_ours(shared: &Shared, chat: &str) -> Result<bool, ChatError> {
    let Some(url) = chat_url(shared, chat, "/info") else {
        return Err(ChatError::Shutdown);
    };
    match shared
        .api
        .once("read chat info", Verb::Get, &url, None)
        .await
    {
        Ok(_) => Ok(true),
        Err(ChatError::Status {
            status: 403 | 404, ..
        }) => Ok(false),
        Err(err) => Err(err),
    }
}

async fn transfer(
    shared: &Shared,
    chat: &str,
    skill: &str,
    agent: Option<String>,
) -> Result<(), ChannelError> {
    let code = codes::TRANSFER_TO_SKILL;
    if !shared.lock().chats.contains_key(chat) {
        return Err(closed(code));
    }
    let skill_id = match resolve_skill(shared, chat, skill).await {
        Ok(Some(id)) => id,
        Ok(None) => {
            tracing::warn!(
                skill,
                "transfer: no skill of that name is known or has an online agent"
            );
            return Err(ChannelError::SkillNotFound {
                skill: skill.to_owned(),
                code: codes::SKILL_NOT_EXISTING,
            });
        }
        Err(err) if is_chat_gone(&err) => return Err(closed(code)),
        Err(err) => return Err(err.into_channel(code)),
    };
    let mut transfer = json!({"skill": {"id": skill_id}});
    if let Some(agent) = agent {
        transfer["agent"] = json!({"id": agent});
    }
    let body = json!({ "transfer": transfer });
    let Some(url) = chat_url(shared, chat, "/transfer") else {
        return Err(ChatError::Shutdown.into_channel(code));
    };
    let deadline = Instant::now() + shared.config.send_grace;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match shared
            .api
            .once("transfer", Verb::Post, &url, Some(&body))
            .await
        {
            Ok(_) => break,
            Err(err) if is_chat_gone(&err) => return Err(closed(code)),
            Err(ChatError::Status {
                status,
                body: answer,
                ..
            }) if (400..500).contains(&status) && status != 429 => {
                // LiveEngage refuses a transfer to a skill without an available agent.
                return Err(ChannelError::Failed {
                    code,
                    message: format!(
                        "LiveEngage refused the transfer to skill {skill:?} ({status}: {answer}); a chat transfer needs an online agent with a free slot on that skill"
                    ),
                    transient: false,
                    may_have_happened: false,
                });
            }
            Err(err) => {
                if err.may_have_happened() {
                    match still_ours(shared, chat).await {
                        Ok(false) => break,
                        Ok(true) => {}
                        Err(check) => tracing::debug!("transfer check failed: {check}"),
                    }
                }
                if backoff(shared, attempt, &err, deadline).await.is_none() {
                    return Err(err.into_channel(code));
                }
            }
        }
    }
    crate::poller::left(shared, chat, false);
    tracing::info!(skill, skill_id = %skill_id_log(&body), "chat transferred");
    Ok(())
}

fn skill_id_log(body: &Value) -> String {
    body["transfer"]["skill"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Ends the chat once: an already ended chat counts as ended.
pub(crate) async fn end_chat(shared: &Shared, chat: &str) -> Result<(), ChannelError> {
    let code = codes::END_CONVERSATION;
    let Some(from) = shared.lock().chats.get(chat).map(|t| t.next_from) else {
        return Err(closed(code));
    };
    let Some(url) = chat_url(shared, chat, "/events") else {
        return Err(ChatError::Shutdown.into_channel(code));
    };
    let body = json!({ "event": ChatEvent::ended() });
    let deadline = Instant::now() + shared.config.send_grace;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match shared
            .api
            .once("end chat", Verb::Post, &url, Some(&body))
            .await
        {
            Ok(_) => break,
            Err(err) if is_chat_gone(&err) => break,
            Err(err) => {
                if err.may_have_happened() && has_ended(shared, chat, from).await {
                    break;
                }
                if backoff(shared, attempt, &err, deadline).await.is_none() {
                    return Err(err.into_channel(code));
                }
            }
        }
    }
    crate::poller::left(shared, chat, false);
    tracing::info!(conversation = %chat, "chat ended by the bot");
    Ok(())
}

async fn has_ended(shared: &Shared, chat: &str, from: u64) -> bool {
    let Some(url) = chat_url(shared, chat, &format!("/events?from={from}")) else {
        return false;
    };
    match shared
        .api
        .once("check chat state", Verb::Get, &url, None)
        .await
    {
        Ok(body) => serde_json::from_value::<EventsBody>(body).is_ok_and(|b| {
            b.events.event.is_some_and(|list| {
                list.as_slice().iter().any(|e| {
                    e.event_type == ChatEventType::State && e.state == Some(ChatSessionState::Ended)
                })
            })
        }),
        Err(err) => is_chat_gone(&err),
    }
}

/// Plays what inactivity asks: the warning, or the close message and the end
/// of the chat (then the runtime hears `ConversationClosed`).
pub(crate) async fn play_inactivity(shared: &Shared) {
    let due = shared.lock().timers.due(Instant::now());
    for (chat, action) in due {
        let span =
            tracing::info_span!("inactivity", bot = %shared.config.bot_id, conversation = %chat);
        let _enter = span.enter();
        match action {
            InactivityAction::Warn { message } => {
                match post_line(shared, &chat, ChatEvent::line(message)).await {
                    Ok(()) => {
                        shared.stats.bump(&shared.stats.warnings);
                        tracing::info!("inactivity warning sent");
                    }
                    Err(err) => {
                        tracing::warn!(code = %codes::INACTIVITY, "inactivity warning not sent: {err}")
                    }
                }
            }
            InactivityAction::Close { message } => {
                if let Some(message) = message
                    && let Err(err) = post_line(shared, &chat, ChatEvent::line(message)).await
                {
                    tracing::warn!(code = %codes::INACTIVITY, "close message not sent: {err}");
                }
                let context = shared.lock().chats.get(&chat).map(|t| t.context.clone());
                match end_chat(shared, &chat).await {
                    Ok(()) => {
                        shared.stats.bump(&shared.stats.inactivity_closes);
                        tracing::info!("chat closed for inactivity");
                        if let Some(context) = context {
                            shared.emit(connector_core::ChannelEvent::Inbound(Box::new(
                                connector_core::InboundEvent::new(
                                    context,
                                    connector_core::EventKind::ConversationClosed,
                                ),
                            )));
                        }
                    }
                    Err(err) => {
                        tracing::warn!(code = %codes::INACTIVITY, "chat not closed for inactivity: {err}")
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::rich::StructuredContent;
    use std::time::Duration;

    #[test]
    fn outputs_chat_cannot_carry_are_typed_errors() {
        let qr = Output::quick_replies_raw("pick", json!({"type":"quickReplies","replies":[{}]}));
        let err = line_for(&qr).unwrap_err();
        assert_eq!(err.code(), codes::QUICK_REPLIES_NOT_SUPPORTED);
        assert!(matches!(
            err,
            ChannelError::NotSupported {
                channel: ChannelType::Chat,
                ..
            }
        ));
        let encoded = Output::text("hi").with_encoded_metadata("e30=");
        assert_eq!(
            line_for(&encoded).unwrap_err().code(),
            codes::ENCODED_METADATA_NOT_SUPPORTED
        );
        let delay = Output::delay(Duration::from_secs(1), true);
        assert_eq!(line_for(&delay).unwrap_err().code(), codes::NOT_SUPPORTED);
    }

    #[test]
    fn text_private_text_and_structured_content_become_lines() {
        let line = line_for(&Output::text("hello")).unwrap();
        let wire = serde_json::to_value(&line).unwrap();
        assert_eq!(
            wire,
            json!({"@type":"line","textType":"plain","text":"hello"})
        );
        let private = line_for(&Output::private_text("note")).unwrap();
        assert_eq!(private.sub_type.as_deref(), Some("ONLY_TO_REP"));
        let content = StructuredContent::raw(json!({"type":"text","text":"card"})).unwrap();
        let rich = serde_json::to_value(line_for(&Output::structured(content)).unwrap()).unwrap();
        assert_eq!(rich["textType"], json!("rich-content"));
        assert_eq!(rich["json"], json!({"type":"text","text":"card"}));
        assert!(rich.get("text").is_none());
    }
}
