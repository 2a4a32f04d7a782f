//! Support sessions over HTTP: start, list, history, Comment / Work Note, Accept, Transfer,
//! hand back, End, "I'm still here", typing and presence. Everything the socket does is here too, with the
//! same service underneath (`AppState::command`).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{CurrentUser, Staff};
use super::error::AppError;
use super::extract::{ApiJson, ApiPath};
use super::openapi as doc;
use crate::domain::session::{self, Command, Conversation, Post};
use crate::domain::{ConversationId, QueueId, User, UserId};
use crate::hub::Status;
use crate::service::sessions::HistoryPage;
use crate::wire;

/// The largest page of history.
const PAGE_MAX: i64 = 500;
/// A page of older history (`before=`) without a `limit`.
const BEFORE_DEFAULT: i64 = 100;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_session, waiting_sessions))
        .routes(routes!(list_conversations))
        .routes(routes!(get_conversation))
        .routes(routes!(list_entries, post_entry))
        .routes(routes!(accept))
        .routes(routes!(transfer))
        .routes(routes!(end))
        .routes(routes!(hand_back))
        .routes(routes!(still_here))
        .routes(routes!(typing))
        .routes(routes!(mark_read))
        .routes(routes!(set_presence))
}

/// A visible queue (customers: any; staff: their groups'; managers: any).
pub(super) async fn usable_queue(
    state: &AppState,
    user: &User,
    id: QueueId,
) -> Result<crate::domain::Queue, AppError> {
    let queue = state
        .db
        .queue(id)
        .await?
        .ok_or_else(|| AppError::not_found("queue"))?;
    let member = state
        .db
        .is_group_member(queue.settings.group, user.id)
        .await?;
    if session::can_use_queue(user, member) {
        Ok(queue)
    } else {
        Err(AppError::not_found("queue"))
    }
}

async fn wire_conversation(
    state: &AppState,
    conv: Conversation,
    user: &User,
) -> Result<wire::Conversation, AppError> {
    Ok(wire::Conversation::seen_by(&state.view(conv).await?, user))
}

/// The conversation as `user` sees it in a list: with their preview and unread count.
pub(super) async fn summarised(
    state: &AppState,
    conv: Conversation,
    user: &User,
) -> Result<wire::Conversation, AppError> {
    Ok(wire::Conversation::listed(
        &state.listed(conv, user).await?,
        user,
    ))
}

/// Start a support session (customers); returns the open one if there is one.
#[utoipa::path(post, path = "/api/queues/{queue}/sessions", tag = "sessions", request_body = wire::StartSession,
    params(("queue" = String, Path, description = "Queue id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "Started", body = wire::Conversation),
        (status = 200, description = "The customer's open session in this queue", body = wire::Conversation),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, description = "`forbidden`: only customers start sessions; `forbidden_origin`: a browser request from an origin that is not allowed", body = wire::ErrorBody),
        (status = 404, description = "`not_found`: no such queue", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, or a bad client id; `too_long`: the message is over 10,000 characters", body = wire::ErrorBody),
    ))]
async fn start_session(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(queue): ApiPath<QueueId>,
    ApiJson(body): ApiJson<wire::StartSession>,
) -> Result<(StatusCode, Json<wire::Conversation>), AppError> {
    let queue = usable_queue(&state, &current.user, queue).await?;
    let (view, created) = state
        .start_session(
            &current.user,
            &queue,
            &body.client_id,
            body.message.as_deref(),
        )
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(wire::Conversation::seen_by(&view, &current.user)),
    ))
}

/// The queued sessions of a queue, oldest first (agents of its group, managers).
#[utoipa::path(get, path = "/api/queues/{queue}/sessions", tag = "sessions",
    params(("queue" = String, Path, description = "Queue id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::Conversation>),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, description = "`not_found`: no such queue, or not one the caller works", body = wire::ErrorBody),
    ))]
async fn waiting_sessions(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(queue): ApiPath<QueueId>,
) -> Result<Json<Vec<wire::Conversation>>, AppError> {
    let queue = usable_queue(&state, &user, queue).await?;
    let mut out = Vec::new();
    for conv in state.db.queued_sessions(queue.id).await? {
        out.push(wire_conversation(&state, conv, &user).await?);
    }
    Ok(Json(out))
}

/// The caller's conversations.
#[utoipa::path(get, path = "/api/conversations", tag = "sessions",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::Conversation>),
        (status = 401, response = doc::Unauthorized),
    ))]
async fn list_conversations(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<Vec<wire::Conversation>>, AppError> {
    let mut out = Vec::new();
    for conv in state.conversations_for(&current.user).await? {
        out.push(summarised(&state, conv, &current.user).await?);
    }
    Ok(Json(out))
}

/// One conversation the caller may see.
#[utoipa::path(get, path = "/api/conversations/{id}", tag = "sessions",
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Conversation),
        (status = 401, response = doc::Unauthorized),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see (the same answer)", body = wire::ErrorBody),
    ))]
async fn get_conversation(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<wire::Conversation>, AppError> {
    let conv = state.visible_conversation(id, &current.user).await?;
    Ok(Json(summarised(&state, conv, &current.user).await?))
}

/// Mark the conversation read up to `seq` (for unread counts; a mark never moves back).
#[utoipa::path(post, path = "/api/conversations/{id}/read", tag = "sessions", request_body = wire::MarkRead,
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "The mark is at `seq` or was already beyond it"),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrigin),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, or `seq` beyond the conversation's last", body = wire::ErrorBody),
    ))]
async fn mark_read(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(body): ApiJson<wire::MarkRead>,
) -> Result<StatusCode, AppError> {
    state.mark_read(id, &current.user, body.seq).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// History by seq: the entries after `after` (oldest first), or the newest before `before`
/// (older pages, for scrolling back), of which those the caller may see, in ascending order.
#[utoipa::path(get, path = "/api/conversations/{id}/entries", tag = "sessions",
    params(("id" = String, Path, description = "Conversation id"), wire::EntriesQuery),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "With `after` (or neither): `entries` and `next_after`; with `before`: `entries` and `next_before`", body = wire::EntriesAnswer),
        (status = 401, response = doc::Unauthorized),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 422, description = "`invalid`: `after`, `before` or `limit` is not an integer in range, `after` and `before` together, or an unknown query parameter", body = wire::ErrorBody),
    ))]
async fn list_entries(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
    query: Result<Query<wire::EntriesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<wire::EntriesAnswer>, AppError> {
    // The query's parser names no field when a number does not parse: name the ones there are.
    let Query(query) = query.map_err(|rejection| {
        let text = rejection.body_text();
        if text.contains("unknown field") {
            AppError::from(rejection)
        } else {
            AppError::Invalid(
                "`after` and `before` are whole numbers of 0 or more, `limit` 1 to 500.".into(),
            )
        }
    })?;
    let page = match (query.after, query.before) {
        (Some(_), Some(_)) => {
            return Err(AppError::Invalid("Give after or before, not both.".into()));
        }
        (None, Some(before)) => {
            let limit = query.limit.unwrap_or(BEFORE_DEFAULT);
            if before < 1 || !(1..=PAGE_MAX).contains(&limit) {
                return Err(AppError::Invalid(format!(
                    "before is 1 or more; limit is 1 to {PAGE_MAX}."
                )));
            }
            HistoryPage::Before { before, limit }
        }
        (after, None) => {
            let after = after.unwrap_or(0);
            let limit = query.limit.unwrap_or(PAGE_MAX);
            if after < 0 || !(1..=PAGE_MAX).contains(&limit) {
                return Err(AppError::Invalid(format!(
                    "after is 0 or more; limit is 1 to {PAGE_MAX}."
                )));
            }
            HistoryPage::After { after, limit }
        }
    };
    let (entries, next) = state.history(id, &current.user, page).await?;
    let entries = entries.iter().map(wire::Entry::from).collect();
    Ok(Json(match page {
        HistoryPage::After { .. } => wire::EntriesAnswer::After(wire::EntriesPage {
            entries,
            next_after: next,
        }),
        HistoryPage::Before { .. } => wire::EntriesAnswer::Before(wire::EarlierEntriesPage {
            entries,
            next_before: next,
        }),
    }))
}

/// The answer to a post: 201 with the new entry, or 200 with the one stored before.
pub(super) fn entry_response(
    applied: &crate::storage::Applied,
) -> Result<(StatusCode, Json<wire::Entry>), AppError> {
    let entry = applied
        .entries
        .first()
        .ok_or_else(|| AppError::Internal("a post stored no entry".into()))?;
    let status = if applied.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(wire::Entry::from(entry))))
}

/// Post a Comment or a Work Note; a repeated `client_id` returns the original entry.
#[utoipa::path(post, path = "/api/conversations/{id}/entries", tag = "sessions", request_body = wire::PostEntry,
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Entry),
        (status = 200, description = "The entry stored earlier with this client_id", body = wire::Entry),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, description = "`forbidden`: the caller may not post this kind here (see who posts what); `forbidden_origin`: a browser request from an origin that is not allowed", body = wire::ErrorBody),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`session_closed`", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, an empty body or a bad client id; `too_long`: the body is over 10,000 characters", body = wire::ErrorBody),
    ))]
async fn post_entry(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(body): ApiJson<wire::PostEntry>,
) -> Result<(StatusCode, Json<wire::Entry>), AppError> {
    let command = Command::Post(Post {
        seen: body.seen,
        ..Post::text(body.kind.into(), body.body, body.client_id)
    });
    entry_response(&state.command(id, &current.user, command).await?)
}

async fn conversation_after(
    state: &AppState,
    applied: crate::storage::Applied,
    user: &User,
) -> Result<Json<wire::Conversation>, AppError> {
    Ok(Json(
        wire_conversation(state, applied.conversation, user).await?,
    ))
}

/// Accept a queued session: of any number of agents accepting at once, exactly one wins.
#[utoipa::path(post, path = "/api/conversations/{id}/accept", tag = "sessions",
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Conversation),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`already_accepted` (names who and when), `session_closed`", body = wire::ErrorBody),
    ))]
async fn accept(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<wire::Conversation>, AppError> {
    let applied = state.command(id, &user, Command::Accept).await?;
    conversation_after(&state, applied, &user).await
}

/// Transfer the session to another agent of the queue's group who is online.
#[utoipa::path(post, path = "/api/conversations/{id}/transfer", tag = "sessions", request_body = wire::Transfer,
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Conversation),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`not_in_group`, `same_agent`, `offline`, `session_closed`", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, or no such user; `too_long`: the note is over 10,000 characters", body = wire::ErrorBody),
    ))]
async fn transfer(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(body): ApiJson<wire::Transfer>,
) -> Result<Json<wire::Conversation>, AppError> {
    state.visible_conversation(id, &user).await?;
    let to_id: UserId = body
        .to
        .parse()
        .map_err(|_| AppError::Invalid(format!("No user has the id {:?}.", body.to)))?;
    let to = state
        .db
        .user(to_id)
        .await?
        .ok_or_else(|| AppError::Invalid(format!("No user has the id {:?}.", body.to)))?;
    // Someone there at this moment: not one who just signed out or closed their last window.
    let to_online = state.online_anywhere(to.id).await?;
    let command = Command::Transfer {
        to,
        // Read in the command's transaction.
        to_in_group: false,
        to_online,
        note: body.note,
    };
    let applied = state.command(id, &user, command).await?;
    conversation_after(&state, applied, &user).await
}

/// End the session (the assigned agent or the customer; a customer leaving the queue abandons it).
#[utoipa::path(post, path = "/api/conversations/{id}/end", tag = "sessions",
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Conversation),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`session_closed`", body = wire::ErrorBody),
    ))]
async fn end(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<wire::Conversation>, AppError> {
    let applied = state.command(id, &current.user, Command::End).await?;
    conversation_after(&state, applied, &current.user).await
}

/// Hand the session back to the queue (the assigned agent, or a manager): it waits at the front
/// of its queue, offered to the group again with `returned_from`; managers get a `returned`
/// frame; everyone reads a `handed_back` entry.
#[utoipa::path(post, path = "/api/conversations/{id}/hand-back", tag = "sessions",
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "Back in the queue", body = wire::Conversation),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`session_closed`, or `changed` when it changed meanwhile", body = wire::ErrorBody),
    ))]
async fn hand_back(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<wire::Conversation>, AppError> {
    let applied = state.command(id, &current.user, Command::HandBack).await?;
    conversation_after(&state, applied, &current.user).await
}

/// The customer answers the inactivity warning: the clock starts again.
#[utoipa::path(post, path = "/api/conversations/{id}/still-here", tag = "sessions",
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "The inactivity clock starts again"),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`session_closed`", body = wire::ErrorBody),
    ))]
async fn still_here(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<StatusCode, AppError> {
    state.command(id, &current.user, Command::StillHere).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Typing indicator (never stored): tells the other side.
#[utoipa::path(post, path = "/api/conversations/{id}/typing", tag = "sessions", request_body = wire::Typing,
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Passed on (or nothing to do: the session is closed)"),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrigin),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema", body = wire::ErrorBody),
    ))]
async fn typing(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(body): ApiJson<wire::Typing>,
) -> Result<StatusCode, AppError> {
    let audience = session::audience_of_post(body.kind.into());
    state
        .typing(id, &current.user, body.active, audience)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Set the agent's presence: Available or Away.
#[utoipa::path(put, path = "/api/presence", tag = "sessions", request_body = wire::SetPresence,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Set"),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema (`status` is `available` or `away`; `offline` is only reported by the server)", body = wire::ErrorBody),
    ))]
async fn set_presence(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiJson(body): ApiJson<wire::SetPresence>,
) -> Result<StatusCode, AppError> {
    state
        .choose_presence((&user).into(), Status::from(body.status))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
