//! Failed sign-in records, shared by every node through the database.

use super::{Db, Result};
use crate::domain::Timestamp;
use crate::domain::signin::Failures;

fn failures_from_row((count, at): (i64, i64)) -> Failures {
    Failures {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        last_at: Timestamp(at),
    }
}

impl Db {
    pub async fn sign_in_failures(&self, key: &str) -> Result<Option<Failures>> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT failures, last_failure_at FROM sign_in_failures WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.read)
                .await?;
        Ok(row.map(failures_from_row))
    }

    /// Records one more failure for each key, in one transaction.
    pub async fn record_sign_in_failure(&self, keys: &[&str], now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        for key in keys {
            let row: Option<(i64, i64)> = sqlx::query_as(
                "SELECT failures, last_failure_at FROM sign_in_failures WHERE key = ?",
            )
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            let next = Failures::after_failure(row.map(failures_from_row), now);
            sqlx::query(
                "INSERT INTO sign_in_failures (key, failures, last_failure_at) VALUES (?, ?, ?) \
                 ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
                 last_failure_at = excluded.last_failure_at",
            )
            .bind(key)
            .bind(next.count)
            .bind(next.last_at.0)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = ?")
            .bind(key)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
