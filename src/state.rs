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
}
