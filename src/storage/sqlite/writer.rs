//! Group commit: one task takes write jobs from a channel and commits whatever has queued up
//! meanwhile as one transaction, each job in its own savepoint (a refused job rolls back alone).
//! Every caller is answered only after the commit, so an acknowledged write is durable, and
//! one fsync serves the whole batch.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use std::pin::Pin;

use sqlx::SqliteConnection;
use sqlx::sqlite::SqlitePool;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::StorageError;
use crate::storage::CommandError;

/// The most jobs committed together.
const BATCH: usize = 256;

type Answer = Box<dyn FnOnce(Result<(), &'static str>) + Send>;
type JobFuture<'c> = Pin<Box<dyn Future<Output = (bool, Answer)> + Send + 'c>>;
type Job = Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> JobFuture<'c> + Send>;
/// The work of one job: its statements on the writer's connection.
pub(super) type Work<'c, T> = Pin<Box<dyn Future<Output = Result<T, CommandError>> + Send + 'c>>;

/// The handle to the writer task.
#[derive(Debug, Clone)]
pub(super) struct Writer {
    jobs: mpsc::Sender<Job>,
    /// Cancelled when the writer task ends, however it ends (a panic included).
    pub(super) stopped: CancellationToken,
}

/// Cancels its token when dropped: when the task holding it ends or unwinds.
struct StopGuard(CancellationToken);

impl Drop for StopGuard {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

impl Writer {
    /// Starts the writer on `pool` (the one-connection writer pool; other writes through the
    /// pool take turns with the batches).
    pub(super) fn spawn(pool: SqlitePool) -> Writer {
        let (jobs, queue) = mpsc::channel::<Job>(4 * BATCH);
        let stopped = CancellationToken::new();
        let guard = StopGuard(stopped.clone());
        tokio::spawn(async move {
            let _guard = guard;
            run(pool, queue).await;
        });
        Writer { jobs, stopped }
    }

    /// Runs `work` in the next batch; answers after the batch has committed.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        work: impl for<'c> FnOnce(&'c mut SqliteConnection) -> Work<'c, T> + Send + 'static,
    ) -> Result<T, CommandError> {
        let (job, answer) = job_of(work);
        self.jobs
            .send(job)
            .await
            .map_err(|_| CommandError::Storage(StorageError::Writer("the writer has stopped")))?;
        answer.await.map_err(|_| {
            CommandError::Storage(StorageError::Writer("the writer dropped the job"))
        })?
    }
}

/// The job that runs `work`, and where its answer comes once its batch has committed (or
/// nothing, when the job was dropped).
fn job_of<T: Send + 'static>(
    work: impl for<'c> FnOnce(&'c mut SqliteConnection) -> Work<'c, T> + Send + 'static,
) -> (Job, oneshot::Receiver<Result<T, CommandError>>) {
    let (reply, answer) = oneshot::channel();
    let job: Job = Box::new(move |conn| {
        Box::pin(async move {
            let result = work(conn).await;
            let ok = result.is_ok();
            let answer: Answer = Box::new(move |commit: Result<(), &'static str>| {
                let result = commit
                    .map_err(|why| CommandError::Storage(StorageError::Writer(why)))
                    .and(result);
                let _ = reply.send(result);
            });
            (ok, answer)
        })
    });
    (job, answer)
}

async fn run(pool: SqlitePool, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut answers = Vec::with_capacity(batch.len());
        let outcome = commit_batch(&pool, batch, &mut answers).await;
        if let Err(e) = &outcome {
            tracing::error!(error = %e, "a write batch failed to commit");
        }
        let result = outcome.map_err(|_| "the transaction did not commit");
        for answer in answers {
            answer(result);
        }
    }
}

/// Runs the jobs in one transaction; `answers` collects each job's answer, to be given after.
async fn commit_batch(
    pool: &SqlitePool,
    batch: Vec<Job>,
    answers: &mut Vec<Answer>,
) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let done = async {
        // The transaction and the first job's savepoint in one trip to SQLite's thread (a batch
        // of one job, a chat at a quiet time, takes one trip fewer).
        sqlx::query("BEGIN IMMEDIATE; SAVEPOINT job")
            .execute(&mut *conn)
            .await?;
        for (i, job) in batch.into_iter().enumerate() {
            if i > 0 {
                sqlx::query("SAVEPOINT job").execute(&mut *conn).await?;
            }
            // A job that panics is rolled back like a refused one (its caller hears that the
            // job was dropped); the writer and the rest of the batch go on.
            match AssertUnwindSafe(job(&mut conn)).catch_unwind().await {
                Ok((true, answer)) => answers.push(answer),
                Ok((false, answer)) => {
                    answers.push(answer);
                    sqlx::query("ROLLBACK TO job").execute(&mut *conn).await?;
                }
                Err(_) => {
                    tracing::error!("a write job panicked; it was rolled back");
                    sqlx::query("ROLLBACK TO job").execute(&mut *conn).await?;
                }
            }
            // Not released: the savepoints stack up until the COMMIT, which ends them all, one
            // statement fewer per job (a ROLLBACK TO names the latest one, this job's).
        }
        sqlx::query("COMMIT").execute(&mut *conn).await.map(|_| ())
    }
    .await;
    if done.is_err() {
        // Never hand the connection back with a transaction open (when the BEGIN itself failed
        // there is none, and this ROLLBACK's error says so; it is of no interest).
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::session::Refusal;
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

    /// How a test job ends after storing its row.
    #[derive(Clone, Copy)]
    enum End {
        Refused,
        Panics,
        Ok,
    }

    /// A job that stores `x`, then ends as `end` says.
    fn store(x: i64, end: End) -> (Job, oneshot::Receiver<Result<i64, CommandError>>) {
        job_of(move |conn| {
            Box::pin(async move {
                sqlx::query("INSERT INTO t (x) VALUES (?)")
                    .bind(x)
                    .execute(&mut *conn)
                    .await?;
                match end {
                    End::Refused => Err(Refusal::NotFound.into()),
                    End::Panics => panic!("a job that panics"),
                    End::Ok => Ok(x),
                }
            })
        })
    }

    /// In one batch, each refused or panicking job is undone alone, the first one included
    /// (its savepoint is taken with the BEGIN); the others commit and hear so.
    #[tokio::test]
    async fn a_refused_or_panicking_job_rolls_back_alone_wherever_it_is_in_the_batch() {
        let dir = tempfile::tempdir().expect("temp dir");
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("w.db"))
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("open");
        sqlx::query("CREATE TABLE t (x INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .expect("table");
        let ends = [End::Refused, End::Ok, End::Panics, End::Refused, End::Ok];
        let (batch, answers): (Vec<_>, Vec<_>) = ends
            .into_iter()
            .enumerate()
            .map(|(i, end)| store(i as i64, end))
            .unzip();
        let mut given = Vec::new();
        commit_batch(&pool, batch, &mut given)
            .await
            .expect("the batch commits");
        for answer in given {
            answer(Ok(()));
        }
        let mut heard = Vec::new();
        for answer in answers {
            heard.push(match answer.await {
                Ok(Ok(x)) => format!("stored {x}"),
                Ok(Err(CommandError::Refused(_))) => "refused".to_string(),
                Ok(Err(e)) => format!("error {e}"),
                Err(_) => "dropped".to_string(),
            });
        }
        assert_eq!(
            heard,
            ["refused", "stored 1", "dropped", "refused", "stored 4"]
        );
        let kept: Vec<i64> = sqlx::query_scalar("SELECT x FROM t ORDER BY x")
            .fetch_all(&pool)
            .await
            .expect("read");
        assert_eq!(kept, [1, 4]);
    }
}
