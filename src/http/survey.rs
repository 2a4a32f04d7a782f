//! The satisfaction survey over HTTP: where it stands, and the customer's one answer.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::CurrentUser;
use super::error::AppError;
use super::extract::{ApiJson, ApiPath};
use super::openapi as doc;
use crate::domain::ConversationId;
use crate::service::survey::SurveyState;
use crate::wire::{self, rfc3339};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_survey, answer))
}

fn answered(answer: crate::domain::survey::Answer, at: crate::domain::Timestamp) -> wire::Survey {
    wire::Survey {
        state: "answered".into(),
        rating: Some(answer.rating),
        comment: answer.comment,
        at: Some(rfc3339(at)),
    }
}

/// Where a session's satisfaction survey stands: `asked` for its customer once it ended (when
/// its queue asks), `answered` with the answer for who may see the session, else `none`.
#[utoipa::path(get, path = "/api/conversations/{id}/survey", tag = "sessions",
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Survey),
        (status = 401, response = doc::Unauthorized),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
    ))]
async fn get_survey(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<wire::Survey>, AppError> {
    Ok(Json(match state.survey(id, &current.user).await? {
        SurveyState::Answered(answer, at) => answered(answer, at),
        other => wire::Survey {
            state: if matches!(other, SurveyState::Asked) {
                "asked"
            } else {
                "none"
            }
            .into(),
            rating: None,
            comment: None,
            at: None,
        },
    }))
}

/// Rate an ended session (its customer, once): 1–5 and an optional comment.
#[utoipa::path(post, path = "/api/conversations/{id}/survey", tag = "sessions", request_body = wire::SurveyAnswer,
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Survey),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, description = "`forbidden`: not the session's customer, or the session asks for no rating (open, never taken, or its queue does not ask); `forbidden_origin`", body = wire::ErrorBody),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`already_answered`", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: a rating outside 1–5, a comment over 1,000 characters, not this schema", body = wire::ErrorBody),
    ))]
async fn answer(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(body): ApiJson<wire::SurveyAnswer>,
) -> Result<(StatusCode, Json<wire::Survey>), AppError> {
    let (answer, at) = state
        .answer_survey(id, &current.user, body.rating, body.comment)
        .await?;
    Ok((StatusCode::CREATED, Json(answered(answer, at))))
}
