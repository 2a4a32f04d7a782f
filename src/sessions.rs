//! The support-session service: runs commands through storage (where they are decided and
//! committed in one transaction) and then announces what they did on the hub. HTTP handlers,
//! the socket and the timer worker all go through here, so every path behaves the same.

use crate::domain::session::{
    self, Command, Conversation, Deadline, Refusal, SessionState, Viewer,
};
use crate::domain::{ConversationId, Queue, User};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::hub::ConversationView;
use crate::storage::{Act, Applied, CommandError};

/// How many recent entries a summary looks at: unread counts stop there.
pub const UNREAD_WINDOW: i64 = 100;

/// A conversation as one user sees it in a list.
#[derive(Debug, Clone)]
pub struct Summary {
    pub preview: Option<session::Entry>,
    pub unread: i64,
}

/// Refusals of the domain as API errors.
impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        let message = r.to_string();
        let conflict = |code| AppError::Conflict {
            code,
            message: message.clone(),
        };
        match r {
            Refusal::NotFound => AppError::not_found("conversation"),
            Refusal::Forbidden(m) => AppError::Forbidden(m),
            Refusal::SessionClosed => conflict("session_closed"),
            Refusal::AlreadyAccepted { .. } | Refusal::NotQueued => conflict("already_accepted"),
            Refusal::NotInGroup(_) => conflict("not_in_group"),
            Refusal::SameAgent => conflict("same_agent"),
            Refusal::Offline(_) => conflict("offline"),
            Refusal::NotDue => conflict("not_due"),
            Refusal::TooLong => AppError::TooLong(message),
            Refusal::EmptyBody | Refusal::BadClientId => AppError::Invalid(message),
        }
    }
}

impl From<CommandError> for AppError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Refused(r) => r.into(),
            CommandError::Storage(s) => s.into(),
        }
    }
}

impl AppState {
    /// The conversation with its queue position while queued.
    pub async fn view(&self, conversation: Conversation) -> Result<ConversationView, AppError> {
        let position = self.db.queue_position(&conversation).await?;
        Ok(ConversationView {
            conversation,
            position,
        })
    }

    /// What `user` sees of a conversation in a list: the last entry they may see, and how many
    /// entries by others they may see after their read mark (counted up to [`UNREAD_WINDOW`]).
    pub async fn summary(&self, conv: &Conversation, user: &User) -> Result<Summary, AppError> {
        let mark = self.db.read_mark(user.id, conv.id).await?;
        let recent = self
            .db
            .entries_after(
                conv.id,
                (conv.last_seq - UNREAD_WINDOW).max(0),
                UNREAD_WINDOW,
            )
            .await?;
        let visible: Vec<&session::Entry> = recent
            .iter()
            .filter(|e| session::can_see(e.audience(), user))
            .collect();
        let unread = visible
            .iter()
            .filter(|e| e.seq > mark && e.author.as_ref().is_none_or(|a| a.id != user.id))
            .count();
        Ok(Summary {
            preview: visible.last().map(|e| (*e).clone()),
            unread: unread as i64,
        })
    }

    /// Who `user` is to the conversation (a member of its queue's group or not).
    pub async fn viewer_of<'a>(
        &self,
        conv: &Conversation,
        user: &'a User,
    ) -> Result<Viewer<'a>, AppError> {
        let in_group = match conv.queue {
            Some(queue) if user.roles.is_staff() => match self.db.queue(queue).await? {
                Some(q) => self.db.is_group_member(q.settings.group, user.id).await?,
                None => false,
            },
            _ => false,
        };
        Ok(Viewer { user, in_group })
    }

    /// The conversation if `user` may see it; else the same 404 as for one that does not exist.
    pub async fn visible_conversation(
        &self,
        id: ConversationId,
        user: &User,
    ) -> Result<Conversation, AppError> {
        let conv = self
            .db
            .conversation(id)
            .await?
            .ok_or_else(|| AppError::not_found("conversation"))?;
        if session::can_view(&conv, &self.viewer_of(&conv, user).await?) {
            Ok(conv)
        } else {
            Err(AppError::not_found("conversation"))
        }
    }

    /// Marks a conversation the user may see read up to `seq`.
    pub async fn mark_read(
        &self,
        id: ConversationId,
        user: &User,
        seq: i64,
    ) -> Result<(), AppError> {
        let conv = self.visible_conversation(id, user).await?;
        if !(0..=conv.last_seq).contains(&seq) {
            return Err(AppError::Invalid(format!("seq is 0 to {}.", conv.last_seq)));
        }
        self.db.mark_read(user.id, id, seq).await?;
        Ok(())
    }

    /// Starts (or returns the open) support session of `customer` in `queue`.
    pub async fn start_session(
        &self,
        customer: &User,
        queue: &Queue,
        client_id: &str,
        message: Option<&str>,
    ) -> Result<(ConversationView, bool), AppError> {
        if !customer.roles.contains(crate::domain::Role::Customer) {
            return Err(AppError::Forbidden(
                "Only customers start support sessions.",
            ));
        }
        let message = message.filter(|m| !m.trim().is_empty());
        session::check_post(message.unwrap_or("-"), client_id)?;
        let (conv, entries, created) = self
            .db
            .start_session(queue.id, customer, client_id, message, self.clock.now())
            .await?;
        let view = self.view(conv).await?;
        if created {
            self.hub.watch_for_user(customer.id, view.conversation.id);
            self.hub.publish_entries(view.conversation.id, entries);
            self.hub.publish_conversation(view.clone());
            self.hub.offer(queue.settings.group, view.clone());
            tracing::info!(conversation = view.conversation.id.0, "session started");
        }
        Ok((view, created))
    }

    /// Runs `command` by `user` on a session and announces the outcome.
    pub async fn command(
        &self,
        id: ConversationId,
        user: &User,
        command: Command,
    ) -> Result<Applied, AppError> {
        let applied = self
            .db
            .execute(id, Act::User(user, command), self.clock.now())
            .await?;
        self.announce(&applied).await?;
        Ok(applied)
    }

    /// Fires a due deadline; false if another worker already did or it moved.
    pub async fn fire(&self, id: ConversationId, deadline: Deadline) -> Result<bool, AppError> {
        match self
            .db
            .execute(id, Act::Timer(deadline), self.clock.now())
            .await
        {
            Ok(applied) => {
                self.announce(&applied).await?;
                Ok(true)
            }
            Err(CommandError::Refused(Refusal::NotDue | Refusal::NotFound)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    async fn announce(&self, applied: &Applied) -> Result<(), AppError> {
        if !applied.created {
            return Ok(());
        }
        let conv = &applied.conversation;
        if let Some(assignee) = &conv.assignee {
            // Before the entries go out, so the new assignee receives them.
            self.hub.watch_for_user(assignee.id, conv.id);
        }
        self.hub.publish_entries(conv.id, applied.entries.clone());
        let reassigned = applied
            .entries
            .iter()
            .any(|e| e.event == Some(session::Event::Transferred));
        if applied.previous_state == conv.state && !reassigned {
            return Ok(());
        }
        self.hub
            .publish_conversation(self.view(conv.clone()).await?);
        if applied.previous_state == SessionState::Queued {
            self.queue_moved(conv).await?;
        }
        Ok(())
    }

    /// A session left the queue: withdraw its offer and tell those still waiting their place.
    async fn queue_moved(&self, left: &Conversation) -> Result<(), AppError> {
        let Some(queue) = left.queue else {
            return Ok(());
        };
        let Some(queue) = self.db.queue(queue).await? else {
            return Ok(());
        };
        let by = (left.state == SessionState::Active)
            .then(|| left.assignee.clone())
            .flatten();
        self.hub.withdraw(queue.settings.group, left.id, by);
        for (i, waiting) in self
            .db
            .queued_sessions(queue.id)
            .await?
            .into_iter()
            .enumerate()
        {
            let position = Some(i64::try_from(i).unwrap_or(i64::MAX) + 1);
            self.hub.publish_conversation(ConversationView {
                conversation: waiting,
                position,
            });
        }
        Ok(())
    }
}
