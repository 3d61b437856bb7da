//! The fast path of [`Frame::decode`](crate::Frame::decode): one parse into a
//! JSON object, then the envelope's fields are moved out of it.
//!
//! The derived `Deserialize` of an internally tagged enum with flattened
//! fields buffers the whole frame in serde's private content type and then
//! builds each field from that buffer; this path parses once. It accepts and
//! rejects exactly what the derived implementation does (a property test
//! compares the two), so the derive stays the definition.

use serde::de::Error as _;
use serde_json::{Map, Value};

use crate::frame::{Frame, Notification, Request, RequestId, Response};

type Fields = Map<String, Value>;

/// Builds a frame from a parsed JSON object.
pub(crate) fn frame_from_object(mut fields: Fields) -> Result<Frame, serde_json::Error> {
    let kind = match fields.remove("kind") {
        Some(Value::String(kind)) => kind,
        Some(other) => {
            return Err(serde_json::Error::custom(format!(
                "invalid type: {}, expected the frame's `kind`",
                describe(&other)
            )));
        }
        None => return Err(serde_json::Error::missing_field("kind")),
    };
    match kind.as_str() {
        "req" => request(fields).map(Frame::Req),
        "resp" => response(fields).map(Frame::Resp),
        "notification" => notification(fields).map(Frame::Notification),
        other => Err(serde_json::Error::unknown_variant(
            other,
            &["req", "resp", "notification"],
        )),
    }
}

fn request(mut fields: Fields) -> Result<Request, serde_json::Error> {
    let id = request_id(required(&mut fields, "id")?)?;
    let type_name = string(required(&mut fields, "type")?)?;
    Ok(Request {
        id,
        type_name,
        body: fields.remove("body"),
        headers: fields.remove("headers"),
        metadata: fields.remove("metadata"),
        encoded_metadata: fields.remove("encodedMetadata"),
        extra: fields,
    })
}

fn response(mut fields: Fields) -> Result<Response, serde_json::Error> {
    let req_id = request_id(required(&mut fields, "reqId")?)?;
    let code = match required(&mut fields, "code")? {
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .ok_or_else(|| {
                serde_json::Error::custom(format!("invalid value: {n}, expected u16"))
            })?,
        other => {
            return Err(serde_json::Error::custom(format!(
                "invalid type: {}, expected u16",
                describe(&other)
            )));
        }
    };
    let type_name = match fields.remove("type") {
        None | Some(Value::Null) => None,
        Some(value) => Some(string(value)?),
    };
    Ok(Response {
        req_id,
        code,
        type_name,
        body: fields.remove("body"),
        extra: fields,
    })
}

fn notification(mut fields: Fields) -> Result<Notification, serde_json::Error> {
    let type_name = string(required(&mut fields, "type")?)?;
    Ok(Notification {
        type_name,
        body: fields.remove("body"),
        extra: fields,
    })
}

fn required(fields: &mut Fields, key: &'static str) -> Result<Value, serde_json::Error> {
    fields
        .remove(key)
        .ok_or_else(|| serde_json::Error::missing_field(key))
}

fn string(value: Value) -> Result<String, serde_json::Error> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(serde_json::Error::custom(format!(
            "invalid type: {}, expected a string",
            describe(&other)
        ))),
    }
}

/// As the derived untagged enum: a string, or a number that fits an `i64`.
fn request_id(value: Value) -> Result<RequestId, serde_json::Error> {
    match value {
        Value::String(s) => Ok(RequestId::Text(s)),
        Value::Number(n) if n.as_i64().is_some() => Ok(RequestId::Number(n.as_i64().unwrap_or(0))),
        _ => Err(serde_json::Error::custom(
            "data did not match any variant of untagged enum RequestId",
        )),
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "map",
    }
}
