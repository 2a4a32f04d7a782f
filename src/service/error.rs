//! `ServiceError`: why an operation of the service failed, in the service's terms. The HTTP
//! edge maps it to a status and the JSON error body, the socket to an `error` frame.

use crate::credentials::HashError;
use crate::domain::session::Refusal;
use crate::storage::{CommandError, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing does not exist, or the caller may not know it does.
    #[error("No such {0}.")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    /// The request is understood but its content is refused.
    #[error("{0}")]
    Invalid(String),
    #[error("Wrong username or password.")]
    InvalidCredentials,
    #[error("Too many failed sign-ins. Try again in {retry_after_secs} s.")]
    RateLimited { retry_after_secs: u64 },
    /// Too much of something in a while (the message says what).
    #[error("{message}")]
    Slowed {
        message: String,
        retry_after_secs: u64,
    },
    /// The domain refused a command.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The domain refused an incident write.
    #[error(transparent)]
    Incident(#[from] crate::domain::incident::IncidentRefusal),
    /// The domain refused a knowledge article write (or share).
    #[error(transparent)]
    Kb(#[from] crate::domain::kb::KbRefusal),
    /// Passwords cannot be hashed now (busy, or stopping).
    #[error(transparent)]
    Hashing(#[from] HashError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// An upload refused as it streamed in (too large, not an allowed type, empty).
    #[error(transparent)]
    Upload(#[from] crate::domain::attachment::UploadRefusal),
    #[error("{0}")]
    Internal(String),
}

impl From<CommandError> for ServiceError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Refused(r) => ServiceError::Refused(r),
            CommandError::Storage(s) => ServiceError::Storage(s),
        }
    }
}
