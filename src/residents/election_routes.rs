//! R-7's route table: the election pages and the JSON API.

use axum::routing as r;

use super::election_web as w;
use crate::routes::{Access, RouteDef, create, get, post};

/// R-7's routes.
pub fn election_routes() -> Vec<RouteDef> {
    let c = Access::Community;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/residents/election",
            c,
            r::get(w::election_get),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/residents/election",
            c,
            r::post(w::election_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/election/station",
            c,
            r::get(w::station_get),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/election/proxies/print",
            c,
            r::get(w::proxies_print),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/residents/election/proxies",
            c,
            r::post(w::proxies_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/residents/election/boxes",
            Access::Street,
            r::post(w::boxes_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/residents/election/participations",
            c,
            r::post(w::participations_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/election/close-polls",
            c,
            r::post(w::close_polls_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/residents/election/writeins",
            c,
            r::post(w::writeins_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/election/done",
            c,
            r::post(w::done_post),
        ),
        get(
            "/api/v1/campaigns/{campaign}/residents/election",
            c,
            r::get(w::api_get),
        ),
        create(
            "/api/v1/campaigns/{campaign}/residents/election",
            c,
            r::post(w::api_create),
        ),
        create(
            "/api/v1/campaigns/{campaign}/residents/election/proxies",
            c,
            r::post(w::api_proxy),
        ),
        create(
            "/api/v1/campaigns/{campaign}/residents/election/boxes",
            Access::Street,
            r::post(w::api_box),
        ),
        create(
            "/api/v1/campaigns/{campaign}/residents/election/participations",
            c,
            r::post(w::api_participate),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/election/close-polls",
            c,
            r::post(w::api_close_polls),
        ),
        create(
            "/api/v1/campaigns/{campaign}/residents/election/writeins",
            c,
            r::post(w::api_writein),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/election/done",
            c,
            r::post(w::api_done),
        ),
    ]
}
