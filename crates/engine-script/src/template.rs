//! Text templates: `{name}` is replaced by a variable, `{{` and `}}` write a brace.

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Variable(String),
}

/// A parsed template. Parsing happens when the script loads, so a malformed
/// template is a load error, never a run-time one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    segments: Vec<Segment>,
}

impl Template {
    /// Parses `source`.
    ///
    /// # Errors
    ///
    /// A message saying what is wrong and how to fix it: an unclosed `{`, or a
    /// variable name that is not `[A-Za-z_][A-Za-z0-9_]*`.
    pub(crate) fn parse(source: &str) -> Result<Self, String> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut chars = source.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, n)| n) == Some('{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek().map(|&(_, n)| n) == Some('}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let rest = &source[start + 1..];
                    let Some(len) = rest.find('}') else {
                        return Err(format!(
                            "the `{{` at byte {start} is never closed; write `{{{{` for a literal brace"
                        ));
                    };
                    let name = &rest[..len];
                    if !is_variable_name(name) {
                        return Err(format!(
                            "`{{{name}}}` is not a variable name (letters, digits and `_`, not starting with a digit); write `{{{{` for a literal brace"
                        ));
                    }
                    if !literal.is_empty() {
                        segments.push(Segment::Literal(std::mem::take(&mut literal)));
                    }
                    segments.push(Segment::Variable(name.to_owned()));
                    // Skip the name and the closing brace.
                    for _ in 0..=name.chars().count() {
                        chars.next();
                    }
                }
                other => literal.push(other),
            }
        }
        if !literal.is_empty() {
            segments.push(Segment::Literal(literal));
        }
        Ok(Self { segments })
    }

    /// A template that is only `text`, braces included.
    pub(crate) fn literal(text: &str) -> Self {
        Self {
            segments: vec![Segment::Literal(text.to_owned())],
        }
    }

    /// The variables the template uses, in order, with repeats.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Variable(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// Renders the template, asking `lookup` for each variable.
    ///
    /// # Errors
    ///
    /// The name of the first variable `lookup` has no value for.
    pub(crate) fn render(
        &self,
        mut lookup: impl FnMut(&str) -> Option<String>,
    ) -> Result<String, &str> {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Variable(name) => out.push_str(&lookup(name).ok_or(name.as_str())?),
            }
        }
        Ok(out)
    }
}

/// Whether `name` is a valid variable (and regex capture group) name.
pub(crate) fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str, vars: &[(&str, &str)]) -> Result<String, String> {
        let template = Template::parse(source)?;
        template
            .render(|name| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            })
            .map_err(|missing| format!("missing {missing}"))
    }

    #[test]
    fn variables_are_substituted() {
        assert_eq!(
            render(
                "Order {order_id} for {name}.",
                &[("order_id", "123456"), ("name", "Ada")]
            )
            .unwrap(),
            "Order 123456 for Ada."
        );
        assert_eq!(render("{a}{a}", &[("a", "x")]).unwrap(), "xx");
    }

    #[test]
    fn doubled_braces_are_literal() {
        assert_eq!(
            render("{{not_a_var}} and }} {x}", &[("x", "1")]).unwrap(),
            "{not_a_var} and } 1"
        );
        assert_eq!(render("{{{x}}}", &[("x", "1")]).unwrap(), "{1}");
    }

    #[test]
    fn a_lone_closing_brace_is_literal() {
        assert_eq!(render("a } b", &[]).unwrap(), "a } b");
    }

    #[test]
    fn unicode_around_variables_survives() {
        assert_eq!(
            render("héllo {n} ✓", &[("n", "Zoë")]).unwrap(),
            "héllo Zoë ✓"
        );
    }

    #[test]
    fn malformed_templates_are_rejected_with_the_fix() {
        let unclosed = Template::parse("price {amount").unwrap_err();
        assert!(unclosed.contains("never closed"), "{unclosed}");
        assert!(unclosed.contains("`{{`"), "{unclosed}");
        let bad = Template::parse("{1st}").unwrap_err();
        assert!(bad.contains("`{1st}` is not a variable name"), "{bad}");
        let spaced = Template::parse("{ name }").unwrap_err();
        assert!(spaced.contains("not a variable name"), "{spaced}");
        assert!(Template::parse("{}").is_err());
    }

    #[test]
    fn a_missing_variable_is_named() {
        assert_eq!(render("hi {who}", &[]).unwrap_err(), "missing who");
    }

    #[test]
    fn variables_are_listed() {
        let t = Template::parse("{a} {{b}} {c}").unwrap();
        assert_eq!(t.variables().collect::<Vec<_>>(), ["a", "c"]);
    }
}
