//! Chat queues: `/api/queues`. Everyone signed in lists the queues they may use or work;
//! managers create queues and change their settings.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{CurrentUser, Manager, Staff};
use super::error::AppError;
use super::extract::{ApiJson, ApiPath};
use super::openapi as doc;
use crate::domain::directory::{
    DEFAULT_ASSIGNEE_GRACE_SECS, DEFAULT_AUTO_CLOSE_SECS, DEFAULT_WARNING_SECS,
};
use crate::domain::session;
use crate::domain::{GroupId, Queue, QueueId, QueueSettings, User};
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_queues, create_queue))
        .routes(routes!(get_queue, update_queue))
        .routes(routes!(queue_members))
}

/// The agents of a queue's group with their presence, for the Transfer dialog.
#[utoipa::path(get, path = "/api/queues/{queue}/members", tag = "queues",
    params(("queue" = String, Path, description = "Queue id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::Member>),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, description = "`not_found`: no such queue, or not one the caller works", body = wire::ErrorBody),
    ))]
async fn queue_members(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(id): ApiPath<QueueId>,
) -> Result<Json<Vec<wire::Member>>, AppError> {
    let queue = super::conversations::usable_queue(&state, &user, id).await?;
    let members = state.db.group_members(queue.settings.group).await?;
    let mut rows = Vec::new();
    // Those who work the queue: a member demoted to customer is not offered for Transfer.
    for m in members.iter().filter(|m| session::staff_of_queue(m, true)) {
        rows.push(wire::Member {
            id: m.id.to_string(),
            display_name: m.display_name.clone(),
            status: state.status_anywhere(m.id).await.into(),
        });
    }
    Ok(Json(rows))
}

/// The queues `user` may see: customers and managers every queue (customers to start a chat),
/// agents the queues of their groups.
async fn visible_queues(state: &AppState, user: &User) -> Result<Vec<Queue>, AppError> {
    let memberships = state.memberships(user).await?;
    let mut queues = state.db.queues().await?;
    queues.retain(|q| session::can_use_queue(user, memberships.contains(&q.settings.group)));
    Ok(queues)
}

/// The queues the caller may use (customers) or works (agents).
#[utoipa::path(get, path = "/api/queues", tag = "queues",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::Queue>),
        (status = 401, response = doc::Unauthorized),
    ))]
async fn list_queues(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<Vec<wire::Queue>>, AppError> {
    Ok(Json(
        visible_queues(&state, &current.user)
            .await?
            .iter()
            .map(wire::Queue::from)
            .collect(),
    ))
}

/// One queue the caller may see.
#[utoipa::path(get, path = "/api/queues/{id}", tag = "queues",
    params(("id" = String, Path, description = "Queue id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Queue),
        (status = 401, response = doc::Unauthorized),
        (status = 404, description = "`not_found`: no such queue, or not one the caller may see", body = wire::ErrorBody),
    ))]
async fn get_queue(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<QueueId>,
) -> Result<Json<wire::Queue>, AppError> {
    let queue = visible_queues(&state, &current.user)
        .await?
        .into_iter()
        .find(|q| q.id == id)
        .ok_or_else(|| AppError::not_found("queue"))?;
    Ok(Json(wire::Queue::from(&queue)))
}

fn parse_group(id: &str) -> Result<GroupId, AppError> {
    id.parse()
        .map_err(|_| AppError::Invalid(format!("No group has the id {id:?}.")))
}

async fn require_group(state: &AppState, id: GroupId) -> Result<(), AppError> {
    match state.db.group(id).await? {
        Some(_) => Ok(()),
        None => Err(AppError::Invalid(format!("No group has the id \"{id}\"."))),
    }
}

/// Create a queue.
#[utoipa::path(post, path = "/api/queues", tag = "queues", request_body = wire::CreateQueue,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Queue),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 409, description = "`already_exists`: the name is taken", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, a field breaks a rule, or no such group", body = wire::ErrorBody),
    ))]
async fn create_queue(
    State(state): State<AppState>,
    Manager(manager): Manager,
    ApiJson(body): ApiJson<wire::CreateQueue>,
) -> Result<(StatusCode, Json<wire::Queue>), AppError> {
    let settings = QueueSettings {
        name: body.name,
        group: parse_group(&body.group)?,
        greeting: body.greeting,
        inactivity_warning_secs: body
            .inactivity_warning_seconds
            .unwrap_or(DEFAULT_WARNING_SECS),
        auto_close_secs: body.auto_close_seconds.unwrap_or(DEFAULT_AUTO_CLOSE_SECS),
        assignee_grace_secs: body
            .assignee_grace_seconds
            .unwrap_or(DEFAULT_ASSIGNEE_GRACE_SECS),
        unsend_secs: body
            .unsend_seconds
            .unwrap_or(crate::domain::unsend::DEFAULT_WINDOW_SECS),
        max_sessions_per_agent: body.max_sessions_per_agent.unwrap_or(0),
        survey: body.survey.unwrap_or(true),
        offer_alert_secs: body
            .offer_alert_seconds
            .unwrap_or(crate::domain::directory::DEFAULT_OFFER_ALERT_SECS),
        reply_alert_secs: body
            .reply_alert_seconds
            .unwrap_or(crate::domain::directory::DEFAULT_REPLY_ALERT_SECS),
    }
    .validate()?;
    require_group(&state, settings.group).await?;
    let queue = state
        .db
        .create_queue(&settings, state.clock.now(), &state.audit(&manager))
        .await?;
    Ok((StatusCode::CREATED, Json(wire::Queue::from(&queue))))
}

/// Change a queue's name, assignment group, greeting or inactivity timers.
#[utoipa::path(patch, path = "/api/queues/{id}", tag = "queues", request_body = wire::UpdateQueue,
    params(("id" = String, Path, description = "Queue id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Queue),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such queue", body = wire::ErrorBody),
        (status = 409, description = "`already_exists`: the name is taken", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, a field breaks a rule, or no such group", body = wire::ErrorBody),
    ))]
async fn update_queue(
    State(state): State<AppState>,
    Manager(manager): Manager,
    ApiPath(id): ApiPath<QueueId>,
    ApiJson(body): ApiJson<wire::UpdateQueue>,
) -> Result<Json<wire::Queue>, AppError> {
    let current = state
        .db
        .queue(id)
        .await?
        .ok_or_else(|| AppError::not_found("queue"))?
        .settings;
    let settings = QueueSettings {
        name: body.name.clone().unwrap_or_else(|| current.name.clone()),
        group: body
            .group
            .as_deref()
            .map(parse_group)
            .transpose()?
            .unwrap_or(current.group),
        greeting: body
            .greeting
            .clone()
            .unwrap_or_else(|| current.greeting.clone()),
        inactivity_warning_secs: body
            .inactivity_warning_seconds
            .unwrap_or(current.inactivity_warning_secs),
        auto_close_secs: body.auto_close_seconds.unwrap_or(current.auto_close_secs),
        assignee_grace_secs: body
            .assignee_grace_seconds
            .unwrap_or(current.assignee_grace_secs),
        unsend_secs: body.unsend_seconds.unwrap_or(current.unsend_secs),
        max_sessions_per_agent: body
            .max_sessions_per_agent
            .unwrap_or(current.max_sessions_per_agent),
        survey: body.survey.unwrap_or(current.survey),
        offer_alert_secs: body.offer_alert_seconds.unwrap_or(current.offer_alert_secs),
        reply_alert_secs: body.reply_alert_seconds.unwrap_or(current.reply_alert_secs),
    }
    .validate()?;
    require_group(&state, settings.group).await?;
    let queue = state
        .db
        .update_queue(id, &settings, &state.audit(&manager))
        .await?;
    if queue.settings.group != current.group {
        // Who works the queue changed: the sockets of both groups reconnect with the new rights
        // (the old group's stop receiving its sessions, the new group's start).
        for group in [current.group, queue.settings.group] {
            for member in state.db.group_members(group).await? {
                state.revoke(super::Revocation::Refresh(member.id));
            }
        }
    }
    state.queue_changed(queue.id);
    Ok(Json(wire::Queue::from(&queue)))
}
