//! Users, assignment groups, membership and queues.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{Result, SqliteDb, StorageError, classify};
use crate::domain::{
    Group, GroupId, NewQueue, NewUser, Queue, QueueId, QueueSettings, Role, RoleSet, Timestamp,
    User, UserId,
};
use crate::storage::audit::{self, Audit};
use crate::storage::{DirectorySeed, UserChanges};

const USER_COLUMNS: &str = "id, username, display_name, is_admin, is_manager, is_agent, \
                            is_customer, itil, disabled, created_at";

const QUEUE_SELECT: &str = "SELECT q.id, q.name, q.group_id, g.name AS group_name, q.greeting, \
     q.inactivity_warning_seconds, q.auto_close_seconds, q.assignee_grace_seconds, q.unsend_seconds, q.max_sessions_per_agent, q.survey, q.offer_alert_seconds, q.reply_alert_seconds \
     FROM queues q JOIN assignment_groups g ON g.id = q.group_id";

fn user_from_row(row: &SqliteRow) -> Result<User> {
    user_from_columns(row, "")
}

/// A user from a row holding [`USER_COLUMNS`], each prefixed (e.g. the actor's in a query
/// that reads more).
pub(super) fn user_from_columns(row: &SqliteRow, prefix: &str) -> Result<User> {
    let name = |col: &'static str| -> std::borrow::Cow<'static, str> {
        if prefix.is_empty() {
            col.into()
        } else {
            format!("{prefix}{col}").into()
        }
    };
    let flag =
        |col: &'static str| -> Result<bool> { Ok(row.try_get::<i64, _>(name(col).as_ref())? != 0) };
    let mut roles = Vec::new();
    for (col, role) in [
        ("is_admin", Role::Admin),
        ("is_manager", Role::Manager),
        ("is_agent", Role::Agent),
        ("is_customer", Role::Customer),
    ] {
        if flag(col)? {
            roles.push(role);
        }
    }
    Ok(User {
        id: UserId(row.try_get(name("id").as_ref())?),
        username: row.try_get(name("username").as_ref())?,
        display_name: row.try_get(name("display_name").as_ref())?,
        roles: RoleSet::of(&roles),
        itil: flag("itil")?,
        disabled: flag("disabled")?,
        created_at: Timestamp(row.try_get(name("created_at").as_ref())?),
    })
}

/// A user as stored now (inside a transaction: as of that transaction).
pub(super) async fn load_user(db: &mut sqlx::SqliteConnection, id: UserId) -> Result<Option<User>> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
        .bind(id.0)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

async fn insert_user<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    new: &NewUser,
    password_hash: &str,
    now: Timestamp,
) -> Result<User> {
    let roles = new.roles;
    let row = sqlx::query(&format!(
        "INSERT INTO users (username, display_name, password_hash, is_admin, is_manager, \
         is_agent, is_customer, itil, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         RETURNING {USER_COLUMNS}"
    ))
    .bind(&new.username)
    .bind(&new.display_name)
    .bind(password_hash)
    .bind(roles.contains(Role::Admin))
    .bind(roles.contains(Role::Manager))
    .bind(roles.contains(Role::Agent))
    .bind(roles.contains(Role::Customer))
    .bind(new.itil)
    .bind(now.0)
    .fetch_one(db)
    .await
    .map_err(|e| classify(e, "username"))?;
    user_from_row(&row)
}

fn queue_from_row(row: &SqliteRow) -> Result<Queue> {
    let secs = |col: &str| -> Result<u32> {
        let v: i64 = row.try_get(col)?;
        Ok(u32::try_from(v).unwrap_or(u32::MAX))
    };
    Ok(Queue {
        id: QueueId(row.try_get("id")?),
        settings: QueueSettings {
            name: row.try_get("name")?,
            group: GroupId(row.try_get("group_id")?),
            greeting: row.try_get("greeting")?,
            inactivity_warning_secs: secs("inactivity_warning_seconds")?,
            auto_close_secs: secs("auto_close_seconds")?,
            assignee_grace_secs: secs("assignee_grace_seconds")?,
            unsend_secs: secs("unsend_seconds")?,
            max_sessions_per_agent: secs("max_sessions_per_agent")?,
            survey: row.try_get::<i64, _>("survey")? != 0,
            offer_alert_secs: secs("offer_alert_seconds")?,
            reply_alert_secs: secs("reply_alert_seconds")?,
        },
        group_name: row.try_get("group_name")?,
    })
}

/// A queue as stored now (inside a transaction: as of that transaction).
pub(super) async fn load_queue(
    db: &mut sqlx::SqliteConnection,
    id: QueueId,
) -> Result<Option<Queue>> {
    let row = sqlx::query(&format!("{QUEUE_SELECT} WHERE q.id = ?"))
        .bind(id.0)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(queue_from_row).transpose()
}

/// The audit record of `user` joining or leaving `group`, read in the change's transaction.
async fn membership_record(
    db: &mut sqlx::SqliteConnection,
    group: GroupId,
    user: UserId,
    added: bool,
) -> Result<audit::Record> {
    let row = sqlx::query("SELECT id, name FROM assignment_groups WHERE id = ?")
        .bind(group.0)
        .fetch_one(&mut *db)
        .await?;
    let group = group_from_row(&row)?;
    let member = load_user(db, user)
        .await?
        .ok_or(StorageError::Missing("user"))?;
    Ok(audit::membership(&group, &(&member).into(), added))
}

fn group_from_row(row: &SqliteRow) -> Result<Group> {
    Ok(Group {
        id: GroupId(row.try_get("id")?),
        name: row.try_get("name")?,
    })
}

impl SqliteDb {
    /// Creates a user; `Duplicate("username")` if the name is taken.
    pub async fn create_user(
        &self,
        new: &NewUser,
        password_hash: &str,
        now: Timestamp,
        by: &Audit,
    ) -> Result<User> {
        let mut tx = self.write.begin().await?;
        let user = insert_user(&mut *tx, new, password_hash, now).await?;
        super::audit::insert(&mut tx, by, &audit::user_created(&user)).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn user(&self, id: UserId) -> Result<Option<User>> {
        let mut conn = self.read.acquire().await?;
        load_user(&mut conn, id).await
    }

    /// A user and their password hash, by (normalised) username.
    pub async fn user_with_password(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = ?"
        ))
        .bind(username)
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| Ok((user_from_row(&r)?, r.try_get("password_hash")?)))
            .transpose()
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username"
        ))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Enabled users whose name or username contains `text` (any case), by name, at most
    /// `limit`.
    pub async fn search_users(&self, text: &str, limit: i64) -> Result<Vec<User>> {
        let pattern = crate::storage::incidents::like_anywhere(text);
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE NOT disabled \
             AND (lower(display_name) LIKE ?1 ESCAPE '\\' OR lower(username) LIKE ?1 ESCAPE '\\') \
             ORDER BY display_name, id LIMIT ?2"
        ))
        .bind(pattern)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    pub async fn count_users(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&self.read)
            .await?)
    }

    /// Applies `changes` to a user in one transaction; disabling a user also ends every web
    /// session they have, so they are signed out at once.
    pub async fn update_user(&self, id: UserId, changes: &UserChanges, by: &Audit) -> Result<User> {
        let mut tx = self.write.begin().await?;
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::Missing("user"))?;
        let current = user_from_row(&row)?;
        let roles = changes.roles.unwrap_or(current.roles);
        let disabled = changes.disabled.unwrap_or(current.disabled);
        let row = sqlx::query(&format!(
            "UPDATE users SET display_name = ?, password_hash = coalesce(?, password_hash), \
             is_admin = ?, is_manager = ?, is_agent = ?, is_customer = ?, itil = ?, disabled = ? \
             WHERE id = ? RETURNING {USER_COLUMNS}"
        ))
        .bind(
            changes
                .display_name
                .as_ref()
                .unwrap_or(&current.display_name),
        )
        .bind(changes.password_hash.as_ref())
        .bind(roles.contains(Role::Admin))
        .bind(roles.contains(Role::Manager))
        .bind(roles.contains(Role::Agent))
        .bind(roles.contains(Role::Customer))
        .bind(changes.itil.unwrap_or(current.itil))
        .bind(disabled)
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
        if disabled || changes.password_hash.is_some() {
            sqlx::query("DELETE FROM web_sessions WHERE user_id = ?")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        let user = user_from_row(&row)?;
        if let Some(record) = audit::user_updated(&current, &user, changes.password_hash.is_some())
        {
            super::audit::insert(&mut tx, by, &record).await?;
        }
        tx.commit().await?;
        Ok(user)
    }

    /// Creates an assignment group; `Duplicate("group name")` if the name is taken.
    pub async fn create_group(&self, name: &str, now: Timestamp, by: &Audit) -> Result<Group> {
        let mut tx = self.write.begin().await?;
        let row = sqlx::query(
            "INSERT INTO assignment_groups (name, created_at) VALUES (?, ?) RETURNING id, name",
        )
        .bind(name)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| classify(e, "group name"))?;
        let group = group_from_row(&row)?;
        super::audit::insert(&mut tx, by, &audit::group_created(&group)).await?;
        tx.commit().await?;
        Ok(group)
    }

    pub async fn group(&self, id: GroupId) -> Result<Option<Group>> {
        let row = sqlx::query("SELECT id, name FROM assignment_groups WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(group_from_row).transpose()
    }

    pub async fn groups(&self) -> Result<Vec<Group>> {
        let rows = sqlx::query("SELECT id, name FROM assignment_groups ORDER BY name")
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(group_from_row).collect()
    }

    /// The members of a group, by display name.
    pub async fn group_members(&self, group: GroupId) -> Result<Vec<User>> {
        let cols = USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!(
            "SELECT {cols} FROM users u JOIN group_members m ON m.user_id = u.id \
             WHERE m.group_id = ? ORDER BY u.display_name"
        ))
        .bind(group.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Adds a member; adding one who is already in is not an error (and records nothing).
    pub async fn add_group_member(&self, group: GroupId, user: UserId, by: &Audit) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "INSERT INTO group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(group.0)
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| classify(e, "group or user"))?;
        if done.rows_affected() == 1 {
            let record = membership_record(&mut tx, group, user, true).await?;
            super::audit::insert(&mut tx, by, &record).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member; true if they were one.
    pub async fn remove_group_member(
        &self,
        group: GroupId,
        user: UserId,
        by: &Audit,
    ) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query("DELETE FROM group_members WHERE group_id = ? AND user_id = ?")
            .bind(group.0)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 1 {
            let record = membership_record(&mut tx, group, user, false).await?;
            super::audit::insert(&mut tx, by, &record).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn create_queue(&self, new: &NewQueue, now: Timestamp, by: &Audit) -> Result<Queue> {
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO queues (name, group_id, greeting, inactivity_warning_seconds, \
             auto_close_seconds, assignee_grace_seconds, unsend_seconds, max_sessions_per_agent, survey, created_at, \
             offer_alert_seconds, reply_alert_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&new.name)
        .bind(new.group.0)
        .bind(&new.greeting)
        .bind(new.inactivity_warning_secs)
        .bind(new.auto_close_secs)
        .bind(new.assignee_grace_secs)
        .bind(new.unsend_secs)
        .bind(new.max_sessions_per_agent)
        .bind(new.survey)
        .bind(now.0)
        .bind(new.offer_alert_secs)
        .bind(new.reply_alert_secs)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| classify(e, "queue name"))?;
        let queue = load_queue(&mut tx, QueueId(id))
            .await?
            .ok_or(StorageError::Missing("queue"))?;
        super::audit::insert(&mut tx, by, &audit::queue_created(&queue)).await?;
        tx.commit().await?;
        Ok(queue)
    }

    /// Replaces a queue's settings.
    pub async fn update_queue(
        &self,
        id: QueueId,
        settings: &QueueSettings,
        by: &Audit,
    ) -> Result<Queue> {
        let mut tx = self.write.begin().await?;
        let before = load_queue(&mut tx, id)
            .await?
            .ok_or(StorageError::Missing("queue"))?;
        let done = sqlx::query(
            "UPDATE queues SET name = ?, group_id = ?, greeting = ?, inactivity_warning_seconds = ?, \
             auto_close_seconds = ?, assignee_grace_seconds = ?, unsend_seconds = ?, max_sessions_per_agent = ?, survey = ?, \
             offer_alert_seconds = ?, reply_alert_seconds = ? WHERE id = ?",
        )
        .bind(&settings.name)
        .bind(settings.group.0)
        .bind(&settings.greeting)
        .bind(settings.inactivity_warning_secs)
        .bind(settings.auto_close_secs)
        .bind(settings.assignee_grace_secs)
        .bind(settings.unsend_secs)
        .bind(settings.max_sessions_per_agent)
        .bind(settings.survey)
        .bind(settings.offer_alert_secs)
        .bind(settings.reply_alert_secs)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| classify(e, "queue name"))?;
        if done.rows_affected() == 0 {
            return Err(StorageError::Missing("queue"));
        }
        let queue = load_queue(&mut tx, id)
            .await?
            .ok_or(StorageError::Missing("queue"))?;
        // A guard turned off drops its pending guards in the queue at once.
        for (secs, kinds) in [
            (settings.offer_alert_secs, "'offer'"),
            (settings.reply_alert_secs, "'reply', 'reply_return'"),
        ] {
            if secs == 0 {
                sqlx::query(&format!(
                    "DELETE FROM guards WHERE kind IN ({kinds}) AND conversation_id IN \
                     (SELECT id FROM conversations WHERE queue_id = ?)"
                ))
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            }
        }
        if let Some(record) = audit::queue_updated(&before, &queue) {
            super::audit::insert(&mut tx, by, &record).await?;
        }
        tx.commit().await?;
        Ok(queue)
    }

    pub async fn queue(&self, id: QueueId) -> Result<Option<Queue>> {
        let row = sqlx::query(&format!("{QUEUE_SELECT} WHERE q.id = ?"))
            .bind(id.0)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(queue_from_row).transpose()
    }

    /// Every queue, by name.
    pub async fn queues(&self) -> Result<Vec<Queue>> {
        let rows = sqlx::query(&format!("{QUEUE_SELECT} ORDER BY q.name"))
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(queue_from_row).collect()
    }

    /// The queues whose assignment group `user` is a member of.
    pub async fn queues_worked_by(&self, user: UserId) -> Result<Vec<Queue>> {
        let rows = sqlx::query(&format!(
            "{QUEUE_SELECT} JOIN group_members m ON m.group_id = q.group_id \
             WHERE m.user_id = ? ORDER BY q.name"
        ))
        .bind(user.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(queue_from_row).collect()
    }
}

impl SqliteDb {
    /// Loads `seed` in one transaction, only if the database has no users yet. Returns whether
    /// it was loaded; either all of it is stored or none.
    pub async fn seed_if_empty(&self, seed: &DirectorySeed, now: Timestamp) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&mut *tx)
            .await?;
        if users > 0 {
            return Ok(false);
        }
        for (user, hash) in &seed.users {
            insert_user(&mut *tx, user, hash, now).await?;
        }
        for (name, members) in &seed.groups {
            let group: i64 = sqlx::query_scalar(
                "INSERT INTO assignment_groups (name, created_at) VALUES (?, ?) RETURNING id",
            )
            .bind(name)
            .bind(now.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| classify(e, "group name"))?;
            for member in members {
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id) SELECT ?, id FROM users WHERE username = ?",
                )
                .bind(group)
                .bind(member)
                .execute(&mut *tx)
                .await?;
            }
        }
        for (settings, group) in &seed.queues {
            sqlx::query(
                "INSERT INTO queues (name, group_id, greeting, inactivity_warning_seconds, \
                 auto_close_seconds, assignee_grace_seconds, unsend_seconds, max_sessions_per_agent, survey, created_at, \
                 offer_alert_seconds, reply_alert_seconds) \
                 SELECT ?, id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM assignment_groups WHERE name = ?",
            )
            .bind(&settings.name)
            .bind(&settings.greeting)
            .bind(settings.inactivity_warning_secs)
            .bind(settings.auto_close_secs)
            .bind(settings.assignee_grace_secs)
            .bind(settings.unsend_secs)
            .bind(settings.max_sessions_per_agent)
            .bind(settings.survey)
            .bind(now.0)
            .bind(settings.offer_alert_secs)
            .bind(settings.reply_alert_secs)
            .bind(group)
            .execute(&mut *tx)
            .await
            .map_err(|e| classify(e, "queue name"))?;
        }
        for (queue, title, body) in &seed.canned {
            sqlx::query("INSERT INTO canned_messages (queue_id, title, body) SELECT id, ?, ? FROM queues WHERE name = ?")
                .bind(title)
                .bind(body)
                .bind(queue)
                .execute(&mut *tx)
                .await
                .map_err(|e| classify(e, "canned message title"))?;
        }
        for (author, fields) in &seed.articles {
            let author: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
                .bind(author)
                .fetch_one(&mut *tx)
                .await?;
            let client_id = format!("demo-{}", fields.title);
            super::kb::insert_article(&mut tx, UserId(author), &client_id, fields, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}

impl SqliteDb {
    /// Stores `user`'s chosen presence: Away, or Available.
    pub async fn set_away(&self, user: UserId, away: bool) -> Result<()> {
        sqlx::query(
            "INSERT INTO presence_choices (user_id, away) VALUES (?1, ?2) \
             ON CONFLICT (user_id) DO UPDATE SET away = excluded.away",
        )
        .bind(user.0)
        .bind(away)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Whether `user` last chose Away.
    pub async fn is_away(&self, user: UserId) -> Result<bool> {
        let away: Option<bool> =
            sqlx::query_scalar("SELECT away FROM presence_choices WHERE user_id = ?1")
                .bind(user.0)
                .fetch_optional(&self.read)
                .await?;
        Ok(away.unwrap_or(false))
    }
}
