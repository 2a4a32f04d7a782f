//! The satisfaction survey in the service: whether a session asks its customer for a rating,
//! and the one answer.

use super::{AppState, ServiceError};
use crate::domain::session::Refusal;
use crate::domain::survey::{self, Answer};
use crate::domain::{ConversationId, Timestamp, User};

/// Where a session's survey stands for its reader.
pub enum SurveyState {
    /// Its customer is asked and has not answered.
    Asked,
    /// Answered (shown to the customer and to who may see the session).
    Answered(Answer, Timestamp),
    /// Nothing to ask or show.
    None,
}

impl AppState {
    /// Whether the queue of `conv` asks for a rating.
    async fn survey_on(
        &self,
        conv: &crate::domain::session::Conversation,
    ) -> Result<bool, ServiceError> {
        Ok(match conv.queue {
            Some(q) => self.db.queue(q).await?.is_some_and(|q| q.settings.survey),
            None => false,
        })
    }

    /// The survey of `id` as `user` sees it.
    pub async fn survey(
        &self,
        id: ConversationId,
        user: &User,
    ) -> Result<SurveyState, ServiceError> {
        let conv = self.visible_conversation(id, user).await?;
        if let Some((answer, at)) = self.db.survey_answer(id).await? {
            return Ok(SurveyState::Answered(answer, at));
        }
        Ok(
            if survey::is_asked(&conv, user, self.survey_on(&conv).await?) {
                SurveyState::Asked
            } else {
                SurveyState::None
            },
        )
    }

    /// `user` rates session `id`: its customer, once (409 `already_answered` after).
    pub async fn answer_survey(
        &self,
        id: ConversationId,
        user: &User,
        rating: i64,
        comment: Option<String>,
    ) -> Result<(Answer, Timestamp), ServiceError> {
        let conv = self.visible_conversation(id, user).await?;
        let answer =
            survey::check_answer(&conv, user, self.survey_on(&conv).await?, rating, comment)?;
        let now = self.clock.now();
        if !self.db.answer_survey(id, &answer, now).await? {
            return Err(Refusal::AlreadyAnswered.into());
        }
        tracing::info!(conversation = id.0, rating = answer.rating, "session rated");
        // The rating is in the queue's figures.
        if let Some(queue) = conv.queue {
            self.queue_changed(queue);
        }
        Ok((answer, now))
    }
}
