//! Transcripts and the CSV export: what the requester may see of a conversation, as text or
//! HTML (every entry through `can_see`, as every read path); a queue's sessions of a date range
//! for reporting (managers and admins; no message bodies unless asked for).

use std::collections::HashMap;

use super::{AppState, ServiceError};
use crate::domain::session::{Conversation, Entry};
use crate::domain::survey::Answer;
use crate::domain::transcript::{MAX_ENTRIES, MAX_TEXT_BYTES};
use crate::domain::{ConversationId, QueueId, Timestamp, User};

/// The most sessions one export holds (a longer range is cut, and the answer says so).
pub const EXPORT_MAX: i64 = 10_000;

/// What a transcript is made of.
pub struct TranscriptSource {
    pub conversation: Conversation,
    pub queue_name: Option<String>,
    /// The entries the requester may see, in order.
    pub entries: Vec<Entry>,
    /// The conversation is longer than a transcript holds.
    pub cut: bool,
}

impl AppState {
    /// The entries of `id` that `user` may see, read from the log page by page (at most
    /// [`MAX_ENTRIES`] read).
    pub async fn transcript(
        &self,
        id: ConversationId,
        user: &User,
    ) -> Result<TranscriptSource, ServiceError> {
        let conversation = self.visible_conversation(id, user).await?;
        let mut entries = Vec::new();
        let mut after = 0;
        let mut bytes = 0;
        // Bounded: at most MAX_ENTRIES entries and MAX_TEXT_BYTES of their text are held.
        let cut = 'read: loop {
            let mut page = self.db.entries_after(id, after, 500).await?;
            let full = page.len() == 500;
            // Up to the state the requester's sight was judged on.
            page.retain(|e| e.seq <= conversation.last_seq);
            let Some(last) = page.last() else {
                break false;
            };
            after = last.seq;
            let full = full && after < conversation.last_seq;
            for entry in super::sessions::visible_to(page, user) {
                if entries.len() == MAX_ENTRIES || bytes + entry.body.len() > MAX_TEXT_BYTES {
                    break 'read true;
                }
                bytes += entry.body.len();
                entries.push(entry);
            }
            if !full {
                break false;
            }
        };
        let queue_name = match conversation.queue {
            Some(q) => self.db.queue(q).await?.map(|q| q.settings.name),
            None => None,
        };
        Ok(TranscriptSource {
            conversation,
            queue_name,
            entries,
            cut,
        })
    }

    /// The sessions of `queue` started in `[from, to)`: for managers and admins.
    pub async fn export_sessions(
        &self,
        queue: QueueId,
        user: &User,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<(Vec<Conversation>, HashMap<ConversationId, Answer>), ServiceError> {
        if !user.roles.can_manage_queues() || user.disabled {
            return Err(ServiceError::Forbidden(
                "Only managers and admins export sessions.",
            ));
        }
        self.db
            .queue(queue)
            .await?
            .ok_or(ServiceError::NotFound("queue"))?;
        let sessions = self
            .db
            .sessions_between(queue, from, to, EXPORT_MAX)
            .await?;
        let answers = self
            .db
            .survey_answers_between(queue, from, to)
            .await?
            .into_iter()
            .collect();
        Ok((sessions, answers))
    }
}
