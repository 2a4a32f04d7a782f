//! Attachments and unsend on SQLite: the bytes as files under the data directory
//! (`attachments/ab/abcdef…`, by SHA-256), the rows in the database; a withdrawal in one write
//! transaction.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use sqlx::Row;
use tokio::io::AsyncReadExt;

use super::conversations::{append, is_member, load_conversation};
use super::directory::load_user;
use super::{Result, SqliteDb, StorageError};
use crate::domain::attachment::Attachment;
use crate::domain::session::{Entry, Refusal};
use crate::domain::{AttachmentId, ConversationId, GroupId, Timestamp, User, UserId};
use crate::storage::attachments::{
    self as shared, BlobStream, CHUNK_BYTES, WithdrawnEntry, Withdrew,
};
use crate::storage::rows::{ENTRY_SELECT, attachment_from_row, entry_from_row};
use crate::storage::{Applied, CommandError};

impl SqliteDb {
    /// The folder of stored attachments, beside the database file.
    fn blob_root(&self) -> PathBuf {
        self.file()
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join("attachments")
    }

    fn blob_path(&self, sha256: &str) -> PathBuf {
        self.blob_root().join(&sha256[..2]).join(sha256)
    }

    /// Where an upload is written while it streams in (on the same disk as the store, so that
    /// keeping it is a rename).
    pub async fn upload_dir(&self) -> Result<PathBuf> {
        let dir = self.blob_root().join("incoming");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|source| StorageError::DataDir {
                path: dir.clone(),
                source,
            })?;
        Ok(dir)
    }

    /// Keeps the upload at `file` as the content `sha256` (a content already stored stays as
    /// it is; the upload is then removed).
    pub async fn store_blob(&self, sha256: &str, file: &Path, _size: u64) -> Result<()> {
        let path = self.blob_path(sha256);
        let io = |source| StorageError::DataDir {
            path: path.clone(),
            source,
        };
        if tokio::fs::try_exists(&path).await.map_err(io)? {
            tokio::fs::remove_file(file).await.map_err(io)?;
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(io)?;
        }
        // Durable before any entry names it.
        let written = tokio::fs::File::open(file).await.map_err(io)?;
        written.sync_all().await.map_err(io)?;
        tokio::fs::rename(file, &path).await.map_err(io)?;
        Ok(())
    }

    /// The bytes of content `sha256`, chunk by chunk.
    pub async fn read_blob(&self, sha256: &str) -> Result<BlobStream> {
        let path = self.blob_path(sha256);
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|source| StorageError::DataDir { path, source })?;
        Ok(futures_util::stream::unfold(Some(file), |file| async move {
            let mut file = file?;
            let mut chunk = vec![0; CHUNK_BYTES];
            match file.read(&mut chunk).await {
                Ok(0) => None,
                Ok(n) => {
                    chunk.truncate(n);
                    Some((Ok(chunk), Some(file)))
                }
                Err(e) => Some((Err(e), None)),
            }
        })
        .boxed())
    }

    /// An attachment and the entry it belongs to (as every reader sees it: withdrawn or not).
    pub async fn attachment(&self, id: AttachmentId) -> Result<Option<(Attachment, Entry)>> {
        let mut conn = self.read.acquire().await?;
        let Some(row) = sqlx::query(
            "SELECT id AS a_id, name AS a_name, content_type AS a_type, size AS a_size, \
             sha256 AS a_sha256, conversation_id, seq FROM attachments WHERE id = ?",
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
    /// (refused) the bytes already counted since `since` when `quota` would be passed.
    pub async fn reserve_upload(
        &self,
        user: UserId,
        now: Timestamp,
        bytes: u64,
        since: Timestamp,
        quota: u64,
    ) -> Result<std::result::Result<i64, u64>> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let used: i64 = sqlx::query_scalar(
            "SELECT CAST(coalesce(sum(bytes), 0) AS INTEGER) FROM upload_ledger WHERE user_id = ? AND at > ?",
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
            "INSERT INTO upload_ledger (user_id, at, bytes) VALUES (?, ?, ?) RETURNING id",
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
        sqlx::query("UPDATE upload_ledger SET bytes = ? WHERE id = ?")
            .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
            .bind(id)
            .execute(&self.write)
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
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let found = load_conversation(&mut tx, conv)
            .await?
            .ok_or(Refusal::NotFound)?;
        let user = load_user(&mut tx, user.id)
            .await?
            .ok_or(Refusal::NotFound)?;
        let (member, window) = match found.queue {
            Some(queue) => {
                let row = sqlx::query("SELECT group_id, unsend_seconds FROM queues WHERE id = ?")
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
        sqlx::query("INSERT INTO withdrawals (conversation_id, seq, body) VALUES (?, ?, ?)")
            .bind(conv.0)
            .bind(seq)
            .bind(&entry.body)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query(
            "UPDATE entries SET body = '', withdrawn_by = ?, withdrawn_at = ? \
             WHERE conversation_id = ? AND seq = ? AND withdrawn_at IS NULL",
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
            "{} WHERE e.conversation_id = ? ORDER BY e.seq",
            ENTRY_SELECT.replace(
                "FROM entries e",
                ", x.body AS original_body FROM entries e \
                 JOIN withdrawals x ON x.conversation_id = e.conversation_id AND x.seq = e.seq",
            )
        ))
        .bind(conv.0)
        .fetch_all(&self.read)
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
    db: &mut sqlx::SqliteConnection,
    conv: ConversationId,
    seq: i64,
) -> Result<Option<Entry>> {
    let row = sqlx::query(&format!(
        "{ENTRY_SELECT} WHERE e.conversation_id = ? AND e.seq = ?"
    ))
    .bind(conv.0)
    .bind(seq)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(entry_from_row).transpose()
}
