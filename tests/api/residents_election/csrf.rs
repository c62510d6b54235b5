//! R-7's part of the CSRF/audit test: a campaign of sg01 (第十二届) made ready for R-7 with raw
//! SQL (people 9101–9104, all voters; 选甲 official for 主任 and 选乙 for 委员; 选丙 and 选丁
//! spouses; the committee chaired by 选丙; rules adopted with 主任 1 and 委员 1), reset before
//! each route and brought to the state the route needs.

use axum::http::Method;
use huanjie::db::Q;
use serde_json::{Value, json};

use super::{api, el};
use crate::counting_fixtures::{call_as, staff};
use crate::helpers::{B, TestApp, Who};

const TERM: &str = "第十二届";

/// The campaign, made once.
async fn campaign(app: &TestApp) -> i64 {
    let found = app
        .count(&format!(
            "select coalesce(max(id), 0) from campaigns where term = '{TERM}'"
        ))
        .await;
    if found > 0 {
        return found;
    }
    let r = api(
        app,
        Who::Street,
        Method::POST,
        "/api/v1/campaigns",
        json!({"community": "sg01", "term": TERM, "year": 2027}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let c = r.json()["campaign"]["id"].as_i64().unwrap();
    let at = "'2027-01-01T00:00:00Z'";
    let mut sqls = Vec::new();
    for (i, name) in ["选甲", "选乙", "选丙", "选丁", "选戊"].iter().enumerate() {
        let id = 9101 + i;
        sqls.push(format!(
            "insert into people (id, street_id, name, gender, birth_date, id_number, hukou_community_id, residence_community_id, created_at, updated_at) \
             select {id}, street_id, '{name}', '男', '1970-01-01', '11010119700101{id}', id, id, {at}, {at} from communities where code = 'sg01'"
        ));
        sqls.push(format!(
            "insert into resident_voters (campaign_id, person_id, basis, certificate_no, created_at) values ({c}, {id}, 'hukou', 'XM-sg01-12-0{id}', {at})"
        ));
    }
    // Every post with seats has a candidate (a vote needs them).
    for (id, post) in [(9101, "director"), (9102, "member"), (9105, "deputy")] {
        sqls.push(format!(
            "insert into resident_nominees (id, campaign_id, person_id, post, channel, created_at, updated_at) values ({id}, {c}, {id}, '{post}', 'self_nomination', {at}, {at})"
        ));
        for review in ["qualification", "political", "discussion", "assessment"] {
            sqls.push(format!(
                "insert into resident_nominee_reviews (nominee_id, review, passed, created_at) values ({id}, '{review}', true, {at})"
            ));
        }
    }
    sqls.extend([
        format!("insert into relations (person_id, other_id, kind, created_at) values (9103, 9104, 'spouse', {at})"),
        format!("insert into resident_voter_lists (campaign_id, published_on, created_at) values ({c}, '2027-05-01', {at})"),
        format!("insert into residents_committee (campaign_id, person_id, role, sort, created_at) values ({c}, 9103, 'chair', 1, {at})"),
        format!(
            "insert into residents_rules (campaign_id, body, settings, adopted_at, created_at, updated_at) \
             values ({c}, '第一条', '{{\"seats\":{{\"director\":1,\"deputies\":0,\"members\":1}}}}', {at}, {at}, {at})"
        ),
        format!("insert into residents_step_overrides (campaign_id, step, reason, created_at) values ({c}, 'R-7', '测试', {at})"),
    ]);
    for sql in sqls {
        Q::new(sql.clone())
            .execute(&app.state.db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    }
    c
}

async fn ok(app: &TestApp, who: Who, path: &str, body: Value) -> Value {
    let r = api(app, who, Method::POST, path, body).await;
    assert!(r.status.is_success(), "{path}: {}", r.text);
    r.json()
}

/// Brings R-7 to the state the route needs; (campaign, the round whose write-in is decided).
pub async fn csrf_prepare(app: &TestApp, pattern: &str) -> Option<(i64, i64)> {
    let route = pattern.split("/residents/election").nth(1)?;
    let c = campaign(app).await;
    for sql in [
        format!("delete from resident_elected where campaign_id = {c}"),
        format!("delete from resident_writein_decisions where campaign_id = {c}"),
        format!("delete from resident_participations where campaign_id = {c}"),
        format!("delete from resident_proxies where campaign_id = {c}"),
        format!("delete from resident_mobile_boxes where campaign_id = {c}"),
        format!("delete from resident_elections where campaign_id = {c}"),
        format!(
            "delete from rule_checks where subject_type = 'resident_election' and subject_id = {c}"
        ),
        format!(
            "update campaign_steps set done_at = null where campaign_id = {c} and code = 'R-7'"
        ),
        format!("update campaigns set residents_election_day = '2027-05-30' where id = {c}"),
    ] {
        Q::new(sql).execute(&app.state.db).await.unwrap();
    }
    if matches!(
        route,
        "" | "/proxies" | "/boxes" | "/proxies/print" | "/station"
    ) {
        return Some((c, 0));
    }
    let v = ok(
        app,
        Who::Street,
        &el(c),
        json!({"date": "2027-05-30", "place": "礼堂"}),
    )
    .await;
    let (meeting, vote) = (
        v["election"]["meeting_id"].as_i64().unwrap(),
        v["vote"]["id"].as_i64().unwrap(),
    );
    if route == "/participations" || route == "/close-polls" {
        return Some((c, vote));
    }
    for id in [9101, 9102, 9103] {
        let body = json!({"certificate": format!("XM-sg01-12-0{id}")});
        ok(app, Who::Street, &format!("{}/participations", el(c)), body).await;
    }
    ok(
        app,
        Who::Street,
        &format!("{}/close-polls", el(c)),
        json!({}),
    )
    .await;
    let chief_s = staff(
        app,
        meeting,
        json!({"name": "监甲", "role": "scrutineer", "chief": true}),
    )
    .await
    .unwrap();
    let chief_c = staff(
        app,
        meeting,
        json!({"name": "计甲", "role": "counter", "chief": true, "table": 1}),
    )
    .await
    .unwrap();
    let counter = staff(
        app,
        meeting,
        json!({"name": "计乙", "role": "counter", "table": 1}),
    )
    .await
    .unwrap();
    let state = format!("/api/v1/votes/{vote}/state");
    ok(app, Who::Street, &state, json!({"to": "voting"})).await;
    ok(
        app,
        Who::Street,
        &state,
        json!({"to": "counting", "ballots_collected": 3}),
    )
    .await;
    let ballot = json!({"marks": {"主任": {"for": ["选甲"]}, "委员": {"write_in": ["外来人"]}}});
    for i in 0..3 {
        for (client, tag) in [(&chief_c, "a"), (&counter, "b")] {
            let body = json!({"client_id": format!("x{vote}-{i}-{tag}"), "ballot": ballot});
            let path = format!("/api/v1/votes/{vote}/ballots");
            let r = call_as(app, client, Method::POST, &path, B::Json(body)).await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
    }
    ok(app, Who::Street, &state, json!({"to": "review"})).await;
    if route == "/done" || route == "/further" {
        // For the further round, the committee does not confirm the write-in: a seat is vacant.
        let accepted = route == "/done";
        let body =
            json!({"vote_id": vote, "name": "外来人", "accepted": accepted, "reason": "核实"});
        ok(app, Who::Street, &format!("{}/writeins", el(c)), body).await;
        for client in [&chief_s, &chief_c] {
            let path = format!("/api/v1/votes/{vote}/signoff");
            let r = call_as(app, client, Method::POST, &path, B::Empty).await;
            assert_eq!(r.status, 200, "{}", r.text);
        }
    }
    Some((c, vote))
}

/// The valid call of an R-7 route: (form fields, JSON).
pub fn csrf_fixture(pattern: &str, vote: i64) -> Option<(Vec<(&'static str, String)>, Value)> {
    let route = pattern.split("/residents/election").nth(1)?;
    let s = |v: &str| v.to_string();
    Some(match route {
        "" => (
            vec![("date", s("2027-05-30")), ("place", s("礼堂"))],
            json!({"date": "2027-05-30", "place": "礼堂"}),
        ),
        "/proxies" => (
            vec![
                ("principal_id", s("9104")),
                ("proxy_id", s("9103")),
                ("letter", s("委托书")),
            ],
            json!({"principal_id": 9104, "proxy_id": 9103, "letter": "委托书"}),
        ),
        "/boxes" => (
            vec![
                ("name", s("流动票箱")),
                ("approval", s("同意")),
                ("scrutineers", s("甲、乙、丙")),
            ],
            json!({"name": "流动票箱", "approval": "同意", "scrutineers": ["甲", "乙", "丙"]}),
        ),
        "/participations" => (
            vec![("certificate", s("XM-sg01-12-09104"))],
            json!({"certificate": "XM-sg01-12-09104"}),
        ),
        "/close-polls" | "/done" | "/further" => (vec![], json!({})),
        "/writeins" => (
            vec![
                ("vote_id", vote.to_string()),
                ("name", s("外来人")),
                ("accepted", s("on")),
                ("reason", s("核实")),
            ],
            json!({"vote_id": vote, "name": "外来人", "accepted": true, "reason": "核实"}),
        ),
        _ => return None,
    })
}
