//! The serde types of the public API: HTTP bodies and WebSocket frames. This is the only
//! module that knows serde; it converts to and from domain types at the edge. The TypeScript
//! mirror is `web/src/shared/wire.ts`, and `tests/fixtures/wire/` holds JSON both sides parse.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::domain::{self, Timestamp};

/// The error body of every failed request: `{"error": {"code", "message"}}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    /// A stable snake_case word, e.g. `invalid_credentials`.
    pub code: String,
    /// For people.
    pub message: String,
}

/// A role in the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Agent,
    Customer,
}

impl From<Role> for domain::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => domain::Role::Admin,
            Role::Manager => domain::Role::Manager,
            Role::Agent => domain::Role::Agent,
            Role::Customer => domain::Role::Customer,
        }
    }
}

impl From<domain::Role> for Role {
    fn from(r: domain::Role) -> Self {
        match r {
            domain::Role::Admin => Role::Admin,
            domain::Role::Manager => Role::Manager,
            domain::Role::Agent => Role::Agent,
            domain::Role::Customer => Role::Customer,
        }
    }
}

fn role_set(roles: &[Role]) -> domain::RoleSet {
    roles.iter().map(|r| domain::Role::from(*r)).collect()
}

/// The signed-in user, as `GET /api/me` returns it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// Sees work notes (staff always do).
    pub itil: bool,
}

impl From<&domain::User> for User {
    fn from(u: &domain::User) -> Self {
        User {
            id: u.id.to_string(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            roles: u.roles.iter().map(Role::from).collect(),
            itil: u.has_itil(),
        }
    }
}

/// A short reference to a user.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserRef {
    pub id: String,
    pub display_name: String,
}

impl From<&domain::User> for UserRef {
    fn from(u: &domain::User) -> Self {
        UserRef {
            id: u.id.to_string(),
            display_name: u.display_name.clone(),
        }
    }
}

/// `POST /api/session`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

/// The answer to a successful sign-in.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInResponse {
    pub user: User,
}

/// A user as an admin sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// The ITIL flag as stored (staff see work notes regardless).
    pub itil: bool,
    pub disabled: bool,
    pub created_at: String,
}

impl From<&domain::User> for AdminUser {
    fn from(u: &domain::User) -> Self {
        AdminUser {
            id: u.id.to_string(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            roles: u.roles.iter().map(Role::from).collect(),
            itil: u.itil,
            disabled: u.disabled,
            created_at: rfc3339(u.created_at),
        }
    }
}

/// `POST /api/admin/users`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub itil: bool,
}

impl CreateUser {
    pub fn role_set(&self) -> domain::RoleSet {
        role_set(&self.roles)
    }
}

/// `PATCH /api/admin/users/{id}`: every field optional.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub display_name: Option<String>,
    pub password: Option<String>,
    pub roles: Option<Vec<Role>>,
    pub itil: Option<bool>,
    pub disabled: Option<bool>,
}

impl UpdateUser {
    pub fn role_set(&self) -> Option<domain::RoleSet> {
        self.roles.as_deref().map(role_set)
    }
}

/// An assignment group with its members.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub members: Vec<UserRef>,
}

impl Group {
    pub fn new(group: &domain::Group, members: &[domain::User]) -> Self {
        Group {
            id: group.id.to_string(),
            name: group.name.clone(),
            members: members.iter().map(UserRef::from).collect(),
        }
    }
}

/// `POST /api/groups`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    pub name: String,
}

/// A short reference to a group.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
}

/// A chat queue.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Queue {
    pub id: String,
    pub name: String,
    pub group: GroupRef,
    pub greeting: String,
    pub inactivity_warning_seconds: u32,
    pub auto_close_seconds: u32,
}

impl From<&domain::Queue> for Queue {
    fn from(q: &domain::Queue) -> Self {
        Queue {
            id: q.id.to_string(),
            name: q.settings.name.clone(),
            group: GroupRef {
                id: q.settings.group.to_string(),
                name: q.group_name.clone(),
            },
            greeting: q.settings.greeting.clone(),
            inactivity_warning_seconds: q.settings.inactivity_warning_secs,
            auto_close_seconds: q.settings.auto_close_secs,
        }
    }
}

/// `POST /api/queues`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateQueue {
    pub name: String,
    /// The id of the assignment group.
    pub group: String,
    #[serde(default)]
    pub greeting: String,
    pub inactivity_warning_seconds: Option<u32>,
    pub auto_close_seconds: Option<u32>,
}

/// `PATCH /api/queues/{id}`: every field optional.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateQueue {
    pub name: Option<String>,
    pub group: Option<String>,
    pub greeting: Option<String>,
    pub inactivity_warning_seconds: Option<u32>,
    pub auto_close_seconds: Option<u32>,
}

/// A frame the client sends on the WebSocket.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// The first frame: where the client is, per conversation.
    Hello {
        #[serde(default)]
        positions: std::collections::BTreeMap<String, i64>,
    },
}

/// A frame the server sends on the WebSocket.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Everything missed has been sent; live from here.
    Ready,
    /// A request failed; the socket stays open.
    Error {
        #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
        error: ErrorDetail,
    },
}

/// RFC 3339 UTC with milliseconds.
pub fn rfc3339(t: Timestamp) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.0) * 1_000_000)
        .ok()
        .and_then(|dt| dt.format(&Rfc3339).ok())
        .unwrap_or_default()
}
