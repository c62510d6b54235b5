//! Sessions are kept in the application's own database, whichever backend it is.

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::db::Db;
use crate::error::AppError;

/// The session store of the configured backend.
#[derive(Clone, Debug)]
pub enum Store {
    /// Sessions in SQLite.
    Sqlite(SqliteStore),
    /// Sessions in PostgreSQL (schema `tower_sessions`).
    Postgres(PostgresStore),
}

impl Store {
    /// Builds the store for `db` and creates its table.
    pub async fn new(db: &Db) -> Result<Store, AppError> {
        Ok(match db {
            Db::Sqlite(p) => {
                let s = SqliteStore::new(p.clone());
                s.migrate().await?;
                Store::Sqlite(s)
            }
            Db::Postgres(p) => {
                let s = PostgresStore::new(p.clone());
                s.migrate().await?;
                Store::Postgres(s)
            }
        })
    }

    /// Deletes expired sessions every `period`, forever (spawn it).
    pub async fn clean_up(self, period: std::time::Duration) {
        loop {
            tokio::time::sleep(period).await;
            let r = match &self {
                Store::Sqlite(s) => s.delete_expired().await,
                Store::Postgres(s) => s.delete_expired().await,
            };
            if let Err(e) = r {
                tracing::warn!(error = %e, "expired-session clean-up failed");
            }
        }
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.create(record).await,
            Store::Postgres(s) => s.create(record).await,
        }
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.save(record).await,
            Store::Postgres(s) => s.save(record).await,
        }
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Store::Sqlite(s) => s.load(id).await,
            Store::Postgres(s) => s.load(id).await,
        }
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.delete(id).await,
            Store::Postgres(s) => s.delete(id).await,
        }
    }
}
