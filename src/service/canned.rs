//! Posting a canned message: one path for HTTP (`POST /api/conversations/{id}/canned/{canned}`)
//! and the socket (`send` with `canned`). The placeholders are filled here and the result is
//! posted as the caller's comment through [`AppState::command`], so the domain decides who may
//! post (the assignee) and a repeated client id returns the original entry. `{incident.number}`
//! is the newest incident created from the session (none: refused).

use super::{AppState, ServiceError};
use crate::domain::canned::{self, FillContext};
use crate::domain::session::{Command, Post, PostKind};
use crate::domain::{CannedId, ConversationId, User};
use crate::storage::Applied;

impl AppState {
    /// Posts canned message `canned_id` of the conversation's queue as `user`'s comment.
    pub async fn post_canned(
        &self,
        id: ConversationId,
        user: &User,
        canned_id: CannedId,
        client_id: String,
    ) -> Result<Applied, ServiceError> {
        if !user.roles.is_staff() {
            return Err(ServiceError::Forbidden(
                "Only service desk staff may do this.",
            ));
        }
        let conv = self.visible_conversation(id, user).await?;
        let queue_id = conv.queue.ok_or(ServiceError::NotFound("canned message"))?;
        let queue = self
            .db
            .queue(queue_id)
            .await?
            .ok_or(ServiceError::NotFound("queue"))?;
        let canned = self
            .db
            .canned(queue_id, canned_id)
            .await?
            .ok_or(ServiceError::NotFound("canned message"))?;
        let customer = conv
            .customer
            .as_ref()
            .map_or("", |c| c.display_name.as_str());
        let incident = if canned::names_incident(&canned.body) {
            let newest = self.db.incidents_of_session(id).await?.into_iter().next();
            Some(newest.ok_or_else(|| {
                ServiceError::Invalid(canned::CannedError::NoIncident.to_string())
            })?)
        } else {
            None
        };
        let ctx = FillContext {
            customer_name: customer,
            agent_name: &user.display_name,
            queue_name: &queue.settings.name,
            incident_number: incident.as_ref().map(|i| i.number.as_str()),
        };
        let command = Command::Post(Post::text(
            PostKind::Comment,
            canned::fill(&canned.body, &ctx),
            client_id,
        ));
        self.command(id, user, command).await
    }
}
