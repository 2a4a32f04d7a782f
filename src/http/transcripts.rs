//! Transcripts (text or HTML, only what the requester may see) and the CSV export of a
//! queue's sessions over HTTP. Both are downloads: never rendered by this origin.

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::CurrentUser;
use super::error::AppError;
use super::extract::ApiPath;
use super::openapi as doc;
use crate::domain::session::{CloseReason, SessionState};
use crate::domain::transcript::{self, csv_cell};
use crate::domain::{ConversationId, QueueId, Timestamp};
use crate::wire::{self, rfc3339};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_transcript))
        .routes(routes!(export))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct TranscriptQuery {
    /// `text` (default) or `html`.
    format: Option<String>,
}

/// A download with safe headers: its type, `attachment`, `nosniff`, a sandboxing CSP, not cached.
fn download(body: String, content_type: &'static str, file_name: &str) -> Response {
    let mut response = Body::from(body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    super::headers::served_file(
        h,
        "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        "private, no-store",
    );
    response
}

/// Download a conversation's transcript: only the entries the caller may see (a customer
/// without ITIL gets no work note), withdrawn messages as such, files by name.
#[utoipa::path(get, path = "/api/conversations/{id}/transcript", tag = "sessions",
    params(("id" = String, Path, description = "Conversation id"), TranscriptQuery),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The transcript, as a download", content(
            ("text/plain; charset=utf-8"), ("text/html; charset=utf-8"))),
        (status = 401, response = doc::Unauthorized),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 422, description = "`invalid`: a format other than text or html, an unknown parameter", body = wire::ErrorBody),
    ))]
async fn get_transcript(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
    query: Result<Query<TranscriptQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let html = match query.format.as_deref() {
        None | Some("text") => false,
        Some("html") => true,
        Some(other) => {
            return Err(AppError::InvalidField {
                field: "format",
                message: format!("`format` is text or html, not {other:?}."),
            });
        }
    };
    let source = state.transcript(id, &current.user).await?;
    let heading = transcript::heading(&source.conversation, source.queue_name.as_deref());
    let lines = transcript::lines(&source.entries);
    Ok(if html {
        download(
            transcript::html(&heading, &lines, source.cut, rfc3339),
            "text/html; charset=utf-8",
            &format!("transcript-{id}.html"),
        )
    } else {
        download(
            transcript::text(&heading, &lines, source.cut, rfc3339),
            "text/plain; charset=utf-8",
            &format!("transcript-{id}.txt"),
        )
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    /// The first day, `YYYY-MM-DD` (UTC).
    from: String,
    /// The last day, `YYYY-MM-DD` (UTC), included.
    to: String,
    /// `true`: add each session's first message (default false: no message bodies).
    bodies: Option<bool>,
}

/// Midnight UTC of a `YYYY-MM-DD` day, in ms.
fn day(field: &'static str, text: &str) -> Result<Timestamp, AppError> {
    let bad = || AppError::InvalidField {
        field,
        message: format!("`{field}` is a day as YYYY-MM-DD, not {text:?}."),
    };
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u8 = m.parse().map_err(|_| bad())?;
    let dom: u8 = d.parse().map_err(|_| bad())?;
    let month = time::Month::try_from(month).map_err(|_| bad())?;
    let date = time::Date::from_calendar_date(year, month, dom).map_err(|_| bad())?;
    Ok(Timestamp(
        date.midnight().assume_utc().unix_timestamp() * 1000,
    ))
}

/// Export a queue's sessions started in a date range as CSV, for reporting (managers and
/// admins). Cells a spreadsheet would take for a formula are neutralised.
#[utoipa::path(get, path = "/api/queues/{queue}/export", tag = "queues",
    params(("queue" = String, Path, description = "Queue id"), ExportQuery),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "`text/csv`, one row per session", content(("text/csv; charset=utf-8"))),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, description = "`not_found`: no such queue", body = wire::ErrorBody),
        (status = 422, description = "`invalid`: a day missing or not YYYY-MM-DD, `to` before `from`, `bodies` not true or false", body = wire::ErrorBody),
    ))]
async fn export(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(queue): ApiPath<QueueId>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let from = day("from", &query.from)?;
    let to = Timestamp(day("to", &query.to)?.0 + 86_400_000);
    if to.0 <= from.0 {
        return Err(AppError::InvalidField {
            field: "to",
            message: "`to` is the same day as `from` or later.".into(),
        });
    }
    let bodies = query.bodies.unwrap_or(false);
    let (sessions, answers) = state
        .export_sessions(queue, &current.user, from, to)
        .await?;
    let mut csv =
        String::from("session,created_at,customer,agent,state,closed_reason,accepted_at,rating");
    if bodies {
        csv.push_str(",first_message,rating_comment");
    }
    csv.push_str("\r\n");
    for c in &sessions {
        let reason = match c.closed_reason {
            Some(CloseReason::EndedByAgent) => "ended_by_agent",
            Some(CloseReason::EndedByCustomer) => "ended_by_customer",
            Some(CloseReason::TimedOut) => "timed_out",
            Some(CloseReason::Abandoned) => "abandoned",
            None => "",
        };
        let mut cells = vec![
            c.id.to_string(),
            rfc3339(c.created_at),
            c.customer
                .as_ref()
                .map_or(String::new(), |p| p.display_name.clone()),
            c.assignee
                .as_ref()
                .map_or(String::new(), |p| p.display_name.clone()),
            match c.state {
                SessionState::Queued => "queued",
                SessionState::Active => "active",
                SessionState::Closed => "closed",
            }
            .to_owned(),
            reason.to_owned(),
            c.accepted_at.map(rfc3339).unwrap_or_default(),
            answers
                .get(&c.id)
                .map_or(String::new(), |a| a.rating.to_string()),
        ];
        if bodies {
            cells.push(c.first_message.clone().unwrap_or_default());
            cells.push(
                answers
                    .get(&c.id)
                    .and_then(|a| a.comment.clone())
                    .unwrap_or_default(),
            );
        }
        let row: Vec<String> = cells.iter().map(|v| csv_cell(v)).collect();
        csv.push_str(&row.join(","));
        csv.push_str("\r\n");
    }
    if sessions.len() as i64 >= crate::service::transcripts::EXPORT_MAX {
        csv.push_str(&csv_cell(&format!(
            "(cut: the range holds more than {} sessions; export a shorter one)",
            crate::service::transcripts::EXPORT_MAX
        )));
        csv.push_str("\r\n");
    }
    Ok(download(
        csv,
        "text/csv; charset=utf-8",
        &format!("sessions-{}-{}.csv", query.from.trim(), query.to.trim()).replace('"', ""),
    ))
}
