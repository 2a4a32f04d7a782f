//! Conversations and their log, inactivity deadlines, absences, read marks, and the one
//! transaction in which a command on a session is decided and stored — on PostgreSQL, where
//! many of them run at once (on one node and on several).
//!
//! How each guarantee holds without a single writer:
//! - A command first locks its conversation row (`SELECT … FOR NO KEY UPDATE`): commands on one
//!   session take turns, each deciding on what the one before it committed; commands on other
//!   sessions do not wait.
//! - `seq` is gap-free: storing an entry increments `conversations.last_seq` and inserts the
//!   entry in the same transaction, under that lock.
//! - A send is idempotent: the original under the same `(conversation, author, client_id)` is
//!   read under the lock, and the unique index refuses a second one whatever happens.
//! - Accept and every state change are conditional updates (`WHERE state = … AND assignee_id IS
//!   NOT DISTINCT FROM …`): of two racing writers, one changes the row.
//! - A deadline or an absence fires once: firing deletes that exact row in the transaction that
//!   stores what it produces; a node that read it too finds nothing to delete and stores nothing.

use sqlx::Row;
use sqlx::postgres::PgRow;

use super::{PgDb, Result, StorageError, classify, secs};
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
    entry_from_row, entry_kind_str, event_str, state_from, state_str, withdraws_seq,
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
         (SELECT COALESCE(json_agg(json_build_array(m.user_id, mu.display_name, m.role)), '[]'::json)::text \
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

/// Everything a command on a session decides on, in one read made once the conversation row is
/// locked: the conversation, its queue's settings, the pending deadline, and whether the actor
/// (`$1`) is a member of the queue's group (raw membership: [`session::staff_of_queue`] adds the
/// role).
const SESSION_FACTS: &str = concat!(
    "SELECT ",
    conversation_columns!(),
    ", q.name AS q_name, q.group_id AS q_group, q.greeting AS q_greeting, \
     q.inactivity_warning_seconds AS q_warning, q.auto_close_seconds AS q_close, \
     q.assignee_grace_seconds AS q_grace, q.unsend_seconds AS q_unsend, q.max_sessions_per_agent AS q_cap, q.survey AS q_survey, \
     q.offer_alert_seconds AS q_offer, q.reply_alert_seconds AS q_reply, \
     d.kind AS d_kind, d.due_at AS d_due, \
     EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = q.group_id AND m.user_id = $1) AS actor_member, \
     EXISTS (SELECT 1 FROM entries s WHERE s.conversation_id = c.id AND s.author_id = $1 AND s.client_id = $3) AS actor_sent, \
     a.id AS a_id, a.username AS a_username, a.display_name AS a_display_name, a.is_admin AS a_is_admin, \
     a.is_manager AS a_is_manager, a.is_agent AS a_is_agent, a.is_customer AS a_is_customer, \
     a.itil AS a_itil, a.disabled AS a_disabled, a.created_at AS a_created_at",
    conversation_from!(),
    " JOIN queues q ON q.id = c.queue_id LEFT JOIN deadlines d ON d.conversation_id = c.id \
     LEFT JOIN users a ON a.id = $1 \
     WHERE c.id = $2"
);

/// The queue order of queued sessions: those that came back from an agent first, then by
/// arrival. [`PgDb::queue_position`] counts by the same order.
const QUEUE_ORDER: &str = "(c.returned_at IS NULL), c.id";

/// Appends entries to a conversation's log inside `tx` (which holds the conversation's lock),
/// each with the next seq.
pub(super) async fn append(
    tx: &mut sqlx::PgConnection,
    conv: ConversationId,
    entries: &[NewEntry],
    now: Timestamp,
) -> Result<Vec<Entry>> {
    let mut stored = Vec::with_capacity(entries.len());
    for entry in entries {
        // One round trip per entry, not two: the seq goes up (the old last_seq on the
        // right-hand side: the new seq is last_seq + 1 in both places), and the entry is stored
        // under the new last_seq, in one statement (a refused insert undoes the update with it).
        let seq: i64 = sqlx::query_scalar(
            "WITH up AS (UPDATE conversations SET last_seq = last_seq + 1, \
             last_public_seq = CASE WHEN $1 THEN last_seq + 1 ELSE last_public_seq END \
             WHERE id = $2 RETURNING id, last_seq) \
             INSERT INTO entries (conversation_id, seq, kind, author_id, client_id, body, event, at, withdraws_seq) \
             SELECT id, last_seq, $3, $4, $5, $6, $7, $8, $9 FROM up \
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
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
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
    db: &mut sqlx::PgConnection,
    id: ConversationId,
) -> Result<Option<Conversation>> {
    let row = sqlx::query(&format!("{CONVERSATION_SELECT} WHERE c.id = $1"))
        .bind(id.0)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(conversation_from_row).transpose()
}

pub(super) async fn find_sent(
    db: &mut sqlx::PgConnection,
    conv: ConversationId,
    author: UserId,
    client_id: &str,
) -> Result<Option<Entry>> {
    let row = sqlx::query(&format!(
        "{ENTRY_SELECT} WHERE e.conversation_id = $1 AND e.author_id = $2 AND e.client_id = $3"
    ))
    .bind(conv.0)
    .bind(author.0)
    .bind(client_id)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(entry_from_row).transpose()
}

pub(super) async fn is_member(
    db: &mut sqlx::PgConnection,
    group: GroupId,
    user: UserId,
) -> Result<bool> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2")
            .bind(group.0)
            .bind(user.0)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

fn conversations(rows: &[PgRow]) -> Result<Vec<Conversation>> {
    rows.iter().map(conversation_from_row).collect()
}

impl PgDb {
    /// Starts a support session for `customer` in `queue`, with an optional first message; if
    /// the customer already has an open session there, returns it instead (`false`). Two
    /// starts racing: the unique index lets one insert; the other returns that one's session.
    pub async fn start_session(
        &self,
        queue: QueueId,
        customer: &User,
        client_id: &str,
        message: Option<&str>,
        now: Timestamp,
    ) -> Result<(Conversation, Vec<Entry>, bool)> {
        let mut tx = self.pool.begin().await?;
        let created: Option<i64> = sqlx::query_scalar(
            "INSERT INTO conversations (kind, state, queue_id, customer_id, first_message, created_at) \
             VALUES ('support', 'queued', $1, $2, $3, $4) \
             ON CONFLICT (customer_id, queue_id) WHERE state <> 'closed' AND kind = 'support' DO NOTHING \
             RETURNING id",
        )
        .bind(queue.0)
        .bind(customer.id.0)
        .bind(message)
        .bind(now.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| classify(e, "queue"))?;
        let Some(id) = created else {
            let open: i64 = sqlx::query_scalar(
                "SELECT id FROM conversations WHERE customer_id = $1 AND queue_id = $2 \
                 AND state <> 'closed' AND kind = 'support'",
            )
            .bind(customer.id.0)
            .bind(queue.0)
            .fetch_one(&mut *tx)
            .await?;
            let conv = load_conversation(&mut tx, ConversationId(open))
                .await?
                .ok_or(StorageError::Missing("conversation"))?;
            return Ok((conv, Vec::new(), false));
        };
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
        let mut conn = self.pool.acquire().await?;
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
             SELECT id FROM conversations WHERE customer_id = $1 AND kind <> 'record' \
             UNION SELECT id FROM conversations WHERE assignee_id = $1 AND kind <> 'record' \
             UNION SELECT e.conversation_id FROM entries e JOIN conversations x ON x.id = e.conversation_id \
             WHERE e.author_id = $1 AND x.kind <> 'record' \
             UNION SELECT i.activity_id FROM follows f JOIN incidents i ON i.id = f.incident_id \
             WHERE f.user_id = $1 \
             UNION SELECT conversation_id FROM conversation_members WHERE user_id = $1) \
             ORDER BY c.id DESC LIMIT $2"
        ))
        .bind(user.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        conversations(&rows)
    }

    /// The active sessions assigned to `user`.
    pub async fn active_sessions_of(&self, user: UserId) -> Result<Vec<Conversation>> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_SELECT} WHERE c.assignee_id = $1 AND c.state = 'active' ORDER BY c.id"
        ))
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        conversations(&rows)
    }

    /// The queued sessions of a queue in queue order (their order is their queue position).
    pub async fn queued_sessions(&self, queue: QueueId) -> Result<Vec<Conversation>> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_SELECT} WHERE c.queue_id = $1 AND c.state = 'queued' ORDER BY {QUEUE_ORDER}"
        ))
        .bind(queue.0)
        .fetch_all(&self.pool)
        .await?;
        conversations(&rows)
    }

    /// The active sessions of a queue, oldest first.
    pub async fn active_in_queue(&self, queue: QueueId) -> Result<Vec<Conversation>> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_SELECT} WHERE c.queue_id = $1 AND c.state = 'active' ORDER BY c.id"
        ))
        .bind(queue.0)
        .fetch_all(&self.pool)
        .await?;
        conversations(&rows)
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
                 FROM conversations WHERE queue_id = $1 AND kind = 'support' AND created_at >= $2 \
                 ORDER BY id LIMIT $3",
        )
        .bind(queue.0)
        .bind(since.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(crate::storage::rows::session_times)
            .collect()
    }

    /// The waiting sessions of a queue whose offer guard fired (nobody accepted them in time).
    pub async fn alerted_offers(&self, queue: QueueId) -> Result<Vec<ConversationId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT g.conversation_id FROM guards g JOIN conversations c ON c.id = g.conversation_id \
             WHERE c.queue_id = $1 AND g.kind = 'offered'",
        )
        .bind(queue.0)
        .fetch_all(&self.pool)
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
            "SELECT count(*) FROM conversations c WHERE c.queue_id = $1 AND c.state = 'queued' \
             AND ((c.returned_at IS NULL) < $2 OR ((c.returned_at IS NULL) = $2 AND c.id < $3))",
        )
        .bind(queue.0)
        .bind(conv.returned_at.is_none())
        .bind(conv.id.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(Some(ahead + 1))
    }

    /// A customer's sessions, newest first.
    pub async fn sessions_of_customer(
        &self,
        customer: UserId,
        limit: i64,
    ) -> Result<Vec<Conversation>> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_SELECT} WHERE c.customer_id = $1 AND c.kind = 'support' ORDER BY c.id DESC LIMIT $2"
        ))
        .bind(customer.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        conversations(&rows)
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
            "{CONVERSATION_SELECT} WHERE c.queue_id = $1 AND c.kind = 'support' \
             AND c.created_at >= $2 AND c.created_at < $3 ORDER BY c.id LIMIT $4"
        ))
        .bind(queue.0)
        .bind(from.0)
        .bind(to.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        conversations(&rows)
    }

    /// Entries with `seq > after`, in order, at most `limit`.
    pub async fn entries_after(
        &self,
        conv: ConversationId,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Entry>> {
        let rows = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.conversation_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3"
        ))
        .bind(conv.0)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
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
            "{ENTRY_SELECT} WHERE e.conversation_id = $1 AND e.seq < $2 ORDER BY e.seq DESC LIMIT $3"
        ))
        .bind(conv.0)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut entries = rows
            .iter()
            .map(entry_from_row)
            .collect::<Result<Vec<_>>>()?;
        entries.reverse();
        Ok(entries)
    }

    /// For a list row: the newest entry of one of `kinds` (what the viewer may see), and how
    /// many such entries not by `user` follow their read mark, counted up to `limit`.
    pub async fn preview_and_unread(
        &self,
        conv: ConversationId,
        user: UserId,
        kinds: &[EntryKind],
        upto: i64,
        limit: i64,
    ) -> Result<(Option<Entry>, i64)> {
        let kinds: Vec<&str> = kinds.iter().map(|k| entry_kind_str(*k)).collect();
        let mut conn = self.pool.acquire().await?;
        let preview = sqlx::query(&format!(
            "{ENTRY_SELECT} WHERE e.conversation_id = $1 AND e.kind = ANY($2) AND e.seq <= $3 \
             ORDER BY e.seq DESC LIMIT 1"
        ))
        .bind(conv.0)
        .bind(&kinds)
        .bind(upto)
        .fetch_optional(&mut *conn)
        .await?;
        let unread: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM (SELECT 1 FROM entries e WHERE e.conversation_id = $1 \
             AND e.seq > coalesce((SELECT seq FROM read_marks WHERE user_id = $2 AND conversation_id = $1), 0) \
             AND e.seq <= $5 AND e.kind = ANY($3) AND (e.author_id IS NULL OR e.author_id <> $2) \
             AND e.event IS DISTINCT FROM 'withdrawn' AND e.withdrawn_at IS NULL LIMIT $4) AS unread",
        )
        .bind(conv.0)
        .bind(user.0)
        .bind(&kinds)
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
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT conversation_id, kind, due_at FROM deadlines WHERE due_at <= $1 \
             ORDER BY due_at LIMIT $2",
        )
        .bind(now.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, kind, due)| Ok((ConversationId(id), deadline_from_row((kind, due))?)))
            .collect()
    }

    /// The pending deadline of a session.
    pub async fn deadline(&self, conv: ConversationId) -> Result<Option<Deadline>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT kind, due_at FROM deadlines WHERE conversation_id = $1")
                .bind(conv.0)
                .fetch_optional(&self.pool)
                .await?;
        row.map(deadline_from_row).transpose()
    }

    /// Decides `act` on a support session and stores the outcome, all in one transaction that
    /// holds the conversation's row lock. Answers only once it has committed.
    pub async fn execute(
        &self,
        id: ConversationId,
        act: Act,
        now: Timestamp,
    ) -> Result<Applied, CommandError> {
        let mut tx = self.pool.begin().await?;
        let applied = execute_in(&mut tx, id, act, now).await?;
        tx.commit().await?;
        Ok(applied)
    }

    /// Moves `user`'s read mark of `conversation` forward to `seq` (never back).
    pub async fn mark_read(
        &self,
        user: UserId,
        conversation: ConversationId,
        seq: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO read_marks (user_id, conversation_id, seq) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, conversation_id) DO UPDATE \
             SET seq = GREATEST(read_marks.seq, excluded.seq)",
        )
        .bind(user.0)
        .bind(conversation.0)
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The last seq and the state of each of `ids` (for a node catching up from the log).
    pub async fn conversation_heads(
        &self,
        ids: &[ConversationId],
    ) -> Result<Vec<(ConversationId, i64, SessionState)>> {
        let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
        let rows: Vec<(i64, i64, String)> =
            sqlx::query_as("SELECT id, last_seq, state FROM conversations WHERE id = ANY($1)")
                .bind(&ids)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(id, seq, state)| Ok((ConversationId(id), seq, state_from(&state)?)))
            .collect()
    }

    /// The rights versions of `users`.
    pub async fn rights_versions(&self, users: &[UserId]) -> Result<Vec<(UserId, i64)>> {
        let ids: Vec<i64> = users.iter().map(|u| u.0).collect();
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT id, rights_version FROM users WHERE id = ANY($1)")
                .bind(&ids)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, version)| (UserId(id), version))
            .collect())
    }

    /// This node is alive, by the database's clock, and holds exactly these sockets per user:
    /// its rows are rewritten as one, so a late or failed update of one user heals at the next
    /// beat.
    pub async fn node_beat(&self, node: i64, sockets: &[(UserId, usize)]) -> Result<()> {
        let users: Vec<i64> = sockets.iter().map(|(u, _)| u.0).collect();
        let counts: Vec<i64> = sockets
            .iter()
            .map(|(_, n)| i64::try_from(*n).unwrap_or(i64::MAX))
            .collect();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO nodes (id, seen_at) VALUES ($1, now()) \
             ON CONFLICT (id) DO UPDATE SET seen_at = now()",
        )
        .bind(node)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM node_sockets WHERE node_id = $1 AND NOT (user_id = ANY($2))")
            .bind(node)
            .bind(&users)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO node_sockets (node_id, user_id, sockets) \
             SELECT $1, u, c FROM unnest($2::bigint[], $3::bigint[]) AS t(u, c) \
             WHERE EXISTS (SELECT 1 FROM users WHERE id = u) \
             ON CONFLICT (node_id, user_id) DO UPDATE SET sockets = excluded.sockets",
        )
        .bind(node)
        .bind(&users)
        .bind(&counts)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Node `node` stops: its rows go.
    pub async fn node_gone(&self, node: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM node_sockets WHERE node_id = $1")
            .bind(node)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM nodes WHERE id = $1")
            .bind(node)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a node other than `node` beat in the last 10 s.
    pub async fn other_nodes_alive(&self, node: i64) -> Result<bool> {
        let alive: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM nodes WHERE id <> $1 \
             AND seen_at > now() - interval '10 seconds')",
        )
        .bind(node)
        .fetch_one(&self.pool)
        .await?;
        Ok(alive)
    }

    /// `user` has `sockets` sockets open on node `node`.
    pub async fn node_sockets(&self, node: i64, user: UserId, sockets: usize) -> Result<()> {
        if sockets == 0 {
            sqlx::query("DELETE FROM node_sockets WHERE node_id = $1 AND user_id = $2")
                .bind(node)
                .bind(user.0)
                .execute(&self.pool)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO node_sockets (node_id, user_id, sockets) VALUES ($1, $2, $3) \
                 ON CONFLICT (node_id, user_id) DO UPDATE SET sockets = excluded.sockets",
            )
            .bind(node)
            .bind(user.0)
            .bind(i64::try_from(sockets).unwrap_or(i64::MAX))
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Which of `nodes` beat in the last 10 s.
    pub async fn live_nodes(&self, nodes: &[i64]) -> Result<Vec<i64>> {
        let live: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM nodes WHERE id = ANY($1) AND seen_at > now() - interval '10 seconds'",
        )
        .bind(nodes)
        .fetch_all(&self.pool)
        .await?;
        Ok(live)
    }

    /// Whether `user` has a socket on a node other than `node` that beat in the last 10 s.
    pub async fn online_elsewhere(&self, node: i64, user: UserId) -> Result<bool> {
        let online: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM node_sockets s JOIN nodes n ON n.id = s.node_id \
             WHERE s.user_id = $1 AND s.node_id <> $2 AND n.seen_at > now() - interval '10 seconds')",
        )
        .bind(user.0)
        .bind(node)
        .fetch_one(&self.pool)
        .await?;
        Ok(online)
    }

    /// Signals the other nodes (`NOTIFY`, outside any transaction that stores entries).
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How far `user` has read `conversation` (0 if never).
    pub async fn read_mark(&self, user: UserId, conversation: ConversationId) -> Result<i64> {
        let seq: Option<i64> = sqlx::query_scalar(
            "SELECT seq FROM read_marks WHERE user_id = $1 AND conversation_id = $2",
        )
        .bind(user.0)
        .bind(conversation.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(seq.unwrap_or(0))
    }

    /// The customer is typing: the pending deadline moves to `until` if that is later, but never
    /// beyond the due time it had before typing first held it plus `max_hold`. True when it
    /// moved.
    pub async fn hold_deadline(
        &self,
        conversation: ConversationId,
        until: Timestamp,
        max_hold: std::time::Duration,
    ) -> Result<bool> {
        let max_hold = i64::try_from(max_hold.as_millis()).unwrap_or(i64::MAX);
        let moved = sqlx::query(
            "UPDATE deadlines SET held_from = coalesce(held_from, due_at), \
                 due_at = LEAST($1, coalesce(held_from, due_at) + $2) \
             WHERE conversation_id = $3 AND LEAST($1, coalesce(held_from, due_at) + $2) > due_at",
        )
        .bind(until.0)
        .bind(max_hold)
        .bind(conversation.0)
        .execute(&self.pool)
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
             SELECT c.id, c.assignee_id, $1 + q.assignee_grace_seconds * 1000 \
             FROM conversations c JOIN queues q ON q.id = c.queue_id \
             WHERE c.state = 'active' AND c.assignee_id = $2 \
             ON CONFLICT (conversation_id) DO UPDATE SET assignee_id = excluded.assignee_id, \
                 due_at = CASE WHEN absences.assignee_id = excluded.assignee_id \
                     THEN GREATEST(absences.due_at, excluded.due_at) ELSE excluded.due_at END",
        )
        .bind(went.0)
        .bind(user.0)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(counted)
    }

    /// At start, every active session gets an absence with the whole grace from now.
    pub async fn mark_all_absent(&self, now: Timestamp) -> Result<u64> {
        let counted = sqlx::query(
            "INSERT INTO absences (conversation_id, assignee_id, due_at) \
             SELECT c.id, c.assignee_id, $1 + q.assignee_grace_seconds * 1000 \
             FROM conversations c JOIN queues q ON q.id = c.queue_id \
             WHERE c.state = 'active' AND c.assignee_id IS NOT NULL \
             ON CONFLICT (conversation_id) DO UPDATE SET assignee_id = excluded.assignee_id, \
                 due_at = excluded.due_at",
        )
        .bind(now.0)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(counted)
    }

    /// The assignees of active sessions that no absence counts for.
    pub async fn assignees_without_absence(&self) -> Result<Vec<UserId>> {
        let rows: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT c.assignee_id FROM conversations c \
             WHERE c.state = 'active' AND c.assignee_id IS NOT NULL AND NOT EXISTS \
                 (SELECT 1 FROM absences a WHERE a.conversation_id = c.id AND a.assignee_id = c.assignee_id)",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(UserId).collect())
    }

    /// `user` is offline and holds active sessions no absence counts for: each gets one, the
    /// grace from `now`; absences already counting for them are left as they are.
    pub async fn mark_absent_where_missing(&self, user: UserId, now: Timestamp) -> Result<u64> {
        let counted = sqlx::query(
            "INSERT INTO absences (conversation_id, assignee_id, due_at) \
             SELECT c.id, c.assignee_id, $1 + q.assignee_grace_seconds * 1000 \
             FROM conversations c JOIN queues q ON q.id = c.queue_id \
             WHERE c.state = 'active' AND c.assignee_id = $2 \
             ON CONFLICT (conversation_id) DO UPDATE SET assignee_id = excluded.assignee_id, \
                 due_at = excluded.due_at WHERE absences.assignee_id <> excluded.assignee_id",
        )
        .bind(now.0)
        .bind(user.0)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(counted)
    }

    /// `user` is back (a socket opened): none of their sessions goes back to the queue.
    pub async fn clear_absences(&self, user: UserId) -> Result<()> {
        sqlx::query("DELETE FROM absences WHERE assignee_id = $1")
            .bind(user.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets one absence, exactly as read.
    pub async fn forget_absence(&self, conv: ConversationId, absence: Absence) -> Result<()> {
        sqlx::query(
            "DELETE FROM absences WHERE conversation_id = $1 AND assignee_id = $2 AND due_at = $3",
        )
        .bind(conv.0)
        .bind(absence.assignee.0)
        .bind(absence.due.0)
        .execute(&self.pool)
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
            "SELECT conversation_id, assignee_id, due_at FROM absences WHERE due_at <= $1 \
             ORDER BY due_at LIMIT $2",
        )
        .bind(now.0)
        .bind(limit)
        .fetch_all(&self.pool)
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
            sqlx::query_as("SELECT assignee_id, due_at FROM absences WHERE conversation_id = $1")
                .bind(conv.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(assignee, due)| Absence {
            assignee: UserId(assignee),
            due: Timestamp(due),
        }))
    }
}

/// Reads (and locks) the facts of a command on session `id` by `actor` (none for a timer).
async fn read_facts(
    tx: &mut sqlx::PgConnection,
    id: ConversationId,
    actor: Option<&User>,
    command: Option<&Command>,
) -> Result<SessionFacts, CommandError> {
    // The lock first, in a statement of its own: the read below then takes its snapshot after
    // any command that held the lock has committed. (Locking in the read itself would recheck
    // only the locked row, leaving the joined names as they were before the wait.)
    // NO KEY UPDATE: commands on this session wait; a read mark or an absence that only
    // refers to it does not.
    sqlx::query("SELECT id FROM conversations WHERE id = $1 FOR NO KEY UPDATE")
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Refusal::NotFound)?;
    // Then in one statement: the session, its queue and deadline, and the actor as stored now
    // (roles and the disabled flag), their membership and whether they sent this post's client
    // id before.
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
    let queue = QueueSettings {
        name: row.try_get("q_name").map_err(StorageError::from)?,
        group: GroupId(get("q_group")?),
        greeting: row.try_get("q_greeting").map_err(StorageError::from)?,
        inactivity_warning_secs: secs(get("q_warning")?),
        auto_close_secs: secs(get("q_close")?),
        assignee_grace_secs: secs(get("q_grace")?),
        unsend_secs: secs(get("q_unsend")?),
        max_sessions_per_agent: secs(get("q_cap")?),
        survey: row.try_get("q_survey").map_err(StorageError::from)?,
        offer_alert_secs: secs(get("q_offer")?),
        reply_alert_secs: secs(get("q_reply")?),
    };
    let pending_kind: Option<String> = row.try_get("d_kind").map_err(StorageError::from)?;
    let pending_due: Option<i64> = row.try_get("d_due").map_err(StorageError::from)?;
    let pending = pending_kind
        .zip(pending_due)
        .map(deadline_from_row)
        .transpose()?;
    let member: bool = row.try_get("actor_member").map_err(StorageError::from)?;
    let actor = match actor {
        Some(_) => {
            let stored: Option<i64> = row.try_get("a_id").map_err(StorageError::from)?;
            stored.ok_or(Refusal::NotFound)?;
            Some((super::directory::user_from_columns(&row, "a_")?, member))
        }
        None => None,
    };
    // The original is read only when there is one (a client sending again).
    let sent: bool = row.try_get("actor_sent").map_err(StorageError::from)?;
    let sent_before = match (command, &actor) {
        (Some(Command::Post(post)), Some((user, _))) if sent => {
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
/// transaction that would store the send (which holds the conversation's lock).
pub(super) async fn count_newer(
    tx: &mut sqlx::PgConnection,
    conv: ConversationId,
    seen: i64,
    user: &User,
) -> Result<i64> {
    let kinds: Vec<&str> = session::message_kinds(user)
        .iter()
        .map(|k| entry_kind_str(*k))
        .collect();
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM entries WHERE conversation_id = $1 AND seq > $2 \
         AND kind = ANY($3) AND event IS NULL AND withdrawn_at IS NULL \
         AND (author_id IS NULL OR author_id <> $4)",
    )
    .bind(conv.0)
    .bind(seen)
    .bind(&kinds)
    .bind(user.id.0)
    .fetch_one(&mut *tx)
    .await?)
}

/// The body of [`PgDb::execute`], inside its transaction: lock and read the facts, let the
/// domain decide, store the decision.
async fn execute_in(
    tx: &mut sqlx::PgConnection,
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

/// Stores `decision`, taken on `conv` as it was read, and what it fired; every write is
/// conditional on what the decision was made on.
async fn store(
    tx: &mut sqlx::PgConnection,
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
                "DELETE FROM deadlines WHERE conversation_id = $1 AND kind = $2 AND due_at = $3",
            )
            .bind(conv.id.0)
            .bind(deadline_kind_str(deadline.kind))
            .bind(deadline.due.0),
            Fired::Absence(absence) => sqlx::query(
                "DELETE FROM absences WHERE conversation_id = $1 AND assignee_id = $2 AND due_at = $3",
            )
            .bind(conv.id.0)
            .bind(absence.assignee.0)
            .bind(absence.due.0),
            Fired::Guard(guard) => sqlx::query(
                "DELETE FROM guards WHERE conversation_id = $1 AND kind = 'reply_return' \
                 AND assignee_id = $2 AND due_at = $3",
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
    tx: &mut sqlx::PgConnection,
    conv: &Conversation,
    decision: &Decision,
    now: Timestamp,
) -> Result<Vec<Entry>, CommandError> {
    let assignee = decision.assignee.as_ref().map(|a| a.id.0);
    let changed = decision.state != conv.state || decision.assignee != conv.assignee;
    if changed {
        // Conditional on the state read above: of two racing writers, one changes the row.
        let done = sqlx::query(
            "UPDATE conversations SET state = $1, assignee_id = $2, closed_reason = $3, \
             accepted_at = CASE WHEN state = 'queued' AND $1 = 'active' THEN $4 ELSE accepted_at END, \
             first_accepted_at = CASE WHEN state = 'queued' AND $1 = 'active' THEN coalesce(first_accepted_at, $4) ELSE first_accepted_at END, \
             closed_at = CASE WHEN $1 = 'closed' THEN $4 ELSE closed_at END, \
             returned_from_id = CASE WHEN state = 'active' AND $1 = 'queued' THEN assignee_id ELSE returned_from_id END, \
             returned_at = CASE WHEN state = 'active' AND $1 = 'queued' THEN $4 ELSE returned_at END \
             WHERE id = $5 AND state = $6 AND assignee_id IS NOT DISTINCT FROM $7",
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
            "DELETE FROM conversation_members WHERE conversation_id = $1 AND role = 'invited'",
        )
        .bind(conv.id.0)
        .execute(&mut *tx)
        .await?;
    }
    let entries = append(tx, conv.id, &decision.entries, now).await?;
    match decision.deadline {
        DeadlineChange::Keep => {}
        DeadlineChange::Clear => {
            sqlx::query("DELETE FROM deadlines WHERE conversation_id = $1")
                .bind(conv.id.0)
                .execute(&mut *tx)
                .await?;
        }
        DeadlineChange::Set(d) => {
            sqlx::query(
                "INSERT INTO deadlines (conversation_id, kind, due_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (conversation_id) DO UPDATE SET kind = excluded.kind, \
                 due_at = excluded.due_at, held_from = NULL",
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
/// checked by the conditional update itself: the row's lock makes a racing Accept by the same
/// agent wait and then see the new count.
async fn move_load(
    tx: &mut sqlx::PgConnection,
    conv: &Conversation,
    decision: &Decision,
) -> Result<(), CommandError> {
    let Some(queue) = conv.queue else {
        return Ok(());
    };
    let (release, take) = crate::storage::load_change(conv, decision);
    if let Some(taker) = take {
        sqlx::query(
            "INSERT INTO agent_load (user_id, queue_id, active) VALUES ($1, $2, 0) \
             ON CONFLICT (user_id, queue_id) DO NOTHING",
        )
        .bind(taker.id.0)
        .bind(queue.0)
        .execute(&mut *tx)
        .await?;
    }
    // Both rows locked in one order (by user): two sessions crossing between the same two
    // agents at once wait for each other instead of deadlocking.
    let users: Vec<i64> = release
        .iter()
        .map(|u| u.0)
        .chain(take.iter().map(|p| p.id.0))
        .collect();
    sqlx::query(
        "SELECT user_id FROM agent_load WHERE queue_id = $1 AND user_id = ANY($2) \
         ORDER BY user_id FOR UPDATE",
    )
    .bind(queue.0)
    .bind(&users)
    .fetch_all(&mut *tx)
    .await?;
    if let Some(user) = release {
        sqlx::query(
            "UPDATE agent_load SET active = active - 1 WHERE user_id = $1 AND queue_id = $2 AND active > 0",
        )
        .bind(user.0)
        .bind(queue.0)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(taker) = take {
        let taken = sqlx::query(
            "UPDATE agent_load SET active = active + 1 WHERE user_id = $1 AND queue_id = $2 \
             AND active < coalesce((SELECT nullif(max_sessions_per_agent, 0) FROM queues WHERE id = $2), active + 1)",
        )
        .bind(taker.id.0)
        .bind(queue.0)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            let limit: i64 =
                sqlx::query_scalar("SELECT max_sessions_per_agent FROM queues WHERE id = $1")
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

/// The stale-read scenarios of [`crate::storage::stale_reads`] on PostgreSQL (in its run:
/// `make postgres-test`).
#[cfg(test)]
mod stale_reads {
    use super::*;
    use crate::storage::stale_reads::{self as scenario, Harness, ScratchPostgres};
    use crate::storage::{Backend, Db};

    struct Postgres {
        db: Db,
    }

    impl Postgres {
        fn inner(&self) -> &PgDb {
            match &self.db.backend {
                Backend::Postgres(db) => db,
                Backend::Sqlite(_) => unreachable!("a PostgreSQL URL"),
            }
        }
    }

    impl Harness for Postgres {
        fn db(&self) -> &Db {
            &self.db
        }

        async fn facts_now(
            &self,
            id: ConversationId,
            actor: Option<&User>,
            command: Option<&Command>,
        ) -> SessionFacts {
            let mut tx = self.inner().pool.begin().await.expect("begin");
            let facts = read_facts(&mut tx, id, actor, command)
                .await
                .expect("facts");
            // The row lock goes with the commit: the next writer does not wait for this one.
            tx.commit().await.expect("commit");
            facts
        }

        async fn store_now(
            &self,
            stale: &SessionFacts,
            decision: Decision,
            fired: Option<Fired>,
            now: Timestamp,
        ) -> Result<Applied, CommandError> {
            let mut tx = self.inner().pool.begin().await.expect("begin");
            let result = store(&mut tx, &stale.conv, decision, fired, now).await;
            if result.is_ok() {
                tx.commit().await.expect("commit");
            }
            result
        }
    }

    /// Runs `scenario` on a scratch database (none off the PostgreSQL run), dropped also when
    /// the scenario fails.
    async fn on_postgres<F: std::future::Future<Output = ()> + Send + 'static>(
        scenario: impl FnOnce(Postgres) -> F,
    ) {
        let Some(scratch) = ScratchPostgres::create().await else {
            return;
        };
        let db = scenario::seeded(&scratch.url).await;
        let outcome = tokio::spawn(scenario(Postgres { db: db.clone() })).await;
        db.close().await;
        scratch.drop_now().await;
        if let Err(failed) = outcome {
            std::panic::resume_unwind(failed.into_panic());
        }
    }

    #[tokio::test]
    async fn an_accept_decided_on_a_stale_read_does_not_overwrite_the_winner() {
        on_postgres(|h| async move {
            scenario::an_accept_decided_on_a_stale_read_does_not_overwrite_the_winner(&h).await;
        })
        .await;
    }

    #[tokio::test]
    async fn a_deadline_fired_on_a_stale_read_fires_once() {
        on_postgres(|h| async move {
            scenario::a_deadline_fired_on_a_stale_read_fires_once(&h).await;
        })
        .await;
    }

    #[tokio::test]
    async fn a_send_decided_on_a_stale_read_of_its_client_id_stores_nothing() {
        on_postgres(|h| async move {
            scenario::a_send_decided_on_a_stale_read_of_its_client_id_stores_nothing(&h).await;
        })
        .await;
    }
}
