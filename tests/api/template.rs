//! The migrated template database: built once per test run (per process, and shared by the
//! processes of a run through its name), then copied for each test instead of migrating a fresh
//! database every time. SQLite: a file in the temporary directory, copied per test; PostgreSQL:
//! a database that `CREATE DATABASE … TEMPLATE` clones.
//!
//! The template's name carries a hash of the backend's migration files, so a changed migration
//! builds a new template and an old one is never used. Each template is built under a
//! temporary name and renamed when complete: a process that dies while building leaves no
//! half-migrated template behind, and two processes building at once both succeed (the first
//! rename wins, the other drops its copy).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use huanjie::config::{Config, Durability};
use huanjie::db::{Db, Q};
use sha2::{Digest, Sha256};

/// Twelve hex digits of the hash of the backend's migrations (names and contents).
fn migrations_hash(backend: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the migrations folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.file_name().unwrap().as_encoded_bytes());
        h.update(std::fs::read(&f).expect("a migration is readable"));
    }
    hex::encode(h.finalize())[..12].to_string()
}

/// Runs a future to completion on a runtime of its own, on its own thread (callers are inside
/// a test's runtime, which cannot be blocked on from within).
fn block_on<T: Send + 'static>(f: impl Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    })
    .join()
    .expect("the template builder does not panic")
}

/// The migrated SQLite template file for this run.
pub fn sqlite() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = std::env::temp_dir();
        let file = dir.join(format!("huanjie-template-{}.db", migrations_hash("sqlite")));
        if !file.exists() {
            let building = dir.join(format!(
                "huanjie-template-building-{}-{}.db",
                std::process::id(),
                super::helpers::rand_suffix()
            ));
            let url = format!("sqlite:{}", building.display());
            block_on(async move {
                let db = Db::connect_with(&url, Durability::Normal).await.unwrap();
                db.migrate().await.unwrap();
                // Everything into the main file; closing the last connection removes the log.
                Q::new("pragma wal_checkpoint(truncate)")
                    .execute(&db)
                    .await
                    .unwrap();
                db.close().await;
            });
            // Atomic: a reader sees no file or the whole template.
            std::fs::rename(&building, &file).expect("the template is moved into place");
        }
        file
    })
}

/// Copies the template to `to` (the test's database file), with its write-ahead log if one
/// was left beside it.
pub fn sqlite_copy(to: &Path) {
    let from = sqlite();
    std::fs::copy(from, to).expect("the template is copied");
    let wal = |p: &Path| PathBuf::from(format!("{}-wal", p.display()));
    if wal(from).exists() {
        std::fs::copy(wal(from), wal(to)).expect("the template's log is copied");
    }
}

/// The name of the migrated PostgreSQL template database on the server of `admin_url`.
pub fn postgres(admin_url: &str) -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let name = format!("huanjie_tpl_{}", migrations_hash("postgres"));
        let (admin_url, wanted) = (admin_url.to_string(), name.clone());
        block_on(async move {
            let admin = Db::connect(&admin_url)
                .await
                .expect("TEST_DATABASE_URL must reach PostgreSQL");
            let exists: i64 = Q::new("select count(*) from pg_database where datname = $1")
                .bind(&wanted)
                .scalar(&admin)
                .await
                .unwrap();
            if exists == 0 {
                let building = format!("huanjie_tpl_building_{}", super::helpers::rand_suffix());
                Q::new(format!("create database {building}"))
                    .execute(&admin)
                    .await
                    .unwrap();
                let config = Config::for_tests(&with_database(&admin_url, &building));
                let db = Db::connect_with(&config.database_url, config.durability)
                    .await
                    .unwrap();
                db.migrate().await.unwrap();
                db.close().await;
                let renamed = Q::new(format!("alter database {building} rename to {wanted}"))
                    .execute(&admin)
                    .await;
                if renamed.is_err() {
                    // Another process finished first: use theirs.
                    let _ = Q::new(format!("drop database if exists {building} with (force)"))
                        .execute(&admin)
                        .await;
                }
            }
            admin.close().await;
        });
        name
    })
}

/// `admin_url` with its database replaced by `name`.
pub fn with_database(admin_url: &str, name: &str) -> String {
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .unwrap_or(admin_url.to_string());
    format!("{base}/{name}")
}
