//! Who is asking: the session cookie, the signed-in user and role extractors (401 when not
//! signed in, 403 when the role does not allow it), and the `Origin` check that guards every
//! state-changing request and every WebSocket upgrade.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::AppState;
use super::error::AppError;
use crate::credentials;
use crate::domain::User;
use crate::domain::address;

/// The de facto standard header in which reverse proxies name the address they serve.
const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "switchboard_session";

/// The name of the embed cookie: the bearer token of a token sign-in, as a partitioned (CHIPS)
/// cookie for the widget's frame on a portal of another site (see [`embed_cookie`]).
pub const EMBED_COOKIE: &str = "switchboard_embed";

/// How stale `last_seen_at` may get before a request refreshes it (saves a write per request).
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// The signed-in user of this request, and the hash of their session token.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub token_hash: Vec<u8>,
}

impl AppState {
    /// The user behind the session token in `headers` (see [`session_token`]), if the session is live. An idle-expired
    /// session is deleted; a disabled user has no live session.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Option<CurrentUser>, AppError> {
        let Some(token) = session_token(headers) else {
            return Ok(None);
        };
        let token_hash = credentials::token_hash(&token);
        let Some(session) = self.db.session(&token_hash).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        let idle = session.last_seen_at.until(now);
        if idle >= self.web.session_idle {
            self.db.delete_session(&token_hash).await?;
            return Ok(None);
        }
        let Some(user) = self.db.user(session.user).await?.filter(|u| !u.disabled) else {
            return Ok(None);
        };
        if idle >= TOUCH_EVERY {
            self.db.touch_session(&token_hash, now).await?;
        }
        tracing::Span::current().record("user_id", user.id.0);
        Ok(Some(CurrentUser { user, token_hash }))
    }

    /// The session cookie carrying `token`.
    pub fn session_cookie(&self, token: String) -> Cookie<'static> {
        Cookie::build((SESSION_COOKIE, token))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.web.secure_cookies)
            .path("/")
            .build()
    }
}

/// The embed cookie carrying `token`: `Path=/; HttpOnly; Secure; SameSite=None; Partitioned`.
/// The widget's frame on a portal of another site gets no `SameSite=Lax` cookie and may keep
/// nothing (its storage is refused), so its token lives in memory and would be lost on any
/// reload of the portal page; a partitioned (CHIPS) cookie is kept per top-level site (the
/// portal's) even where third-party cookies are blocked, and sent only to the desk's frame on
/// that portal. Always `Secure`, as `SameSite=None` and `Partitioned` require (browsers take
/// it from `http://localhost` and loopback too).
pub fn embed_cookie(token: String) -> Cookie<'static> {
    Cookie::build((EMBED_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::None)
        .secure(true)
        .partitioned(true)
        .path("/")
        .build()
}

/// The embed cookie as sign-out clears it: the same attributes (a partitioned cookie is only
/// replaced by one of the same partition), then `Max-Age=0` (`CookieJar::remove`).
pub fn embed_cookie_removal() -> Cookie<'static> {
    embed_cookie(String::new())
}

/// The subprotocol every socket speaks; the server answers with it.
pub const SOCKET_PROTOCOL: &str = "switchboard";
/// The prefix of the subprotocol that carries a bearer token on a socket (browsers cannot set
/// headers on a WebSocket): `switchboard.bearer.<token>`.
const SOCKET_BEARER_PREFIX: &str = "switchboard.bearer.";

/// The session token a request carries: `Authorization: Bearer <token>` (the widget's frame on
/// a portal of another site, which gets no session cookie), else (on a WebSocket upgrade) the
/// subprotocol `switchboard.bearer.<token>`, else the session cookie, else the embed cookie (that
/// frame after a reload of the portal page: the token is no longer in its memory). What a page
/// names itself comes before what the browser adds. One web session whichever: same table, same
/// idle expiry, same revocation.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty());
    if let Some(token) = bearer {
        return Some(token.to_owned());
    }
    // A credential the page names itself (the socket's subprotocol) before any cookie: two tabs
    // of one portal share the widget's partitioned cookie, but each socket is its own tab's.
    let subprotocol = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| p.trim().strip_prefix(SOCKET_BEARER_PREFIX))
        .filter(|t| !t.is_empty());
    if let Some(token) = subprotocol {
        return Some(token.to_owned());
    }
    let jar = CookieJar::from_headers(headers);
    // The embed cookie is `SameSite=None`: it counts only for the desk's own pages (the widget's
    // frame), never for a request another site makes, whatever the browser's cookie policy.
    let same_origin = headers
        .get("sec-fetch-site")
        .is_none_or(|v| v.as_bytes() == b"same-origin");
    let names: &[&str] = if same_origin {
        &[SESSION_COOKIE, EMBED_COOKIE]
    } else {
        &[SESSION_COOKIE]
    };
    names
        .iter()
        .find_map(|name| jar.get(name).filter(|c| !c.value().is_empty()))
        .map(|cookie| cookie.value().to_owned())
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        state
            .authenticate(&parts.headers)
            .await?
            .ok_or(AppError::Unauthorized)
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $allowed:expr, $denied:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub User);

        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
                let current = CurrentUser::from_request_parts(parts, state).await?;
                let allowed: fn(&User) -> bool = $allowed;
                if allowed(&current.user) { Ok($name(current.user)) } else { Err(AppError::Forbidden($denied)) }
            }
        }
    };
}

role_extractor!(
    /// A signed-in agent, manager or admin.
    Staff,
    |u| u.roles.is_staff(),
    "Only service desk staff may do this."
);
role_extractor!(
    /// A signed-in manager or admin.
    Manager,
    |u| u.roles.can_manage_queues(),
    "Only managers may do this."
);
role_extractor!(
    /// A signed-in admin.
    Admin,
    |u| u.roles.can_manage_users(),
    "Only admins may do this."
);

/// The client's IP address, when the server was started with connection info: the TCP peer,
/// or behind a trusted reverse proxy the client it names in `X-Forwarded-For`.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(ClientAddr(None));
        };
        // A value that is not text is no address: the walk from the right stops there, as at
        // any hop it cannot read, rather than skip to what lies beyond it.
        let forwarded_for = parts
            .headers
            .get_all(X_FORWARDED_FOR)
            .iter()
            .map(|v| v.to_str().unwrap_or("not text"));
        Ok(ClientAddr(Some(address::client_address(
            peer.ip(),
            forwarded_for,
            &state.web.trusted_proxies,
        ))))
    }
}

/// Refuses a state-changing request or a WebSocket upgrade whose `Origin` is not allowed.
/// Requests without `Origin` come from non-browser clients and are let through: a browser
/// always sends it on these requests.
pub async fn check_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method();
    let is_upgrade = request
        .headers()
        .get(header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) && !is_upgrade;
    if !safe && let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = String::from_utf8_lossy(origin.as_bytes()).into_owned();
        if !state.web.origin_allowed(&origin) {
            tracing::warn!(%origin, "request from a foreign origin refused");
            return AppError::ForbiddenOrigin(origin).into_response();
        }
    }
    next.run(request).await
}
