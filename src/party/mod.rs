//! The Party committee pipeline (SPEC §5, 公推直选), one module per step, each with the same
//! shape (`write` changes, `read` reads, `web`/`api` are the pages and JSON, `docs` the print
//! documents, `gate` closes and opens steps): `p1_nominations` (公开推荐, the 报名汇总表),
//! `p2_review` (资格审查, 公示 and objections), `p3_recommendation` (全额定向民主推荐),
//! `p4_preliminary` (初步人选 and the lists P-5 shares), `p5_candidates` (候选人预备人选),
//! `p6_congress` (党员大会 and P-7 报批). `size` holds the committee size (C-1) and the
//! pipeline's overview, `store` the reads every step shares, `pages` and `api` the pipeline's own
//! faces. Every change is audited in the community's chain in its own transaction; order, gates
//! and freezes come from the procedure guard (`crate::steps`).

mod api;
mod p1_nominations;
mod p2_review;
mod p3_recommendation;
mod p4_preliminary;
mod p5_candidates;
mod p6_congress;
mod pages;
mod size;
mod store;

pub use p1_nominations::write::{SummaryRow, summary};
pub use p6_congress::close::blockers as congress_blockers;

/// Re-runs the Party pipeline's stored checks computed on a campaign date that moved: the C-3
/// ages of P-2 on the reference date (no stored Party check reads the congress day).
pub async fn rerun_date_checks(
    tx: &mut crate::db::Tx,
    change: crate::campaigns::DateChange<'_>,
) -> crate::error::AppResult<Vec<crate::checks::Rerun>> {
    if change.reference() {
        p2_review::write::rerun_ages(tx, change.after).await
    } else {
        Ok(Vec::new())
    }
}
pub use size::{Pipeline, check_size, pipeline};
pub use store::{CHANNELS, Nomination, POSTS, channel_label};

use crate::routes::{Access, RouteDef, create, get, post, put};

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    let mut t = first_slice();
    t.extend(p3_recommendation::routes());
    t.extend(p4_preliminary::routes::routes());
    t.extend(p6_congress::api::routes());
    t
}

/// The first slice: size, P-1 and P-2.
fn first_slice() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/party",
            Access::Community,
            r::get(pages::pipeline_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/size",
            Access::Community,
            r::post(pages::size_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/party/nominations",
            Access::Community,
            r::get(pages::nominations_get),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/party/nominations",
            Access::Community,
            r::post(pages::nomination_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/party/nominations/summary",
            Access::Community,
            r::get(pages::summary_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/nominations/{nid}/consent",
            Access::Community,
            r::post(pages::consent_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/steps/P-1/done",
            Access::Community,
            r::post(pages::p1_done_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/party/review",
            Access::Street,
            r::get(pages::review_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/review/open",
            Access::Street,
            r::post(pages::open_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/review/checks",
            Access::Street,
            r::post(pages::checks_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/checks/{chk}/override",
            Access::Street,
            r::post(pages::override_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/nominations/{nid}/review",
            Access::Street,
            r::post(pages::decide_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/party/publicity",
            Access::Street,
            r::post(pages::publicity_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/party/publicity/{pid}/objections",
            Access::Street,
            r::post(pages::objection_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/objections/{oid}/answer",
            Access::Street,
            r::post(pages::answer_post),
        ),
        // JSON API.
        get(
            "/api/v1/campaigns/{campaign}/party",
            Access::Community,
            r::get(api::pipeline),
        ),
        put(
            "/api/v1/campaigns/{campaign}/party/size",
            Access::Community,
            r::put(api::size),
        ),
        get(
            "/api/v1/campaigns/{campaign}/party/nominations",
            Access::Community,
            r::get(api::nominations),
        ),
        create(
            "/api/v1/campaigns/{campaign}/party/nominations",
            Access::Community,
            r::post(api::nominate),
        ),
        get(
            "/api/v1/campaigns/{campaign}/party/nominations/summary",
            Access::Community,
            r::get(api::summary),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/nominations/{nid}/consent",
            Access::Community,
            r::post(api::consent),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/steps/P-1/done",
            Access::Community,
            r::post(api::p1_done),
        ),
        get(
            "/api/v1/campaigns/{campaign}/party/review",
            Access::Street,
            r::get(api::review),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/review/open",
            Access::Street,
            r::post(api::open),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/review/checks",
            Access::Street,
            r::post(api::run_checks),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/nominations/{nid}/review",
            Access::Street,
            r::post(api::decide),
        ),
        create(
            "/api/v1/campaigns/{campaign}/party/publicity",
            Access::Street,
            r::post(api::publicity),
        ),
        create(
            "/api/v1/campaigns/{campaign}/party/publicity/{pid}/objections",
            Access::Street,
            r::post(api::objection),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/objections/{oid}/answer",
            Access::Street,
            r::post(api::answer),
        ),
    ]
}
