//! The residents' pipeline's first slice (issue 7): the seats (C-2), R-1 representatives per
//! resident group, R-2 election committee with substitutions, R-3 election rules, the gates,
//! authorization, and one walk through the pages.

mod setup;
mod walk;

use axum::http::Method;
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::helpers::{B, Resp, TestApp, Who, id_number};

/// A person of sg01 (living there) born on `birth`; their id.
async fn person(app: &TestApp, birth: &str, seq: u32) -> i64 {
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(json!({"name": format!("居民{seq}"), "id_number": id_number(birth, seq)})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["person"]["id"].as_i64().unwrap()
}

/// A resident group of sg01; its id.
pub(crate) async fn group(app: &TestApp, name: &str) -> i64 {
    Q::new(
        "insert into resident_groups (community_id, name, households, created_at, updated_at) \
         select id, $1, 0, $2, $2 from communities where code = 'sg01' returning id",
    )
    .bind(name)
    .bind(huanjie::now())
    .scalar(&app.state.db)
    .await
    .unwrap()
}

fn res(campaign: i64) -> String {
    format!("/api/v1/campaigns/{campaign}/residents")
}

async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

fn message(r: &Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
