//! Sign-in, sign-out and the current user: `/api/session`, `/api/me`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{
    ClientAddr, CurrentUser, EMBED_COOKIE, SESSION_COOKIE, embed_cookie, embed_cookie_removal,
    session_token,
};
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
/// answers a bearer token instead and sets the partitioned embed cookie carrying the same token
/// (the widget's frame on another site, which keeps the token in memory only: the cookie is
/// what a reload of the portal page leaves it).
#[utoipa::path(post, path = "/api/session", tag = "session",
    request_body = wire::SignInRequest,
    responses(
        (status = 200, description = "Signed in. Without `token`: the session cookie `switchboard_session` is set. With `\"token\": true`: the bearer token is in the answer, no session cookie is set, and the embed cookie `switchboard_embed=<the same token>; Path=/; HttpOnly; Secure; SameSite=None; Partitioned` is (a partitioned (CHIPS) cookie, kept per top-level site, so the widget's frame on a portal stays signed in across reloads of the portal page; it is taken wherever the session cookie is)", body = wire::SignInResponse,
            headers(("Set-Cookie" = String, description = "`switchboard_session=…; HttpOnly; SameSite=Lax; Path=/` (`Secure` on https), or with `\"token\": true` `switchboard_embed=<token>; HttpOnly; SameSite=None; Partitioned; Secure; Path=/`"))),
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
            jar.add(embed_cookie(signed_in.token.clone())),
            Json(wire::SignInResponse {
                user,
                token: Some(signed_in.token),
            }),
        ));
    }
    let jar = jar.add(state.session_cookie(signed_in.token));
    Ok((jar, Json(wire::SignInResponse { user, token: None })))
}

/// Sign out: ends this browser's session (the bearer token's, or a cookie's) and its sockets,
/// and clears the cookies the request carried (the session cookie, the embed cookie). With
/// `hand_back=true`, first hands the user's active sessions back to the front of their queues.
#[utoipa::path(delete, path = "/api/session", tag = "session",
    params(wire::SignOutQuery),
    responses(
        (status = 204, description = "Signed out (also when there was no session); each of `switchboard_session` and `switchboard_embed` the request carried is cleared (`Max-Age=0`, the embed cookie with its own attributes, `Partitioned` included)"),
        (status = 403, response = doc::ForbiddenOrigin),
        (status = 422, description = "`invalid`: `hand_back` is not `true` or `false` (nothing is done)", body = wire::ErrorBody),
    ))]
async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    query: Result<Query<wire::SignOutQuery>, QueryRejection>,
) -> Result<(CookieJar, StatusCode), AppError> {
    // The one field: a value it cannot read is said with its name (the parser's text has none).
    let Query(query) =
        query.map_err(|_| AppError::Invalid("`hand_back` must be `true` or `false`.".into()))?;
    let ended = session_token(&headers);
    if let Some(token) = &ended {
        let hash = credentials::token_hash(token);
        if let Some(session) = state.db.session(&hash).await? {
            if query.hand_back
                && let Some(user) = state.db.user(session.user).await?
                && let Err(e) = state.hand_back_all(&user).await
            {
                // The sign-out goes on: what was not handed back goes back after the grace.
                tracing::warn!(error = %e, user = user.id.0, "handing back at sign-out");
            }
            // Gone on purpose: Offline as soon as their last socket closes, no grace (a
            // Transfer must not land with someone who just left).
            if state.presence.signed_out(session.user)
                && let Some(user) = state.db.user(session.user).await?
                && user.roles.is_staff()
            {
                state.announce_presence((&user).into(), crate::hub::Status::Offline, None);
            }
        }
        state.db.delete_session(&hash).await?;
        state.revoke(super::Revocation::Session(hash));
    }
    // A cookie is cleared only when it holds the session that ended: the embed cookie is shared
    // by every tab of one portal (another tab's sign-in may have replaced it), and the widget's
    // sign-out on a portal of the same site must not clear the desk's own session cookie.
    let held = |name: &str| {
        jar.get(name)
            .is_some_and(|c| ended.as_deref() == Some(c.value()))
    };
    let (session_ended, embed_ended) = (held(SESSION_COOKIE), held(EMBED_COOKIE));
    let mut jar = jar;
    if session_ended {
        jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    }
    if embed_ended {
        jar = jar.remove(embed_cookie_removal());
    }
    Ok((jar, StatusCode::NO_CONTENT))
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
