//! R-5 候选人提名 and R-6 宣传介绍 through the JSON API: the slate's 1–2 margin (5/8 refused,
//! 6/7 accepted for 5 seats), 等额 posts only where the rules allow them, reviews in order and
//! failed only with a reason, one post per person unless the rules allow two, a committee
//! member nominated stepping down, the C-3 over-age nominee and the street's override, the
//! gates, introductions and roles. The page walk is in `walk`.

mod walk;

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

async fn withdraw(app: &TestApp, c: i64, nid: i64) -> Resp {
    api(
        app,
        Who::Street,
        Method::POST,
        &format!("{}/nominees/{nid}/withdraw", res(c)),
        json!({"reason": "本人申请退出"}),
    )
    .await
}

async fn step_done(app: &TestApp, c: i64, step: &str) -> bool {
    app.count(&format!(
        "select count(*) from campaign_steps where campaign_id = {c} and code = '{step}' and done_at is not null"
    ))
    .await
        > 0
}

/// Rules allowing 主任 and 副主任 to be 等额, so that the total alone decides with 5 seats.
fn uncontested_leaders() -> Value {
    json!({"uncontested_posts": ["director", "deputy"]})
}

#[tokio::test]
async fn five_official_candidates_for_five_seats_are_refused_and_six_accepted() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg02").await;
    draft_rules(&app, c, uncontested_leaders()).await;
    slate(&app, c, "sg02", [1, 1, 3], 1).await;
    let r = close_r5(&app, Who::Street, c).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r)
            .contains("正式候选人共 5 名，应选 5 名，差额 0 名，应多于应选名额 1–2 名，不符合"),
        "{}",
        r.text
    );
    assert!(!step_done(&app, c, "R-5").await);
    let stored = api(
        &app,
        Who::Street,
        Method::GET,
        &format!("{}/nominees", res(c)),
        json!(null),
    )
    .await
    .json();
    assert_eq!(stored["slate_checks"][0]["rule"], "R-5.margin", "{stored}");
    assert!(
        stored["slate_checks"][0]["numbers"]
            .as_str()
            .unwrap()
            .contains("margin = 0")
    );
    slate(&app, c, "sg02", [0, 0, 1], 10).await;
    let r = close_r5(&app, Who::Street, c).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let margin = &r.json()["checks"][0];
    assert_eq!(margin["numbers"]["candidates"], 6);
    assert_eq!(margin["numbers"]["margin"], 1);
    assert!(step_done(&app, c, "R-5").await);
}

#[tokio::test]
async fn eight_official_candidates_for_five_seats_are_refused_and_seven_accepted() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg02").await;
    draft_rules(&app, c, uncontested_leaders()).await;
    let ids = slate(&app, c, "sg02", [1, 1, 6], 1).await;
    let r = close_r5(&app, Who::Street, c).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("正式候选人共 8 名，应选 5 名，差额 3 名"),
        "{}",
        r.text
    );
    let w = withdraw(&app, c, ids[7]).await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.text);
    assert_eq!(w.json()["status"], "已退出");
    let r = close_r5(&app, Who::Street, c).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["checks"][0]["numbers"]["margin"], 2);
    let later = withdraw(&app, c, ids[6]).await;
    assert_eq!(later.status, StatusCode::CONFLICT);
    assert!(
        message(&later).contains("候选人提名（R-5）已完成"),
        "{}",
        later.text
    );
}

#[tokio::test]
async fn a_post_with_as_many_candidates_as_seats_is_refused_unless_the_rules_allow_it() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    slate(&app, c, "sg01", [1, 2, 4], 1).await;
    let r = close_r5(&app, Who::Community, c).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let m = message(&r);
    assert!(
        m.contains("主任候选人数（R-5）：候选人 1 名，应选 1 名，候选人数应多于应选名额（选举办法未允许等额），不符合"),
        "{m}"
    );
    assert!(
        !m.contains("差额 2 名，应多于应选名额 1–2 名，不符合"),
        "{m}"
    );
    draft_rules(&app, c, json!({"uncontested_posts": ["director"]})).await;
    let r = close_r5(&app, Who::Community, c).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let checks = r.json()["checks"].clone();
    assert_eq!(checks.as_array().unwrap().len(), 4, "{checks}");
    assert!(
        checks[1]["message"]
            .as_str()
            .unwrap()
            .contains("选举办法允许等额"),
        "{checks}"
    );
    assert_eq!(checks[1]["rule"], "R-5.post.director");
}

#[tokio::test]
async fn a_review_out_of_order_or_failed_without_a_reason_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 1).await;
    let nid = nominee(&app, c, p, "member").await;
    let audit = app.audit_count().await;
    let r = review(&app, Who::Community, c, nid, ("political", "passed", "")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).contains("审查应按顺序进行：李1的下一项审查是资格审查，不能记录政审"),
        "{}",
        r.text
    );
    let r = review(
        &app,
        Who::Community,
        c,
        nid,
        ("qualification", "failed", " "),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&r).contains("审查不通过必须写明理由"), "{}", r.text);
    assert_eq!(
        app.count("select count(*) from resident_nominee_reviews")
            .await,
        0
    );
    assert_eq!(app.audit_count().await, audit);
    let r = review(&app, Who::Community, c, nid, ("资格审查", "通过", "")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = review(
        &app,
        Who::Community,
        c,
        nid,
        ("political", "failed", "群众反映问题待核实"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let j = r.json();
    assert_eq!(j["status"], "审查中");
    assert_eq!(j["next_review"], "political");
    assert!(
        j["reviews_check"]["message"]
            .as_str()
            .unwrap()
            .contains("通过 1/4 项审查，政审未通过（群众反映问题待核实）"),
        "{j}"
    );
    let r = review(&app, Who::Community, c, nid, ("discussion", "passed", "")).await;
    assert!(message(&r).contains("下一项审查是政审"), "{}", r.text);
    for step in ["political", "discussion", "assessment"] {
        let r = review(&app, Who::Community, c, nid, (step, "passed", "")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let list = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/nominees", res(c)),
        json!(null),
    )
    .await
    .json();
    assert_eq!(list["nominees"][0]["status"], "正式候选人");
    assert_eq!(list["official"][0]["name"], "李1");
    let r = review(&app, Who::Community, c, nid, ("assessment", "passed", "")).await;
    assert!(message(&r).contains("已通过全部四项审查"), "{}", r.text);
}

#[tokio::test]
async fn a_second_post_for_the_same_person_is_refused_unless_the_rules_allow_two_posts() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 2).await;
    nominee(&app, c, p, "director").await;
    let r = nominate(&app, Who::Community, c, p, "主任").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("张2已被提名为主任候选人，不能重复提名"),
        "{}",
        r.text
    );
    let r = nominate(&app, Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("张2被提名为主任、委员共 2 个职位的候选人，选举办法规定一人只能为一个职位的候选人，不符合"),
        "{}",
        r.text
    );
    draft_rules(&app, c, json!({"two_posts": true})).await;
    let r = nominate(&app, Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = nominate(&app, Who::Community, c, p, "deputy").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&r).contains("共 3 个职位"), "{}", r.text);
    assert_eq!(app.count("select count(*) from resident_nominees").await, 2);
}

#[tokio::test]
async fn an_election_committee_member_nominated_steps_down_and_the_next_alternate_takes_the_seat() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(resident(&app, "sg01", 20 + i).await);
    }
    open_early(&app, c, "R-2").await;
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{}/committee", res(c)),
        json!({"members": ids[..5], "chair": ids[0], "alternates": ids[5..]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = nominate(&app, Who::Community, c, ids[2], "member").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let stepped = r.json()["stepped_down"].clone();
    assert_eq!(stepped.as_array().unwrap().len(), 1, "{stepped}");
    let sentence = stepped[0].as_str().unwrap();
    assert!(
        sentence.contains("徐22被提名为候选人，退出选举委员会")
            && sentence.contains("由候补委员李25依次递补"),
        "{sentence}"
    );
    let k = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/committee", res(c)),
        json!(null),
    )
    .await
    .json();
    let members: Vec<i64> = k["committee"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["person_id"].as_i64().unwrap())
        .collect();
    assert!(
        members.contains(&ids[5]) && !members.contains(&ids[2]),
        "{k}"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from residents_substitutions where campaign_id = {c}"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn an_over_age_nominee_fails_the_qualification_review_until_the_street_overrides_c3() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 3).await;
    Q::new("update people set birth_date = '1970-01-01' where id = $1")
        .bind(p)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = nominate(&app, Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let j = r.json();
    let age = &j["checks"][0];
    assert_eq!(age["rule"], "C-3.age");
    assert_eq!(age["passed"], false);
    assert_eq!(age["numbers"]["limit"], 40, "a new entrant: {j}");
    assert!(
        age["message"]
            .as_str()
            .unwrap()
            .contains("新进人选任委员的上限为 40 周岁，超出")
    );
    assert_eq!(
        j["checks"][1]["passed"], true,
        "大专 for a new entrant: {j}"
    );
    let nid = j["id"].as_i64().unwrap();
    let r = review(
        &app,
        Who::Community,
        c,
        nid,
        ("qualification", "passed", ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("资格审查不能通过：年龄：")
            && message(&r).contains("未经街道工作组批准放宽"),
        "{}",
        r.text
    );
    let chk = app
        .count(&format!(
            "select id from rule_checks where subject_type = 'resident_nominee' and subject_id = {nid} and rule = 'C-3.age'"
        ))
        .await;
    let path = format!("/api/v1/checks/{chk}/override");
    let denied = api(
        &app,
        Who::Community,
        Method::POST,
        &path,
        json!({"reason": "经研究同意"}),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &path,
        json!({"reason": "群众公认、工作实绩突出"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = review(
        &app,
        Who::Community,
        c,
        nid,
        ("qualification", "passed", ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let j = r.json();
    assert_eq!(j["next_review"], "political");
    assert_eq!(
        j["checks"][0]["overridden"], "群众公认、工作实绩突出",
        "{j}"
    );
}

#[tokio::test]
async fn r5_waits_for_the_published_voter_list_and_r6_for_r5() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 4).await;
    let r = nominate(&app, Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).contains("选民登记（R-4）尚未完成，候选人提名（R-5）不能开始"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/voters/publish", res(c)),
        json!({"date": "2027-05-10"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(step_done(&app, c, "R-4").await);
    let r = nominate(&app, Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let nid = r.json()["id"].as_i64().unwrap();
    make_official(&app, c, nid).await;
    let o = api(&app, Who::Community, Method::GET, &res(c), json!(null))
        .await
        .json();
    let blockers = o["overview"]["blockers"].to_string();
    assert!(
        blockers.contains("正式候选人共 1 名，应选 5 名"),
        "{blockers}"
    );
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{}/nominees/{nid}/introduction", res(c)),
        json!({"introduction": "社区网格员", "statement": ""}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).contains("候选人提名（R-5）尚未完成，宣传介绍（R-6）不能开始"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn scrutineers_and_counters_may_not_nominate_review_or_introduce_and_sg02_staff_see_404() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 5).await;
    let nid = nominee(&app, c, p, "member").await;
    for who in [Who::Scrutineer, Who::Counter] {
        assert_eq!(
            nominate(&app, who, c, p, "deputy").await.status,
            StatusCode::FORBIDDEN
        );
        let r = review(&app, who, c, nid, ("qualification", "passed", "")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        for path in ["nominees", "introductions"] {
            let r = api(
                &app,
                who,
                Method::GET,
                &format!("{}/{path}", res(c)),
                json!(null),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        }
        let r = close_r5(&app, who, c).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let other = r5_campaign(&app, "sg02").await;
    let r = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/nominees", res(other)),
        json!(null),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{}/nominees/{nid}/withdraw", res(other)),
        json!({"reason": "另一社区"}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a nominee of another campaign"
    );
}

#[tokio::test]
async fn the_api_walks_from_nominations_to_r6_closed_with_introductions_required() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    draft_rules(&app, c, json!({"uncontested_posts": ["member"]})).await;
    let ids = slate(&app, c, "sg01", [2, 2, 3], 1).await;
    let pending = resident(&app, "sg01", 30).await;
    nominee(&app, c, pending, "member").await;
    let r = close_r5(&app, Who::Community, c).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["checks"][0]["numbers"]["candidates"], 7);
    open_early(&app, c, "R-6").await;
    let intro = |nid: i64, text: &str| {
        let body = json!({"introduction": text, "statement": "为居民办实事"});
        let path = format!("{}/nominees/{nid}/introduction", res(c));
        let app = &app;
        async move { api(app, Who::Community, Method::PUT, &path, body).await }
    };
    for nid in &ids[..6] {
        let r = intro(*nid, "从事社区工作多年").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/introductions/done", res(c)),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).contains("以下 1 名正式候选人尚无简介：黄7"),
        "{}",
        r.text
    );
    let empty = intro(ids[6], " ").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&empty).contains("简介不能为空"));
    assert_eq!(
        intro(ids[6], "退休教师，热心公益").await.status,
        StatusCode::OK
    );
    let list = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/introductions", res(c)),
        json!(null),
    )
    .await
    .json();
    let candidates = list["candidates"].as_array().unwrap();
    assert_eq!(
        candidates.len(),
        7,
        "the pending nominee is not a candidate"
    );
    assert_eq!(candidates[0]["n"]["post"], "director");
    assert_eq!(candidates[0]["age"], 36);
    assert!(!list.to_string().contains("id_number"), "{list}");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/introductions/done", res(c)),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["candidates"], 7);
    assert!(step_done(&app, c, "R-6").await);
    let late = intro(ids[0], "改").await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(message(&late).contains("宣传介绍（R-6）已完成"));
}
