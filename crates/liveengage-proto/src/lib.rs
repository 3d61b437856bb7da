//! LiveEngage wire types, written once for the client transports and for the
//! local emulator (`liveengage-sim`).
//!
//! What is here:
//! - [`csds`]: domain discovery (`baseURIs`);
//! - [`login`]: Login Service bodies (user/password, API key, SAML; refresh, logout, errors);
//! - [`frame`]: the UMS WebSocket envelope ([`Frame`]: `req` / `resp` / `notification`);
//! - [`requests`]: typed request bodies of both the agent and the consumer
//!   (Messaging Window) API, behind [`UmsRequest`];
//! - [`event`], [`record`], [`conversation_field`], [`notifications`]: events,
//!   event records, conversation field updates and the notifications
//!   (rings, conversation changes, agent state), behind [`UmsNotification`];
//! - [`chat`]: the Chat Agent REST JSON (`@type`/`@id` keys, one-or-many lists).
//!
//! Wire enums are `#[non_exhaustive]` and keep values they do not know in an
//! `Unknown(String)` variant; tagged objects keep unknown tags in an `Other`
//! variant; structs keep unknown fields in `extra`. A frame never fails to
//! decode because LivePerson added a field or a value, and a decoded frame
//! encodes back to the same JSON.
//!
//! Dependencies: `serde` and `serde_json` for the JSON mapping, `thiserror`
//! for the [`Error`] type. No async runtime.
//!
//! # Examples
//!
//! ```
//! use liveengage_proto::{Event, Frame, Side, UmsRequest, UmsNotification};
//! use liveengage_proto::requests::PublishEvent;
//!
//! // A bot publishes a text message...
//! let publish = UmsRequest::PublishEvent(PublishEvent {
//!     dialog_id: "conv-1".into(),
//!     conversation_id: None,
//!     event: Event::text("hello"),
//!     message_audience: None,
//!     extra: Default::default(),
//! });
//! let text = Frame::from(publish.into_request("1", Side::Agent)).encode();
//! assert!(text.contains(r#""type":".ams.ms.PublishEvent""#));
//!
//! // ...and reads what the server distributes.
//! let frame = Frame::decode(r#"{"kind":"notification","type":".ams.ms.OnlineEventDistribution",
//!   "body":{"sequence":0,"originatorId":"c1","event":{"type":"ContentEvent",
//!   "contentType":"text/plain","message":"hi"},"dialogId":"conv-1"}}"#)?;
//! let Frame::Notification(n) = frame else { unreachable!() };
//! let UmsNotification::OnlineEventDistribution(record) = UmsNotification::decode(&n)? else {
//!     unreachable!()
//! };
//! assert_eq!(record.event.as_text(), Some("hi"));
//! assert_eq!(record.sequence, Some(0));
//! # Ok::<(), liveengage_proto::Error>(())
//! ```
#![deny(missing_docs)]

mod macros;
mod tagged;

pub mod chat;
pub mod conversation_field;
pub mod csds;
pub mod enums;
mod error;
pub mod event;
pub mod frame;
mod frame_decode;
pub mod ids;
pub mod login;
pub mod notifications;
mod one_or_many;
pub mod record;
pub mod requests;
mod secret;

pub use conversation_field::ConversationField;
pub use error::Error;
pub use event::Event;
pub use frame::{Frame, Notification, Request, RequestId, Response, encode_notification};
pub use ids::{
    AgentId, ConsumerId, ConversationId, DialogId, ParticipantId, RingId, SkillId, SubscriptionId,
};
pub use notifications::UmsNotification;
pub use one_or_many::OneOrMany;
pub use record::EventRecord;
pub use requests::{Side, UmsRequest};
pub use secret::Secret;
