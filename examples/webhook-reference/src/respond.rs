//! The reference service's example answers (LivePerson's reference service,
//! `Response.ts`): an utterance mapped to a `PostEventResponse`.

use serde_json::{Value, json};

fn analytics(id: &str, description: &str) -> Value {
    json!({"intents": [{"id": id, "description": description, "confidenceScore": 1}]})
}

fn text(message: &str) -> Value {
    json!({"type": "TEXT", "data": {"message": message}})
}

fn action(name: &str, parameters: Value) -> Value {
    json!({"type": "ACTION", "data": {"name": name, "parameters": parameters}})
}

/// The answer to a `TEXT` event with `message`.
#[must_use]
pub fn respond(message: &str) -> Value {
    let said = message.trim().to_lowercase();
    let is = |options: &[&str]| options.contains(&said.as_str());
    let (response, intent) = if is(&[
        "escalate",
        "transfer",
        "i want to talk to human",
        "i want to speak to a human",
    ]) {
        (
            vec![
                text("I am sorry I couldn't help you. I will transfer you"),
                action("TRANSFER", json!({"skillName": "transfer_skill"})),
            ],
            ("base-transfer", "Custom Transfer"),
        )
    } else if is(&["bye", "close", "close conversation", "goodbye"]) {
        (
            vec![
                text("Thanks for chatting. Goodbye!"),
                action("CLOSE_CONVERSATION", json!({})),
            ],
            ("base-close", "Close conversation"),
        )
    } else if is(&["faas", "invoke function", "invoke", "function call"]) {
        (
            vec![
                text("Invoking a function"),
                action(
                    "INVOKE_FUNCTION",
                    json!({"lambdaUuid": "4ec49ffc-080b-4e59-b302-18d6b826191b", "payload": {"some": "stuff"}, "failOnError": false}),
                ),
            ],
            ("base-invoke", "Invoke function"),
        )
    } else if is(&["urgent help", "urgent", "need help now", "need help"]) {
        (
            vec![action("CHANGE_TTR", json!({"ttrType": "URGENT"}))],
            ("base-ttr", "Change TTR"),
        )
    } else if is(&["structured content", "sc", "rich content"]) {
        (
            vec![json!({"type": "STRUCTURED_CONTENT", "data": {
                "structuredContent": {"type": "vertical", "elements": [
                    {"type": "image", "url": "https://example.com/bot.png", "caption": "Reference bot"},
                    {"type": "text", "text": "This is structured content"},
                    {"type": "button", "title": "Learn more", "click": {"actions": [{"type": "link", "name": "Learn more", "uri": "https://example.com"}]}}
                ]},
                "metadata": [{"type": "ExternalId", "id": "ABCD1234"}]
            }})],
            ("base-sc", "Structured content"),
        )
    } else if is(&["delay", "send delay", "delay response"]) {
        (
            vec![
                text("Wait for it"),
                json!({"type": "DELAY", "data": {"seconds": 4, "typing": true}}),
                text("Here it is"),
            ],
            ("base-delay", "Delay"),
        )
    } else if is(&["quick replies", "qr", "quick replies example"]) {
        (
            vec![
                json!({"type": "STRUCTURED_CONTENT", "data": {"structuredContent": {
                "quickReplies": {"type": "quickReplies", "itemsPerRow": 8, "replies": [
                    {"type": "button", "tooltip": "yes i do", "title": "yes",
                     "click": {"actions": [{"type": "publishText", "text": "yep"}], "metadata": [{"type": "ExternalId", "id": "Yes-1234"}]}},
                    {"type": "button", "tooltip": "no i don't", "title": "no",
                     "click": {"actions": [{"type": "publishText", "text": "nope"}], "metadata": [{"type": "ExternalId", "id": "No-4321"}]}}
                ]},
                "message": "Do you like Bots?"
            }, "metadata": [{"id": "1234", "type": "ExternalId"}]}}),
            ],
            ("base-qr", "Quick replies"),
        )
    } else if is(&["private text", "pvt text", "private text example"]) {
        (
            vec![
                text("This message is for everyone"),
                json!({"type": "TEXT", "data": {"message": "This message is for agents and managers only", "messageAudience": "AGENTS_AND_MANAGERS"}}),
            ],
            ("base-private", "Private text"),
        )
    } else {
        (
            vec![text(&format!(
                "You said: {message}. Try transfer, bye, sc, qr, delay, urgent, faas or private text."
            ))],
            ("base-fallback", "Fallback"),
        )
    };
    json!({"response": response, "analytics": analytics(intent.0, intent.1)})
}

/// The answer to a `START` event: the consumer's last message echoed when the
/// conversation was transferred with one, else a greeting.
#[must_use]
pub fn start_response(last_consumer_message: Option<&str>) -> Value {
    let message = match last_consumer_message {
        Some(last) if !last.trim().is_empty() => format!("You said before the transfer: {last}"),
        _ => "Hello! I am the reference Custom Endpoint bot.".to_owned(),
    };
    json!({"response": [text(&message)], "analytics": analytics("base-welcome", "Welcome")})
}
