//! People (人员), once per street: records, relations, incumbency, honours, and import.
//! Lists mask ID numbers and phones; the detail page shows them to those allowed.

mod bulk;
pub mod import;
mod importing;
mod pages;
pub mod pick;
mod store;

pub use bulk::{NewPerson, import, import_between, insert_people};
pub use importing::{Importer, Outcome, Report};
pub use store::{
    Headcount, Person, PersonRef, Resolved, add_relation, insert_person, resolve, scope_for,
};

use crate::routes::{Access, RouteDef, create, delete, get, post, put};

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    use pages::*;
    vec![
        get("/people", Access::Street, r::get(street_list_get)),
        get(
            "/people/template.xlsx",
            Access::Community,
            r::get(template_xlsx_get),
        ),
        get(
            "/people/template.csv",
            Access::Community,
            r::get(template_csv_get),
        ),
        get(
            "/communities/{code}/people",
            Access::Community,
            r::get(list_get),
        ),
        get(
            "/communities/{code}/people/new",
            Access::Community,
            r::get(new_get),
        ),
        create(
            "/communities/{code}/people",
            Access::Community,
            r::post(create_post),
        ),
        get(
            "/communities/{code}/people/import",
            Access::Community,
            r::get(import_get),
        ),
        create(
            "/communities/{code}/people/import",
            Access::Community,
            r::post(import_post),
        ),
        get(
            "/communities/{code}/people/{id}",
            Access::Community,
            r::get(show_get),
        ),
        post(
            "/communities/{code}/people/{id}",
            Access::Community,
            r::post(update_post),
        ),
        create(
            "/communities/{code}/people/{id}/relations",
            Access::Community,
            r::post(relation_post),
        ),
        post(
            "/communities/{code}/people/{id}/relations/{relation}/delete",
            Access::Community,
            r::post(relation_delete_post),
        ),
        create(
            "/communities/{code}/people/{id}/incumbencies",
            Access::Community,
            r::post(incumbency_post),
        ),
        create(
            "/communities/{code}/people/{id}/honours",
            Access::Community,
            r::post(honour_post),
        ),
        get(
            "/api/v1/communities/{code}/people",
            Access::Community,
            r::get(api_list),
        ),
        get(
            "/api/v1/communities/{code}/people/pick",
            Access::Community,
            r::get(pick::api_pick),
        ),
        get(
            "/api/v1/people/pick",
            Access::Street,
            r::get(pick::api_pick_street),
        ),
        create(
            "/api/v1/communities/{code}/people",
            Access::Community,
            r::post(api_create),
        ),
        create(
            "/api/v1/communities/{code}/people/import",
            Access::Community,
            r::post(api_import),
        ),
        get(
            "/api/v1/communities/{code}/people/{id}",
            Access::Community,
            r::get(api_show),
        ),
        put(
            "/api/v1/communities/{code}/people/{id}",
            Access::Community,
            r::put(api_update),
        ),
        create(
            "/api/v1/communities/{code}/people/{id}/relations",
            Access::Community,
            r::post(api_relation),
        ),
        delete(
            "/api/v1/communities/{code}/people/{id}/relations/{relation}",
            Access::Community,
            r::delete(api_relation_delete),
        ),
        create(
            "/api/v1/communities/{code}/people/{id}/incumbencies",
            Access::Community,
            r::post(api_incumbency),
        ),
        create(
            "/api/v1/communities/{code}/people/{id}/honours",
            Access::Community,
            r::post(api_honour),
        ),
    ]
}
