//! What staff may look up about a person they help: `GET /api/users/{id}`, the sessions of
//! that customer they may see (the workspace's Customer tool), and a search by name (the
//! caller of an incident).

use axum::Json;
use axum::extract::{Query, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Staff;
use super::error::AppError;
use super::extract::ApiPath;
use super::openapi as doc;
use crate::domain::UserId;
use crate::domain::session;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_user))
        .routes(routes!(search_users))
        .routes(routes!(user_sessions))
}

/// The most users a search answers with.
const SEARCH_MAX: i64 = 20;

/// Users whose name or username contains `q` (any case; enabled users only), by name, at most
/// 20 (staff only: to choose an incident's caller; with `staff=true` only staff, colleagues to
/// chat with).
#[utoipa::path(get, path = "/api/users", tag = "sessions",
    params(wire::UsersQuery),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::User>),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 422, description = "`invalid`: `q` missing, empty or over 100 characters, or an unknown query parameter", body = wire::ErrorBody),
    ))]
async fn search_users(
    State(state): State<AppState>,
    _: Staff,
    query: Result<Query<wire::UsersQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<wire::User>>, AppError> {
    let Query(query) = query?;
    let text = query.q.trim();
    if text.is_empty() || query.q.chars().count() > 100 {
        return Err(AppError::Invalid(
            "`q` is 1 to 100 characters: part of a name or username.".into(),
        ));
    }
    let found = if query.staff.unwrap_or(false) {
        // Colleagues to chat with: read further, keep those who may chat.
        let mut found = state.db.search_users(text, SEARCH_MAX * 5).await?;
        found.retain(crate::domain::chat::may_chat);
        found.truncate(SEARCH_MAX as usize);
        found
    } else {
        state.db.search_users(text, SEARCH_MAX).await?
    };
    Ok(Json(found.iter().map(wire::User::from).collect()))
}

/// A user's public profile: name, roles, ITIL (staff only).
#[utoipa::path(get, path = "/api/users/{id}", tag = "sessions",
    params(("id" = String, Path, description = "User id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::User),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, description = "`not_found`: no such user", body = wire::ErrorBody),
    ))]
async fn get_user(
    State(state): State<AppState>,
    _: Staff,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<wire::User>, AppError> {
    let user = state
        .db
        .user(id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    Ok(Json(wire::User::from(&user)))
}

/// The support sessions of a customer that the caller may see, newest first.
#[utoipa::path(get, path = "/api/users/{id}/sessions", tag = "sessions",
    params(("id" = String, Path, description = "User id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::Conversation>),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, description = "`not_found`: no such user", body = wire::ErrorBody),
    ))]
async fn user_sessions(
    State(state): State<AppState>,
    Staff(viewer): Staff,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<Vec<wire::Conversation>>, AppError> {
    state
        .db
        .user(id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    let mut out = Vec::new();
    for conv in state.db.sessions_of_customer(id, 50).await? {
        if session::can_view(&conv, &state.viewer_of(&conv, &viewer).await?) {
            out.push(super::conversations::summarised(&state, conv, &viewer).await?);
        }
    }
    Ok(Json(out))
}
