//! Connect Chat: start a chat with colleagues, add someone to a group chat, leave one; invite
//! a colleague into a support session. Each is stored by the store's transaction (which asks
//! `domain::chat`), then announced like any committed change: a new chat to its members on
//! every node, a change of members or an invitation as the conversation's frame, which those
//! who can no longer see it get as `gone`.

use super::sessions::detached;
use super::{AppState, ServiceError};
use crate::domain::session::Conversation;
use crate::domain::{ConversationId, User, UserId};
use crate::storage::Applied;

impl AppState {
    /// Starts a chat of `user` with `others` (the direct chat of two without `title`: the
    /// existing one if they have it). Returns it and whether it is new.
    pub async fn start_chat(
        &self,
        user: &User,
        others: Vec<UserId>,
        title: Option<String>,
    ) -> Result<(Conversation, bool), ServiceError> {
        let (state, user) = (self.clone(), user.clone());
        // Its own task: a client that goes away mid-request must not stop the announcement.
        detached(&self.tasks, async move {
            let (conv, entries, created) = state
                .db
                .create_chat(&user, &others, title, state.clock.now())
                .await?;
            if created {
                state.signal_committed(&conv, 1, None, Some(user.id));
                state
                    .announce_here(&conv, entries, None, Some(user.id))
                    .await?;
            }
            Ok((conv, created))
        })
        .await
    }

    /// Runs a change of who is in a conversation and announces it.
    async fn membership(
        &self,
        user: &User,
        change: impl std::future::Future<Output = Result<Applied, crate::storage::CommandError>>
        + Send
        + 'static,
    ) -> Result<Applied, ServiceError> {
        let (state, actor) = (self.clone(), user.id);
        detached(&self.tasks, async move {
            let applied = change.await?;
            state.announce(&applied, Some(actor)).await;
            Ok(applied)
        })
        .await
    }

    /// `user`, a member of group chat `id`, adds `colleague`.
    pub async fn add_to_chat(
        &self,
        user: &User,
        id: ConversationId,
        colleague: UserId,
    ) -> Result<Applied, ServiceError> {
        let (db, actor, now) = (self.db.clone(), user.clone(), self.clock.now());
        self.membership(user, async move {
            db.add_chat_member(id, &actor, colleague, now).await
        })
        .await
    }

    /// `user` leaves group chat `id`.
    pub async fn leave_chat(
        &self,
        user: &User,
        id: ConversationId,
    ) -> Result<Applied, ServiceError> {
        let (db, actor, now) = (self.db.clone(), user.clone(), self.clock.now());
        self.membership(user, async move { db.leave_chat(id, &actor, now).await })
            .await
    }

    /// `user` (the assignee, or a manager) invites `colleague` into support session `id`.
    pub async fn invite(
        &self,
        user: &User,
        id: ConversationId,
        colleague: UserId,
    ) -> Result<Applied, ServiceError> {
        // Who may not see the session is told it does not exist, before anything else.
        self.visible_conversation(id, user).await?;
        let (db, actor, now) = (self.db.clone(), user.clone(), self.clock.now());
        let applied = self
            .membership(
                user,
                async move { db.invite(id, &actor, colleague, now).await },
            )
            .await?;
        // The colleague arrives with what is new since the invitation as unread, not the
        // whole history (as a transfer's receiver does).
        if let Some(note) = applied.entries.first().filter(|_| applied.created)
            && let Err(e) = self.db.mark_read(colleague, id, note.seq - 1).await
        {
            tracing::warn!(error = %e, conversation = id.0, "read mark of an invited colleague");
        }
        Ok(applied)
    }
}
