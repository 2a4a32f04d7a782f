//! Extractors whose rejections are `AppError`s, so a bad body or path gets the protocol's
//! JSON error instead of axum's plain-text one.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::error::AppError;
use crate::domain::{AttachmentId, CannedId, ConversationId, GroupId, QueueId, UserId};

/// A JSON object body; unknown fields, syntax errors and any body that is not an object are
/// refused with a message naming the problem.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let Json(Object(value)) = Json::<Object<T>>::from_request(request, state).await?;
        Ok(ApiJson(value))
    }
}

/// `T` read from a JSON object only. serde fills a struct from an array too (its fields in
/// order), so `["id","comment","text"]` would post an entry; every body of the API is an object.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor(PhantomData))
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = Object<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Object)
    }
}

/// Path parameters parsed into id types; a malformed id is a 404, as if nothing had it.
pub struct ApiPath<T>(pub T);

/// One path segment that parses into a value (the id newtypes).
pub trait PathValue: FromStr {}
impl PathValue for UserId {}
impl PathValue for GroupId {}
impl PathValue for QueueId {}
impl PathValue for ConversationId {}
impl PathValue for CannedId {}
impl PathValue for AttachmentId {}
/// A seq in a path (an entry of a conversation).
impl PathValue for i64 {}

/// What a route's path parameters parse into: one value or a pair, in path order.
pub trait FromPath: Sized {
    fn from_path(values: &[String]) -> Option<Self>;
}

impl<T: PathValue> FromPath for T {
    fn from_path(values: &[String]) -> Option<Self> {
        match values {
            [one] => one.parse().ok(),
            _ => None,
        }
    }
}

impl<A: PathValue, B: PathValue> FromPath for (A, B) {
    fn from_path(values: &[String]) -> Option<Self> {
        match values {
            [a, b] => Some((a.parse().ok()?, b.parse().ok()?)),
            _ => None,
        }
    }
}

impl<S: Send + Sync, T: FromPath> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(pairs) = Path::<Vec<(String, String)>>::from_request_parts(parts, state).await?;
        let values: Vec<String> = pairs.into_iter().map(|(_, v)| v).collect();
        T::from_path(&values)
            .map(ApiPath)
            .ok_or_else(|| AppError::NotFound("No such resource.".into()))
    }
}

/// A time given as RFC 3339 in a query parameter, as a timestamp (ms); 422 naming `field`
/// otherwise.
pub fn instant(field: &'static str, text: &str) -> Result<crate::domain::Timestamp, AppError> {
    time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok())
        .map(crate::domain::Timestamp)
        .ok_or_else(|| AppError::InvalidField {
            field,
            message: format!(
                "`{field}` is a time as RFC 3339 (2026-12-01T09:30:00Z), not {text:?}."
            ),
        })
}
