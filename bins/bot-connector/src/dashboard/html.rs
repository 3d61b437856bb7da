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

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#222}
header{background:#1b2a4a;color:#fff;padding:.6em 1.2em}header a{color:#fff;margin-right:1em;text-decoration:none}
main{padding:1.2em;max-width:1100px}table{border-collapse:collapse;width:100%;background:#fff}
td,th{border-bottom:1px solid #ddd;padding:.4em .6em;text-align:left;vertical-align:top}
.state{font-weight:600}.Online{color:#17803d}.Offline{color:#777}.Vendor.Interruption,.Service.Interruption{color:#b45309}
fieldset{background:#fff;margin-bottom:1em;border:1px solid #ccc}label{display:block;margin:.4em 0}
input[type=text],input[type=password],textarea{width:100%;box-sizing:border-box}
.error{background:#fde8e8;border:1px solid #e0a0a0;padding:.6em;margin-bottom:1em}
.chat{background:#fff;border:1px solid #ccc;height:420px;overflow-y:auto;padding:.6em}
.msg{margin:.3em 0;padding:.4em .6em;border-radius:8px;max-width:75%}
.consumer{background:#d9ecff;margin-left:auto}.bot{background:#eee}.system{color:#666;font-style:italic;text-align:center;max-width:100%}
.private{border:1px dashed #999}.qr button{margin:.2em}form.inline{display:inline}";

/// A full page with the navigation bar.
#[must_use]
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>{t} - bot-connector</title>\
         <meta name=viewport content='width=device-width,initial-scale=1'><style>{STYLE}</style></head>\
         <body><header><a href='/'><b>bot-connector</b></a><a href='/'>Bots</a><a href='/bots/new'>Add bot</a>\
         <a href='/tester'>Conversation tester</a></header><main><h1>{t}</h1>{body}</main></body></html>",
        t = esc(title)
    )
}
