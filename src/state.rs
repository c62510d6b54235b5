//! The application state shared by every handler.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;

/// Cheap to clone: a pool and shared configuration.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The configuration.
    pub config: Arc<Config>,
    /// Live tally events of the votes being counted.
    pub hub: crate::counting::Hub,
    /// "Today" for every date rule (UTC+8, or the pinned date).
    pub clock: crate::clock::Clock,
    /// The application's own router, once built: the archive (W-4) renders the campaign's
    /// printable pages through it, as the browser would, with the requester's session.
    pub router: Arc<std::sync::OnceLock<axum::Router>>,
    /// The group committer of ballot entry (SQLite: one writer task, see [`crate::db::group`]).
    pub writer: Arc<crate::db::group::GroupCommit>,
}

impl AppState {
    /// A fresh state: its own event hub, the clock pinned when the configuration says so.
    pub fn new(db: Db, config: Config) -> AppState {
        let clock = crate::clock::Clock::new(config.today);
        AppState {
            db,
            config: Arc::new(config),
            hub: Default::default(),
            clock,
            router: Default::default(),
            writer: Default::default(),
        }
    }

    /// Today in China Standard Time (SPEC §9), from the one clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }
}
