//! What many operations of the OpenAPI document share: the session cookie and the bearer token
//! as security schemes (`session` and `bearer`, named by every operation that answers 401
//! without one), and the error answers that
//! come from one extractor or middleware as reusable responses (`components/responses`), so every
//! operation using it documents it the same way. Answers particular to an operation (404, 409,
//! 422) are described at the operation.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, ToResponse};

use super::auth::SESSION_COOKIE;
use crate::wire::ErrorBody;

/// Adds the `session` security scheme: the cookie `POST /api/session` sets.
pub struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            SESSION_COOKIE,
            "Set by `POST /api/session` (HttpOnly); ends on sign-out, when idle, or when the user \
             is disabled or their password is set.",
        )));
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("session", scheme);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some(
            "`Authorization: Bearer <token>`, the token `POST /api/session` answers with \
             `\"token\": true` (the widget's frame on a portal of another site, which gets no \
             session cookie). The same web session as the cookie's; taken wherever the cookie \
             is. On the socket: the subprotocol `switchboard.bearer.<token>`. The same token \
             also comes as the partitioned cookie `switchboard_embed` (`HttpOnly; Secure; \
             SameSite=None; Partitioned`), set by that sign-in and taken like the session \
             cookie (after it, before the subprotocol)."
                .into(),
        );
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
}

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
