//! Incidents over HTTP: create (from a support session), find, list and search, change with a
//! version, follow; the incidents of a session; and, when nobody is available, a message left
//! for a queue that becomes an incident. The activity of an incident is a record conversation,
//! read and written with the conversation endpoints.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{CurrentUser, Staff};
use super::error::AppError;
use super::extract::{ApiJson, ApiPath};
use super::openapi as doc;
use crate::domain::incident::{Category, ContactType, Fields, Incident, IncidentState};
use crate::domain::session;
use crate::domain::{ConversationId, GroupId, QueueId, User, UserId};
use crate::hub::Status;
use crate::service::incidents::View;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_incidents, create_incident))
        .routes(routes!(get_incident, change_incident))
        .routes(routes!(follow, unfollow))
        .routes(routes!(incidents_of_session))
        .routes(routes!(availability))
        .routes(routes!(leave_message))
}

fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
    AppError::InvalidField {
        field,
        message: message.into(),
    }
}

fn word<T: Copy>(
    field: &'static str,
    text: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, AppError> {
    parse(text).ok_or_else(|| {
        let words: Vec<&str> = all.iter().map(|w| name(*w)).collect();
        invalid(
            field,
            format!("`{field}` is one of {}, not {text:?}.", words.join(", ")),
        )
    })
}

fn category(text: &str) -> Result<Category, AppError> {
    word(
        "category",
        text,
        Category::parse,
        Category::ALL,
        Category::as_str,
    )
}

fn contact_type(text: &str) -> Result<ContactType, AppError> {
    word(
        "contact_type",
        text,
        ContactType::parse,
        ContactType::ALL,
        ContactType::as_str,
    )
}

fn state_of(text: &str) -> Result<IncidentState, AppError> {
    word(
        "state",
        text,
        IncidentState::parse,
        IncidentState::ALL,
        IncidentState::as_str,
    )
}

fn id_of<T: std::str::FromStr>(field: &'static str, text: &str) -> Result<T, AppError> {
    text.parse().map_err(|_| {
        invalid(
            field,
            format!("No such {}: {text:?}.", field.replace('_', " ")),
        )
    })
}

fn level(field: &'static str, value: u8) -> Result<u8, AppError> {
    if (1..=3).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(field, format!("`{field}` is 1, 2 or 3.")))
    }
}

async fn answer(
    state: &AppState,
    user: &User,
    incident: &Incident,
) -> Result<wire::Incident, AppError> {
    let following = state
        .following(user, std::slice::from_ref(incident))
        .await?;
    Ok(wire::Incident::of(
        incident,
        following.contains(&incident.id),
    ))
}

/// Incidents as `user` gets them: each with whether they follow it.
async fn answers(
    state: &AppState,
    user: &User,
    found: &[Incident],
) -> Result<Json<Vec<wire::Incident>>, AppError> {
    let following = state.following(user, found).await?;
    Ok(Json(
        found
            .iter()
            .map(|i| wire::Incident::of(i, following.contains(&i.id)))
            .collect(),
    ))
}

/// Create an incident (staff). With `session`, the session's customer is told its number.
#[utoipa::path(post, path = "/api/incidents", tag = "incidents", request_body = wire::IncidentInput,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Incident),
        (status = 200, description = "The same user repeated a `client_id`: the incident created the first time", body = wire::Incident),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such session, or one the caller may not see", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: a field refused; `field` names it", body = wire::ErrorBody),
    ))]
async fn create_incident(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiJson(body): ApiJson<wire::IncidentInput>,
) -> Result<(StatusCode, Json<wire::Incident>), AppError> {
    let fields = Fields {
        caller: id_of::<UserId>("caller", &body.caller)?,
        short_description: body.short_description,
        description: body.description.unwrap_or_default(),
        category: category(&body.category)?,
        contact_type: contact_type(&body.contact_type)?,
        impact: level("impact", body.impact)?,
        urgency: level("urgency", body.urgency)?,
        state: body
            .state
            .as_deref()
            .map(state_of)
            .transpose()?
            .unwrap_or(IncidentState::New),
        resolution_notes: body.resolution_notes,
        assignment_group: body
            .assignment_group
            .as_deref()
            .map(|g| id_of::<GroupId>("assignment_group", g))
            .transpose()?,
        assigned_to: body
            .assigned_to
            .as_deref()
            .map(|u| id_of::<UserId>("assigned_to", u))
            .transpose()?,
    };
    let session = body
        .session
        .as_deref()
        .map(|s| {
            s.parse::<ConversationId>()
                .map_err(|_| AppError::not_found("conversation"))
        })
        .transpose()?;
    let (incident, created) = state
        .create_incident(&user, body.client_id, fields, session)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer(&state, &user, &incident).await?)))
}

/// Incidents: staff by view (mine, my groups', all open, all), state and search; a customer
/// those they are the caller of.
#[utoipa::path(get, path = "/api/incidents", tag = "incidents",
    params(wire::IncidentsQuery),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::Incident>),
        (status = 401, response = doc::Unauthorized),
        (status = 422, description = "`invalid`: an unknown `view` or `state`, or an unknown query parameter", body = wire::ErrorBody),
    ))]
async fn list_incidents(
    State(state): State<AppState>,
    current: CurrentUser,
    query: Result<Query<wire::IncidentsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<wire::Incident>>, AppError> {
    let Query(query) = query?;
    let view = match query.view.as_deref() {
        None | Some("open") => View::Open,
        Some("mine") => View::Mine,
        Some("group") => View::Group,
        Some("all") => View::All,
        Some(other) => {
            return Err(AppError::Invalid(format!(
                "`view` is mine, group, open or all, not {other:?}."
            )));
        }
    };
    let wanted = query.state.as_deref().map(state_of).transpose()?;
    if query.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(AppError::Invalid("`q` is at most 200 characters.".into()));
    }
    let user = &current.user;
    let found = state
        .list_incidents(user, view, wanted, query.q.as_deref())
        .await?;
    answers(&state, user, &found).await
}

/// One incident, by id or number (staff; its caller).
#[utoipa::path(get, path = "/api/incidents/{incident}", tag = "incidents",
    params(("incident" = String, Path, description = "The incident's id, or its number (`INC0010001`)")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Incident),
        (status = 401, response = doc::Unauthorized),
        (status = 404, description = "`not_found`: no such incident, or one the caller may not see", body = wire::ErrorBody),
    ))]
async fn get_incident(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(key): Path<String>,
) -> Result<Json<wire::Incident>, AppError> {
    let incident = state.incident_for(&current.user, &key).await?;
    Ok(Json(answer(&state, &current.user, &incident).await?))
}

/// Change an incident (staff), made on `version`: each changed field is told in its activity.
#[utoipa::path(patch, path = "/api/incidents/{incident}", tag = "incidents", request_body = wire::IncidentChange,
    params(("incident" = String, Path, description = "The incident's id, or its number")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Incident),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such incident", body = wire::ErrorBody),
        (status = 409, description = "`changed`: `version` is not the current one (the message names who changed it and when); `incident_closed`: it is closed or canceled", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: a field refused; `field` names it", body = wire::ErrorBody),
    ))]
async fn change_incident(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<wire::IncidentChange>,
) -> Result<Json<wire::Incident>, AppError> {
    let found = state.incident_for(&user, &key).await?;
    // Every value is read before anything is asked of the store: a bad one changes nothing.
    let caller = body
        .caller
        .as_deref()
        .map(|c| id_of::<UserId>("caller", c))
        .transpose()?;
    let category = body.category.as_deref().map(category).transpose()?;
    let contact = body.contact_type.as_deref().map(contact_type).transpose()?;
    let impact = body.impact.map(|v| level("impact", v)).transpose()?;
    let urgency = body.urgency.map(|v| level("urgency", v)).transpose()?;
    let new_state = body.state.as_deref().map(state_of).transpose()?;
    let group = match body.assignment_group {
        Some(Some(g)) => Some(Some(id_of::<GroupId>("assignment_group", &g)?)),
        Some(None) => Some(None),
        None => None,
    };
    let assignee = match body.assigned_to {
        Some(Some(u)) => Some(Some(id_of::<UserId>("assigned_to", &u)?)),
        Some(None) => Some(None),
        None => None,
    };
    let (short, description, notes) = (
        body.short_description,
        body.description,
        body.resolution_notes,
    );
    let incident = state
        .update_incident(&user, found.id, body.version, move |f| {
            if let Some(v) = caller {
                f.caller = v;
            }
            if let Some(v) = short {
                f.short_description = v;
            }
            if let Some(v) = description {
                f.description = v;
            }
            if let Some(v) = category {
                f.category = v;
            }
            if let Some(v) = contact {
                f.contact_type = v;
            }
            if let Some(v) = impact {
                f.impact = v;
            }
            if let Some(v) = urgency {
                f.urgency = v;
            }
            if let Some(v) = new_state {
                f.state = v;
            }
            if let Some(v) = notes {
                f.resolution_notes = v;
            }
            if let Some(v) = group {
                f.assignment_group = v;
            }
            if let Some(v) = assignee {
                f.assigned_to = v;
            }
            Ok(())
        })
        .await?;
    Ok(Json(answer(&state, &user, &incident).await?))
}

/// Follow an incident (staff): its activity comes to the Connect sidebar.
#[utoipa::path(put, path = "/api/incidents/{incident}/follow", tag = "incidents",
    params(("incident" = String, Path, description = "The incident's id, or its number")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Followed (also when already)"),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such incident", body = wire::ErrorBody),
    ))]
async fn follow(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(key): Path<String>,
) -> Result<StatusCode, AppError> {
    set_following(&state, &user, &key, true).await
}

async fn set_following(
    state: &AppState,
    user: &User,
    key: &str,
    follow: bool,
) -> Result<StatusCode, AppError> {
    let incident = state.incident_for(user, key).await?;
    state.set_following(user, &incident, follow).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop following an incident (staff).
#[utoipa::path(delete, path = "/api/incidents/{incident}/follow", tag = "incidents",
    params(("incident" = String, Path, description = "The incident's id, or its number")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Not followed (also when it was not)"),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such incident", body = wire::ErrorBody),
    ))]
async fn unfollow(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(key): Path<String>,
) -> Result<StatusCode, AppError> {
    set_following(&state, &user, &key, false).await
}

/// The incidents created from a support session, newest first.
#[utoipa::path(get, path = "/api/conversations/{id}/incidents", tag = "incidents",
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::Incident>),
        (status = 401, response = doc::Unauthorized),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
    ))]
async fn incidents_of_session(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Vec<wire::Incident>>, AppError> {
    let user = &current.user;
    let found = state.incidents_of_session(user, id).await?;
    answers(&state, user, &found).await
}

/// How many of the queue's staff are online and Available now: none, and the support page
/// offers to leave a message.
#[utoipa::path(get, path = "/api/queues/{queue}/availability", tag = "incidents",
    params(("queue" = String, Path, description = "Queue id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Availability),
        (status = 401, response = doc::Unauthorized),
        (status = 404, description = "`not_found`: no such queue, or not one the caller may use", body = wire::ErrorBody),
    ))]
async fn availability(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<QueueId>,
) -> Result<Json<wire::Availability>, AppError> {
    let queue = super::conversations::usable_queue(&state, &current.user, id).await?;
    let members = state.db.group_members(queue.settings.group).await?;
    let mut available = 0;
    for m in members.iter().filter(|m| session::staff_of_queue(m, true)) {
        if state.status_anywhere(m.id).await == Status::Available {
            available += 1;
        }
    }
    Ok(Json(wire::Availability { available }))
}

/// Nobody is there: leave a message for the queue (customers). It becomes an incident for the
/// queue's group, the customer its caller, and its number is in the answer.
#[utoipa::path(post, path = "/api/queues/{queue}/messages", tag = "incidents", request_body = wire::LeftMessage,
    params(("queue" = String, Path, description = "Queue id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Incident),
        (status = 200, description = "A repeated `client_id`: the incident of the first time", body = wire::Incident),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such queue", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: an empty or too long message, or a bad client id", body = wire::ErrorBody),
        (status = 429, description = "`rate_limited`: five messages left in the last hour; `Retry-After` says when one more may be", body = wire::ErrorBody),
    ))]
async fn leave_message(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<QueueId>,
    ApiJson(body): ApiJson<wire::LeftMessage>,
) -> Result<(StatusCode, Json<wire::Incident>), AppError> {
    let queue = super::conversations::usable_queue(&state, &current.user, id).await?;
    let (incident, created) = state
        .leave_message(&current.user, queue.id, body.client_id, &body.body)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(wire::Incident::of(&incident, false))))
}
