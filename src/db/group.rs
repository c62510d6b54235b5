//! Group commit for the hottest writes (ballot entry). On SQLite one writer task takes the jobs
//! waiting in its queue, runs each in a savepoint of one `BEGIN IMMEDIATE` transaction and
//! commits them together: one fsync (`synchronous=FULL`) for the whole group, and no request
//! sleeping in SQLite's busy handler behind another. Each job's caller gets its answer only
//! after the commit that holds its writes, so an acknowledged job survives `kill -9` and power
//! loss. A job that fails is rolled back to its savepoint and changes nothing; the others of its
//! group are unaffected.
//!
//! On PostgreSQL a job is one transaction of its own request, as every other write: the
//! server's own group commit joins concurrent commits, and instances share nothing in memory.
//!
//! A job runs as a create under the request's idempotency key (see [`crate::idempotency`]): the
//! key is claimed in the job's savepoint, so the claim and the job's writes stand or fall
//! together in either backend.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::{Db, Q, Tx};
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Claimant};

/// The most jobs one transaction commits; more wait for the next group.
pub const MAX_GROUP: usize = 128;

type Output = Box<dyn Any + Send>;
type Work = Box<dyn FnOnce(Tx) -> BoxFuture<'static, (Tx, AppResult<Output>)> + Send>;

struct Job {
    work: Work,
    claimant: Claimant,
    reply: oneshot::Sender<AppResult<Output>>,
}

/// The group committer of one application state (its writer task starts on first use).
#[derive(Default)]
pub struct GroupCommit {
    queue: OnceLock<mpsc::UnboundedSender<Job>>,
    /// Transactions committed by the writer (SQLite), for tests and figures.
    groups: Arc<AtomicU64>,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("started", &self.queue.get().is_some())
            .field("groups", &self.groups())
            .finish()
    }
}

/// What a caller sees when the writer is gone (only at shutdown, or after a panic in a job).
fn lost() -> AppError {
    AppError::internal("写入任务已停止，请重试。")
}

impl GroupCommit {
    /// How many groups the writer has committed (always 0 on PostgreSQL).
    pub fn groups(&self) -> u64 {
        self.groups.load(Ordering::Relaxed)
    }

    /// Runs `work` in a transaction and commits it: on SQLite in the writer's next group, on
    /// PostgreSQL in a transaction of its own. `work` gets the transaction and hands it back
    /// with its outcome; an error rolls back everything `work` wrote (and the key's claim).
    pub async fn run<T, F, Fut>(&self, db: &Db, work: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(Tx) -> Fut + Send + 'static,
        Fut: Future<Output = (Tx, AppResult<T>)> + Send + 'static,
    {
        let pool = match db {
            Db::Postgres(_) => {
                let tx = db.begin().await?;
                let (tx, out) = work(tx).await;
                let value = out?;
                tx.commit().await?;
                return Ok(value);
            }
            Db::Sqlite(pool) => pool,
        };
        let queue = self.queue.get_or_init(|| {
            let (send, receive) = mpsc::unbounded_channel();
            tokio::spawn(writer(pool.clone(), receive, Arc::clone(&self.groups)));
            send
        });
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |tx| {
            Box::pin(async move {
                let (tx, out) = work(tx).await;
                (tx, out.map(|v| Box::new(v) as Output))
            })
        });
        queue
            .send(Job {
                work,
                claimant: idempotency::claimant(),
                reply,
            })
            .map_err(|_| lost())?;
        let value = answer.await.map_err(|_| lost())??;
        value
            .downcast::<T>()
            .map(|v| *v)
            .map_err(|_| AppError::internal("group commit: answer of another type"))
    }
}

/// The writer task: one group per turn, as many jobs as are waiting (up to [`MAX_GROUP`]).
async fn writer(pool: SqlitePool, mut queue: mpsc::UnboundedReceiver<Job>, groups: Arc<AtomicU64>) {
    while let Some(first) = queue.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        if commit_group(&pool, jobs).await {
            groups.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Tells every job of a failed group why (nothing of the group was committed).
fn fail_all(replies: Vec<oneshot::Sender<AppResult<Output>>>, why: &str) -> bool {
    tracing::error!(error = why, "group commit failed");
    for reply in replies {
        let _ = reply.send(Err(AppError::internal(format!("写入失败，请重试：{why}"))));
    }
    false
}

/// Runs and commits one group; `false` when it failed (every job was told why).
async fn commit_group(pool: &SqlitePool, jobs: Vec<Job>) -> bool {
    let mut replies = Vec::with_capacity(jobs.len());
    let mut outcomes: Vec<AppResult<Output>> = Vec::with_capacity(jobs.len());
    let conn = match pool.acquire().await {
        Ok(c) => c,
        Err(e) => {
            return fail_all(jobs.into_iter().map(|j| j.reply).collect(), &e.to_string());
        }
    };
    let mut tx = match Tx::begin_immediate(conn).await {
        Ok(tx) => tx,
        Err(e) => return fail_all(jobs.into_iter().map(|j| j.reply).collect(), &e.to_string()),
    };
    for job in jobs {
        replies.push(job.reply);
        if let Err(e) = Q::new("SAVEPOINT grouped").execute(&mut tx).await {
            return fail_all(replies, &e.to_string());
        }
        let work = job.work;
        let run = idempotency::within(job.claimant, async move {
            let mut tx = tx;
            if let Err(e) = idempotency::claim_in(&mut tx).await {
                return (tx, Err(e));
            }
            work(tx).await
        });
        // A panicking job takes the transaction with it: the whole group is rolled back.
        let (back, outcome) = match AssertUnwindSafe(run).catch_unwind().await {
            Ok(done) => done,
            Err(_) => return fail_all(replies, "a job panicked"),
        };
        tx = back;
        let end = if outcome.is_ok() {
            Q::new("RELEASE SAVEPOINT grouped").execute(&mut tx).await
        } else {
            match Q::new("ROLLBACK TO SAVEPOINT grouped")
                .execute(&mut tx)
                .await
            {
                Ok(_) => Q::new("RELEASE SAVEPOINT grouped").execute(&mut tx).await,
                Err(e) => Err(e),
            }
        };
        if let Err(e) = end {
            return fail_all(replies, &e.to_string());
        }
        outcomes.push(outcome);
    }
    if let Err(e) = tx.commit().await {
        return fail_all(replies, &e.to_string());
    }
    for (reply, outcome) in replies.into_iter().zip(outcomes) {
        let _ = reply.send(outcome);
    }
    true
}
