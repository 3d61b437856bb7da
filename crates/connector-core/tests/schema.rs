//! Every structured-content builder produces JSON that validates against
//! json-pollock's schema (copied into `tests/data/rich-content`, MIT), and
//! invalid payloads are rejected by both the schema and our checks.

use std::path::Path;
use std::sync::OnceLock;

use connector_core::rich::{
    Button, ClickAction, Element, Image, LinkTarget, Map, QuickReplies, RichContentError, Size,
    StructuredContent, Style, Text,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const BASE: &str = "https://schemas.local/rich-content/";

fn load(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/rich-content/schema")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn schemas() -> &'static Vec<(String, Value)> {
    static SCHEMAS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rich-content/schema");
        let mut all: Vec<(String, Value)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".json"))
            .map(|n| (format!("{BASE}{n}"), load(&n)))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(all.len() >= 20, "schema folder incomplete: {}", all.len());
        all
    })
}

/// The validator for the schema file `root`, built once per root.
fn validator(root: &'static str) -> &'static jsonschema::Validator {
    static RICH: OnceLock<jsonschema::Validator> = OnceLock::new();
    static BUTTON: OnceLock<jsonschema::Validator> = OnceLock::new();
    let cell = match root {
        "rich_content.json" => &RICH,
        "button.json" => &BUTTON,
        other => panic!("no validator cached for {other}"),
    };
    cell.get_or_init(|| {
        let mut builder = jsonschema::Registry::new();
        for (uri, schema) in schemas() {
            builder = builder.add(uri, schema).unwrap();
        }
        let registry = builder.prepare().unwrap();
        jsonschema::options()
            .with_registry(&registry)
            .with_base_uri(format!("{BASE}{root}"))
            .build(&load(root))
            .unwrap()
    })
}

/// Validates `instance` against the schema file `root` (e.g. `rich_content.json`).
fn errors_against(root: &'static str, instance: &Value) -> Vec<String> {
    validator(root)
        .iter_errors(instance)
        .map(|e| e.to_string())
        .collect()
}

fn assert_valid(instance: &Value) {
    let errors = errors_against("rich_content.json", instance);
    assert!(errors.is_empty(), "{instance:#}\nis invalid: {errors:?}");
}

fn assert_invalid(instance: &Value) {
    assert!(
        !errors_against("rich_content.json", instance).is_empty(),
        "{instance:#}\nshould be rejected by the schema"
    );
}

fn url(s: &str) -> url::Url {
    s.parse().unwrap()
}

#[test]
fn text_element_with_style_and_tooltip_is_valid() {
    let sc = StructuredContent::new(
        Text::new("Hello").tooltip("greeting").style(
            Style::new()
                .bold()
                .italic()
                .color("#000000")
                .size(Size::Large),
        ),
    )
    .unwrap();
    assert_eq!(sc.as_json()["type"], "text");
    assert_eq!(sc.as_json()["style"]["bold"], true);
    assert_valid(sc.as_json());
}

#[test]
fn buttons_with_each_click_action_are_valid() {
    let publish = Button::new("Yes").on_click(ClickAction::publish_text("yes please"));
    let link = Button::new("Open").on_click(ClickAction::Link {
        uri: url("https://example.com/page"),
        name: Some("page".into()),
        target: Some(LinkTarget::Blank),
    });
    let navigate = Button::new("Go").on_click(ClickAction::navigate(48.85, 2.35));
    for button in [publish, link, navigate] {
        let sc = StructuredContent::new(button).unwrap();
        assert_eq!(sc.as_json()["type"], "button");
        assert_eq!(
            sc.as_json()["click"]["actions"].as_array().unwrap().len(),
            1
        );
        assert_valid(sc.as_json());
    }
}

#[test]
fn image_and_map_are_valid() {
    let image = StructuredContent::new(
        Image::new(url("https://example.com/a.png"))
            .caption("A")
            .on_click(ClickAction::link(url("https://example.com"))),
    )
    .unwrap();
    assert_eq!(image.as_json()["url"], "https://example.com/a.png");
    assert_valid(image.as_json());
    let map = StructuredContent::new(Map::new(49.8238, 2.0214).tooltip("here")).unwrap();
    assert_eq!(map.as_json()["la"], 49.8238);
    assert_valid(map.as_json());
}

fn card(n: u32) -> Element {
    Element::vertical([
        Image::new(url(&format!("https://example.com/{n}.png"))).into(),
        Text::new(format!("Product {n}"))
            .style(Style::new().bold())
            .into(),
        Element::horizontal([
            Button::publish("Buy", format!("buy {n}")).into(),
            Button::new("Details")
                .on_click(ClickAction::link(url("https://example.com/d")))
                .click_metadata(json!({"type": "ExternalId", "id": format!("d-{n}")}))
                .into(),
        ]),
    ])
}

#[test]
fn vertical_and_horizontal_layouts_nest_and_are_valid() {
    let sc = StructuredContent::new(card(1)).unwrap();
    assert_eq!(sc.as_json()["type"], "vertical");
    assert_eq!(sc.as_json()["elements"][2]["type"], "horizontal");
    assert_valid(sc.as_json());
}

#[test]
fn carousel_of_cards_is_valid() {
    let sc = StructuredContent::new(Element::carousel((1..=3).map(card))).unwrap();
    assert_eq!(sc.as_json()["type"], "carousel");
    assert_eq!(sc.as_json()["elements"].as_array().unwrap().len(), 3);
    assert_valid(sc.as_json());
}

#[test]
fn quick_replies_match_the_documented_shape_and_buttons_validate() {
    let qr = QuickReplies::new([
        Button::publish("yes", "yep")
            .tooltip("yes i do")
            .click_metadata(json!({"type": "ExternalId", "id": "Yes-1234"})),
        Button::publish("no", "nope"),
    ])
    .items_per_row(8);
    let json = qr.to_json().unwrap();
    assert_eq!(json["type"], "quickReplies");
    assert_eq!(json["itemsPerRow"], 8);
    assert_eq!(
        json["replies"][0]["click"]["actions"][0],
        json!({"type": "publishText", "text": "yep"})
    );
    for reply in json["replies"].as_array().unwrap() {
        assert_eq!(
            reply["type"], "button",
            "LiveEngage's examples tag each reply"
        );
        let errors = errors_against("button.json", reply);
        assert!(errors.is_empty(), "{errors:?}");
    }
}

#[test]
fn invalid_payloads_are_rejected_by_the_schema() {
    assert_invalid(&json!({"type": "text"}));
    assert_invalid(&json!({"type": "text", "text": "a", "colour": "red"}));
    assert_invalid(&json!({"type": "button", "click": {"actions": []}}));
    assert_invalid(&json!({"type": "vertical"}));
    assert_invalid(
        &json!({"type": "carousel", "elements": [{"type": "vertical", "elements": []}]}),
    );
    assert_invalid(
        &json!({"type": "button", "title": "x", "click": {"actions": [{"type": "teleport"}]}}),
    );
    assert_invalid(&json!({"type": "text", "text": "x".repeat(5001)}));
}

#[test]
fn builder_checks_reject_what_the_schema_rejects() {
    let lonely = Element::carousel([card(1)]);
    assert_eq!(
        StructuredContent::new(lonely.clone()),
        Err(RichContentError::CarouselSize { len: 1 })
    );
    assert_invalid(&serde_json::to_value(&lonely).unwrap());

    let long_title = Button::new("t".repeat(129));
    assert!(matches!(
        StructuredContent::new(long_title.clone()),
        Err(RichContentError::TooLong {
            field: "button.title",
            len: 129,
            max: 128
        })
    ));
    assert_invalid(&serde_json::to_value(Element::from(long_title)).unwrap());

    let busy = (0..5).fold(Button::new("b"), |b, i| {
        b.on_click(ClickAction::publish_text(i.to_string()))
    });
    assert!(matches!(
        StructuredContent::new(busy.clone()),
        Err(RichContentError::TooManyActions { len: 5, max: 4 })
    ));
    assert_invalid(&serde_json::to_value(Element::from(busy)).unwrap());

    let nested = Element::carousel([card(1), Element::carousel([card(2), card(3)])]);
    assert_eq!(
        StructuredContent::new(nested.clone()),
        Err(RichContentError::NestedCarousel)
    );
    assert_invalid(&serde_json::to_value(&nested).unwrap());

    assert_eq!(
        QuickReplies::new([]).to_json(),
        Err(RichContentError::NoReplies)
    );
    assert_eq!(
        QuickReplies::new([Button::publish("a", "a")])
            .items_per_row(9)
            .to_json(),
        Err(RichContentError::ItemsPerRow(9))
    );
}

#[test]
fn raw_escape_hatch_keeps_the_json_and_checks_the_outer_shape() {
    let raw = json!({"type": "vertical", "elements": [{"type": "text", "text": "raw"}]});
    let sc = StructuredContent::raw(raw.clone()).unwrap();
    assert_eq!(sc.as_json(), &raw);
    assert_valid(sc.as_json());
    assert_eq!(
        StructuredContent::raw(json!([1, 2])),
        Err(RichContentError::NotAnElement)
    );
    assert_eq!(
        StructuredContent::raw(json!({"elements": []})),
        Err(RichContentError::NotAnElement)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_text_within_limits_builds_valid_cards(
        title in "\\PC{1,128}",
        body in "\\PC{0,300}",
        publish in "\\PC{0,256}",
        la in -90.0f64..90.0,
        lo in -180.0f64..180.0,
    ) {
        let root = Element::vertical([
            Text::new(body).into(),
            Button::new(title).on_click(ClickAction::publish_text(publish)).into(),
            Map::new(la, lo).into(),
        ]);
        let sc = StructuredContent::new(root).unwrap();
        let errors = errors_against("rich_content.json", sc.as_json());
        prop_assert!(errors.is_empty(), "{:?}", errors);
    }
}
