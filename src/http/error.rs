//! `AppError`: every way a request can fail, mapped to a status and the JSON error body
//! `{"error": {"code", "message"}}` of the protocol.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::domain::DirectoryError;
use crate::domain::session::Refusal;
use crate::storage::CommandError;
use crate::storage::StorageError;
use crate::wire::{ErrorBody, ErrorDetail};

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Sign in first.")]
    Unauthorized,
    #[error("Wrong username or password.")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("Requests from {0} are not allowed.")]
    ForbiddenOrigin(String),
    #[error("{0}")]
    NotFound(String),
    #[error("This method is not allowed here.")]
    MethodNotAllowed,
    /// The body is not well-formed (e.g. JSON syntax).
    #[error("{0}")]
    Malformed(String),
    /// The body is well-formed but its content is refused.
    #[error("{0}")]
    Invalid(String),
    #[error("The request body is larger than the limit of {limit_kib} KiB.")]
    TooLarge { limit_kib: usize },
    #[error("Send the body as JSON with Content-Type: application/json.")]
    UnsupportedMediaType,
    /// A text field is longer than allowed.
    #[error("{0}")]
    TooLong(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("Too many failed sign-ins. Try again in {retry_after_secs} s.")]
    RateLimited { retry_after_secs: u64 },
    #[error("The service is not ready: {0}")]
    Unavailable(String),
    #[error("The server is busy; try again in {retry_after_secs} s.")]
    Busy { retry_after_secs: u64 },
    #[error("Something went wrong on our side; it has been logged.")]
    Internal(String),
}

impl AppError {
    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Forbidden(_) => "forbidden",
            AppError::ForbiddenOrigin(_) => "forbidden_origin",
            AppError::NotFound(_) => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Malformed(_) => "malformed",
            AppError::Invalid(_) => "invalid",
            AppError::TooLarge { .. } => "too_large",
            AppError::TooLong(_) => "too_long",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Conflict { code, .. } => code,
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Unavailable(_) => "unavailable",
            AppError::Busy { .. } => "busy",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::ForbiddenOrigin(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Malformed(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) | AppError::TooLong(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) | AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error as the wire body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
            },
        }
    }

    pub fn not_found(what: &str) -> AppError {
        AppError::NotFound(format!("No such {what}."))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        if let AppError::RateLimited { retry_after_secs } | AppError::Busy { retry_after_secs } =
            self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl From<StorageError> for AppError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::Duplicate(what) => AppError::Conflict {
                code: "already_exists",
                message: format!("That {what} is already taken."),
            },
            StorageError::Missing(what) => AppError::not_found(what),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// Refusals of the domain as API errors.
impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        let message = r.to_string();
        let conflict = |code| AppError::Conflict {
            code,
            message: message.clone(),
        };
        match r {
            Refusal::NotFound => AppError::not_found("conversation"),
            Refusal::Forbidden(m) => AppError::Forbidden(m),
            Refusal::SessionClosed => conflict("session_closed"),
            Refusal::AlreadyAccepted { .. } => conflict("already_accepted"),
            Refusal::Changed => conflict("changed"),
            Refusal::NotInGroup(_) => conflict("not_in_group"),
            Refusal::SameAgent => conflict("same_agent"),
            Refusal::NotOnline(_) => conflict("not_online"),
            Refusal::NotDue => conflict("not_due"),
            Refusal::TooLong => AppError::TooLong(message),
            Refusal::EmptyBody | Refusal::BadClientId => AppError::Invalid(message),
        }
    }
}

impl From<CommandError> for AppError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Refused(r) => r.into(),
            CommandError::Storage(s) => s.into(),
        }
    }
}

impl From<crate::service::ServiceError> for AppError {
    fn from(err: crate::service::ServiceError) -> Self {
        use crate::service::ServiceError;
        match err {
            ServiceError::NotFound(what) => AppError::not_found(what),
            ServiceError::Forbidden(message) => AppError::Forbidden(message),
            ServiceError::Invalid(message) => AppError::Invalid(message),
            ServiceError::InvalidCredentials => AppError::InvalidCredentials,
            ServiceError::RateLimited { retry_after_secs } => {
                AppError::RateLimited { retry_after_secs }
            }
            ServiceError::Refused(refusal) => refusal.into(),
            ServiceError::Hashing(e) => e.into(),
            ServiceError::Storage(e) => e.into(),
            ServiceError::Internal(detail) => AppError::Internal(detail),
        }
    }
}

impl From<crate::credentials::HashError> for AppError {
    fn from(err: crate::credentials::HashError) -> Self {
        match err {
            crate::credentials::HashError::Busy => AppError::Busy {
                retry_after_secs: 1,
            },
            crate::credentials::HashError::Stopped => AppError::Unavailable(err.to_string()),
        }
    }
}

impl From<DirectoryError> for AppError {
    fn from(err: DirectoryError) -> Self {
        AppError::Invalid(err.to_string())
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge {
                limit_kib: super::BODY_LIMIT / 1024,
            },
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
            StatusCode::UNPROCESSABLE_ENTITY => AppError::Invalid(rejection.body_text()),
            _ => AppError::Malformed(rejection.body_text()),
        }
    }
}

impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::NotFound("No such resource.".to_owned())
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::Invalid(rejection.body_text())
    }
}
