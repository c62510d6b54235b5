//! W-1 … W-3 (SPEC §7): the handover within ten days after the new committees were formed and
//! its checklist, the organisation (分工, subcommittees, the two groups), the charter and the
//! meeting systems — through the JSON API and the pages, with the procedure guard, the
//! dashboard's deadline and the demo.

use axum::http::{Method, StatusCode};
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::fixtures::{create_campaign, create_person};
use crate::helpers::{B, Resp, TestApp, Who, id_number};

pub mod csrf;
mod handover;
mod organisation;

/// A campaign of `code` whose new committees stand: the 书记 approved (P-7) on `party_on`, the
/// residents' result published on `residents_on`, every P- and R- step closed. The
/// residents' committee is 周一 (主任), 郑三 (副主任) and 冯五 (委员); the Party committee 张书记
/// (书记) and 李委员 (委员).
pub(crate) async fn formed(app: &TestApp, code: &str, party_on: &str, residents_on: &str) -> i64 {
    let c = create_campaign(app, code).await;
    let seq = if code == "sg01" { 41 } else { 61 };
    let sec = create_person(app, code, "张书记", &id_number("19800505", seq)).await;
    let mem = create_person(app, code, "李委员", &id_number("19810606", seq + 2)).await;
    let zhou = create_person(app, code, "周一", &id_number("19820707", seq + 4)).await;
    let date = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    // 10:00 in Beijing on the day.
    let at = date(party_on).and_hms_opt(2, 0, 0).unwrap().and_utc();
    for (person, post, status) in [
        (sec, "书记", "approved"),
        (sec, "委员", "filed"),
        (mem, "委员", "filed"),
    ] {
        Q::new("insert into party_approvals (campaign_id, person_id, post, status, decided_at, created_at) values ($1, $2, $3, $4, $5, $5)")
            .bind(c)
            .bind(person)
            .bind(post)
            .bind(status)
            .bind(at)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let m = crate::counting_fixtures::meeting(app, code, "party").await;
    let vote = crate::counting_fixtures::vote(app, m, false).await;
    for (i, (post, name, person)) in [
        ("director", "周一", Some(zhou)),
        ("deputy", "郑三", None),
        ("member", "冯五", None),
    ]
    .into_iter()
    .enumerate()
    {
        Q::new("insert into resident_elected (campaign_id, vote_id, post, name, person_id, votes, certificate_no, created_at) values ($1, $2, $3, $4, $5, 9, $6, $7)")
            .bind(c)
            .bind(vote)
            .bind(post)
            .bind(name)
            .bind(person)
            .bind(format!("W{c}-{i}"))
            .bind(huanjie::now())
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    Q::new("insert into resident_results (campaign_id, published_on, created_at, updated_at) values ($1, $2, $3, $3)")
        .bind(c)
        .bind(date(residents_on))
        .bind(huanjie::now())
        .execute(&app.state.db)
        .await
        .unwrap();
    Q::new("update campaign_steps set done_at = $1 where campaign_id = $2 and (code like 'P-%' or code like 'R-%')")
        .bind(huanjie::now())
        .bind(c)
        .execute(&app.state.db)
        .await
        .unwrap();
    c
}

pub(crate) async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    let b = if body.is_null() {
        B::Empty
    } else {
        B::Json(body)
    };
    app.call(who, method, path, b).await
}

pub(crate) fn base(c: i64) -> String {
    format!("/api/v1/campaigns/{c}/wrapup")
}

pub(crate) fn meeting(held_on: &str) -> Value {
    json!({"held_on": held_on, "handed_by": "王原书记、赵原主任", "received_by": "张书记、周一", "witnessed_by": "街道组织委员 刘某"})
}

pub(crate) fn message(r: &Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Every item of the checklist ticked by the given sides.
pub(crate) async fn tick_all(app: &TestApp, c: i64, handed: bool, received: bool) {
    let items = api(
        app,
        Who::Community,
        Method::GET,
        &format!("{}/handover", base(c)),
        json!(null),
    )
    .await;
    let list: Vec<Value> = items.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"id": i["id"], "quantity": "1", "handed": handed, "received": received}))
        .collect();
    let r = api(
        app,
        Who::Community,
        Method::PUT,
        &format!("{}/handover/items", base(c)),
        json!({"items": list}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}
