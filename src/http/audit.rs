//! The audit log over HTTP: `GET /api/audit` (managers and admins), newest first, filtered.
//! There is no route that changes or deletes an entry; the database refuses it too.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Manager;
use super::error::AppError;
use super::openapi as doc;
use crate::domain::UserId;
use crate::storage::audit::{self, Query as AuditQuery};
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit_log))
}

/// The most entries one page holds.
const PAGE_MAX: i64 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    /// Changes made by this user (an id).
    actor: Option<String>,
    /// One action, such as `group.add_member`.
    action: Option<String>,
    /// `user`, `group`, `queue` or `canned`.
    target_kind: Option<String>,
    /// The id of the target (with `target_kind`).
    target: Option<String>,
    /// From this time (RFC 3339), included.
    from: Option<String>,
    /// Until this time (RFC 3339), excluded.
    to: Option<String>,
    /// Entries older than this entry id (the next page).
    before: Option<String>,
    /// 1 to 200, default 50.
    limit: Option<i64>,
}

fn id_field(field: &'static str, text: Option<&str>) -> Result<Option<i64>, AppError> {
    text.map(|t| {
        t.trim()
            .parse::<i64>()
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| AppError::InvalidField {
                field,
                message: format!("`{field}` is an id, not {t:?}."),
            })
    })
    .transpose()
}

fn one_of(
    field: &'static str,
    text: Option<&str>,
    known: &[&'static str],
) -> Result<Option<&'static str>, AppError> {
    text.map(|t| {
        known
            .iter()
            .find(|k| **k == t)
            .copied()
            .ok_or_else(|| AppError::InvalidField {
                field,
                message: format!("`{field}` is one of {}, not {t:?}.", known.join(", ")),
            })
    })
    .transpose()
}

/// The audit log: every change made through the console and the admin API (who, what, before
/// and after, when), newest first.
#[utoipa::path(get, path = "/api/audit", tag = "groups", params(AuditParams),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::AuditPage),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 422, description = "`invalid`: a filter that is not an id, a known action or kind, or an RFC 3339 time; `target` without `target_kind`; `limit` outside 1–200", body = wire::ErrorBody),
    ))]
async fn audit_log(
    State(state): State<AppState>,
    _: Manager,
    params: Result<Query<AuditParams>, QueryRejection>,
) -> Result<Json<wire::AuditPage>, AppError> {
    let Query(params) = params?;
    let limit = params.limit.unwrap_or(50);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(AppError::InvalidField {
            field: "limit",
            message: format!("`limit` is 1 to {PAGE_MAX}."),
        });
    }
    let target_kind = one_of(
        "target_kind",
        params.target_kind.as_deref(),
        &audit::TARGET_KINDS,
    )?;
    let target = id_field("target", params.target.as_deref())?;
    if target.is_some() && target_kind.is_none() {
        return Err(AppError::InvalidField {
            field: "target",
            message: "`target` goes with `target_kind`.".into(),
        });
    }
    let query = AuditQuery {
        actor: id_field("actor", params.actor.as_deref())?.map(UserId),
        action: one_of("action", params.action.as_deref(), &audit::ACTIONS)?,
        target_kind,
        target,
        from: params
            .from
            .as_deref()
            .map(|t| super::extract::instant("from", t))
            .transpose()?,
        to: params
            .to
            .as_deref()
            .map(|t| super::extract::instant("to", t))
            .transpose()?,
        before: id_field("before", params.before.as_deref())?,
        limit: limit + 1,
    };
    let mut entries = state.db.audit_log(&query).await?;
    let more = entries.len() as i64 > limit;
    entries.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(Json(wire::AuditPage {
        next_before: more
            .then(|| entries.last().map(|e| e.id.to_string()))
            .flatten(),
        entries: entries.iter().map(wire::AuditEntry::from).collect(),
    }))
}
