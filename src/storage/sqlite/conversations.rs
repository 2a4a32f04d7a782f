//! Conversations and their log of entries, inactivity deadlines, and the one transaction in
//! which a command on a session is decided and stored.
//!
//! Guarantees enforced here and in the schema:
//! - `seq` is gap-free: storing an entry increments `conversations.last_seq` and inserts the
//!   entry in the same transaction (the two statements sent as one query), so a rollback leaves
//!   no hole.
//! - A send is idempotent: `(conversation, author, client_id)` is unique; a repeat returns the
//!   stored entry.
//! - Accept is a conditional write (`WHERE state = 'queued'`): exactly one agent wins.
//! - A deadline fires once: firing deletes the exact deadline row (kind and due time) in the
//!   transaction that stores what it produces. So does an absence (assignee and due time).
//! - A session that goes back to the queue records whom it came back from, in the same
//!   conditional update; returned sessions wait at the front of the queue.

use sqlx::Row;

use super::{Result, SqliteDb, StorageError, classify};
use crate::domain::AttachmentId;
use crate::domain::attachment::Attachment;
use crate::domain::session::{
    self as session, Absence, Audience, Command, Conversation, Deadline, DeadlineChange, Decision,
    Entry, EntryKind, NewEntry, Person, Refusal, SessionState,
};
use crate::domain::{ConversationId, GroupId, QueueId, QueueSettings, Timestamp, User, UserId};
use crate::storage::facts::{Fired, SessionFacts, actor_of, transfer_target};
use crate::storage::rows::{
    ENTRY_SELECT, close_reason_str, conversation_from_row, deadline_from_row, deadline_kind_str,
    entry_from_row, entry_kind_str, event_str, state_str, withdraws_seq,
};
use crate::storage::{Act, Applied, CommandError};

macro_rules! conversation_columns {
    () => {
        "c.id, c.kind, c.state, c.queue_id, cq.group_id AS group_id, c.customer_id, \
         cu.display_name AS customer_name, c.assignee_id, au.display_name AS assignee_name, \
         c.last_seq, c.last_public_seq, c.closed_reason, c.first_message, c.created_at, c.accepted_at, \
         c.returned_from_id, ru.display_name AS returned_from_name, c.returned_at, \
         ri.id AS record_id, ri.number AS record_number, ri.short_description AS record_short, \
         ri.state AS record_state, c.title, \
         (SELECT json_group_array(json_array(m.user_id, mu.display_name, m.role)) \
         FROM conversation_members m JOIN users mu ON mu.id = m.user_id \
         WHERE m.conversation_id = c.id) AS members_json"
    };
}

macro_rules! conversation_from {
    () => {
        " FROM conversations c LEFT JOIN users cu ON cu.id = c.customer_id \
         LEFT JOIN users au ON au.id = c.assignee_id LEFT JOIN queues cq ON cq.id = c.queue_id \
         LEFT JOIN users ru ON ru.id = c.returned_from_id \
         LEFT JOIN incidents ri ON ri.activity_id = c.id"
    };
}

const CONVERSATION_SELECT: &str = concat!("SELECT ", conversation_columns!(), conversation_from!());

/// Everything a command on a session decides on, in one read: the conversation, its queue's
/// settings, the pending deadline, and whether the actor (`?1`) is a member of the queue's
/// group (raw membership: [`session::staff_of_queue`] adds the role).
const SESSION_FACTS: &str = concat!(
    "SELECT ",
    conversation_columns!(),
    ", q.name AS q_name, q.group_id AS q_group, q.greeting AS q_greeting, \
     q.inactivity_warning_seconds AS q_warning, q.auto_close_seconds AS q_close, \
     q.assignee_grace_seconds AS q_grace, q.unsend_seconds AS q_unsend, q.max_sessions_per_agent AS q_cap, q.survey AS q_survey, \
     q.offer_alert_seconds AS q_offer, q.reply_alert_seconds AS q_reply, \
     d.kind AS d_kind, d.due_at AS d_due, \
     EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = q.group_id AND m.user_id = ?1) AS actor_member, \
     EXISTS (SELECT 1 FROM entries s WHERE s.conversation_id = c.id AND s.author_id = ?1 AND s.client_id = ?3) AS actor_sent, \
     a.id AS a_id, a.username AS a_username, a.display_name AS a_display_name, a.is_admin AS a_is_admin, \
     a.is_manager AS a_is_manager, a.is_agent AS a_is_agent, a.is_customer AS a_is_customer, \
     a.itil AS a_itil, a.disabled AS a_disabled, a.created_at AS a_created_at",
    conversation_from!(),
    " JOIN queues q ON q.id = c.queue_id LEFT JOIN deadlines d ON d.conversation_id = c.id \
     LEFT JOIN users a ON a.id = ?1 \
     WHERE c.id = ?2"
);

/// The queue order of queued sessions: those that came back from an agent first, then by
/// arrival. [`SqliteDb::queue_position`] counts by the same order.
const QUEUE_ORDER: &str = "(c.returned_at IS NULL), c.id";

/// Appends entries to a conversation's log inside `tx`, each with the next seq.
pub(super) async fn append(
    tx: &mut sqlx::SqliteConnection,
    conv: ConversationId,
    entries: &[NewEntry],
    now: Timestamp,
) -> Result<Vec<Entry>> {
    let mut stored = Vec::with_capacity(entries.len());
    for entry in entries {
        // One statement per entry (one trip to SQLite's thread, not two): the seq goes up (the
        // old last_seq on the right-hand side: the new seq is last_seq + 1 in both places), then
        // the entry is stored under the new last_seq, read back in the same trip. Parameters
        // are numbered, and only numbered: SQLite binds `?N` to the N-th value in each of the
        // two statements (an unnumbered `?` would count on from the first statement's).
        let seq: i64 = sqlx::query_scalar(
            "UPDATE conversations SET last_seq = last_seq + 1, \
             last_public_seq = CASE WHEN ?1 THEN last_seq + 1 ELSE last_public_seq END \
             WHERE id = ?2; \
             INSERT INTO entries (conversation_id, seq, kind, author_id, client_id, body, event, at, withdraws_seq) \
             SELECT id, last_seq, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM conversations WHERE id = ?2 \
             RETURNING seq",
        )
        .bind(entry.audience() == Audience::Everyone)
        .bind(conv.0)
        .bind(entry_kind_str(entry.kind))
        .bind(entry.author.as_ref().map(|a| a.id.0))
        .bind(entry.client_id.as_deref())
        .bind(&entry.body)
        .bind(entry.event.map(event_str))
        .bind(now.0)
        .bind(withdraws_seq(entry.event))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| classify(e, "client id"))?;
        let attachment = match &entry.attachment {
            Some(new) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO attachments (conversation_id, seq, name, content_type, size, sha256) \
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                )
                .bind(conv.0)
                .bind(seq)
                .bind(&new.name)
                .bind(new.content_type.as_str())
                .bind(i64::try_from(new.size).unwrap_or(i64::MAX))
                .bind(&new.sha256)
                .fetch_one(&mut *tx)
                .await?;
                Some(Attachment {
                    id: AttachmentId(id),
                    name: new.name.clone(),
                    content_type: new.content_type,
                    size: new.size,
                    sha256: new.sha256.clone(),
                })
            }
            None => None,
        };
        stored.push(Entry {
            conversation: conv,
            seq,
            kind: entry.kind,
            author: entry.author.clone(),
            body: entry.body.clone(),
            client_id: entry.client_id.clone(),
            at: now,
            event: entry.event,
            attachment,
            withdrawn: None,
        });
    }
    Ok(stored)
}

pub(super) async fn load_conversation(
    db: &mut sqlx::SqliteConnection,
    id: ConversationId,
) -> Result<Option<Conversation>> {
    let row = sqlx::query(&format!("{CONVERSATION_SELECT} WHERE c.id = ?"))
        .bind(id.0)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(conversation_from_row).transpose()
}

pub(super) async fn find_sent(
    db: &mut sqlx::SqliteConnection,
    conv: ConversationId,
    author: UserId,
    client_id: &str,
) -> Result<Option<Entry>> {
    let row = sqlx::query(&format!(
        "{ENTRY_SELECT} WHERE e.conversation_id = ? AND e.author_id = ? AND e.client_id = ?"
    ))
    .bind(conv.0)
    .bind(author.0)
    .bind(client_id)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(entry_from_row).transpose()
}

impl SqliteDb {
    /// Starts a support session for `customer` in `queue`, with an optional first message; if
    /// the customer already has an open session there, returns it instead (`false`).
    pub async fn start_session(
        &self,
        queue: QueueId,
        customer: &User,
        client_id: &str,
        message: Option<&str>,
        now: Timestamp,
    ) -> Result<(Conversation, Vec<Entry>, bool)> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE customer_id = ? AND queue_id = ? AND state <> 'closed' AND kind = 'support'",
        )
        .bind(customer.id.0)
        .bind(queue.0)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = open {
            let conv = load_conversation(&mut tx, ConversationId(id))
                .await?
                .ok_or(StorageError::Missing("conversation"))?;
            return Ok((conv, Vec::new(), false));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (kind, state, queue_id, customer_id, first_message, created_at) \
             VALUES ('support', 'queued', ?, ?, ?, ?) RETURNING id",
        )
        .bind(queue.0)
        .bind(customer.id.0)
        .bind(message)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| classify(e, "queue"))?;
        let id = ConversationId(id);
        let entries = match message {
            Some(body) => {
                let first = NewEntry {
                    kind: EntryKind::Comment,
                    author: Some(Person::from(customer)),
                    body: body.to_owned(),
                    client_id: Some(client_id.to_owned()),
                    event: None,
                    attachment: None,
                };
                append(&mut tx, id, &[first], now).await?
            }
            None => Vec::new(),
        };
        super::guards::set_guard(
            &mut tx,
            id,
            queue,
            crate::domain::guard::GuardChange::Offer,
            now,
        )
        .await?;
        let conv = load_conversation(&mut tx, id)
            .await?
            .ok_or(StorageError::Missing("conversation"))?;
        tx.commit().await?;
        Ok((conv, entries, true))
    }

    pub async fn conversation(&self, id: ConversationId) -> Result<Option<Conversation>> {
        let mut conn = self.read.acquire().await?;
        load_conversation(&mut conn, id).await
    }

    /// The conversations a user takes part in: a customer's sessions, or for staff the sessions
    /// assigned to them, they wrote in or are invited into, their chats, and the activity of
    /// the incidents they follow,
    /// newest first (at most `limit`).
    pub async fn conversations_of(&self, user: UserId, limit: i64) -> Result<Vec<Conversation>> {
        let rows = sqlx::query(&format!(
            // Each way of taking part by its own index (one OR over them scanned every
            // conversation: a socket's `hello` grew with the whole history).
            "{CONVERSATION_SELECT} WHERE c.id IN ( \
             SELECT id FROM conversations WHERE customer_id = ?1 AND kind <> 'record' \
             UNION SELECT id FROM conversations WHERE assignee_id = ?1 AND kind <> 'record' \
             UNION SELECT e.conversation_id FROM entries e JOIN conversations x ON x.id = e.conversation_id \
             WHERE e.author_id = ?1 AND x.kind <> 'record' \
             UNION SELECT i.activity_id FROM follows f JOIN incidents i ON i.id = f.incident_id \
             WHERE f.user_id = ?1 \
             UNION SELECT conversation_id FROM conversation_members WHERE user_id = ?1) \
             ORDER BY c.id DESC LIMIT ?2"
        ))
        .bind(user.0)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    /// The active sessions assigned to `user`.
    pub async fn active_sessions_of(&self, user: UserId) -> Result<Vec<Conversation>> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_SELECT} WHERE c.assignee_id = ? AND c.state = 'active' ORDER BY c.id"
        ))
        .bind(user.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    /// The queued sessions of a queue, oldest first (their order is their queue position).
    pub async fn queued_sessions(&self, queue: QueueId) -> Result<Vec<Conversation>> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_SELECT} WHERE c.queue_id = ? AND c.state = 'queued' ORDER BY {QUEUE_ORDER}"
        ))
        .bind(queue.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    /// The active sessions of a queue, oldest first.
    pub async fn active_in_queue(&self, queue: QueueId) -> Result<Vec<Conversation>> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_SELECT} WHERE c.queue_id = ? AND c.state = 'active' ORDER BY c.id"
        ))
        .bind(queue.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    /// When each session of a queue started at or after `since` was accepted and closed, and
    /// who held it last (at most `limit`, oldest first).
    pub async fn session_times(
        &self,
        queue: QueueId,
        since: Timestamp,
        limit: i64,
    ) -> Result<Vec<crate::domain::figures::SessionTimes>> {
        let rows: Vec<crate::storage::rows::TimesRow> = sqlx::query_as(
            "SELECT id, assignee_id, created_at, first_accepted_at, closed_at, closed_reason \
                 FROM conversations WHERE queue_id = ? AND kind = 'support' AND created_at >= ? \
                 ORDER BY id LIMIT ?",
        )
        .bind(queue.0)
        .bind(since.0)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(crate::storage::rows::session_times)
            .collect()
    }

    /// The waiting sessions of a queue whose offer guard fired (nobody accepted them in time).
    pub async fn alerted_offers(&self, queue: QueueId) -> Result<Vec<ConversationId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT g.conversation_id FROM guards g JOIN conversations c ON c.id = g.conversation_id \
             WHERE c.queue_id = ? AND g.kind = 'offered'",
        )
        .bind(queue.0)
        .fetch_all(&self.read)
        .await?;
        Ok(ids.into_iter().map(ConversationId).collect())
    }

    /// 1 + the number of queued sessions ahead of this one in its queue.
    pub async fn queue_position(&self, conv: &Conversation) -> Result<Option<i64>> {
        let (SessionState::Queued, Some(queue)) = (conv.state, conv.queue) else {
            return Ok(None);
        };
        // Ahead: by the order of `QUEUE_ORDER`, (returned_at IS NULL, id) compared as a pair.
        let ahead: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM conversations c WHERE c.queue_id = ?1 AND c.state = 'queued' \
             AND ((c.returned_at IS NULL) < ?2 OR ((c.returned_at IS NULL) = ?2 AND c.id < ?3))",
        )
        .bind(queue.0)
        .bind(conv.returned_at.is_none())
        .bind(conv.id.0)
        .fetch_one(&self.read)
        .await?;
        Ok(Some(ahead + 1))
    }

    /// Entries with `seq > after`, in order, at most `limit`.
    pub async fn entries_after(
        &self,
        conv: ConversationId,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Entry>> {
        let rows = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.conversation_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?"
        ))
        .bind(conv.0)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// The newest `limit` entries with `seq < before`, in ascending order.
    pub async fn entries_before(
        &self,
        conv: ConversationId,
        before: i64,
        limit: i64,
    ) -> Result<Vec<Entry>> {
        let rows = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.conversation_id = ? AND e.seq < ? ORDER BY e.seq DESC LIMIT ?"
        ))
        .bind(conv.0)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let mut entries = rows
            .iter()
            .map(entry_from_row)
            .collect::<Result<Vec<_>>>()?;
        entries.reverse();
        Ok(entries)
    }

    /// For a list row: the newest entry of one of `kinds` (what the viewer may see), and how
    /// many such entries not by `user` follow seq `mark`, counted up to `limit`. Reads no more
    /// than the preview and the count need.
    pub async fn preview_and_unread(
        &self,
        conv: ConversationId,
        user: UserId,
        kinds: &[EntryKind],
        upto: i64,
        limit: i64,
    ) -> Result<(Option<Entry>, i64)> {
        // Kinds are our own constant strings, never input.
        let kinds = kinds
            .iter()
            .map(|k| format!("'{}'", entry_kind_str(*k)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut conn = self.read.acquire().await?;
        let preview = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.conversation_id = ? AND e.seq <= ? AND e.kind IN ({kinds}) \
             ORDER BY e.seq DESC LIMIT 1"
        ))
        .bind(conv.0)
        .bind(upto)
        .fetch_optional(&mut *conn)
        .await?;
        let unread: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM (SELECT 1 FROM entries e WHERE e.conversation_id = ?1 \
             AND e.seq > coalesce((SELECT seq FROM read_marks WHERE user_id = ?2 AND conversation_id = ?1), 0) \
             AND e.seq <= ?4 AND e.kind IN ({kinds}) AND (e.author_id IS NULL OR e.author_id <> ?2) \
             AND e.event IS NOT 'withdrawn' AND e.withdrawn_at IS NULL LIMIT ?3)"
        ))
        .bind(conv.0)
        .bind(user.0)
        .bind(limit)
        .bind(upto)
        .fetch_one(&mut *conn)
        .await?;
        Ok((preview.as_ref().map(entry_from_row).transpose()?, unread))
    }

    /// Deadlines due at `now`, earliest first.
    pub async fn due_deadlines(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<(ConversationId, Deadline)>> {
        let rows: Vec<(i64, String, i64)> =
            sqlx::query_as("SELECT conversation_id, kind, due_at FROM deadlines WHERE due_at <= ? ORDER BY due_at LIMIT ?")
                .bind(now.0)
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        rows.into_iter()
            .map(|(id, kind, due)| Ok((ConversationId(id), deadline_from_row((kind, due))?)))
            .collect()
    }

    /// The pending deadline of a session.
    pub async fn deadline(&self, conv: ConversationId) -> Result<Option<Deadline>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT kind, due_at FROM deadlines WHERE conversation_id = ?")
                .bind(conv.0)
                .fetch_optional(&self.read)
                .await?;
        row.map(deadline_from_row).transpose()
    }

    /// Decides `act` on a support session and stores the outcome, all in one transaction
    /// (shared with other commands that queued up meanwhile: group commit). Answers only once
    /// the transaction has committed.
    pub async fn execute(
        &self,
        id: ConversationId,
        act: Act,
        now: Timestamp,
    ) -> Result<Applied, CommandError> {
        self.writer
            .run(move |conn| Box::pin(execute_in(conn, id, act, now)))
            .await
    }

    /// Whether `user` is a member of the assignment group of `queue`.
    pub async fn works_queue(&self, user: UserId, queue: QueueId) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM queues q JOIN group_members m ON m.group_id = q.group_id \
             WHERE q.id = ? AND m.user_id = ?",
        )
        .bind(queue.0)
        .bind(user.0)
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some())
    }

    /// Whether `user` is a member of `group`.
    pub async fn is_group_member(
        &self,
        group: crate::domain::GroupId,
        user: UserId,
    ) -> Result<bool> {
        let mut conn = self.read.acquire().await?;
        is_member(&mut conn, group, user).await
    }

    /// The groups `user` is a member of.
    pub async fn groups_of(&self, user: UserId) -> Result<Vec<crate::domain::GroupId>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT group_id FROM group_members WHERE user_id = ?")
                .bind(user.0)
                .fetch_all(&self.read)
                .await?;
        Ok(ids.into_iter().map(crate::domain::GroupId).collect())
    }
}

pub(super) async fn is_member(
    db: &mut sqlx::SqliteConnection,
    group: crate::domain::GroupId,
    user: UserId,
) -> Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?")
            .bind(group.0)
            .bind(user.0)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

impl SqliteDb {
    /// Marks `conversation` read by `user` up to `seq` (a mark never moves back).
    pub async fn mark_read(
        &self,
        user: UserId,
        conversation: ConversationId,
        seq: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO read_marks (user_id, conversation_id, seq) VALUES (?, ?, ?) \
             ON CONFLICT (user_id, conversation_id) DO UPDATE SET seq = max(seq, excluded.seq)",
        )
        .bind(user.0)
        .bind(conversation.0)
        .bind(seq)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The customer is typing: the pending deadline moves to `until` if that is later, but never
    /// beyond the due time it had before typing first held it plus `max_hold`. A deadline a
    /// timer worker read before the move no longer matches its delete, so it is not fired.
    /// True when it moved.
    pub async fn hold_deadline(
        &self,
        conversation: ConversationId,
        until: Timestamp,
        max_hold: std::time::Duration,
    ) -> Result<bool> {
        let max_hold = i64::try_from(max_hold.as_millis()).unwrap_or(i64::MAX);
        let moved = sqlx::query(
            "UPDATE deadlines SET held_from = coalesce(held_from, due_at), \
                 due_at = min(?1, coalesce(held_from, due_at) + ?2) \
             WHERE conversation_id = ?3 AND min(?1, coalesce(held_from, due_at) + ?2) > due_at",
        )
        .bind(until.0)
        .bind(max_hold)
        .bind(conversation.0)
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(moved > 0)
    }

    /// `user`'s last socket closed at `went`: each active session assigned to them goes back to
    /// the queue a grace after it, unless they come back first. However late this is recorded
    /// (another node's sweep may have counted the absence already), it counts from `went`; of
    /// two records of the same agent's absence the later end wins (a row left from an earlier
    /// socket's end, recorded late, never brings the grace forward), and a row of another
    /// assignee is replaced. Returns how many sessions it counts for now.
    pub async fn mark_absent(&self, user: UserId, went: Timestamp) -> Result<u64> {
        let counted = sqlx::query(
            "INSERT INTO absences (conversation_id, assignee_id, due_at) \
             SELECT c.id, c.assignee_id, ?1 + q.assignee_grace_seconds * 1000 \
             FROM conversations c JOIN queues q ON q.id = c.queue_id \
             WHERE c.state = 'active' AND c.assignee_id = ?2 \
             ON CONFLICT (conversation_id) DO UPDATE SET assignee_id = excluded.assignee_id, \
                 due_at = CASE WHEN absences.assignee_id = excluded.assignee_id \
                     THEN max(absences.due_at, excluded.due_at) ELSE excluded.due_at END",
        )
        .bind(went.0)
        .bind(user.0)
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(counted)
    }

    /// At start, nobody is connected: every active session gets an absence with the whole grace
    /// from now (also one counting from before a long stop: nobody could come back while the
    /// server was down), so an assignee who never comes back does not strand it. Returns how
    /// many.
    pub async fn mark_all_absent(&self, now: Timestamp) -> Result<u64> {
        let counted = sqlx::query(
            "INSERT INTO absences (conversation_id, assignee_id, due_at) \
             SELECT c.id, c.assignee_id, ?1 + q.assignee_grace_seconds * 1000 \
             FROM conversations c JOIN queues q ON q.id = c.queue_id \
             WHERE c.state = 'active' AND c.assignee_id IS NOT NULL \
             ON CONFLICT (conversation_id) DO UPDATE SET assignee_id = excluded.assignee_id, \
                 due_at = excluded.due_at",
        )
        .bind(now.0)
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(counted)
    }

    /// The assignees of active sessions that no absence counts for (for each, whether they are
    /// online is for the caller to say).
    pub async fn assignees_without_absence(&self) -> Result<Vec<UserId>> {
        let rows: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT c.assignee_id FROM conversations c \
             WHERE c.state = 'active' AND c.assignee_id IS NOT NULL AND NOT EXISTS \
                 (SELECT 1 FROM absences a WHERE a.conversation_id = c.id AND a.assignee_id = c.assignee_id)",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(UserId).collect())
    }

    /// `user` is offline and holds active sessions no absence counts for: each gets one, the
    /// grace from `now`. Absences already counting are left as they are. Returns how many.
    pub async fn mark_absent_where_missing(&self, user: UserId, now: Timestamp) -> Result<u64> {
        let counted = sqlx::query(
            "INSERT INTO absences (conversation_id, assignee_id, due_at) \
             SELECT c.id, c.assignee_id, ?1 + q.assignee_grace_seconds * 1000 \
             FROM conversations c JOIN queues q ON q.id = c.queue_id \
             WHERE c.state = 'active' AND c.assignee_id = ?2 \
             ON CONFLICT (conversation_id) DO UPDATE SET assignee_id = excluded.assignee_id, \
                 due_at = excluded.due_at WHERE absences.assignee_id <> excluded.assignee_id",
        )
        .bind(now.0)
        .bind(user.0)
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(counted)
    }

    /// `user` is back (a socket opened): none of their sessions goes back to the queue.
    pub async fn clear_absences(&self, user: UserId) -> Result<()> {
        sqlx::query("DELETE FROM absences WHERE assignee_id = ?")
            .bind(user.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Forgets one absence, exactly as read (its assignee was found online when it fell due).
    pub async fn forget_absence(&self, conv: ConversationId, absence: Absence) -> Result<()> {
        sqlx::query(
            "DELETE FROM absences WHERE conversation_id = ? AND assignee_id = ? AND due_at = ?",
        )
        .bind(conv.0)
        .bind(absence.assignee.0)
        .bind(absence.due.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Absences due at `now`, earliest first, at most `limit`.
    pub async fn due_absences(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<(ConversationId, Absence)>> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT conversation_id, assignee_id, due_at FROM absences WHERE due_at <= ? \
             ORDER BY due_at LIMIT ?",
        )
        .bind(now.0)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, assignee, due)| {
                (
                    ConversationId(id),
                    Absence {
                        assignee: UserId(assignee),
                        due: Timestamp(due),
                    },
                )
            })
            .collect())
    }

    /// The absence counting for a session, if any.
    pub async fn absence(&self, conv: ConversationId) -> Result<Option<Absence>> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT assignee_id, due_at FROM absences WHERE conversation_id = ?")
                .bind(conv.0)
                .fetch_optional(&self.read)
                .await?;
        Ok(row.map(|(assignee, due)| Absence {
            assignee: UserId(assignee),
            due: Timestamp(due),
        }))
    }

    /// The last seq and the state of each of `ids`.
    pub async fn conversation_heads(
        &self,
        ids: &[ConversationId],
    ) -> Result<Vec<(ConversationId, i64, SessionState)>> {
        let mut heads = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(conv) = self.conversation(*id).await? {
                heads.push((conv.id, conv.last_seq, conv.state));
            }
        }
        Ok(heads)
    }

    /// How far `user` has read `conversation` (0 if never).
    pub async fn read_mark(&self, user: UserId, conversation: ConversationId) -> Result<i64> {
        let seq: Option<i64> = sqlx::query_scalar(
            "SELECT seq FROM read_marks WHERE user_id = ? AND conversation_id = ?",
        )
        .bind(user.0)
        .bind(conversation.0)
        .fetch_optional(&self.read)
        .await?;
        Ok(seq.unwrap_or(0))
    }
}

impl SqliteDb {
    /// The support sessions a customer started, newest first (at most `limit`).
    pub async fn sessions_of_customer(
        &self,
        customer: UserId,
        limit: i64,
    ) -> Result<Vec<Conversation>> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_SELECT} WHERE c.customer_id = ? AND c.kind = 'support' ORDER BY c.id DESC LIMIT ?"
        ))
        .bind(customer.0)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    /// The sessions of `queue` started in `[from, to)`, oldest first, at most `limit`.
    pub async fn sessions_between(
        &self,
        queue: QueueId,
        from: Timestamp,
        to: Timestamp,
        limit: i64,
    ) -> Result<Vec<Conversation>> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_SELECT} WHERE c.queue_id = ? AND c.kind = 'support' \
             AND c.created_at >= ? AND c.created_at < ? ORDER BY c.id LIMIT ?"
        ))
        .bind(queue.0)
        .bind(from.0)
        .bind(to.0)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }
}

/// Reads the facts of a command on session `id` by `actor` (none for a timer).
pub(super) async fn read_facts(
    tx: &mut sqlx::SqliteConnection,
    id: ConversationId,
    actor: Option<&User>,
    command: Option<&Command>,
) -> Result<SessionFacts, CommandError> {
    // In one statement: the session, its queue and deadline, and the actor as stored now (roles
    // and the disabled flag in this transaction), their membership and whether they sent this
    // post's client id before.
    let client_id = match command {
        Some(Command::Post(post)) => Some(post.client_id.as_str()),
        _ => None,
    };
    let row = sqlx::query(SESSION_FACTS)
        .bind(actor.map(|u| u.id.0))
        .bind(id.0)
        .bind(client_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Refusal::NotFound)?;
    let conv = conversation_from_row(&row)?;
    let get = |col: &str| -> Result<i64> { Ok(row.try_get::<i64, _>(col)?) };
    let secs = |col: &str| -> Result<u32> { Ok(u32::try_from(get(col)?).unwrap_or(u32::MAX)) };
    let queue = QueueSettings {
        name: row.try_get("q_name").map_err(StorageError::from)?,
        group: GroupId(get("q_group")?),
        greeting: row.try_get("q_greeting").map_err(StorageError::from)?,
        inactivity_warning_secs: secs("q_warning")?,
        auto_close_secs: secs("q_close")?,
        assignee_grace_secs: secs("q_grace")?,
        unsend_secs: secs("q_unsend")?,
        max_sessions_per_agent: secs("q_cap")?,
        survey: get("q_survey")? != 0,
        offer_alert_secs: secs("q_offer")?,
        reply_alert_secs: secs("q_reply")?,
    };
    let pending_kind: Option<String> = row.try_get("d_kind").map_err(StorageError::from)?;
    let pending_due: Option<i64> = row.try_get("d_due").map_err(StorageError::from)?;
    let pending = pending_kind
        .zip(pending_due)
        .map(deadline_from_row)
        .transpose()?;
    let member = get("actor_member")? != 0;
    let actor = match actor {
        Some(_) => {
            let stored: Option<i64> = row.try_get("a_id").map_err(StorageError::from)?;
            stored.ok_or(Refusal::NotFound)?;
            Some((super::directory::user_from_columns(&row, "a_")?, member))
        }
        None => None,
    };
    // The original is read only when there is one (a client sending again).
    let sent_before = match (command, &actor) {
        (Some(Command::Post(post)), Some((user, _))) if get("actor_sent")? != 0 => {
            find_sent(tx, id, user.id, &post.client_id).await?
        }
        _ => None,
    };
    let newer = match (command, &actor) {
        (Some(Command::Post(post)), Some((user, _))) => match post.seen {
            Some(seen) => count_newer(tx, id, seen, user).await?,
            None => 0,
        },
        _ => 0,
    };
    Ok(SessionFacts {
        conv,
        queue,
        pending,
        actor,
        sent_before,
        newer,
    })
}

/// How many messages (comments and work notes, no markers) by others than `user` that `user`
/// may see follow seq `seen` in `conv`: what the stale-view guard counts, inside the
/// transaction that would store the send.
pub(super) async fn count_newer(
    tx: &mut sqlx::SqliteConnection,
    conv: ConversationId,
    seen: i64,
    user: &User,
) -> Result<i64> {
    // Kinds are our own constant strings, never input.
    let kinds = session::message_kinds(user)
        .iter()
        .map(|k| format!("'{}'", entry_kind_str(*k)))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(sqlx::query_scalar(&format!(
        "SELECT count(*) FROM entries WHERE conversation_id = ? AND seq > ? \
         AND kind IN ({kinds}) AND event IS NULL AND withdrawn_at IS NULL \
         AND (author_id IS NULL OR author_id <> ?)"
    ))
    .bind(conv.0)
    .bind(seen)
    .bind(user.id.0)
    .fetch_one(&mut *tx)
    .await?)
}

/// The body of [`SqliteDb::execute`], inside the writer's transaction: read the facts, let the
/// domain decide, store the decision.
async fn execute_in(
    tx: &mut sqlx::SqliteConnection,
    id: ConversationId,
    act: Act,
    now: Timestamp,
) -> Result<Applied, CommandError> {
    let (actor, command) = actor_of(&act);
    let facts = read_facts(tx, id, actor, command).await?;
    let to_in_group = match transfer_target(&act) {
        Some(to) => is_member(tx, facts.queue.group, to).await?,
        None => false,
    };
    let (decision, fired) = facts.decide(&act, to_in_group, now)?;
    store(tx, &facts.conv, decision, fired, now).await
}

/// Stores `decision`, taken on `conv` as it was read, and what it fired. Every write is
/// conditional on what the decision was made on: if the conversation or the deadline changed
/// since (a racing writer), nothing is stored and the command is refused.
pub(super) async fn store(
    tx: &mut sqlx::SqliteConnection,
    conv: &Conversation,
    decision: Decision,
    fired: Option<Fired>,
    now: Timestamp,
) -> Result<Applied, CommandError> {
    if let Some(original) = decision.replay {
        return Ok(Applied {
            previous_state: conv.state,
            conversation: conv.clone(),
            entries: vec![original],
            created: false,
        });
    }
    if let Some(fired) = fired {
        let deleted = match fired {
            Fired::Inactivity(deadline) => sqlx::query(
                "DELETE FROM deadlines WHERE conversation_id = ? AND kind = ? AND due_at = ?",
            )
            .bind(conv.id.0)
            .bind(deadline_kind_str(deadline.kind))
            .bind(deadline.due.0),
            Fired::Absence(absence) => sqlx::query(
                "DELETE FROM absences WHERE conversation_id = ? AND assignee_id = ? AND due_at = ?",
            )
            .bind(conv.id.0)
            .bind(absence.assignee.0)
            .bind(absence.due.0),
            Fired::Guard(guard) => sqlx::query(
                "DELETE FROM guards WHERE conversation_id = ? AND kind = 'reply_return' \
                 AND assignee_id = ? AND due_at = ?",
            )
            .bind(conv.id.0)
            .bind(guard.assignee.map(|a| a.0))
            .bind(guard.due.0),
        }
        .execute(&mut *tx)
        .await?;
        if deleted.rows_affected() != 1 {
            return Err(Refusal::NotDue.into());
        }
    }
    let entries = apply(tx, conv, &decision, now).await?;
    Ok(Applied::after(conv, &decision, entries, now))
}

async fn apply(
    tx: &mut sqlx::SqliteConnection,
    conv: &Conversation,
    decision: &Decision,
    now: Timestamp,
) -> Result<Vec<Entry>, CommandError> {
    let assignee = decision.assignee.as_ref().map(|a| a.id.0);
    let changed = decision.state != conv.state || decision.assignee != conv.assignee;
    if changed {
        // Conditional on the state read above: of two racing writers, one changes the row.
        let done = sqlx::query(
            "UPDATE conversations SET state = ?1, assignee_id = ?2, closed_reason = ?3, \
             accepted_at = CASE WHEN state = 'queued' AND ?1 = 'active' THEN ?4 ELSE accepted_at END, \
             first_accepted_at = CASE WHEN state = 'queued' AND ?1 = 'active' THEN coalesce(first_accepted_at, ?4) ELSE first_accepted_at END, \
             closed_at = CASE WHEN ?1 = 'closed' THEN ?4 ELSE closed_at END, \
             returned_from_id = CASE WHEN state = 'active' AND ?1 = 'queued' THEN assignee_id ELSE returned_from_id END, \
             returned_at = CASE WHEN state = 'active' AND ?1 = 'queued' THEN ?4 ELSE returned_at END \
             WHERE id = ?5 AND state = ?6 AND assignee_id IS ?7",
        )
        .bind(state_str(decision.state))
        .bind(assignee)
        .bind(decision.closed_reason.map(close_reason_str))
        .bind(now.0)
        .bind(conv.id.0)
        .bind(state_str(conv.state))
        .bind(conv.assignee.as_ref().map(|a| a.id.0))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(Refusal::Changed.into());
        }
        move_load(tx, conv, decision).await?;
    }
    if let Some(queue) = conv.queue {
        super::guards::set_guard(
            tx,
            conv.id,
            queue,
            crate::domain::guard::change(conv, decision),
            now,
        )
        .await?;
    }
    if crate::storage::ends_invitations(conv, decision) {
        // Closed, transferred or back in the queue: the colleagues invited to help leave with
        // the change.
        sqlx::query(
            "DELETE FROM conversation_members WHERE conversation_id = ? AND role = 'invited'",
        )
        .bind(conv.id.0)
        .execute(&mut *tx)
        .await?;
    }
    let entries = append(tx, conv.id, &decision.entries, now).await?;
    match decision.deadline {
        DeadlineChange::Keep => {}
        DeadlineChange::Clear => {
            sqlx::query("DELETE FROM deadlines WHERE conversation_id = ?")
                .bind(conv.id.0)
                .execute(&mut *tx)
                .await?;
        }
        DeadlineChange::Set(d) => {
            sqlx::query(
                "INSERT INTO deadlines (conversation_id, kind, due_at) VALUES (?, ?, ?) \
                 ON CONFLICT (conversation_id) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at, held_from = NULL",
            )
            .bind(conv.id.0)
            .bind(deadline_kind_str(d.kind))
            .bind(d.due.0)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(entries)
}

/// Moves the session in `agent_load` as `decision` does ([`crate::storage::load_change`]); the
/// one who takes it must hold fewer than the queue's `max_sessions_per_agent` (0: no limit),
/// checked by the conditional update itself, so racing Accepts cannot both pass.
async fn move_load(
    tx: &mut sqlx::SqliteConnection,
    conv: &Conversation,
    decision: &Decision,
) -> Result<(), CommandError> {
    let Some(queue) = conv.queue else {
        return Ok(());
    };
    let (release, take) = crate::storage::load_change(conv, decision);
    if let Some(user) = release {
        sqlx::query(
            "UPDATE agent_load SET active = active - 1 WHERE user_id = ? AND queue_id = ? AND active > 0",
        )
        .bind(user.0)
        .bind(queue.0)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(taker) = take {
        sqlx::query(
            "INSERT INTO agent_load (user_id, queue_id, active) VALUES (?, ?, 0) \
             ON CONFLICT (user_id, queue_id) DO NOTHING",
        )
        .bind(taker.id.0)
        .bind(queue.0)
        .execute(&mut *tx)
        .await?;
        let taken = sqlx::query(
            "UPDATE agent_load SET active = active + 1 WHERE user_id = ?1 AND queue_id = ?2 \
             AND active < coalesce((SELECT nullif(max_sessions_per_agent, 0) FROM queues WHERE id = ?2), active + 1)",
        )
        .bind(taker.id.0)
        .bind(queue.0)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            let limit: i64 =
                sqlx::query_scalar("SELECT max_sessions_per_agent FROM queues WHERE id = ?")
                    .bind(queue.0)
                    .fetch_one(&mut *tx)
                    .await?;
            return Err(Refusal::AtCapacity {
                who: taker.display_name.clone(),
                limit: u32::try_from(limit).unwrap_or(0),
            }
            .into());
        }
    }
    Ok(())
}

/// The stale-read scenarios of [`crate::storage::stale_reads`] on SQLite.
#[cfg(test)]
mod stale_reads {
    use super::*;
    use crate::storage::stale_reads::{self as scenario, Harness};
    use crate::storage::{Backend, Db};

    struct Sqlite {
        db: Db,
        _dir: tempfile::TempDir,
    }

    impl Sqlite {
        async fn new() -> Sqlite {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("s.db").display());
            let db = scenario::seeded(&url).await;
            Sqlite { db, _dir: dir }
        }

        fn inner(&self) -> &SqliteDb {
            match &self.db.backend {
                Backend::Sqlite(db) => db,
                Backend::Postgres(_) => unreachable!("a SQLite URL"),
            }
        }
    }

    impl Harness for Sqlite {
        fn db(&self) -> &Db {
            &self.db
        }

        async fn facts_now(
            &self,
            id: ConversationId,
            actor: Option<&User>,
            command: Option<&Command>,
        ) -> SessionFacts {
            let mut conn = self.inner().write.acquire().await.expect("connection");
            read_facts(&mut conn, id, actor, command)
                .await
                .expect("facts")
        }

        async fn store_now(
            &self,
            stale: &SessionFacts,
            decision: Decision,
            fired: Option<Fired>,
            now: Timestamp,
        ) -> Result<Applied, CommandError> {
            let write = &self.inner().write;
            let mut tx = write.begin_with("BEGIN IMMEDIATE").await.expect("begin");
            let result = store(&mut tx, &stale.conv, decision, fired, now).await;
            if result.is_ok() {
                tx.commit().await.expect("commit");
            }
            result
        }
    }

    #[tokio::test]
    async fn an_accept_decided_on_a_stale_read_does_not_overwrite_the_winner() {
        scenario::an_accept_decided_on_a_stale_read_does_not_overwrite_the_winner(
            &Sqlite::new().await,
        )
        .await;
    }

    #[tokio::test]
    async fn a_deadline_fired_on_a_stale_read_fires_once() {
        scenario::a_deadline_fired_on_a_stale_read_fires_once(&Sqlite::new().await).await;
    }

    #[tokio::test]
    async fn a_send_decided_on_a_stale_read_of_its_client_id_stores_nothing() {
        scenario::a_send_decided_on_a_stale_read_of_its_client_id_stores_nothing(
            &Sqlite::new().await,
        )
        .await;
    }
}
