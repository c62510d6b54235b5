//! The procedure guard (`src/steps.rs`, fed by `src/domain/procedure.rs`): the steps of a
//! campaign as the API lists them, reopening a closed step (the street only, with a reason, and
//! only while no later step that waits for it has closed), and the voter list dated the day it
//! is recorded.

use axum::http::{Method, StatusCode};
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::fixtures::create_campaign;
use crate::helpers::{B, Resp, TestApp, Who};

async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

async fn close(app: &TestApp, c: i64, codes: &[&str]) {
    for code in codes {
        Q::new("update campaign_steps set done_at = '2027-04-01T00:00:00Z' where campaign_id = $1 and code = $2")
            .bind(c)
            .bind(code.to_string())
            .execute(&app.state.db)
            .await
            .unwrap();
    }
}

async fn step(app: &TestApp, c: i64, code: &str) -> Value {
    let v = api(
        app,
        Who::Community,
        Method::GET,
        &format!("/api/v1/campaigns/{c}/steps"),
        json!(null),
    )
    .await
    .json();
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .cloned()
        .unwrap_or_else(|| panic!("{code} in {v}"))
}

#[tokio::test]
async fn the_steps_list_says_which_are_waiting_open_and_closed_from_the_table() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    close(&app, c, &["P-1"]).await;
    let p1 = step(&app, c, "P-1").await;
    assert_eq!(p1["state"], "closed");
    assert_eq!(p1["state_label"], "已完成");
    let p2 = step(&app, c, "P-2").await;
    assert_eq!(p2["state"], "open");
    assert_eq!(p2["after"], json!(["P-1"]));
    let p3 = step(&app, c, "P-3").await;
    assert_eq!(p3["state"], "waiting");
    assert_eq!(p3["waiting_for"], json!(["P-2"]));
    let w1 = step(&app, c, "W-1").await;
    assert_eq!(w1["waiting_for"], json!(["P-7", "R-8"]));
}

#[tokio::test]
async fn a_step_reopens_only_by_the_street_with_a_reason_and_only_before_a_later_step_closed() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    close(&app, c, &["P-1", "P-2", "P-3"]).await;
    let reopen = format!("/api/v1/campaigns/{c}/steps/P-2/reopen");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &reopen,
        json!({"reason": "补正"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &reopen,
        json!({"reason": "  "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // P-3 waits for P-2 and has closed: it must reopen first.
    let audit = app.audit_count().await;
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &reopen,
        json!({"reason": "补正审查结论"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("P-3 全额定向民主推荐"), "{}", r.text);
    assert_eq!(step(&app, c, "P-2").await["state"], "closed");
    assert_eq!(app.audit_count().await, audit, "nothing changed");
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/campaigns/{c}/steps/P-3/reopen"),
        json!({"reason": "补登推荐票"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["step"]["state"], "open");
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &reopen,
        json!({"reason": "补正审查结论"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(step(&app, c, "P-2").await["state"], "open");
    assert_eq!(step(&app, c, "P-3").await["state"], "waiting");
    let reasons = app
        .count(
            "select count(*) from audit_log where action = 'reopen' and entity = 'campaign_step'",
        )
        .await;
    assert_eq!(reasons, 2);
    // Reopening an open step is refused.
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &reopen,
        json!({"reason": "再次"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("尚未结束"), "{}", r.text);
}

#[tokio::test]
async fn a_closed_p1_refuses_a_new_nomination_naming_the_step() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    close(&app, c, &["P-1"]).await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("/api/v1/campaigns/{c}/party/nominations"),
        json!({"person_id": 1, "post": "委员", "channel": "self"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        r.text
            .contains("P-1 公开推荐已结束，不能再修改推荐（提名）"),
        "{}",
        r.text
    );
    assert_eq!(app.count("select count(*) from party_nominations").await, 0);
}

#[tokio::test]
async fn the_voter_list_is_dated_the_day_it_is_recorded_and_only_the_street_corrects_the_date() {
    let app = TestApp::spawn().await;
    let c = crate::residents_voters::campaign(&app, "sg01").await;
    let publish = format!("/api/v1/campaigns/{c}/residents/voters/publish");
    app.on("2027-05-08");
    // Back-dated to 20 days before the election day (5/30): refused, nothing stored.
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &publish,
        json!({"date": "2027-05-10"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text
            .contains("登记当日（2027-05-08），不能填写 2027-05-10"),
        "{}",
        r.text
    );
    assert_eq!(
        app.count("select count(*) from resident_voter_lists").await,
        0
    );
    // The community's reason is not the street's.
    let body = json!({"date": "2027-05-07", "date_reason": "5月7日已张榜"});
    let r = api(&app, Who::Community, Method::POST, &publish, body.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // The street records a publication made on paper the day before, with its reason.
    let r = api(&app, Who::Street, Method::POST, &publish, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (on,): (chrono::NaiveDate,) = Q::new("select published_on from resident_voter_lists")
        .one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(on.to_string(), "2027-05-07");
}

#[tokio::test]
async fn the_voter_list_without_a_date_is_published_today() {
    let app = TestApp::spawn().await;
    let c = crate::residents_voters::campaign(&app, "sg01").await;
    app.on("2027-05-09");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("/api/v1/campaigns/{c}/residents/voters/publish"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("/api/v1/campaigns/{c}/residents/voters"),
        json!(null),
    )
    .await;
    assert!(r.text.contains("2027-05-09"), "{}", r.text);
}

#[tokio::test]
async fn a_decision_on_the_voter_list_is_accepted_until_the_vote_exists_and_refused_after() {
    let app = TestApp::spawn().await;
    let s = crate::residents_election::setup(&app, &["甲选民", "乙选民"]).await;
    let decisions = format!("/api/v1/campaigns/{}/residents/voters/decisions", s.c);
    let body = |person: i64| json!({"person_id": person, "objection": "已迁出本社区", "decision": "remove", "reason": "经核实已迁出"});
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &decisions,
        body(s.id("甲选民")),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.text);
    let (_, vote) = crate::residents_election::create(&app, s.c).await;
    let electorate = format!("select electorate from votes where id = {vote}");
    let before = app.count(&electorate).await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &decisions,
        body(s.id("乙选民")),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        r.text.contains("正式投票已经建立，应到选民人数已随之确定"),
        "{}",
        r.text
    );
    assert_eq!(
        app.count(&electorate).await,
        before,
        "the stored electorate stays"
    );
    let removed = app
        .count("select count(*) from resident_voters where removed = true")
        .await;
    assert_eq!(removed, 1, "only the decision before the vote applied");
}
