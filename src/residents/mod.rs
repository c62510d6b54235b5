//! The residents' committee pipeline (SPEC §6). In this branch: R-4 选民登记 — `voters_read`
//! reads, `voters` changes, `voters_web` is the pages, documents and JSON API.

mod voters;
mod voters_read;
mod voters_web;

use crate::routes::RouteDef;

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    voters_web::voters_routes()
}
