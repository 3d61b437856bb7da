//! The add/edit wizard's form, to and from a bot definition.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::choices::{ENGINE, LOGIN};
use super::html::esc;

/// The wizard's fields as a definition (the same JSON the API takes).
#[must_use]
pub fn to_definition(form: &HashMap<String, String>) -> Value {
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let opt = |k: &str| {
        let v = get(k);
        if v.is_empty() {
            Value::Null
        } else {
            Value::String(v)
        }
    };
    let mut skills = Map::new();
    for line in get("skills").lines() {
        if let Some((name, id)) = line.split_once('=') {
            skills.insert(name.trim().to_owned(), Value::String(id.trim().to_owned()));
        }
    }
    let mut conversation = json!({"type": "messaging", "welcome": form.contains_key("welcome")});
    if get("conversation_type") == "chat" {
        conversation = chat_conversation(&get);
    } else if form.contains_key("combine") {
        conversation["combine"] = json!({
            "max_messages": get("combine_max").parse::<u64>().unwrap_or(0),
            "window": get("combine_window"),
        });
    }
    let mut escalation = json!({"transfer_skill": get("transfer_skill")});
    for key in ["customer_message", "agent_message", "failure_message"] {
        if !get(key).is_empty() {
            escalation[key] = opt(key);
        }
    }
    let mut definition = json!({
        "id": get("id"),
        "liveengage": {
            "account_id": get("account_id"),
            "login": LOGIN.to_value(form),
            "skills": skills,
        },
        "conversation": conversation,
        "escalation": escalation,
        "engine": ENGINE.to_value(form),
    });
    if !get("name").is_empty() {
        definition["name"] = opt("name");
    }
    if !get("csds").is_empty() {
        definition["liveengage"]["csds"] = opt("csds");
    }
    definition
}

/// The chat conversation table: chat slots and the inactivity settings;
/// empty fields are left out so the transport's defaults apply.
fn chat_conversation(get: &dyn Fn(&str) -> String) -> Value {
    let mut chat = json!({"type": "chat"});
    if let Ok(slots) = get("chat_max").parse::<u64>() {
        chat["max_chats"] = json!(slots);
    }
    let mut inactivity = Map::new();
    for key in [
        "warning_after",
        "warning_message",
        "close_after",
        "close_message",
    ] {
        let value = get(key);
        if !value.is_empty() {
            inactivity.insert(key.to_owned(), Value::String(value));
        }
    }
    if !inactivity.is_empty() {
        chat["inactivity"] = Value::Object(inactivity);
    }
    chat
}

/// The wizard's fields prefilled from a (redacted) definition.
#[must_use]
pub fn from_definition(d: &Value) -> HashMap<String, String> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut f = HashMap::new();
    f.insert("id".into(), s(&d["id"]));
    f.insert("name".into(), s(&d["name"]));
    f.insert("account_id".into(), s(&d["liveengage"]["account_id"]));
    f.insert("csds".into(), s(&d["liveengage"]["csds"]));
    LOGIN.fill(&d["liveengage"]["login"], &mut f);
    let skills = d["liveengage"]["skills"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    f.insert("skills".into(), skills);
    if d["conversation"]["type"].as_str() == Some("chat") {
        f.insert("conversation_type".into(), "chat".into());
        if let Some(slots) = d["conversation"]["max_chats"].as_u64() {
            f.insert("chat_max".into(), slots.to_string());
        }
        for key in [
            "warning_after",
            "warning_message",
            "close_after",
            "close_message",
        ] {
            if let Some(value) = d["conversation"]["inactivity"][key].as_str() {
                f.insert(key.into(), value.to_owned());
            }
        }
    }
    if d["conversation"]["welcome"].as_bool() == Some(true) {
        f.insert("welcome".into(), "on".into());
    }
    if let Some(c) = d["conversation"]["combine"].as_object() {
        f.insert("combine".into(), "on".into());
        f.insert(
            "combine_max".into(),
            c.get("max_messages")
                .map(ToString::to_string)
                .unwrap_or_default(),
        );
        f.insert(
            "combine_window".into(),
            c.get("window").map(s).unwrap_or_default(),
        );
    }
    for key in [
        "transfer_skill",
        "customer_message",
        "agent_message",
        "failure_message",
    ] {
        f.insert(key.into(), s(&d["escalation"][key]));
    }
    ENGINE.fill(&d["engine"], &mut f);
    f
}

/// The wizard's HTML: bot user, conversation type, escalation, engine.
/// `action` is the raw path (escaped here, as every value of `f` is).
#[must_use]
pub fn render(action: &str, f: &HashMap<String, String>, editing: bool) -> String {
    let v = |k: &str| esc(f.get(k).map(String::as_str).unwrap_or_default());
    let checked = |k: &str| if f.contains_key(k) { "checked" } else { "" };
    let readonly = if editing { "readonly" } else { "" };
    let action = esc(action);
    format!(
        "<form id=wizard method=post action='{action}'>\
<fieldset><legend>1. Bot user</legend>\
<label>Bot id <input type=text name=id value='{id}' {readonly} required pattern='[a-z0-9_-]{{1,64}}'></label>\
<label>Name <input type=text name=name value='{name}'></label>\
<label>LiveEngage account id <input type=text name=account_id value='{account}' required></label>\
<label>CSDS base URL (empty: LivePerson production) <input type=text name=csds value='{csds}'></label>\
{login}\
<label>Skills, one <code>name=id</code> per line <textarea name=skills rows=3>{skills}</textarea></label></fieldset>\
<fieldset><legend>2. Conversation type</legend>\
<label>Type <select name=conversation_type><option value=messaging{messaging_sel}>Messaging</option>\
<option value=chat{chat_sel}>Chat</option></select></label>\
<p>Messaging:</p>\
<label><input type=checkbox name=welcome {welcome}> Welcome event on new and transferred conversations</label>\
<label><input type=checkbox name=combine {combine}> Combine messages: at most \
<input type=text name=combine_max value='{cmax}' size=3 class=w4> within \
<input type=text name=combine_window value='{cwin}' placeholder=2s class=w5></label>\
<p>Chat (the welcome event is always sent):</p>\
<label>Chat slots <input type=text name=chat_max value='{chat_max}' placeholder=4 class=w4></label>\
<label>Time until warning <input type=text name=warning_after value='{warn_after}' placeholder=2m class=w5></label>\
<label>Warning message <input type=text name=warning_message value='{warn_msg}'></label>\
<label>Time until close <input type=text name=close_after value='{close_after}' placeholder=5m class=w5></label>\
<label>Close message <input type=text name=close_message value='{close_msg}'></label></fieldset>\
<fieldset><legend>3. Escalation</legend>\
<label>Transfer to skill <input type=text name=transfer_skill value='{skill}' required></label>\
<label>Transfer message to customer <input type=text name=customer_message value='{cm}'></label>\
<label>Transfer message to agent <input type=text name=agent_message value='{am}'></label>\
<label>Transfer failure message <input type=text name=failure_message value='{fm}'></label></fieldset>\
<fieldset><legend>4. Engine</legend>{engine}\
<button type=button id=test>Test connection</button> <span id=test-result></span></fieldset>\
<button type=submit id=save>Save</button></form>\
",
        id = v("id"),
        name = v("name"),
        account = v("account_id"),
        csds = v("csds"),
        login = LOGIN.render(f),
        skills = v("skills"),
        messaging_sel = if v("conversation_type") == "chat" {
            ""
        } else {
            " selected"
        },
        chat_sel = if v("conversation_type") == "chat" {
            " selected"
        } else {
            ""
        },
        chat_max = v("chat_max"),
        warn_after = v("warning_after"),
        warn_msg = v("warning_message"),
        close_after = v("close_after"),
        close_msg = v("close_message"),
        welcome = checked("welcome"),
        combine = checked("combine"),
        cmax = v("combine_max"),
        cwin = v("combine_window"),
        skill = v("transfer_skill"),
        cm = v("customer_message"),
        am = v("agent_message"),
        fm = v("failure_message"),
        engine = ENGINE.render(f),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_bot_round_trips_with_its_slots_as_a_number() {
        let f: HashMap<String, String> = [
            ("id", "chat-bot"),
            ("account_id", "123"),
            ("username", "u"),
            ("password", "p"),
            ("conversation_type", "chat"),
            ("chat_max", "3"),
            ("warning_after", "2m"),
            ("warning_message", "Still there?"),
            ("close_after", "5m"),
            ("transfer_skill", "human"),
            ("script", "[fallback]"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let d = to_definition(&f);
        assert_eq!(d["conversation"]["type"], "chat");
        assert_eq!(d["conversation"]["max_chats"], 3);
        assert_eq!(
            d["conversation"]["inactivity"]["warning_message"],
            "Still there?"
        );
        assert!(
            d["conversation"]["inactivity"]
                .get("close_message")
                .is_none()
        );
        assert!(d["conversation"].get("welcome").is_none());
        let spec: crate::config::ConversationSpec =
            serde_json::from_value(d["conversation"].clone()).expect("a valid chat table");
        assert_eq!(spec.label(), "chat");
        let back = from_definition(&d);
        assert_eq!(back["conversation_type"], "chat");
        assert_eq!(back["chat_max"], "3");
        assert_eq!(to_definition(&back), d);
        assert!(render("/bots", &back, false).contains("<option value=chat selected>"));
    }

    #[test]
    fn a_form_round_trips_through_a_definition() {
        let mut f = HashMap::new();
        for (k, v) in [
            ("id", "b1"),
            ("account_id", "123"),
            ("username", "u"),
            ("password", "p"),
            ("skills", "human=2\nBot = 1"),
            ("welcome", "on"),
            ("transfer_skill", "human"),
            ("customer_message", "wait"),
            ("script", "[fallback]"),
            ("csds", "http://x"),
        ] {
            f.insert(k.to_owned(), v.to_owned());
        }
        let d = to_definition(&f);
        assert_eq!(d["liveengage"]["skills"]["Bot"], "1");
        assert_eq!(d["conversation"]["welcome"], true);
        assert!(d["escalation"].get("agent_message").is_none());
        let back = from_definition(&d);
        assert_eq!(back["skills"], "Bot=1\nhuman=2");
        assert_eq!(back["customer_message"], "wait");
        assert_eq!(to_definition(&back), d);
    }
}
