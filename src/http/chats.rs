//! Connect Chat over HTTP: start a chat with colleagues (direct, or a named group), add
//! someone to a group chat, leave one; and invite a colleague into a support session. A
//! chat's messages, history, typing and read marks are the conversation endpoints'.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Staff;
use super::conversations::summarised;
use super::error::AppError;
use super::extract::{ApiJson, ApiPath};
use super::openapi as doc;
use crate::domain::{ConversationId, UserId};
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_chat))
        .routes(routes!(add_member, leave))
        .routes(routes!(invite))
}

fn user_id(field: &'static str, text: &str) -> Result<UserId, AppError> {
    text.parse().map_err(|_| AppError::InvalidField {
        field,
        message: format!("No such user: {text:?}."),
    })
}

/// Start a chat with colleagues: the direct chat of two (the existing one if there is), or a
/// named group.
#[utoipa::path(post, path = "/api/chats", tag = "chats", request_body = wire::NewChat,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Conversation),
        (status = 200, description = "The direct chat of the two, started before", body = wire::Conversation),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: `members` names someone who is not enabled staff, nobody, or too many (`field`: `members`); a group without a name, or a name over 100 characters (`field`: `title`)", body = wire::ErrorBody),
    ))]
async fn start_chat(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiJson(body): ApiJson<wire::NewChat>,
) -> Result<(StatusCode, Json<wire::Conversation>), AppError> {
    if body.members.len() > crate::domain::chat::MEMBERS_MAX {
        return Err(AppError::InvalidField {
            field: "members",
            message: format!(
                "A group chat has at most {} people.",
                crate::domain::chat::MEMBERS_MAX
            ),
        });
    }
    let members = body
        .members
        .iter()
        .map(|m| user_id("members", m))
        .collect::<Result<Vec<_>, _>>()?;
    let (conv, created) = state.start_chat(&user, members, body.title).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(summarised(&state, conv, &user).await?)))
}

/// Add a colleague to a group chat (its members).
#[utoipa::path(put, path = "/api/chats/{id}/members/{user}", tag = "chats",
    params(("id" = String, Path, description = "The chat's conversation id"), ("user" = String, Path, description = "The colleague's user id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Conversation),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such chat, or one the caller is not in", body = wire::ErrorBody),
        (status = 422, description = "`invalid`: a direct chat, someone who is not enabled staff, no such user, or a full group", body = wire::ErrorBody),
    ))]
async fn add_member(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath((id, colleague)): ApiPath<(ConversationId, UserId)>,
) -> Result<Json<wire::Conversation>, AppError> {
    let applied = state.add_to_chat(&user, id, colleague).await?;
    Ok(Json(summarised(&state, applied.conversation, &user).await?))
}

/// Leave a group chat (only oneself).
#[utoipa::path(delete, path = "/api/chats/{id}/members/{user}", tag = "chats",
    params(("id" = String, Path, description = "The chat's conversation id"), ("user" = String, Path, description = "The caller's own user id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Left; the caller's sockets get `gone`"),
        (status = 401, response = doc::Unauthorized),
        (status = 403, description = "`forbidden`: someone else's membership; `forbidden_origin`", body = wire::ErrorBody),
        (status = 404, description = "`not_found`: no such chat, or one the caller is not in", body = wire::ErrorBody),
        (status = 422, description = "`invalid`: a direct chat cannot be left", body = wire::ErrorBody),
    ))]
async fn leave(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath((id, member)): ApiPath<(ConversationId, UserId)>,
) -> Result<StatusCode, AppError> {
    if member != user.id {
        return Err(AppError::Forbidden("Each member leaves a chat themselves."));
    }
    state.leave_chat(&user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invite a colleague into a support session to help: they see it and post work notes until
/// it ends, is transferred or goes back to the queue.
#[utoipa::path(post, path = "/api/conversations/{id}/invite", tag = "chats", request_body = wire::Invite,
    params(("id" = String, Path, description = "The support session's conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Conversation),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, description = "`forbidden`: not the assignee or a manager; `forbidden_origin`", body = wire::ErrorBody),
        (status = 404, description = "`not_found`: no such session, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`session_closed`; `not_active`: it waits in the queue", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: the colleague is not enabled staff, has the session already, or does not exist (`field`: `user`)", body = wire::ErrorBody),
    ))]
async fn invite(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(body): ApiJson<wire::Invite>,
) -> Result<Json<wire::Conversation>, AppError> {
    let colleague = user_id("user", &body.user)?;
    let applied = state.invite(&user, id, colleague).await?;
    Ok(Json(summarised(&state, applied.conversation, &user).await?))
}
