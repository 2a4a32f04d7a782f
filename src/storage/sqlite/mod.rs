//! The SQLite backend (the embedded default): one writer connection with group commit for
//! commands on sessions, a small pool of readers, WAL, `synchronous=FULL`. Each file of this
//! folder adds the queries of one part of the model to [`SqliteDb`].

mod attachments;
mod audit;
mod canned;
mod chats;
mod conversations;
mod directory;
mod guards;
mod incidents;
mod kb;
mod sessions;
mod survey;
mod throttle;
mod writer;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection};

use super::{Result, StorageError, classify, redact};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A SQLite database file.
#[derive(Clone, Debug)]
pub struct SqliteDb {
    /// One connection: SQLite has one writer, and queueing writers here avoids busy errors.
    write: SqlitePool,
    /// The group-commit task for commands on sessions (it takes turns on `write`).
    writer: writer::Writer,
    read: SqlitePool,
    file: PathBuf,
}

impl SqliteDb {
    /// Opens (creating if needed) the database at `url` and applies pending migrations.
    pub async fn connect(url: &str) -> Result<SqliteDb> {
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
        // The writer's only: each group-commit job runs in a savepoint, whose rollback journal
        // then lives in memory, not in a temporary file written page by page (the readers'
        // large sorts keep spilling to disk). The database's durability is the WAL's and does
        // not change.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone().pragma("temp_store", "memory"))
            .await?;
        SQLITE_MIGRATIONS.run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        let writer = writer::Writer::spawn(write.clone());
        Ok(SqliteDb {
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

    /// A consistent copy of the database at `url` into `file` (`VACUUM INTO`, a read
    /// transaction of its own: writers go on meanwhile). The database is opened read-only as it
    /// is (never created, never migrated). Refused when `file` exists.
    pub async fn backup(url: &str, file: &Path) -> Result<()> {
        if file.exists() {
            return Err(StorageError::DataDir {
                path: file.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "exists already"),
            });
        }
        let target = file.to_str().ok_or(StorageError::Unsupported(
            "a backup file name that is not UTF-8",
        ))?;
        let mut source = SqliteConnectOptions::from_str(url)?
            .create_if_missing(false)
            .read_only(true)
            .busy_timeout(Duration::from_secs(5))
            .connect()
            .await?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&mut source)
            .await?;
        source.close().await?;
        Ok(())
    }

    /// Closes every connection; waits for writes in flight.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}
