//! Attachments and unsend over HTTP: upload a file (or pasted screenshot) as an entry,
//! download it (only who may see its entry; never as HTML from this origin), withdraw an
//! entry, and the audit records of withdrawn entries.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::CurrentUser;
use super::conversations::entry_response;
use super::error::AppError;
use super::extract::ApiPath;
use super::openapi as doc;
use crate::domain::attachment::content_disposition;
use crate::domain::session::{Post, PostKind};
use crate::domain::{AttachmentId, ConversationId};
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    // The upload enforces its own limits as it streams (the file's, and 64 KiB per other
    // field); the 64 KiB body limit of every other request does not apply to it.
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::disable())
        .merge(
            OpenApiRouter::new()
                .routes(routes!(download))
                .routes(routes!(withdraw))
                .routes(routes!(withdrawals)),
        )
}

/// The longest text field of an upload form.
const FIELD_MAX_BYTES: usize = 64 * 1024;
/// The most fields an upload form may hold.
const FIELDS_MAX: usize = 8;

/// `POST /api/conversations/{id}/attachments`: `multipart/form-data` (the file last is best:
/// fields after it are read all the same).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct UploadForm {
    /// Chosen by the client; a repeat by the same author returns the original entry.
    #[schema(min_length = 1, max_length = 100)]
    client_id: String,
    /// `comment` (default) or `work_note`.
    kind: Option<wire::PostKind>,
    /// A caption (0–10,000 characters).
    #[schema(max_length = 10000)]
    body: Option<String>,
    /// The last seq the sender's view showed (the stale-view guard).
    #[schema(minimum = 0)]
    seen: Option<i64>,
    /// The file: its name is the attachment's; its type is judged from its bytes.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Attach a file (or a pasted screenshot) as a Comment or Work Note: streamed, judged by its
/// bytes (images, PDF, text), at most `--attachment-max-bytes` (10 MiB by default).
#[utoipa::path(post, path = "/api/conversations/{id}/attachments", tag = "sessions",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Entry),
        (status = 200, description = "The entry stored earlier with this client_id", body = wire::Entry),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, description = "`forbidden`: the caller may not post this kind here; `forbidden_origin`", body = wire::ErrorBody),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`session_closed`, `incident_closed`, `stale_view` (with `newer`)", body = wire::ErrorBody),
        (status = 413, description = "`too_large`: the file is over the limit", body = wire::ErrorBody),
        (status = 415, description = "`unsupported_media_type`: not multipart/form-data", body = wire::ErrorBody),
        (status = 422, description = "`unsupported_type`: the file's bytes are no allowed type; `invalid`: a missing or unknown field, an empty file, a bad client id; `too_long`: the caption", body = wire::ErrorBody),
        (status = 429, description = "`rate_limited`: the caller attached 20 times the largest file in the last hour; `Retry-After`", body = wire::ErrorBody),
    ))]
async fn upload(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<wire::Entry>), AppError> {
    let mut form = form.map_err(|_| AppError::NotMultipart)?;
    let mut client_id = None;
    let mut kind = PostKind::Comment;
    let mut body = String::new();
    let mut seen = None;
    let mut file = None;
    let mut fields = 0;
    while let Some(mut field) = form.next_field().await.map_err(malformed)? {
        fields += 1;
        if fields > FIELDS_MAX {
            return Err(invalid(
                "form",
                "An upload holds at most client_id, kind, body, seen and file.",
            ));
        }
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                if file.is_some() {
                    return Err(invalid("file", "One file per upload."));
                }
                // Browsers escape `"`, CR and LF in a form's file name (HTML's multipart
                // encoding); the stored name drops them anyway.
                let file_name = field
                    .file_name()
                    .unwrap_or_default()
                    .replace("%22", "\"")
                    .replace("%0D", "")
                    .replace("%0A", "");
                let mut upload = state.begin_upload(id, &current.user).await?;
                while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                    upload.write(&chunk).await?;
                }
                file = Some((upload, file_name));
            }
            "client_id" => client_id = Some(text(&mut field, "client_id").await?),
            "body" => body = text(&mut field, "body").await?,
            "kind" => {
                kind = match text(&mut field, "kind").await?.as_str() {
                    "comment" => PostKind::Comment,
                    "work_note" => PostKind::WorkNote,
                    other => {
                        return Err(invalid(
                            "kind",
                            &format!("`kind` is comment or work_note, not {other:?}."),
                        ));
                    }
                }
            }
            "seen" => {
                let value = text(&mut field, "seen").await?;
                seen = Some(
                    value
                        .trim()
                        .parse::<i64>()
                        .ok()
                        .filter(|s| *s >= 0)
                        .ok_or_else(|| {
                            invalid("seen", "`seen` is a seq: a whole number of 0 or more.")
                        })?,
                );
            }
            other => {
                return Err(invalid(
                    "form",
                    &format!(
                        "Unknown field {other:?}: an upload holds client_id, kind, body, seen and file."
                    ),
                ));
            }
        }
    }
    let client_id = client_id.ok_or_else(|| invalid("client_id", "`client_id` is required."))?;
    let (upload, file_name) =
        file.ok_or_else(|| invalid("file", "Choose a file to attach (the `file` field)."))?;
    let post = Post {
        seen,
        ..Post::text(kind, body, client_id)
    };
    let applied = state
        .post_upload(id, &current.user, upload, &file_name, post)
        .await?;
    entry_response(&applied)
}

fn malformed(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::Malformed(format!(
        "The upload form could not be read: {}",
        e.body_text()
    ))
}

fn invalid(field: &'static str, message: &str) -> AppError {
    AppError::InvalidField {
        field,
        message: message.to_owned(),
    }
}

/// A text field of the form, at most [`FIELD_MAX_BYTES`].
async fn text(field: &mut Field<'_>, name: &'static str) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        if bytes.len() + chunk.len() > FIELD_MAX_BYTES {
            return Err(invalid(name, &format!("`{name}` is too long.")));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| invalid(name, &format!("`{name}` is not UTF-8 text.")))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DownloadQuery {
    /// `1`: always as a download (`Content-Disposition: attachment`).
    download: Option<String>,
}

/// Download an attachment: only who may see its entry (404 for anyone else, as for none).
/// Served with its judged type, `nosniff`, a restrictive CSP, never as HTML.
#[utoipa::path(get, path = "/api/attachments/{id}", tag = "sessions",
    params(("id" = String, Path, description = "Attachment id"), DownloadQuery),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The file", content(
            ("image/png"), ("image/jpeg"), ("image/gif"), ("image/webp"), ("application/pdf"),
            ("text/plain; charset=utf-8"))),
        (status = 304, description = "Not modified (`If-None-Match` named its `ETag`)"),
        (status = 401, response = doc::Unauthorized),
        (status = 404, description = "`not_found`: no such attachment, or one the caller may not see", body = wire::ErrorBody),
    ))]
async fn download(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<AttachmentId>,
    query: Result<Query<DownloadQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let (found, _entry) = state.fetch_attachment(id, &current.user).await?;
    let etag = format!("\"{}\"", found.sha256);
    let as_download = query
        .download
        .as_deref()
        .is_some_and(|d| d == "1" || d == "true");
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let bytes = state.attachment_bytes(&found.sha256).await?;
        let mut response =
            Body::from_stream(bytes.map(|chunk| chunk.map(Bytes::from))).into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(found.content_type.header()),
        );
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(found.size));
        if let Ok(value) = HeaderValue::from_str(&content_disposition(
            &found.name,
            found.content_type,
            as_download,
        )) {
            h.insert(header::CONTENT_DISPOSITION, value);
        }
        response
    };
    let h = response.headers_mut();
    super::headers::served_file(
        h,
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        "private, no-cache",
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, value);
    }
    Ok(response)
}

/// Withdraw your own Comment or Work Note within the queue's `unsend_seconds`: every read path
/// then shows it withdrawn; its body stays in the audit record (managers, admins).
#[utoipa::path(post, path = "/api/conversations/{id}/entries/{seq}/withdraw", tag = "sessions",
    params(("id" = String, Path, description = "Conversation id"), ("seq" = i64, Path, description = "The entry's seq")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The entry as now shown (also for a repeat)", body = wire::Entry),
        (status = 401, response = doc::Unauthorized),
        (status = 403, description = "`forbidden`: a customer, or someone else's entry; `forbidden_origin`", body = wire::ErrorBody),
        (status = 404, description = "`not_found`: no such conversation or entry, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`unsend_expired`: older than the queue's window", body = wire::ErrorBody),
        (status = 422, description = "`invalid`: a system entry", body = wire::ErrorBody),
    ))]
async fn withdraw(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, seq)): ApiPath<(ConversationId, i64)>,
) -> Result<Json<wire::Entry>, AppError> {
    let entry = state.withdraw(id, seq, &current.user).await?;
    Ok(Json(wire::Entry::from(&entry)))
}

/// The audit records of a conversation's withdrawn entries (managers and admins).
#[utoipa::path(get, path = "/api/conversations/{id}/withdrawals", tag = "sessions",
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = [wire::Withdrawal]),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
    ))]
async fn withdrawals(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Vec<wire::Withdrawal>>, AppError> {
    let records = state.withdrawals(id, &current.user).await?;
    Ok(Json(records.iter().map(wire::Withdrawal::from).collect()))
}
