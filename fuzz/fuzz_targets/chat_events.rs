//! Chat Agent API (REST) bodies, as `liveengage-chat` reads them: the response
//! text parsed as JSON (`api.rs`), then `serde_json::from_value` into the
//! typed body (`poller.rs`, `outbound.rs`).
//!
//! Property, besides "no panic": every body that decodes serializes back (with
//! `@`-prefixed keys) to JSON that decodes to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use liveengage_proto::chat::{
    AgentSessionLocation, AvailabilityBody, ChatBody, ChatEventLocation, ChatLocation, EventsBody,
    IncomingRequestsBody, TransferOptionsBody,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn round_trip<T>(value: &Value)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let Ok(typed) = serde_json::from_value::<T>(value.clone()) else {
        return;
    };
    let encoded = serde_json::to_value(&typed).expect("chat bodies serialize");
    let back = serde_json::from_value::<T>(encoded.clone()).unwrap_or_else(|e| {
        panic!(
            "{} does not decode back: {e}: {encoded}",
            std::any::type_name::<T>()
        )
    });
    assert_eq!(
        typed,
        back,
        "{} changed through encode/decode: {value} -> {encoded}",
        std::any::type_name::<T>()
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    round_trip::<EventsBody>(&value);
    round_trip::<ChatBody>(&value);
    round_trip::<IncomingRequestsBody>(&value);
    round_trip::<AvailabilityBody>(&value);
    round_trip::<AgentSessionLocation>(&value);
    round_trip::<ChatLocation>(&value);
    round_trip::<ChatEventLocation>(&value);
    round_trip::<TransferOptionsBody>(&value);
});
