//! The only place that speaks SQL. [`Db`] is the storage the rest of the server holds: one
//! interface (the methods listed in [`storage_interface!`]'s invocation below), one
//! implementation per backend in its own folder — [`sqlite`] (the embedded default) and, by a
//! `postgres://` URL, PostgreSQL — each with its own migrations under `migrations/<backend>/`.
//! Each method is dispatched to the backend the URL chose; both must offer every one of them
//! with the same signature (the dispatch does not compile otherwise).

pub mod attachments;
pub mod audit;
mod chats;
mod facts;
pub mod incidents;
pub mod kb;
mod postgres;
mod rows;
mod sqlite;
#[cfg(test)]
mod stale_reads;

use std::path::PathBuf;
use std::time::Duration;

use crate::domain::attachment::Attachment;
use crate::domain::canned::Canned;
use crate::domain::incident::Incident;
use crate::domain::session::{
    Absence, Audience, Command, Conversation, Deadline, Decision, Entry, EntryKind, Post, Refusal,
    SessionState,
};
use crate::domain::signin::Failures;
use crate::domain::{
    AttachmentId, CannedId, ConversationId, Group, GroupId, IncidentId, NewQueue, NewUser, Queue,
    QueueId, QueueSettings, RoleSet, Timestamp, User, UserId,
};

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A uniqueness rule of the schema refused the write; the string names what collided.
    #[error("{0} is already taken")]
    Duplicate(&'static str),
    /// A row the write refers to does not exist.
    #[error("{0} not found")]
    Missing(&'static str),
    #[error("database URL not supported: {0}")]
    UnsupportedUrl(String),
    #[error("not supported: {0}")]
    Unsupported(&'static str),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("writer: {0}")]
    Writer(&'static str),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("preparing the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

impl StorageError {
    /// The database cannot be reached now (connection lost or refused, server shutting down or
    /// out of connections): a request may succeed later, nothing is wrong with it.
    pub fn is_unreachable(&self) -> bool {
        match self {
            StorageError::Database(
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed,
            ) => true,
            // SQLSTATE classes 08 (connection exception), 57P (operator intervention: shutdown,
            // cannot connect now), 53300 (too many connections), 55000 (the database is not
            // accepting connections: what a new connection of the pool meets while an operator
            // has closed it).
            StorageError::Database(sqlx::Error::Database(db)) => db.code().is_some_and(|code| {
                code.starts_with("08")
                    || code.starts_with("57P")
                    || code == "53300"
                    || (code == "55000" && db.message().contains("accepting connections"))
            }),
            _ => false,
        }
    }
}

/// What a command did.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The conversation after the command.
    pub conversation: Conversation,
    /// The state before it.
    pub previous_state: SessionState,
    /// The entries it stored, or for a repeated send the entry stored the first time.
    pub entries: Vec<Entry>,
    /// False when nothing was stored: a repeated send (its original entry is in `entries`), or
    /// a command with nothing left to do (the winner's repeated Accept).
    pub created: bool,
}

/// Whether `decision` on `conv` ends its invitations (the store deletes them in its
/// transaction): [`crate::domain::chat::invitations_end`].
pub(crate) fn ends_invitations(conv: &Conversation, decision: &Decision) -> bool {
    crate::domain::chat::invitations_end(
        conv,
        decision.state,
        decision.assignee.as_ref().map(|a| a.id),
    )
}

/// How `decision` on `conv` moves the sessions agents hold in its queue (`agent_load`, which
/// the database keeps under the queue's `max_sessions_per_agent`): the agent who held it active
/// gives it up (close, hand back, transfer away), the one who holds it active after takes it
/// (Accept, Transfer to them).
pub(crate) fn load_change<'a>(
    conv: &Conversation,
    decision: &'a Decision,
) -> (Option<UserId>, Option<&'a crate::domain::session::Person>) {
    let held = |state: SessionState, who: Option<&crate::domain::session::Person>| {
        (state == SessionState::Active)
            .then_some(who)
            .flatten()
            .map(|p| p.id)
    };
    let before = held(conv.state, conv.assignee.as_ref());
    let after = held(decision.state, decision.assignee.as_ref());
    if before == after {
        return (None, None);
    }
    let taker = decision.assignee.as_ref().filter(|_| after.is_some());
    (before, taker)
}

impl Applied {
    /// What a decision taken on `conv` made of it, once `entries` are stored: the row as the
    /// store left it, without reading it back (both backends).
    pub(crate) fn after(
        conv: &Conversation,
        decision: &Decision,
        entries: Vec<Entry>,
        now: Timestamp,
    ) -> Applied {
        let accepted_now =
            conv.state == SessionState::Queued && decision.state == SessionState::Active;
        let returned_now =
            conv.state == SessionState::Active && decision.state == SessionState::Queued;
        let last_public_seq = entries
            .iter()
            .rev()
            .find(|e| e.audience() == Audience::Everyone)
            .map_or(conv.last_public_seq, |e| e.seq);
        let created = !entries.is_empty() || decision.state != conv.state;
        let conversation = Conversation {
            state: decision.state,
            assignee: decision.assignee.clone(),
            closed_reason: decision.closed_reason,
            last_seq: entries.last().map_or(conv.last_seq, |e| e.seq),
            last_public_seq,
            accepted_at: if accepted_now {
                Some(now)
            } else {
                conv.accepted_at
            },
            returned_from: if returned_now {
                conv.assignee.clone()
            } else {
                conv.returned_from.clone()
            },
            returned_at: if returned_now {
                Some(now)
            } else {
                conv.returned_at
            },
            invited: if ends_invitations(conv, decision) {
                Vec::new()
            } else {
                conv.invited.clone()
            },
            ..conv.clone()
        };
        Applied {
            previous_state: conv.state,
            conversation,
            entries,
            created,
        }
    }
}

/// Why a command did not apply.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for CommandError {
    fn from(e: sqlx::Error) -> Self {
        CommandError::Storage(StorageError::Database(e))
    }
}

/// Who acts: a user with a command, or a timer worker with a due deadline or absence.
#[derive(Debug, Clone)]
pub enum Act {
    User(User, Command),
    Timer(Deadline),
    Absent(Absence),
    /// A due no-reply guard: the session goes back to the queue.
    Unanswered(crate::domain::guard::Guard),
}

/// Changes to a user, each already validated; `None` leaves the field as it is.
#[derive(Debug, Default, Clone)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub password_hash: Option<String>,
    pub roles: Option<RoleSet>,
    pub itil: Option<bool>,
    pub disabled: Option<bool>,
}

/// A whole directory to load at once (the demo data).
#[derive(Debug, Clone, Default)]
pub struct DirectorySeed {
    /// Users with their password hashes.
    pub users: Vec<(NewUser, String)>,
    /// Groups by name, with their members' usernames.
    pub groups: Vec<(String, Vec<String>)>,
    /// Queues with the name of their group (the settings' `group` id is ignored).
    pub queues: Vec<(QueueSettings, String)>,
    /// Canned messages as (queue name, title, body), validated.
    pub canned: Vec<(String, String, String)>,
    /// Published knowledge articles as (author's username, fields), checked.
    pub articles: Vec<(String, crate::domain::kb::ArticleFields)>,
}

/// A stored web session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserId,
    pub last_seen_at: Timestamp,
}

/// The database: every read and write of Switchboard's state goes through it.
#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    location: String,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlite::SqliteDb),
    Postgres(postgres::PgDb),
}

/// Which backend a database URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

impl BackendKind {
    /// The backend of `url`: `sqlite:…` or `postgres://…` / `postgresql://…`.
    pub fn of(url: &str) -> Option<BackendKind> {
        if url.starts_with("sqlite:") {
            Some(BackendKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(BackendKind::Postgres)
        } else {
            None
        }
    }
}

impl Db {
    /// Opens the database at `url` (`sqlite://path` or `postgres://…`) and applies pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Db> {
        let backend = match BackendKind::of(url) {
            Some(BackendKind::Sqlite) => Backend::Sqlite(sqlite::SqliteDb::connect(url).await?),
            Some(BackendKind::Postgres) => Backend::Postgres(postgres::PgDb::connect(url).await?),
            None => return Err(StorageError::UnsupportedUrl(redact(url))),
        };
        let location = match &backend {
            Backend::Sqlite(db) => db.file().display().to_string(),
            Backend::Postgres(_) => redact(url),
        };
        Ok(Db { backend, location })
    }

    /// Where the data lives, for the log: the SQLite file, or the server (no password).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Writes a consistent copy of the SQLite database at `url` to `file` (which must not
    /// exist), also while a server writes to it. The database is opened as it is: never created,
    /// never migrated. PostgreSQL has `pg_dump` for this.
    pub async fn backup(url: &str, file: &std::path::Path) -> Result<()> {
        match BackendKind::of(url) {
            Some(BackendKind::Sqlite) => sqlite::SqliteDb::backup(url, file).await,
            Some(BackendKind::Postgres) => Err(StorageError::Unsupported(
                "backup of PostgreSQL: use pg_dump",
            )),
            None => Err(StorageError::UnsupportedUrl(redact(url))),
        }
    }

    /// Signals the other nodes on `channel` (PostgreSQL's `NOTIFY`; a single SQLite node has
    /// nobody to tell).
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(()),
            Backend::Postgres(db) => db.notify(channel, payload).await,
        }
    }

    /// This node is alive and holds these sockets per user, all of them (PostgreSQL: a
    /// cluster's nodes see each other by these beats; each rewrites its whole set).
    pub async fn node_beat(&self, node: i64, sockets: &[(UserId, usize)]) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(()),
            Backend::Postgres(db) => db.node_beat(node, sockets).await,
        }
    }

    /// This node stops: it counts for nobody from now (not 10 s from its last beat).
    pub async fn node_gone(&self, node: i64) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(()),
            Backend::Postgres(db) => db.node_gone(node).await,
        }
    }

    /// Whether another node beat in the last 10 s (a single SQLite node has none).
    pub async fn other_nodes_alive(&self, node: i64) -> Result<bool> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(false),
            Backend::Postgres(db) => db.other_nodes_alive(node).await,
        }
    }

    /// `user` has `sockets` sockets open on this node (0: none).
    pub async fn node_sockets(&self, node: i64, user: UserId, sockets: usize) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(()),
            Backend::Postgres(db) => db.node_sockets(node, user, sockets).await,
        }
    }

    /// Which of `nodes` beat in the last 10 s.
    pub async fn live_nodes(&self, nodes: &[i64]) -> Result<Vec<i64>> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(Vec::new()),
            Backend::Postgres(db) => db.live_nodes(nodes).await,
        }
    }

    /// Whether `user` has a socket open on another live node (a single SQLite node has none).
    pub async fn online_elsewhere(&self, node: i64, user: UserId) -> Result<bool> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(false),
            Backend::Postgres(db) => db.online_elsewhere(node, user).await,
        }
    }

    /// The rights versions of `users` (PostgreSQL: bumped by the database at every change of
    /// rights; a single SQLite node learns of changes directly and has none).
    pub async fn rights_versions(&self, users: &[UserId]) -> Result<Vec<(UserId, i64)>> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(Vec::new()),
            Backend::Postgres(db) => db.rights_versions(users).await,
        }
    }

    /// Which backend this is.
    pub fn kind(&self) -> BackendKind {
        match &self.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }
}

/// Declares the storage interface: every method, dispatched to the backend in use.
macro_rules! storage_interface {
    ($( $(#[$meta:meta])* pub async fn $name:ident(&self $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty; )*) => {
        impl Db {
            $(
                $(#[$meta])*
                pub async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    match &self.backend {
                        Backend::Sqlite(db) => db.$name($($arg),*).await,
                        Backend::Postgres(db) => db.$name($($arg),*).await,
                    }
                }
            )*
        }
    };
}

storage_interface! {
    // Directory: users, groups, queues.
    pub async fn create_user(&self, new: &NewUser, password_hash: &str, now: Timestamp, by: &audit::Audit) -> Result<User>;
    pub async fn user(&self, id: UserId) -> Result<Option<User>>;
    pub async fn user_with_password(&self, username: &str) -> Result<Option<(User, String)>>;
    pub async fn users(&self) -> Result<Vec<User>>;
    pub async fn search_users(&self, text: &str, limit: i64) -> Result<Vec<User>>;
    pub async fn count_users(&self) -> Result<i64>;
    pub async fn update_user(&self, id: UserId, changes: &UserChanges, by: &audit::Audit) -> Result<User>;
    pub async fn create_group(&self, name: &str, now: Timestamp, by: &audit::Audit) -> Result<Group>;
    pub async fn group(&self, id: GroupId) -> Result<Option<Group>>;
    pub async fn groups(&self) -> Result<Vec<Group>>;
    pub async fn group_members(&self, group: GroupId) -> Result<Vec<User>>;
    pub async fn add_group_member(&self, group: GroupId, user: UserId, by: &audit::Audit) -> Result<()>;
    pub async fn remove_group_member(&self, group: GroupId, user: UserId, by: &audit::Audit) -> Result<bool>;
    pub async fn create_queue(&self, new: &NewQueue, now: Timestamp, by: &audit::Audit) -> Result<Queue>;
    pub async fn update_queue(&self, id: QueueId, settings: &QueueSettings, by: &audit::Audit) -> Result<Queue>;
    pub async fn queue(&self, id: QueueId) -> Result<Option<Queue>>;
    pub async fn queues(&self) -> Result<Vec<Queue>>;
    pub async fn queues_worked_by(&self, user: UserId) -> Result<Vec<Queue>>;
    pub async fn seed_if_empty(&self, seed: &DirectorySeed, now: Timestamp) -> Result<bool>;
    pub async fn works_queue(&self, user: UserId, queue: QueueId) -> Result<bool>;
    pub async fn is_group_member(&self, group: GroupId, user: UserId) -> Result<bool>;
    pub async fn groups_of(&self, user: UserId) -> Result<Vec<GroupId>>;
    pub async fn set_away(&self, user: UserId, away: bool) -> Result<()>;
    pub async fn is_away(&self, user: UserId) -> Result<bool>;
    // Web sessions and the sign-in slow-down.
    pub async fn create_session(&self, token_hash: &[u8], user: UserId, now: Timestamp) -> Result<()>;
    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>>;
    pub async fn touch_session(&self, token_hash: &[u8], now: Timestamp) -> Result<()>;
    pub async fn delete_session(&self, token_hash: &[u8]) -> Result<()>;
    pub async fn purge_expired(&self, idle_before: Timestamp, failures_before: Timestamp) -> Result<u64>;
    pub async fn reserve_sign_in_attempt(&self, keys: &[&str], now: Timestamp) -> Result<std::result::Result<Vec<Option<Failures>>, Timestamp>>;
    pub async fn sign_in_succeeded(&self, account: &str, others: &[(&str, Option<Failures>)], reserved_at: Timestamp) -> Result<()>;
    pub async fn take_back_sign_in_attempt(&self, keys: &[(&str, Option<Failures>)], reserved_at: Timestamp) -> Result<()>;
    // Canned messages.
    pub async fn canned_of(&self, queue: QueueId) -> Result<Vec<Canned>>;
    pub async fn canned(&self, queue: QueueId, id: CannedId) -> Result<Option<Canned>>;
    pub async fn create_canned(&self, queue: QueueId, title: &str, body: &str, by: &audit::Audit) -> Result<Canned>;
    pub async fn update_canned(&self, queue: QueueId, id: CannedId, title: &str, body: &str, by: &audit::Audit) -> Result<Canned>;
    pub async fn delete_canned(&self, queue: QueueId, id: CannedId, by: &audit::Audit) -> Result<bool>;
    pub async fn reorder_canned(&self, queue: QueueId, queue_name: &str, order: &[CannedId], by: &audit::Audit) -> Result<Option<Vec<Canned>>>;
    // The audit log (written by the changes above, in their transactions).
    pub async fn audit_log(&self, query: &audit::Query) -> Result<Vec<audit::Entry>>;
    // Conversations, the log, read marks.
    pub async fn start_session(&self, queue: QueueId, customer: &User, client_id: &str, message: Option<&str>, now: Timestamp) -> Result<(Conversation, Vec<Entry>, bool)>;
    pub async fn conversation(&self, id: ConversationId) -> Result<Option<Conversation>>;
    pub async fn conversations_of(&self, user: UserId, limit: i64) -> Result<Vec<Conversation>>;
    pub async fn active_sessions_of(&self, user: UserId) -> Result<Vec<Conversation>>;
    pub async fn queued_sessions(&self, queue: QueueId) -> Result<Vec<Conversation>>;
    pub async fn queue_position(&self, conv: &Conversation) -> Result<Option<i64>>;
    pub async fn active_in_queue(&self, queue: QueueId) -> Result<Vec<Conversation>>;
    pub async fn session_times(&self, queue: QueueId, since: Timestamp, limit: i64) -> Result<Vec<crate::domain::figures::SessionTimes>>;
    pub async fn alerted_offers(&self, queue: QueueId) -> Result<Vec<ConversationId>>;
    pub async fn sessions_of_customer(&self, customer: UserId, limit: i64) -> Result<Vec<Conversation>>;
    pub async fn sessions_between(&self, queue: QueueId, from: Timestamp, to: Timestamp, limit: i64) -> Result<Vec<Conversation>>;
    pub async fn entries_after(&self, conv: ConversationId, after: i64, limit: i64) -> Result<Vec<Entry>>;
    pub async fn entries_before(&self, conv: ConversationId, before: i64, limit: i64) -> Result<Vec<Entry>>;
    pub async fn preview_and_unread(&self, conv: ConversationId, user: UserId, kinds: &[EntryKind], upto: i64, limit: i64) -> Result<(Option<Entry>, i64)>;
    pub async fn mark_read(&self, user: UserId, conversation: ConversationId, seq: i64) -> Result<()>;
    pub async fn read_mark(&self, user: UserId, conversation: ConversationId) -> Result<i64>;
    pub async fn conversation_heads(&self, ids: &[ConversationId]) -> Result<Vec<(ConversationId, i64, SessionState)>>;
    // Commands on sessions: decided by the domain and stored in one transaction.
    pub async fn execute(&self, id: ConversationId, act: Act, now: Timestamp) -> Result<Applied, CommandError>;
    // Inactivity deadlines.
    pub async fn due_deadlines(&self, now: Timestamp, limit: i64) -> Result<Vec<(ConversationId, Deadline)>>;
    pub async fn deadline(&self, conv: ConversationId) -> Result<Option<Deadline>>;
    pub async fn hold_deadline(&self, conversation: ConversationId, until: Timestamp, max_hold: Duration) -> Result<bool>;
    // Absences: an assignee offline past the grace.
    pub async fn mark_absent(&self, user: UserId, went: Timestamp) -> Result<u64>;
    pub async fn mark_all_absent(&self, now: Timestamp) -> Result<u64>;
    pub async fn assignees_without_absence(&self) -> Result<Vec<UserId>>;
    pub async fn mark_absent_where_missing(&self, user: UserId, now: Timestamp) -> Result<u64>;
    pub async fn clear_absences(&self, user: UserId) -> Result<()>;
    pub async fn forget_absence(&self, conv: ConversationId, absence: Absence) -> Result<()>;
    pub async fn due_absences(&self, now: Timestamp, limit: i64) -> Result<Vec<(ConversationId, Absence)>>;
    pub async fn absence(&self, conv: ConversationId) -> Result<Option<Absence>>;
    // Routing guards.
    pub async fn due_guards(&self, now: Timestamp, limit: i64) -> Result<Vec<(ConversationId, crate::domain::guard::Guard)>>;
    pub async fn guard(&self, conv: ConversationId) -> Result<Option<crate::domain::guard::Guard>>;
    pub async fn fire_guard(&self, conv: ConversationId, guard: crate::domain::guard::Guard, then: Timestamp) -> Result<bool>;
    // Incidents, their activity and who follows them.
    pub async fn create_incident(&self, new: &incidents::NewIncident, now: Timestamp) -> Result<incidents::Created, incidents::IncidentError>;
    pub async fn update_incident(&self, id: IncidentId, actor: &User, version: i64, fields: &crate::domain::incident::Fields, now: Timestamp) -> Result<incidents::Updated, incidents::IncidentError>;
    pub async fn incident(&self, id: IncidentId) -> Result<Option<Incident>>;
    pub async fn incident_by_number(&self, number: &str) -> Result<Option<Incident>>;
    pub async fn incident_of_activity(&self, conv: ConversationId) -> Result<Option<Incident>>;
    pub async fn incidents(&self, query: &incidents::IncidentQuery) -> Result<Vec<Incident>>;
    pub async fn incidents_of_session(&self, session: ConversationId) -> Result<Vec<Incident>>;
    pub async fn set_following(&self, user: UserId, incident: IncidentId, follow: bool) -> Result<()>;
    pub async fn following(&self, user: UserId, incidents: &[IncidentId]) -> Result<Vec<IncidentId>>;
    // Connect Chat and invitations.
    pub async fn create_chat(&self, actor: &User, others: &[UserId], title: Option<String>, now: Timestamp) -> Result<(Conversation, Vec<Entry>, bool), CommandError>;
    pub async fn add_chat_member(&self, conv: ConversationId, actor: &User, colleague: UserId, now: Timestamp) -> Result<Applied, CommandError>;
    pub async fn leave_chat(&self, conv: ConversationId, actor: &User, now: Timestamp) -> Result<Applied, CommandError>;
    pub async fn invite(&self, conv: ConversationId, actor: &User, colleague: UserId, now: Timestamp) -> Result<Applied, CommandError>;
    // Knowledge articles.
    pub async fn create_article(&self, new: &kb::NewArticle, now: Timestamp) -> Result<(crate::domain::kb::Article, bool), kb::KbError>;
    pub async fn update_article(&self, id: crate::domain::ArticleId, actor: &User, version: i64, fields: &crate::domain::kb::ArticleFields, now: Timestamp) -> Result<crate::domain::kb::Article, kb::KbError>;
    pub async fn article(&self, id: crate::domain::ArticleId) -> Result<Option<crate::domain::kb::Article>>;
    pub async fn article_by_number(&self, number: &str) -> Result<Option<crate::domain::kb::Article>>;
    pub async fn search_articles(&self, search: &kb::ArticleSearch) -> Result<Vec<crate::domain::kb::ArticleHit>>;
    pub async fn customer_comments(&self, conv: ConversationId, limit: i64) -> Result<Vec<String>>;
    pub async fn followers_of_activity(&self, conv: ConversationId) -> Result<Vec<UserId>>;
    pub async fn post_plain(&self, conv: ConversationId, user: &User, post: Post, now: Timestamp) -> Result<Applied, CommandError>;
    pub async fn upload_dir(&self) -> Result<PathBuf>;
    pub async fn store_blob(&self, sha256: &str, file: &std::path::Path, size: u64) -> Result<()>;
    pub async fn read_blob(&self, sha256: &str) -> Result<attachments::BlobStream>;
    pub async fn attachment(&self, id: AttachmentId) -> Result<Option<(Attachment, Entry)>>;
    pub async fn reserve_upload(&self, user: UserId, now: Timestamp, bytes: u64, since: Timestamp, quota: u64) -> Result<std::result::Result<i64, u64>>;
    pub async fn settle_upload(&self, id: i64, bytes: u64) -> Result<()>;
    pub async fn answer_survey(&self, conv: ConversationId, answer: &crate::domain::survey::Answer, now: Timestamp) -> Result<bool>;
    pub async fn survey_answer(&self, conv: ConversationId) -> Result<Option<(crate::domain::survey::Answer, Timestamp)>>;
    pub async fn survey_answers_between(&self, queue: QueueId, from: Timestamp, to: Timestamp) -> Result<Vec<(ConversationId, crate::domain::survey::Answer)>>;
    pub async fn withdraw(&self, conv: ConversationId, seq: i64, user: &User, now: Timestamp) -> Result<attachments::Withdrew, CommandError>;
    pub async fn withdrawals(&self, conv: ConversationId) -> Result<Vec<attachments::WithdrawnEntry>>;
    // Operations.
    pub async fn check_ready(&self) -> Result<()>;
    pub async fn close(&self) -> ();
    pub async fn writer_stopped(&self) -> ();
}

/// A database URL with any password removed, for messages.
fn redact(url: &str) -> String {
    // Parameters may carry a password too (`?password=…`).
    let url = url.split_once('?').map_or(url, |(base, _)| base);
    match url.split_once('@') {
        Some((_, host)) => format!("…@{host}"),
        None => url.to_owned(),
    }
}

/// Maps a unique-constraint violation to [`StorageError::Duplicate`], a foreign-key one to
/// [`StorageError::Missing`], and anything else to a database error.
fn classify(err: sqlx::Error, what: &'static str) -> StorageError {
    if let sqlx::Error::Database(db) = &err {
        if db.is_unique_violation() {
            return StorageError::Duplicate(what);
        }
        if db.is_foreign_key_violation() {
            return StorageError::Missing(what);
        }
    }
    StorageError::Database(err)
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_urls_are_said_without_their_secrets() {
        assert_eq!(
            super::redact("postgres://sb:secret@db:5432/sb?sslmode=require"),
            "…@db:5432/sb"
        );
        assert_eq!(
            super::redact("postgres://db/sb?password=secret"),
            "postgres://db/sb"
        );
        assert_eq!(
            super::redact("sqlite://./data/s.db"),
            "sqlite://./data/s.db"
        );
    }
}
