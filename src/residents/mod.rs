//! The residents' committee pipeline (SPEC §6), one module per step from R-3 on, each with the
//! same shape (`write` changes, `read` reads, `web`/`api` are the pages and JSON, `docs` the
//! print documents): `r3_rules` (选举办法 and its adoption), `r4_voters` (选民登记),
//! `r5_nominees` (候选人提名), `r6_introductions` (宣传介绍), `r7_election` (正式投票),
//! `r8_results` (公布结果). The first slice — the seats (C-2), R-1 居民代表 and R-2 居民选举委员会
//! — is still shared by `setup` (changes and the step gates) and `web`/`api` (pages and JSON);
//! `store` reads what every step shares. Every change is audited in the community's chain in
//! its own transaction; order, gates and freezes come from the procedure guard (`crate::steps`).

mod api;
mod checks_web;
mod date_checks;
mod r3_rules;
pub(crate) mod r4_voters;
pub(crate) mod r5_nominees;
mod r6_introductions;
mod r7_election;
mod r8_results;
mod setup;
mod store;
mod web;

/// The residents' election's hooks in the counting room: counting starts only with the
/// polls closed and a quorum; a round with undecided write-ins is not signed.
pub const COUNTING_HOOKS: crate::counting::hooks::Hooks = crate::counting::hooks::Hooks {
    counting_gate: |db, vote| Box::pin(r7_election::read::counting_gate(db, vote)),
    signoff_blocker: |db, vote, result| {
        Box::pin(r7_election::read::signoff_blocker(db, vote, result))
    },
};
pub use date_checks::rerun_date_checks;
pub use r3_rules::write::{Overview, overview};
pub use setup::step_down;

use axum::routing::{get as g, post as p, put as u};

use crate::routes::{Access, RouteDef, get, post, put};

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    let mut t = setup_routes();
    t.extend(r4_voters::web::voters_routes());
    t.extend(r5_nominees::api::nominees_routes());
    t.extend(r7_election::routes::election_routes());
    t.extend(r8_results::web::results_routes());
    t.extend(checks_web::check_routes());
    t
}

/// C-2, R-1, R-2 and R-3.
fn setup_routes() -> Vec<RouteDef> {
    let c = Access::Community;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/residents",
            c,
            g(web::overview_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/seats",
            c,
            p(web::seats_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/open",
            Access::Street,
            p(web::open_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/representatives",
            c,
            g(web::representatives_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/representatives",
            c,
            p(web::add_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/representatives/remove",
            c,
            p(web::remove_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/representatives/done",
            c,
            p(web::r1_done_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/committee",
            c,
            g(web::committee_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/committee",
            c,
            p(web::committee_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/committee/step-down",
            c,
            p(web::step_down_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/committee/done",
            c,
            p(web::r2_done_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/rules",
            c,
            g(web::rules_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/rules",
            c,
            p(web::rules_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/rules/adopt",
            c,
            p(web::adopt_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/rules/print",
            c,
            g(web::rules_print),
        ),
        get(
            "/api/v1/campaigns/{campaign}/residents",
            c,
            g(api::overview),
        ),
        put(
            "/api/v1/campaigns/{campaign}/residents/seats",
            c,
            u(api::seats),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/open",
            Access::Street,
            p(api::open),
        ),
        get(
            "/api/v1/campaigns/{campaign}/residents/representatives",
            c,
            g(api::representatives),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/representatives",
            c,
            p(api::add),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/representatives/remove",
            c,
            p(api::remove),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/representatives/done",
            c,
            p(api::r1_done),
        ),
        get(
            "/api/v1/campaigns/{campaign}/residents/committee",
            c,
            g(api::committee),
        ),
        put(
            "/api/v1/campaigns/{campaign}/residents/committee",
            c,
            u(api::set_committee),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/committee/step-down",
            c,
            p(api::step_down),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/committee/done",
            c,
            p(api::r2_done),
        ),
        get(
            "/api/v1/campaigns/{campaign}/residents/rules",
            c,
            g(api::get_rules),
        ),
        put(
            "/api/v1/campaigns/{campaign}/residents/rules",
            c,
            u(api::put_rules),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/rules/adopt",
            c,
            p(api::adopt),
        ),
    ]
}
