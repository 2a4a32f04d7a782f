//! The manager API for assignment groups and their membership: `/api/groups`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Manager;
use super::error::AppError;
use super::extract::{ApiJson, ApiPath};
use super::openapi as doc;
use crate::domain::directory;
use crate::domain::{GroupId, UserId};
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group))
        .routes(routes!(add_member, remove_member))
}

async fn group_with_members(state: &AppState, id: GroupId) -> Result<wire::Group, AppError> {
    let group = state
        .db
        .group(id)
        .await?
        .ok_or_else(|| AppError::not_found("group"))?;
    let members = state.db.group_members(id).await?;
    Ok(wire::Group::new(&group, &members))
}

/// Every assignment group with its members.
#[utoipa::path(get, path = "/api/groups", tag = "groups",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::Group>),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
    ))]
async fn list_groups(
    State(state): State<AppState>,
    _: Manager,
) -> Result<Json<Vec<wire::Group>>, AppError> {
    let mut out = Vec::new();
    for group in state.db.groups().await? {
        out.push(group_with_members(&state, group.id).await?);
    }
    Ok(Json(out))
}

/// Create an assignment group.
#[utoipa::path(post, path = "/api/groups", tag = "groups", request_body = wire::CreateGroup,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Group),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 409, description = "`already_exists`: the name is taken", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, or the name is refused", body = wire::ErrorBody),
    ))]
async fn create_group(
    State(state): State<AppState>,
    Manager(manager): Manager,
    ApiJson(body): ApiJson<wire::CreateGroup>,
) -> Result<(StatusCode, Json<wire::Group>), AppError> {
    let name = directory::validate_name(&body.name)?;
    let group = state
        .db
        .create_group(&name, state.clock.now(), &state.audit(&manager))
        .await?;
    Ok((StatusCode::CREATED, Json(wire::Group::new(&group, &[]))))
}

/// One group with its members.
#[utoipa::path(get, path = "/api/groups/{id}", tag = "groups",
    params(("id" = String, Path, description = "Group id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Group),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, description = "`not_found`: no such group", body = wire::ErrorBody),
    ))]
async fn get_group(
    State(state): State<AppState>,
    _: Manager,
    ApiPath(id): ApiPath<GroupId>,
) -> Result<Json<wire::Group>, AppError> {
    Ok(Json(group_with_members(&state, id).await?))
}

/// Make a staff member part of a group (and so an agent of its queues).
#[utoipa::path(put, path = "/api/groups/{id}/members/{user}", tag = "groups",
    params(("id" = String, Path, description = "Group id"), ("user" = String, Path, description = "User id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Group),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such group or user", body = wire::ErrorBody),
        (status = 422, description = "`invalid`: only agents and managers can be members", body = wire::ErrorBody),
    ))]
async fn add_member(
    State(state): State<AppState>,
    Manager(manager): Manager,
    ApiPath((id, user)): ApiPath<(GroupId, UserId)>,
) -> Result<Json<wire::Group>, AppError> {
    state
        .db
        .group(id)
        .await?
        .ok_or_else(|| AppError::not_found("group"))?;
    let member = state
        .db
        .user(user)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    if !member.roles.is_staff() {
        return Err(AppError::Invalid(format!(
            "{} is not an agent or manager, so cannot work a queue.",
            member.display_name
        )));
    }
    state
        .db
        .add_group_member(id, user, &state.audit(&manager))
        .await?;
    // Open sockets of the member reconnect to pick up the group's queues.
    state.revoke(super::Revocation::Refresh(user));
    group_changed(&state, id).await?;
    Ok(Json(group_with_members(&state, id).await?))
}

/// Who works the queues of `group` changed: managers' live views of them read again.
async fn group_changed(state: &AppState, group: GroupId) -> Result<(), AppError> {
    for queue in state.db.queues().await? {
        if queue.settings.group == group {
            state.queue_changed(queue.id);
        }
    }
    Ok(())
}

/// Take a user out of a group (not an error if they were not in it).
#[utoipa::path(delete, path = "/api/groups/{id}/members/{user}", tag = "groups",
    params(("id" = String, Path, description = "Group id"), ("user" = String, Path, description = "User id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Group),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such group, or a malformed user id", body = wire::ErrorBody),
    ))]
async fn remove_member(
    State(state): State<AppState>,
    Manager(manager): Manager,
    ApiPath((id, user)): ApiPath<(GroupId, UserId)>,
) -> Result<Json<wire::Group>, AppError> {
    state
        .db
        .group(id)
        .await?
        .ok_or_else(|| AppError::not_found("group"))?;
    if state
        .db
        .remove_group_member(id, user, &state.audit(&manager))
        .await?
    {
        // Open sockets of the former member stop receiving the group's sessions.
        state.revoke(super::Revocation::Refresh(user));
        group_changed(&state, id).await?;
    }
    Ok(Json(group_with_members(&state, id).await?))
}
