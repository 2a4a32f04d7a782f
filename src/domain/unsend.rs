//! Unsend: staff take back their own comment or work note within a window after sending it.
//! The entry keeps its seq; its body moves to an audit record that managers and admins read,
//! and a marker entry of the same kind tells everyone who saw it, live and on resume.

use super::User;
use super::incident::FieldError;
use super::session::{
    self, Conversation, Entry, EntryKind, Event, NewEntry, Person, Refusal, Viewer,
};
use super::time::Timestamp;

/// How long after sending a message may be withdrawn where no queue says otherwise (chats,
/// records), and a new queue's default.
pub const DEFAULT_WINDOW_SECS: u32 = 120;
/// The longest window a queue may set.
pub const MAX_WINDOW_SECS: u32 = 3600;

/// Decides whether `viewer` may withdraw `entry` of `conv` at `now`, given the window (0: never).
/// `Ok(None)`: it already is withdrawn (a repeat, nothing more to do); `Ok(Some(marker))`: store
/// the marker in the transaction that withdraws it.
pub fn check_withdraw(
    conv: &Conversation,
    viewer: &Viewer<'_>,
    entry: &Entry,
    window_secs: u32,
    now: Timestamp,
) -> Result<Option<NewEntry>, Refusal> {
    let user = viewer.user;
    if !session::can_view(conv, viewer) || !session::can_see(entry.audience(), user) {
        return Err(Refusal::NotFound);
    }
    if entry.kind == EntryKind::System || entry.event.is_some() {
        return Err(Refusal::Field(FieldError {
            field: "seq",
            message: "Only a comment or a work note can be withdrawn.".into(),
        }));
    }
    if !user.roles.is_staff() || user.disabled {
        return Err(Refusal::Forbidden("Customers cannot take back a message."));
    }
    if entry.author.as_ref().is_none_or(|a| a.id != user.id) {
        return Err(Refusal::Forbidden(
            "Only its author may withdraw a message.",
        ));
    }
    if entry.withdrawn.is_some() {
        return Ok(None);
    }
    let window_ms = i64::from(window_secs) * 1000;
    if window_secs == 0 || now.0 - entry.at.0 > window_ms {
        return Err(Refusal::UnsendExpired { window_secs });
    }
    let what = match entry.kind {
        EntryKind::WorkNote => "a work note",
        _ => "a message",
    };
    Ok(Some(NewEntry {
        kind: entry.kind,
        author: Some(Person::from(user)),
        body: format!("{} withdrew {what}.", user.display_name),
        client_id: None,
        event: Some(Event::Withdrawn { seq: entry.seq }),
        attachment: None,
    }))
}

/// Who reads withdrawn entries' audit records: managers and admins, enabled.
pub fn reads_withdrawals(user: &User) -> bool {
    user.roles.can_manage_queues() && !user.disabled
}
