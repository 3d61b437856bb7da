//! Decoding and encoding the frames a bot sees most: a consumer message
//! distribution, a publish request, a conversation change.
//! `cargo bench -p liveengage-proto --bench codecs`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use liveengage_proto::{Frame, UmsNotification};

const MESSAGE: &str = r#"{"kind":"notification","type":".ams.ms.OnlineEventDistribution","body":{"sequence":2,"originatorClientProperties":{"type":".ClientProperties","ipAddress":"10.0.0.1"},"originatorId":"c1","originatorPId":"c1","originatorMetadata":{"id":"c1","role":"CONSUMER"},"serverTimestamp":1470732437925,"event":{"type":"ContentEvent","message":"where is my order 123456","contentType":"text/plain"},"dialogId":"conv-1","metadata":[]}}"#;

const PUBLISH: &str = r#"{"kind":"req","id":"7f0c2a1e-1111-4222-8333-944455556666","type":".ams.ms.PublishEvent","body":{"dialogId":"conv-1","event":{"type":"ContentEvent","contentType":"text/plain","message":"Order 123456 shipped yesterday."}}}"#;

const CHANGE: &str = r#"{"kind":"notification","type":".ams.aam.ExConversationChangeNotification","body":{"subscriptionId":"s1","changes":[{"type":"UPSERT","result":{"convId":"conv-1","effectiveTTR":-1,"conversationDetails":{"skillId":"1","participants":{"CONSUMER":["c1"],"ASSIGNED_AGENT":["12345678.1234567890"]},"participantsPId":{"CONSUMER":["c1"],"ASSIGNED_AGENT":["p1"]},"dialogs":[{"dialogId":"conv-1","dialogType":"MAIN","channelType":"MESSAGING","state":"OPEN","participantsDetails":[{"id":"c1","role":"CONSUMER","state":"ACTIVE"}]}],"state":"OPEN","stage":"OPEN","startTs":1,"ttr":{"ttrType":"NORMAL","value":1200}}}}]}}"#;

fn codecs(c: &mut Criterion) {
    c.bench_function("decode consumer message notification", |b| {
        b.iter(|| {
            let Ok(Frame::Notification(n)) = Frame::decode(black_box(MESSAGE)) else {
                panic!("not a notification")
            };
            black_box(UmsNotification::decode(&n).is_ok())
        });
    });
    c.bench_function("decode conversation change", |b| {
        b.iter(|| {
            let Ok(Frame::Notification(n)) = Frame::decode(black_box(CHANGE)) else {
                panic!("not a notification")
            };
            black_box(UmsNotification::decode(&n).is_ok())
        });
    });
    let publish = Frame::decode(PUBLISH).expect("valid frame");
    c.bench_function("encode publish request", |b| {
        b.iter(|| black_box(black_box(&publish).encode()));
    });
}

criterion_group!(benches, codecs);
criterion_main!(benches);
