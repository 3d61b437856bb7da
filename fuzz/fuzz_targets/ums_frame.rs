//! UMS WebSocket frames, as the messaging transport reads them
//! (`liveengage-messaging`'s `handle_frame`): `Frame::decode`, then the typed
//! view of requests and notifications.
//!
//! Properties, besides "no panic":
//! - the fast decoder agrees with the derived `Deserialize` (the definition)
//!   on the same object (duplicate keys folded, as a JSON object has none);
//! - a decoded frame encodes back to JSON that decodes to the same frame;
//! - a typed request or notification encodes back to a frame whose typed
//!   view is the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liveengage_proto::{Frame, Notification, Side, UmsNotification, UmsRequest};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(frame) = Frame::decode_slice(data) else {
        // A rejected frame is rejected by the definition too.
        if let Ok(object) = serde_json::from_slice::<Value>(data) {
            assert!(
                serde_json::from_value::<Frame>(object.clone()).is_err(),
                "the fast decoder rejects what the derived one accepts: {object}"
            );
        }
        return;
    };

    let object: Value = serde_json::from_slice(data).expect("a decoded frame is JSON");
    let derived = serde_json::from_value::<Frame>(object.clone())
        .unwrap_or_else(|e| panic!("the derived decoder rejects a decoded frame: {e}: {object}"));
    assert_eq!(frame, derived, "fast and derived decoders differ on {object}");

    let encoded = frame.encode();
    let again = Frame::decode(&encoded)
        .unwrap_or_else(|e| panic!("an encoded frame does not decode: {e}: {encoded}"));
    assert_eq!(frame, again, "the frame changed through encode/decode: {encoded}");

    match &frame {
        Frame::Req(req) => {
            if let Ok(typed) = UmsRequest::decode(req) {
                for side in [Side::Agent, Side::Consumer] {
                    let rebuilt = typed.clone().into_request(req.id.clone(), side);
                    let back = UmsRequest::decode(&rebuilt).unwrap_or_else(|e| {
                        panic!("a typed request does not decode back ({side:?}): {e}: {rebuilt:?}")
                    });
                    assert_eq!(typed, back, "the request changed ({side:?}): {rebuilt:?}");
                }
            }
        }
        Frame::Notification(n) => {
            if let Ok(typed) = UmsNotification::decode(n) {
                let body = match &typed {
                    UmsNotification::RoutingTask(b) => serde_json::to_value(b),
                    UmsNotification::ExConversationChange(b) => serde_json::to_value(b),
                    UmsNotification::OnlineEventDistribution(b) => serde_json::to_value(b),
                    UmsNotification::MessagingEvent(b) => serde_json::to_value(b),
                    UmsNotification::AgentState(b) => serde_json::to_value(b),
                    _ => return,
                }
                .expect("typed bodies serialize");
                let rebuilt = Notification {
                    type_name: n.type_name.clone(),
                    body: Some(body),
                    extra: n.extra.clone(),
                };
                let back = UmsNotification::decode(&rebuilt).unwrap_or_else(|e| {
                    panic!("a typed notification does not decode back: {e}: {rebuilt:?}")
                });
                assert_eq!(typed, back, "the notification changed: {rebuilt:?}");
            }
        }
        Frame::Resp(_) => {}
    }
});
