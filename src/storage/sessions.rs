//! Web sessions: a signed-in browser is a row keyed by the hash of its cookie token.

use super::{Db, Result};
use crate::domain::{Timestamp, UserId};

/// A stored web session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserId,
    pub last_seen_at: Timestamp,
}

impl Db {
    pub async fn create_session(
        &self,
        token_hash: &[u8],
        user: UserId,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO web_sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(now.0)
        .bind(now.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT user_id, last_seen_at FROM web_sessions WHERE token_hash = ?")
                .bind(token_hash)
                .fetch_optional(&self.read)
                .await?;
        Ok(row.map(|(user, seen)| SessionRecord {
            user: UserId(user),
            last_seen_at: Timestamp(seen),
        }))
    }

    pub async fn touch_session(&self, token_hash: &[u8], now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE web_sessions SET last_seen_at = ? WHERE token_hash = ?")
            .bind(now.0)
            .bind(token_hash)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &[u8]) -> Result<()> {
        sqlx::query("DELETE FROM web_sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
