//! Extractors whose rejections are `AppError`s, so a bad body or path gets the protocol's
//! JSON error instead of axum's plain-text one.

use std::str::FromStr;

use axum::extract::{FromRequest, FromRequestParts, Path};
use axum::http::request::Parts;

use super::error::AppError;
use crate::domain::{CannedId, ConversationId, GroupId, QueueId, UserId};

/// A JSON body; unknown fields and syntax errors are refused with a message naming them.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// Path parameters parsed into id types; a malformed id is a 404, as if nothing had it.
pub struct ApiPath<T>(pub T);

/// One path segment that parses into a value (the id newtypes).
pub trait PathValue: FromStr {}
impl PathValue for UserId {}
impl PathValue for GroupId {}
impl PathValue for QueueId {}
impl PathValue for ConversationId {}
impl PathValue for CannedId {}

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
