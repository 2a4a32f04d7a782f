//! The only place that speaks SQL. [`Db`] is the storage type the rest of the server holds;
//! each file of this folder adds the queries of one part of the model to it. Today the backend
//! is SQLite (one writer connection, a small pool of readers, WAL, `synchronous=FULL`); the
//! PostgreSQL backend plugs in behind the same methods.

mod canned;
mod conversations;
mod directory;
mod sessions;
mod throttle;
mod writer;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection};

pub use conversations::{Act, Applied, CommandError};
pub use directory::{DirectorySeed, UserChanges};
pub use sessions::SessionRecord;

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

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The database: every read and write of Switchboard's state goes through it.
#[derive(Clone, Debug)]
pub struct Db {
    /// One connection: SQLite has one writer, and queueing writers here avoids busy errors.
    write: SqlitePool,
    /// The group-commit task for commands on sessions (it takes turns on `write`).
    writer: writer::Writer,
    read: SqlitePool,
    file: PathBuf,
}

impl Db {
    /// Opens (creating if needed) the database at `url` and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Db> {
        if !url.starts_with("sqlite:") {
            return Err(StorageError::UnsupportedUrl(redact(url)));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let file = options.get_filename().to_path_buf();
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StorageError::DataDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        SQLITE_MIGRATIONS.run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        let writer = writer::Writer::spawn(write.clone());
        Ok(Db {
            write,
            writer,
            read,
            file,
        })
    }

    /// Completes when the group-commit writer task has ended (it should not while the server
    /// runs: the server stops when it does).
    pub async fn writer_stopped(&self) {
        self.writer.stopped.cancelled().await;
    }

    /// The SQLite file this database lives in.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Whether the database can serve requests: the pools answer and the file on disk is
    /// still a database (a fresh connection catches a file removed or replaced underneath).
    pub async fn check_ready(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        let mut fresh = SqliteConnectOptions::new()
            .filename(&self.file)
            .create_if_missing(false)
            .read_only(true)
            .connect()
            .await?;
        sqlx::query("SELECT count(*) FROM users")
            .execute(&mut fresh)
            .await?;
        fresh.close().await?;
        Ok(())
    }

    /// Closes every connection; waits for writes in flight.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// A database URL with any password removed, for messages.
fn redact(url: &str) -> String {
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
