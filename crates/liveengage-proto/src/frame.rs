//! The UMS WebSocket envelope: `req`, `resp` and `notification` frames.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::Error;

/// A request id: any string of 1–64 characters (node-agent-sdk uses UUIDs),
/// or a small integer as in LivePerson's documentation examples.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestId {
    /// The string form.
    Text(String),
    /// The integer form.
    Number(i64),
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text(text) => f.write_str(text),
            Self::Number(number) => write!(f, "{number}"),
        }
    }
}

impl From<&str> for RequestId {
    fn from(id: &str) -> Self {
        Self::Text(id.to_owned())
    }
}

impl From<String> for RequestId {
    fn from(id: String) -> Self {
        Self::Text(id)
    }
}

/// Keeps a JSON `null` as `Some(Value::Null)`, so `"headers":null` survives a round trip.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// A client-to-server request frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Unique per socket; echoed as `reqId` in the answer.
    pub id: RequestId,
    /// The request type, e.g. `.ams.ms.PublishEvent` or `ms.PublishEvent`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// The body: usually an object, a bare string for `GetUserProfile`,
    /// absent for some requests (treated as `{}`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub body: Option<Value>,
    /// Frame headers (`InitConnection` carries the consumer JWT here). May be `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub headers: Option<Value>,
    /// Typed metadata (`ExternalId`, `ActionReason`, `BotResponse`, `EscalationSummary`, …).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub metadata: Option<Value>,
    /// Encoded metadata string.
    #[serde(
        default,
        rename = "encodedMetadata",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub encoded_metadata: Option<Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Request {
    /// A request with a body and nothing else.
    #[must_use]
    pub fn new(id: impl Into<RequestId>, type_name: impl Into<String>, body: Value) -> Self {
        Self {
            id: id.into(),
            type_name: type_name.into(),
            body: Some(body),
            headers: None,
            metadata: None,
            encoded_metadata: None,
            extra: Map::new(),
        }
    }
}

/// A server-to-client answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The `id` of the request answered.
    #[serde(rename = "reqId")]
    pub req_id: RequestId,
    /// An HTTP-like status: 200/202 on success, `>= 400` on failure.
    pub code: u16,
    /// The response type; inconsistent across services, match on `reqId` instead.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// The body: an object, an array (`QueryMessages`), a string, or absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub body: Option<Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Response {
    /// An answer with a type and a body.
    #[must_use]
    pub fn new(req_id: RequestId, code: u16, type_name: impl Into<String>, body: Value) -> Self {
        Self {
            req_id,
            code,
            type_name: Some(type_name.into()),
            body: Some(body),
            extra: Map::new(),
        }
    }

    /// Whether `code` is below 400, the rule node-agent-sdk applies.
    #[must_use]
    pub fn is_success(&self) -> bool {
        self.code < 400
    }
}

/// A server push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// The notification type, e.g. `.ams.routing.RoutingTaskNotification`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// The body.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub body: Option<Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Notification {
    /// A notification with a body.
    #[must_use]
    pub fn new(type_name: impl Into<String>, body: Value) -> Self {
        Self {
            type_name: type_name.into(),
            body: Some(body),
            extra: Map::new(),
        }
    }
}

/// One UMS WebSocket text frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Frame {
    /// `"kind":"req"`.
    Req(Request),
    /// `"kind":"resp"`.
    Resp(Response),
    /// `"kind":"notification"`.
    Notification(Notification),
}

impl Frame {
    /// Decodes one text frame.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the text is not a JSON object with a known
    /// `kind` and the fields that kind requires. Unknown fields are kept.
    pub fn decode(text: &str) -> Result<Self, Error> {
        Self::decode_slice(text.as_bytes())
    }

    /// Decodes one frame from raw bytes (which must be UTF-8 JSON).
    ///
    /// # Errors
    /// As [`Frame::decode`].
    pub fn decode_slice(bytes: &[u8]) -> Result<Self, Error> {
        let object: Map<String, Value> =
            serde_json::from_slice(bytes).map_err(|e| Error::malformed(e, bytes))?;
        crate::frame_decode::frame_from_object(object).map_err(|e| Error::malformed(e, bytes))
    }

    /// Encodes the frame as JSON text.
    #[must_use]
    pub fn encode(&self) -> String {
        // Serializing these types cannot fail: keys are strings, no maps with
        // non-string keys, no custom serializers that error.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Encodes a notification frame straight from a typed body: the same JSON
/// as `Frame::Notification(Notification::new(type_name, to_value(body)))
/// .encode()` (keys in the body's field order rather than sorted), without
/// building a `serde_json::Value` tree first. For senders of many
/// notifications, such as the emulator.
#[must_use]
pub fn encode_notification<T: Serialize + ?Sized>(type_name: &str, body: &T) -> String {
    #[derive(Serialize)]
    struct Out<'a, T: ?Sized> {
        kind: &'static str,
        #[serde(rename = "type")]
        type_name: &'a str,
        body: &'a T,
    }
    // As in `Frame::encode`: these types serialize without error.
    serde_json::to_string(&Out {
        kind: "notification",
        type_name,
        body,
    })
    .unwrap_or_default()
}

impl From<Request> for Frame {
    fn from(value: Request) -> Self {
        Self::Req(value)
    }
}

impl From<Response> for Frame {
    fn from(value: Response) -> Self {
        Self::Resp(value)
    }
}

impl From<Notification> for Frame {
    fn from(value: Notification) -> Self {
        Self::Notification(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_encoded_from_its_typed_body_is_the_same_json() {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            subscription_id: &'static str,
            changes: Vec<u8>,
            note: Option<&'static str>,
        }
        let body = Body {
            subscription_id: "s-1",
            changes: vec![1, 2],
            note: Some("a \"quoted\" text"),
        };
        let direct = encode_notification(".ams.ms.OnlineEventDistribution", &body);
        let via_value = Frame::Notification(Notification::new(
            ".ams.ms.OnlineEventDistribution",
            serde_json::to_value(&body).unwrap(),
        ))
        .encode();
        let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        assert_eq!(parse(&direct), parse(&via_value));
        assert!(direct.starts_with(r#"{"kind":"notification","type":".ams.ms.OnlineEventDistribution","body":{"subscriptionId":"s-1""#), "{direct}");
        assert_eq!(
            Frame::decode(&direct).unwrap(),
            Frame::decode(&via_value).unwrap()
        );
    }

    #[test]
    fn null_headers_survive() {
        let text =
            r#"{"kind":"req","id":"1","type":".ams.ms.PublishEvent","body":{},"headers":null}"#;
        let frame = Frame::decode(text).unwrap();
        let Frame::Req(req) = &frame else {
            panic!("not a request")
        };
        assert_eq!(req.headers, Some(Value::Null));
        let back: Value = serde_json::from_str(&frame.encode()).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn absent_response_body_is_none() {
        let frame = Frame::decode(
            r#"{"kind":"resp","reqId":"22","code":200,"type":".ams.GenericSubscribeResponse"}"#,
        )
        .unwrap();
        let Frame::Resp(resp) = frame else {
            panic!("not a response")
        };
        assert_eq!(resp.body, None);
        assert!(resp.is_success());
        assert_eq!(resp.req_id, RequestId::Text("22".into()));
    }

    #[test]
    fn unknown_kind_is_an_error() {
        let err = Frame::decode(r#"{"kind":"gossip","type":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("malformed"), "{err}");
    }
}
