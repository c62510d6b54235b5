//! P-3 全额定向民主推荐: the meeting and its participant checks, introductions, forms or totals (`write`);
//! the summary (`read`); closing P-2 and opening P-3 (`gate`); pages and API (`web`).

pub(crate) mod gate;
pub(crate) mod read;
pub(crate) mod web;
pub(crate) mod write;

use crate::routes::{Access, RouteDef, create, get, post, put};

/// P-3's routes, with closing P-2: pages, then JSON API.
pub(crate) fn routes() -> Vec<RouteDef> {
    use self::web as w;
    use axum::routing as r;
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
