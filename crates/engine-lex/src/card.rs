//! Lex response cards as structured content. LivePerson's Lex connector
//! rejects response cards; this engine shows them instead: a vertical card
//! with the image, the title in bold, the subtitle, and one button per Lex
//! button that publishes the button's `value` as the consumer's text (what Lex
//! expects back). V1 cards with several attachments become a carousel.

use connector_core::Output;
use connector_core::rich::{Button, Element, Image, StructuredContent, Style, Text};
use serde::Deserialize;
use url::Url;

/// A V2 `imageResponseCard`, or one V1 `genericAttachments` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Card {
    #[serde(default)]
    pub(crate) title: Option<String>,
    /// V2 `subtitle`, V1 `subTitle`.
    #[serde(default, alias = "subTitle")]
    pub(crate) subtitle: Option<String>,
    #[serde(default)]
    pub(crate) image_url: Option<String>,
    #[serde(default)]
    pub(crate) buttons: Vec<CardButton>,
}

/// A card button: the label and the text sent back to Lex when clicked.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CardButton {
    #[serde(default)]
    pub(crate) text: String,
    #[serde(default)]
    pub(crate) value: String,
}

impl Card {
    fn element(&self) -> Option<Element> {
        let mut elements: Vec<Element> = Vec::new();
        // An image URL Lex accepted but that does not parse is left out
        // rather than failing the whole card.
        if let Some(url) = self.image_url.as_deref().and_then(|u| Url::parse(u).ok()) {
            elements.push(Image::new(url).into());
        }
        if let Some(title) = self.title.as_deref().filter(|t| !t.trim().is_empty()) {
            elements.push(Text::new(title).style(Style::new().bold()).into());
        }
        if let Some(subtitle) = self.subtitle.as_deref().filter(|t| !t.trim().is_empty()) {
            elements.push(Text::new(subtitle).into());
        }
        for button in &self.buttons {
            let value = if button.value.is_empty() {
                &button.text
            } else {
                &button.value
            };
            if !button.text.is_empty() {
                elements.push(Button::publish(&button.text, value).into());
            }
        }
        (!elements.is_empty()).then(|| Element::vertical(elements))
    }
}

/// Structured content for `cards` (one card, or a carousel of several), or the
/// reason json-pollock's limits refuse it.
pub(crate) fn to_output(cards: &[Card]) -> Result<Option<Output>, String> {
    let mut elements: Vec<Element> = cards.iter().filter_map(Card::element).collect();
    let root = match elements.len() {
        0 => return Ok(None),
        1 => elements.remove(0),
        _ => Element::carousel(elements),
    };
    StructuredContent::new(root)
        .map(|content| Some(Output::structured(content)))
        .map_err(|e| format!("the response card cannot be shown as structured content: {e}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_card_becomes_image_title_subtitle_and_buttons() {
        let card: Card = serde_json::from_value(json!({
            "title": "Flowers", "subtitle": "Pick one", "imageUrl": "https://example.com/f.png",
            "buttons": [{"text": "Roses", "value": "roses"}]
        }))
        .unwrap();
        let Some(Output::StructuredContent(sc)) = to_output(&[card]).unwrap() else {
            panic!("not structured content");
        };
        let json = sc.content.as_json();
        assert_eq!(json["type"], "vertical");
        assert_eq!(json["elements"][0]["type"], "image");
        assert_eq!(json["elements"][0]["url"], "https://example.com/f.png");
        assert_eq!(json["elements"][1]["text"], "Flowers");
        assert_eq!(json["elements"][1]["style"]["bold"], true);
        assert_eq!(json["elements"][2]["text"], "Pick one");
        assert_eq!(json["elements"][3]["title"], "Roses");
        assert_eq!(json["elements"][3]["click"]["actions"][0]["text"], "roses");
    }

    #[test]
    fn empty_cards_give_nothing_and_several_a_carousel() {
        assert_eq!(to_output(&[Card::default()]), Ok(None));
        let card = |t: &str| Card {
            title: Some(t.into()),
            ..Card::default()
        };
        let Some(Output::StructuredContent(sc)) = to_output(&[card("a"), card("b")]).unwrap()
        else {
            panic!("not structured content");
        };
        assert_eq!(sc.content.as_json()["type"], "carousel");
        assert_eq!(
            sc.content.as_json()["elements"].as_array().map(Vec::len),
            Some(2)
        );
    }
}
