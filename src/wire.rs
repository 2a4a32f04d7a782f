//! The serde types of the public API: HTTP bodies and WebSocket frames. This is the only
//! module that knows serde; it converts to and from domain types at the edge. The TypeScript
//! mirror is `web/src/shared/wire.ts`, and `tests/fixtures/wire/` holds JSON both sides parse.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use std::collections::BTreeMap;

use crate::domain::{self, Timestamp, canned, session};
use crate::hub::{ConversationView, Status};

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
    /// For a 422 about one field of a form: which (e.g. `short_description`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
    /// With `stale_view`: how many new messages the sender has not seen.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub newer: Option<i64>,
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
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
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
    /// As sent: a longer one is refused before anything is counted or hashed.
    #[schema(max_length = 64)]
    pub username: String,
    #[schema(max_length = 256)]
    pub password: String,
    /// Answer a bearer token instead of setting the session cookie (the widget's frame on a
    /// portal of another site, where the cookie is not sent), and set the partitioned embed
    /// cookie `switchboard_embed` carrying it. Default false.
    #[serde(default)]
    pub token: bool,
}

/// The answer to a successful sign-in.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInResponse {
    pub user: User,
    /// Only when asked for with `"token": true`: the session token, sent back as
    /// `Authorization: Bearer <token>` (and on the socket as the subprotocol
    /// `switchboard.bearer.<token>`). Opaque and url-safe. The partitioned embed cookie
    /// `switchboard_embed` set with it carries the same token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
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
    /// Letters, digits, `.`, `_` or `-`, starting with a letter or digit; stored lowercase.
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    /// Not only spaces, no control characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub display_name: String,
    #[schema(min_length = 8, max_length = 256)]
    pub password: String,
    #[schema(min_items = 1)]
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
    /// Not only spaces, no control characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub display_name: Option<String>,
    /// Setting it ends the user's web sessions.
    #[schema(min_length = 8, max_length = 256)]
    pub password: Option<String>,
    #[schema(min_items = 1)]
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
    /// Not only spaces, no control characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
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
    /// Customer silence before the inactivity warning.
    #[schema(minimum = 1, maximum = 86400)]
    pub inactivity_warning_seconds: u32,
    /// Further silence after the warning before the session closes by itself.
    #[schema(minimum = 1, maximum = 86400)]
    pub auto_close_seconds: u32,
    /// How long the assignee of an active session may be offline before it goes back to the
    /// front of the queue.
    #[schema(minimum = 1, maximum = 86400)]
    pub assignee_grace_seconds: u32,
    /// How long after sending staff may withdraw their own comment or work note (0: never).
    #[schema(minimum = 0, maximum = 3600)]
    pub unsend_seconds: u32,
    /// The most sessions of this queue one agent holds at once (0: no limit).
    #[schema(minimum = 0, maximum = 100)]
    pub max_sessions_per_agent: u32,
    /// Whether the customer is asked to rate a session when it ends.
    pub survey: bool,
    /// Routing guard: a waiting session nobody accepts within this many seconds alerts the
    /// managers and is offered again, urgently (0: off).
    #[schema(minimum = 0, maximum = 3600)]
    pub offer_alert_seconds: u32,
    /// Routing guard: an agent who has not commented this long after taking a session is
    /// alerted; as long again and it goes back to the queue (0: off).
    #[schema(minimum = 0, maximum = 3600)]
    pub reply_alert_seconds: u32,
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
            assignee_grace_seconds: q.settings.assignee_grace_secs,
            unsend_seconds: q.settings.unsend_secs,
            max_sessions_per_agent: q.settings.max_sessions_per_agent,
            survey: q.settings.survey,
            offer_alert_seconds: q.settings.offer_alert_secs,
            reply_alert_seconds: q.settings.reply_alert_secs,
        }
    }
}

/// `POST /api/queues`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateQueue {
    /// Not only spaces, no control characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub name: String,
    /// The id of the assignment group.
    pub group: String,
    /// Posted when an agent accepts a session (default none).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub greeting: String,
    /// Default 120.
    #[schema(minimum = 1, maximum = 86400)]
    pub inactivity_warning_seconds: Option<u32>,
    /// Default 60.
    #[schema(minimum = 1, maximum = 86400)]
    pub auto_close_seconds: Option<u32>,
    /// Default 60.
    #[schema(minimum = 1, maximum = 86400)]
    pub assignee_grace_seconds: Option<u32>,
    /// Default 120; 0 turns unsend off.
    #[schema(minimum = 0, maximum = 3600)]
    pub unsend_seconds: Option<u32>,
    /// Default 0: no limit.
    #[schema(minimum = 0, maximum = 100)]
    pub max_sessions_per_agent: Option<u32>,
    /// Default true.
    pub survey: Option<bool>,
    /// Default 60; 0 turns the guard off.
    #[schema(minimum = 0, maximum = 3600)]
    pub offer_alert_seconds: Option<u32>,
    /// Default 120; 0 turns the guard off.
    #[schema(minimum = 0, maximum = 3600)]
    pub reply_alert_seconds: Option<u32>,
}

/// `PATCH /api/queues/{id}`: every field optional.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateQueue {
    /// Not only spaces, no control characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub name: Option<String>,
    /// The id of the assignment group.
    pub group: Option<String>,
    #[schema(max_length = 1000)]
    pub greeting: Option<String>,
    #[schema(minimum = 1, maximum = 86400)]
    pub inactivity_warning_seconds: Option<u32>,
    #[schema(minimum = 1, maximum = 86400)]
    pub auto_close_seconds: Option<u32>,
    #[schema(minimum = 1, maximum = 86400)]
    pub assignee_grace_seconds: Option<u32>,
    #[schema(minimum = 0, maximum = 3600)]
    pub unsend_seconds: Option<u32>,
    #[schema(minimum = 0, maximum = 100)]
    pub max_sessions_per_agent: Option<u32>,
    pub survey: Option<bool>,
    #[schema(minimum = 0, maximum = 3600)]
    pub offer_alert_seconds: Option<u32>,
    #[schema(minimum = 0, maximum = 3600)]
    pub reply_alert_seconds: Option<u32>,
}

/// A conversation: a support session (or later a connect chat or a record).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Conversation {
    pub id: String,
    /// `support`, `chat` or `record`.
    pub kind: String,
    /// `queued`, `active` or `closed`.
    pub state: String,
    /// The queue's id (support sessions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<UserRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<UserRef>,
    /// 1-based place in the queue while queued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    pub last_seq: i64,
    /// `ended_by_agent`, `ended_by_customer`, `timed_out` or `abandoned`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
    /// The customer's first message (shown in queue notifications).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_message: Option<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<String>,
    /// While an inactivity warning is pending: seconds until the session closes by itself, as of
    /// this answer or frame (a duration, so the clocks of server and browser need not agree).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closes_in_seconds: Option<u64>,
    /// While queued after coming back from an agent (handed back, or offline past the
    /// queue's grace): that agent. Such a session waits at the front of the queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned_from: Option<UserRef>,
    /// When it came back (with `returned_from`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned_at: Option<String>,
    /// For the caller: the last entry they may see (lists and `hello` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<Entry>,
    /// For the caller: entries by others after their read mark (lists and `hello` only; at most 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<i64>,
    /// A record conversation: the incident whose activity it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordRef>,
    /// A group chat's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A chat's members, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<UserRef>,
    /// A support session's colleagues invited to help (only to those who see work notes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invited: Vec<UserRef>,
}

/// The incident a record conversation is the activity of.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRef {
    /// The incident's id.
    pub incident: String,
    /// `INC0010001` …
    pub number: String,
    pub short_description: String,
    /// The incident's state (`new`, `in_progress`, `on_hold`, `resolved`, `closed`, `canceled`).
    pub state: String,
}

impl Conversation {
    /// This conversation with the caller's preview and unread count.
    /// A list row: the conversation as `viewer` sees it, with their preview and unread count.
    pub fn listed(
        (view, summary): &(ConversationView, crate::service::Summary),
        viewer: &crate::domain::User,
    ) -> Self {
        Conversation::seen_by(view, viewer).with_summary(summary)
    }

    pub fn with_summary(mut self, summary: &crate::service::Summary) -> Self {
        self.preview = summary.preview.as_ref().map(Entry::from);
        self.unread = Some(summary.unread);
        self
    }
}

fn person_ref(p: &session::Person) -> UserRef {
    UserRef {
        id: p.id.to_string(),
        display_name: p.display_name.clone(),
    }
}

impl Conversation {
    /// The conversation as `viewer` sees it: `last_seq` is the last seq they may see, so a
    /// customer without the ITIL role learns nothing of work notes after it.
    pub fn seen_by(v: &ConversationView, viewer: &crate::domain::User) -> Self {
        let c = &v.conversation;
        Conversation {
            id: c.id.to_string(),
            kind: match c.kind {
                session::ConversationKind::Support => "support",
                session::ConversationKind::Chat => "chat",
                session::ConversationKind::Record => "record",
            }
            .into(),
            state: match c.state {
                session::SessionState::Queued => "queued",
                session::SessionState::Active => "active",
                session::SessionState::Closed => "closed",
            }
            .into(),
            queue: c.queue.map(|q| q.to_string()),
            customer: c.customer.as_ref().map(person_ref),
            assignee: c.assignee.as_ref().map(person_ref),
            position: v.position,
            last_seq: session::visible_last_seq(c, viewer),
            closed_reason: c.closed_reason.map(|r| {
                match r {
                    session::CloseReason::EndedByAgent => "ended_by_agent",
                    session::CloseReason::EndedByCustomer => "ended_by_customer",
                    session::CloseReason::TimedOut => "timed_out",
                    session::CloseReason::Abandoned => "abandoned",
                }
                .into()
            }),
            first_message: c.first_message.clone(),
            created_at: rfc3339(c.created_at),
            accepted_at: c.accepted_at.map(rfc3339),
            closes_in_seconds: v.closes_in,
            returned_from: c
                .returned_from
                .as_ref()
                .filter(|_| c.state == session::SessionState::Queued)
                .map(person_ref),
            returned_at: c
                .returned_at
                .filter(|_| c.state == session::SessionState::Queued)
                .map(rfc3339),
            preview: None,
            unread: None,
            record: c.record.as_ref().map(|r| RecordRef {
                incident: r.incident.to_string(),
                number: r.number.clone(),
                short_description: r.short_description.clone(),
                state: r.state.as_str().into(),
            }),
            title: c.title.clone(),
            members: c.members.iter().map(person_ref).collect(),
            // An invitation is told by a work note: only who sees work notes learns of it.
            invited: if session::can_see(session::Audience::Itil, viewer) {
                c.invited.iter().map(person_ref).collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// One entry of a conversation's timeline.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub conversation: String,
    pub seq: i64,
    /// `comment`, `work_note` or `system`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<UserRef>,
    pub body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub at: String,
    /// For system entries: `accepted`, `transferred`, `inactivity_warning`, `still_here`,
    /// `closed`, `handed_back`, `incident_created`, `field_changed`, `member_added`,
    /// `member_left`; on a comment or work note, `withdrawn` marks a marker of unsend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// A file posted as this entry (`body` is then its caption, maybe empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// Taken back by its author: `body` is empty and there is no attachment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<WithdrawnMark>,
    /// On a marker (`event: "withdrawn"`): the seq of the entry it withdrew.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdraws: Option<i64>,
}

/// A file attached to an entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub id: String,
    pub name: String,
    /// Judged from the bytes: `image/png`, `image/jpeg`, `image/gif`, `image/webp`,
    /// `application/pdf` or `text/plain`.
    #[serde(rename = "type")]
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// `/api/attachments/{id}`.
    pub url: String,
}

impl From<&crate::domain::attachment::Attachment> for Attachment {
    fn from(a: &crate::domain::attachment::Attachment) -> Self {
        Attachment {
            id: a.id.to_string(),
            name: a.name.clone(),
            content_type: a.content_type.as_str().into(),
            size: a.size,
            url: format!("/api/attachments/{}", a.id),
        }
    }
}

impl From<&crate::storage::attachments::WithdrawnEntry> for Withdrawal {
    fn from(w: &crate::storage::attachments::WithdrawnEntry) -> Self {
        let e = &w.entry;
        let nobody = || UserRef {
            id: String::new(),
            display_name: String::new(),
        };
        Withdrawal {
            seq: e.seq,
            kind: match e.kind {
                session::EntryKind::WorkNote => "work_note",
                _ => "comment",
            }
            .into(),
            author: e.author.as_ref().map_or_else(nobody, person_ref),
            body: w.body.clone(),
            attachment: w.attachment.as_ref().map(Attachment::from),
            at: rfc3339(e.at),
            withdrawn_by: e
                .withdrawn
                .as_ref()
                .map_or_else(nobody, |x| person_ref(&x.by)),
            withdrawn_at: e
                .withdrawn
                .as_ref()
                .map_or_else(String::new, |x| rfc3339(x.at)),
        }
    }
}

/// `POST /api/conversations/{id}/survey`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i64,
    /// Optional (blank: none).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
}

/// A session's satisfaction survey as its reader sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// `asked` (its customer may rate it now), `answered`, or `none`.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// Who withdrew an entry, and when.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawnMark {
    pub by: UserRef,
    pub at: String,
}

/// The audit record of a withdrawn entry (managers and admins).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    pub seq: i64,
    /// `comment` or `work_note`.
    pub kind: String,
    pub author: UserRef,
    /// The body as it was sent.
    pub body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    pub at: String,
    pub withdrawn_by: UserRef,
    pub withdrawn_at: String,
}

impl From<&session::Entry> for Entry {
    fn from(e: &session::Entry) -> Self {
        Entry {
            conversation: e.conversation.to_string(),
            seq: e.seq,
            kind: match e.kind {
                session::EntryKind::Comment => "comment",
                session::EntryKind::WorkNote => "work_note",
                session::EntryKind::System => "system",
            }
            .into(),
            author: e.author.as_ref().map(person_ref),
            body: e.body.clone(),
            client_id: e.client_id.clone(),
            at: rfc3339(e.at),
            attachment: e.attachment.as_ref().map(Attachment::from),
            withdrawn: e.withdrawn.as_ref().map(|w| WithdrawnMark {
                by: person_ref(&w.by),
                at: rfc3339(w.at),
            }),
            withdraws: match e.event {
                Some(session::Event::Withdrawn { seq }) => Some(seq),
                _ => None,
            },
            event: e.event.map(|ev| {
                match ev {
                    session::Event::Withdrawn { .. } => "withdrawn",
                    session::Event::Accepted => "accepted",
                    session::Event::Transferred => "transferred",
                    session::Event::InactivityWarning => "inactivity_warning",
                    session::Event::HandedBack => "handed_back",
                    session::Event::IncidentCreated => "incident_created",
                    session::Event::FieldChanged => "field_changed",
                    session::Event::MemberAdded => "member_added",
                    session::Event::MemberLeft => "member_left",
                    session::Event::StillHere => "still_here",
                    session::Event::Closed => "closed",
                }
                .into()
            }),
        }
    }
}

/// A page of history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntriesPage {
    pub entries: Vec<Entry>,
    /// Pass as `after` for the next page; null when this page reached the end.
    pub next_after: Option<i64>,
}

/// A page of older history (`before=`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EarlierEntriesPage {
    pub entries: Vec<Entry>,
    /// The smallest seq read: pass as `before` for the page before this one; null when this
    /// page reached the start of the log.
    pub next_before: Option<i64>,
}

/// The answer of `GET /api/conversations/{id}/entries`: by `after` or by `before`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum EntriesAnswer {
    After(EntriesPage),
    Before(EarlierEntriesPage),
}

/// `DELETE /api/session` query (other parameters are ignored: nothing keeps a user from
/// signing out).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignOutQuery {
    /// First hand every active session assigned to the signing-out user back to the front of
    /// its queue (default false: they go back after the queue's grace, unless the user comes
    /// back on another browser).
    #[serde(default)]
    pub hand_back: bool,
}

/// `GET /api/conversations/{id}/entries` query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EntriesQuery {
    /// Entries with a greater seq (default 0: from the start).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Entries with a smaller seq, the newest of them (not with `after`).
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// At most this many read from the log (1 to 500; default 500 with `after`, 100 with
    /// `before`).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// `GET /api/users`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Part of a name or username (any case).
    #[param(min_length = 1, max_length = 100)]
    pub q: String,
    /// Only staff (agents, managers, admins): colleagues to chat with.
    pub staff: Option<bool>,
}

/// `GET /api/incidents`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IncidentsQuery {
    /// Staff: `mine` (assigned to the caller, not closed or canceled), `group` (of the caller's
    /// groups, not closed or canceled), `open` (default: not resolved, closed or canceled), `all`.
    /// Ignored for a customer (their own).
    pub view: Option<String>,
    /// One state: `new`, `in_progress`, `on_hold`, `resolved`, `closed` or `canceled`.
    pub state: Option<String>,
    /// A number (`INC0010001`, or `10001`), or words each found in the short description or
    /// the description (any case).
    #[param(max_length = 200)]
    pub q: Option<String>,
}

/// `POST /api/queues/{queue}/sessions`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartSession {
    /// Chosen by the client for the first message; a repeat finds the same session.
    #[schema(min_length = 1, max_length = 100)]
    pub client_id: String,
    /// The customer's first message (blank: none).
    #[schema(max_length = 10000)]
    pub message: Option<String>,
}

/// A comment or a work note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    Comment,
    WorkNote,
}

impl From<PostKind> for session::PostKind {
    fn from(k: PostKind) -> Self {
        match k {
            PostKind::Comment => session::PostKind::Comment,
            PostKind::WorkNote => session::PostKind::WorkNote,
        }
    }
}

/// `POST /api/conversations/{id}/entries`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostEntry {
    /// Chosen by the client; a repeat by the same author returns the original entry.
    #[schema(min_length = 1, max_length = 100)]
    pub client_id: String,
    pub kind: PostKind,
    /// Not only spaces.
    #[schema(min_length = 1, max_length = 10000)]
    pub body: String,
    /// The last seq the sender's view showed: the send is held (409 `stale_view`) while newer
    /// messages by others exist.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub seen: Option<i64>,
}

/// `POST /api/conversations/{id}/transfer`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The receiving agent's user id.
    pub to: String,
    /// A work note for the receiver (blank: none).
    #[schema(max_length = 10000)]
    pub note: Option<String>,
}

/// A canned message of a queue.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Canned {
    pub id: String,
    pub queue: String,
    pub title: String,
    /// With placeholders such as `{customer.first_name}`.
    pub body: String,
}

/// `PUT /api/queues/{queue}/canned/order`: every canned message of the queue, once each.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedOrder {
    #[schema(max_items = 1000)]
    pub ids: Vec<String>,
}

impl From<&canned::Canned> for Canned {
    fn from(c: &canned::Canned) -> Self {
        Canned {
            id: c.id.to_string(),
            queue: c.queue.to_string(),
            title: c.title.clone(),
            body: c.body.clone(),
        }
    }
}

/// `POST /api/queues/{queue}/canned`, `PATCH …/canned/{id}` (fields optional there).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedInput {
    /// Required when creating; unique in the queue; not only spaces, no control characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub title: Option<String>,
    /// Required when creating; only the known placeholders.
    #[schema(min_length = 1, max_length = 5000)]
    pub body: Option<String>,
}

/// `POST /api/conversations/{id}/canned/{canned}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UseCanned {
    /// Chosen by the client; a repeat returns the original entry.
    #[schema(min_length = 1, max_length = 100)]
    pub client_id: String,
}

/// Available or Away, as an agent sets it; Offline as the server reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PresenceStatus {
    Available,
    Away,
    Offline,
}

impl From<Status> for PresenceStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Available => PresenceStatus::Available,
            Status::Away => PresenceStatus::Away,
            Status::Offline => PresenceStatus::Offline,
        }
    }
}

/// A member of a queue's group, with presence.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub id: String,
    pub display_name: String,
    pub status: PresenceStatus,
}

/// `PUT /api/presence`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPresence {
    pub status: ChosenStatus,
}

/// What an agent may choose: Available or Away (Offline is what the server reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChosenStatus {
    Available,
    Away,
}

impl From<ChosenStatus> for Status {
    fn from(s: ChosenStatus) -> Self {
        match s {
            ChosenStatus::Available => Status::Available,
            ChosenStatus::Away => Status::Away,
        }
    }
}

/// `POST /api/conversations/{id}/read`: everything up to `seq` has been read.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// At most the conversation's `last_seq`.
    #[schema(minimum = 0)]
    pub seq: i64,
}

/// `POST /api/conversations/{id}/typing`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Typing {
    pub active: bool,
    /// What is being typed: a comment, or a work note (shown only to those who may see work
    /// notes). Required: an indicator of unknown kind never reaches the customer.
    pub kind: PostKind,
}

/// A frame the client sends on the WebSocket.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// The first frame: where the client is, per conversation.
    Hello {
        #[serde(default)]
        positions: BTreeMap<String, i64>,
        /// For conversations not named in `positions`: only the entries with
        /// `seq > last_seq - tail` (1 to 500). Without it, everything from the start.
        tail: Option<i64>,
    },
    /// A Comment or a Work Note (`kind` and `body`), or a canned message (`canned`, alone).
    Send {
        #[serde(rename = "ref")]
        reference: Option<String>,
        conversation: String,
        client_id: String,
        kind: Option<PostKind>,
        body: Option<String>,
        /// A canned message's id, posted as the agent's comment with its placeholders filled.
        canned: Option<String>,
        /// The last seq the sender's view showed (the stale-view guard).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seen: Option<i64>,
    },
    Accept {
        #[serde(rename = "ref")]
        reference: Option<String>,
        conversation: String,
    },
    Typing {
        conversation: String,
        active: bool,
        /// `comment` or `work_note` (required).
        kind: PostKind,
    },
    Presence {
        status: ChosenStatus,
    },
    /// Everything up to `seq` has been read.
    Read {
        conversation: String,
        seq: i64,
    },
    /// Start receiving a conversation the user may see (e.g. an agent reading a colleague's).
    Watch {
        conversation: String,
    },
    /// Heartbeat: answered at once with `pong` (the nonce echoed), also before `hello`.
    Ping {
        /// 1 to 64 characters.
        nonce: Option<String>,
    },
}

/// A frame the server sends on the WebSocket. Also `Deserialize`, for clients written in Rust
/// (tests, the load generator) and the shared fixtures.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServerFrame {
    Entry(Entry),
    Conversation(Conversation),
    /// Everything missed has been sent; live from here.
    Ready,
    Ack {
        #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
        conversation: String,
        seq: i64,
    },
    /// A request failed; the socket stays open.
    Error {
        #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
        /// The conversation the failed request was about, as the client named it.
        #[serde(skip_serializing_if = "Option::is_none")]
        conversation: Option<String>,
        error: ErrorDetail,
    },
    /// The answer to `ping`.
    Pong {
        #[serde(skip_serializing_if = "Option::is_none")]
        nonce: Option<String>,
    },
    Offer {
        conversation: Conversation,
        /// Nobody accepted it within the queue's `offer_alert_seconds`: a louder alert.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        urgent: bool,
    },
    /// A routing guard fired: `unaccepted` and `returned_unanswered` to managers and admins,
    /// `no_reply` to the session's agent.
    Alert {
        kind: AlertKind,
        conversation: Conversation,
        seconds: u32,
    },
    /// To managers and admins: the queue's live view changed.
    QueueActivity {
        queue: String,
    },
    /// To managers and admins: a session went back to the front of its queue from its agent
    /// (handed back, or the agent was offline past the queue's grace); `returned_from` says who.
    Returned {
        conversation: Conversation,
    },
    Withdraw {
        conversation: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        by: Option<UserRef>,
    },
    Typing {
        conversation: String,
        user: UserRef,
        active: bool,
    },
    Presence {
        user: UserRef,
        status: PresenceStatus,
    },
    /// The user read `conversation` up to `seq` (in this tab or another): every socket of the
    /// user learns it, so unread counts agree across tabs.
    Read {
        conversation: String,
        seq: i64,
    },
    /// The user no longer sees `conversation` (left a group chat, an invitation ended).
    Gone {
        conversation: String,
    },
}

/// Which routing guard fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Unaccepted,
    NoReply,
    ReturnedUnanswered,
}

impl From<crate::domain::guard::AlertKind> for AlertKind {
    fn from(k: crate::domain::guard::AlertKind) -> Self {
        use crate::domain::guard::AlertKind as K;
        match k {
            K::Unaccepted => AlertKind::Unaccepted,
            K::NoReply => AlertKind::NoReply,
            K::ReturnedUnanswered => AlertKind::ReturnedUnanswered,
        }
    }
}

impl ClientFrame {
    /// Parses one text frame; the error says what is wrong, for an `error` frame.
    pub fn parse(text: &str) -> Result<ClientFrame, String> {
        serde_json::from_str(text).map_err(|e| format!("Not a valid frame: {e}"))
    }
}

impl ServerFrame {
    /// This frame (an `error`) about `conversation`.
    pub fn about(mut self, about: &str) -> ServerFrame {
        if let ServerFrame::Error { conversation, .. } = &mut self {
            *conversation = Some(about.to_owned());
        }
        self
    }

    /// The frame as JSON text.
    pub fn to_text(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    /// An `error` frame.
    pub fn error(reference: Option<String>, code: &str, message: &str) -> ServerFrame {
        ServerFrame::Error {
            reference,
            conversation: None,
            error: ErrorDetail {
                code: code.into(),
                message: message.into(),
                field: None,
                newer: None,
            },
        }
    }
}

pub fn user_ref(p: &session::Person) -> UserRef {
    person_ref(p)
}

/// RFC 3339 UTC, always with three digits of milliseconds (`2026-01-12T09:30:05.120Z`): every
/// time the API writes has the same width, so clients order times by comparing the strings (a
/// format that drops zero digits, `…:05.12Z` or `…:05Z`, sorts them wrong within a second).
/// Empty outside the years 0–9999.
pub fn rfc3339(t: Timestamp) -> String {
    match OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.0) * 1_000_000) {
        Ok(dt) if (0..=9999).contains(&dt.year()) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            dt.year(),
            u8::from(dt.month()),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
            dt.millisecond()
        ),
        _ => String::new(),
    }
}

/// An incident: an ITSM record numbered `INC0010001` …
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub id: String,
    pub number: String,
    pub caller: UserRef,
    pub short_description: String,
    pub description: String,
    /// `inquiry`, `software`, `hardware`, `network` or `database`.
    pub category: String,
    /// `chat`, `email`, `phone`, `self_service` or `walk_in`.
    pub contact_type: String,
    /// 1 (high) to 3 (low).
    pub impact: u8,
    /// 1 (high) to 3 (low).
    pub urgency: u8,
    /// Derived: impact + urgency - 1 (1 critical … 5 planning).
    pub priority: u8,
    /// `new`, `in_progress`, `on_hold`, `resolved`, `closed` or `canceled`.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution_notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_group: Option<GroupRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<UserRef>,
    /// The support session it was created from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Its activity stream: a conversation of kind `record`.
    pub activity: String,
    pub created_by: UserRef,
    pub created_at: String,
    pub updated_by: UserRef,
    pub updated_at: String,
    /// Send it back with a change: a change made on an older version is refused.
    pub version: i64,
    /// Whether the caller of this request follows it.
    pub following: bool,
}

impl Incident {
    pub fn of(i: &crate::domain::incident::Incident, following: bool) -> Self {
        Incident {
            id: i.id.to_string(),
            number: i.number.clone(),
            caller: person_ref(&i.caller),
            short_description: i.short_description.clone(),
            description: i.description.clone(),
            category: i.category.as_str().into(),
            contact_type: i.contact_type.as_str().into(),
            impact: i.impact,
            urgency: i.urgency,
            priority: i.priority,
            state: i.state.as_str().into(),
            resolution_notes: i.resolution_notes.clone(),
            assignment_group: i.assignment_group.as_ref().map(|(id, name)| GroupRef {
                id: id.to_string(),
                name: name.clone(),
            }),
            assigned_to: i.assigned_to.as_ref().map(person_ref),
            session: i.session.map(|s| s.to_string()),
            activity: i.activity.to_string(),
            created_by: person_ref(&i.created_by),
            created_at: rfc3339(i.created_at),
            updated_by: person_ref(&i.updated_by),
            updated_at: rfc3339(i.updated_at),
            version: i.version,
            following,
        }
    }
}

/// A new incident.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    /// Chosen by the client, once per form: a repeated Save answers with the incident created
    /// the first time.
    #[schema(min_length = 1, max_length = 100)]
    pub client_id: String,
    /// The caller's user id.
    pub caller: String,
    #[schema(min_length = 1, max_length = 160)]
    pub short_description: String,
    #[schema(max_length = 15000)]
    pub description: Option<String>,
    /// `inquiry`, `software`, `hardware`, `network` or `database`.
    pub category: String,
    /// `chat`, `email`, `phone`, `self_service` or `walk_in`.
    pub contact_type: String,
    #[schema(minimum = 1, maximum = 3)]
    pub impact: u8,
    #[schema(minimum = 1, maximum = 3)]
    pub urgency: u8,
    /// Default `new`.
    pub state: Option<String>,
    #[schema(max_length = 10000)]
    pub resolution_notes: Option<String>,
    /// The assignment group's id.
    pub assignment_group: Option<String>,
    /// The assignee's user id (a staff member of the assignment group).
    pub assigned_to: Option<String>,
    /// The support session it comes from.
    pub session: Option<String>,
}

/// A change to an incident: `version` as read, and the fields to change (a field left out
/// stays as it is; `null` clears an optional one).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentChange {
    pub version: i64,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub caller: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 160)]
    pub short_description: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, max_length = 15000)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub contact_type: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 3)]
    pub impact: Option<u8>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 3)]
    pub urgency: Option<u8>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub resolution_notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub assignment_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub assigned_to: Option<Option<String>>,
}

/// A field that may be left out but is never `null` (a required field of the record: `null`
/// is refused, naming it, rather than read as "leave it as it is").
fn not_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A field that is present (`Some`), possibly `null` (`Some(None)`); absent is `None`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// How many of a queue's staff are there for a chat now.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// Staff of the queue online and Available now.
    pub available: u32,
}

/// A message left when nobody is available: it becomes an incident.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeftMessage {
    #[schema(min_length = 1, max_length = 100)]
    pub client_id: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
}

/// A knowledge article (`KB0010001` …): its Markdown and the same rendered as safe HTML.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Article {
    pub id: String,
    pub number: String,
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    /// The body rendered and sanitised on the server: show it as is.
    pub html: String,
    pub category: String,
    /// `draft`, `published` or `retired`.
    pub state: String,
    pub author: UserRef,
    pub updated_by: UserRef,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
    /// Send it back with a change: a change made on an older version is refused.
    pub version: i64,
}

impl From<&crate::domain::kb::Article> for Article {
    fn from(a: &crate::domain::kb::Article) -> Self {
        Article {
            id: a.id.to_string(),
            number: a.number.clone(),
            title: a.title.clone(),
            body: a.body.clone(),
            html: crate::domain::kb::render(&a.body),
            category: a.category.clone(),
            state: a.state.as_str().into(),
            author: person_ref(&a.author),
            updated_by: person_ref(&a.updated_by),
            created_at: rfc3339(a.created_at),
            updated_at: rfc3339(a.updated_at),
            published_at: a.published_at.map(rfc3339),
            version: a.version,
        }
    }
}

/// A part of a snippet: plain text, `mark`ed where it matched the search.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnippetPart {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mark: bool,
}

/// An article found or listed, with a short passage of its body.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleHit {
    pub id: String,
    pub number: String,
    pub title: String,
    pub category: String,
    pub state: String,
    pub updated_at: String,
    pub snippet: Vec<SnippetPart>,
}

impl From<&crate::domain::kb::ArticleHit> for ArticleHit {
    fn from(h: &crate::domain::kb::ArticleHit) -> Self {
        ArticleHit {
            id: h.id.to_string(),
            number: h.number.clone(),
            title: h.title.clone(),
            category: h.category.clone(),
            state: h.state.as_str().into(),
            updated_at: rfc3339(h.updated_at),
            snippet: h
                .snippet
                .iter()
                .map(|p| SnippetPart {
                    text: p.text.clone(),
                    mark: p.mark,
                })
                .collect(),
        }
    }
}

/// `GET /api/kb/articles`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticlesQuery {
    /// Words to search for (ranked; the last one also as a prefix).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// `published` (default); staff also `draft`, `retired` or `all`.
    pub state: Option<String>,
    /// 1–50, default 20.
    pub limit: Option<i64>,
}

/// A new article (a draft).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    #[schema(min_length = 1, max_length = 100)]
    pub client_id: String,
    #[schema(min_length = 1, max_length = 160)]
    pub title: String,
    /// Markdown.
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    #[schema(min_length = 1, max_length = 60)]
    pub category: String,
}

/// A change to an article, made on `version`; a field left out stays as it is.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleChange {
    pub version: i64,
    #[schema(min_length = 1, max_length = 160)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 50000)]
    pub body: Option<String>,
    #[schema(min_length = 1, max_length = 60)]
    pub category: Option<String>,
    /// `draft`, `published` or `retired` (managers and admins).
    pub state: Option<String>,
}

/// `POST /api/kb/preview`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewInput {
    #[schema(max_length = 50000)]
    pub body: String,
}

/// The body as it would be shown.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preview {
    pub html: String,
}

/// `POST /api/conversations/{id}/kb-share`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareArticle {
    #[schema(min_length = 1, max_length = 100)]
    pub client_id: String,
    /// The article's id or number.
    pub article: String,
}

/// `POST /api/chats`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChat {
    /// The colleagues' user ids (the caller is in it anyway).
    pub members: Vec<String>,
    /// A group chat's name; without it, the direct chat of the caller and one colleague.
    #[schema(min_length = 1, max_length = 100)]
    pub title: Option<String>,
}

/// `POST /api/conversations/{id}/invite`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    /// The colleague's user id.
    pub user: String,
}

/// What an audit entry is about.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditTarget {
    /// `user`, `group`, `queue` or `canned`.
    pub kind: String,
    pub id: String,
    /// Its name when the change was made (a username, a group's, queue's or canned message's name).
    pub name: String,
}

/// One change made through the console or the admin API: who, what, before and after, when.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    pub id: String,
    pub at: String,
    pub actor: UserRef,
    /// `user.create`, `user.update`, `group.create`, `group.add_member`, `group.remove_member`,
    /// `queue.create`, `queue.update`, `canned.create`, `canned.update`, `canned.delete`,
    /// `canned.reorder`.
    pub action: String,
    pub target: AuditTarget,
    /// The fields as the API showed them before (an update: only those that changed).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The fields after.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

impl From<&crate::storage::audit::Entry> for AuditEntry {
    fn from(e: &crate::storage::audit::Entry) -> Self {
        AuditEntry {
            id: e.id.to_string(),
            at: rfc3339(e.at),
            actor: person_ref(&e.actor),
            action: e.action.clone(),
            target: AuditTarget {
                kind: e.target_kind.clone(),
                id: e.target_id.to_string(),
                name: e.target_name.clone(),
            },
            before: e.before.clone(),
            after: e.after.clone(),
        }
    }
}

/// `GET /api/audit`: newest first; `next_before` asks for the next page.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next_before: Option<String>,
}

/// A session waiting in the live view.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitingSession {
    pub id: String,
    pub customer: UserRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_message: Option<String>,
    /// When it came back to the queue, or started: the wait is counted from here.
    pub waiting_since: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_from: Option<UserRef>,
    /// Its offer guard fired: nobody accepted it within the queue's `offer_alert_seconds`.
    pub alerted: bool,
}

/// A session an agent holds, in the live view.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldSession {
    pub id: String,
    pub customer: UserRef,
    pub accepted_at: String,
    /// Its agent no longer works the queue: a manager must transfer it.
    pub needs_transfer: bool,
}

/// An agent in the live view: presence and the sessions of the queue they hold.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiveAgent {
    pub user: UserRef,
    pub status: PresenceStatus,
    /// False for an agent removed from the queue's group who still holds sessions of it.
    pub in_group: bool,
    pub active: u32,
    pub sessions: Vec<HeldSession>,
}

/// An active session whose agent no longer works the queue.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedsTransfer {
    pub id: String,
    pub customer: UserRef,
    pub assignee: UserRef,
    pub accepted_at: String,
}

/// Survey answers: how many, and their mean.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingFigures {
    pub count: u32,
    pub average: Option<f64>,
}

impl From<crate::domain::figures::Rating> for RatingFigures {
    fn from(r: crate::domain::figures::Rating) -> Self {
        RatingFigures {
            count: r.count,
            average: r.average,
        }
    }
}

/// One agent's figures (sessions they held last).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentFigures {
    pub user: UserRef,
    pub accepted: u32,
    pub ended: u32,
    pub median_handling_seconds: Option<u64>,
    pub rating: RatingFigures,
}

/// A queue's figures for the sessions started since `since`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueFigures {
    pub since: String,
    pub started: u32,
    pub accepted: u32,
    pub abandoned: u32,
    pub timed_out: u32,
    pub ended: u32,
    pub median_accept_seconds: Option<u64>,
    pub median_handling_seconds: Option<u64>,
    pub rating: RatingFigures,
    pub per_agent: Vec<AgentFigures>,
}

/// `GET /api/queues/{id}/live`: the live queue view.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueLive {
    pub queue: GroupRef,
    /// The server's time of this view.
    pub at: String,
    pub waiting: Vec<WaitingSession>,
    pub longest_wait_seconds: Option<u64>,
    pub agents: Vec<LiveAgent>,
    pub needs_transfer: Vec<NeedsTransfer>,
    pub figures: QueueFigures,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_at_one_width_and_sort_as_strings() {
        // 2026-01-12T09:30:05Z and times within that second: a whole second, tens and hundreds
        // of milliseconds are the ones a format dropping zero digits wrote shorter.
        let second = 1_768_210_205_000;
        let times: Vec<i64> = [0, 1, 10, 12, 100, 120, 123, 150, 999, 1000]
            .iter()
            .map(|ms| second + ms)
            .collect();
        let written: Vec<String> = times.iter().map(|&t| rfc3339(Timestamp(t))).collect();
        assert_eq!(written[0], "2026-01-12T09:30:05.000Z");
        assert_eq!(written[5], "2026-01-12T09:30:05.120Z");
        assert!(written.iter().all(|w| w.len() == 24), "{written:?}");
        let mut sorted = written.clone();
        sorted.sort();
        assert_eq!(sorted, written, "string order is time order");
        assert_eq!(rfc3339(Timestamp(0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(Timestamp(i64::MAX)), "");
        assert_eq!(
            rfc3339(Timestamp(-62_167_219_200_001)),
            "",
            "before the year 0"
        );
    }
}
