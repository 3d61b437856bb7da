//! `${NAME}` references to environment variables, so secrets stay out of files.

use serde_json::Value;

use super::error::{FieldError, join};

/// Replaces every `${NAME}` in the string values of `value` with the
/// variable `NAME` from `lookup`; `$${` stands for a literal `${`.
///
/// # Errors
///
/// One [`FieldError`] per unset variable or unterminated reference, with the
/// key path of the string.
pub fn substitute(
    value: &mut Value,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    walk(value, "", lookup, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn walk(
    value: &mut Value,
    path: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    errors: &mut Vec<FieldError>,
) {
    match value {
        Value::String(s) => match expand(s, lookup) {
            Ok(expanded) => *s = expanded,
            Err(message) => errors.push(FieldError::new(path, message)),
        },
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &format!("{path}[{i}]"), lookup, errors);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                walk(item, &join(path, key), lookup, errors);
            }
        }
        _ => {}
    }
}

/// Expands the references of one string.
fn expand(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            let Some(end) = after.find('}') else {
                return Err("unterminated ${...} reference; close it with `}`".into());
            };
            let name = &after[..end];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!(
                    "`${{{name}}}` is not a valid environment variable reference (letters, digits and `_`)"
                ));
            }
            match lookup(name) {
                Some(v) => out.push_str(&v),
                None => {
                    return Err(format!(
                        "environment variable {name} is not set; export it or write the value"
                    ));
                }
            }
            rest = &after[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "KEY").then(|| "s3cr3t".to_owned())
    }

    #[test]
    fn expands_references_and_escapes_and_names_the_path_of_unset_ones() {
        let mut v = serde_json::json!({"a": {"b": ["x ${KEY} y", "$${KEY}", "$5"]}});
        substitute(&mut v, &env).unwrap();
        assert_eq!(v["a"]["b"][0], "x s3cr3t y");
        assert_eq!(v["a"]["b"][1], "${KEY}");
        assert_eq!(v["a"]["b"][2], "$5");

        let mut v = serde_json::json!({"bots": [{"p": "${NOPE}"}, {"q": "${KEY"}]});
        let errors = substitute(&mut v, &env).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].path, "bots[0].p");
        assert!(errors[0].message.contains("NOPE is not set"));
        assert_eq!(errors[1].path, "bots[1].q");
    }
}
