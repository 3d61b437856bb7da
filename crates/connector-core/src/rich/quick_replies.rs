//! Quick replies: reply buttons shown under a message (messaging only).

use serde::Serialize;
use serde_json::Value;

use super::element::{Button, Element};
use super::error::RichContentError;

/// Quick replies as LiveEngage expects them:
/// `{"type":"quickReplies","itemsPerRow":N,"replies":[button, ...]}`.
///
/// They travel with a mandatory message text (see
/// [`Output::QuickReplies`](crate::Output::QuickReplies)).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuickReplies {
    #[serde(rename = "type")]
    kind: QuickRepliesTag,
    /// Replies per row (1 to 8).
    pub items_per_row: u8,
    /// The reply buttons (serialized with `"type":"button"`, as LiveEngage's
    /// quick-reply examples show them).
    #[serde(serialize_with = "as_buttons")]
    pub replies: Vec<Button>,
}

fn as_buttons<S: serde::Serializer>(replies: &[Button], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(replies.iter().cloned().map(Element::Button))
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
enum QuickRepliesTag {
    #[serde(rename = "quickReplies")]
    QuickReplies,
}

impl QuickReplies {
    /// Quick replies with the given buttons, 8 per row.
    #[must_use]
    pub fn new(replies: impl IntoIterator<Item = Button>) -> Self {
        Self {
            kind: QuickRepliesTag::QuickReplies,
            items_per_row: 8,
            replies: replies.into_iter().collect(),
        }
    }

    /// Sets how many replies a row shows.
    #[must_use]
    pub fn items_per_row(mut self, n: u8) -> Self {
        self.items_per_row = n;
        self
    }

    /// Checks the limits and returns the JSON.
    ///
    /// # Errors
    ///
    /// No replies, a bad `itemsPerRow`, or a reply button over json-pollock's limits.
    pub fn to_json(&self) -> Result<Value, RichContentError> {
        if self.replies.is_empty() {
            return Err(RichContentError::NoReplies);
        }
        if !(1..=8).contains(&self.items_per_row) {
            return Err(RichContentError::ItemsPerRow(self.items_per_row));
        }
        for reply in &self.replies {
            Element::Button(reply.clone()).check()?;
        }
        serde_json::to_value(self).map_err(|_| RichContentError::NotAnElement)
    }
}
