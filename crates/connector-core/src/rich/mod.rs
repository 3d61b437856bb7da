//! Typed structured content (LivePerson "rich content", rendered by json-pollock).
//!
//! Build elements with [`Text`], [`Button`], [`Image`], [`Map`] and the layout
//! constructors of [`Element`], then convert the root into [`StructuredContent`],
//! which checks json-pollock's limits. Payloads from elsewhere (an engine's
//! custom payload) enter through [`StructuredContent::raw`].
//!
//! # Examples
//!
//! ```
//! use connector_core::rich::{Button, ClickAction, Element, Image, StructuredContent, Text};
//!
//! let card = Element::vertical([
//!     Image::new("https://example.com/shoe.png".parse().unwrap()).caption("Runner").into(),
//!     Text::new("Our best seller").into(),
//!     Button::new("Buy").on_click(ClickAction::publish_text("buy runner")).into(),
//! ]);
//! let content = StructuredContent::new(card).unwrap();
//! assert_eq!(content.as_json()["type"], "vertical");
//! ```

mod click;
mod element;
mod error;
mod quick_replies;
mod style;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use click::{Click, ClickAction, LinkTarget};
pub use element::{Button, Carousel, Common, Element, Image, Layout, Map, Text};
pub use error::RichContentError;
pub use quick_replies::QuickReplies;
pub use style::{Size, Style};

/// A structured-content payload, ready to publish as a `RichContentEvent`.
///
/// Holds the JSON; typed builders check json-pollock's limits on the way in,
/// raw payloads only their outer shape. The 15,000-byte limit is checked when a
/// reply is validated (see [`BotReply::validate`](crate::BotReply::validate)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StructuredContent(Value);

impl StructuredContent {
    /// Structured content from a typed element.
    ///
    /// # Errors
    ///
    /// When the element breaks one of json-pollock's limits (lengths, carousel
    /// size, click actions).
    pub fn new(root: impl Into<Element>) -> Result<Self, RichContentError> {
        let root = root.into();
        root.check()?;
        serde_json::to_value(&root)
            .map(Self)
            .map_err(|_| RichContentError::NotAnElement)
    }

    /// Structured content from raw JSON (the escape hatch for payloads built
    /// elsewhere, such as an engine's custom payload). Only the outer shape is
    /// checked: an object with a string `type`.
    ///
    /// # Errors
    ///
    /// [`RichContentError::NotAnElement`] when `json` is not such an object.
    pub fn raw(json: Value) -> Result<Self, RichContentError> {
        match json.get("type") {
            Some(Value::String(_)) => Ok(Self(json)),
            _ => Err(RichContentError::NotAnElement),
        }
    }

    /// The JSON.
    #[must_use]
    pub fn as_json(&self) -> &Value {
        &self.0
    }

    /// Consumes the content and returns the JSON.
    #[must_use]
    pub fn into_json(self) -> Value {
        self.0
    }

    /// Size of the serialized JSON in bytes (LiveEngage accepts at most 15,000).
    #[must_use]
    pub fn byte_len(&self) -> usize {
        serde_json::to_vec(&self.0).map_or(usize::MAX, |v| v.len())
    }
}
