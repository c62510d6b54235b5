//! The route table of closing P-3, P-4 初步人选, P-5 候选人预备人选 and the documents of P-2 …
//! P-5: pages under `/communities/{code}/campaigns/{campaign}/party`, JSON API under
//! `/api/v1/campaigns/{campaign}/party`.

use super::{candidates_web as cw, list_docs as docs, lists_web as lw};
use crate::routes::{Access, RouteDef, create, get, post, put};

/// This slice's routes: pages, documents, then JSON API.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        post("/communities/{code}/campaigns/{campaign}/party/steps/P-3/done", Access::Street, r::post(lw::p3_done_post)),
        get("/communities/{code}/campaigns/{campaign}/party/preliminary", Access::Community, r::get(lw::preliminary_get)),
        post("/communities/{code}/campaigns/{campaign}/party/preliminary/open", Access::Street, r::post(lw::open_post)),
        post("/communities/{code}/campaigns/{campaign}/party/preliminary", Access::Community, r::post(lw::list_post)),
        post("/communities/{code}/campaigns/{campaign}/party/preliminary/inspections", Access::Street, r::post(lw::inspection_post)),
        create("/communities/{code}/campaigns/{campaign}/party/preliminary/publicity", Access::Street, r::post(lw::publicity_post)),
        post("/communities/{code}/campaigns/{campaign}/party/steps/P-4/done", Access::Street, r::post(lw::p4_done_post)),
        get("/communities/{code}/campaigns/{campaign}/party/candidates", Access::Community, r::get(cw::candidates_get)),
        post("/communities/{code}/campaigns/{campaign}/party/candidates/open", Access::Street, r::post(cw::open_post)),
        post("/communities/{code}/campaigns/{campaign}/party/candidates", Access::Community, r::post(cw::list_post)),
        post("/communities/{code}/campaigns/{campaign}/party/candidates/submit", Access::Community, r::post(cw::submit_post)),
        post("/communities/{code}/campaigns/{campaign}/party/candidates/approve", Access::Street, r::post(cw::approve_post)),
        post("/communities/{code}/campaigns/{campaign}/party/candidates/return", Access::Street, r::post(cw::return_post)),
        // Documents.
        get("/communities/{code}/campaigns/{campaign}/party/documents/review-form", Access::Community, r::get(docs::review_get)),
        get("/communities/{code}/campaigns/{campaign}/party/documents/p2-notice", Access::Community, r::get(docs::p2_notice_get)),
        get("/communities/{code}/campaigns/{campaign}/party/documents/p4-notice", Access::Community, r::get(docs::p4_notice_get)),
        get("/communities/{code}/campaigns/{campaign}/party/documents/recommendation-form", Access::Community, r::get(docs::form_get)),
        get("/communities/{code}/campaigns/{campaign}/party/documents/preliminary", Access::Community, r::get(docs::preliminary_get)),
        get("/communities/{code}/campaigns/{campaign}/party/documents/candidates", Access::Community, r::get(docs::candidates_get)),
        get("/communities/{code}/campaigns/{campaign}/party/documents/candidates-request", Access::Community, r::get(docs::request_get)),
        // JSON API.
        post("/api/v1/campaigns/{campaign}/party/steps/P-3/done", Access::Street, r::post(lw::api_p3_done)),
        get("/api/v1/campaigns/{campaign}/party/preliminary", Access::Community, r::get(lw::api_get)),
        post("/api/v1/campaigns/{campaign}/party/preliminary/open", Access::Street, r::post(lw::api_open)),
        put("/api/v1/campaigns/{campaign}/party/preliminary", Access::Community, r::put(lw::api_list)),
        post("/api/v1/campaigns/{campaign}/party/preliminary/inspections", Access::Street, r::post(lw::api_inspection)),
        create("/api/v1/campaigns/{campaign}/party/preliminary/publicity", Access::Street, r::post(lw::api_publicity)),
        post("/api/v1/campaigns/{campaign}/party/steps/P-4/done", Access::Street, r::post(lw::api_p4_done)),
        get("/api/v1/campaigns/{campaign}/party/candidates", Access::Community, r::get(cw::api_get)),
        post("/api/v1/campaigns/{campaign}/party/candidates/open", Access::Street, r::post(cw::api_open)),
        put("/api/v1/campaigns/{campaign}/party/candidates", Access::Community, r::put(cw::api_list)),
        post("/api/v1/campaigns/{campaign}/party/candidates/submit", Access::Community, r::post(cw::api_submit)),
        post("/api/v1/campaigns/{campaign}/party/candidates/approve", Access::Street, r::post(cw::api_approve)),
        post("/api/v1/campaigns/{campaign}/party/candidates/return", Access::Street, r::post(cw::api_return)),
    ]
}
