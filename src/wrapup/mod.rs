//! 总结完善 (SPEC §7, the seed's 5/21–6/4): the wrap-up steps of a campaign once both new
//! committees are formed — W-1 the handover, W-2 the organisation, W-3 the charter, and W-4
//! statistics, summary, archive and the street's inspection. Each step lives in its own
//! submodule with its records, pages, API and close conditions; this module merges their routes.

pub mod archive;
pub mod charter;
pub mod handover;
pub mod inspection;
pub mod organisation;
pub mod statistics;
pub mod summary;

use crate::routes::RouteDef;

/// Every route of the wrap-up steps.
pub fn routes() -> Vec<RouteDef> {
    let mut t = Vec::new();
    t.extend(handover::routes());
    t.extend(organisation::routes());
    t.extend(charter::routes());
    t.extend(statistics::routes());
    t.extend(summary::routes());
    t.extend(inspection::routes());
    t
}
