//! Canned messages per queue, in the order managers give them.

use super::{PgDb, Result, StorageError, classify};
use crate::domain::canned::Canned;
use crate::domain::{CannedId, QueueId};
use crate::storage::audit::{self, Audit};

type Row = (i64, i64, String, String);

const COLUMNS: &str = "id, queue_id, title, body";

fn canned_from((id, queue, title, body): Row) -> Canned {
    Canned {
        id: CannedId(id),
        queue: QueueId(queue),
        title,
        body,
    }
}

/// The canned messages of `queue` in their order, as of the caller's transaction.
async fn listed(db: &mut sqlx::PgConnection, queue: QueueId) -> Result<Vec<Canned>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM canned_messages WHERE queue_id = $1 ORDER BY position, id"
    ))
    .bind(queue.0)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(canned_from).collect())
}

async fn one(db: &mut sqlx::PgConnection, queue: QueueId, id: CannedId) -> Result<Option<Canned>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM canned_messages WHERE queue_id = $1 AND id = $2"
    ))
    .bind(queue.0)
    .bind(id.0)
    .fetch_optional(db)
    .await?;
    Ok(row.map(canned_from))
}

/// [`one`], its row locked until the transaction ends (the change it is read for and its audit
/// entry then agree, also when two managers change or delete it at once).
async fn one_locked(
    db: &mut sqlx::PgConnection,
    queue: QueueId,
    id: CannedId,
) -> Result<Option<Canned>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM canned_messages WHERE queue_id = $1 AND id = $2 FOR UPDATE"
    ))
    .bind(queue.0)
    .bind(id.0)
    .fetch_optional(db)
    .await?;
    Ok(row.map(canned_from))
}

impl PgDb {
    /// The canned messages of a queue, in their order (a new one goes last).
    pub async fn canned_of(&self, queue: QueueId) -> Result<Vec<Canned>> {
        let mut conn = self.pool.acquire().await?;
        listed(&mut conn, queue).await
    }

    pub async fn canned(&self, queue: QueueId, id: CannedId) -> Result<Option<Canned>> {
        let mut conn = self.pool.acquire().await?;
        one(&mut conn, queue, id).await
    }

    /// Creates a canned message (title and body validated), last in the queue's order;
    /// `Duplicate` if the title is taken.
    pub async fn create_canned(
        &self,
        queue: QueueId,
        title: &str,
        body: &str,
        by: &Audit,
    ) -> Result<Canned> {
        let mut tx = self.pool.begin().await?;
        let row: Row = sqlx::query_as(&format!(
            "INSERT INTO canned_messages (queue_id, title, body, position) VALUES ($1, $2, $3, \
             (SELECT coalesce(max(position) + 1, 0) FROM canned_messages WHERE queue_id = $1)) \
             RETURNING {COLUMNS}"
        ))
        .bind(queue.0)
        .bind(title)
        .bind(body)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| classify(e, "canned message title"))?;
        let canned = canned_from(row);
        super::audit::insert(&mut tx, by, &audit::canned_created(&canned)).await?;
        tx.commit().await?;
        Ok(canned)
    }

    pub async fn update_canned(
        &self,
        queue: QueueId,
        id: CannedId,
        title: &str,
        body: &str,
        by: &Audit,
    ) -> Result<Canned> {
        let mut tx = self.pool.begin().await?;
        let before = one_locked(&mut tx, queue, id)
            .await?
            .ok_or(StorageError::Missing("canned message"))?;
        let row: Row = sqlx::query_as(&format!(
            "UPDATE canned_messages SET title = $1, body = $2 WHERE queue_id = $3 AND id = $4 \
             RETURNING {COLUMNS}"
        ))
        .bind(title)
        .bind(body)
        .bind(queue.0)
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| classify(e, "canned message title"))?;
        let canned = canned_from(row);
        if let Some(record) = audit::canned_updated(&before, &canned) {
            super::audit::insert(&mut tx, by, &record).await?;
        }
        tx.commit().await?;
        Ok(canned)
    }

    /// Deletes a canned message; true if it existed.
    pub async fn delete_canned(&self, queue: QueueId, id: CannedId, by: &Audit) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let Some(before) = one_locked(&mut tx, queue, id).await? else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM canned_messages WHERE queue_id = $1 AND id = $2")
            .bind(queue.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        super::audit::insert(&mut tx, by, &audit::canned_deleted(&before)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Puts the queue's canned messages in `order`, which must name each of them exactly once
    /// (checked in the transaction): `None` when it does not.
    pub async fn reorder_canned(
        &self,
        queue: QueueId,
        queue_name: &str,
        order: &[CannedId],
        by: &Audit,
    ) -> Result<Option<Vec<Canned>>> {
        let mut tx = self.pool.begin().await?;
        // Two reorders of one queue take turns on its row.
        sqlx::query("SELECT 1 FROM queues WHERE id = $1 FOR UPDATE")
            .bind(queue.0)
            .execute(&mut *tx)
            .await?;
        let before: Vec<CannedId> = listed(&mut tx, queue).await?.iter().map(|c| c.id).collect();
        if !crate::domain::canned::is_reordering(&before, order) {
            return Ok(None);
        }
        for (position, id) in order.iter().enumerate() {
            sqlx::query("UPDATE canned_messages SET position = $1 WHERE queue_id = $2 AND id = $3")
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .bind(queue.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(record) = audit::canned_reordered(queue, queue_name, &before, order) {
            super::audit::insert(&mut tx, by, &record).await?;
        }
        let after = listed(&mut tx, queue).await?;
        tx.commit().await?;
        Ok(Some(after))
    }
}
