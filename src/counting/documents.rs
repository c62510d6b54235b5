//! Print-ready documents of a vote: the ballot (选票), the count report (计票结果报告单) and the
//! result notice (选举结果公告).

use crate::routes::RouteDef;

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    Vec::new()
}
