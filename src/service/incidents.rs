//! The incident service: create (from a support session, or from a message left when nobody is
//! available), change, find and list incidents, follow them; and announce what changed on the
//! hub like any committed command (the activity's new entries to its followers, the session's
//! "created for you" entry to the session's watchers).

use super::{AppState, ServiceError};
use crate::domain::incident::{self, Fields, Incident};
use crate::domain::session::{self, Conversation, ConversationKind, Entry};
use crate::domain::{ConversationId, IncidentId, QueueId, User};
use crate::storage::Applied;
use crate::storage::incidents::{IncidentError, IncidentQuery, NewIncident, Scope};

/// The most incidents a list returns.
const LIST_LIMIT: i64 = 200;

impl From<IncidentError> for ServiceError {
    fn from(e: IncidentError) -> Self {
        match e {
            IncidentError::Refused(r) => ServiceError::Incident(r),
            IncidentError::NotFound => ServiceError::NotFound("incident"),
            IncidentError::Storage(s) => ServiceError::Storage(s),
        }
    }
}

/// Which incidents a list asks for (staff; a customer always gets their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Mine,
    Group,
    Open,
    All,
}

impl AppState {
    /// Creates an incident as `user` (staff), maybe from support session `fields`' session;
    /// the session's customer is told its number. Returns it and whether it is new (false for a
    /// repeated client id).
    pub async fn create_incident(
        &self,
        user: &User,
        client_id: String,
        fields: Fields,
        session: Option<ConversationId>,
    ) -> Result<(Incident, bool), ServiceError> {
        if !incident::may_edit(user) {
            return Err(ServiceError::Forbidden(
                "Only service desk staff may do this.",
            ));
        }
        session::check_client_id(&client_id)?;
        if let Some(id) = session {
            let conv = self.visible_conversation(id, user).await?;
            if conv.kind != ConversationKind::Support {
                return Err(ServiceError::Invalid(
                    "`session` is a support session.".into(),
                ));
            }
        }
        let new = NewIncident {
            actor: user.clone(),
            client_id,
            fields,
            session,
            left_by_caller: false,
        };
        self.store_incident(new).await
    }

    /// A customer left a message for queue `queue` when nobody was available: it becomes an
    /// incident for the queue's group, theirs as caller.
    pub async fn leave_message(
        &self,
        user: &User,
        queue: QueueId,
        client_id: String,
        body: &str,
    ) -> Result<(Incident, bool), ServiceError> {
        if !user.roles.contains(crate::domain::Role::Customer) {
            return Err(ServiceError::Forbidden(
                "Only customers leave a message for the service desk.",
            ));
        }
        session::check_client_id(&client_id)?;
        let body = body.trim();
        if body.is_empty() {
            return Err(ServiceError::Invalid("Write your message first.".into()));
        }
        if body.chars().count() > incident::MESSAGE_MAX {
            return Err(ServiceError::Invalid(format!(
                "A message is at most {} characters.",
                incident::MESSAGE_MAX
            )));
        }
        let queue = self
            .db
            .queue(queue)
            .await?
            .ok_or(ServiceError::NotFound("queue"))?;
        let fields = Fields {
            caller: user.id,
            short_description: incident::short_of_message(body),
            description: body.to_owned(),
            category: incident::Category::Inquiry,
            contact_type: incident::ContactType::SelfService,
            impact: 3,
            urgency: 3,
            state: incident::IncidentState::New,
            resolution_notes: None,
            assignment_group: Some(queue.settings.group),
            assigned_to: None,
        };
        let new = NewIncident {
            actor: user.clone(),
            client_id,
            fields,
            session: None,
            left_by_caller: true,
        };
        self.store_incident(new).await
    }

    async fn store_incident(&self, new: NewIncident) -> Result<(Incident, bool), ServiceError> {
        let state = self.clone();
        let actor = new.actor.id;
        // Its own task: what is committed is announced even if the client goes away.
        super::sessions::detached(&self.tasks, async move {
            let created = state.db.create_incident(&new, state.clock.now()).await?;
            if created.created {
                let (activity, entries) = created.activity;
                state
                    .announce_applied(&activity, entries, Some(actor))
                    .await;
                if let Some((session, entries)) = created.session {
                    state.announce_applied(&session, entries, Some(actor)).await;
                }
            }
            Ok((created.incident, created.created))
        })
        .await
    }

    /// Changes `id` as `user`, made on `version`: `change` turns the fields as they are into
    /// the fields wanted.
    pub async fn update_incident(
        &self,
        user: &User,
        id: IncidentId,
        version: i64,
        change: impl FnOnce(&mut Fields) -> Result<(), ServiceError>,
    ) -> Result<Incident, ServiceError> {
        if !incident::may_edit(user) {
            return Err(ServiceError::Forbidden(
                "Only service desk staff may do this.",
            ));
        }
        let before = self
            .db
            .incident(id)
            .await?
            .ok_or(ServiceError::NotFound("incident"))?;
        let mut fields = Fields::of(&before);
        change(&mut fields)?;
        let (state, user) = (self.clone(), user.clone());
        super::sessions::detached(&self.tasks, async move {
            let updated = state
                .db
                .update_incident(id, &user, version, &fields, state.clock.now())
                .await?;
            let (activity, entries) = updated.activity;
            if !entries.is_empty() {
                state
                    .announce_applied(&activity, entries, Some(user.id))
                    .await;
            }
            Ok(updated.incident)
        })
        .await
    }

    /// The incident named `key` (its id, or its number) if `user` may see it; else the same
    /// 404 as for none.
    pub async fn incident_for(&self, user: &User, key: &str) -> Result<Incident, ServiceError> {
        let found = match incident::number_of(key) {
            Some(number) => self.db.incident_by_number(&number).await?,
            None => match key.parse::<i64>() {
                Ok(id) => self.db.incident(IncidentId(id)).await?,
                Err(_) => None,
            },
        };
        found
            .filter(|i| incident::may_view(i, user))
            .ok_or(ServiceError::NotFound("incident"))
    }

    /// Incidents for `user`: staff by `view`, narrowed by `state` and a search `text` (a
    /// number, or words); a customer those they are the caller of.
    pub async fn list_incidents(
        &self,
        user: &User,
        view: View,
        state: Option<incident::IncidentState>,
        text: Option<&str>,
    ) -> Result<Vec<Incident>, ServiceError> {
        let scope = if incident::may_edit(user) {
            match view {
                View::Mine => Scope::Mine,
                View::Group => Scope::Group,
                View::Open => Scope::Open,
                View::All => Scope::All,
            }
        } else {
            Scope::Caller
        };
        let text = text.map(str::trim).filter(|t| !t.is_empty());
        // A number with its prefix is only that; digits alone may be a number or text.
        let number = text.and_then(incident::number_in);
        let words = match text {
            Some(text) if incident::number_of(text).is_none() => {
                text.split_whitespace().map(str::to_owned).collect()
            }
            _ => Vec::new(),
        };
        let query = IncidentQuery {
            viewer: user.id,
            scope,
            state,
            number,
            words,
            limit: LIST_LIMIT,
        };
        let mut found = self.db.incidents(&query).await?;
        found.retain(|i| incident::may_view(i, user));
        Ok(found)
    }

    /// The incidents created from support session `session` (one `user` may see).
    pub async fn incidents_of_session(
        &self,
        user: &User,
        session: ConversationId,
    ) -> Result<Vec<Incident>, ServiceError> {
        self.visible_conversation(session, user).await?;
        let mut found = self.db.incidents_of_session(session).await?;
        found.retain(|i| incident::may_view(i, user));
        Ok(found)
    }

    /// Which of `incidents` `user` follows.
    pub async fn following(
        &self,
        user: &User,
        incidents: &[Incident],
    ) -> Result<Vec<IncidentId>, ServiceError> {
        if !incident::may_edit(user) || incidents.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<IncidentId> = incidents.iter().map(|i| i.id).collect();
        Ok(self.db.following(user.id, &ids).await?)
    }

    /// `user` (staff) follows `incident`, or no longer does. Following, their sockets here
    /// receive its activity at once (other nodes' sockets from its next entry); unfollowing,
    /// their sockets everywhere stop receiving it.
    pub async fn set_following(
        &self,
        user: &User,
        incident: &Incident,
        follow: bool,
    ) -> Result<(), ServiceError> {
        if !incident::may_edit(user) {
            return Err(ServiceError::Forbidden(
                "Only service desk staff follow incidents.",
            ));
        }
        self.db.set_following(user.id, incident.id, follow).await?;
        if follow {
            self.hub.watch_for_user(user.id, incident.activity);
            if let Some(activity) = self.db.conversation(incident.activity).await? {
                self.hub.publish_conversation(self.view(activity).await?);
            }
        } else {
            // Their sockets, on every node, stop receiving it.
            if let Some(cluster) = &self.cluster {
                cluster.send(crate::cluster::Signal::Unwatch {
                    user: user.id.0,
                    conversation: incident.activity.0,
                });
            }
            self.hub.unwatch_for_user(user.id, incident.activity);
        }
        Ok(())
    }

    /// Announces entries committed on `conv` outside a session command (an incident's
    /// activity, or the session an incident came from), as a command's are.
    async fn announce_applied(
        &self,
        conv: &Conversation,
        entries: Vec<Entry>,
        actor: Option<crate::domain::UserId>,
    ) {
        let applied = Applied {
            previous_state: conv.state,
            conversation: conv.clone(),
            entries,
            created: true,
        };
        self.announce(&applied, actor).await;
    }
}
