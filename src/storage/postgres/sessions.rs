//! Web sessions: a signed-in browser is a row keyed by the hash of its cookie token.

use super::{PgDb, Result};
use crate::domain::{Timestamp, UserId};
use crate::storage::SessionRecord;

impl PgDb {
    pub async fn create_session(
        &self,
        token_hash: &[u8],
        user: UserId,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO web_sessions (token_hash, user_id, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(now.0)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT user_id, last_seen_at FROM web_sessions WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(user, seen)| SessionRecord {
            user: UserId(user),
            last_seen_at: Timestamp(seen),
        }))
    }

    pub async fn touch_session(&self, token_hash: &[u8], now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE web_sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now.0)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &[u8]) -> Result<()> {
        sqlx::query("DELETE FROM web_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes web sessions idle since before `idle_before` (they no longer sign anyone in) and
    /// sign-in failures last counted before `failures_before` (they no longer slow anyone
    /// down), and nodes silent for an hour with their socket counts (they counted for nobody
    /// since 10 s after their last beat). Returns how many rows went.
    pub async fn purge_expired(
        &self,
        idle_before: Timestamp,
        failures_before: Timestamp,
    ) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let sessions = sqlx::query("DELETE FROM web_sessions WHERE last_seen_at < $1")
            .bind(idle_before.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let failures = sqlx::query("DELETE FROM sign_in_failures WHERE last_failure_at < $1")
            .bind(failures_before.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let sockets = sqlx::query(
            "DELETE FROM node_sockets WHERE node_id NOT IN \
             (SELECT id FROM nodes WHERE seen_at >= now() - interval '1 hour')",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let nodes = sqlx::query("DELETE FROM nodes WHERE seen_at < now() - interval '1 hour'")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(sessions + failures + sockets + nodes)
    }
}
