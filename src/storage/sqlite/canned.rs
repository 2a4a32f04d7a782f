//! Canned messages per queue.

use super::{Result, SqliteDb, StorageError, classify};
use crate::domain::canned::Canned;
use crate::domain::{CannedId, QueueId};

type Row = (i64, i64, String, String);

fn canned_from((id, queue, title, body): Row) -> Canned {
    Canned {
        id: CannedId(id),
        queue: QueueId(queue),
        title,
        body,
    }
}

impl SqliteDb {
    /// The canned messages of a queue, by title.
    pub async fn canned_of(&self, queue: QueueId) -> Result<Vec<Canned>> {
        let rows: Vec<Row> =
            sqlx::query_as("SELECT id, queue_id, title, body FROM canned_messages WHERE queue_id = ? ORDER BY title")
                .bind(queue.0)
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(canned_from).collect())
    }

    pub async fn canned(&self, queue: QueueId, id: CannedId) -> Result<Option<Canned>> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT id, queue_id, title, body FROM canned_messages WHERE queue_id = ? AND id = ?",
        )
        .bind(queue.0)
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(canned_from))
    }

    /// Creates a canned message (title and body validated); `Duplicate` if the title is taken.
    pub async fn create_canned(&self, queue: QueueId, title: &str, body: &str) -> Result<Canned> {
        let row: Row = sqlx::query_as(
            "INSERT INTO canned_messages (queue_id, title, body) VALUES (?, ?, ?) RETURNING id, queue_id, title, body",
        )
        .bind(queue.0)
        .bind(title)
        .bind(body)
        .fetch_one(&self.write)
        .await
        .map_err(|e| classify(e, "canned message title"))?;
        Ok(canned_from(row))
    }

    pub async fn update_canned(
        &self,
        queue: QueueId,
        id: CannedId,
        title: &str,
        body: &str,
    ) -> Result<Canned> {
        let row: Option<Row> = sqlx::query_as(
            "UPDATE canned_messages SET title = ?, body = ? WHERE queue_id = ? AND id = ? \
             RETURNING id, queue_id, title, body",
        )
        .bind(title)
        .bind(body)
        .bind(queue.0)
        .bind(id.0)
        .fetch_optional(&self.write)
        .await
        .map_err(|e| classify(e, "canned message title"))?;
        row.map(canned_from)
            .ok_or(StorageError::Missing("canned message"))
    }

    /// Deletes a canned message; true if it existed.
    pub async fn delete_canned(&self, queue: QueueId, id: CannedId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM canned_messages WHERE queue_id = ? AND id = ?")
            .bind(queue.0)
            .bind(id.0)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
