//! The HTTP edge: the router, shared state, and the middleware every request passes
//! (tracing span, metrics, panic catcher, body limit, `Origin` check). Handlers live in one
//! file per resource and return `Result<_, AppError>`.

pub mod auth;
mod canned;
pub(crate) mod conversations;
pub mod error;
pub mod extract;
mod groups;
mod openapi;
mod ops;
mod pages;
mod profiles;
mod queues;
mod session;
mod users;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::clock::Clock;
use crate::domain::UserId;
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::presence::Presence;
use crate::storage::Db;
use error::AppError;
use openapi::SessionCookie;

/// The largest request body accepted (the same limit as a socket frame).
pub const BODY_LIMIT: usize = 64 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub web: Arc<WebSettings>,
    pub metrics: Arc<Metrics>,
    pub hub: Arc<Hub>,
    pub presence: Arc<Presence>,
    revocations: broadcast::Sender<Revocation>,
}

/// Sessions ended while the server runs; open sockets of those sessions close at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// One browser signed out (the session token's hash).
    Session(Vec<u8>),
    /// Every session of a user (disabled, or password changed).
    User(UserId),
    /// A user's permissions changed (roles, ITIL, groups): their sockets reconnect.
    Refresh(UserId),
}

/// Browser-facing settings derived from the configuration.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Exact origins (`scheme://host[:port]`) allowed to make browser requests.
    pub allowed_origins: Vec<String>,
    pub secure_cookies: bool,
    pub session_idle: Duration,
    /// Socket frames a client may send per second, after a burst of five times as many.
    pub socket_frames_per_second: u32,
}

impl WebSettings {
    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.allowed_origins
            .iter()
            .any(|o| o.eq_ignore_ascii_case(origin))
    }
}

impl AppState {
    pub fn new(db: Db, clock: Arc<dyn Clock>, web: WebSettings) -> AppState {
        let (revocations, _) = broadcast::channel(256);
        AppState {
            db,
            clock,
            web: Arc::new(web),
            metrics: Arc::new(Metrics::default()),
            hub: Arc::default(),
            presence: Arc::default(),
            revocations,
        }
    }

    /// Tells open sockets that sessions have ended.
    pub fn revoke(&self, revocation: Revocation) {
        // No receiver just means no socket is open.
        let _ = self.revocations.send(revocation);
    }

    /// A stream of revocations, for a socket to watch.
    pub fn revocations(&self) -> broadcast::Receiver<Revocation> {
        self.revocations.subscribe()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Switchboard", description = "Live-support chat for IT service desks. \
        Authentication is the `switchboard_session` cookie set by `POST /api/session`; \
        errors are `{\"error\": {\"code\", \"message\"}}`. Request bodies are JSON objects \
        (`Content-Type: application/json`, at most 64 KiB)."),
    components(responses(
        openapi::Malformed, openapi::Unauthorized, openapi::Forbidden, openapi::ForbiddenOrigin,
        openapi::ForbiddenOrOrigin, openapi::TooLarge, openapi::UnsupportedMediaType,
        openapi::RateLimited, openapi::Busy,
    )),
    modifiers(&SessionCookie),
    tags(
        (name = "session", description = "Sign-in and the current user"),
        (name = "admin", description = "Users (admins)"),
        (name = "groups", description = "Assignment groups and membership (managers)"),
        (name = "queues", description = "Chat queues"),
        (name = "sessions", description = "Support sessions: start, history, Comment / Work Note, Accept, Transfer, End"),
        (name = "canned", description = "Canned messages"),
        (name = "realtime", description = "The WebSocket"),
        (name = "operations", description = "Health, readiness, metrics"),
    )
)]
struct ApiDoc;

/// The whole HTTP application for `state`.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(session::router())
        .merge(users::router())
        .merge(groups::router())
        .merge(queues::router())
        .merge(conversations::router())
        .merge(canned::router())
        .merge(profiles::router())
        .merge(ops::router())
        .merge(crate::ws::router())
        .split_for_parts();
    let openapi = Arc::new(openapi);

    api.route(
        "/api/openapi.json",
        get(move || async move { axum::Json(openapi.as_ref().clone()) }),
    )
    .merge(pages::router())
    .fallback(pages::fallback)
    .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        auth::check_origin,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crate::metrics::track,
    ))
    .layer(DefaultBodyLimit::max(BODY_LIMIT))
    .layer(CatchPanicLayer::custom(|_| panic_response()))
    .layer(
        TraceLayer::new_for_http()
            .make_span_with(|request: &Request| {
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map(MatchedPath::as_str);
                tracing::info_span!("request", method = %request.method(), route,
                        path = %request.uri().path(), user_id = tracing::field::Empty)
            })
            .on_response(DefaultOnResponse::new().level(Level::DEBUG)),
    )
    .with_state(state)
}

fn panic_response() -> Response {
    AppError::Internal("a handler panicked".into()).into_response()
}
