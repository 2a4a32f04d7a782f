//! Sign-in attempts per key (an account or a client address), shared by every node through the
//! database. An attempt is counted as a failure before the password is checked, in the same
//! transaction that checks the slow-down, so concurrent guesses cannot slip past it; a success
//! takes the count back.

use super::{Result, SqliteDb};
use crate::domain::Timestamp;
use crate::domain::signin::Failures;

fn failures_from_row((count, at): (i64, i64)) -> Failures {
    Failures {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        last_at: Timestamp(at),
    }
}

impl SqliteDb {
    /// If any key is being slowed down, `Err` with until when (nothing is counted). Otherwise
    /// counts this attempt as a failure for every key and returns what each record was before.
    pub async fn reserve_sign_in_attempt(
        &self,
        keys: &[&str],
        now: Timestamp,
    ) -> Result<std::result::Result<Vec<Option<Failures>>, Timestamp>> {
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
        if let Some(until) = blocked {
            return Ok(Err(until));
        }
        for (key, previous) in keys.iter().zip(records.iter().copied()) {
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
        Ok(Ok(records))
    }

    /// The attempt reserved at `reserved_at` was right: the account's failures are forgotten,
    /// and the attempt is taken back from each other key (the address), as
    /// [`Failures::taken_back`] says.
    pub async fn sign_in_succeeded(
        &self,
        account: &str,
        others: &[(&str, Option<Failures>)],
        reserved_at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE key = ?")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        take_back(&mut tx, others, reserved_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The attempt reserved at `reserved_at` was never judged (the server was too busy to
    /// check the password): it is taken back from every key.
    pub async fn take_back_sign_in_attempt(
        &self,
        keys: &[(&str, Option<Failures>)],
        reserved_at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        take_back(&mut tx, keys, reserved_at).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Takes one reserved attempt back from each key: the record as stored now, changed as the
/// domain says (gone, or restored unless another attempt touched it since).
async fn take_back(
    tx: &mut sqlx::SqliteConnection,
    keys: &[(&str, Option<Failures>)],
    reserved_at: Timestamp,
) -> Result<()> {
    for (key, before) in keys {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT failures, last_failure_at FROM sign_in_failures WHERE key = ?")
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(now) = row.map(failures_from_row) else {
            continue;
        };
        match now.taken_back(*before, reserved_at) {
            None => {
                sqlx::query("DELETE FROM sign_in_failures WHERE key = ?")
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
            }
            Some(after) => {
                sqlx::query(
                    "UPDATE sign_in_failures SET failures = ?, last_failure_at = ? WHERE key = ?",
                )
                .bind(after.count)
                .bind(after.last_at.0)
                .bind(key)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    Ok(())
}
