//! `search` responses (Watson Discovery): LivePerson sends them as normal text
//! with a link to the document. The header is one text, each primary result
//! another: its title, body and URL on separate lines.

use connector_core::Output;

use crate::wire::SearchItem;

pub(crate) fn search_outputs(item: &SearchItem) -> Vec<Output> {
    let header = item
        .header
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(Output::text);
    let results = item.primary_results.iter().filter_map(|r| {
        let lines: Vec<&str> = [r.title.as_deref(), r.body.as_deref(), r.url.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        (!lines.is_empty()).then(|| Output::text(lines.join("\n")))
    });
    header.into_iter().chain(results).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn header_then_one_text_per_result_with_its_link() {
        let item: SearchItem = serde_json::from_value(json!({
            "response_type": "search",
            "header": "I searched my knowledge base:",
            "primary_results": [
                {"id": "1", "title": "Reset your password", "body": "Open settings.", "url": "https://kb.example/1", "result_metadata": {"score": 0.9}},
                {"id": "2"}
            ],
            "additional_results": [{"title": "ignored"}]
        }))
        .unwrap();
        assert_eq!(
            search_outputs(&item),
            [
                Output::text("I searched my knowledge base:"),
                Output::text("Reset your password\nOpen settings.\nhttps://kb.example/1")
            ]
        );
    }
}
