//! W-1 新老班子交接: the handover meeting within ten days after the new committees were formed,
//! the checklist (交接清单) ticked by both sides, and closing the step — reads (`read`), writes
//! (`write`), the page and the printable list (`web`), and the JSON API (`api`).

pub mod api;
pub mod read;
pub mod web;
pub mod write;

use crate::routes::{Access, RouteDef, create, delete, get, post, put};

/// W-1's routes: pages under `/communities/{code}/campaigns/{campaign}/wrapup/handover`, the
/// API under `/api/v1/campaigns/{campaign}/wrapup/handover`.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    let a = Access::Community;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/wrapup/handover",
            a,
            r::get(web::page_get),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/wrapup/handover/print",
            a,
            r::get(web::print_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/handover/meeting",
            a,
            r::post(web::meeting_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/wrapup/handover/items",
            a,
            r::post(web::item_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/wrapup/handover/items/defaults",
            a,
            r::post(web::defaults_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/handover/ticks",
            a,
            r::post(web::ticks_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/handover/items/{item}/delete",
            a,
            r::post(web::remove_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/handover/override",
            Access::Street,
            r::post(web::override_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/handover/close",
            a,
            r::post(web::close_post),
        ),
        // JSON API.
        get(
            "/api/v1/campaigns/{campaign}/wrapup/handover",
            a,
            r::get(api::show),
        ),
        put(
            "/api/v1/campaigns/{campaign}/wrapup/handover/meeting",
            a,
            r::put(api::meeting),
        ),
        create(
            "/api/v1/campaigns/{campaign}/wrapup/handover/items",
            a,
            r::post(api::item_create),
        ),
        put(
            "/api/v1/campaigns/{campaign}/wrapup/handover/items",
            a,
            r::put(api::ticks),
        ),
        create(
            "/api/v1/campaigns/{campaign}/wrapup/handover/items/defaults",
            a,
            r::post(api::defaults),
        ),
        delete(
            "/api/v1/campaigns/{campaign}/wrapup/handover/items/{item}",
            a,
            r::delete(api::item_remove),
        ),
        post(
            "/api/v1/campaigns/{campaign}/wrapup/handover/override",
            Access::Street,
            r::post(api::override_late),
        ),
        post(
            "/api/v1/campaigns/{campaign}/wrapup/handover/close",
            a,
            r::post(api::close),
        ),
    ]
}
