//! Connect Chat on SQLite: creating a chat (one direct chat per pair, by its unique key),
//! adding and removing members, and inviting a colleague into a support session, each one
//! `BEGIN IMMEDIATE` transaction that reads the people as stored, asks `domain::chat`, and
//! stores the change with the entry that tells it.

use super::conversations::{append, load_conversation};
use super::directory::load_user;
use super::{Result, SqliteDb};
use crate::domain::chat::{self, NewChat};
use crate::domain::session::{Conversation, Entry, EntryKind, Event, Refusal};
use crate::domain::{ConversationId, Timestamp, User, UserId};
use crate::storage::chats::{Admission, line};
use crate::storage::{Applied, CommandError};

async fn user_as_stored(db: &mut sqlx::SqliteConnection, id: UserId) -> Result<User, CommandError> {
    Ok(load_user(db, id).await?.ok_or(Refusal::NotFound)?)
}

/// `conv` after a change that stored `entries` (none: nothing changed).
async fn changed(
    db: &mut sqlx::SqliteConnection,
    before: &Conversation,
    entries: Vec<Entry>,
) -> Result<Applied, CommandError> {
    let after = load_conversation(db, before.id)
        .await?
        .ok_or(Refusal::NotFound)?;
    Ok(Applied {
        previous_state: before.state,
        created: !entries.is_empty(),
        conversation: after,
        entries,
    })
}

impl SqliteDb {
    /// Starts a chat of `actor` with `others` (a direct chat without `title`: the existing one
    /// when the two have one). Returns it, its first entry, and whether it is new.
    pub async fn create_chat(
        &self,
        actor: &User,
        others: &[UserId],
        title: Option<String>,
        now: Timestamp,
    ) -> Result<(Conversation, Vec<Entry>, bool), CommandError> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let actor = user_as_stored(&mut tx, actor.id).await?;
        let mut found = Vec::with_capacity(others.len());
        for id in others {
            found.push((*id, load_user(&mut tx, *id).await?));
        }
        let NewChat {
            title,
            members,
            direct_key,
        } = chat::check_new(&actor, &found, title)?;
        if let Some(key) = &direct_key {
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT id FROM conversations WHERE direct_key = ?1")
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(id) = existing {
                let conv = load_conversation(&mut tx, ConversationId(id))
                    .await?
                    .ok_or(Refusal::NotFound)?;
                return Ok((conv, Vec::new(), false));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (kind, state, title, direct_key, created_at) \
             VALUES ('chat', 'active', ?1, ?2, ?3) RETURNING id",
        )
        .bind(title.as_deref())
        .bind(direct_key.as_deref())
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await?;
        let id = ConversationId(id);
        for member in &members {
            sqlx::query(
                "INSERT INTO conversation_members (conversation_id, user_id, role, added_at) \
                 VALUES (?1, ?2, 'member', ?3)",
            )
            .bind(id.0)
            .bind(member.0)
            .bind(now.0)
            .execute(&mut *tx)
            .await?;
        }
        let others: Vec<&User> = found
            .iter()
            .filter_map(|(_, u)| u.as_ref())
            .filter(|u| u.id != actor.id)
            .collect();
        let started = line(
            &actor,
            EntryKind::System,
            Some(Event::MemberAdded),
            chat::started_line(&actor, &others, title.as_deref()),
        );
        let entries = append(&mut tx, id, &[started], now).await?;
        let conv = load_conversation(&mut tx, id)
            .await?
            .ok_or(Refusal::NotFound)?;
        tx.commit().await?;
        Ok((conv, entries, true))
    }

    /// `actor`, a member of group chat `conv`, adds `colleague`.
    pub async fn add_chat_member(
        &self,
        conv: ConversationId,
        actor: &User,
        colleague: UserId,
        now: Timestamp,
    ) -> Result<Applied, CommandError> {
        self.admit(conv, actor, colleague, Admission::Member, now)
            .await
    }

    /// `actor` leaves group chat `conv`.
    pub async fn leave_chat(
        &self,
        conv: ConversationId,
        actor: &User,
        now: Timestamp,
    ) -> Result<Applied, CommandError> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let before = load_conversation(&mut tx, conv)
            .await?
            .ok_or(Refusal::NotFound)?;
        let actor = user_as_stored(&mut tx, actor.id).await?;
        chat::check_leave(&before, &actor)?;
        sqlx::query("DELETE FROM conversation_members WHERE conversation_id = ?1 AND user_id = ?2")
            .bind(conv.0)
            .bind(actor.id.0)
            .execute(&mut *tx)
            .await?;
        let left = line(
            &actor,
            EntryKind::System,
            Some(Event::MemberLeft),
            chat::left_line(&actor),
        );
        let entries = append(&mut tx, conv, &[left], now).await?;
        let applied = changed(&mut tx, &before, entries).await?;
        tx.commit().await?;
        Ok(applied)
    }

    /// `actor` invites `colleague` into support session `conv` to help (a work note says so).
    pub async fn invite(
        &self,
        conv: ConversationId,
        actor: &User,
        colleague: UserId,
        now: Timestamp,
    ) -> Result<Applied, CommandError> {
        self.admit(conv, actor, colleague, Admission::Invited, now)
            .await
    }

    /// `actor` brings `colleague` into `conv` as `admission` says, if `domain::chat` agrees,
    /// with the entry that tells it; nothing when they are in already.
    async fn admit(
        &self,
        conv: ConversationId,
        actor: &User,
        colleague: UserId,
        admission: Admission,
        now: Timestamp,
    ) -> Result<Applied, CommandError> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let before = load_conversation(&mut tx, conv)
            .await?
            .ok_or(Refusal::NotFound)?;
        let actor = user_as_stored(&mut tx, actor.id).await?;
        let colleague = load_user(&mut tx, colleague)
            .await?
            .ok_or_else(|| admission.no_such_user())?;
        if !admission.check(&before, &actor, &colleague)? {
            return changed(&mut tx, &before, Vec::new()).await;
        }
        sqlx::query(
            "INSERT INTO conversation_members (conversation_id, user_id, role, added_at) \
             VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(conv.0)
        .bind(colleague.id.0)
        .bind(admission.role())
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
        let entries = append(&mut tx, conv, &[admission.entry(&actor, &colleague)], now).await?;
        let applied = changed(&mut tx, &before, entries).await?;
        tx.commit().await?;
        Ok(applied)
    }
}
