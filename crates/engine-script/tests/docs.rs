//! The script reference in `docs/engines/script.md` is the one in the crate docs.

#[test]
fn the_docs_page_holds_the_crate_reference() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let reference = std::fs::read_to_string(root.join("src/reference.md")).expect("reference");
    let page = std::fs::read_to_string(root.join("../../docs/engines/script.md")).expect("page");
    // The page nests the reference one heading level deeper.
    let nested: String = reference
        .lines()
        .map(|l| match l.strip_prefix("## ") {
            Some(rest) => format!("### {rest}\n"),
            None => format!("{l}\n"),
        })
        .collect();
    assert!(
        page.contains(&nested),
        "docs/engines/script.md is out of date: copy src/reference.md into it (with `##` as `###`)"
    );
    assert!(page.contains("examples/scripts/demo-bot.toml"));
}
