//! The satisfaction survey's answers: one per session (the primary key).

use sqlx::Row;

use super::{PgDb, Result};
use crate::domain::survey::Answer;
use crate::domain::{ConversationId, QueueId, Timestamp};

impl PgDb {
    /// Stores the answer on `conv`; false when it already has one (nothing changes).
    pub async fn answer_survey(
        &self,
        conv: ConversationId,
        answer: &Answer,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO survey_answers (conversation_id, rating, comment, at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (conversation_id) DO NOTHING",
        )
        .bind(conv.0)
        .bind(i32::from(answer.rating))
        .bind(answer.comment.as_deref())
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The answer on `conv`, and when it was given.
    pub async fn survey_answer(&self, conv: ConversationId) -> Result<Option<(Answer, Timestamp)>> {
        let row = sqlx::query(
            "SELECT rating, comment, at FROM survey_answers WHERE conversation_id = $1",
        )
        .bind(conv.0)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let rating: i32 = row.try_get("rating")?;
            Ok((
                Answer {
                    rating: u8::try_from(rating).unwrap_or(0),
                    comment: row.try_get("comment")?,
                },
                Timestamp(row.try_get("at")?),
            ))
        })
        .transpose()
    }

    /// The answers on the sessions of `queue` started in `[from, to)`.
    pub async fn survey_answers_between(
        &self,
        queue: QueueId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(ConversationId, Answer)>> {
        let rows = sqlx::query(
            "SELECT s.conversation_id, s.rating, s.comment FROM survey_answers s \
             JOIN conversations c ON c.id = s.conversation_id \
             WHERE c.queue_id = $1 AND c.created_at >= $2 AND c.created_at < $3",
        )
        .bind(queue.0)
        .bind(from.0)
        .bind(to.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let rating: i32 = row.try_get("rating")?;
                Ok((
                    ConversationId(row.try_get("conversation_id")?),
                    Answer {
                        rating: u8::try_from(rating).unwrap_or(0),
                        comment: row.try_get("comment")?,
                    },
                ))
            })
            .collect()
    }
}
