//! Routing guards: set in the transaction that queues, accepts, transfers or closes a session,
//! read when due, fired by a conditional write (so once).

use super::{PgDb, Result};
use crate::domain::{ConversationId, QueueId, Timestamp};

/// Applies a guard change to session `conv` of `queue` in the caller's transaction: the guard
/// takes the queue's setting as it is now, and keeps it (a setting of 0 is off: none is set).
pub(super) async fn set_guard(
    tx: &mut sqlx::PgConnection,
    conv: ConversationId,
    queue: QueueId,
    change: crate::domain::guard::GuardChange,
    now: Timestamp,
) -> Result<()> {
    use crate::domain::guard::GuardChange;
    let (kind, assignee, column) = match change {
        GuardChange::Keep => return Ok(()),
        GuardChange::Clear => {
            sqlx::query("DELETE FROM guards WHERE conversation_id = $1")
                .bind(conv.0)
                .execute(&mut *tx)
                .await?;
            return Ok(());
        }
        GuardChange::Replied => {
            sqlx::query(
                "DELETE FROM guards WHERE conversation_id = $1 AND kind IN ('reply', 'reply_return')",
            )
            .bind(conv.0)
            .execute(&mut *tx)
            .await?;
            return Ok(());
        }
        GuardChange::Offer => ("offer", None, "offer_alert_seconds"),
        GuardChange::Reply(user) => ("reply", Some(user.0), "reply_alert_seconds"),
    };
    sqlx::query("DELETE FROM guards WHERE conversation_id = $1")
        .bind(conv.0)
        .execute(&mut *tx)
        .await?;
    // `column` is one of two constant names, never input.
    sqlx::query(&format!(
        "INSERT INTO guards (conversation_id, kind, assignee_id, due_at, seconds) \
         SELECT $1, $2, $3, $4 + {column} * 1000, {column} FROM queues WHERE id = $5 AND {column} > 0"
    ))
    .bind(conv.0)
    .bind(kind)
    .bind(assignee)
    .bind(now.0)
    .bind(queue.0)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

use crate::storage::rows::{GuardRow, guard_from};

impl PgDb {
    /// The pending guards due at `now` (at most `limit`, soonest first).
    pub async fn due_guards(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<(ConversationId, crate::domain::guard::Guard)>> {
        let rows: Vec<GuardRow> = sqlx::query_as(
            "SELECT conversation_id, kind, assignee_id, due_at, seconds FROM guards \
             WHERE due_at IS NOT NULL AND due_at <= $1 ORDER BY due_at LIMIT $2",
        )
        .bind(now.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(guard_from).collect()
    }

    /// The pending guard of a session, if any.
    pub async fn guard(&self, conv: ConversationId) -> Result<Option<crate::domain::guard::Guard>> {
        let row: Option<GuardRow> = sqlx::query_as(
            "SELECT conversation_id, kind, assignee_id, due_at, seconds FROM guards \
             WHERE conversation_id = $1 AND due_at IS NOT NULL",
        )
        .bind(conv.0)
        .fetch_optional(&self.pool)
        .await?;
        row.map(guard_from).transpose().map(|g| g.map(|(_, g)| g))
    }

    /// Fires a due guard exactly as read, once: an offer guard becomes `offered` (the session
    /// is marked alerted), a reply guard becomes `reply_return`, due `then`. False when the
    /// row changed meanwhile (accepted, answered, fired elsewhere): nothing to announce.
    pub async fn fire_guard(
        &self,
        conv: ConversationId,
        guard: crate::domain::guard::Guard,
        then: Timestamp,
    ) -> Result<bool> {
        use crate::domain::guard::GuardKind;
        let done = match guard.kind {
            GuardKind::Offer => sqlx::query(
                "UPDATE guards SET kind = 'offered', due_at = NULL \
                 WHERE conversation_id = $1 AND kind = 'offer' AND due_at = $2",
            )
            .bind(conv.0)
            .bind(guard.due.0),
            GuardKind::Reply => sqlx::query(
                "UPDATE guards SET kind = 'reply_return', due_at = $1 \
                 WHERE conversation_id = $2 AND kind = 'reply' AND due_at = $3 AND assignee_id = $4",
            )
            .bind(then.0)
            .bind(conv.0)
            .bind(guard.due.0)
            .bind(guard.assignee.map(|a| a.0)),
            // Fired by the command that hands the session back.
            GuardKind::ReplyReturn => return Ok(false),
        }
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
