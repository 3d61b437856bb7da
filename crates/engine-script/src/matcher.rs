//! Triggers: keywords, regexes and event kinds, and how an utterance matches them.

use regex::{Regex, RegexBuilder};

use crate::config::EventTrigger;
use crate::error::{At, ScriptError, invalid};

/// What an inbound consumer event looks like to the matcher.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Utterance<'a> {
    /// The text (LivePerson's identifier string for files and rich content).
    pub text: &'a str,
    /// The event kind, for `events` triggers; `None` for text.
    pub event: Option<EventTrigger>,
}

/// The variables captured by a match, in capture-group order.
pub(crate) type Captures = Vec<(String, String)>;

/// The compiled triggers of one intent.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    /// All keywords as one alternation, bounded by non-word characters.
    keywords: Option<Regex>,
    regexes: Vec<Regex>,
    events: Vec<EventTrigger>,
}

impl Matcher {
    /// Compiles an intent's triggers.
    pub(crate) fn compile(
        at: &At<'_>,
        keywords: &[String],
        regexes: &[String],
        events: &[EventTrigger],
    ) -> Result<Self, ScriptError> {
        let mut alternatives = Vec::with_capacity(keywords.len());
        for (i, keyword) in keywords.iter().enumerate() {
            let words: Vec<&str> = keyword.split_whitespace().collect();
            if words.is_empty() {
                return Err(invalid(
                    at,
                    &format!("keywords[{i}]"),
                    "a keyword is empty; remove it or write a word or phrase",
                ));
            }
            let escaped: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
            alternatives.push(escaped.join(r"\s+"));
        }
        let keywords = if alternatives.is_empty() {
            None
        } else {
            // A keyword matches as a whole word or phrase: it must not be preceded
            // or followed by a letter, digit or `_`. The regex crate has no
            // look-around, so the boundaries consume one character, which is
            // harmless for a yes/no match.
            let pattern = format!(r"(?:^|\W)(?:{})(?:\W|$)", alternatives.join("|"));
            let regex = RegexBuilder::new(&pattern)
                .case_insensitive(true)
                .build()
                .map_err(|e| {
                    invalid(
                        at,
                        "keywords",
                        format!("the keywords are too large to compile ({e}); split the intent"),
                    )
                })?;
            Some(regex)
        };
        let regexes = regexes
            .iter()
            .enumerate()
            .map(|(i, pattern)| {
                RegexBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                    .map_err(|source| ScriptError::InvalidRegex {
                        intent: at.intent.to_owned(),
                        field: at.field(&format!("regex[{i}]")),
                        source,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            keywords,
            regexes,
            events: events.to_vec(),
        })
    }

    /// Whether the intent has any trigger at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.keywords.is_none() && self.regexes.is_empty() && self.events.is_empty()
    }

    /// The named capture groups of the intent's regexes.
    pub(crate) fn capture_names(&self) -> impl Iterator<Item = (usize, &str)> {
        self.regexes
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.capture_names().flatten().map(move |name| (i, name)))
    }

    /// Matches `utterance`: `None` when no trigger fires, otherwise the
    /// captures of the first regex that matched (empty for keywords and events).
    pub(crate) fn matches(&self, utterance: Utterance<'_>) -> Option<Captures> {
        if let Some(event) = utterance.event
            && self.events.contains(&event)
        {
            return Some(Vec::new());
        }
        for regex in &self.regexes {
            if let Some(caps) = regex.captures(utterance.text) {
                let named = regex
                    .capture_names()
                    .flatten()
                    .filter_map(|name| {
                        caps.name(name)
                            .map(|m| (name.to_owned(), m.as_str().to_owned()))
                    })
                    .collect();
                return Some(named);
            }
        }
        if self
            .keywords
            .as_ref()
            .is_some_and(|k| k.is_match(utterance.text))
        {
            return Some(Vec::new());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(keywords: &[&str], regexes: &[&str]) -> Matcher {
        let keywords: Vec<String> = keywords.iter().map(|s| (*s).to_owned()).collect();
        let regexes: Vec<String> = regexes.iter().map(|s| (*s).to_owned()).collect();
        Matcher::compile(&At::intent("t"), &keywords, &regexes, &[]).unwrap()
    }

    fn text(text: &str) -> Utterance<'_> {
        Utterance { text, event: None }
    }

    #[test]
    fn keywords_ignore_case() {
        let m = matcher(&["Refund"], &[]);
        assert!(m.matches(text("I want a REFUND")).is_some());
        assert!(m.matches(text("refund")).is_some());
        assert!(m.matches(text("ÜBER refund!")).is_some());
    }

    #[test]
    fn keywords_match_whole_words_only() {
        let m = matcher(&["hi"], &[]);
        assert!(m.matches(text("hi")).is_some());
        assert!(m.matches(text("oh, hi!")).is_some());
        assert!(m.matches(text("this")).is_none());
        assert!(m.matches(text("high")).is_none());
        assert!(m.matches(text("hi_there")).is_none());
    }

    #[test]
    fn phrases_match_across_any_whitespace_but_not_partially() {
        let m = matcher(&["track  my order"], &[]);
        assert!(m.matches(text("Please TRACK my\torder now")).is_some());
        assert!(m.matches(text("track my orders")).is_none());
        assert!(m.matches(text("track order")).is_none());
    }

    #[test]
    fn keywords_are_literal_not_regex() {
        let m = matcher(&["c++", "a.b"], &[]);
        assert!(m.matches(text("I code in C++ daily")).is_some());
        assert!(m.matches(text("axb")).is_none());
        assert!(m.matches(text("see a.b")).is_some());
    }

    #[test]
    fn regexes_ignore_case_and_capture_named_groups() {
        let m = matcher(
            &[],
            &[r"order\s*#?(?P<order_id>\d{6})", r"(?P<unused>x)?zip"],
        );
        let caps = m.matches(text("ORDER #123456 please")).unwrap();
        assert_eq!(caps, vec![("order_id".to_owned(), "123456".to_owned())]);
        // An optional group that did not participate is not captured.
        assert_eq!(m.matches(text("ZIP")).unwrap(), Vec::new());
        assert!(m.matches(text("order 12")).is_none());
    }

    #[test]
    fn regexes_are_tried_before_keywords_so_captures_are_kept() {
        let m = matcher(&["order"], &[r"order (?P<n>\d+)"]);
        assert_eq!(
            m.matches(text("order 42")).unwrap(),
            vec![("n".to_owned(), "42".to_owned())]
        );
        assert_eq!(m.matches(text("my order")).unwrap(), Vec::new());
    }

    #[test]
    fn events_match_only_their_kind() {
        let m = Matcher::compile(&At::intent("t"), &[], &[], &[EventTrigger::File]).unwrap();
        let file = Utterance {
            text: connector_core::SEND_FILE_IDENTIFIER,
            event: Some(EventTrigger::File),
        };
        let rich = Utterance {
            text: connector_core::SEND_RICH_CONTENT_IDENTIFIER,
            event: Some(EventTrigger::RichContent),
        };
        assert!(m.matches(file).is_some());
        assert!(m.matches(rich).is_none());
        assert!(m.matches(text("file")).is_none());
    }

    #[test]
    fn identifier_strings_work_as_keywords() {
        let m = matcher(&[connector_core::SEND_RICH_CONTENT_IDENTIFIER], &[]);
        let rich = Utterance {
            text: connector_core::SEND_RICH_CONTENT_IDENTIFIER,
            event: Some(EventTrigger::RichContent),
        };
        assert!(m.matches(rich).is_some());
    }

    #[test]
    fn bad_regexes_and_empty_keywords_name_the_field() {
        let err = Matcher::compile(
            &At::intent("orders"),
            &[],
            &["ok".into(), "(unclosed".into()],
            &[],
        )
        .unwrap_err();
        assert!(matches!(&err, ScriptError::InvalidRegex { field, .. } if field == "regex[1]"));
        assert!(
            err.to_string()
                .starts_with("intent `orders`, field `regex[1]`")
        );
        let err =
            Matcher::compile(&At::intent("x"), &["ok".into(), "  ".into()], &[], &[]).unwrap_err();
        assert_eq!(err.field(), Some("keywords[1]"));
    }

    #[test]
    fn capture_names_are_listed() {
        let m = matcher(&[], &[r"(?P<a>x)(y)", r"(?P<b>z)"]);
        assert_eq!(m.capture_names().collect::<Vec<_>>(), [(0, "a"), (1, "b")]);
        assert!(!m.is_empty());
        assert!(matcher(&[], &[]).is_empty());
    }
}
