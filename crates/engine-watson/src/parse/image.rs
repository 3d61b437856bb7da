//! `image` responses become structured content: the image with its title as
//! caption and its alt text as tooltip, then the description as a text element.

use connector_core::rich::{Element, Image, StructuredContent, Text};
use connector_core::{EngineError, Output};
use serde_json::Value;
use url::Url;

use super::invalid;
use crate::error::codes;
use crate::wire::ImageItem;

pub(crate) fn image_output(item: &ImageItem, raw: &Value) -> Result<Output, EngineError> {
    let source = item
        .source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            invalid(
                codes::IMAGE_UNDEFINED_SOURCE,
                "an image response has no `source`",
                raw,
            )
        })?;
    let url = Url::parse(source).map_err(|e| {
        invalid(
            codes::IMAGE_UNDEFINED_SOURCE,
            &format!("the image `source` is not a URL: {e}"),
            raw,
        )
    })?;
    let mut image = Image::new(url);
    if let Some(title) = non_empty(item.title.as_deref()) {
        image = image.caption(title);
    }
    if let Some(alt) = non_empty(item.alt_text.as_deref()) {
        image = image.tooltip(alt);
    }
    let mut elements = vec![Element::from(image)];
    if let Some(description) = non_empty(item.description.as_deref()) {
        elements.push(Text::new(description).into());
    }
    StructuredContent::new(Element::vertical(elements))
        .map(Output::structured)
        .map_err(|e| {
            invalid(
                codes::PARSE_MESSAGE,
                &format!("the image cannot be shown: {e}"),
                raw,
            )
        })
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn liveperson_image_example_becomes_a_card() {
        let raw = json!({ "source": "https://images.pexels.com/photos/699122/pexels-photo-699122.jpeg", "title": "iPhone 8 Concept", "description": "iPhone 8 concept image showing initial details about phone", "response_type": "image" });
        let item: ImageItem = serde_json::from_value(raw.clone()).unwrap();
        let Output::StructuredContent(sc) = image_output(&item, &raw).unwrap() else {
            panic!()
        };
        assert_eq!(
            sc.content.as_json(),
            &json!({"type": "vertical", "elements": [
                {"type": "image", "url": "https://images.pexels.com/photos/699122/pexels-photo-699122.jpeg", "caption": "iPhone 8 Concept"},
                {"type": "text", "text": "iPhone 8 concept image showing initial details about phone"}
            ]})
        );
    }

    #[test]
    fn missing_or_bad_source_is_undefined_source() {
        for raw in [
            json!({"response_type": "image"}),
            json!({"response_type": "image", "source": "not a url"}),
        ] {
            let item: ImageItem = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(
                image_output(&item, &raw).unwrap_err().code(),
                &codes::IMAGE_UNDEFINED_SOURCE
            );
        }
    }
}
