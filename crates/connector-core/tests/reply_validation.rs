//! Reply validation follows LivePerson's rules and error codes.

use std::time::Duration;

use connector_core::rich::{Button, QuickReplies, StructuredContent, Text};
use connector_core::{Action, BotReply, ChannelType, FunctionInvocation, Output, ReplyError, Ttr};
use serde_json::json;

fn lp(err: &ReplyError) -> String {
    err.code().liveperson()
}

#[test]
fn empty_reply_is_missing_action_and_messages() {
    let err = BotReply::new()
        .validate(ChannelType::Messaging)
        .unwrap_err();
    assert_eq!(err, ReplyError::MissingActionAndMessages);
    assert_eq!(
        lp(&err),
        "com.liveperson.bot-connectors-worker.error.pipes.verify-ai-response.missing-action-and-messages"
    );
}

#[test]
fn a_delay_alone_is_a_legitimate_no_answer() {
    let reply = BotReply::new().with_output(Output::delay(Duration::from_secs(2), false));
    let valid = reply.validate(ChannelType::Chat).unwrap();
    assert_eq!(valid.outputs().len(), 1);
    assert_eq!(valid.action(), None);
}

#[test]
fn more_than_one_action_is_an_error() {
    let reply = BotReply::new()
        .with_text("bye")
        .with_action(Action::close())
        .with_action(Action::transfer("humans"));
    let err = reply.validate(ChannelType::Messaging).unwrap_err();
    assert_eq!(err, ReplyError::MultipleActions { count: 2 });
    assert_eq!(
        err.code().as_str(),
        "pipes.verify-ai-response.multiple-actions"
    );
}

#[test]
fn quick_replies_are_errors_on_chat_only() {
    let qr =
        Output::quick_replies("Pick one", &QuickReplies::new([Button::publish("a", "a")])).unwrap();
    let reply = BotReply::new().with_output(qr);
    assert!(reply.validate(ChannelType::Messaging).is_ok());
    let err = reply.validate(ChannelType::Chat).unwrap_err();
    assert_eq!(err, ReplyError::QuickRepliesNotSupported);
    assert_eq!(
        err.code().as_str(),
        "pipes.verify-ai-response.quick-replies-not-supported"
    );
}

#[test]
fn quick_replies_need_their_message_text_and_replies() {
    let no_text = BotReply::new().with_output(Output::quick_replies_raw(
        " ",
        json!({"type": "quickReplies", "replies": [{"type": "button", "title": "a"}]}),
    ));
    assert_eq!(
        no_text.validate(ChannelType::Messaging).unwrap_err(),
        ReplyError::EmptyText
    );
    let no_replies = BotReply::new().with_output(Output::quick_replies_raw(
        "Pick",
        json!({"type": "quickReplies", "replies": []}),
    ));
    assert!(matches!(
        no_replies.validate(ChannelType::Messaging).unwrap_err(),
        ReplyError::InvalidStructuredContent(_)
    ));
}

#[test]
fn ttr_is_an_error_on_chat_with_liveperson_code_when_alone() {
    let alone = BotReply::new().with_action(Action::ChangeTtr(Ttr::Urgent));
    assert!(alone.validate(ChannelType::Messaging).is_ok());
    let err = alone.validate(ChannelType::Chat).unwrap_err();
    assert_eq!(
        err.code().as_str(),
        "pipes.verify-ai-response.no-messages-and-not-supported-action"
    );
    let with_text = BotReply::new()
        .with_text("hi")
        .with_action(Action::ChangeTtr(Ttr::Custom(60)));
    let err = with_text.validate(ChannelType::Chat).unwrap_err();
    assert!(matches!(
        err,
        ReplyError::ActionNotSupported {
            action: "change-ttr",
            has_messages: true,
            ..
        }
    ));
}

#[test]
fn encoded_metadata_rules() {
    let ok = BotReply::new()
        .with_output(Output::text("hi").with_encoded_metadata("ewoiaWQiOiAiMSIKfQ=="));
    assert!(ok.validate(ChannelType::Messaging).is_ok());
    assert_eq!(
        ok.validate(ChannelType::Chat).unwrap_err(),
        ReplyError::EncodedMetadataOnChat
    );

    let big =
        BotReply::new().with_output(Output::text("hi").with_encoded_metadata("A".repeat(5001)));
    assert_eq!(
        big.validate(ChannelType::Messaging).unwrap_err(),
        ReplyError::EncodedMetadataTooLarge { len: 5001 }
    );
    let at_limit =
        BotReply::new().with_output(Output::text("hi").with_encoded_metadata("A".repeat(5000)));
    assert!(at_limit.validate(ChannelType::Messaging).is_ok());

    let not_b64 =
        BotReply::new().with_output(Output::text("hi").with_encoded_metadata("{not base64}"));
    assert_eq!(
        not_b64.validate(ChannelType::Messaging).unwrap_err(),
        ReplyError::EncodedMetadataNotBase64
    );
}

#[test]
fn structured_content_over_15000_bytes_is_an_error() {
    let many =
        connector_core::rich::Element::vertical((0..40).map(|_| Text::new("x".repeat(400)).into()));
    let sc = StructuredContent::new(many).unwrap();
    assert!(sc.byte_len() > 15_000);
    let err = BotReply::new()
        .with_output(Output::structured(sc))
        .validate(ChannelType::Messaging)
        .unwrap_err();
    assert!(matches!(err, ReplyError::StructuredContentTooLarge { len } if len > 15_000));

    let small = StructuredContent::new(Text::new("ok")).unwrap();
    assert!(
        BotReply::new()
            .with_output(Output::structured(small))
            .validate(ChannelType::Chat)
            .is_ok()
    );
}

#[test]
fn empty_text_is_an_error() {
    let err = BotReply::new()
        .with_text("  ")
        .validate(ChannelType::Messaging)
        .unwrap_err();
    assert_eq!(err, ReplyError::EmptyText);
}

#[test]
fn a_valid_reply_keeps_output_order_and_its_action() {
    let invoke =
        Action::InvokeFunction(FunctionInvocation::new("uuid-1", json!({"a": 1})).fail_on_error());
    let reply = BotReply::new()
        .with_text("one")
        .with_output(Output::delay(Duration::from_millis(1500), true))
        .with_output(Output::private_text("note"))
        .with_action(invoke.clone());
    let (outputs, action) = reply.validate(ChannelType::Messaging).unwrap().into_parts();
    assert_eq!(outputs[0], Output::text("one"));
    assert_eq!(outputs[1], Output::delay(Duration::from_millis(1500), true));
    assert_eq!(outputs[2], Output::private_text("note"));
    assert_eq!(action, Some(invoke));
}

#[test]
fn replies_round_trip_through_json() {
    let reply = BotReply::new()
        .with_text("hi")
        .with_output(Output::delay(Duration::from_millis(250), true))
        .with_action(Action::ChangeTtr(Ttr::Custom(120)));
    let json = serde_json::to_value(&reply).unwrap();
    assert_eq!(
        json["actions"][0],
        json!({"type": "changeTtr", "ttrType": "CUSTOM", "value": 120})
    );
    let back: BotReply = serde_json::from_value(json).unwrap();
    assert_eq!(back, reply);
}
