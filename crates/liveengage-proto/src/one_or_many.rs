//! A list that the server may send as a single object.

use serde::{Deserialize, Serialize};

/// A value that is either one item or an array of items.
///
/// LivePerson's Chat Agent API turns one-element lists into a bare object
/// (`"event": {…}` instead of `"event": [{…}]`), and `UpdateConversationField`
/// accepts `conversationField` in both forms. The form read is kept, so a
/// round trip gives back the same JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// The array form.
    Many(Vec<T>),
    /// The single-object form.
    One(T),
}

impl<T> OneOrMany<T> {
    /// The items as a slice, whatever the form.
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        match self {
            Self::Many(items) => items,
            Self::One(item) => std::slice::from_ref(item),
        }
    }

    /// The items as a vector, whatever the form.
    #[must_use]
    pub fn into_vec(self) -> Vec<T> {
        match self {
            Self::Many(items) => items,
            Self::One(item) => vec![item],
        }
    }

    /// The LivePerson chat form: a single object for one item, else an array.
    #[must_use]
    pub fn compact(items: Vec<T>) -> Self {
        if items.len() == 1 {
            let mut items = items;
            match items.pop() {
                Some(item) => Self::One(item),
                None => Self::Many(items),
            }
        } else {
            Self::Many(items)
        }
    }
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        Self::Many(Vec::new())
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(items: Vec<T>) -> Self {
        Self::Many(items)
    }
}
