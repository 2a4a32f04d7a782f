//! Operations endpoints: `/healthz` (the process is up), `/readyz` (the database answers and,
//! on PostgreSQL, the node listens to the others),
//! `/metrics` (Prometheus).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::AppError;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = String)))]
async fn healthz() -> &'static str {
    "ok"
}

/// The server can serve requests: the database is reachable and usable, and on PostgreSQL the
/// node's listening connection is up.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = String),
        (status = 503, description = "`unavailable`: the database is not usable, the server is stopping, a task it needs stopped, or the node is not listening to the others", body = crate::wire::ErrorBody)))]
async fn readyz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    if let Some(task) = state.broken() {
        return Err(AppError::Unavailable(format!("the {task} stopped")));
    }
    if state.shutdown.is_cancelled() {
        return Err(AppError::Unavailable("the server is stopping".into()));
    }
    if let Some(cluster) = &state.cluster
        && !cluster.listening()
    {
        return Err(AppError::Unavailable(
            "not listening to the other nodes".into(),
        ));
    }
    match state.db.check_ready().await {
        Ok(()) => Ok("ready"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            Err(AppError::Unavailable("the database is not usable".into()))
        }
    }
}

/// Prometheus metrics in the OpenMetrics text format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "OpenMetrics text (Prometheus scrapes it as is)", body = String,
        content_type = "application/openmetrics-text")))]
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
