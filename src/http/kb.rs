//! The Knowledge Base over HTTP: search and read articles (everyone signed in: published
//! ones), write drafts and change them (staff; publishing and retiring: managers), preview a
//! body; the articles a session's customer's words suggest, and sharing one in the session.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{CurrentUser, Staff};
use super::conversations::entry_response;
use super::error::AppError;
use super::extract::{ApiJson, ApiPath};
use super::openapi as doc;
use crate::domain::ConversationId;
use crate::domain::kb::{self, ArticleFields, ArticleState};
use crate::service::kb::StateFilter;
use crate::wire;

const LIMIT_DEFAULT: i64 = 20;
const LIMIT_MAX: i64 = 50;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_articles, create_article))
        .routes(routes!(get_article, change_article))
        .routes(routes!(preview))
        .routes(routes!(suggestions))
        .routes(routes!(share))
}

fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
    AppError::InvalidField {
        field,
        message: message.into(),
    }
}

fn state_of(text: &str) -> Result<ArticleState, AppError> {
    ArticleState::parse(text).ok_or_else(|| {
        invalid(
            "state",
            format!("`state` is draft, published or retired, not {text:?}."),
        )
    })
}

/// Articles: a ranked search with `q`, or the newest updated first.
#[utoipa::path(get, path = "/api/kb/articles", tag = "knowledge",
    params(wire::ArticlesQuery),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::ArticleHit>),
        (status = 401, response = doc::Unauthorized),
        (status = 422, description = "`invalid`: `q` over 200 characters, a `limit` out of 1–50, an unknown `state` (or, for a customer, any but `published`), an unknown query parameter", body = wire::ErrorBody),
    ))]
async fn list_articles(
    State(state): State<AppState>,
    current: CurrentUser,
    query: Result<Query<wire::ArticlesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<wire::ArticleHit>>, AppError> {
    let Query(query) = query?;
    if query
        .q
        .as_ref()
        .is_some_and(|q| q.chars().count() > kb::QUERY_MAX)
    {
        return Err(invalid("q", "`q` is at most 200 characters."));
    }
    let limit = query.limit.unwrap_or(LIMIT_DEFAULT);
    if !(1..=LIMIT_MAX).contains(&limit) {
        return Err(invalid("limit", "`limit` is 1 to 50."));
    }
    let filter = match query.state.as_deref() {
        None => StateFilter::One(ArticleState::Published),
        Some("all") => StateFilter::All,
        Some(text) => StateFilter::One(state_of(text)?),
    };
    let hits = state
        .search_articles(&current.user, query.q.as_deref(), filter, limit)
        .await?;
    Ok(Json(hits.iter().map(wire::ArticleHit::from).collect()))
}

/// One article, by id or number (a customer: published ones only).
#[utoipa::path(get, path = "/api/kb/articles/{article}", tag = "knowledge",
    params(("article" = String, Path, description = "The article's id, or its number (`KB0010001`)")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Article),
        (status = 401, response = doc::Unauthorized),
        (status = 404, description = "`not_found`: no such article, or one the caller may not read", body = wire::ErrorBody),
    ))]
async fn get_article(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(key): Path<String>,
) -> Result<Json<wire::Article>, AppError> {
    let article = state.article_for(&current.user, &key).await?;
    Ok(Json(wire::Article::from(&article)))
}

/// Write a draft (staff).
#[utoipa::path(post, path = "/api/kb/articles", tag = "knowledge", request_body = wire::ArticleInput,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Article),
        (status = 200, description = "The same user repeated a `client_id`: the article created the first time", body = wire::Article),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: a field refused (`field` names it) or a bad client id", body = wire::ErrorBody),
    ))]
async fn create_article(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiJson(body): ApiJson<wire::ArticleInput>,
) -> Result<(StatusCode, Json<wire::Article>), AppError> {
    let fields = ArticleFields {
        title: body.title,
        body: body.body,
        category: body.category,
        state: ArticleState::Draft,
    };
    let (article, created) = state.create_article(&user, body.client_id, fields).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(wire::Article::from(&article))))
}

/// Change an article, made on `version` (staff: drafts; managers: any, and its state).
#[utoipa::path(patch, path = "/api/kb/articles/{article}", tag = "knowledge", request_body = wire::ArticleChange,
    params(("article" = String, Path, description = "The article's id, or its number")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Article),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, description = "`forbidden`: an agent changing a published or retired article, or any state; `forbidden_origin`", body = wire::ErrorBody),
        (status = 404, description = "`not_found`: no such article", body = wire::ErrorBody),
        (status = 409, description = "`changed`: `version` is not the current one (the message names who changed it and when)", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: a field refused; `field` names it", body = wire::ErrorBody),
    ))]
async fn change_article(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<wire::ArticleChange>,
) -> Result<Json<wire::Article>, AppError> {
    let found = state.article_for(&user, &key).await?;
    let new_state = body.state.as_deref().map(state_of).transpose()?;
    let (title, text, category) = (body.title, body.body, body.category);
    let article = state
        .update_article(&user, found.id, body.version, move |f| {
            if let Some(v) = title {
                f.title = v;
            }
            if let Some(v) = text {
                f.body = v;
            }
            if let Some(v) = category {
                f.category = v;
            }
            if let Some(v) = new_state {
                f.state = v;
            }
        })
        .await?;
    Ok(Json(wire::Article::from(&article)))
}

/// A body as it would be shown (the editor's preview; staff).
#[utoipa::path(post, path = "/api/kb/preview", tag = "knowledge", request_body = wire::PreviewInput,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::Preview),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: the body is over 50,000 characters", body = wire::ErrorBody),
    ))]
async fn preview(
    Staff(_user): Staff,
    ApiJson(body): ApiJson<wire::PreviewInput>,
) -> Result<Json<wire::Preview>, AppError> {
    if body.body.chars().count() > kb::BODY_MAX {
        return Err(invalid("body", "The body is at most 50000 characters."));
    }
    Ok(Json(wire::Preview {
        html: kb::render(&body.body),
    }))
}

/// Published articles matching the customer's own words in a support session (staff who may
/// see it).
#[utoipa::path(get, path = "/api/conversations/{id}/kb-suggestions", tag = "knowledge",
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::ArticleHit>),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, description = "`not_found`: no such support session, or one the caller may not see", body = wire::ErrorBody),
    ))]
async fn suggestions(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Vec<wire::ArticleHit>>, AppError> {
    let hits = state.kb_suggestions(&user, id).await?;
    Ok(Json(hits.iter().map(wire::ArticleHit::from).collect()))
}

/// The origin a shared link points at: the request's own (allowed) origin, else the server's.
fn link_origin(state: &AppState, headers: &HeaderMap) -> String {
    headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| state.web.origin_allowed(o))
        .map(str::to_owned)
        .or_else(|| state.web.allowed_origins.first().cloned())
        .unwrap_or_default()
}

/// Share a published article in a conversation: a comment with its title and link.
#[utoipa::path(post, path = "/api/conversations/{id}/kb-share", tag = "knowledge", request_body = wire::ShareArticle,
    params(("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::Entry),
        (status = 200, description = "The entry stored earlier with this client_id", body = wire::Entry),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, description = "`forbidden`: the caller may not post a comment here; `forbidden_origin`", body = wire::ErrorBody),
        (status = 404, description = "`not_found`: no such conversation, or one the caller may not see", body = wire::ErrorBody),
        (status = 409, description = "`session_closed`", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: the article is not published or does not exist (`field`: `article`), or a bad client id", body = wire::ErrorBody),
    ))]
async fn share(
    State(state): State<AppState>,
    Staff(user): Staff,
    ApiPath(id): ApiPath<ConversationId>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<wire::ShareArticle>,
) -> Result<(StatusCode, Json<wire::Entry>), AppError> {
    let origin = link_origin(&state, &headers);
    let applied = state
        .share_article(&user, id, body.client_id, &body.article, &origin)
        .await?;
    entry_response(&applied)
}
