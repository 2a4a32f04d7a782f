//! Rows as the domain reads them, for both backends: the text codes of states, kinds and
//! events, and the decoding of conversations and entries from a row of either database.

use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use super::{Result, StorageError};
use crate::domain::attachment::{Attachment, ContentType};
use crate::domain::incident::IncidentState;
use crate::domain::session::{
    CloseReason, Conversation, ConversationKind, Deadline, DeadlineKind, Entry, EntryKind, Event,
    Person, RecordRef, SessionState, Withdrawn,
};
use crate::domain::{
    AttachmentId, ConversationId, GroupId, IncidentId, QueueId, Timestamp, UserId,
};

/// The columns of a row, by name, as the schema of either backend stores them (integers are
/// 64-bit in both).
pub(crate) trait Columns {
    fn int(&self, col: &str) -> Result<i64>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
}

macro_rules! columns_of {
    ($row:ty) => {
        impl Columns for $row {
            fn int(&self, col: &str) -> Result<i64> {
                Ok(self.try_get(col)?)
            }
            fn opt_int(&self, col: &str) -> Result<Option<i64>> {
                Ok(self.try_get(col)?)
            }
            fn text(&self, col: &str) -> Result<String> {
                Ok(self.try_get(col)?)
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>> {
                Ok(self.try_get(col)?)
            }
        }
    };
}

columns_of!(SqliteRow);
columns_of!(PgRow);

pub(crate) fn person(row: &impl Columns, id: &str, name: &str) -> Result<Option<Person>> {
    let id = row.opt_int(id)?;
    let name = row.opt_text(name)?;
    Ok(id.zip(name).map(|(id, display_name)| Person {
        id: UserId(id),
        display_name,
    }))
}

pub(crate) fn decode_error(what: &str, value: &str) -> StorageError {
    StorageError::Database(sqlx::Error::Decode(
        format!("unknown {what} {value:?}").into(),
    ))
}

pub(crate) fn conversation_from_row(row: &impl Columns) -> Result<Conversation> {
    let kind = row.text("kind")?;
    let state = row.text("state")?;
    let reason = row.opt_text("closed_reason")?;
    Ok(Conversation {
        id: ConversationId(row.int("id")?),
        kind: match kind.as_str() {
            "support" => ConversationKind::Support,
            "chat" => ConversationKind::Chat,
            "record" => ConversationKind::Record,
            other => return Err(decode_error("conversation kind", other)),
        },
        state: match state.as_str() {
            "queued" => SessionState::Queued,
            "active" => SessionState::Active,
            "closed" => SessionState::Closed,
            other => return Err(decode_error("state", other)),
        },
        queue: row.opt_int("queue_id")?.map(QueueId),
        group: row.opt_int("group_id")?.map(GroupId),
        customer: person(row, "customer_id", "customer_name")?,
        assignee: person(row, "assignee_id", "assignee_name")?,
        last_seq: row.int("last_seq")?,
        last_public_seq: row.int("last_public_seq")?,
        closed_reason: reason.as_deref().map(close_reason_from).transpose()?,
        created_at: Timestamp(row.int("created_at")?),
        accepted_at: row.opt_int("accepted_at")?.map(Timestamp),
        first_message: row.opt_text("first_message")?,
        returned_from: person(row, "returned_from_id", "returned_from_name")?,
        returned_at: row.opt_int("returned_at")?.map(Timestamp),
        record: match row.opt_int("record_id")? {
            Some(id) => {
                let state = row.text("record_state")?;
                Some(RecordRef {
                    incident: IncidentId(id),
                    number: row.text("record_number")?,
                    short_description: row.text("record_short")?,
                    state: IncidentState::parse(&state)
                        .ok_or_else(|| decode_error("incident state", &state))?,
                })
            }
            None => None,
        },
        title: row.opt_text("title")?,
        members: Vec::new(),
        invited: Vec::new(),
    })
    .and_then(|conv| with_members(conv, &row.text("members_json")?))
}

/// A conversation's members and invited colleagues from `members_json`: an array of
/// `[user id, display name, "member" | "invited"]`, as both backends aggregate them; by name.
fn with_members(mut conv: Conversation, json: &str) -> Result<Conversation> {
    let rows: Vec<(i64, String, String)> =
        serde_json::from_str(json).map_err(|_| decode_error("members", json))?;
    for (id, display_name, role) in rows {
        let person = Person {
            id: UserId(id),
            display_name,
        };
        match role.as_str() {
            "member" => conv.members.push(person),
            "invited" => conv.invited.push(person),
            other => return Err(decode_error("member role", other)),
        }
    }
    let by_name =
        |a: &Person, b: &Person| a.display_name.cmp(&b.display_name).then(a.id.cmp(&b.id));
    conv.members.sort_by(by_name);
    conv.invited.sort_by(by_name);
    Ok(conv)
}

pub(crate) fn close_reason_from(s: &str) -> Result<CloseReason> {
    Ok(match s {
        "ended_by_agent" => CloseReason::EndedByAgent,
        "ended_by_customer" => CloseReason::EndedByCustomer,
        "timed_out" => CloseReason::TimedOut,
        "abandoned" => CloseReason::Abandoned,
        other => return Err(decode_error("close reason", other)),
    })
}

pub(crate) fn close_reason_str(r: CloseReason) -> &'static str {
    match r {
        CloseReason::EndedByAgent => "ended_by_agent",
        CloseReason::EndedByCustomer => "ended_by_customer",
        CloseReason::TimedOut => "timed_out",
        CloseReason::Abandoned => "abandoned",
    }
}

pub(crate) fn state_from(s: &str) -> Result<SessionState> {
    Ok(match s {
        "queued" => SessionState::Queued,
        "active" => SessionState::Active,
        "closed" => SessionState::Closed,
        other => return Err(decode_error("state", other)),
    })
}

pub(crate) fn state_str(s: SessionState) -> &'static str {
    match s {
        SessionState::Queued => "queued",
        SessionState::Active => "active",
        SessionState::Closed => "closed",
    }
}

pub(crate) fn entry_kind_str(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Comment => "comment",
        EntryKind::WorkNote => "work_note",
        EntryKind::System => "system",
    }
}

pub(crate) fn event_str(e: Event) -> &'static str {
    match e {
        Event::Accepted => "accepted",
        Event::Transferred => "transferred",
        Event::InactivityWarning => "inactivity_warning",
        Event::StillHere => "still_here",
        Event::Closed => "closed",
        Event::HandedBack => "handed_back",
        Event::IncidentCreated => "incident_created",
        Event::FieldChanged => "field_changed",
        Event::MemberAdded => "member_added",
        Event::MemberLeft => "member_left",
        Event::Withdrawn { .. } => "withdrawn",
    }
}

/// The seq a marker withdraws: stored beside its event.
pub(crate) fn withdraws_seq(e: Option<Event>) -> Option<i64> {
    match e {
        Some(Event::Withdrawn { seq }) => Some(seq),
        _ => None,
    }
}

/// An entry with its author, its attachment and who withdrew it (both backends: no
/// parameters here; each adds its own `WHERE`).
pub(crate) const ENTRY_SELECT: &str = "SELECT e.conversation_id, e.seq, e.kind, e.author_id, \
     u.display_name AS author_name, e.client_id, e.body, e.event, e.at, e.withdraws_seq, \
     e.withdrawn_by, w.display_name AS withdrawn_by_name, e.withdrawn_at, \
     a.id AS a_id, a.name AS a_name, a.content_type AS a_type, a.size AS a_size, a.sha256 AS a_sha256 \
     FROM entries e LEFT JOIN users u ON u.id = e.author_id \
     LEFT JOIN users w ON w.id = e.withdrawn_by \
     LEFT JOIN attachments a ON a.conversation_id = e.conversation_id AND a.seq = e.seq";

pub(crate) fn entry_from_row(row: &impl Columns) -> Result<Entry> {
    let kind = row.text("kind")?;
    let event = row.opt_text("event")?;
    let withdrawn = match (
        person(row, "withdrawn_by", "withdrawn_by_name")?,
        row.opt_int("withdrawn_at")?,
    ) {
        (Some(by), Some(at)) => Some(Withdrawn {
            by,
            at: Timestamp(at),
        }),
        _ => None,
    };
    Ok(Entry {
        conversation: ConversationId(row.int("conversation_id")?),
        seq: row.int("seq")?,
        kind: match kind.as_str() {
            "comment" => EntryKind::Comment,
            "work_note" => EntryKind::WorkNote,
            "system" => EntryKind::System,
            other => return Err(decode_error("entry kind", other)),
        },
        author: person(row, "author_id", "author_name")?,
        body: row.text("body")?,
        client_id: row.opt_text("client_id")?,
        at: Timestamp(row.int("at")?),
        event: match event.as_deref() {
            None => None,
            Some("accepted") => Some(Event::Accepted),
            Some("transferred") => Some(Event::Transferred),
            Some("inactivity_warning") => Some(Event::InactivityWarning),
            Some("still_here") => Some(Event::StillHere),
            Some("closed") => Some(Event::Closed),
            Some("handed_back") => Some(Event::HandedBack),
            Some("incident_created") => Some(Event::IncidentCreated),
            Some("field_changed") => Some(Event::FieldChanged),
            Some("member_added") => Some(Event::MemberAdded),
            Some("member_left") => Some(Event::MemberLeft),
            Some("withdrawn") => Some(Event::Withdrawn {
                seq: row
                    .opt_int("withdraws_seq")?
                    .ok_or_else(|| decode_error("marker without a seq", "withdrawn"))?,
            }),
            Some(other) => return Err(decode_error("event", other)),
        },
        withdrawn: withdrawn.clone(),
        // A withdrawn entry's file is in the audit record only.
        attachment: match withdrawn {
            Some(_) => None,
            None => attachment_from_row(row)?,
        },
    })
}

/// The attachment columns (`a_…`) of an entry row, if it has one.
pub(crate) fn attachment_from_row(row: &impl Columns) -> Result<Option<Attachment>> {
    let Some(id) = row.opt_int("a_id")? else {
        return Ok(None);
    };
    let content_type = row.text("a_type")?;
    Ok(Some(Attachment {
        id: AttachmentId(id),
        name: row.text("a_name")?,
        content_type: ContentType::parse(&content_type)
            .ok_or_else(|| decode_error("attachment type", &content_type))?,
        size: u64::try_from(row.int("a_size")?).unwrap_or(0),
        sha256: row.text("a_sha256")?,
    }))
}

pub(crate) fn deadline_from_row((kind, due): (String, i64)) -> Result<Deadline> {
    let kind = match kind.as_str() {
        "warning" => DeadlineKind::Warning,
        "close" => DeadlineKind::Close,
        other => return Err(decode_error("deadline kind", other)),
    };
    Ok(Deadline {
        kind,
        due: Timestamp(due),
    })
}

pub(crate) fn deadline_kind_str(k: DeadlineKind) -> &'static str {
    match k {
        DeadlineKind::Warning => "warning",
        DeadlineKind::Close => "close",
    }
}

/// A row of `session_times`: id, assignee, created, accepted, closed, closed reason.
pub(crate) type TimesRow = (
    i64,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// The times of one session for the live view's figures.
pub(crate) fn session_times(
    (id, assignee, created, accepted, closed, reason): TimesRow,
) -> Result<crate::domain::figures::SessionTimes> {
    Ok(crate::domain::figures::SessionTimes {
        id: crate::domain::ConversationId(id),
        assignee: assignee.map(crate::domain::UserId),
        created: crate::domain::Timestamp(created),
        accepted: accepted.map(crate::domain::Timestamp),
        closed: closed.map(crate::domain::Timestamp),
        reason: reason.as_deref().map(close_reason_from).transpose()?,
    })
}

/// A row of `guards`: conversation, kind, assignee, due time, seconds.
pub(crate) type GuardRow = (i64, String, Option<i64>, i64, i64);

/// A pending guard as both backends read it.
pub(crate) fn guard_from(
    (conv, kind, assignee, due, seconds): GuardRow,
) -> Result<(crate::domain::ConversationId, crate::domain::guard::Guard)> {
    let kind =
        crate::domain::guard::GuardKind::parse(&kind).ok_or(StorageError::Missing("guard kind"))?;
    Ok((
        crate::domain::ConversationId(conv),
        crate::domain::guard::Guard {
            kind,
            assignee: assignee.map(crate::domain::UserId),
            due: crate::domain::Timestamp(due),
            seconds: u32::try_from(seconds).unwrap_or(0),
        },
    ))
}
