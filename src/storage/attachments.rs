//! What both backends share for attachments and unsend: the audit record of a withdrawn
//! entry, the stream an attachment's bytes are read as, and the decision on a withdrawal taken
//! on what each backend read in its transaction.

use futures_util::stream::BoxStream;

use super::{Applied, CommandError};
use crate::domain::attachment::Attachment;
use crate::domain::session::{self, Conversation, ConversationKind, Entry, NewEntry, Viewer};
use crate::domain::{Timestamp, User, unsend};

/// An attachment's bytes, chunk by chunk (never whole in memory).
pub type BlobStream = BoxStream<'static, std::io::Result<Vec<u8>>>;

/// How large a piece of an attachment is read, written or stored (a PostgreSQL row).
pub const CHUNK_BYTES: usize = 256 * 1024;

/// The audit record of a withdrawn entry: the entry (withdrawn), its body as it was, and its
/// attachment.
#[derive(Debug, Clone)]
pub struct WithdrawnEntry {
    pub entry: Entry,
    pub body: String,
    pub attachment: Option<Attachment>,
}

/// What a withdrawal did: the marker stored (or nothing, for a repeat), and the entry as it is
/// shown now.
#[derive(Debug, Clone)]
pub struct Withdrew {
    pub applied: Applied,
    pub entry: Entry,
}

/// Decides a withdrawal on what the backend read in its transaction: the conversation, the
/// acting user as stored now, whether they are a member of its queue's group, the queue's
/// window (none for chats and records: the default) and the entry.
pub(super) fn decide_withdrawal(
    conv: &Conversation,
    user: &User,
    member: bool,
    queue_window: Option<u32>,
    entry: &Entry,
    now: Timestamp,
) -> Result<Option<NewEntry>, CommandError> {
    let window = match conv.kind {
        ConversationKind::Support => queue_window.unwrap_or(unsend::DEFAULT_WINDOW_SECS),
        _ => unsend::DEFAULT_WINDOW_SECS,
    };
    let viewer = Viewer::new(user, member);
    Ok(unsend::check_withdraw(conv, &viewer, entry, window, now)?)
}

/// A repeated withdrawal: nothing stored; the entry as it is.
pub(super) fn nothing_more(conv: Conversation, entry: Entry) -> Withdrew {
    Withdrew {
        applied: Applied {
            previous_state: conv.state,
            conversation: conv,
            entries: Vec::new(),
            created: false,
        },
        entry,
    }
}

/// The entry as shown once withdrawn by `by` at `now` (what the store just wrote).
pub(super) fn as_withdrawn(entry: Entry, by: &User, now: Timestamp) -> Entry {
    Entry {
        body: String::new(),
        attachment: None,
        withdrawn: Some(session::Withdrawn {
            by: session::Person::from(by),
            at: now,
        }),
        ..entry
    }
}
