//! The residents' committee pipeline (SPEC §6). In this branch: R-4 选民登记 — `voters_read`
//! reads, `voters` and `voters_publish` change, `voters_web` is the pages and JSON API, `voters_docs` the print documents.

mod voters;
mod voters_docs;
mod voters_publish;
mod voters_read;
mod voters_web;

use crate::routes::RouteDef;

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    voters_web::voters_routes()
}
