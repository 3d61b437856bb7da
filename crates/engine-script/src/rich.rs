//! Structured content and quick replies written in the script: the small typed
//! card form, or raw JSON, checked when the script loads.

use connector_core::rich::{
    Button, ClickAction, Element, Image, QuickReplies, StructuredContent, Style, Text,
};
use serde_json::{Value, json};

use crate::config::{ButtonConfig, CardConfig, ReplyConfig};
use crate::error::{At, ScriptError, invalid};

/// The structured content of a `structured` output, from whichever of `card`,
/// `cards`, `content` or `json` was given (exactly one).
pub(crate) fn structured(
    at: &At<'_>,
    card: Option<&CardConfig>,
    cards: Option<&[CardConfig]>,
    content: Option<&Value>,
    json: Option<&str>,
) -> Result<StructuredContent, ScriptError> {
    let given = [
        card.is_some(),
        cards.is_some(),
        content.is_some(),
        json.is_some(),
    ]
    .iter()
    .filter(|g| **g)
    .count();
    if given != 1 {
        return Err(invalid(
            at,
            "type",
            format!(
                "a `structured` output needs exactly one of `card`, `cards`, `content` or `json`, found {given}"
            ),
        ));
    }
    if let Some(card) = card {
        let element = card_element(&at.nested("card"), card)?;
        return checked(at, "card", element);
    }
    if let Some(cards) = cards {
        let elements = cards
            .iter()
            .enumerate()
            .map(|(i, c)| card_element(&at.nested(&format!("cards[{i}]")), c))
            .collect::<Result<Vec<_>, _>>()?;
        return checked(at, "cards", Element::carousel(elements));
    }
    let (field, value) = match (content, json) {
        (Some(content), _) => ("content", content.clone()),
        (None, Some(json)) => (
            "json",
            serde_json::from_str(json).map_err(|e| {
                invalid(
                    at,
                    "json",
                    format!(
                        "not valid JSON ({e}); check quotes and commas, or use a `content` table"
                    ),
                )
            })?,
        ),
        (None, None) => return Err(invalid(at, "type", "no structured content given")),
    };
    StructuredContent::raw(value).map_err(|source| ScriptError::InvalidRichContent {
        intent: at.intent.to_owned(),
        field: at.field(field),
        source,
    })
}

fn checked(at: &At<'_>, field: &str, element: Element) -> Result<StructuredContent, ScriptError> {
    StructuredContent::new(element).map_err(|source| ScriptError::InvalidRichContent {
        intent: at.intent.to_owned(),
        field: at.field(field),
        source,
    })
}

/// A card: image, bold title, text, then buttons, stacked vertically.
fn card_element(at: &At<'_>, card: &CardConfig) -> Result<Element, ScriptError> {
    let mut elements = Vec::new();
    if let Some(url) = &card.image {
        let url = url.parse().map_err(|e| {
            invalid(
                at,
                "image",
                format!("not a URL ({e}); write an absolute https:// address"),
            )
        })?;
        let mut image = Image::new(url);
        if let Some(caption) = &card.image_caption {
            image = image.caption(caption);
        }
        elements.push(image.into());
    } else if card.image_caption.is_some() {
        return Err(invalid(
            at,
            "image_caption",
            "a caption needs an `image`; add one or remove the caption",
        ));
    }
    if let Some(title) = &card.title {
        elements.push(Text::new(title).style(Style::new().bold()).into());
    }
    if let Some(text) = &card.text {
        elements.push(Text::new(text).into());
    }
    for (i, button) in card.buttons.iter().enumerate() {
        elements.push(button_element(&at.nested(&format!("buttons[{i}]")), button)?.into());
    }
    if elements.is_empty() {
        return Err(invalid(
            at,
            "title",
            "a card is empty; give it a `title`, `text`, `image` or `buttons`",
        ));
    }
    Ok(Element::vertical(elements))
}

fn button_element(at: &At<'_>, button: &ButtonConfig) -> Result<Button, ScriptError> {
    if button.title.trim().is_empty() {
        return Err(invalid(at, "title", "a button needs a non-empty `title`"));
    }
    let given = [
        button.publish_text.is_some(),
        button.link.is_some(),
        button.navigate.is_some(),
    ]
    .iter()
    .filter(|g| **g)
    .count();
    if given != 1 {
        return Err(invalid(
            at,
            "title",
            format!(
                "a button needs exactly one of `publish_text`, `link` or `navigate`, found {given}"
            ),
        ));
    }
    let action = if let Some(text) = &button.publish_text {
        ClickAction::publish_text(text)
    } else if let Some(link) = &button.link {
        let uri = link.parse().map_err(|e| {
            invalid(
                at,
                "link",
                format!("not a URL ({e}); write an absolute https:// address"),
            )
        })?;
        ClickAction::link(uri)
    } else if let Some(place) = &button.navigate {
        if !(-90.0..=90.0).contains(&place.la) || !(-180.0..=180.0).contains(&place.lo) {
            return Err(invalid(
                at,
                "navigate",
                "latitude `la` must be within -90..=90 and longitude `lo` within -180..=180",
            ));
        }
        ClickAction::Navigate {
            la: place.la,
            lo: place.lo,
            name: place.name.clone(),
        }
    } else {
        return Err(invalid(at, "title", "a button needs a click action"));
    };
    let mut element = Button::new(&button.title).on_click(action);
    if let Some(id) = &button.id {
        element = element.click_metadata(external_id(id));
    }
    Ok(element)
}

/// The quick-replies JSON of a `quick_replies` output.
pub(crate) fn quick_replies(
    at: &At<'_>,
    replies: &[ReplyConfig],
    items_per_row: Option<u8>,
) -> Result<Value, ScriptError> {
    let mut buttons = Vec::with_capacity(replies.len());
    for (i, reply) in replies.iter().enumerate() {
        if reply.title.trim().is_empty() {
            return Err(invalid(
                at,
                &format!("replies[{i}].title"),
                "a quick reply needs a non-empty `title`",
            ));
        }
        let text = reply.text.as_deref().unwrap_or(&reply.title);
        let mut button = Button::publish(&reply.title, text);
        if let Some(id) = &reply.id {
            button = button.click_metadata(external_id(id));
        }
        buttons.push(button);
    }
    let mut built = QuickReplies::new(buttons);
    if let Some(n) = items_per_row {
        built = built.items_per_row(n);
    }
    built
        .to_json()
        .map_err(|source| ScriptError::InvalidRichContent {
            intent: at.intent.to_owned(),
            field: at.field("replies"),
            source,
        })
}

/// Click metadata LiveEngage reports back with the consumer's choice.
fn external_id(id: &str) -> Value {
    json!({"type": "ExternalId", "id": id})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PlaceConfig;

    fn card(title: &str) -> CardConfig {
        CardConfig {
            image: Some("https://shop.example.com/shoe.png".into()),
            image_caption: Some("Trail Runner".into()),
            title: Some(title.into()),
            text: Some("Light and grippy.".into()),
            buttons: vec![
                ButtonConfig {
                    title: "Buy".into(),
                    publish_text: Some("buy trail runner".into()),
                    link: None,
                    navigate: None,
                    id: Some("buy-1".into()),
                },
                ButtonConfig {
                    title: "Details".into(),
                    publish_text: None,
                    link: Some("https://shop.example.com/trail".into()),
                    navigate: None,
                    id: None,
                },
                ButtonConfig {
                    title: "Store".into(),
                    publish_text: None,
                    link: None,
                    navigate: Some(PlaceConfig {
                        la: 48.85,
                        lo: 2.35,
                        name: Some("Paris store".into()),
                    }),
                    id: None,
                },
            ],
        }
    }

    #[test]
    fn a_card_becomes_a_vertical_with_image_title_text_and_buttons() {
        let c = card("Trail Runner");
        let content = structured(&At::intent("shoes"), Some(&c), None, None, None).unwrap();
        let json = content.as_json();
        assert_eq!(json["type"], "vertical");
        let elements = json["elements"].as_array().unwrap();
        assert_eq!(elements.len(), 6);
        assert_eq!(elements[0]["type"], "image");
        assert_eq!(elements[0]["caption"], "Trail Runner");
        assert_eq!(elements[1]["text"], "Trail Runner");
        assert_eq!(elements[1]["style"]["bold"], true);
        assert_eq!(elements[2]["text"], "Light and grippy.");
        assert_eq!(elements[3]["click"]["actions"][0]["type"], "publishText");
        assert_eq!(
            elements[3]["click"]["metadata"][0],
            json!({"type": "ExternalId", "id": "buy-1"})
        );
        assert_eq!(
            elements[4]["click"]["actions"][0]["uri"],
            "https://shop.example.com/trail"
        );
        assert_eq!(elements[5]["click"]["actions"][0]["type"], "navigate");
        assert_eq!(elements[5]["click"]["actions"][0]["name"], "Paris store");
    }

    #[test]
    fn cards_become_a_carousel_and_a_single_card_carousel_is_rejected() {
        let cards = [card("A"), card("B")];
        let content = structured(&At::intent("s"), None, Some(&cards), None, None).unwrap();
        assert_eq!(content.as_json()["type"], "carousel");
        assert_eq!(content.as_json()["elements"].as_array().unwrap().len(), 2);
        let one = [card("A")];
        let err = structured(
            &At::intent("s").nested("outputs[1]"),
            None,
            Some(&one),
            None,
            None,
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("outputs[1].cards"));
        assert!(err.to_string().contains("2 to 10"), "{err}");
    }

    #[test]
    fn raw_content_comes_from_a_table_or_a_json_string() {
        let table = json!({"type": "text", "text": "hi"});
        let at = At::intent("raw");
        let c = structured(&at, None, None, Some(&table), None).unwrap();
        assert_eq!(c.as_json(), &table);
        let c = structured(
            &at,
            None,
            None,
            None,
            Some(r#"{"type":"text","text":"hi"}"#),
        )
        .unwrap();
        assert_eq!(c.as_json(), &table);
        let err = structured(&at, None, None, None, Some("{oops")).unwrap_err();
        assert_eq!(err.field(), Some("json"));
        let err = structured(&at, None, None, Some(&json!({"text": "x"})), None).unwrap_err();
        assert!(matches!(err, ScriptError::InvalidRichContent { .. }));
    }

    #[test]
    fn exactly_one_form_is_required() {
        let c = card("A");
        let table = json!({"type": "text", "text": "hi"});
        let at = At::intent("s");
        let err = structured(&at, Some(&c), None, Some(&table), None).unwrap_err();
        assert!(err.to_string().contains("exactly one"), "{err}");
        let err = structured(&at, None, None, None, None).unwrap_err();
        assert!(err.to_string().contains("found 0"), "{err}");
    }

    #[test]
    fn buttons_need_exactly_one_action_and_valid_urls() {
        let mut c = card("A");
        c.buttons[0].link = Some("https://x.example".into());
        let err = structured(&At::intent("s"), Some(&c), None, None, None).unwrap_err();
        assert_eq!(err.field(), Some("card.buttons[0].title"));
        let mut c = card("A");
        c.buttons[1].link = Some("not a url".into());
        let err = structured(&At::intent("s"), Some(&c), None, None, None).unwrap_err();
        assert_eq!(err.field(), Some("card.buttons[1].link"));
        let mut c = card("A");
        c.image = Some("relative.png".into());
        let err = structured(&At::intent("s"), Some(&c), None, None, None).unwrap_err();
        assert_eq!(err.field(), Some("card.image"));
    }

    #[test]
    fn quick_replies_publish_their_text_or_title() {
        let replies = [
            ReplyConfig {
                title: "Track order".into(),
                text: Some("track my order".into()),
                id: Some("qr-track".into()),
            },
            ReplyConfig {
                title: "Agent".into(),
                text: None,
                id: None,
            },
        ];
        let json = quick_replies(&At::intent("w"), &replies, Some(2)).unwrap();
        assert_eq!(json["type"], "quickReplies");
        assert_eq!(json["itemsPerRow"], 2);
        assert_eq!(json["replies"][0]["title"], "Track order");
        assert_eq!(
            json["replies"][0]["click"]["actions"][0]["text"],
            "track my order"
        );
        assert_eq!(json["replies"][0]["click"]["metadata"][0]["id"], "qr-track");
        assert_eq!(json["replies"][1]["click"]["actions"][0]["text"], "Agent");
    }

    #[test]
    fn malformed_quick_replies_are_rejected() {
        let at = At::intent("w").nested("outputs[0]");
        let err = quick_replies(&at, &[], None).unwrap_err();
        assert_eq!(err.field(), Some("outputs[0].replies"));
        let one = [ReplyConfig {
            title: "Yes".into(),
            text: None,
            id: None,
        }];
        let err = quick_replies(&at, &one, Some(9)).unwrap_err();
        assert!(err.to_string().contains("1 to 8"), "{err}");
    }
}
