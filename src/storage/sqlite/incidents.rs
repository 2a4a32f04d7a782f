//! Incidents on SQLite: every write is one `BEGIN IMMEDIATE` transaction (SQLite has one
//! writer at a time), so the number taken from the `counters` row is consecutive and a change
//! decides on the incident as it is; the version condition and the unique client id still hold
//! by themselves.

use sqlx::Row;

use super::conversations::{append, count_newer, find_sent, is_member, load_conversation};
use super::directory::load_user;
use super::{Result, SqliteDb};
use crate::domain::incident::{self, Fields, Incident, References};
use crate::domain::session::{self, EntryKind, Event, NewEntry, Person, Post, Refusal};
use crate::domain::{ConversationId, IncidentId, Timestamp, User, UserId};
use crate::storage::incidents::{
    Created, INCIDENT_SELECT, IncidentError, IncidentQuery, NewIncident, Updated, created_entry,
    incident_from_row, list_query, replayed, system_entry,
};
use crate::storage::{Applied, CommandError};

async fn load_incident(
    db: &mut sqlx::SqliteConnection,
    id: IncidentId,
) -> Result<Option<Incident>> {
    let row = sqlx::query(&format!("{INCIDENT_SELECT} WHERE i.id = ?1"))
        .bind(id.0)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(incident_from_row).transpose()
}

/// What the fields refer to, as stored now.
async fn references(db: &mut sqlx::SqliteConnection, fields: &Fields) -> Result<References> {
    let caller = load_user(db, fields.caller).await?;
    let group = match fields.assignment_group {
        Some(group) => {
            sqlx::query_scalar("SELECT name FROM assignment_groups WHERE id = ?1")
                .bind(group.0)
                .fetch_optional(&mut *db)
                .await?
        }
        None => None,
    };
    let assignee = match (fields.assigned_to, fields.assignment_group) {
        (Some(user), group) => match load_user(db, user).await? {
            Some(found) => {
                let member = match group {
                    Some(group) => is_member(db, group, user).await?,
                    None => false,
                };
                Some((found, member))
            }
            None => None,
        },
        (None, _) => None,
    };
    Ok(References {
        caller,
        group,
        assignee,
    })
}

/// `users` follow `incident` (those who already do are left as they are).
async fn follow_all(
    db: &mut sqlx::SqliteConnection,
    incident: IncidentId,
    users: &[UserId],
) -> Result<()> {
    for user in users {
        sqlx::query(
            "INSERT INTO follows (user_id, incident_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )
        .bind(user.0)
        .bind(incident.0)
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

impl SqliteDb {
    /// Creates an incident (or, for a repeated client id of the same creator, answers with the
    /// original), its activity, the creator's and assignee's follows, and the entry that tells
    /// the session it came from.
    pub async fn create_incident(
        &self,
        new: &NewIncident,
        now: Timestamp,
    ) -> Result<Created, IncidentError> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let original: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM incidents WHERE created_by_id = ?1 AND client_id = ?2",
        )
        .bind(new.actor.id.0)
        .bind(&new.client_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = original {
            let incident = load_incident(&mut tx, IncidentId(id))
                .await?
                .ok_or(IncidentError::NotFound)?;
            let activity = load_conversation(&mut tx, incident.activity)
                .await?
                .ok_or(IncidentError::NotFound)?;
            return Ok(Created {
                incident,
                created: false,
                activity: (activity, Vec::new()),
                session: None,
            });
        }
        let actor = load_user(&mut tx, new.actor.id)
            .await?
            .ok_or(IncidentError::NotFound)?;
        if new.left_by_caller {
            // Counted in the transaction that would store one more (after a repeat was
            // answered): the bound holds for concurrent requests too.
            let left: Vec<i64> = sqlx::query_scalar(
                "SELECT created_at FROM incidents WHERE created_by_id = ?1 AND caller_id = ?1 \
                 AND contact_type = 'self_service' AND created_at > ?2 ORDER BY created_at",
            )
            .bind(actor.id.0)
            .bind(now.minus(std::time::Duration::from_secs(3600)).0)
            .fetch_all(&mut *tx)
            .await?;
            let left: Vec<Timestamp> = left.into_iter().map(Timestamp).collect();
            incident::check_message_rate(&left, now)?;
        }
        let mut fields = new.fields.clone();
        let refs = references(&mut tx, &fields).await?;
        incident::check_create(&actor, &mut fields, &refs, new.left_by_caller)?;
        if let Some(session) = new.session {
            sqlx::query("SELECT id FROM conversations WHERE id = ?1")
                .bind(session.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(IncidentError::NotFound)?;
        }
        let counter: i64 = sqlx::query_scalar(
            "UPDATE counters SET value = value + 1 WHERE name = 'incident' RETURNING value",
        )
        .fetch_one(&mut *tx)
        .await?;
        let number = incident::number(counter);
        let activity: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (kind, state, customer_id, created_at) \
             VALUES ('record', 'active', ?1, ?2) RETURNING id",
        )
        .bind(fields.caller.0)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO incidents (number, caller_id, short_description, description, category, \
             contact_type, impact, urgency, priority, state, resolution_notes, assignment_group_id, \
             assigned_to_id, session_id, activity_id, created_by_id, client_id, created_at, \
             updated_by_id, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?16, ?18) \
             RETURNING id",
        )
        .bind(&number)
        .bind(fields.caller.0)
        .bind(&fields.short_description)
        .bind(&fields.description)
        .bind(fields.category.as_str())
        .bind(fields.contact_type.as_str())
        .bind(i64::from(fields.impact))
        .bind(i64::from(fields.urgency))
        .bind(i64::from(incident::priority(fields.impact, fields.urgency)))
        .bind(fields.state.as_str())
        .bind(fields.resolution_notes.as_deref())
        .bind(fields.assignment_group.map(|g| g.0))
        .bind(fields.assigned_to.map(|u| u.0))
        .bind(new.session.map(|s| s.0))
        .bind(activity)
        .bind(actor.id.0)
        .bind(&new.client_id)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await?;
        let id = IncidentId(id);
        let activity = ConversationId(activity);
        let entries = append(&mut tx, activity, &[created_entry(&actor, &number)], now).await?;
        // Staff follow what they create; a customer's left message is followed by its group.
        let followers: Vec<UserId> = std::iter::once(actor.id)
            .filter(|_| !new.left_by_caller)
            .chain(fields.assigned_to)
            .collect();
        follow_all(&mut tx, id, &followers).await?;
        // The session's customer is told only of an incident that is theirs to see.
        let session_customer = match new.session {
            Some(session) => load_conversation(&mut tx, session)
                .await?
                .and_then(|c| c.customer)
                .map(|c| c.id),
            None => None,
        };
        let session = match new
            .session
            .filter(|_| session_customer == Some(fields.caller))
        {
            Some(session) => {
                let told = NewEntry {
                    kind: EntryKind::System,
                    author: Some(Person::from(&actor)),
                    body: incident::created_for_you(&number),
                    client_id: None,
                    event: Some(Event::IncidentCreated),
                    attachment: None,
                };
                let entries = append(&mut tx, session, &[told], now).await?;
                let conv = load_conversation(&mut tx, session)
                    .await?
                    .ok_or(IncidentError::NotFound)?;
                Some((conv, entries))
            }
            None => None,
        };
        let incident = load_incident(&mut tx, id)
            .await?
            .ok_or(IncidentError::NotFound)?;
        let activity = load_conversation(&mut tx, activity)
            .await?
            .ok_or(IncidentError::NotFound)?;
        tx.commit().await?;
        Ok(Created {
            incident,
            created: true,
            activity: (activity, entries),
            session,
        })
    }

    /// Changes incident `id` as `actor`, made on `version`: every field that changed becomes a
    /// `field_changed` entry of its activity; a new assignee follows it.
    pub async fn update_incident(
        &self,
        id: IncidentId,
        actor: &User,
        version: i64,
        fields: &Fields,
        now: Timestamp,
    ) -> Result<Updated, IncidentError> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("SELECT id FROM incidents WHERE id = ?1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(IncidentError::NotFound)?;
        let before = load_incident(&mut tx, id)
            .await?
            .ok_or(IncidentError::NotFound)?;
        let actor = load_user(&mut tx, actor.id)
            .await?
            .ok_or(IncidentError::NotFound)?;
        let mut after = fields.clone();
        let refs = references(&mut tx, &after).await?;
        incident::check_change(&actor, &before, version, &mut after, &refs)?;
        let lines = incident::change_lines(&before, &after, &refs.names());
        if lines.is_empty() {
            let activity = load_conversation(&mut tx, before.activity)
                .await?
                .ok_or(IncidentError::NotFound)?;
            return Ok(Updated {
                incident: before,
                activity: (activity, Vec::new()),
            });
        }
        let done = sqlx::query(
            "UPDATE incidents SET caller_id = ?1, short_description = ?2, description = ?3, \
             category = ?4, contact_type = ?5, impact = ?6, urgency = ?7, priority = ?8, state = ?9, \
             resolution_notes = ?10, assignment_group_id = ?11, assigned_to_id = ?12, \
             updated_by_id = ?13, updated_at = ?14, version = version + 1 \
             WHERE id = ?15 AND version = ?16",
        )
        .bind(after.caller.0)
        .bind(&after.short_description)
        .bind(&after.description)
        .bind(after.category.as_str())
        .bind(after.contact_type.as_str())
        .bind(i64::from(after.impact))
        .bind(i64::from(after.urgency))
        .bind(i64::from(incident::priority(after.impact, after.urgency)))
        .bind(after.state.as_str())
        .bind(after.resolution_notes.as_deref())
        .bind(after.assignment_group.map(|g| g.0))
        .bind(after.assigned_to.map(|u| u.0))
        .bind(actor.id.0)
        .bind(now.0)
        .bind(id.0)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(incident::IncidentRefusal::Changed {
                by: before.updated_by.display_name.clone(),
                at: before.updated_at.clock_utc(),
            }
            .into());
        }
        if after.caller != before.caller.id {
            // The activity is the caller's to see: the new one's, no longer the old one's.
            sqlx::query("UPDATE conversations SET customer_id = ?1 WHERE id = ?2")
                .bind(after.caller.0)
                .bind(before.activity.0)
                .execute(&mut *tx)
                .await?;
        }
        let new_entries: Vec<NewEntry> = lines
            .into_iter()
            .map(|line| system_entry(&actor, Event::FieldChanged, line))
            .collect();
        let entries = append(&mut tx, before.activity, &new_entries, now).await?;
        if let Some(assignee) = after.assigned_to {
            follow_all(&mut tx, id, &[assignee]).await?;
        }
        let incident = load_incident(&mut tx, id)
            .await?
            .ok_or(IncidentError::NotFound)?;
        let activity = load_conversation(&mut tx, before.activity)
            .await?
            .ok_or(IncidentError::NotFound)?;
        tx.commit().await?;
        Ok(Updated {
            incident,
            activity: (activity, entries),
        })
    }

    pub async fn incident(&self, id: IncidentId) -> Result<Option<Incident>> {
        let mut conn = self.read.acquire().await?;
        load_incident(&mut conn, id).await
    }

    pub async fn incident_by_number(&self, number: &str) -> Result<Option<Incident>> {
        let row = sqlx::query(&format!("{INCIDENT_SELECT} WHERE i.number = ?1"))
            .bind(number)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(incident_from_row).transpose()
    }

    /// The incident whose activity is conversation `conv`.
    pub async fn incident_of_activity(&self, conv: ConversationId) -> Result<Option<Incident>> {
        let row = sqlx::query(&format!("{INCIDENT_SELECT} WHERE i.activity_id = ?1"))
            .bind(conv.0)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(incident_from_row).transpose()
    }

    pub async fn incidents(&self, query: &IncidentQuery) -> Result<Vec<Incident>> {
        let rows = list_query::<sqlx::Sqlite>(query)
            .build()
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(incident_from_row).collect()
    }

    /// The incidents created from support session `session`, newest first.
    pub async fn incidents_of_session(&self, session: ConversationId) -> Result<Vec<Incident>> {
        let rows = sqlx::query(&format!(
            "{INCIDENT_SELECT} WHERE i.session_id = ?1 ORDER BY i.id DESC"
        ))
        .bind(session.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(incident_from_row).collect()
    }

    /// `user` follows `incident` (or no longer does).
    pub async fn set_following(
        &self,
        user: UserId,
        incident: IncidentId,
        follow: bool,
    ) -> Result<()> {
        if follow {
            let mut conn = self.write.acquire().await?;
            follow_all(&mut conn, incident, &[user]).await
        } else {
            sqlx::query("DELETE FROM follows WHERE user_id = ?1 AND incident_id = ?2")
                .bind(user.0)
                .bind(incident.0)
                .execute(&self.write)
                .await?;
            Ok(())
        }
    }

    /// Which of `incidents` `user` follows.
    pub async fn following(
        &self,
        user: UserId,
        incidents: &[IncidentId],
    ) -> Result<Vec<IncidentId>> {
        let found: Vec<i64> =
            sqlx::query_scalar("SELECT incident_id FROM follows WHERE user_id = ?1")
                .bind(user.0)
                .fetch_all(&self.read)
                .await?;
        Ok(incidents
            .iter()
            .copied()
            .filter(|i| found.contains(&i.0))
            .collect())
    }

    /// Who follows the incident whose activity is `conv`.
    pub async fn followers_of_activity(&self, conv: ConversationId) -> Result<Vec<UserId>> {
        let found: Vec<i64> = sqlx::query_scalar(
            "SELECT f.user_id FROM follows f JOIN incidents i ON i.id = f.incident_id \
             WHERE i.activity_id = ?1",
        )
        .bind(conv.0)
        .fetch_all(&self.read)
        .await?;
        Ok(found.into_iter().map(UserId).collect())
    }

    /// `user` posts to a conversation that is not a support session: an incident's activity
    /// (staff comments and work notes, the caller comments) or a chat between colleagues (its
    /// members, comments); a repeated client id answers with the original.
    pub async fn post_plain(
        &self,
        conv: ConversationId,
        user: &User,
        post: Post,
        now: Timestamp,
    ) -> Result<Applied, CommandError> {
        // Not a record or a chat (a session refused as not found, or nothing): answered
        // without a write transaction.
        let stored_kind: Option<String> =
            sqlx::query_scalar("SELECT kind FROM conversations WHERE id = ?1")
                .bind(conv.0)
                .fetch_optional(&self.read)
                .await?;
        if !matches!(stored_kind.as_deref(), Some("record" | "chat")) {
            return Err(Refusal::NotFound.into());
        }
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("SELECT id FROM conversations WHERE id = ?1 AND kind IN ('record', 'chat')")
            .bind(conv.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Refusal::NotFound)?;
        let record = load_conversation(&mut tx, conv)
            .await?
            .ok_or(Refusal::NotFound)?;
        let user = load_user(&mut tx, user.id)
            .await?
            .ok_or(Refusal::NotFound)?;
        // A refused body is refused whatever its client id (as in a session); a repeated send
        // is answered with the original (an incident's even after it closed).
        post.check()?;
        let may_view = session::can_view(&record, &session::Viewer::new(&user, false));
        if may_view
            && let Some(original) = find_sent(&mut tx, conv, user.id, &post.client_id).await?
        {
            return Ok(replayed(record, original));
        }
        if record.kind == session::ConversationKind::Chat {
            crate::domain::chat::check_post(&record, &user, post.kind)?;
        } else {
            let row = sqlx::query("SELECT state, caller_id FROM incidents WHERE activity_id = ?1")
                .bind(conv.0)
                .fetch_one(&mut *tx)
                .await?;
            let state: String = row.try_get("state")?;
            let caller: i64 = row.try_get("caller_id")?;
            let state = incident::IncidentState::parse(&state).ok_or(Refusal::NotFound)?;
            incident::may_post(state, UserId(caller), &user, post.kind)?;
        }
        // Allowed, but the sender has not seen what came meanwhile: held, nothing stored.
        let newer = match post.seen {
            Some(seen) => count_newer(&mut tx, conv, seen, &user).await?,
            None => 0,
        };
        session::check_stale(&post, newer)?;
        let entry = post.entry(&user);
        let entries = append(&mut tx, conv, &[entry], now).await?;
        let after = load_conversation(&mut tx, conv)
            .await?
            .ok_or(Refusal::NotFound)?;
        tx.commit().await?;
        Ok(Applied {
            previous_state: record.state,
            conversation: after,
            entries,
            created: true,
        })
    }
}
