//! What happens when the consumer clicks an element.

use serde::Serialize;
use serde_json::Value;
use url::Url;

/// Where a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkTarget {
    /// In the same window (json-pollock's default).
    #[serde(rename = "self")]
    SelfWindow,
    /// In a new window.
    Blank,
    /// In a slide-out panel.
    Slideout,
}

/// One click action of a structured-content element.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[non_exhaustive]
pub enum ClickAction {
    /// Publish a text as if the consumer had typed it (at most 256 characters).
    PublishText {
        /// The text to publish.
        text: String,
    },
    /// Open a web page.
    Link {
        /// The page.
        uri: Url,
        /// A name for the link.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Where the page opens.
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<LinkTarget>,
    },
    /// Open a map application at a place.
    Navigate {
        /// Latitude.
        la: f64,
        /// Longitude.
        lo: f64,
        /// A name for the place.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

impl ClickAction {
    /// Publish `text` when clicked.
    #[must_use]
    pub fn publish_text(text: impl Into<String>) -> Self {
        Self::PublishText { text: text.into() }
    }

    /// Open `uri` when clicked.
    #[must_use]
    pub fn link(uri: Url) -> Self {
        Self::Link {
            uri,
            name: None,
            target: None,
        }
    }

    /// Navigate to a place when clicked.
    #[must_use]
    pub fn navigate(la: f64, lo: f64) -> Self {
        Self::Navigate { la, lo, name: None }
    }
}

/// The click behaviour of an element: up to four actions and optional metadata
/// (e.g. `[{"type":"ExternalId","id":"..."}]`, reported back with the consumer's choice).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Click {
    /// The actions, performed in order (at most 4).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ClickAction>,
    /// Metadata sent back with the click.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metadata: Vec<Value>,
}

impl Click {
    /// Whether there is nothing to serialize.
    pub(crate) fn is_empty(&self) -> bool {
        self.actions.is_empty() && self.metadata.is_empty()
    }
}
