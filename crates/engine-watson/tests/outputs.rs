//! Every documented output and action shape through the engine (v2 stateless,
//! so one mock answers each turn), on messaging and on chat.

mod common;

use std::time::Duration;

use common::*;
use connector_core::BotEngine;
use connector_core::rich::StructuredContent;
use connector_core::{
    Action, AgentId, BotReply, ChannelType, EngineError, EngineSession, FunctionInvocation, Output,
    ReplyError, Ttr, codes as core_codes,
};
use engine_watson::codes;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const STATELESS: &str = "/v2/assistants/assistant-1/message";

async fn answer(server: &MockServer, body: Value) {
    Mock::given(method("POST"))
        .and(path(STATELESS))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

async fn turn(body: Value, channel: ChannelType) -> Result<BotReply, EngineError> {
    let server = MockServer::start().await;
    answer(&server, body).await;
    let engine = engine(v2_config(&server, apikey()).stateless());
    engine
        .handle(
            &text_event(channel, "conv-1", "hi"),
            &mut EngineSession::default(),
        )
        .await
}

fn generic(items: Value) -> Value {
    json!({"output": {"generic": items}})
}

const IMAGE_URL: &str = "https://images.pexels.com/photos/699122/pexels-photo-699122.jpeg";

fn phone_options() -> Value {
    json!({ "title": "Choose your Phone", "description": "Select the phone you like",
      "options": [ { "label": "iOS", "value": { "input": { "text": "1" } } }, { "label": "Android", "value": { "input": { "text": "2" } } } ],
      "response_type": "option" })
}

#[tokio::test]
async fn every_native_response_type_on_messaging() {
    let sc = json!({"type": "vertical", "elements": [{"type": "text", "text": "Card"}]});
    let reply = turn(
        generic(json!([
            {"response_type": "text", "text": "Hi Good Morning!"},
            { "time": 5000, "typing": true, "response_type": "pause" },
            { "source": IMAGE_URL, "title": "iPhone 8 Concept", "description": "iPhone 8 concept image showing initial details about phone", "response_type": "image" },
            phone_options(),
            {"response_type": "text", "text": json!({"metadata": [{"id": "1234", "type": "ExternalId"}], "structuredContent": sc}).to_string()},
            {"response_type": "text", "text": json!({"text": "This is a private text", "messageAudience": "AGENTS_AND_MANAGERS"}).to_string()}
        ])),
        ChannelType::Messaging,
    )
    .await
    .unwrap();
    let image = json!({"type": "vertical", "elements": [
        {"type": "image", "url": IMAGE_URL, "caption": "iPhone 8 Concept"},
        {"type": "text", "text": "iPhone 8 concept image showing initial details about phone"}
    ]});
    let quick_replies = json!({"type": "quickReplies", "itemsPerRow": 8, "replies": [
        {"type": "button", "title": "iOS", "click": {"actions": [{"type": "publishText", "text": "1"}]}},
        {"type": "button", "title": "Android", "click": {"actions": [{"type": "publishText", "text": "2"}]}}
    ]});
    assert_eq!(
        reply.outputs,
        [
            Output::text("Hi Good Morning!"),
            Output::delay(Duration::from_secs(5), true),
            Output::structured(StructuredContent::raw(image).unwrap()),
            Output::quick_replies_raw(
                "Choose your Phone\nSelect the phone you like",
                quick_replies
            ),
            Output::structured(StructuredContent::raw(sc).unwrap())
                .with_metadata(json!({"id": "1234", "type": "ExternalId"})),
            Output::private_text("This is a private text"),
        ]
    );
    let valid = reply.validate(ChannelType::Messaging).unwrap();
    assert_eq!(valid.outputs().len(), 6);
}

#[tokio::test]
async fn options_on_chat_are_a_numbered_list_and_the_answer_sends_the_option_input() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(STATELESS))
        .and(body_partial_json(json!({"input": {"text": "which phone"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(generic(json!([phone_options()]))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(STATELESS))
        .and(body_partial_json(json!({"input": {"text": "2"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(text_answer("Android it is")))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(v2_config(&server, apikey()).stateless());
    let mut session = EngineSession::default();
    let list = engine
        .handle(
            &text_event(ChannelType::Chat, "chat-1", "which phone"),
            &mut session,
        )
        .await
        .unwrap();
    assert_eq!(
        list.outputs,
        [Output::text(
            "Choose your Phone\nSelect the phone you like\n1. iOS\n2. Android"
        )]
    );
    list.validate(ChannelType::Chat).unwrap();
    let picked = engine
        .handle(
            &text_event(ChannelType::Chat, "chat-1", "Android"),
            &mut session,
        )
        .await
        .unwrap();
    assert_eq!(picked.outputs, [Output::text("Android it is")]);
}

#[tokio::test]
async fn disambiguation_suggestions_become_quick_replies() {
    let reply = turn(
        generic(json!([{
            "response_type": "suggestion",
            "title": "Did you mean:",
            "suggestions": [
                {"label": "Open an account", "value": {"input": {"text": "open account", "intents": []}}},
                {"label": "Close an account", "value": {"input": {"text": "close account"}}}
            ]
        }])),
        ChannelType::Messaging,
    )
    .await
    .unwrap();
    let [Output::QuickReplies(q)] = reply.outputs.as_slice() else {
        panic!("{reply:?}")
    };
    assert_eq!(q.message, "Did you mean:");
    assert_eq!(
        q.quick_replies["replies"][1]["click"]["actions"][0]["text"],
        "close account"
    );
}

#[tokio::test]
async fn selection_policy_sequential_moves_on_each_visit() {
    let server = MockServer::start().await;
    answer(
        &server,
        generic(json!([{ "response_type": "text", "values": [ { "text": "Hi Good Morning!" }, { "text": "Hi Good Evening!" } ], "selection_policy": "sequential" }])),
    )
    .await;
    let engine = engine(v2_config(&server, apikey()).stateless());
    let mut session = EngineSession::default();
    let mut said = Vec::new();
    for _ in 0..3 {
        let reply = engine.handle(&text("c", "hi"), &mut session).await.unwrap();
        said.extend(reply.outputs);
    }
    assert_eq!(
        said,
        [
            Output::text("Hi Good Morning!"),
            Output::text("Hi Good Evening!"),
            Output::text("Hi Good Morning!")
        ]
    );
    let multiline = turn(
        generic(json!([{ "response_type": "text", "values": [ { "text": "a" }, { "text": "b" } ], "selection_policy": "multiline" }])),
        ChannelType::Messaging,
    )
    .await
    .unwrap();
    assert_eq!(multiline.outputs, [Output::text("a"), Output::text("b")]);
}

#[tokio::test]
async fn encoded_metadata_per_message_and_sticky_from_the_context() {
    let body = json!({
        "output": {"generic": [
            {"response_type": "text", "text": "sticky"},
            {"response_type": "text", "text": json!({"encodedMetadata": "cGVyLW1lc3NhZ2U=", "structuredContent": {"type": "text", "text": "own"}}).to_string()}
        ]},
        "context": {"skills": {"main skill": {"user_defined": {"encodedMetadata": "ewoiaWQiOiAidGV4dCIKfQ=="}}}}
    });
    let reply = turn(body.clone(), ChannelType::Messaging).await.unwrap();
    assert_eq!(
        reply.outputs,
        [
            Output::text("sticky").with_encoded_metadata("ewoiaWQiOiAidGV4dCIKfQ=="),
            Output::structured(
                StructuredContent::raw(json!({"type": "text", "text": "own"})).unwrap()
            )
            .with_encoded_metadata("cGVyLW1lc3NhZ2U="),
        ]
    );
    reply.validate(ChannelType::Messaging).unwrap();
    // Chat has no encoded metadata: the sticky value is not applied there.
    let chat = turn(body, ChannelType::Chat).await.unwrap();
    assert_eq!(chat.outputs[0], Output::text("sticky"));
}

#[tokio::test]
async fn every_client_action_is_reported_and_validation_rejects_more_than_one() {
    let reply = turn(
        json!({"output": {
            "generic": [{"response_type": "text", "text": "Escalating to a human"}],
            "actions": [
                { "name": "TRANSFER", "type": "client", "parameters": { "skill": "human_skill", "agentId": "4129463410" }, "result_variable": "none" },
                { "name": "CLOSE_CONVERSATION", "type": "client", "parameters": { "withoutPcs": true }, "result_variable": "none" },
                { "name": "CHANGE_TTR", "type": "client", "parameters": { "ttrType": "CUSTOM", "value": 3000 }, "result_variable": "none" },
                { "name": "INVOCATION", "type": "client", "parameters": { "lambdaUuid": "4ec49ffc-080b-4e59-b302-18d6b826191b", "payload": "{ \"some\": \"stuff\"}", "failOnError": true }, "result_variable": "none" },
                { "name": "lookup_order", "type": "server", "parameters": {} }
            ]
        }}),
        ChannelType::Messaging,
    )
    .await
    .unwrap();
    assert_eq!(
        reply.actions,
        [
            Action::TransferToAgent {
                skill: "human_skill".into(),
                agent_id: AgentId::new("4129463410")
            },
            Action::Close { without_pcs: true },
            Action::ChangeTtr(Ttr::Custom(3000)),
            Action::InvokeFunction(
                FunctionInvocation::new(
                    "4ec49ffc-080b-4e59-b302-18d6b826191b",
                    json!("{ \"some\": \"stuff\"}")
                )
                .fail_on_error()
            ),
        ]
    );
    let err = reply.validate(ChannelType::Messaging).unwrap_err();
    assert_eq!(err, ReplyError::MultipleActions { count: 4 });
    assert_eq!(err.code(), core_codes::MULTIPLE_ACTIONS);

    let urgent = turn(
        json!({"output": {"generic": [], "actions": [{ "name": "CHANGE_TTR", "type": "client", "parameters": { "ttrType": "URGENT" }, "result_variable": "none" }]}}),
        ChannelType::Messaging,
    )
    .await
    .unwrap();
    assert_eq!(
        urgent.validate(ChannelType::Messaging).unwrap().action(),
        Some(&Action::ChangeTtr(Ttr::Urgent))
    );
}

#[tokio::test]
async fn search_results_become_texts_with_links() {
    let reply = turn(
        generic(json!([{
            "response_type": "search",
            "header": "I found this:",
            "primary_results": [{"id": "d1", "title": "Refunds", "body": "Refunds take 5 days.", "url": "https://help.example/refunds", "result_metadata": {"confidence": 0.8}}],
            "additional_results": []
        }])),
        ChannelType::Messaging,
    )
    .await
    .unwrap();
    assert_eq!(
        reply.outputs,
        [
            Output::text("I found this:"),
            Output::text("Refunds\nRefunds take 5 days.\nhttps://help.example/refunds")
        ]
    );
}

#[tokio::test]
async fn unsupported_types_are_skipped_and_alone_are_message_format_not_supported() {
    let mixed = turn(
        generic(json!([
            {"response_type": "video", "source": "https://v.example/a.mp4"},
            {"response_type": "text", "text": "shown"},
            {"response_type": "text", "text": "web chat only", "channels": [{"channel": "chat"}]}
        ])),
        ChannelType::Messaging,
    )
    .await
    .unwrap();
    assert_eq!(
        mixed.outputs,
        [Output::text("shown"), Output::text("web chat only")]
    );

    let err = turn(
        generic(json!([{"response_type": "video", "source": "https://v.example/a.mp4"}, {"response_type": "iframe", "source": "https://x.example"}])),
        ChannelType::Messaging,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), &codes::MESSAGE_FORMAT_NOT_SUPPORTED);
    assert!(err.to_string().contains("video, iframe"), "{err}");
}

#[tokio::test]
async fn the_channel_filter_hides_items_for_other_integrations() {
    let server = MockServer::start().await;
    answer(
        &server,
        generic(json!([
            {"response_type": "text", "text": "for slack", "channels": [{"channel": "slack"}]},
            {"response_type": "text", "text": "for liveperson", "channels": [{"channel": "liveperson"}]},
            {"response_type": "text", "text": "for everyone"}
        ])),
    )
    .await;
    let engine = engine(
        v2_config(&server, apikey())
            .stateless()
            .with_channel("liveperson"),
    );
    let reply = engine
        .handle(&text("c", "hi"), &mut EngineSession::default())
        .await
        .unwrap();
    assert_eq!(
        reply.outputs,
        [Output::text("for liveperson"), Output::text("for everyone")]
    );
}

#[tokio::test]
async fn malformed_items_carry_liveperson_parser_codes() {
    let cases = [
        (
            json!({"response_type": "image", "title": "no source"}),
            codes::IMAGE_UNDEFINED_SOURCE,
        ),
        (
            json!({"response_type": "option", "title": "Pick", "options": []}),
            codes::LIST_UNDEFINED_OPTIONS,
        ),
        (
            json!({"response_type": "pause", "typing": true}),
            codes::PAUSE_UNDEFINED_TIME,
        ),
        (json!({"response_type": "text"}), codes::UNDEFINED_TEXT),
        (
            json!({"response_type": "text", "text": "{\"structuredContent\": []}"}),
            codes::UNDEFINED_STRUCTURED_CONTENT,
        ),
    ];
    for (item, code) in cases {
        let err = turn(generic(json!([item])), ChannelType::Messaging)
            .await
            .unwrap_err();
        assert_eq!(err.code(), &code, "{item}");
        let EngineError::InvalidResponse { body, .. } = err else {
            panic!("{item}")
        };
        // The offending item, or the offending value inside it.
        assert!(item.to_string().contains(&body), "{body} not in {item}");
    }
}
