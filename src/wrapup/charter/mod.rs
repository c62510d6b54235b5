//! W-3 完善自治章程、居民公约及制度: the 居民自治章程 and the 居民公约 with their adoption and text
//! or file, the meeting systems, and closing the step — reads (`read`), writes (`write`), the
//! page and the file download (`web`), and the JSON API (`api`).

pub mod api;
pub mod read;
pub mod web;
pub mod write;

use crate::routes::{Access, RouteDef, create, delete, get, post, put};

/// W-3's routes: pages under `/communities/{code}/campaigns/{campaign}/wrapup/charter`, the API
/// under `/api/v1/campaigns/{campaign}/wrapup/charter`.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    let a = Access::Community;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/wrapup/charter",
            a,
            r::get(web::page_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/charter/documents/{doc}",
            a,
            r::post(web::document_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/wrapup/charter/documents/{doc}/file",
            a,
            r::post(web::file_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/wrapup/charter/documents/{doc}/file",
            a,
            r::get(web::file_get),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/wrapup/charter/systems",
            a,
            r::post(web::system_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/charter/systems/{system}/delete",
            a,
            r::post(web::system_remove_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/wrapup/charter/close",
            a,
            r::post(web::close_post),
        ),
        // JSON API.
        get(
            "/api/v1/campaigns/{campaign}/wrapup/charter",
            a,
            r::get(api::show),
        ),
        put(
            "/api/v1/campaigns/{campaign}/wrapup/charter/documents/{doc}",
            a,
            r::put(api::document),
        ),
        create(
            "/api/v1/campaigns/{campaign}/wrapup/charter/documents/{doc}/file",
            a,
            r::post(api::file),
        ),
        create(
            "/api/v1/campaigns/{campaign}/wrapup/charter/systems",
            a,
            r::post(api::system_create),
        ),
        delete(
            "/api/v1/campaigns/{campaign}/wrapup/charter/systems/{system}",
            a,
            r::delete(api::system_remove),
        ),
        post(
            "/api/v1/campaigns/{campaign}/wrapup/charter/close",
            a,
            r::post(api::close),
        ),
    ]
}
