//! Sign-in attempts per key (an account or a client address), shared by every node through the
//! database. An attempt is counted as a failure before the password is checked, in the same
//! transaction that checks the slow-down, so concurrent guesses cannot slip past it; a success
//! takes the count back.

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
    /// If any key is being slowed down, until when (nothing is counted). Otherwise counts this
    /// attempt as a failure for every key and returns `None`.
    pub async fn reserve_sign_in_attempt(
        &self,
        keys: &[&str],
        now: Timestamp,
    ) -> Result<Option<Timestamp>> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let mut records = Vec::with_capacity(keys.len());
        for key in keys {
            let row: Option<(i64, i64)> = sqlx::query_as(
                "SELECT failures, last_failure_at FROM sign_in_failures WHERE key = ?",
            )
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            records.push(row.map(failures_from_row));
        }
        let blocked = records
            .iter()
            .flatten()
            .filter_map(|f| f.blocked_until(now))
            .max();
        if blocked.is_some() {
            return Ok(blocked);
        }
        for (key, previous) in keys.iter().zip(records) {
            let next = Failures::after_failure(previous, now);
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
        Ok(None)
    }

    /// The attempt succeeded: the account's failures are forgotten, and the attempt counted
    /// against the other keys (the address) is taken back.
    pub async fn sign_in_succeeded(&self, account: &str, others: &[&str]) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE key = ?")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        for key in others {
            // A count of one goes away; a larger count drops by one.
            sqlx::query("DELETE FROM sign_in_failures WHERE key = ? AND failures = 1")
                .bind(key)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE sign_in_failures SET failures = failures - 1 WHERE key = ?")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
