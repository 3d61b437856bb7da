//! Typed json-pollock elements and their builders.

use serde::Serialize;
use serde_json::Value;
use url::Url;

use super::click::{Click, ClickAction};
use super::error::RichContentError;
use super::style::Style;

/// Most click actions json-pollock allows on one element.
const MAX_CLICK_ACTIONS: usize = 4;

/// A structured-content element. Build one with the constructors below and the
/// element types' methods, then turn it into [`StructuredContent`](super::StructuredContent).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Element {
    /// A text.
    Text(Text),
    /// A button.
    Button(Button),
    /// An image.
    Image(Image),
    /// A map pin.
    Map(Map),
    /// Elements stacked vertically (a card).
    Vertical(Layout),
    /// Elements side by side.
    Horizontal(Layout),
    /// A horizontally scrolled row of 2 to 10 cards.
    Carousel(Carousel),
}

impl Element {
    /// Elements stacked vertically.
    #[must_use]
    pub fn vertical(elements: impl IntoIterator<Item = Element>) -> Self {
        Self::Vertical(Layout::new(elements))
    }

    /// Elements side by side.
    #[must_use]
    pub fn horizontal(elements: impl IntoIterator<Item = Element>) -> Self {
        Self::Horizontal(Layout::new(elements))
    }

    /// A carousel of cards (2 to 10, each a vertical, horizontal or basic element).
    #[must_use]
    pub fn carousel(cards: impl IntoIterator<Item = Element>) -> Self {
        Self::Carousel(Carousel {
            elements: cards.into_iter().collect(),
            padding: None,
        })
    }

    /// Checks json-pollock's limits (lengths, counts, nesting) on the whole tree.
    ///
    /// # Errors
    ///
    /// The first limit broken, naming the field.
    pub fn check(&self) -> Result<(), RichContentError> {
        match self {
            Self::Text(t) => {
                max_len("text.text", &t.text, 5000)?;
                t.common.check()
            }
            Self::Button(b) => {
                max_len("button.title", &b.title, 128)?;
                b.common.check()
            }
            Self::Image(i) => {
                max_len("image.url", i.url.as_str(), 2048)?;
                if let Some(c) = &i.caption {
                    max_len("image.caption", c, 128)?;
                }
                i.common.check()
            }
            Self::Map(m) => m.common.check(),
            Self::Vertical(l) | Self::Horizontal(l) => l.check(),
            Self::Carousel(c) => c.check(),
        }
    }

    fn is_card(&self) -> bool {
        !matches!(self, Self::Carousel(_))
    }
}

fn max_len(field: &'static str, value: &str, max: usize) -> Result<(), RichContentError> {
    let len = value.chars().count();
    if len > max {
        return Err(RichContentError::TooLong { field, len, max });
    }
    Ok(())
}

/// Tooltip, style and click behaviour shared by the basic elements.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Common {
    /// A tooltip (at most 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tooltip: Option<String>,
    /// The style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<Style>,
    /// What a click does.
    #[serde(skip_serializing_if = "Click::is_empty")]
    pub click: Click,
}

impl Common {
    fn check(&self) -> Result<(), RichContentError> {
        if let Some(t) = &self.tooltip {
            max_len("tooltip", t, 256)?;
        }
        if self.click.actions.len() > MAX_CLICK_ACTIONS {
            return Err(RichContentError::TooManyActions {
                len: self.click.actions.len(),
                max: MAX_CLICK_ACTIONS,
            });
        }
        for action in &self.click.actions {
            match action {
                ClickAction::PublishText { text } => max_len("publishText.text", text, 256)?,
                ClickAction::Link { name: Some(n), .. }
                | ClickAction::Navigate { name: Some(n), .. } => {
                    max_len("action.name", n, 256)?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Builder methods shared by [`Text`], [`Button`], [`Image`] and [`Map`].
macro_rules! common_builders {
    ($ty:ident) => {
        impl $ty {
            /// Sets the tooltip.
            #[must_use]
            pub fn tooltip(mut self, tooltip: impl Into<String>) -> Self {
                self.common.tooltip = Some(tooltip.into());
                self
            }

            /// Sets the style.
            #[must_use]
            pub fn style(mut self, style: Style) -> Self {
                self.common.style = Some(style);
                self
            }

            /// Adds a click action (json-pollock allows up to 4).
            #[must_use]
            pub fn on_click(mut self, action: ClickAction) -> Self {
                self.common.click.actions.push(action);
                self
            }

            /// Adds click metadata, e.g. `{"type":"ExternalId","id":"yes-1"}`.
            #[must_use]
            pub fn click_metadata(mut self, metadata: Value) -> Self {
                self.common.click.metadata.push(metadata);
                self
            }
        }

        impl From<$ty> for Element {
            fn from(value: $ty) -> Self {
                Self::$ty(value)
            }
        }
    };
}

/// A text element.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Text {
    /// The text (at most 5,000 characters).
    pub text: String,
    /// Tooltip, style and click.
    #[serde(flatten)]
    pub common: Common,
}

impl Text {
    /// A text element.
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            common: Common::default(),
        }
    }
}
common_builders!(Text);

/// A button: a title and click actions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Button {
    /// The label (at most 128 characters).
    pub title: String,
    /// Tooltip, style and click.
    #[serde(flatten)]
    pub common: Common,
}

impl Button {
    /// A button labelled `title`.
    #[must_use]
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            common: Common::default(),
        }
    }

    /// A button that publishes `text` when clicked, the usual quick-reply button.
    #[must_use]
    pub fn publish(title: impl Into<String>, text: impl Into<String>) -> Self {
        Self::new(title).on_click(ClickAction::publish_text(text))
    }
}
common_builders!(Button);

/// An image (its domain must be whitelisted in LiveEngage and served over HTTPS).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Image {
    /// The image URL.
    pub url: Url,
    /// A caption (at most 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Tooltip, style and click.
    #[serde(flatten)]
    pub common: Common,
}

impl Image {
    /// An image.
    #[must_use]
    pub fn new(url: Url) -> Self {
        Self {
            url,
            caption: None,
            common: Common::default(),
        }
    }

    /// Sets the caption.
    #[must_use]
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }
}
common_builders!(Image);

/// A map pin.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Map {
    /// Latitude.
    pub la: f64,
    /// Longitude.
    pub lo: f64,
    /// Tooltip, style and click.
    #[serde(flatten)]
    pub common: Common,
}

impl Map {
    /// A pin at latitude `la`, longitude `lo`.
    #[must_use]
    pub fn new(la: f64, lo: f64) -> Self {
        Self {
            la,
            lo,
            common: Common::default(),
        }
    }
}
common_builders!(Map);

/// The children of a vertical or horizontal layout.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Layout {
    /// The children, in order (at most 256).
    pub elements: Vec<Element>,
}

impl Layout {
    /// A layout of `elements`.
    #[must_use]
    pub fn new(elements: impl IntoIterator<Item = Element>) -> Self {
        Self {
            elements: elements.into_iter().collect(),
        }
    }

    fn check(&self) -> Result<(), RichContentError> {
        if self.elements.len() > 256 {
            return Err(RichContentError::TooManyElements {
                len: self.elements.len(),
                max: 256,
            });
        }
        self.elements.iter().try_for_each(Element::check)
    }
}

/// A carousel of 2 to 10 cards.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Carousel {
    /// The cards.
    pub elements: Vec<Element>,
    /// Space between cards, 0 to 10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub padding: Option<u8>,
}

impl Carousel {
    fn check(&self) -> Result<(), RichContentError> {
        let len = self.elements.len();
        if !(2..=10).contains(&len) {
            return Err(RichContentError::CarouselSize { len });
        }
        if self.padding.is_some_and(|p| p > 10) {
            return Err(RichContentError::CarouselPadding);
        }
        if !self.elements.iter().all(Element::is_card) {
            return Err(RichContentError::NestedCarousel);
        }
        self.elements.iter().try_for_each(Element::check)
    }
}
