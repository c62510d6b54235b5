//! The Party pipeline's first slice (issue 6): the committee size (C-1), P-1 nominations with
//! their thresholds, consent and summary, P-2's checks, decisions and 公示, authorization, and
//! one walk through the pages.

mod candidates;
pub mod congress;
mod inspection;
mod list_fixtures;
mod list_pages;
mod lists;
mod pipeline_api;
mod pipeline_pages;
mod recommend;
mod walk;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::create_campaign;
use crate::helpers::{B, Resp, TestApp, Who, id_number};

/// A person of `code` with a Party status; returns (id, ID number).
async fn person(app: &TestApp, code: &str, birth: &str, seq: u32, status: &str) -> (i64, String) {
    let idn = id_number(birth, seq);
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/communities/{code}/people"),
            B::Json(json!({"name": format!("人员{seq}"), "id_number": idn, "party_status": status, "education": "本科"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (r.json()["person"]["id"].as_i64().unwrap(), idn)
}

/// `n` people of sg01 with a status, from sequence `from`; their ID numbers.
async fn people(app: &TestApp, n: u32, from: u32, status: &str) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(person(app, "sg01", "19700101", from + i, status).await.1);
    }
    out
}

async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

fn party(campaign: i64) -> String {
    format!("/api/v1/campaigns/{campaign}/party")
}

async fn nominate(app: &TestApp, campaign: i64, body: Value) -> Resp {
    let path = format!("{}/nominations", party(campaign));
    api(app, Who::Community, Method::POST, &path, body).await
}

async fn stored(app: &TestApp) -> (i64, i64) {
    (
        app.count("select count(*) from party_nominations").await,
        app.count("select count(*) from party_backers").await,
    )
}

#[tokio::test]
async fn nine_party_member_backers_are_refused_with_the_count_and_ten_are_enough() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let (nominee, _) = person(&app, "sg01", "19850101", 1, "full").await;
    let backers = people(&app, 10, 100, "full").await;
    let body = |n: usize| json!({"person_id": nominee, "post": "委员", "channel": "members", "backers": backers[..n].join("\n")});
    let r = nominate(&app, c, body(9)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("有效联名党员 9 人，少于 10 人"), "{msg}");
    assert_eq!(stored(&app).await, (0, 0));
    let r = nominate(&app, c, body(10)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["nomination"]["backers"], 10);
    assert_eq!(r.json()["nomination"]["counted"], false);
}

#[tokio::test]
async fn a_probationary_member_cannot_back_in_the_party_member_channel() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let (nominee, _) = person(&app, "sg01", "19850101", 1, "full").await;
    let mut backers = people(&app, 9, 100, "full").await;
    backers.extend(people(&app, 1, 200, "probationary").await);
    let r = nominate(
        &app,
        c,
        json!({"person_id": nominee, "post": "委员", "channel": "members", "backers": backers}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("预备党员，党员联名须为正式党员") && msg.contains("9 人"),
        "{msg}"
    );
    assert_eq!(stored(&app).await, (0, 0));
}

#[tokio::test]
async fn forty_nine_resident_backers_are_refused_and_fifty_are_enough() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let (nominee, idn) = person(&app, "sg01", "19850101", 1, "full").await;
    let backers = people(&app, 50, 300, "none").await;
    let body = |n: usize| json!({"id_number": idn, "post": "书记", "channel": "residents", "backers": backers[..n]});
    let r = nominate(&app, c, body(49)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text.contains("有效联名居民 49 人，少于 50 人"),
        "{}",
        r.text
    );
    assert_eq!(stored(&app).await, (0, 0));
    let r = nominate(&app, c, body(50)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["nomination"]["person_id"], nominee);
    assert_eq!(stored(&app).await, (1, 50));
}

#[tokio::test]
async fn a_joint_nomination_counts_in_the_summary_only_after_the_nominees_dated_consent() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let (nominee, _) = person(&app, "sg01", "19850101", 1, "full").await;
    let backers = people(&app, 10, 100, "full").await;
    let r = nominate(
        &app,
        c,
        json!({"person_id": nominee, "post": "委员", "channel": "members", "backers": backers}),
    )
    .await;
    let nid = r.json()["nomination"]["id"].as_i64().unwrap();
    let summary = format!("{}/nominations/summary", party(c));
    let r = api(&app, Who::Community, Method::GET, &summary, json!({})).await;
    assert_eq!(r.json()["summary"], json!([]));
    let page = format!("/communities/sg01/campaigns/{c}/party/nominations");
    let r = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert!(r.text.contains("未计入（尚无本人同意）"), "{}", r.text);
    // Lists mask the ID number.
    assert!(!r.text.contains(&id_number("19850101", 1)));
    // Closing P-1 needs a counted nomination (and the size).
    let size = format!("{}/size", party(c));
    api(
        &app,
        Who::Community,
        Method::PUT,
        &size,
        json!({"members": 7, "deputies": 1}),
    )
    .await;
    let done = format!("{}/steps/P-1/done", party(c));
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let consent = format!("{}/nominations/{nid}/consent", party(c));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &consent,
        json!({"consent_date": "2027年4月3日"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["nomination"]["consent_date"], "2027-04-03");
    let r = api(&app, Who::Community, Method::GET, &summary, json!({})).await;
    let rows = r.json()["summary"].clone();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    assert_eq!(rows[0]["post"], "委员");
    assert_eq!(rows[0]["channels"], json!([["党员联名推荐", 10]]));
    let r = app
        .call(
            Who::Community,
            Method::GET,
            &format!("{page}/summary"),
            B::Empty,
        )
        .await;
    assert!(
        r.text.contains("报名汇总表") && r.text.contains("10 人联名"),
        "{}",
        r.text
    );
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn a_probationary_member_is_refused_as_nominee_with_the_reason() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let (p, _) = person(&app, "sg01", "19850101", 1, "probationary").await;
    let r = nominate(
        &app,
        c,
        json!({"person_id": p, "post": "委员", "channel": "self"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "被推荐人");
    assert!(
        r.text.contains("预备党员，被推荐人须为正式党员"),
        "{}",
        r.text
    );
    assert_eq!(stored(&app).await, (0, 0));
}

#[tokio::test]
async fn a_person_cannot_back_the_same_nominee_twice() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let (nominee, _) = person(&app, "sg01", "19850101", 1, "full").await;
    let members = people(&app, 10, 100, "full").await;
    let r = nominate(
        &app,
        c,
        json!({"person_id": nominee, "post": "委员", "channel": "members", "backers": members}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // The residents' channel for the same nominee, with one of the same backers among 50.
    let mut residents = people(&app, 49, 300, "none").await;
    residents.push(members[0].clone());
    let r = nominate(
        &app,
        c,
        json!({"person_id": nominee, "post": "书记", "channel": "residents", "backers": residents}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("同一人只能联名推荐一次"), "{}", r.text);
    assert_eq!(stored(&app).await, (1, 10));
    // The same line twice in one list is refused too.
    let mut twice = people(&app, 9, 400, "full").await;
    twice.push(twice[0].clone());
    let (other, _) = person(&app, "sg01", "19850101", 2, "full").await;
    let r = nominate(
        &app,
        c,
        json!({"person_id": other, "post": "委员", "channel": "members", "backers": twice}),
    )
    .await;
    assert!(r.text.contains("重复"), "{}", r.text);
    assert_eq!(stored(&app).await, (1, 10));
}

/// A campaign with a size, a self-nominated new entrant born `birth`, and P-1 done.
async fn reviewable(app: &TestApp, birth: &str) -> (i64, i64) {
    let c = create_campaign(app, "sg01").await;
    let (p, _) = person(app, "sg01", birth, 1, "full").await;
    let size = format!("{}/size", party(c));
    api(
        app,
        Who::Community,
        Method::PUT,
        &size,
        json!({"members": 7, "deputies": 1}),
    )
    .await;
    let r = nominate(
        app,
        c,
        json!({"person_id": p, "post": "委员", "channel": "self"}),
    )
    .await;
    let nid = r.json()["nomination"]["id"].as_i64().unwrap();
    let done = format!("{}/steps/P-1/done", party(c));
    let r = api(app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    (c, nid)
}

#[tokio::test]
async fn the_review_shows_each_check_with_its_numbers_and_an_override_lets_the_nominee_pass() {
    let app = TestApp::spawn().await;
    // 42 周岁 on 2027-04-01: over the new entrant's 40.
    let (c, nid) = reviewable(&app, "19850101").await;
    let base = party(c);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/review/checks"),
        json!({}),
    )
    .await;
    assert_eq!(r.json()["checked"], 1, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::GET,
        &format!("{base}/review"),
        json!({}),
    )
    .await;
    let checks = r.json()["nominations"][0]["checks"].clone();
    let age = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["record"]["check"]["rule"] == "C-3.age")
        .unwrap()
        .clone();
    assert_eq!(age["record"]["check"]["passed"], false);
    assert_eq!(age["record"]["check"]["numbers"]["age"], 42);
    assert_eq!(age["record"]["check"]["numbers"]["limit"], 40);
    let page = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/party/review"),
            B::Empty,
        )
        .await;
    assert!(
        page.text.contains("42 周岁") && page.text.contains("上限为 40 周岁"),
        "{}",
        page.text
    );
    let review = format!("{base}/nominations/{nid}/review");
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &review,
        json!({"decision": "passed"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("未经街道工作组批准放宽"), "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &review,
        json!({"decision": "failed"}),
    )
    .await;
    assert!(r.text.contains("必须写明理由"), "{}", r.text);
    let id = age["id"].as_i64().unwrap();
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/checks/{id}/override"),
        json!({"reason": "群众公认度高"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &review,
        json!({"decision": "passed", "reason": "符合条件"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["nomination"]["decision"], "passed");
}

#[tokio::test]
async fn a_publicity_period_needs_its_end_on_or_after_its_start_and_counts_both_days() {
    let app = TestApp::spawn().await;
    let (c, nid) = reviewable(&app, "19900101").await;
    let base = party(c);
    let publicity = format!("{base}/publicity");
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &publicity,
        json!({"start_date": "2027-04-08", "end_date": "2027-04-12"}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "nothing passed yet: {}",
        r.text
    );
    api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/review/checks"),
        json!({}),
    )
    .await;
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/nominations/{nid}/review"),
        json!({"decision": "passed"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &publicity,
        json!({"start_date": "2027-04-08", "end_date": "2027-04-07"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "公示结束日期");
    assert_eq!(app.count("select count(*) from party_publicities").await, 0);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &publicity,
        json!({"start_date": "2027-04-08", "end_date": "2027-04-08"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["days"], 1);
    let pid = r.json()["publicity"]["id"].as_i64().unwrap();
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/publicity/{pid}/objections"),
        json!({"text": "反映其长期不在社区居住"}),
    )
    .await;
    let oid = r.json()["objection"]["id"].as_i64().unwrap();
    let r = api(&app, Who::Street, Method::GET, &base, json!({})).await;
    assert!(r.text.contains("异议尚未答复"), "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/objections/{oid}/answer"),
        json!({"text": "经核实，本人常住本社区"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api(&app, Who::Street, Method::GET, &base, json!({})).await;
    assert!(!r.text.contains("异议尚未答复"), "{}", r.text);
}

#[tokio::test]
async fn p2_opens_only_after_p1_or_with_the_streets_reason() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let base = party(c);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/review/checks"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/review/open"),
        json!({"reason": " "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/review/open"),
        json!({"reason": "推荐工作已基本结束"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/review/checks"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn a_size_out_of_range_blocks_p1_until_the_street_approves_it() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let (p, _) = person(&app, "sg01", "19850101", 1, "full").await;
    nominate(
        &app,
        c,
        json!({"person_id": p, "post": "书记", "channel": "street"}),
    )
    .await;
    let size = format!("{}/size", party(c));
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &size,
        json!({"members": 10, "deputies": 3}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &size,
        json!({"members": 10, "deputies": 2}),
    )
    .await;
    assert_eq!(r.json()["satisfied"], false, "{}", r.text);
    assert_eq!(r.json()["check"]["check"]["numbers"]["max"], 9);
    let done = format!("{}/steps/P-1/done", party(c));
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = api(&app, Who::Community, Method::GET, &party(c), json!({})).await;
    let id = r.json()["pipeline"]["c1"][0].as_i64().unwrap();
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/checks/{id}/override"),
        json!({"reason": "党员人数多，经街道研究同意"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn community_staff_cannot_review_and_do_not_see_another_communitys_nominations() {
    let app = TestApp::spawn().await;
    let (c, nid) = reviewable(&app, "19900101").await;
    let other = create_campaign(&app, "sg02").await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/nominations/{nid}/review", party(c)),
        json!({"decision": "passed"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/party/review"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/nominations", party(other)),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg02/campaigns/{other}/party/nominations"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A nomination of sg01 is not found under sg02's campaign, even for the street.
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{}/nominations/{nid}/consent", party(other)),
        json!({"consent_date": "2027-04-02"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}
