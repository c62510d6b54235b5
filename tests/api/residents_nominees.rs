//! R-5 候选人提名 and R-6 宣传介绍 (issue 7): the shared set-up — a campaign with R-5 opened
//! early by the street, drafted rules, qualified residents, nominees made official, whole slates
//! — and the tests: `slate` (the 1–2 margin and 等额 posts), `reviews` (order, reasons, one post,
//! the committee's step-down, C-3 and its override), `api_walk` (gates, roles, the API from
//! nominations to R-6 closed) and `walk` (the same through the pages).

mod api_walk;
mod reviews;
mod slate;
mod walk;
mod withdraw;

use axum::http::{Method, StatusCode};
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::helpers::{B, Resp, TestApp, Who};
use crate::residents_voters::{campaign, person};

/// The day the reviews are held in these tests.
pub(crate) const REVIEW_DAY: &str = "2027-04-20";

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];

pub(crate) fn res(c: i64) -> String {
    format!("/api/v1/campaigns/{c}/residents")
}

pub(crate) async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

pub(crate) fn message(r: &Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The street opens a gated step early with a reason.
pub(crate) async fn open_early(app: &TestApp, c: i64, step: &str) {
    let r = api(
        app,
        Who::Street,
        Method::POST,
        &format!("{}/open", res(c)),
        json!({"step": step, "reason": "测试：前面的步骤与本测试无关"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

/// A campaign of `code` (election day set) with R-5 opened early by the street.
pub(crate) async fn r5_campaign(app: &TestApp, code: &str) -> i64 {
    let c = campaign(app, code).await;
    open_early(app, c, "R-5").await;
    c
}

/// Drafts the election rules with these settings (R-3 opened early by the street).
pub(crate) async fn draft_rules(app: &TestApp, c: i64, settings: Value) {
    open_early(app, c, "R-3").await;
    let r = api(
        app,
        Who::Street,
        Method::PUT,
        &format!("{}/rules", res(c)),
        json!({"body": "第一条 本办法依法制定。", "settings": settings}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

/// Drafts the rules and records them adopted, R-3 closed: the representatives' meeting and its
/// quorum are tested in `residents::`, not here (R-5 closes only against adopted rules).
pub(crate) async fn adopt_rules(app: &TestApp, c: i64, settings: Value) {
    draft_rules(app, c, settings).await;
    for sql in [
        "update residents_rules set adopted_at = '2027-04-17T02:00:00Z' where campaign_id = $1",
        "update campaign_steps set done_at = '2027-04-17T02:00:00Z' where campaign_id = $1 and code = 'R-3'",
    ] {
        Q::new(sql).bind(c).execute(&app.state.db).await.unwrap();
    }
}

/// A resident of `code` who meets C-3 and C-4 for any post (born 1990, 大专); `seq` numbers
/// the name and the ID number.
pub(crate) async fn resident(app: &TestApp, code: &str, seq: u32) -> i64 {
    let name = format!("{}{}", SURNAMES[seq as usize % SURNAMES.len()], seq);
    let p = person(app, code, &name, "1990-06-01", 600 + seq).await;
    Q::new("update people set education = '大专' where id = $1")
        .bind(p)
        .execute(&app.state.db)
        .await
        .unwrap();
    p
}

pub(crate) async fn nominate(app: &TestApp, who: Who, c: i64, person: i64, post: &str) -> Resp {
    api(
        app,
        who,
        Method::POST,
        &format!("{}/nominees", res(c)),
        json!({"person_id": person, "post": post, "channel": "resident_group", "nominated_by": "第一居民小组"}),
    )
    .await
}

/// Nominates and answers the nominee's id.
pub(crate) async fn nominee(app: &TestApp, c: i64, person: i64, post: &str) -> i64 {
    let r = nominate(app, Who::Street, c, person, post).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_i64().unwrap()
}

pub(crate) async fn review(
    app: &TestApp,
    who: Who,
    c: i64,
    nid: i64,
    (review, result, reason): (&str, &str, &str),
) -> Resp {
    // 资格审查 is the street's (SPEC §1): community staff's call is made by the street.
    let who = match (review, who) {
        ("qualification" | "资格审查", Who::Community) => Who::Street,
        _ => who,
    };
    api(
        app,
        who,
        Method::POST,
        &format!("{}/nominees/{nid}/reviews", res(c)),
        json!({"review": review, "result": result, "reason": reason, "date": REVIEW_DAY}),
    )
    .await
}

/// Passes the four reviews in order.
pub(crate) async fn make_official(app: &TestApp, c: i64, nid: i64) {
    for r in ["qualification", "political", "discussion", "assessment"] {
        let resp = review(app, Who::Street, c, nid, (r, "passed", "")).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{r}: {}", resp.text);
    }
}

/// Official candidates per post (主任, 副主任, 委员), numbered from `seq`; their nominee ids.
pub(crate) async fn slate(
    app: &TestApp,
    c: i64,
    code: &str,
    per_post: [usize; 3],
    seq: u32,
) -> Vec<i64> {
    let mut out = Vec::new();
    let mut s = seq;
    for (post, n) in ["director", "deputy", "member"].into_iter().zip(per_post) {
        for _ in 0..n {
            let p = resident(app, code, s).await;
            s += 1;
            let nid = nominee(app, c, p, post).await;
            make_official(app, c, nid).await;
            out.push(nid);
        }
    }
    out
}

pub(crate) async fn close_r5(app: &TestApp, who: Who, c: i64) -> Resp {
    api(
        app,
        who,
        Method::POST,
        &format!("{}/nominees/done", res(c)),
        json!({}),
    )
    .await
}

pub(crate) async fn withdraw(app: &TestApp, c: i64, nid: i64) -> Resp {
    api(
        app,
        Who::Street,
        Method::POST,
        &format!("{}/nominees/{nid}/withdraw", res(c)),
        json!({"reason": "本人申请退出"}),
    )
    .await
}

pub(crate) async fn step_done(app: &TestApp, c: i64, step: &str) -> bool {
    app.count(&format!(
        "select count(*) from campaign_steps where campaign_id = {c} and code = '{step}' and done_at is not null"
    ))
    .await
        > 0
}

/// Rules allowing 主任 and 副主任 to be 等额, so that the total alone decides with 5 seats.
pub(crate) fn uncontested_leaders() -> Value {
    json!({"uncontested_posts": ["director", "deputy"]})
}
