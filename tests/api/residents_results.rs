//! R-4's voting modes and notice days from the rules, and R-8 公布结果 (issue 7): the result
//! from a real counted and certified vote, the notice, the report (备案), the 当选证书, closing
//! R-8, and walks through the pages and the API.
//!
//! [`elect`] sets up what R-7 leaves behind: the election meeting's vote counted in the counting
//! room (double entry, both chiefs' sign-off, certified), the `resident_elections` row and the
//! `resident_elected` rows with certificate numbers, and R-8 opened by the street.

mod modes;
mod result;
mod walk;

use axum::http::Method;
use huanjie::db::Q;
use huanjie::domain::residents::{CertificateKind, certificate_number};
use serde_json::{Value, json};

use crate::counting_fixtures::{call_as, meeting, staff};
use crate::helpers::{B, Resp, TestApp, Who};
use crate::residents_voters::campaign;

/// The certified election of sg01: the campaign, its vote, and the elected rows' ids.
pub(crate) struct Election {
    /// The campaign.
    pub campaign: i64,
    /// The vote (first and only round).
    pub vote: i64,
    /// `resident_elected` ids in the order 主任, 副主任, 委员 ×3.
    pub elected: Vec<i64>,
}

/// `/api/v1/campaigns/{c}/residents/result`.
pub(crate) fn result_api(c: i64) -> String {
    format!("/api/v1/campaigns/{c}/residents/result")
}

/// `/communities/sg01/campaigns/{c}/residents/result`.
pub(crate) fn result_page(c: i64) -> String {
    format!("/communities/sg01/campaigns/{c}/residents/result")
}

/// Calls as `who` with a JSON body.
pub(crate) async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

/// A residents' ballot: one name for 主任, one for 副主任, the 委员 chosen.
fn ballot(director: &str, deputy: &str, members: &[&str]) -> Value {
    json!({"marks": {"主任": {"for": [director]}, "副主任": {"for": [deputy]}, "委员": {"for": members}}})
}

/// The eight ballots of the election: seven valid, one invalid. 主任 周一 6, 吴二 1; 副主任
/// 郑三 5, 王四 2; 委员 冯五 7, 褚七 6, 陈六 5, 卫八 2.
fn ballots() -> Vec<Value> {
    let mut v = Vec::new();
    for _ in 0..5 {
        v.push(ballot("周一", "郑三", &["冯五", "陈六", "褚七"]));
    }
    v.push(ballot("周一", "王四", &["冯五", "褚七", "卫八"]));
    v.push(ballot("吴二", "王四", &["冯五", "卫八"]));
    v.push(json!({"invalid": true, "reason": "无法辨认"}));
    v
}

/// Counts the ballots of a draft vote (10 voters, 8 present, 8 ballots) with double entry and
/// certifies it with both chiefs' signatures.
async fn count(app: &TestApp, m: i64, vote: i64) {
    let s = |b| staff(app, m, b);
    let chief_scrutineer = s(json!({"name": "总监票人", "role": "scrutineer", "chief": true}))
        .await
        .unwrap();
    let chief_counter =
        s(json!({"name": "总计票人", "role": "counter", "chief": true, "table": 1}))
            .await
            .unwrap();
    let counter = s(json!({"name": "计票人", "role": "counter", "table": 1}))
        .await
        .unwrap();
    let state = format!("/api/v1/votes/{vote}/state");
    let bs = ballots();
    for body in [
        json!({"to": "voting"}),
        json!({"to": "counting", "present": 8, "ballots_issued": 8, "ballots_collected": bs.len()}),
    ] {
        let r = api(app, Who::Street, Method::POST, &state, body).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    for (i, b) in bs.iter().enumerate() {
        for (c, tag) in [(&chief_counter, "a"), (&counter, "b")] {
            let body = json!({"client_id": format!("r8-{vote}-{i}-{tag}"), "ballot": b});
            let path = format!("/api/v1/votes/{vote}/ballots");
            let r = call_as(app, c, Method::POST, &path, B::Json(body)).await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
    }
    let r = api(
        app,
        Who::Street,
        Method::POST,
        &state,
        json!({"to": "review"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for c in [&chief_scrutineer, &chief_counter] {
        let path = format!("/api/v1/votes/{vote}/signoff");
        let r = call_as(app, c, Method::POST, &path, B::Empty).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
}

/// Records one elected member as R-7 does when it closes; returns the row id.
async fn record_elected(app: &TestApp, c: i64, vote: i64, row: (&str, &str, i64, u32)) -> i64 {
    let (post, name, votes, seq) = row;
    Q::new(
        "insert into resident_elected (campaign_id, vote_id, post, name, person_id, votes, certificate_no, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(c)
    .bind(vote)
    .bind(post)
    .bind(name)
    .bind(None::<i64>)
    .bind(votes)
    .bind(certificate_number(CertificateKind::Election, "sg01", 8, seq))
    .bind(huanjie::now())
    .scalar(&app.state.db)
    .await
    .unwrap()
}

/// An elected row for the role matrix and CSRF fixtures (`fixtures::arrange`): no count behind
/// it, just a certificate (number `seq`) to print.
pub(crate) async fn arrange_elected(app: &TestApp, c: i64, vote: i64, seq: u32) -> i64 {
    record_elected(app, c, vote, ("director", "证书测试", 5, seq)).await
}

/// Opens a step early as the street.
pub(crate) async fn open(app: &TestApp, c: i64, step: &str) {
    let r = api(
        app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/campaigns/{c}/residents/open"),
        json!({"step": step, "reason": "测试需要提前开始"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// sg01's campaign after R-7: the counted and certified vote, the election row, the elected
/// with their certificate numbers; R-8 opened by the street when `open_r8`.
pub(crate) async fn elect(app: &TestApp, open_r8: bool) -> Election {
    let c = campaign(app, "sg01").await;
    let m = meeting(app, "sg01", "residents").await;
    let body = json!({"title": "选举居民委员会成员", "preset": "residents", "electorate": 10, "double_entry": true,
        "posts": [
            {"post": "主任", "seats": 1, "candidates": ["周一", "吴二"]},
            {"post": "副主任", "seats": 1, "candidates": ["郑三", "王四"]},
            {"post": "委员", "seats": 3, "candidates": ["冯五", "陈六", "褚七", "卫八"]}]});
    let r = api(
        app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/meetings/{m}/votes"),
        body,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let vote = r.json()["id"].as_i64().unwrap();
    count(app, m, vote).await;
    let certified = api(
        app,
        Who::Street,
        Method::GET,
        &format!("/api/v1/votes/{vote}/result"),
        json!(null),
    )
    .await;
    assert_eq!(certified.status, 200, "{}", certified.text);
    Q::new(
        "insert into resident_elections (campaign_id, meeting_id, vote_id, place, created_at, updated_at) \
         values ($1, $2, $3, '社区活动中心', $4, $4)",
    )
    .bind(c)
    .bind(m)
    .bind(vote)
    .bind(huanjie::now())
    .execute(&app.state.db)
    .await
    .unwrap();
    let mut elected = Vec::new();
    for (i, (post, name, votes)) in [
        ("director", "周一", 6),
        ("deputy", "郑三", 5),
        ("member", "冯五", 7),
        ("member", "褚七", 6),
        ("member", "陈六", 5),
    ]
    .into_iter()
    .enumerate()
    {
        elected.push(record_elected(app, c, vote, (post, name, votes, i as u32 + 1)).await);
    }
    if open_r8 {
        open(app, c, "R-8").await;
    }
    Election {
        campaign: c,
        vote,
        elected,
    }
}
