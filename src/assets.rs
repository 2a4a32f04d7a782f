//! The web app's built files (`web/dist`). Release builds embed them in the binary; debug
//! builds read them from disk, so a `vite build` shows up without recompiling the server.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "web/dist/"]
#[allow_missing = true]
struct WebBuild;

/// The built file at `path` (relative to `web/dist`), with its content type and caching
/// headers, or `None` if there is no such file.
pub fn file(path: &str) -> Option<Response> {
    let file = WebBuild::get(path)?;
    let mime = file.metadata.mimetype().to_owned();
    // Vite names assets by content hash, so they never change; pages must be revalidated.
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = Response::new(Body::from(file.data.into_owned()));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Some(response)
}

/// An HTML page of the web app, or a plain explanation if the web app was not built.
pub fn page(name: &str) -> Response {
    file(name).unwrap_or_else(|| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "The web app is not built: run `make web` (or `make run`), then reload.",
        )
            .into_response()
    })
}
