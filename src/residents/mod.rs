//! The residents' committee pipeline (SPEC §6), first slice: the seats (C-2), R-1 居民代表
//! per resident group, R-2 居民选举委员会 (members, chair, alternates, substitutions of members
//! nominated as candidates) and R-3 选举办法 (the text, its settings and its adoption by the
//! representatives' meeting), as pages and as JSON API.
//!
//! `store` reads; `setup` and `rules` change (each change audited in the community's chain in
//! its own transaction); `web` and `api` are the faces. R-4 选民登记: `voters_read` reads,
//! `voters` and `voters_publish` change, `voters_web` is the pages and JSON API, `voters_docs` the
//! print documents; `voters_mode` applies the adopted voting mode. R-5 候选人提名 and R-6
//! 宣传介绍: `nominees_read` reads, `nominees`, `nominees_close` and `introductions` change,
//! `nominees_web` and `nominees_api` are the pages and JSON API, `nominees_docs` the print
//! documents. R-7 正式投票: `election_read` reads, `election` (meeting, proxies, boxes) and
//! `election_poll` (participation, polls, write-ins, close) change, `election_web` and
//! `election_routes` are the faces. R-8 公布结果: `results_read` reads the election's rounds and
//! the elected, `results` records publication, filing and completion, `results_web` and
//! `results_docs` are the pages, API and print documents.

mod api;
mod checks_web;
mod date_checks;
mod election;
mod election_poll;
mod election_read;
mod election_routes;
mod election_vacancy;
mod election_web;
mod introductions;
mod nominees;
mod nominees_api;
mod nominees_close;
mod nominees_docs;
pub mod nominees_read;
mod nominees_web;
mod results;
mod results_docs;
pub mod results_read;
mod results_web;
mod rules;
mod setup;
mod store;
mod voters;
mod voters_docs;
mod voters_mode;
mod voters_publish;
mod voters_read;
mod voters_web;
mod web;

/// The residents' election's hooks in the counting room: counting starts only with the
/// polls closed and a quorum; a round with undecided write-ins is not signed.
pub const COUNTING_HOOKS: crate::counting::hooks::Hooks = crate::counting::hooks::Hooks {
    counting_gate: |db, vote| Box::pin(election_read::counting_gate(db, vote)),
    signoff_blocker: |db, vote, result| Box::pin(election_read::signoff_blocker(db, vote, result)),
};
pub use date_checks::rerun_date_checks;
pub use rules::{Overview, overview};
pub use setup::step_down;

use axum::routing::{get as g, post as p, put as u};

use crate::routes::{Access, RouteDef, get, post, put};

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    let mut t = setup_routes();
    t.extend(voters_web::voters_routes());
    t.extend(nominees_api::nominees_routes());
    t.extend(election_routes::election_routes());
    t.extend(results_web::results_routes());
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
