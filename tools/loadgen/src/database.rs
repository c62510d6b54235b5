//! The PostgreSQL load database (`--database postgres://…`): a uniquely named database created
//! on the given server for this run, handed to the servers as their `DATABASE_URL`, and
//! dropped at the end on every path (the caller runs the load in a task, so a panic or an
//! interrupt still reaches [`LoadDb::remove`]). Only a loopback server is accepted.

use std::str::FromStr;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use crate::Res;

/// A database created for this run.
pub struct LoadDb {
    /// The URL given with `--database` (any database on the server; used to create and drop).
    admin_url: String,
    pub name: String,
    /// The URL of the load database itself.
    pub url: String,
    removed: bool,
}

impl LoadDb {
    /// Creates `huanjie_load_<random>` on the server of `admin_url`.
    pub async fn create(admin_url: &str) -> Res<LoadDb> {
        let opts = PgConnectOptions::from_str(admin_url)
            .map_err(|e| format!("--database is not a PostgreSQL URL: {e}"))?;
        let host = opts.get_host();
        if !(host == "127.0.0.1" || host == "localhost" || host == "::1" || host.starts_with('/')) {
            return Err(format!(
                "--database must name a loopback server (127.0.0.1, localhost), not {host}"
            ));
        }
        let name = format!("huanjie_load_{:016x}", rand::random::<u64>());
        let url = with_database(admin_url, &name)?;
        let mut conn = admin(admin_url).await?;
        let created = sqlx::query(&format!("create database {name}"))
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
        created.map_err(|e| format!("cannot create the load database {name}: {e}"))?;
        Ok(LoadDb {
            admin_url: admin_url.to_string(),
            name,
            url,
            removed: false,
        })
    }

    /// Drops the database, closing any connection still open to it (the servers are gone by
    /// then; `WITH (FORCE)` covers a straggler).
    pub async fn remove(mut self) -> Res<()> {
        self.removed = true;
        let mut conn = admin(&self.admin_url).await?;
        let dropped = sqlx::query(&format!(
            "drop database if exists {} with (force)",
            self.name
        ))
        .execute(&mut conn)
        .await;
        let _ = conn.close().await;
        dropped
            .map(|_| ())
            .map_err(|e| format!("cannot drop the load database {}: {e}", self.name))
    }
}

impl Drop for LoadDb {
    fn drop(&mut self) {
        if !self.removed {
            eprintln!(
                "loadgen: the load database {} was not dropped; drop it with \
                 `psql … -c 'drop database {} with (force)'`",
                self.name, self.name
            );
        }
    }
}

async fn admin(url: &str) -> Res<PgConnection> {
    PgConnection::connect(url)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", redact(url)))
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}

/// `url` with its database (the path) replaced by `name`, keeping any query string.
fn with_database(url: &str, name: &str) -> Res<String> {
    let (base, query) = match url.find('?') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let host_at = base.find("://").ok_or("--database is not a URL")? + 3;
    let base = match base[host_at..].find('/') {
        Some(i) => &base[..host_at + i],
        None => base,
    };
    Ok(format!("{base}/{name}{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        let u = |s| with_database(s, "huanjie_load_1").unwrap();
        assert_eq!(
            u("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/huanjie_load_1"
        );
        assert_eq!(
            u("postgres://u:p@localhost"),
            "postgres://u:p@localhost/huanjie_load_1"
        );
        assert_eq!(
            u("postgres://u@localhost/x?sslmode=disable"),
            "postgres://u@localhost/huanjie_load_1?sslmode=disable"
        );
        assert_eq!(
            redact("postgres://u:secret@127.0.0.1/x"),
            "postgres://…@127.0.0.1/x"
        );
    }
}
