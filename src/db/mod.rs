//! The database: one code base for SQLite (the embedded default) and PostgreSQL.
//!
//! Every query is written once, with `$1` placeholders that both backends accept, and run
//! through [`Q`], which binds typed values and dispatches to the backend's own driver. The
//! few places where the backends differ (connecting, migrations, row locks) live here only.

pub mod group;
mod query;

pub use query::{Exec, Q, Val};

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};

use crate::config::Durability;
use crate::error::AppError;

/// A connection pool to one of the two supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    /// The embedded default: a single file in WAL mode with durable commits.
    Sqlite(SqlitePool),
    /// PostgreSQL, chosen by a `postgres://` URL.
    Postgres(PgPool),
}

/// An open transaction on either backend.
pub enum Tx {
    /// SQLite transaction (started with `BEGIN IMMEDIATE` so writers queue instead of failing).
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL transaction.
    Postgres(Transaction<'static, Postgres>),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects to `url` (`sqlite:…` or `postgres://…`), creating an SQLite file if needed;
    /// commits are durable when acknowledged.
    pub async fn connect(url: &str) -> Result<Db, AppError> {
        Db::connect_with(url, Durability::Full).await
    }

    /// Connects as [`Db::connect`] with the given commit durability: on SQLite the
    /// `synchronous` pragma, on PostgreSQL the session's `synchronous_commit` (the server's own
    /// setting unless relaxed).
    pub async fn connect_with(url: &str, durability: Durability) -> Result<Db, AppError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut opts = PgConnectOptions::from_str(url)?;
            if durability == Durability::Normal {
                opts = opts.options([("synchronous_commit", "off")]);
            }
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            if let Some(dir) = std::path::Path::new(path).parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| AppError::internal(format!("创建数据目录失败: {e}")))?;
            }
            let opts = SqliteConnectOptions::from_str(&format!("sqlite:{path}"))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(match durability {
                    Durability::Full => SqliteSynchronous::Full,
                    Durability::Normal => SqliteSynchronous::Normal,
                })
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await?;
            Ok(Db::Sqlite(pool))
        }
    }

    /// Which backend this is, for logs and the about page.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Runs the backend's migrations (same versions in both folders).
    pub async fn migrate(&self) -> Result<(), AppError> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so a transaction that reads before it writes cannot fail on upgrading its lock.
    ///
    /// Inside a create that carries an idempotency key, the first transaction also claims the
    /// key (see [`crate::idempotency`]).
    pub async fn begin(&self) -> Result<Tx, AppError> {
        let mut tx = match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        };
        crate::idempotency::claim_in(&mut tx).await?;
        Ok(tx)
    }

    /// One connection of an SQLite pool, held: work on its temporary tables takes no lock on
    /// the database, and [`Tx::begin_immediate`] then writes on the same connection. `None` on
    /// PostgreSQL.
    pub async fn sqlite_conn(
        &self,
    ) -> Result<Option<sqlx::pool::PoolConnection<Sqlite>>, AppError> {
        match self {
            Db::Sqlite(p) => Ok(Some(p.acquire().await?)),
            Db::Postgres(_) => Ok(None),
        }
    }

    /// Sends a notification on a channel to every server instance on this database. On
    /// PostgreSQL that is `NOTIFY`; an SQLite file has one server, so it answers `false`
    /// and the caller delivers in process.
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<bool, AppError> {
        match self {
            Db::Sqlite(_) => Ok(false),
            Db::Postgres(p) => {
                sqlx::query("select pg_notify($1, $2)")
                    .bind(channel)
                    .bind(payload)
                    .execute(p)
                    .await?;
                Ok(true)
            }
        }
    }

    /// Listens on a channel (PostgreSQL only; `None` on SQLite, where events stay in process).
    pub async fn listen(
        &self,
        channel: &str,
    ) -> Result<Option<sqlx::postgres::PgListener>, AppError> {
        match self {
            Db::Sqlite(_) => Ok(None),
            Db::Postgres(p) => {
                let mut l = sqlx::postgres::PgListener::connect_with(p).await?;
                l.listen(channel).await?;
                Ok(Some(l))
            }
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), AppError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// The placeholder of the `n`th bind parameter (from 1) of a statement that uses each
    /// parameter once and in order: `$n` on PostgreSQL, `?` on SQLite. SQLite keeps `$n` as a
    /// name that it looks up in a list scanned from the start, when it parses the statement and
    /// again when each value is bound: fine for a few parameters, quadratic for the thousands of a
    /// multi-row insert. An anonymous `?` takes the next value without a lookup.
    pub fn param(&self, n: usize) -> String {
        match self {
            Tx::Sqlite(_) => "?".into(),
            Tx::Postgres(_) => format!("${n}"),
        }
    }

    /// Begins the write transaction on a held SQLite connection (see [`Db::sqlite_conn`]), as
    /// [`Db::begin`] does on a pooled one.
    pub async fn begin_immediate(conn: sqlx::pool::PoolConnection<Sqlite>) -> Result<Tx, AppError> {
        // What `Pool::begin_with` does, on a connection the caller already holds.
        let t = Transaction::begin(
            sqlx::pool::MaybePoolConnection::PoolConnection(conn),
            Some("BEGIN IMMEDIATE".into()),
        )
        .await?;
        let mut tx = Tx::Sqlite(t);
        crate::idempotency::claim_in(&mut tx).await?;
        Ok(tx)
    }

    /// Suffix that locks the selected rows until commit where the backend needs it
    /// (PostgreSQL); SQLite already holds the database's write lock for the transaction.
    pub fn for_update(&self) -> &'static str {
        match self {
            Tx::Sqlite(_) => "",
            Tx::Postgres(_) => " FOR UPDATE",
        }
    }
}

/// True when the error is a unique-constraint violation on either backend.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}
