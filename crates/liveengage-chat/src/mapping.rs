//! From Chat Agent API JSON to core events: the conversation context, the
//! `lpEvent` in LivePerson's chat line format, and consumer lines.

use connector_core::{
    BotId, ChannelType, ConsumerInfo, ConversationContext, EventKind, Skill, SkillId,
};
use liveengage_proto::chat::{ChatEvent, ChatEventType, ChatInfo, ChatSessionState};
use serde_json::{Map, Value, json};

/// What a chat event means to the bot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Seen {
    /// A visitor line for the engine.
    Consumer(EventKind),
    /// A line the bot (or another agent) posted.
    Agent,
    /// The chat ended.
    Ended,
    /// Nothing for the bot (system lines, state changes, private notes).
    Ignore,
}

/// The skill of a chat: `info.skillName` (an id or a name, depending on the
/// server), resolved against the skills the bot knows.
pub(crate) fn skill_of(info: &ChatInfo, known: &[(String, String)]) -> Option<Skill> {
    let raw = info
        .skill_name
        .clone()
        .or_else(|| info.extra.get("skillId").and_then(value_string))?;
    let (id, name) = known
        .iter()
        .find(|(id, name)| *id == raw || *name == raw)
        .map_or((raw.clone(), None), |(id, name)| {
            (id.clone(), Some(name.clone()))
        });
    Some(Skill {
        id: SkillId::from(id),
        name,
    })
}

fn value_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The context of a chat (without `lpEvent`).
pub(crate) fn context(
    bot: &BotId,
    chat_id: &str,
    info: &ChatInfo,
    known: &[(String, String)],
) -> ConversationContext {
    let mut consumer = ConsumerInfo::default();
    consumer.id = info.visitor_id.as_ref().map(|v| v.to_string().into());
    consumer.name = info.visitor_name.clone();
    consumer.language = info
        .extra
        .get("language")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut ctx = ConversationContext::new(bot.clone(), chat_id.into(), ChannelType::Chat)
        .with_consumer(consumer);
    if let Some(skill) = skill_of(info, known) {
        ctx = ctx.with_skill(skill);
    }
    ctx
}

/// `lpEvent` in the chat line format: the line's fields, the chat's info
/// fields, the skill, and a `conversationContext` like LivePerson's.
pub(crate) fn lp_event(
    line: Option<&ChatEvent>,
    info: &ChatInfo,
    ctx: &ConversationContext,
    welcome: bool,
) -> Value {
    let mut map = Map::new();
    if let Ok(Value::Object(info)) = serde_json::to_value(info) {
        map.extend(info);
    }
    match line.map(serde_json::to_value) {
        Some(Ok(Value::Object(line))) => map.extend(line),
        _ => {
            map.insert("@type".into(), json!("line"));
            map.insert("textType".into(), json!("plain"));
            map.insert("text".into(), json!(""));
        }
    }
    let skill_id = ctx.skill.as_ref().map(|s| s.id.to_string());
    if let Some(skill) = &ctx.skill {
        map.insert("skillId".into(), json!(skill.id.to_string()));
        if let Some(name) = &skill.name {
            map.insert("skillName".into(), json!(name));
        }
    }
    if welcome {
        map.insert("isWelcomeEvent".into(), json!(true));
    }
    map.insert(
        "conversationContext".into(),
        json!({
            "skillId": skill_id,
            "type": "CHAT",
            "visitor": {
                "visitorId": ctx.consumer.id.as_ref().map(ToString::to_string),
                "language": ctx.consumer.language,
            }
        }),
    );
    Value::Object(map)
}

fn is_by(event: &ChatEvent, who: &str) -> bool {
    event.by.as_deref() == Some(who) || event.source.as_deref() == Some(who)
}

/// What `event` means to the bot.
pub(crate) fn classify(event: &ChatEvent) -> Seen {
    match &event.event_type {
        ChatEventType::State if event.state == Some(ChatSessionState::Ended) => Seen::Ended,
        ChatEventType::Line if is_by(event, "agent") => Seen::Agent,
        ChatEventType::Line if is_by(event, "visitor") => {
            if event.sub_type.as_deref() == Some("ONLY_TO_REP") {
                return Seen::Ignore;
            }
            if event.text_type.as_deref() == Some("rich-content") || event.json.is_some() {
                // LiveEngage does not forward consumer rich content on chat.
                return Seen::Ignore;
            }
            let raw = event.text.clone().unwrap_or_default();
            let text = if event.text_type.as_deref() == Some("html") {
                strip_html(&raw)
            } else {
                raw
            };
            if text.trim().is_empty() {
                return Seen::Ignore;
            }
            Seen::Consumer(EventKind::ConsumerText {
                text,
                metadata: match &event.metadata {
                    Some(Value::Array(items)) => items.clone(),
                    Some(other) => vec![other.clone()],
                    None => Vec::new(),
                },
            })
        }
        _ => Seen::Ignore,
    }
}

/// Whether the chat reached the bot by a transfer (system lines 13 and 15).
pub(crate) fn was_transferred(events: &[ChatEvent]) -> bool {
    events
        .iter()
        .any(|e| matches!(e.system_message_id, Some(13 | 15)))
}

/// The event id as a number.
pub(crate) fn event_id(event: &ChatEvent) -> Option<u64> {
    event
        .id
        .as_ref()
        .and_then(liveengage_proto::chat::Loose::as_i64)
        .and_then(|n| u64::try_from(n).ok())
}

/// Text of an HTML line: tags dropped, the common entities decoded.
pub(crate) fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(v: Value) -> ChatEvent {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn visitor_lines_become_text_others_are_told_apart() {
        let line = event(
            json!({"@id":"4","@type":"line","textType":"plain","text":"hello","by":"visitor","source":"visitor","subType":"REGULAR"}),
        );
        assert_eq!(
            classify(&line),
            Seen::Consumer(EventKind::ConsumerText {
                text: "hello".into(),
                metadata: vec![]
            })
        );
        assert_eq!(event_id(&line), Some(4));
        let html = event(
            json!({"@type":"line","textType":"html","text":"<div dir='ltr'>fish &amp; chips</div>","by":"visitor"}),
        );
        assert_eq!(
            classify(&html),
            Seen::Consumer(EventKind::ConsumerText {
                text: "fish & chips".into(),
                metadata: vec![]
            })
        );
        let system = event(
            json!({"@id":"1","@type":"line","text":"Thank you","by":"info","source":"system","systemMessageId":4}),
        );
        assert_eq!(classify(&system), Seen::Ignore);
        let agent = event(json!({"type":"line","text":"hi","by":"agent","source":"agent"}));
        assert_eq!(classify(&agent), Seen::Agent);
        let ended = event(json!({"@type":"state","state":"ended"}));
        assert_eq!(classify(&ended), Seen::Ended);
        let rich = event(
            json!({"@type":"line","textType":"rich-content","json":{"type":"map"},"by":"visitor"}),
        );
        assert_eq!(classify(&rich), Seen::Ignore);
        assert!(was_transferred(&[event(
            json!({"@type":"line","by":"info","systemMessageId":15})
        )]));
    }

    #[test]
    fn context_and_welcome_lp_event_carry_skill_and_visitor() {
        let info: ChatInfo = serde_json::from_value(json!({
            "state":"chatting","chatSessionKey":"c1","visitorId":1222309710121_i64,
            "visitorName":"Ann","skillName":"1","chatTimeout":40
        }))
        .unwrap();
        let known = vec![("1".to_owned(), "Bot".to_owned())];
        let ctx = context(&"bot".into(), "c1", &info, &known);
        assert_eq!(ctx.channel, ChannelType::Chat);
        assert_eq!(
            ctx.skill.as_ref().map(|s| s.id.to_string()),
            Some("1".into())
        );
        assert_eq!(
            ctx.skill.as_ref().and_then(|s| s.name.clone()),
            Some("Bot".into())
        );
        assert_eq!(ctx.consumer.name.as_deref(), Some("Ann"));
        assert_eq!(
            ctx.consumer.id.as_ref().map(ToString::to_string),
            Some("1222309710121".into())
        );
        let lp = lp_event(None, &info, &ctx, true);
        assert_eq!(lp["isWelcomeEvent"], json!(true));
        assert_eq!(lp["@type"], json!("line"));
        assert_eq!(lp["chatSessionKey"], json!("c1"));
        assert_eq!(lp["skillId"], json!("1"));
        assert_eq!(lp["skillName"], json!("Bot"));
        assert_eq!(lp["conversationContext"]["type"], json!("CHAT"));
        assert_eq!(
            lp["conversationContext"]["visitor"]["visitorId"],
            json!("1222309710121")
        );
        let line = event(json!({"@id":"4","@type":"line","text":"hello","by":"visitor"}));
        let lp = lp_event(Some(&line), &info, &ctx, false);
        assert_eq!(lp["text"], json!("hello"));
        assert_eq!(lp["@id"], json!("4"));
        assert!(lp.get("isWelcomeEvent").is_none());
    }
}
