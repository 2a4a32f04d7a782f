//! Attachments and unsend in the service: an upload streamed to a temporary file (hashed and
//! judged on the way, stopped at the limit), kept by content and posted as an entry; who may
//! fetch an attachment; withdrawing an entry and reading the audit records.

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::sessions::detached;
use super::{AppState, ServiceError};
use crate::domain::attachment::{self, Attachment, NewAttachment, Sniffer, UploadRefusal};
use crate::domain::session::{Command, Entry, Post, Refusal};
use crate::domain::{AttachmentId, ConversationId, User, unsend};
use crate::storage::Applied;
use crate::storage::attachments::{BlobStream, WithdrawnEntry};

/// An upload streaming in: written to a temporary file as it comes, hashed and judged on the
/// way, refused the moment it passes the limit or cannot be an allowed type. The file is
/// removed when the upload is dropped unless it was kept.
pub struct Upload {
    file: tokio::fs::File,
    path: Option<PathBuf>,
    sniffer: Sniffer,
    hasher: Sha256,
    size: u64,
    max: u64,
    /// Its entry in the upload ledger (the quota).
    ledger: i64,
}

impl Upload {
    /// Takes the next chunk of the file.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), ServiceError> {
        self.size += chunk.len() as u64;
        if self.size > self.max {
            return Err(UploadRefusal::TooLarge(attachment::human_size(self.max)).into());
        }
        self.sniffer.feed(chunk)?;
        self.hasher.update(chunk);
        self.file
            .write_all(chunk)
            .await
            .map_err(|e| ServiceError::Internal(format!("writing an upload: {e}")))?;
        Ok(())
    }

    /// The whole file is in: what it is, under the name the client gave.
    async fn finish(mut self, raw_name: &str) -> Result<(NewAttachment, PathBuf), ServiceError> {
        self.file
            .flush()
            .await
            .map_err(|e| ServiceError::Internal(format!("writing an upload: {e}")))?;
        let sniffer = std::mem::take(&mut self.sniffer);
        let judged = sniffer.finish()?;
        let sha256 = self
            .hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        let path = self
            .path
            .take()
            .ok_or_else(|| ServiceError::Internal("an upload was finished twice".into()))?;
        Ok((
            NewAttachment {
                name: attachment::clean_name(raw_name, judged),
                content_type: judged,
                size: self.size,
                sha256,
            },
            path,
        ))
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            // Refused or abandoned: nothing of it stays.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Removes a finished upload's file unless it was handed to the store.
struct Pending(Option<PathBuf>);

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl AppState {
    /// Starts an upload into `conversation` by `user`: refused at once (404) for a
    /// conversation they may not see, before a byte is read.
    pub async fn begin_upload(
        &self,
        conversation: ConversationId,
        user: &User,
    ) -> Result<Upload, ServiceError> {
        self.visible_conversation(conversation, user).await?;
        // Bounded: at most HOURLY_QUOTA_FILES of the largest files an hour, per user; the
        // largest is reserved before a byte is read (uploads refused later count too).
        let max = self.web.attachment_max_bytes;
        let now = self.clock.now();
        let since = crate::domain::Timestamp(now.0 - 3_600_000);
        let quota = max.saturating_mul(attachment::HOURLY_QUOTA_FILES);
        let ledger = match self
            .db
            .reserve_upload(user.id, now, max, since, quota)
            .await?
        {
            Ok(id) => id,
            Err(used) => {
                return Err(ServiceError::Slowed {
                    message: format!(
                        "You attached {} in the last hour, the most there may be; try again later.",
                        attachment::human_size(used)
                    ),
                    retry_after_secs: 600,
                });
            }
        };
        let dir = self.db.upload_dir().await?;
        let path = dir.join(format!("upload-{}-{:016x}", std::process::id(), rand_id()));
        let file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| ServiceError::Internal(format!("creating an upload file: {e}")))?;
        Ok(Upload {
            file,
            path: Some(path),
            sniffer: Sniffer::new(),
            hasher: Sha256::new(),
            size: 0,
            max,
            ledger,
        })
    }

    /// Posts `upload` (complete) into `conversation` as `post` (its kind, caption, client id
    /// and `seen`): the content is kept, then the entry stored as any post is — who may post,
    /// a repeated client id, the stale-view guard.
    pub async fn post_upload(
        &self,
        conversation: ConversationId,
        user: &User,
        upload: Upload,
        file_name: &str,
        post: Post,
    ) -> Result<Applied, ServiceError> {
        let ledger = upload.ledger;
        let (new, path) = upload.finish(file_name).await?;
        let mut pending = Pending(Some(path.clone()));
        self.db.settle_upload(ledger, new.size).await?;
        self.db.store_blob(&new.sha256, &path, new.size).await?;
        pending.0 = None;
        self.command(
            conversation,
            user,
            Command::Post(Post {
                attachment: Some(new),
                ..post
            }),
        )
        .await
    }

    /// An attachment's description and bytes, for `user` if they may see its entry
    /// ([`attachment::may_fetch`]); the same 404 as for none otherwise.
    pub async fn fetch_attachment(
        &self,
        id: AttachmentId,
        user: &User,
    ) -> Result<(Attachment, Entry), ServiceError> {
        let missing = || ServiceError::NotFound("attachment");
        let (found, entry) = self.db.attachment(id).await?.ok_or_else(missing)?;
        let conv = self
            .db
            .conversation(entry.conversation)
            .await?
            .ok_or_else(missing)?;
        let viewer = self.viewer_of(&conv, user).await?;
        if !attachment::may_fetch(&conv, &viewer, &entry) {
            return Err(missing());
        }
        Ok((found, entry))
    }

    /// The bytes of content `sha256`.
    pub async fn attachment_bytes(&self, sha256: &str) -> Result<BlobStream, ServiceError> {
        Ok(self.db.read_blob(sha256).await?)
    }

    /// Removes the temporary files of uploads a stopped process left half-written: those at
    /// least an hour old (another node on this machine may be streaming one now). Answers how
    /// many went.
    pub async fn sweep_stale_uploads(&self) -> Result<usize, ServiceError> {
        let io = |e: std::io::Error| ServiceError::Internal(format!("sweeping uploads: {e}"));
        let dir = self.db.upload_dir().await?;
        let mut files = tokio::fs::read_dir(&dir).await.map_err(io)?;
        let mut removed = 0;
        while let Some(file) = files.next_entry().await.map_err(io)? {
            if !file.file_name().to_string_lossy().starts_with("upload-") {
                continue;
            }
            let old = file
                .metadata()
                .await
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age >= std::time::Duration::from_secs(3600));
            if old && tokio::fs::remove_file(file.path()).await.is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// `user` withdraws entry `seq` of `conversation`; the marker is announced like any entry.
    /// Answers the entry as now shown.
    pub async fn withdraw(
        &self,
        conversation: ConversationId,
        seq: i64,
        user: &User,
    ) -> Result<Entry, ServiceError> {
        let (state, user) = (self.clone(), user.clone());
        detached(&self.tasks, async move {
            let withdrew = state
                .db
                .withdraw(conversation, seq, &user, state.clock.now())
                .await
                .map_err(|e| match e {
                    crate::storage::CommandError::Refused(Refusal::NotFound) => {
                        ServiceError::NotFound("entry")
                    }
                    other => other.into(),
                })?;
            if withdrew.applied.created {
                state.announce(&withdrew.applied, Some(user.id)).await;
            }
            Ok(withdrew.entry)
        })
        .await
    }

    /// The audit records of `conversation`'s withdrawn entries: for managers and admins who
    /// may see it.
    pub async fn withdrawals(
        &self,
        conversation: ConversationId,
        user: &User,
    ) -> Result<Vec<WithdrawnEntry>, ServiceError> {
        self.visible_conversation(conversation, user).await?;
        if !unsend::reads_withdrawals(user) {
            return Err(ServiceError::Forbidden(
                "Only managers and admins read withdrawn messages.",
            ));
        }
        Ok(self.db.withdrawals(conversation).await?)
    }
}

/// A random number for a temporary file's name.
fn rand_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}
