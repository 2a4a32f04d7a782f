//! Attachments and unsend on PostgreSQL: the bytes in the database (`attachment_chunks`, 256 KiB
//! rows, by SHA-256) so that the nodes of a cluster share no disk; a withdrawal in one
//! transaction holding the conversation's lock.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use sqlx::Row;
use tokio::io::AsyncReadExt;

use super::conversations::{append, is_member, load_conversation};
use super::directory::load_user;
use super::{PgDb, Result, StorageError};
use crate::domain::attachment::Attachment;
use crate::domain::session::{Entry, Refusal};
use crate::domain::{AttachmentId, ConversationId, GroupId, Timestamp, User, UserId};
use crate::storage::attachments::{
    self as shared, BlobStream, CHUNK_BYTES, WithdrawnEntry, Withdrew,
};
use crate::storage::rows::{ENTRY_SELECT, attachment_from_row, entry_from_row};
use crate::storage::{Applied, CommandError};

impl PgDb {
    /// Where an upload is written while it streams in: the machine's temporary folder (its
    /// bytes then go into the database).
    pub async fn upload_dir(&self) -> Result<PathBuf> {
        let dir = std::env::temp_dir().join("switchboard-uploads");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|source| StorageError::DataDir {
                path: dir.clone(),
                source,
            })?;
        Ok(dir)
    }

    /// Stores the upload at `file` as the content `sha256`, chunk by chunk in one transaction
    /// (a content already stored stays as it is); the upload is then removed.
    pub async fn store_blob(&self, sha256: &str, file: &Path, size: u64) -> Result<()> {
        let io = |source| StorageError::DataDir {
            path: file.to_owned(),
            source,
        };
        let stored: Option<i64> =
            sqlx::query_scalar("SELECT size FROM attachment_blobs WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(&self.pool)
                .await?;
        if stored.is_none() {
            let mut upload = tokio::fs::File::open(file).await.map_err(io)?;
            let mut tx = self.pool.begin().await?;
            let mut n: i32 = 0;
            loop {
                let mut chunk = Vec::with_capacity(CHUNK_BYTES);
                let read = (&mut upload)
                    .take(CHUNK_BYTES as u64)
                    .read_to_end(&mut chunk)
                    .await
                    .map_err(io)?;
                if read == 0 {
                    break;
                }
                sqlx::query(
                    "INSERT INTO attachment_chunks (sha256, n, data) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(sha256)
                .bind(n)
                .bind(chunk)
                .execute(&mut *tx)
                .await?;
                n += 1;
            }
            // Last, in the same transaction: the content is there once its row is.
            sqlx::query(
                "INSERT INTO attachment_blobs (sha256, size) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(sha256)
            .bind(i64::try_from(size).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        tokio::fs::remove_file(file).await.map_err(io)?;
        Ok(())
    }

    /// The bytes of content `sha256`, one stored chunk at a time.
    pub async fn read_blob(&self, sha256: &str) -> Result<BlobStream> {
        let pool = self.pool.clone();
        let sha256 = sha256.to_owned();
        Ok(futures_util::stream::unfold(Some(0_i32), move |next| {
            let (pool, sha256) = (pool.clone(), sha256.clone());
            async move {
                let n = next?;
                let chunk: std::result::Result<Option<Vec<u8>>, sqlx::Error> = sqlx::query_scalar(
                    "SELECT data FROM attachment_chunks WHERE sha256 = $1 AND n = $2",
                )
                .bind(&sha256)
                .bind(n)
                .fetch_optional(&pool)
                .await;
                match chunk {
                    Ok(Some(data)) => Some((Ok(data), Some(n + 1))),
                    Ok(None) => None,
                    Err(e) => Some((Err(std::io::Error::other(e)), None)),
                }
            }
        })
        .boxed())
    }

    /// An attachment and the entry it belongs to (as every reader sees it: withdrawn or not).
    pub async fn attachment(&self, id: AttachmentId) -> Result<Option<(Attachment, Entry)>> {
        let mut conn = self.pool.acquire().await?;
        let Some(row) = sqlx::query(
            "SELECT id AS a_id, name AS a_name, content_type AS a_type, size AS a_size, \
             sha256 AS a_sha256, conversation_id, seq FROM attachments WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        else {
            return Ok(None);
        };
        let Some(attachment) = attachment_from_row(&row)? else {
            return Ok(None);
        };
        let entry = entry_at(
            &mut conn,
            ConversationId(row.try_get("conversation_id")?),
            row.try_get("seq")?,
        )
        .await?;
        Ok(entry.map(|e| (attachment, e)))
    }

    /// Reserves `bytes` of `user`'s quota for an upload starting `now`: the ledger's entry, or
    /// (refused) the bytes already counted since `since` when `quota` would be passed. The
    /// user's row is locked meanwhile, so uploads started at once are counted one after another.
    pub async fn reserve_upload(
        &self,
        user: UserId,
        now: Timestamp,
        bytes: u64,
        since: Timestamp,
        quota: u64,
    ) -> Result<std::result::Result<i64, u64>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE")
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?;
        let used: i64 = sqlx::query_scalar(
            "SELECT CAST(coalesce(sum(bytes), 0) AS BIGINT) FROM upload_ledger WHERE user_id = $1 AND at > $2",
        )
        .bind(user.0)
        .bind(since.0)
        .fetch_one(&mut *tx)
        .await?;
        let used = u64::try_from(used).unwrap_or(0);
        if used.saturating_add(bytes) > quota {
            return Ok(Err(used));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO upload_ledger (user_id, at, bytes) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(user.0)
        .bind(now.0)
        .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// The upload of ledger entry `id` is in: it counts its real size.
    pub async fn settle_upload(&self, id: i64, bytes: u64) -> Result<()> {
        sqlx::query("UPDATE upload_ledger SET bytes = $1 WHERE id = $2")
            .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// `user` withdraws entry `seq` of `conv`: its body moves to the audit record and a marker
    /// follows in the log, in one transaction.
    pub async fn withdraw(
        &self,
        conv: ConversationId,
        seq: i64,
        user: &User,
        now: Timestamp,
    ) -> Result<Withdrew, CommandError> {
        let mut tx = self.pool.begin().await?;
        // The conversation's lock orders this with the posts that append to it.
        sqlx::query("SELECT id FROM conversations WHERE id = $1 FOR NO KEY UPDATE")
            .bind(conv.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Refusal::NotFound)?;
        let found = load_conversation(&mut tx, conv)
            .await?
            .ok_or(Refusal::NotFound)?;
        let user = load_user(&mut tx, user.id)
            .await?
            .ok_or(Refusal::NotFound)?;
        let (member, window) = match found.queue {
            Some(queue) => {
                let row = sqlx::query("SELECT group_id, unsend_seconds FROM queues WHERE id = $1")
                    .bind(queue.0)
                    .fetch_one(&mut *tx)
                    .await?;
                let group = GroupId(row.try_get("group_id")?);
                let window: i64 = row.try_get("unsend_seconds")?;
                (
                    is_member(&mut tx, group, user.id).await?,
                    Some(u32::try_from(window).unwrap_or(0)),
                )
            }
            None => (false, None),
        };
        let entry = entry_at(&mut tx, conv, seq)
            .await?
            .ok_or(Refusal::NotFound)?;
        let Some(marker) = shared::decide_withdrawal(&found, &user, member, window, &entry, now)?
        else {
            return Ok(shared::nothing_more(found, entry));
        };
        sqlx::query("INSERT INTO withdrawals (conversation_id, seq, body) VALUES ($1, $2, $3)")
            .bind(conv.0)
            .bind(seq)
            .bind(&entry.body)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query(
            "UPDATE entries SET body = '', withdrawn_by = $1, withdrawn_at = $2 \
             WHERE conversation_id = $3 AND seq = $4 AND withdrawn_at IS NULL",
        )
        .bind(user.id.0)
        .bind(now.0)
        .bind(conv.0)
        .bind(seq)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(Refusal::Changed.into());
        }
        let entries = append(&mut tx, conv, &[marker], now).await?;
        let after = load_conversation(&mut tx, conv)
            .await?
            .ok_or(Refusal::NotFound)?;
        tx.commit().await?;
        Ok(Withdrew {
            applied: Applied {
                previous_state: found.state,
                conversation: after,
                entries,
                created: true,
            },
            entry: shared::as_withdrawn(entry, &user, now),
        })
    }

    /// The audit records of `conv`'s withdrawn entries, oldest first.
    pub async fn withdrawals(&self, conv: ConversationId) -> Result<Vec<WithdrawnEntry>> {
        let rows = sqlx::query(&format!(
            "{} WHERE e.conversation_id = $1 ORDER BY e.seq",
            ENTRY_SELECT.replace(
                "FROM entries e",
                ", x.body AS original_body FROM entries e \
                 JOIN withdrawals x ON x.conversation_id = e.conversation_id AND x.seq = e.seq",
            )
        ))
        .bind(conv.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(WithdrawnEntry {
                    entry: entry_from_row(row)?,
                    body: row.try_get("original_body")?,
                    attachment: attachment_from_row(row)?,
                })
            })
            .collect()
    }
}

/// Entry `seq` of `conv`, if there is one.
async fn entry_at(
    db: &mut sqlx::PgConnection,
    conv: ConversationId,
    seq: i64,
) -> Result<Option<Entry>> {
    let row = sqlx::query(&format!(
        "{ENTRY_SELECT} WHERE e.conversation_id = $1 AND e.seq = $2"
    ))
    .bind(conv.0)
    .bind(seq)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(entry_from_row).transpose()
}
