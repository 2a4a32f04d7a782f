//! Sign-in, sign-out and the current user: `/api/session`, `/api/me`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{ClientAddr, CurrentUser, SESSION_COOKIE, session_token};
use super::error::AppError;
use super::extract::ApiJson;
use super::openapi as doc;
use crate::credentials;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(me))
}

/// Sign in with a username and password; sets the session cookie, or with `"token": true`
/// answers a bearer token instead and sets no cookie (the widget's frame on another site).
#[utoipa::path(post, path = "/api/session", tag = "session",
    request_body = wire::SignInRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set, or (with `\"token\": true`) no cookie and the bearer token in the answer", body = wire::SignInResponse),
        (status = 400, response = doc::Malformed),
        (status = 401, description = "`invalid_credentials`: unknown user, wrong password or disabled account (one answer for all)", body = wire::ErrorBody),
        (status = 403, response = doc::ForbiddenOrigin),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object with a username and a password", body = wire::ErrorBody),
        (status = 429, response = doc::RateLimited),
        (status = 503, response = doc::Busy),
    ))]
async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    jar: CookieJar,
    ApiJson(body): ApiJson<wire::SignInRequest>,
) -> Result<(CookieJar, Json<wire::SignInResponse>), AppError> {
    let signed_in = state.sign_in(&body.username, body.password, addr).await?;
    let user = wire::User::from(&signed_in.user);
    if body.token {
        return Ok((
            jar,
            Json(wire::SignInResponse {
                user,
                token: Some(signed_in.token),
            }),
        ));
    }
    let jar = jar.add(state.session_cookie(signed_in.token));
    Ok((jar, Json(wire::SignInResponse { user, token: None })))
}

/// Sign out: ends this browser's session (the cookie's, or the bearer token's) and its
/// sockets, and clears the cookie.
#[utoipa::path(delete, path = "/api/session", tag = "session",
    responses(
        (status = 204, description = "Signed out (also when there was no session)"),
        (status = 403, response = doc::ForbiddenOrigin),
    ))]
async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<(CookieJar, StatusCode), AppError> {
    if let Some(token) = session_token(&headers) {
        let hash = credentials::token_hash(&token);
        state.db.delete_session(&hash).await?;
        state.revoke(super::Revocation::Session(hash));
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        StatusCode::NO_CONTENT,
    ))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/me", tag = "session",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::User),
        (status = 401, response = doc::Unauthorized),
    ))]
async fn me(current: CurrentUser) -> Json<wire::User> {
    Json(wire::User::from(&current.user))
}
