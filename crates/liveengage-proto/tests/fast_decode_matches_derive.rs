//! `Frame::decode` takes a fast path (one parse, fields moved out); the
//! derived `Deserialize` is the definition. For frame-like objects with
//! every kind, id, code and type shape, both accept the same inputs and
//! give the same frame.

use liveengage_proto::Frame;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (0u32..70_000).prop_map(|n| json!(n)),
        (-5i32..5).prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[a-z.]{0,12}".prop_map(Value::String),
        Just(json!([1, "a"])),
        Just(json!({"x": 1})),
    ]
}

fn kind() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("req")),
        Just(json!("resp")),
        Just(json!("notification")),
        Just(json!("other")),
        Just(json!(3)),
    ]
}

fn key() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("id"),
        Just("reqId"),
        Just("code"),
        Just("type"),
        Just("body"),
        Just("headers"),
        Just("metadata"),
        Just("encodedMetadata"),
        Just("extra1"),
        Just("kind"),
    ]
}

fn object() -> impl Strategy<Value = String> {
    (
        proptest::option::weighted(0.9, kind()),
        proptest::collection::vec((key(), scalar()), 0..8),
    )
        .prop_map(|(kind, pairs)| {
            let mut map = Map::new();
            if let Some(kind) = kind {
                map.insert("kind".into(), kind);
            }
            for (k, v) in pairs {
                map.insert(k.into(), v);
            }
            Value::Object(map).to_string()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn the_fast_path_agrees_with_the_derived_decoder(text in object()) {
        let fast = Frame::decode(&text).ok();
        let derived = serde_json::from_str::<Frame>(&text).ok();
        prop_assert_eq!(fast, derived, "{}", text);
    }
}

#[test]
fn typical_frames_decode_the_same_both_ways() {
    for text in [
        r#"{"kind":"req","id":"1","type":".ams.ms.PublishEvent","body":{"dialogId":"d"},"headers":null,"x":[1]}"#,
        r#"{"kind":"resp","reqId":7,"code":200,"body":null}"#,
        r#"{"kind":"resp","reqId":"7","code":404,"type":null}"#,
        r#"{"kind":"notification","type":".ams.ms.OnlineEventDistribution","body":{"sequence":1}}"#,
        r#"{"kind":"notification","type":"t"}"#,
    ] {
        let fast = Frame::decode(text).unwrap();
        assert_eq!(fast, serde_json::from_str::<Frame>(text).unwrap(), "{text}");
    }
    for bad in [
        r#"{"kind":"resp","reqId":1.5,"code":200}"#,
        r#"{"kind":"resp","reqId":"1","code":70000}"#,
        r#"{"kind":"req","type":"t"}"#,
        r#"{"kind":"notification","type":5}"#,
        r#"{"type":"t"}"#,
        r#"[1]"#,
    ] {
        assert!(Frame::decode(bad).is_err(), "{bad}");
        assert!(serde_json::from_str::<Frame>(bad).is_err(), "{bad}");
    }
}
