//! Users, assignment groups, membership and queues.
//!
//! Names are ordered byte-wise (`COLLATE "C"`), as SQLite orders them, whatever the
//! database's locale.

use sqlx::Row;
use sqlx::postgres::PgRow;

use super::{PgDb, Result, StorageError, classify, secs};
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

/// A user from a row holding [`USER_COLUMNS`] (flags are BOOLEAN).
pub(super) fn user_from_row(row: &PgRow) -> Result<User> {
    user_from_columns(row, "")
}

/// A user from a row holding [`USER_COLUMNS`], each prefixed (e.g. the actor's in a query
/// that reads more).
pub(super) fn user_from_columns(row: &PgRow, prefix: &str) -> Result<User> {
    let name = |col: &'static str| -> std::borrow::Cow<'static, str> {
        if prefix.is_empty() {
            col.into()
        } else {
            format!("{prefix}{col}").into()
        }
    };
    let flag =
        |col: &'static str| -> Result<bool> { Ok(row.try_get::<bool, _>(name(col).as_ref())?) };
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

/// A user as stored now (inside a transaction: as of that transaction's latest statement).
pub(super) async fn load_user(db: &mut sqlx::PgConnection, id: UserId) -> Result<Option<User>> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

async fn insert_user<'e>(
    db: impl sqlx::PgExecutor<'e>,
    new: &NewUser,
    password_hash: &str,
    now: Timestamp,
) -> Result<User> {
    let roles = new.roles;
    let row = sqlx::query(&format!(
        "INSERT INTO users (username, display_name, password_hash, is_admin, is_manager, \
         is_agent, is_customer, itil, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
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

/// A queue from a row of [`QUEUE_SELECT`] (settings are BIGINT).
pub(super) fn queue_from_row(row: &PgRow) -> Result<Queue> {
    let setting = |col: &str| -> Result<u32> { Ok(secs(row.try_get::<i64, _>(col)?)) };
    Ok(Queue {
        id: QueueId(row.try_get("id")?),
        settings: QueueSettings {
            name: row.try_get("name")?,
            group: GroupId(row.try_get("group_id")?),
            greeting: row.try_get("greeting")?,
            inactivity_warning_secs: setting("inactivity_warning_seconds")?,
            auto_close_secs: setting("auto_close_seconds")?,
            assignee_grace_secs: setting("assignee_grace_seconds")?,
            unsend_secs: setting("unsend_seconds")?,
            max_sessions_per_agent: setting("max_sessions_per_agent")?,
            survey: row.try_get("survey")?,
            offer_alert_secs: setting("offer_alert_seconds")?,
            reply_alert_secs: setting("reply_alert_seconds")?,
        },
        group_name: row.try_get("group_name")?,
    })
}

fn group_from_row(row: &PgRow) -> Result<Group> {
    Ok(Group {
        id: GroupId(row.try_get("id")?),
        name: row.try_get("name")?,
    })
}

/// Whether `user` is a member of `group` (inside a transaction: as of its latest statement).
pub(super) async fn is_member(
    db: &mut sqlx::PgConnection,
    group: GroupId,
    user: UserId,
) -> Result<bool> {
    let found: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2)",
    )
    .bind(group.0)
    .bind(user.0)
    .fetch_one(db)
    .await?;
    Ok(found)
}

/// A queue as stored now, in the caller's transaction (`lock`: its row locked until the end).
pub(super) async fn load_queue(
    db: &mut sqlx::PgConnection,
    id: QueueId,
    lock: bool,
) -> Result<Option<Queue>> {
    let lock = if lock { " FOR UPDATE OF q" } else { "" };
    let row = sqlx::query(&format!("{QUEUE_SELECT} WHERE q.id = $1{lock}"))
        .bind(id.0)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(queue_from_row).transpose()
}

/// The audit record of `user` joining or leaving `group`, read in the change's transaction.
async fn membership_record(
    db: &mut sqlx::PgConnection,
    group: GroupId,
    user: UserId,
    added: bool,
) -> Result<audit::Record> {
    let row = sqlx::query("SELECT id, name FROM assignment_groups WHERE id = $1")
        .bind(group.0)
        .fetch_one(&mut *db)
        .await?;
    let group = group_from_row(&row)?;
    let member = load_user(db, user)
        .await?
        .ok_or(StorageError::Missing("user"))?;
    Ok(audit::membership(&group, &(&member).into(), added))
}

impl PgDb {
    /// Creates a user; `Duplicate("username")` if the name is taken.
    pub async fn create_user(
        &self,
        new: &NewUser,
        password_hash: &str,
        now: Timestamp,
        by: &Audit,
    ) -> Result<User> {
        let mut tx = self.pool.begin().await?;
        let user = insert_user(&mut *tx, new, password_hash, now).await?;
        super::audit::insert(&mut tx, by, &audit::user_created(&user)).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn user(&self, id: UserId) -> Result<Option<User>> {
        let mut conn = self.pool.acquire().await?;
        load_user(&mut conn, id).await
    }

    /// A user and their password hash, by (normalised) username.
    pub async fn user_with_password(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((user_from_row(&r)?, r.try_get("password_hash")?)))
            .transpose()
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username COLLATE \"C\""
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Enabled users whose name or username contains `text` (any case), by name, at most
    /// `limit`.
    pub async fn search_users(&self, text: &str, limit: i64) -> Result<Vec<User>> {
        let pattern = crate::storage::incidents::like_anywhere(text);
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE NOT disabled \
             AND (lower(display_name) LIKE $1 ESCAPE '\\' OR lower(username) LIKE $1 ESCAPE '\\') \
             ORDER BY display_name COLLATE \"C\", id LIMIT $2"
        ))
        .bind(pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    pub async fn count_users(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Applies `changes` to a user in one transaction; disabling a user also ends every web
    /// session they have, so they are signed out at once. The user's row is locked first
    /// (`FOR UPDATE`), so concurrent changes to the same user take turns and none is lost.
    pub async fn update_user(&self, id: UserId, changes: &UserChanges, by: &Audit) -> Result<User> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1 FOR UPDATE"
        ))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StorageError::Missing("user"))?;
        let current = user_from_row(&row)?;
        let roles = changes.roles.unwrap_or(current.roles);
        let disabled = changes.disabled.unwrap_or(current.disabled);
        let row = sqlx::query(&format!(
            "UPDATE users SET display_name = $1, password_hash = coalesce($2, password_hash), \
             is_admin = $3, is_manager = $4, is_agent = $5, is_customer = $6, itil = $7, \
             disabled = $8 WHERE id = $9 RETURNING {USER_COLUMNS}"
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
            sqlx::query("DELETE FROM web_sessions WHERE user_id = $1")
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
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO assignment_groups (name, created_at) VALUES ($1, $2) RETURNING id, name",
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
        let row = sqlx::query("SELECT id, name FROM assignment_groups WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(group_from_row).transpose()
    }

    pub async fn groups(&self) -> Result<Vec<Group>> {
        let rows =
            sqlx::query("SELECT id, name FROM assignment_groups ORDER BY name COLLATE \"C\"")
                .fetch_all(&self.pool)
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
             WHERE m.group_id = $1 ORDER BY u.display_name COLLATE \"C\""
        ))
        .bind(group.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Adds a member; adding one who is already in is not an error (and records nothing).
    pub async fn add_group_member(&self, group: GroupId, user: UserId, by: &Audit) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
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
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
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
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO queues (name, group_id, greeting, inactivity_warning_seconds, \
             auto_close_seconds, assignee_grace_seconds, created_at, unsend_seconds, max_sessions_per_agent, survey, \
             offer_alert_seconds, reply_alert_seconds) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(&new.name)
        .bind(new.group.0)
        .bind(&new.greeting)
        .bind(i64::from(new.inactivity_warning_secs))
        .bind(i64::from(new.auto_close_secs))
        .bind(i64::from(new.assignee_grace_secs))
        .bind(now.0)
        .bind(i64::from(new.unsend_secs))
        .bind(i64::from(new.max_sessions_per_agent))
        .bind(new.survey)
        .bind(i64::from(new.offer_alert_secs))
        .bind(i64::from(new.reply_alert_secs))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| classify(e, "queue name"))?;
        let queue = load_queue(&mut tx, QueueId(id), false)
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
        let mut tx = self.pool.begin().await?;
        let before = load_queue(&mut tx, id, true)
            .await?
            .ok_or(StorageError::Missing("queue"))?;
        let done = sqlx::query(
            "UPDATE queues SET name = $1, group_id = $2, greeting = $3, \
             inactivity_warning_seconds = $4, auto_close_seconds = $5, \
             assignee_grace_seconds = $6, unsend_seconds = $8, max_sessions_per_agent = $9, survey = $10, \
             offer_alert_seconds = $11, reply_alert_seconds = $12 WHERE id = $7",
        )
        .bind(&settings.name)
        .bind(settings.group.0)
        .bind(&settings.greeting)
        .bind(i64::from(settings.inactivity_warning_secs))
        .bind(i64::from(settings.auto_close_secs))
        .bind(i64::from(settings.assignee_grace_secs))
        .bind(id.0)
        .bind(i64::from(settings.unsend_secs))
        .bind(i64::from(settings.max_sessions_per_agent))
        .bind(settings.survey)
        .bind(i64::from(settings.offer_alert_secs))
        .bind(i64::from(settings.reply_alert_secs))
        .execute(&mut *tx)
        .await
        .map_err(|e| classify(e, "queue name"))?;
        if done.rows_affected() == 0 {
            return Err(StorageError::Missing("queue"));
        }
        let queue = load_queue(&mut tx, id, false)
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
                     (SELECT id FROM conversations WHERE queue_id = $1)"
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
        let row = sqlx::query(&format!("{QUEUE_SELECT} WHERE q.id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(queue_from_row).transpose()
    }

    /// Every queue, by name.
    pub async fn queues(&self) -> Result<Vec<Queue>> {
        let rows = sqlx::query(&format!("{QUEUE_SELECT} ORDER BY q.name COLLATE \"C\""))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(queue_from_row).collect()
    }

    /// The queues whose assignment group `user` is a member of.
    pub async fn queues_worked_by(&self, user: UserId) -> Result<Vec<Queue>> {
        let rows = sqlx::query(&format!(
            "{QUEUE_SELECT} JOIN group_members m ON m.group_id = q.group_id \
             WHERE m.user_id = $1 ORDER BY q.name COLLATE \"C\""
        ))
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(queue_from_row).collect()
    }

    /// Whether `user` is a member of the assignment group of `queue`.
    pub async fn works_queue(&self, user: UserId, queue: QueueId) -> Result<bool> {
        let found: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM queues q JOIN group_members m ON m.group_id = q.group_id \
             WHERE q.id = $1 AND m.user_id = $2)",
        )
        .bind(queue.0)
        .bind(user.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(found)
    }

    /// Whether `user` is a member of `group`.
    pub async fn is_group_member(&self, group: GroupId, user: UserId) -> Result<bool> {
        let mut conn = self.pool.acquire().await?;
        is_member(&mut conn, group, user).await
    }

    /// The groups `user` is a member of.
    pub async fn groups_of(&self, user: UserId) -> Result<Vec<GroupId>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT group_id FROM group_members WHERE user_id = $1")
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.into_iter().map(GroupId).collect())
    }
}

impl PgDb {
    /// Loads `seed` in one transaction, only if the database has no users yet. Returns whether
    /// it was loaded; either all of it is stored or none. Several nodes may start at once: the
    /// users table is locked against other writers (`SHARE ROW EXCLUSIVE`, which conflicts with
    /// itself; readers go on) before counting, so one node seeds and the others, counting after
    /// it committed, find users and load nothing.
    pub async fn seed_if_empty(&self, seed: &DirectorySeed, now: Timestamp) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
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
                "INSERT INTO assignment_groups (name, created_at) VALUES ($1, $2) RETURNING id",
            )
            .bind(name)
            .bind(now.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| classify(e, "group name"))?;
            for member in members {
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id) \
                     SELECT $1, id FROM users WHERE username = $2",
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
                 auto_close_seconds, assignee_grace_seconds, created_at, unsend_seconds, max_sessions_per_agent, survey, \
                 offer_alert_seconds, reply_alert_seconds) \
                 SELECT $1, id, $2, $3, $4, $5, $6, $8, $9, $10, $11, $12 FROM assignment_groups WHERE name = $7",
            )
            .bind(&settings.name)
            .bind(&settings.greeting)
            .bind(i64::from(settings.inactivity_warning_secs))
            .bind(i64::from(settings.auto_close_secs))
            .bind(i64::from(settings.assignee_grace_secs))
            .bind(now.0)
            .bind(group)
            .bind(i64::from(settings.unsend_secs))
            .bind(i64::from(settings.max_sessions_per_agent))
            .bind(settings.survey)
            .bind(i64::from(settings.offer_alert_secs))
            .bind(i64::from(settings.reply_alert_secs))
            .execute(&mut *tx)
            .await
            .map_err(|e| classify(e, "queue name"))?;
        }
        for (queue, title, body) in &seed.canned {
            sqlx::query(
                "INSERT INTO canned_messages (queue_id, title, body) \
                 SELECT id, $1, $2 FROM queues WHERE name = $3",
            )
            .bind(title)
            .bind(body)
            .bind(queue)
            .execute(&mut *tx)
            .await
            .map_err(|e| classify(e, "canned message title"))?;
        }
        for (author, fields) in &seed.articles {
            let author: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
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

impl PgDb {
    /// Stores `user`'s chosen presence: Away, or Available.
    pub async fn set_away(&self, user: UserId, away: bool) -> Result<()> {
        sqlx::query(
            "INSERT INTO presence_choices (user_id, away) VALUES ($1, $2) \
             ON CONFLICT (user_id) DO UPDATE SET away = excluded.away",
        )
        .bind(user.0)
        .bind(away)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether `user` last chose Away.
    pub async fn is_away(&self, user: UserId) -> Result<bool> {
        let away: Option<bool> =
            sqlx::query_scalar("SELECT away FROM presence_choices WHERE user_id = $1")
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(away.unwrap_or(false))
    }
}
