//! The bare durable-commit ceiling, measured in the same run before the servers start: one-row
//! commits in a loop, then 16 rows per commit (what group commit could reach). On SQLite in a
//! fresh file of the run's temporary directory with the server's settings (WAL,
//! `synchronous=FULL`, `BEGIN IMMEDIATE`); on PostgreSQL in a scratch table of the load
//! database, with the server's settings as they are (`synchronous_commit` as configured).

use std::path::Path;
use std::time::Instant;

use sqlx::Connection;

use crate::Res;

/// Rows per group commit in the comparison loop.
pub const GROUP: u64 = 16;

/// A ballot-sized row.
const BODY: &str = r#"{"marks":{"委员":{"against":["李三"],"for":["丁一","王二","张四","赵五"]}}}"#;

/// Durable commit rates on the database the servers use.
#[derive(Clone, Copy, Debug, Default)]
pub struct Bare {
    /// Single-row commits per second: the ceiling every handler shares.
    pub commits: f64,
    /// Rows per second when [`GROUP`] rows share one commit (what group commit could reach).
    pub grouped_rows: f64,
}

/// The single-row loop runs `seconds`, the grouped one a third of it (at least 0.3 s).
fn grouped_seconds(seconds: f64) -> f64 {
    (seconds / 3.0).max(0.3)
}

/// Both loops on fresh SQLite files in `dir`.
pub async fn sqlite(dir: &Path, seconds: f64) -> Res<Bare> {
    Ok(Bare {
        commits: sqlite_loop(&dir.join("bare-1.db"), seconds, 1).await?,
        grouped_rows: sqlite_loop(&dir.join("bare-n.db"), grouped_seconds(seconds), GROUP).await?,
    })
}

/// Rows per second inserted into a fresh SQLite file with the server's settings (WAL,
/// synchronous=FULL, `BEGIN IMMEDIATE`), `rows` inserts per transaction, for `seconds`.
async fn sqlite_loop(file: &Path, seconds: f64, rows: u64) -> Res<f64> {
    use sqlx::ConnectOptions;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    let fail = |e: sqlx::Error| format!("bare SQLite: {e}");
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await
        .map_err(fail)?;
    sqlx::query(
        "create table t (id integer primary key, body text not null, created_at text not null)",
    )
    .execute(&mut conn)
    .await
    .map_err(fail)?;
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed().as_secs_f64() < seconds {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(fail)?;
        for _ in 0..rows {
            sqlx::query("insert into t (body, created_at) values ($1, $2)")
                .bind(BODY)
                .bind(format!("{:?}", std::time::SystemTime::now()))
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        tx.commit().await.map_err(fail)?;
        n += rows;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// Both loops on a scratch table of the PostgreSQL database at `url` (dropped afterwards).
pub async fn postgres(url: &str, seconds: f64) -> Res<Bare> {
    let fail = |e: sqlx::Error| format!("bare PostgreSQL: {e}");
    let mut conn = sqlx::PgConnection::connect(url).await.map_err(fail)?;
    sqlx::query(
        "create table loadgen_bare (id bigserial primary key, body text not null, \
         created_at text not null)",
    )
    .execute(&mut conn)
    .await
    .map_err(fail)?;
    let commits = postgres_loop(&mut conn, seconds, 1).await;
    let grouped = postgres_loop(&mut conn, grouped_seconds(seconds), GROUP).await;
    let dropped = sqlx::query("drop table loadgen_bare")
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    let bare = Bare {
        commits: commits.map_err(fail)?,
        grouped_rows: grouped.map_err(fail)?,
    };
    dropped.map_err(fail)?;
    Ok(bare)
}

/// Rows per second inserted into the scratch table, `rows` inserts per transaction.
async fn postgres_loop(
    conn: &mut sqlx::PgConnection,
    seconds: f64,
    rows: u64,
) -> sqlx::Result<f64> {
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed().as_secs_f64() < seconds {
        let mut tx = conn.begin().await?;
        for _ in 0..rows {
            sqlx::query("insert into loadgen_bare (body, created_at) values ($1, $2)")
                .bind(BODY)
                .bind(format!("{:?}", std::time::SystemTime::now()))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        n += rows;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}
