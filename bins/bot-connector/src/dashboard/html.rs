//! HTML helpers: escaping and the page frame.

/// Escapes text for HTML content and attribute values.
#[must_use]
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The style sheet, served at `/static/dashboard.css`.
pub const STYLE: &str = include_str!("dashboard.css");

/// The one script of every page, served at `/static/dashboard.js`: the
/// Content-Security-Policy allows no inline script, style or handler.
pub const SCRIPT: &str = include_str!("dashboard.js");

/// A full page with the navigation bar. `title` is escaped here; `body` is
/// HTML that its caller built with every dynamic value escaped ([`esc`]).
#[must_use]
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>{t} - bot-connector</title>\
         <meta name=viewport content='width=device-width,initial-scale=1'>\
         <link rel=stylesheet href='/static/dashboard.css'><script src='/static/dashboard.js' defer></script></head>\
         <body><header><a href='/'><b>bot-connector</b></a><a href='/'>Bots</a><a href='/bots/new'>Add bot</a>\
         <a href='/tester'>Conversation tester</a></header><main><h1>{t}</h1>{body}</main></body></html>",
        t = esc(title)
    )
}
