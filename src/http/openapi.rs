//! The error answers that many operations share, as reusable responses of the OpenAPI document
//! (`components/responses`): each comes from one extractor or middleware, so every operation
//! using it documents it the same way. Answers particular to an operation (404, 409, 422) are
//! described at the operation.

use utoipa::ToResponse;

use crate::wire::ErrorBody;

// The structs only carry the document's text: none is ever built.

/// `malformed`: the body is not JSON (the message names the problem and its position).
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct Malformed(ErrorBody);

/// `unauthorized`: no live session; sign in with `POST /api/session`.
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct Unauthorized(ErrorBody);

/// `forbidden`: signed in, but the role does not allow it.
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct Forbidden(ErrorBody);

/// `forbidden_origin`: a browser request from an origin that is not allowed (requests that
/// change state carry an allowed `Origin` or none).
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct ForbiddenOrigin(ErrorBody);

/// `forbidden`: the role, or the caller's part in the session, does not allow it;
/// `forbidden_origin`: a browser request from an origin that is not allowed.
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct ForbiddenOrOrigin(ErrorBody);

/// `too_large`: the body is over 64 KiB.
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct TooLarge(ErrorBody);

/// `unsupported_media_type`: the body is not sent as `application/json`.
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct UnsupportedMediaType(ErrorBody);

/// `rate_limited`: too many failed sign-ins for this account or address.
#[derive(ToResponse)]
#[response(headers(("Retry-After" = u64, description = "Seconds until the next try is allowed")))]
#[allow(dead_code)]
pub struct RateLimited(ErrorBody);

/// `busy`: too many passwords are being checked or set at once; try again shortly.
#[derive(ToResponse)]
#[response(headers(("Retry-After" = u64, description = "Seconds to wait before trying again")))]
#[allow(dead_code)]
pub struct Busy(ErrorBody);
