//! W-2 健全组织体系: each elected member's 分工 in both new committees, the residents'
//! committee's subcommittees, the 民主理财小组 and the 居务公开小组, the work plan, and closing
//! the step — reads (`read`), writes (`write`), the page (`web`) and the JSON API (`api`).

pub mod api;
pub mod read;
pub mod web;
pub mod write;

use crate::routes::{Access, RouteDef, create, delete, get, post, put};

/// W-2's routes: pages under `/communities/{code}/campaigns/{campaign}/wrapup/organisation`,
/// the API under `/api/v1/campaigns/{campaign}/wrapup/organisation`.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    let a = Access::Community;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/wrapup/organisation",
            a,
            r::get(web::page_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/organisation/duties",
            a,
            r::post(web::duties_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/wrapup/organisation/subcommittees",
            a,
            r::post(web::subcommittee_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/organisation/subcommittees/{body}",
            a,
            r::post(web::body_update_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/organisation/subcommittees/{body}/delete",
            a,
            r::post(web::body_remove_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/organisation/finance",
            a,
            r::post(web::finance_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/organisation/disclosure",
            a,
            r::post(web::disclosure_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/organisation/plan",
            a,
            r::post(web::plan_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/organisation/close",
            a,
            r::post(web::close_post),
        ),
        // JSON API.
        get(
            "/api/v1/campaigns/{campaign}/wrapup/organisation",
            a,
            r::get(api::show),
        ),
        put(
            "/api/v1/campaigns/{campaign}/wrapup/organisation/duties",
            a,
            r::put(api::duties),
        ),
        create(
            "/api/v1/campaigns/{campaign}/wrapup/organisation/subcommittees",
            a,
            r::post(api::subcommittee_create),
        ),
        put(
            "/api/v1/campaigns/{campaign}/wrapup/organisation/subcommittees/{body}",
            a,
            r::put(api::body_update),
        ),
        delete(
            "/api/v1/campaigns/{campaign}/wrapup/organisation/subcommittees/{body}",
            a,
            r::delete(api::body_remove),
        ),
        put(
            "/api/v1/campaigns/{campaign}/wrapup/organisation/finance",
            a,
            r::put(api::finance),
        ),
        put(
            "/api/v1/campaigns/{campaign}/wrapup/organisation/disclosure",
            a,
            r::put(api::disclosure),
        ),
        put(
            "/api/v1/campaigns/{campaign}/wrapup/organisation/plan",
            a,
            r::put(api::plan),
        ),
        post(
            "/api/v1/campaigns/{campaign}/wrapup/organisation/close",
            a,
            r::post(api::close),
        ),
    ]
}
