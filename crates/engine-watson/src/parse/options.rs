//! `option` and `suggestion` (disambiguation) responses: quick replies on
//! messaging, a numbered text list on chat (chat has no quick replies).

use connector_core::rich::{Button, Element, RichContentError};
use connector_core::{ChannelType, EngineError, Output};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::invalid;
use crate::error::codes;
use crate::wire::Choice;

/// json-pollock's maximum of quick replies per row.
const MAX_ITEMS_PER_ROW: u8 = 8;

/// An option offered on chat as a list line, remembered so that the consumer's
/// answer (its number or its label) can be sent to Watson as the option's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OfferedChoice {
    pub(crate) label: String,
    pub(crate) input: String,
}

/// The output for a list of choices, and on chat the choices to remember.
pub(crate) fn choices_output(
    title: Option<&str>,
    description: Option<&str>,
    choices: &[Choice],
    channel: ChannelType,
    raw: &Value,
) -> Result<(Output, Vec<OfferedChoice>), EngineError> {
    let offered: Vec<OfferedChoice> = choices.iter().filter_map(offered).collect();
    if offered.is_empty() {
        return Err(invalid(
            codes::LIST_UNDEFINED_OPTIONS,
            "an option list has no option with a label",
            raw,
        ));
    }
    let heading: Vec<&str> = [title, description]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    match channel {
        ChannelType::Messaging => {
            if heading.is_empty() {
                return Err(invalid(
                    codes::LIST_UNDEFINED_OPTIONS,
                    "quick replies need a message: give the option response a title",
                    raw,
                ));
            }
            let replies = quick_replies(&offered).map_err(|e| {
                invalid(
                    codes::LIST_UNDEFINED_OPTIONS,
                    &format!("the options cannot be quick replies: {e}"),
                    raw,
                )
            })?;
            Ok((
                Output::quick_replies_raw(heading.join("\n"), replies),
                Vec::new(),
            ))
        }
        ChannelType::Chat => {
            let mut lines: Vec<String> = heading.iter().map(|s| (*s).to_owned()).collect();
            lines.extend(
                offered
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{}. {}", i + 1, c.label)),
            );
            Ok((Output::text(lines.join("\n")), offered))
        }
    }
}

/// The quick-replies JSON, one publish-text button per choice.
///
/// Built from `Element::Button` rather than `rich::QuickReplies`, whose
/// replies serialize without the `"type": "button"` that json-pollock and
/// LivePerson's quick-reply example carry.
fn quick_replies(offered: &[OfferedChoice]) -> Result<Value, RichContentError> {
    let replies = offered
        .iter()
        .map(|c| {
            let button = Element::Button(Button::publish(&c.label, &c.input));
            button.check()?;
            serde_json::to_value(&button).map_err(|_| RichContentError::NotAnElement)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({
        "type": "quickReplies",
        "itemsPerRow": MAX_ITEMS_PER_ROW,
        "replies": replies
    }))
}

fn offered(choice: &Choice) -> Option<OfferedChoice> {
    let label = choice.label.as_deref()?.trim();
    if label.is_empty() {
        return None;
    }
    let input = choice
        .value
        .as_ref()
        .and_then(|v| v.pointer("/input/text"))
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .unwrap_or(label);
    Some(OfferedChoice {
        label: label.to_owned(),
        input: input.to_owned(),
    })
}

/// The Watson input for a chat answer to a list: `2` or the label picks the
/// option's input; anything else is sent as typed.
pub(crate) fn resolve_answer<'a>(answer: &'a str, offered: &'a [OfferedChoice]) -> &'a str {
    let answer_trimmed = answer.trim().trim_end_matches('.');
    if let Ok(n) = answer_trimmed.parse::<usize>()
        && let Some(choice) = n.checked_sub(1).and_then(|i| offered.get(i))
    {
        return &choice.input;
    }
    offered
        .iter()
        .find(|c| c.label.eq_ignore_ascii_case(answer.trim()))
        .map_or(answer, |c| c.input.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn phone_choices() -> Vec<Choice> {
        serde_json::from_value(json!([
            {"label": "iOS", "value": {"input": {"text": "1"}}},
            {"label": "Android", "value": {"input": {"text": "2"}}}
        ]))
        .unwrap()
    }

    #[test]
    fn messaging_gets_quick_replies_publishing_the_input() {
        let (out, offered) = choices_output(
            Some("Choose your Phone"),
            Some("Select the phone you like"),
            &phone_choices(),
            ChannelType::Messaging,
            &json!({}),
        )
        .unwrap();
        assert!(offered.is_empty());
        let Output::QuickReplies(q) = out else {
            panic!("{out:?}")
        };
        assert_eq!(q.message, "Choose your Phone\nSelect the phone you like");
        assert_eq!(q.quick_replies["type"], "quickReplies");
        assert_eq!(q.quick_replies["replies"][1]["title"], "Android");
        assert_eq!(q.quick_replies["replies"][1]["type"], "button");
        assert_eq!(
            q.quick_replies["replies"][1]["click"]["actions"][0],
            json!({"type": "publishText", "text": "2"})
        );
    }

    #[test]
    fn chat_gets_a_numbered_list_and_answers_resolve() {
        let (out, offered) = choices_output(
            Some("Choose your Phone"),
            None,
            &phone_choices(),
            ChannelType::Chat,
            &json!({}),
        )
        .unwrap();
        assert_eq!(out, Output::text("Choose your Phone\n1. iOS\n2. Android"));
        assert_eq!(resolve_answer("2", &offered), "2");
        assert_eq!(resolve_answer("android", &offered), "2");
        assert_eq!(resolve_answer("ios", &offered), "1");
        assert_eq!(resolve_answer("7", &offered), "7");
        assert_eq!(resolve_answer("something else", &offered), "something else");
    }

    #[test]
    fn empty_lists_are_liveperson_undefined_options() {
        let err =
            choices_output(Some("t"), None, &[], ChannelType::Messaging, &json!({})).unwrap_err();
        assert_eq!(err.code(), &codes::LIST_UNDEFINED_OPTIONS);
    }
}
