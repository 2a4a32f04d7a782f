//! The web app's pages: `/` (sign-in), `/agent` (agents), `/support` (customers), `/kb` (the
//! Knowledge Base, everyone signed in), and the
//! built assets. All three are the one app shell (`index.html`), which routes in the browser;
//! the server still checks who may open each address. Pages behind sign-in redirect to the
//! sign-in page, which comes back after. The support page and the sign-in page may be framed by
//! the allowed origins (the widget); no other page may be framed.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::AppState;
use super::error::AppError;
use super::headers::SecurityHeaders;
use crate::assets;

/// The app shell: the one HTML page of the sign-in page, the agent app and the support page.
const SHELL: &str = "index.html";

pub fn router(headers: &SecurityHeaders) -> Router<AppState> {
    // The widget's frame shows the support page, or the sign-in page it redirects to when the
    // customer is signed out.
    let framed = Router::new()
        .route("/", get(|| async { assets::page(SHELL) }))
        .route("/support", get(support_page));
    Router::new()
        .route("/agent", get(agent_app))
        .route("/agent/{*rest}", get(agent_app))
        .route("/kb", get(knowledge_page))
        .route("/kb/{*rest}", get(knowledge_page))
        .route(
            "/widget-demo",
            get(|| async { assets::page("widget-demo.html") }),
        )
        .merge(headers.framable(framed))
}

/// To the sign-in page, which comes back to `uri` (path and query) afterwards.
fn to_sign_in(uri: &axum::http::Uri) -> Response {
    let target = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    let next: String = target
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    Redirect::to(&format!("/?next={next}")).into_response()
}

async fn agent_app(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    Ok(match state.authenticate(&headers).await? {
        None => to_sign_in(request.uri()),
        Some(current) if !current.user.roles.is_staff() => Redirect::to("/support").into_response(),
        Some(_) => assets::page(SHELL),
    })
}

/// The Knowledge Base pages: everyone signed in.
async fn knowledge_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    Ok(match state.authenticate(&headers).await? {
        None => to_sign_in(request.uri()),
        Some(_) => assets::page(SHELL),
    })
}

async fn support_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    // In the widget's frame on a portal of another site no cookie comes: the page signs in
    // with its bearer token itself (the page holds no data; the API checks every request).
    let embedded = request
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "embed=1"));
    Ok(match state.authenticate(&headers).await? {
        None if !embedded => to_sign_in(request.uri()),
        _ => assets::page(SHELL),
    })
}

/// Everything no route matched: a JSON 404 under `/api`, else a built file; else a 404 that is
/// the app shell (it says "page not found" with a way home) for an address that names no file,
/// and a plain 404 for a missing file.
pub async fn fallback(request: Request) -> Response {
    let path = request.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return AppError::NotFound(format!("No API endpoint at {path}.")).into_response();
    }
    let relative = path.trim_start_matches('/');
    if !relative.is_empty()
        && !relative.ends_with(".html")
        && let Some(response) = assets::file(relative)
    {
        return response;
    }
    let last = relative.rsplit('/').next().unwrap_or_default();
    if !last.contains('.')
        && let Some(shell) = assets::file(SHELL)
    {
        return (axum::http::StatusCode::NOT_FOUND, shell).into_response();
    }
    (axum::http::StatusCode::NOT_FOUND, "Not found").into_response()
}
