//! Text styles of structured-content elements (a subset of json-pollock's `style.json`).

use serde::Serialize;

/// Font size of a styled element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    /// Small text.
    Small,
    /// Medium text.
    Medium,
    /// Large text.
    Large,
}

/// The style of a text, button, image or map element. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Style {
    /// Bold text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bold: Option<bool>,
    /// Italic text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub italic: Option<bool>,
    /// Text colour (CSS colour, e.g. `#000000`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Background colour (CSS colour).
    #[serde(rename = "background-color", skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    /// Font size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
}

impl Style {
    /// No style set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Bold text.
    #[must_use]
    pub fn bold(mut self) -> Self {
        self.bold = Some(true);
        self
    }

    /// Italic text.
    #[must_use]
    pub fn italic(mut self) -> Self {
        self.italic = Some(true);
        self
    }

    /// Text colour.
    #[must_use]
    pub fn color(mut self, color: impl Into<String>) -> Self {
        self.color = Some(color.into());
        self
    }

    /// Background colour.
    #[must_use]
    pub fn background_color(mut self, color: impl Into<String>) -> Self {
        self.background_color = Some(color.into());
        self
    }

    /// Font size.
    #[must_use]
    pub fn size(mut self, size: Size) -> Self {
        self.size = Some(size);
        self
    }
}
