//! The audit log: written in the transaction of each change, read newest first.

use sqlx::Row;

use super::{Result, SqliteDb};
use crate::domain::session::Person;
use crate::domain::{Timestamp, UserId};
use crate::storage::audit::{self, Audit, Entry, Query, Record};

/// Records `record`, made by `audit`'s actor, in the caller's transaction.
pub(super) async fn insert(
    db: &mut sqlx::SqliteConnection,
    audit: &Audit,
    record: &Record,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, target_kind, target_id, target_name, before, after) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(audit.at.0)
    .bind(audit.actor.0)
    .bind(record.action)
    .bind(record.target_kind)
    .bind(record.target_id)
    .bind(&record.target_name)
    .bind(audit::text(record.before.as_ref()))
    .bind(audit::text(record.after.as_ref()))
    .execute(db)
    .await?;
    Ok(())
}

impl SqliteDb {
    /// The entries `query` asks for, newest first.
    pub async fn audit_log(&self, query: &Query) -> Result<Vec<Entry>> {
        let rows = sqlx::query(
            "SELECT a.id, a.at, a.actor_id, u.display_name, a.action, a.target_kind, a.target_id, \
             a.target_name, a.before, a.after FROM audit_log a JOIN users u ON u.id = a.actor_id \
             WHERE (?1 IS NULL OR a.actor_id = ?1) AND (?2 IS NULL OR a.action = ?2) \
             AND (?3 IS NULL OR a.target_kind = ?3) AND (?4 IS NULL OR a.target_id = ?4) \
             AND (?5 IS NULL OR a.at >= ?5) AND (?6 IS NULL OR a.at < ?6) \
             AND (?7 IS NULL OR a.id < ?7) ORDER BY a.id DESC LIMIT ?8",
        )
        .bind(query.actor.map(|a| a.0))
        .bind(query.action)
        .bind(query.target_kind)
        .bind(query.target)
        .bind(query.from.map(|t| t.0))
        .bind(query.to.map(|t| t.0))
        .bind(query.before)
        .bind(query.limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Entry {
                    id: row.try_get("id")?,
                    at: Timestamp(row.try_get("at")?),
                    actor: Person {
                        id: UserId(row.try_get("actor_id")?),
                        display_name: row.try_get("display_name")?,
                    },
                    action: row.try_get("action")?,
                    target_kind: row.try_get("target_kind")?,
                    target_id: row.try_get("target_id")?,
                    target_name: row.try_get("target_name")?,
                    before: audit::parse(row.try_get("before")?),
                    after: audit::parse(row.try_get("after")?),
                })
            })
            .collect()
    }
}
