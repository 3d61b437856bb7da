//! Validating bot replies: a plain text, and a card carousel with quick replies.
//! `cargo bench -p connector-core --bench validation`

use std::hint::black_box;
use std::time::Duration;

use connector_core::rich::{
    Button, ClickAction, Element, Image, QuickReplies, StructuredContent, Text,
};
use connector_core::{Action, BotReply, ChannelType, Output};
use criterion::{Criterion, criterion_group, criterion_main};

fn card(n: u32) -> Element {
    Element::vertical([
        Image::new(format!("https://example.com/{n}.png").parse().expect("url")).into(),
        Text::new(format!("Product {n}")).into(),
        Button::new("Buy")
            .on_click(ClickAction::publish_text(format!("buy {n}")))
            .into(),
    ])
}

fn validation(c: &mut Criterion) {
    let text = BotReply::new().with_text("Order 123456 shipped yesterday.");
    c.bench_function("validate text reply", |b| {
        b.iter(|| black_box(black_box(&text).validate(ChannelType::Messaging).is_ok()));
    });
    let carousel = StructuredContent::new(Element::carousel((1..=5).map(card))).expect("valid");
    let replies = QuickReplies::new([Button::publish("Yes", "yes"), Button::publish("No", "no")]);
    let rich = BotReply::new()
        .with_output(Output::structured(carousel))
        .with_output(Output::delay(Duration::from_millis(500), true))
        .with_output(Output::quick_replies("Anything else?", &replies).expect("valid"))
        .with_action(Action::transfer("human-agents"));
    c.bench_function("validate carousel + quick replies + transfer", |b| {
        b.iter(|| black_box(black_box(&rich).validate(ChannelType::Messaging).is_ok()));
    });
}

criterion_group!(benches, validation);
criterion_main!(benches);
