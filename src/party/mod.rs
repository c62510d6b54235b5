//! The Party committee pipeline (SPEC §5, 公推直选), first slice: the committee size (C-1),
//! P-1 公开推荐 (nominations, joint backers, consent, the 报名汇总表) and P-2 资格审查 by the
//! street (C-3/C-4 checks, decisions, 公示 and objections), and P-3 全额定向民主推荐 (the
//! meeting's participants and checks, introductions, forms or totals, the summary), P-4 初步人选
//! (the list with its size check, inspections, 公示) and P-5 候选人预备人选 (the list with the
//! proposed 书记/副书记, the street's approval), P-6 党员大会 (the roll with exclusions and
//! check-in, the quorum, the 委员 and 书记/副书记 votes run in the counting room, replacements)
//! and P-7 报批 (filing and approval), with the print documents of P-2 … P-7, as pages and as JSON
//! API.
//!
//! `store`, `recommend_read` and `lists_read` read; `lists`, `lists_gate` and `candidates` change
//! the P-4/P-5 records; `lists_web`, `candidates_web` and `list_docs` (routes in `lists_routes`)
//! are their faces. `congress_read` and `crate::counting::stage` read P-6/P-7; `congress`,
//! `congress_roll`, `congress_votes`, `congress_reduce` and `congress_close` change them;
//! `congress_web`, `congress_docs` and `congress_api` (with the routes) are their faces.
//! `store` and `recommend_read` read, `size`, `nominations`, `review` and `recommend` change (each change audited in the
//! community's chain in its own transaction), `pages`, `api` and `recommend_web` are the faces.

mod api;
mod candidates;
mod candidates_web;
mod congress;
mod congress_api;
mod congress_close;
mod congress_docs;
mod congress_read;
mod congress_reduce;
mod congress_roll;
mod congress_votes;
mod congress_web;
mod list_docs;
mod lists;
mod lists_gate;
mod lists_read;
mod lists_routes;
mod lists_web;
mod nominations;
mod pages;
mod recommend;
mod recommend_gate;
mod recommend_read;
mod recommend_web;
mod review;
mod size;
mod store;

pub use congress_close::blockers as congress_blockers;
pub use nominations::{SummaryRow, summary};

/// Re-runs the Party pipeline's stored checks computed on a campaign date that moved: the C-3
/// ages of P-2 on the reference date (no stored Party check reads the congress day).
pub async fn rerun_date_checks(
    tx: &mut crate::db::Tx,
    change: crate::campaigns::DateChange<'_>,
) -> crate::error::AppResult<Vec<crate::checks::Rerun>> {
    if change.reference() {
        review::rerun_ages(tx, change.after).await
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
    t.extend(p3_routes());
    t.extend(lists_routes::routes());
    t.extend(congress_api::routes());
    t
}

/// P-3 and closing P-2: pages, then JSON API.
fn p3_routes() -> Vec<RouteDef> {
    use axum::routing as r;
    use recommend_web as w;
    vec![
        post(
            "/communities/{code}/campaigns/{campaign}/party/steps/P-2/done",
            Access::Street,
            r::post(w::p2_done_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/party/recommendation",
            Access::Community,
            r::get(w::recommendation_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/recommendation/open",
            Access::Street,
            r::post(w::open_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/recommendation/meeting",
            Access::Community,
            r::post(w::meeting_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/recommendation/introductions/{nid}",
            Access::Community,
            r::post(w::introduction_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/party/recommendation/forms",
            Access::Community,
            r::post(w::form_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/recommendation/totals",
            Access::Community,
            r::post(w::totals_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/party/recommendation/summary",
            Access::Community,
            r::get(w::summary_get),
        ),
        // JSON API.
        post(
            "/api/v1/campaigns/{campaign}/party/steps/P-2/done",
            Access::Street,
            r::post(w::api_p2_done),
        ),
        get(
            "/api/v1/campaigns/{campaign}/party/recommendation",
            Access::Community,
            r::get(w::api_get),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/recommendation/open",
            Access::Street,
            r::post(w::api_open),
        ),
        put(
            "/api/v1/campaigns/{campaign}/party/recommendation/meeting",
            Access::Community,
            r::put(w::api_meeting),
        ),
        put(
            "/api/v1/campaigns/{campaign}/party/recommendation/introductions/{nid}",
            Access::Community,
            r::put(w::api_introduction),
        ),
        create(
            "/api/v1/campaigns/{campaign}/party/recommendation/forms",
            Access::Community,
            r::post(w::api_form),
        ),
        put(
            "/api/v1/campaigns/{campaign}/party/recommendation/totals",
            Access::Community,
            r::put(w::api_totals),
        ),
        get(
            "/api/v1/campaigns/{campaign}/party/recommendation/summary",
            Access::Community,
            r::get(w::api_summary),
        ),
    ]
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
