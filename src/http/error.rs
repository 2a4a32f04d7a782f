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
    #[error(
        "Send the file as multipart/form-data, with the fields client_id, kind, body, seen and file."
    )]
    NotMultipart,
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
    /// Too many of something in a while (429 `rate_limited`, `Retry-After`); the message says
    /// what.
    #[error("{message}")]
    Slowed {
        message: String,
        retry_after_secs: u64,
    },
    /// One field of a form refused (422 `invalid`, naming the field).
    #[error("{message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },
    /// The stale-view guard held a send (409 `stale_view`, with `newer`).
    #[error("{message}")]
    StaleView { newer: i64, message: String },
    /// An attachment over the limit (413 `too_large`).
    #[error("{0}")]
    AttachmentTooLarge(String),
    /// An attachment whose bytes are of no allowed type (422 `unsupported_type`: the form is
    /// well-formed, its file refused).
    #[error("{0}")]
    UnsupportedType(String),
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
            AppError::Invalid(_) | AppError::InvalidField { .. } => "invalid",
            AppError::TooLarge { .. } | AppError::AttachmentTooLarge(_) => "too_large",
            AppError::StaleView { .. } => "stale_view",
            AppError::UnsupportedType(_) => "unsupported_type",
            AppError::TooLong(_) => "too_long",
            AppError::UnsupportedMediaType | AppError::NotMultipart => "unsupported_media_type",
            AppError::Conflict { code, .. } => code,
            AppError::RateLimited { .. } | AppError::Slowed { .. } => "rate_limited",
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
            AppError::Invalid(_)
            | AppError::TooLong(_)
            | AppError::InvalidField { .. }
            | AppError::UnsupportedType(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge { .. } | AppError::AttachmentTooLarge(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            AppError::UnsupportedMediaType | AppError::NotMultipart => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            AppError::Conflict { .. } | AppError::StaleView { .. } => StatusCode::CONFLICT,
            AppError::RateLimited { .. } | AppError::Slowed { .. } => StatusCode::TOO_MANY_REQUESTS,
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
                field: match self {
                    AppError::InvalidField { field, .. } => Some((*field).to_owned()),
                    _ => None,
                },
                newer: match self {
                    AppError::StaleView { newer, .. } => Some(*newer),
                    _ => None,
                },
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
        if let AppError::RateLimited { retry_after_secs }
        | AppError::Busy { retry_after_secs }
        | AppError::Slowed {
            retry_after_secs, ..
        } = self
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
            unreachable if unreachable.is_unreachable() => {
                tracing::warn!(error = %unreachable, "the database cannot be reached");
                AppError::Unavailable(
                    "The database cannot be reached just now; try again shortly.".into(),
                )
            }
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
            Refusal::NotActive => conflict("not_active"),
            Refusal::IncidentClosed => conflict("incident_closed"),
            Refusal::UnsendExpired { .. } => conflict("unsend_expired"),
            Refusal::AtCapacity { .. } => conflict("at_capacity"),
            Refusal::AlreadyAnswered => conflict("already_answered"),
            Refusal::StaleView { newer } => AppError::StaleView { newer, message },
            Refusal::TooLong => AppError::TooLong(message),
            Refusal::EmptyBody | Refusal::BadClientId => AppError::Invalid(message),
            Refusal::Field(f) => AppError::InvalidField {
                field: f.field,
                message: f.message,
            },
        }
    }
}

/// Refusals of incident writes as API errors.
impl From<crate::domain::incident::IncidentRefusal> for AppError {
    fn from(r: crate::domain::incident::IncidentRefusal) -> Self {
        use crate::domain::incident::IncidentRefusal;
        let message = r.to_string();
        match r {
            IncidentRefusal::Field(f) => AppError::InvalidField {
                field: f.field,
                message: f.message,
            },
            IncidentRefusal::Final(..) => AppError::Conflict {
                code: "incident_closed",
                message,
            },
            IncidentRefusal::Changed { .. } => AppError::Conflict {
                code: "changed",
                message,
            },
            IncidentRefusal::Forbidden => {
                AppError::Forbidden("Only service desk staff may do this.")
            }
            IncidentRefusal::TooMany { retry_after_secs } => AppError::Slowed {
                message,
                retry_after_secs,
            },
        }
    }
}

/// Refusals of knowledge article writes as API errors.
impl From<crate::domain::kb::KbRefusal> for AppError {
    fn from(r: crate::domain::kb::KbRefusal) -> Self {
        use crate::domain::kb::KbRefusal;
        let message = r.to_string();
        match r {
            KbRefusal::Field(f) => AppError::InvalidField {
                field: f.field,
                message: f.message,
            },
            KbRefusal::Changed { .. } => AppError::Conflict {
                code: "changed",
                message,
            },
            KbRefusal::Forbidden(message) => AppError::Forbidden(message),
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
            ServiceError::Slowed {
                message,
                retry_after_secs,
            } => AppError::Slowed {
                message,
                retry_after_secs,
            },
            ServiceError::Refused(refusal) => refusal.into(),
            ServiceError::Incident(refusal) => refusal.into(),
            ServiceError::Kb(refusal) => refusal.into(),
            ServiceError::Hashing(e) => e.into(),
            ServiceError::Storage(e) => e.into(),
            ServiceError::Internal(detail) => AppError::Internal(detail),
            ServiceError::Upload(refusal) => {
                use crate::domain::attachment::UploadRefusal;
                let message = refusal.to_string();
                match refusal {
                    UploadRefusal::TooLarge(_) => AppError::AttachmentTooLarge(message),
                    UploadRefusal::UnsupportedType => AppError::UnsupportedType(message),
                    UploadRefusal::Empty => AppError::InvalidField {
                        field: "file",
                        message,
                    },
                }
            }
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
    /// Each refusal names the field it is about, so a form shows it beside that field.
    fn from(err: DirectoryError) -> Self {
        let field = match &err {
            DirectoryError::BadUsername => "username",
            DirectoryError::BadDisplayName => "display_name",
            DirectoryError::BadPassword => "password",
            DirectoryError::NoRoles => "roles",
            DirectoryError::BadName => "name",
            DirectoryError::GreetingTooLong => "greeting",
            DirectoryError::BadTimer { field } | DirectoryError::BadGuard { field } => field,
            DirectoryError::BadUnsendWindow => "unsend_seconds",
            DirectoryError::BadCapacity => "max_sessions_per_agent",
        };
        AppError::InvalidField {
            field,
            message: err.to_string(),
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge {
                limit_kib: super::BODY_LIMIT / 1024,
            },
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
            StatusCode::UNPROCESSABLE_ENTITY => {
                AppError::Invalid(plain_json_error(&rejection.body_text()))
            }
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
        AppError::Invalid(plain_json_error(&rejection.body_text()))
    }
}

/// A JSON body, query or socket frame refused by serde, said in the client's terms: the field
/// and what it must be (`` `seq` must be a whole number of 0 or more, not the text "x". ``),
/// without the parser's internals (Rust type names, line and column of a one-line body). The
/// raw text goes to the log.
pub fn plain_json_error(raw: &str) -> String {
    tracing::debug!(error = raw, "refused input");
    let mut text = raw;
    for prefix in [
        "Failed to deserialize the JSON body into the target type: ",
        "Failed to deserialize query string: ",
        "Not a valid frame: ",
    ] {
        text = text.strip_prefix(prefix).unwrap_or(text);
    }
    let text = match text.rfind(" at line ") {
        Some(at) if text[at..].contains(" column ") => &text[..at],
        _ => text,
    };
    // serde_path_to_error puts the path first: `positions.7: invalid type: …`.
    let (path, message) = match text.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && !path.contains(' ') => (Some(path), rest),
        _ => (None, text),
    };
    // The path of an unknown field already ends with it; that of a missing one is its parent.
    let field = |name: &str| match path {
        Some(p) if p == name || p.ends_with(&format!(".{name}")) => format!("`{p}`"),
        Some(p) if p != "." => format!("`{p}.{name}`"),
        _ => format!("`{name}`"),
    };
    let this = path.map_or_else(|| "The value".to_owned(), |p| format!("`{p}`"));
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        return format!("{} is missing.", field(name));
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = expected
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ");
        return if allowed.is_empty() || allowed.starts_with(',') {
            format!("{} is not a field of this request.", field(name))
        } else {
            format!(
                "{} is not a field of this request (it takes {allowed}).",
                field(name)
            )
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = expected
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ");
        return format!("{this} cannot be `{value}`: use {allowed}.");
    }
    // A number of the right kind but beyond what the field can hold.
    if let Some(rest) = message.strip_prefix("invalid value: integer ")
        && let Some((got, want)) = rest.split_once(", expected ")
        && wanted(want).starts_with("a whole number")
    {
        return format!("{this} is out of range: {}.", got.trim_matches('`'));
    }
    // A query's number (its parser names no field).
    if matches!(
        message,
        "invalid digit found in string"
            | "cannot parse integer from empty string"
            | "number too large to fit in target type"
            | "number too small to fit in target type"
    ) {
        return format!("{this} must be a whole number in range.");
    }
    for kind in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(kind)
            && let Some((got, want)) = rest.split_once(", expected ")
        {
            return format!("{this} must be {}, not {}.", wanted(want), given(got));
        }
    }
    message.to_owned()
}

/// serde's "expected …" in plain words.
fn wanted(want: &str) -> String {
    let want = want.trim();
    match want {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number of 0 or more".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a sequence" => "a list".to_owned(),
        "a map" => "an object".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a string" | "a borrowed string" => "a text".to_owned(),
        w if w.starts_with("struct ") || w.starts_with("internally tagged enum") => {
            "an object".to_owned()
        }
        w => w.to_owned(),
    }
}

/// serde's description of what was given, in plain words.
fn given(got: &str) -> String {
    let got = got.trim();
    if let Some(s) = got.strip_prefix("string ") {
        return format!("the text {s}");
    }
    for number in ["integer ", "floating point "] {
        if let Some(n) = got.strip_prefix(number) {
            return n.trim_matches('`').to_owned();
        }
    }
    match got {
        "sequence" => "a list".to_owned(),
        "map" => "an object".to_owned(),
        "boolean `true`" => "true".to_owned(),
        "boolean `false`" => "false".to_owned(),
        g => g.trim_matches('`').to_owned(),
    }
}

#[cfg(test)]
mod plain_tests {
    use super::plain_json_error;

    #[test]
    fn serde_errors_are_said_in_the_clients_terms() {
        let cases = [
            (
                "Failed to deserialize the JSON body into the target type: seq: invalid type: string \"x\", expected u32 at line 1 column 32",
                "`seq` must be a whole number of 0 or more, not the text \"x\".",
            ),
            (
                "Failed to deserialize the JSON body into the target type: missing field `password` at line 1 column 20",
                "`password` is missing.",
            ),
            (
                "Failed to deserialize the JSON body into the target type: admin: unknown field `admin`, expected one of `username`, `password` at line 1 column 9",
                "`admin` is not a field of this request (it takes `username`, `password`).",
            ),
            (
                "Failed to deserialize the JSON body into the target type: kind: unknown variant `memo`, expected `comment` or `work_note` at line 1 column 15",
                "`kind` cannot be `memo`: use `comment` or `work_note`.",
            ),
            (
                "Failed to deserialize the JSON body into the target type: inactivity_warning_seconds: invalid value: integer `-1`, expected u32 at line 1 column 31",
                "`inactivity_warning_seconds` is out of range: -1.",
            ),
            (
                "Failed to deserialize the JSON body into the target type: active: invalid type: integer `1`, expected a boolean at line 1 column 11",
                "`active` must be true or false, not 1.",
            ),
            (
                "Failed to deserialize the JSON body into the target type: assignee_grace_seconds: invalid value: integer `99999999999`, expected u32 at line 1 column 38",
                "`assignee_grace_seconds` is out of range: 99999999999.",
            ),
            (
                "Failed to deserialize query string: invalid digit found in string",
                "The value must be a whole number in range.",
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(plain_json_error(raw), want, "{raw}");
        }
        for (raw, _) in cases {
            assert!(!plain_json_error(raw).contains("line 1"), "{raw}");
        }
    }
}
