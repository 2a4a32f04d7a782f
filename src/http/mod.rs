//! The HTTP edge: the router, shared state, and the middleware every request passes
//! (tracing span, metrics, panic catcher, body limit, `Origin` check, security headers).
//! Handlers live in one file per resource and return `Result<_, AppError>`.

mod attachments;
mod audit;
pub mod auth;
mod canned;
mod chats;
mod conversations;
pub mod error;
pub mod extract;
mod groups;
mod headers;
mod incidents;
mod kb;
mod live;
pub(crate) mod openapi;
mod ops;
mod pages;
mod profiles;
mod queues;
mod session;
mod survey;
mod transcripts;
mod users;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

// Child modules reach these as `super::AppState` and so on; they are defined by the service.
use crate::service::AppState;
#[allow(unused_imports)]
use crate::service::{Revocation, WebSettings};
use error::AppError;
use openapi::SessionCookie;

/// The largest request body accepted (the same limit as a socket frame).
pub const BODY_LIMIT: usize = 64 * 1024;

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
        (name = "incidents", description = "Incidents, their activity, follows; a message left when nobody is available"),
        (name = "chats", description = "Connect Chat between colleagues; inviting a colleague into a support session"),
        (name = "knowledge", description = "Knowledge articles: search, read, write, publish; suggestions and sharing in a session"),
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
        .merge(incidents::router())
        .merge(kb::router())
        .merge(chats::router())
        .merge(attachments::router())
        .merge(transcripts::router())
        .merge(survey::router())
        .merge(audit::router())
        .merge(live::router())
        .merge(profiles::router())
        .merge(ops::router())
        .merge(crate::ws::router())
        .split_for_parts();
    let openapi = Arc::new(openapi);
    let security = headers::SecurityHeaders::new(&state.web.frame_origins);

    let app = api
        .route(
            "/api/openapi.json",
            get(move || async move { axum::Json(openapi.as_ref().clone()) }),
        )
        .merge(pages::router(&security))
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
        );
    // Outermost, so error answers and the panic catcher's answer carry the headers too.
    security.apply(app).with_state(state)
}

fn panic_response() -> Response {
    AppError::Internal("a handler panicked".into()).into_response()
}
