//! [`Q`]: one SQL text with typed bind values, run on whichever backend the pool is.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use super::{Db, Tx};
use crate::error::AppError;

/// A bind value. Nulls carry their type, since PostgreSQL types every parameter.
#[derive(Clone, Debug)]
pub enum Val {
    /// 64-bit integer.
    Int(Option<i64>),
    /// Text.
    Text(Option<String>),
    /// Boolean.
    Bool(Option<bool>),
    /// Calendar date.
    Date(Option<NaiveDate>),
    /// Instant in UTC.
    Time(Option<DateTime<Utc>>),
    /// Bytes (an uploaded file: `blob` on SQLite, `bytea` on PostgreSQL).
    Bytes(Option<Vec<u8>>),
}

macro_rules! from_val {
    ($t:ty, $v:ident, $e:expr) => {
        impl From<$t> for Val {
            fn from($v: $t) -> Val {
                $e
            }
        }
    };
}
from_val!(i64, v, Val::Int(Some(v)));
from_val!(Option<i64>, v, Val::Int(v));
from_val!(i32, v, Val::Int(Some(v as i64)));
from_val!(u32, v, Val::Int(Some(v as i64)));
from_val!(usize, v, Val::Int(Some(v as i64)));
from_val!(bool, v, Val::Bool(Some(v)));
from_val!(Option<bool>, v, Val::Bool(v));
from_val!(String, v, Val::Text(Some(v)));
from_val!(Option<String>, v, Val::Text(v));
from_val!(&str, v, Val::Text(Some(v.to_string())));
from_val!(&String, v, Val::Text(Some(v.clone())));
from_val!(Option<&str>, v, Val::Text(v.map(str::to_string)));
from_val!(NaiveDate, v, Val::Date(Some(v)));
from_val!(Option<NaiveDate>, v, Val::Date(v));
from_val!(DateTime<Utc>, v, Val::Time(Some(v)));
from_val!(Vec<u8>, v, Val::Bytes(Some(v)));

/// A query: SQL text (with `$n` placeholders) plus its bind values.
#[derive(Clone, Debug)]
pub struct Q {
    sql: String,
    args: Vec<Val>,
}

/// Rows that decode on both backends (every `#[derive(FromRow)]` struct of shared types).
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Val::Int(v) => q.bind(v),
                Val::Text(v) => q.bind(v),
                Val::Bool(v) => q.bind(v),
                Val::Date(v) => q.bind(v),
                Val::Time(v) => q.bind(v),
                Val::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

/// Runs `$body` with `$q` bound to the prepared query for the backend of `$ex`.
macro_rules! dispatch {
    ($self:ident, $ex:expr, $mk:ident, |$q:ident, $e:ident| $body:expr) => {
        match $ex {
            Exec::Pool(Db::Sqlite(p)) => {
                let $q = bind_all!(sqlx::$mk(&$self.sql), $self.args);
                let $e = p;
                $body
            }
            Exec::Pool(Db::Postgres(p)) => {
                let $q = bind_all!(sqlx::$mk(&$self.sql), $self.args);
                let $e = p;
                $body
            }
            Exec::Tx(Tx::Sqlite(t)) => {
                let $q = bind_all!(sqlx::$mk(&$self.sql), $self.args);
                let $e = &mut **t;
                $body
            }
            Exec::Tx(Tx::Postgres(t)) => {
                let $q = bind_all!(sqlx::$mk(&$self.sql), $self.args);
                let $e = &mut **t;
                $body
            }
            Exec::SqliteConn(c) => {
                let $q = bind_all!(sqlx::$mk(&$self.sql), $self.args);
                let $e = &mut **c;
                $body
            }
        }
    };
}

/// Where a query runs: the pool (autocommit) or an open transaction.
pub enum Exec<'a> {
    /// A connection from the pool, autocommit.
    Pool(&'a Db),
    /// Inside a transaction.
    Tx(&'a mut Tx),
    /// One SQLite connection held outside a transaction (its temporary tables are its own).
    SqliteConn(&'a mut sqlx::pool::PoolConnection<sqlx::Sqlite>),
}

impl<'a> From<&'a Db> for Exec<'a> {
    fn from(db: &'a Db) -> Self {
        Exec::Pool(db)
    }
}
impl<'a> From<&'a mut sqlx::pool::PoolConnection<sqlx::Sqlite>> for Exec<'a> {
    fn from(c: &'a mut sqlx::pool::PoolConnection<sqlx::Sqlite>) -> Self {
        Exec::SqliteConn(c)
    }
}
impl<'a> From<&'a mut Tx> for Exec<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Exec::Tx(tx)
    }
}

impl Q {
    /// A new query from SQL text.
    pub fn new(sql: impl Into<String>) -> Q {
        Q {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    /// Binds the next `$n` parameter.
    pub fn bind(mut self, v: impl Into<Val>) -> Q {
        self.args.push(v.into());
        self
    }

    /// Executes the statement; returns the number of rows affected.
    pub async fn execute<'a>(self, ex: impl Into<Exec<'a>>) -> Result<u64, AppError> {
        let n = dispatch!(self, ex.into(), query, |q, e| q
            .execute(e)
            .await?
            .rows_affected());
        Ok(n)
    }

    /// Fetches every row.
    pub async fn all<'a, T: Row>(self, ex: impl Into<Exec<'a>>) -> Result<Vec<T>, AppError> {
        let rows = dispatch!(self, ex.into(), query_as, |q, e| q.fetch_all(e).await?);
        Ok(rows)
    }

    /// Fetches at most one row.
    pub async fn optional<'a, T: Row>(
        self,
        ex: impl Into<Exec<'a>>,
    ) -> Result<Option<T>, AppError> {
        let row = dispatch!(self, ex.into(), query_as, |q, e| q
            .fetch_optional(e)
            .await?);
        Ok(row)
    }

    /// Fetches exactly one row.
    pub async fn one<'a, T: Row>(self, ex: impl Into<Exec<'a>>) -> Result<T, AppError> {
        let row = dispatch!(self, ex.into(), query_as, |q, e| q.fetch_one(e).await?);
        Ok(row)
    }

    /// Fetches one `i64` (a count or an id).
    pub async fn scalar<'a>(self, ex: impl Into<Exec<'a>>) -> Result<i64, AppError> {
        let (v,): (i64,) = self.one(ex).await?;
        Ok(v)
    }

    /// Executes, returning the raw sqlx error (for callers that map unique violations).
    pub async fn try_execute<'a>(self, ex: impl Into<Exec<'a>>) -> Result<u64, sqlx::Error> {
        let n = dispatch!(self, ex.into(), query, |q, e| q
            .execute(e)
            .await?
            .rows_affected());
        Ok(n)
    }

    /// Fetches one `i64`, returning the raw sqlx error.
    pub async fn try_scalar<'a>(self, ex: impl Into<Exec<'a>>) -> Result<i64, sqlx::Error> {
        let (v,): (i64,) = dispatch!(self, ex.into(), query_as, |q, e| q.fetch_one(e).await?);
        Ok(v)
    }
}
