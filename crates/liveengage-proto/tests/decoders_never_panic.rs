//! Property tests: decoders return `Err` on garbage instead of panicking,
//! and typed frames survive an encode/decode round trip.

use liveengage_proto::enums::RingState;
use liveengage_proto::requests::{PublishEvent, QueryMessages, UpdateRingState};
use liveengage_proto::{Event, Frame, RequestId, Side, UmsNotification, UmsRequest};
use proptest::prelude::*;

/// Strings that look a lot like frames, to get past the first JSON checks.
fn frameish() -> impl Strategy<Value = String> {
    let kinds = prop_oneof![Just("req"), Just("resp"), Just("notification"), Just("x")];
    let types = prop_oneof![
        Just(".ams.ms.PublishEvent"),
        Just("cm.UpdateConversationField"),
        Just(".ams.routing.RoutingTaskNotification"),
        Just(".ams.aam.ExConversationChangeNotification"),
        Just(".ams.ms.OnlineEventDistribution"),
        Just("ms.MessagingEventNotification"),
        Just(".ams.userprofile.GetUserProfile"),
        Just(".ams.routing.UpdateRingState"),
    ];
    let bodies = prop_oneof![
        Just("{}".to_owned()),
        Just("null".to_owned()),
        Just("[1,2]".to_owned()),
        Just(r#"{"changes":[{"type":"UPSERT","result":7}]}"#.to_owned()),
        Just(r#"{"dialogId":5,"event":{"type":"ContentEvent"}}"#.to_owned()),
        "[a-z0-9{}\\[\\]\":,]{0,40}",
    ];
    (kinds, types, bodies).prop_map(|(k, t, b)| {
        format!(r#"{{"kind":"{k}","id":"1","reqId":"1","code":200,"type":"{t}","body":{b}}}"#)
    })
}

fn typed_views(frame: &Frame) {
    match frame {
        Frame::Req(req) => {
            let _ = UmsRequest::decode(req);
        }
        Frame::Notification(n) => {
            let _ = UmsNotification::decode(n);
        }
        Frame::Resp(_) => {}
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(frame) = Frame::decode_slice(&bytes) {
            typed_views(&frame);
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(text in ".{0,200}") {
        if let Ok(frame) = Frame::decode(&text) {
            typed_views(&frame);
        }
    }

    #[test]
    fn frame_like_strings_never_panic(text in frameish()) {
        match Frame::decode(&text) {
            Ok(frame) => typed_views(&frame),
            Err(e) => prop_assert!(e.to_string().contains("malformed")),
        }
    }

    #[test]
    fn publish_event_round_trips(id in "[a-zA-Z0-9-]{1,64}", dialog in "[a-z0-9-]{1,40}", text in ".{0,100}") {
        let request = UmsRequest::PublishEvent(PublishEvent {
            dialog_id: dialog.as_str().into(),
            conversation_id: None,
            event: Event::text(text.clone()),
            message_audience: None,
            extra: Default::default(),
        });
        let encoded = Frame::from(request.clone().into_request(id.as_str(), Side::Agent)).encode();
        let Frame::Req(req) = Frame::decode(&encoded).unwrap() else { panic!("not a request") };
        prop_assert_eq!(&req.id, &RequestId::Text(id));
        prop_assert_eq!(UmsRequest::decode(&req).unwrap(), request);
    }

    #[test]
    fn ring_answer_and_history_round_trip(ring in "[a-z0-9_]{1,60}", accept in any::<bool>(), from in 0i64..1_000_000, id in any::<i64>()) {
        let state = if accept { RingState::Accepted } else { RingState::Rejected };
        for request in [
            UmsRequest::UpdateRingState(UpdateRingState { ring_id: ring.as_str().into(), ring_state: state.clone(), extra: Default::default() }),
            UmsRequest::QueryMessages(QueryMessages { dialog_id: ring.as_str().into(), from_seq: Some(from), newer_than_sequence: Some(from), max_quantity: None, extra: Default::default() }),
        ] {
            for side in [Side::Agent, Side::Consumer] {
                let encoded = Frame::from(request.clone().into_request(RequestId::Number(id), side)).encode();
                let Frame::Req(req) = Frame::decode(&encoded).unwrap() else { panic!("not a request") };
                prop_assert_eq!(UmsRequest::decode(&req).unwrap(), request.clone());
            }
        }
    }
}
