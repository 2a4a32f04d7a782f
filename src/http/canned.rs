//! Canned messages: managers keep them per queue; agents post one with a click, as their
//! comment, placeholders filled.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{Manager, Staff};
use super::conversations::{entry_response, usable_queue};
use super::error::AppError;
use super::extract::{ApiJson, ApiPath};
use super::openapi as doc;
use crate::domain::canned::{self, CannedError};
use crate::domain::{CannedId, ConversationId, QueueId};
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_canned, create_canned))
        .routes(routes!(update_canned, delete_canned))
        .routes(routes!(reorder_canned))
        .routes(routes!(post_canned))
}

impl From<CannedError> for AppError {
    fn from(e: CannedError) -> Self {
        AppError::Invalid(e.to_string())
    }
}

/// The canned messages of a queue (its agents and managers).
#[utoipa::path(get, path = "/api/queues/{queue}/canned", tag = "canned",
    params(("queue" = String, Path, description = "Queue id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::Canned>),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, description = "`not_found`: no such queue, or not one the caller works", body = wire::ErrorBody),
    ))]
async fn list_canned(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(queue): ApiPath<QueueId>,
) -> Result<Json<Vec<wire::Canned>>, AppError> {
    let queue = usable_queue(&state, &user, queue).await?;
    Ok(Json(
        state
            .db
            .canned_of(queue.id)
            .await?
            .iter()
            .map(wire::Canned::from)
            .collect(),
    ))
}

/// Put a queue's canned messages in a new order: every one of them exactly once.
#[utoipa::path(put, path = "/api/queues/{queue}/canned/order", tag = "canned", request_body = wire::CannedOrder,
    params(("queue" = String, Path, description = "Queue id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The canned messages in their new order", body = Vec<wire::Canned>),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such queue", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, or `ids` does not name each canned message of the queue exactly once", body = wire::ErrorBody),
    ))]
async fn reorder_canned(
    State(state): State<AppState>,
    Manager(manager): Manager,
    ApiPath(queue): ApiPath<QueueId>,
    ApiJson(body): ApiJson<wire::CannedOrder>,
) -> Result<Json<Vec<wire::Canned>>, AppError> {
    let found = state
        .db
        .queue(queue)
        .await?
        .ok_or_else(|| AppError::not_found("queue"))?;
    let refused = || AppError::InvalidField {
        field: "ids",
        message: "`ids` names each canned message of the queue exactly once.".into(),
    };
    let order = body
        .ids
        .iter()
        .map(|id| id.parse::<CannedId>().map_err(|_| refused()))
        .collect::<Result<Vec<_>, _>>()?;
    let listed = state
        .db
        .reorder_canned(queue, &found.settings.name, &order, &state.audit(&manager))
        .await?
        .ok_or_else(refused)?;
    Ok(Json(listed.iter().map(wire::Canned::from).collect()))
}

/// Create a canned message; unknown placeholders are refused.
#[utoipa::path(post, path = "/api/queues/{queue}/canned", tag = "canned", request_body = wire::CannedInput,
    params(("queue" = String, Path, description = "Queue id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Canned),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such queue", body = wire::ErrorBody),
        (status = 409, description = "`already_exists`: the queue has a canned message with this title", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, a missing or refused title or body, or an unknown placeholder", body = wire::ErrorBody),
    ))]
async fn create_canned(
    State(state): State<AppState>,
    Manager(manager): Manager,
    ApiPath(queue): ApiPath<QueueId>,
    ApiJson(body): ApiJson<wire::CannedInput>,
) -> Result<(StatusCode, Json<wire::Canned>), AppError> {
    state
        .db
        .queue(queue)
        .await?
        .ok_or_else(|| AppError::not_found("queue"))?;
    let (title, text) = canned::validate(
        body.title.as_deref().unwrap_or(""),
        body.body.as_deref().unwrap_or(""),
    )?;
    let created = state
        .db
        .create_canned(queue, &title, &text, &state.audit(&manager))
        .await?;
    Ok((StatusCode::CREATED, Json(wire::Canned::from(&created))))
}

/// Change a canned message's title or body.
#[utoipa::path(patch, path = "/api/queues/{queue}/canned/{id}", tag = "canned", request_body = wire::CannedInput,
    params(("queue" = String, Path, description = "Queue id"), ("id" = String, Path, description = "Canned message id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Canned),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such canned message in this queue", body = wire::ErrorBody),
        (status = 409, description = "`already_exists`: the queue has a canned message with this title", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, a refused title or body, or an unknown placeholder", body = wire::ErrorBody),
    ))]
async fn update_canned(
    State(state): State<AppState>,
    Manager(manager): Manager,
    ApiPath((queue, id)): ApiPath<(QueueId, CannedId)>,
    ApiJson(body): ApiJson<wire::CannedInput>,
) -> Result<Json<wire::Canned>, AppError> {
    let current = state
        .db
        .canned(queue, id)
        .await?
        .ok_or_else(|| AppError::not_found("canned message"))?;
    let (title, text) = canned::validate(
        body.title.as_deref().unwrap_or(&current.title),
        body.body.as_deref().unwrap_or(&current.body),
    )?;
    Ok(Json(wire::Canned::from(
        &state
            .db
            .update_canned(queue, id, &title, &text, &state.audit(&manager))
            .await?,
    )))
}

/// Delete a canned message.
#[utoipa::path(delete, path = "/api/queues/{queue}/canned/{id}", tag = "canned",
    params(("queue" = String, Path, description = "Queue id"), ("id" = String, Path, description = "Canned message id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Deleted; its id is never given to another canned message"),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such canned message in this queue", body = wire::ErrorBody),
    ))]
async fn delete_canned(
    State(state): State<AppState>,
    Manager(manager): Manager,
    ApiPath((queue, id)): ApiPath<(QueueId, CannedId)>,
) -> Result<StatusCode, AppError> {
    if state
        .db
        .delete_canned(queue, id, &state.audit(&manager))
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found("canned message"))
    }
}

/// Post a canned message as the agent's comment, placeholders filled.
#[utoipa::path(post, path = "/api/conversations/{id}/canned/{canned}", tag = "canned", request_body = wire::UseCanned,
    params(("id" = String, Path, description = "Conversation id"), ("canned" = String, Path, description = "Canned message id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "Posted as the agent's comment", body = wire::Entry),
        (status = 200, description = "Posted before with this client_id: the original entry", body = wire::Entry),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, description = "`forbidden`: not staff, or not the assignee; `forbidden_origin`: a browser request from an origin that is not allowed", body = wire::ErrorBody),
        (status = 404, description = "`not_found`: no such conversation (or not one the caller may see), or no such canned message in its queue", body = wire::ErrorBody),
        (status = 409, description = "`session_closed`", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, or a bad client id; `too_long`: the filled message is over 10,000 characters", body = wire::ErrorBody),
    ))]
async fn post_canned(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath((id, canned_id)): ApiPath<(ConversationId, CannedId)>,
    ApiJson(body): ApiJson<wire::UseCanned>,
) -> Result<(StatusCode, Json<wire::Entry>), AppError> {
    entry_response(
        &state
            .post_canned(id, &user, canned_id, body.client_id)
            .await?,
    )
}
