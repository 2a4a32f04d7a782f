//! The audit log: written in the transaction of each change, read newest first.

use super::{PgDb, Result};
use crate::storage::audit::{self, Audit, Entry, Query, Record};

/// Records `record`, made by `audit`'s actor, in the caller's transaction.
pub(super) async fn insert(
    db: &mut sqlx::PgConnection,
    audit: &Audit,
    record: &Record,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, target_kind, target_id, target_name, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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

impl PgDb {
    /// The entries `query` asks for, newest first.
    pub async fn audit_log(&self, query: &Query) -> Result<Vec<Entry>> {
        let rows: Vec<audit::EntryRow> = sqlx::query_as(&format!(
            "SELECT {} FROM audit_log a JOIN users u ON u.id = a.actor_id \
             WHERE ($1 IS NULL OR a.actor_id = $1) AND ($2 IS NULL OR a.action = $2) \
             AND ($3 IS NULL OR a.target_kind = $3) AND ($4 IS NULL OR a.target_id = $4) \
             AND ($5 IS NULL OR a.at >= $5) AND ($6 IS NULL OR a.at < $6) \
             AND ($7 IS NULL OR a.id < $7) ORDER BY a.id DESC LIMIT $8",
            audit::ENTRY_COLUMNS
        ))
        .bind(query.actor.map(|a| a.0))
        .bind(query.action)
        .bind(query.target_kind)
        .bind(query.target)
        .bind(query.from.map(|t| t.0))
        .bind(query.to.map(|t| t.0))
        .bind(query.before)
        .bind(query.limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Entry::from).collect())
    }
}
