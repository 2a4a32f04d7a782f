//! Sign-in attempts per key (an account or a client address), shared by every node through the
//! database. An attempt is counted as a failure before the password is checked, in the same
//! transaction that checks the slow-down, so concurrent guesses cannot slip past it; a success
//! takes the count back.
//!
//! Several nodes (and several connections of one node) run these transactions at once, and a
//! key's row may not exist yet, so a row lock (`FOR UPDATE`) would not stop two first guesses
//! from both reading "no record". Instead each transaction first takes a transaction-scoped
//! advisory lock per key (`pg_advisory_xact_lock`, keyed by [`LOCK_CLASS`] and the key's
//! `hashtext`), whether or not the row exists, and only then reads and writes the rows. The
//! locks are taken in sorted order, without repeats, so two transactions sharing keys cannot
//! deadlock; they are released when the transaction ends, after its writes are visible, and
//! each statement of a later holder (READ COMMITTED) sees them. So "read, check the slow-down,
//! count the attempt" and "read, take the attempt back" on one key take turns across nodes. Two
//! keys with the same hash only share a lock: they take turns needlessly, never wrongly.

use super::{PgDb, Result};
use crate::domain::Timestamp;
use crate::domain::signin::Failures;

/// The first half of the advisory lock keys of sign-in throttling (the second is the key's
/// hash), so they do not meet other advisory locks on the same database.
const LOCK_CLASS: i32 = 0x5349_474E; // "SIGN"

fn failures_from_row((count, at): (i64, i64)) -> Failures {
    Failures {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        last_at: Timestamp(at),
    }
}

/// Takes this transaction's lock on every key, in sorted order without repeats (see the module
/// documentation).
async fn lock_keys<'k>(
    tx: &mut sqlx::PgConnection,
    keys: impl IntoIterator<Item = &'k str>,
) -> Result<()> {
    let mut keys: Vec<&str> = keys.into_iter().collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(LOCK_CLASS)
            .bind(key)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

async fn load(tx: &mut sqlx::PgConnection, key: &str) -> Result<Option<Failures>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT failures, last_failure_at FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(row.map(failures_from_row))
}

impl PgDb {
    /// If any key is being slowed down, `Err` with until when (nothing is counted). Otherwise
    /// counts this attempt as a failure for every key and returns what each record was before.
    pub async fn reserve_sign_in_attempt(
        &self,
        keys: &[&str],
        now: Timestamp,
    ) -> Result<std::result::Result<Vec<Option<Failures>>, Timestamp>> {
        let mut tx = self.pool.begin().await?;
        lock_keys(&mut tx, keys.iter().copied()).await?;
        let mut records = Vec::with_capacity(keys.len());
        for key in keys {
            records.push(load(&mut tx, key).await?);
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
                "INSERT INTO sign_in_failures (key, failures, last_failure_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
                 last_failure_at = excluded.last_failure_at",
            )
            .bind(key)
            .bind(i64::from(next.count))
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
        let mut tx = self.pool.begin().await?;
        lock_keys(
            &mut tx,
            std::iter::once(account).chain(others.iter().map(|(key, _)| *key)),
        )
        .await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
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
        let mut tx = self.pool.begin().await?;
        lock_keys(&mut tx, keys.iter().map(|(key, _)| *key)).await?;
        take_back(&mut tx, keys, reserved_at).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Takes one reserved attempt back from each key: the record as stored now, changed as the
/// domain says (gone, or restored unless another attempt touched it since). The caller holds
/// the keys' locks.
async fn take_back(
    tx: &mut sqlx::PgConnection,
    keys: &[(&str, Option<Failures>)],
    reserved_at: Timestamp,
) -> Result<()> {
    for (key, before) in keys {
        let Some(now) = load(&mut *tx, key).await? else {
            continue;
        };
        match now.taken_back(*before, reserved_at) {
            None => {
                sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
            }
            Some(after) => {
                sqlx::query(
                    "UPDATE sign_in_failures SET failures = $1, last_failure_at = $2 WHERE key = $3",
                )
                .bind(i64::from(after.count))
                .bind(after.last_at.0)
                .bind(key)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    Ok(())
}
