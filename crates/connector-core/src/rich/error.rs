//! Why structured content was rejected.

/// A structured-content payload breaks one of json-pollock's rules.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RichContentError {
    /// A text field is longer than the schema allows.
    #[error(
        "structured content field `{field}` has {len} characters, at most {max} are allowed; shorten it"
    )]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// More click actions than allowed.
    #[error("an element has {len} click actions, at most {max} are allowed")]
    TooManyActions {
        /// How many there are.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// More children than allowed.
    #[error("a layout has {len} elements, at most {max} are allowed")]
    TooManyElements {
        /// How many there are.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A carousel needs 2 to 10 cards.
    #[error("a carousel has {len} cards; it needs 2 to 10")]
    CarouselSize {
        /// How many there are.
        len: usize,
    },
    /// Carousel padding must be 0 to 10.
    #[error("carousel padding must be between 0 and 10")]
    CarouselPadding,
    /// A carousel cannot hold another carousel.
    #[error("a carousel's cards must be vertical, horizontal or basic elements, not carousels")]
    NestedCarousel,
    /// Quick replies need at least one reply.
    #[error("quick replies need at least one reply button")]
    NoReplies,
    /// Quick replies must show 1 to 8 replies per row.
    #[error("quick replies show {0} items per row; use 1 to 8")]
    ItemsPerRow(u8),
    /// Raw structured content must be a JSON object with a `type`.
    #[error("raw structured content must be a JSON object with a string `type` field")]
    NotAnElement,
}
