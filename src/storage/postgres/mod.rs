//! The PostgreSQL backend, for a large desk running several nodes on one database. Many
//! transactions write at once, so each guarantee is held by the database itself: a command on a
//! session locks its conversation row first (`FOR NO KEY UPDATE`), so commands on one session take
//! turns and decide on fresh facts, while commands on different sessions run side by side; seqs
//! come from the update of that row; a repeated send finds its original under the same lock;
//! every state change is a conditional update; deadlines and absences are deleted exactly as
//! read, so they fire once on whichever node gets there first. Each file of this folder adds the
//! queries of one part of the model to [`PgDb`].

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

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::{Result, StorageError, classify};

static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How many connections one node holds at most.
const POOL_SIZE: u32 = 16;

/// A PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PgDb {
    pool: PgPool,
}

impl PgDb {
    /// Connects to `url` (`postgres://…`) and applies pending migrations (one node at a time:
    /// the migrator holds an advisory lock).
    pub async fn connect(url: &str) -> Result<PgDb> {
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        POSTGRES_MIGRATIONS.run(&pool).await?;
        Ok(PgDb { pool })
    }

    /// PostgreSQL has no writer task of this node's to stop: never completes.
    pub async fn writer_stopped(&self) {
        std::future::pending::<()>().await;
    }

    /// Whether the database answers.
    pub async fn check_ready(&self) -> Result<()> {
        sqlx::query("SELECT count(*) FROM users")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes every connection; waits for those in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A `u32` setting as stored (BIGINT).
fn secs(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}
