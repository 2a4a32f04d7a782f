//! What staff may look up about a person they help: `GET /api/users/{id}` and the sessions of
//! that customer they may see (the workspace's Customer tool).

use axum::Json;
use axum::extract::State;
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
        .routes(routes!(user_sessions))
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
