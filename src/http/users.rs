//! The admin API for users: `/api/admin/users`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Admin;
use super::error::AppError;
use super::extract::{ApiJson, ApiPath};
use super::openapi as doc;
use crate::domain::directory::{self, NewUser};
use crate::domain::{Role, UserId};
use crate::storage::UserChanges;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
}

/// Every user.
#[utoipa::path(get, path = "/api/admin/users", tag = "admin",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<wire::AdminUser>),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
    ))]
async fn list_users(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<wire::AdminUser>>, AppError> {
    Ok(Json(
        state
            .db
            .users()
            .await?
            .iter()
            .map(wire::AdminUser::from)
            .collect(),
    ))
}

/// Create a user.
#[utoipa::path(post, path = "/api/admin/users", tag = "admin", request_body = wire::CreateUser,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = wire::AdminUser),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 409, description = "`already_exists`: the username is taken", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, or a field breaks a rule of the directory", body = wire::ErrorBody),
        (status = 503, response = doc::Busy),
    ))]
async fn create_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(body): ApiJson<wire::CreateUser>,
) -> Result<(StatusCode, Json<wire::AdminUser>), AppError> {
    let new = NewUser::validate(
        &body.username,
        &body.display_name,
        body.role_set(),
        body.itil,
    )?;
    directory::validate_password(&body.password)?;
    let hash = hash(&state, body.password).await?;
    let user = state
        .db
        .create_user(&new, &hash, state.clock.now(), &state.audit(&admin))
        .await?;
    tracing::info!(user_id = user.id.0, "user created");
    Ok((StatusCode::CREATED, Json(wire::AdminUser::from(&user))))
}

/// Change a user: name, password, roles, ITIL, disabled. Disabling a user, or setting their
/// password, ends their web sessions at once.
#[utoipa::path(patch, path = "/api/admin/users/{id}", tag = "admin", request_body = wire::UpdateUser,
    params(("id" = String, Path, description = "User id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = wire::AdminUser),
        (status = 400, response = doc::Malformed),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::ForbiddenOrOrigin),
        (status = 404, description = "`not_found`: no such user", body = wire::ErrorBody),
        (status = 409, description = "`self_lockout`: an admin may not disable themselves or drop their own admin role", body = wire::ErrorBody),
        (status = 413, response = doc::TooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, description = "`invalid`: not an object of this schema, or a field breaks a rule of the directory", body = wire::ErrorBody),
        (status = 503, response = doc::Busy),
    ))]
async fn update_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<wire::UpdateUser>,
) -> Result<Json<wire::AdminUser>, AppError> {
    let roles = body.role_set().map(directory::validate_roles).transpose()?;
    let locks_out_self =
        body.disabled == Some(true) || roles.is_some_and(|r| !r.contains(Role::Admin));
    if id == admin.id && locks_out_self {
        return Err(AppError::Conflict {
            code: "self_lockout",
            message: "You cannot disable yourself or remove your own admin role.".into(),
        });
    }
    let display_name = body
        .display_name
        .as_deref()
        .map(directory::validate_display_name)
        .transpose()?;
    let password_hash = match body.password {
        Some(password) => {
            directory::validate_password(&password)?;
            Some(hash(&state, password).await?)
        }
        None => None,
    };
    let changes = UserChanges {
        display_name,
        password_hash,
        roles,
        itil: body.itil,
        disabled: body.disabled,
    };
    let user = state
        .db
        .update_user(id, &changes, &state.audit(&admin))
        .await?;
    if changes.disabled == Some(true) || changes.password_hash.is_some() {
        state.revoke(super::Revocation::User(user.id));
    } else if changes.roles.is_some() || changes.itil.is_some() {
        // Open sockets hold the permissions as they were: they reconnect (1012) for the new ones.
        state.revoke(super::Revocation::Refresh(user.id));
    }
    if changes.disabled.is_some() || changes.roles.is_some() || changes.display_name.is_some() {
        // Who works the queues of their groups (or how they are named there) changed.
        let groups = state.db.groups_of(user.id).await?;
        for queue in state.db.queues().await? {
            if groups.contains(&queue.settings.group) {
                state.queue_changed(queue.id);
            }
        }
    }
    tracing::info!(user_id = user.id.0, "user changed");
    Ok(Json(wire::AdminUser::from(&user)))
}

async fn hash(state: &AppState, password: String) -> Result<String, AppError> {
    state
        .hashers
        .hash(password)
        .await?
        .map_err(|e| AppError::Internal(format!("hashing: {e}")))
}
