//! R-4 under the adopted rules: one 户代表 per household, only the 居民代表 in that mode, bulk
//! registration in each mode with a reason per person, and the voter list's days from the rules.

use axum::http::{Method, StatusCode};
use huanjie::db::Q;
use serde_json::{Value, json};

use super::{api, open};
use crate::helpers::{TestApp, Who};
use crate::residents::group;
use crate::residents_voters::{campaign, person};

fn voters(c: i64) -> String {
    format!("/api/v1/campaigns/{c}/residents/voters")
}

/// Stores the rules' settings (R-3 opened early by the street).
async fn rules(app: &TestApp, c: i64, settings: Value) {
    open(app, c, "R-3").await;
    let r = api(
        app,
        Who::Community,
        Method::PUT,
        &format!("/api/v1/campaigns/{c}/residents/rules"),
        json!({"body": "第一条 本办法依法制定。", "settings": settings}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

async fn household(app: &TestApp, person: i64, no: &str) {
    Q::new("update people set household_no = $1 where id = $2")
        .bind(no)
        .bind(person)
        .execute(&app.state.db)
        .await
        .unwrap();
}

fn error(r: &crate::helpers::Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn register(app: &TestApp, c: i64, p: i64) -> crate::helpers::Resp {
    api(
        app,
        Who::Community,
        Method::POST,
        &voters(c),
        json!({"person_id": p}),
    )
    .await
}

async fn bulk(app: &TestApp, c: i64) -> Value {
    let r = api(
        app,
        Who::Community,
        Method::POST,
        &format!("{}/bulk", voters(c)),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

fn reason_of(v: &Value, name: &str) -> String {
    v["not_registered"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .map(|x| x["reason"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("{name} not listed: {v}"))
}

#[tokio::test]
async fn in_household_mode_a_second_member_of_a_registered_household_is_refused_naming_both() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    rules(&app, c, json!({"mode": "households"})).await;
    let head = person(&app, "sg01", "何大", "1960-01-01", 101).await;
    let son = person(&app, "sg01", "何二", "1990-01-01", 103).await;
    let lodger = person(&app, "sg01", "吕三", "1980-01-01", 105).await;
    household(&app, head, "H-0101").await;
    household(&app, son, "H-0101").await;
    let r = register(&app, c, head).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = register(&app, c, son).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error(&r).contains("户号 H-0101 已登记户代表何大，何二不予登记"),
        "{}",
        r.text
    );
    let r = register(&app, c, lodger).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error(&r).contains("吕三未登记户号"), "{}", r.text);
    let v = api(&app, Who::Community, Method::GET, &voters(c), json!(null))
        .await
        .json();
    assert_eq!(v["mode"], "households");
    assert_eq!(v["electorate_label"], "登记的户代表");
    assert_eq!(v["electorate"], 1, "only the household's representative");
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/residents/voters"),
            crate::helpers::B::Empty,
        )
        .await;
    assert!(
        page.text
            .contains("选举方式：户代表选举，选民（计算参加投票人数是否过半的基数）为登记的户代表"),
        "{}",
        page.text
    );
    let list = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/residents/voters/list"),
            crate::helpers::B::Empty,
        )
        .await;
    assert!(
        list.text.contains("户代表选举")
            && list.text.contains("何大")
            && !list.text.contains("何二")
    );
}

#[tokio::test]
async fn bulk_registration_in_household_mode_registers_the_eldest_of_each_household_with_reasons_for_the_others()
 {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    rules(&app, c, json!({"mode": "households"})).await;
    let old = person(&app, "sg01", "施老", "1950-03-03", 111).await;
    let young = person(&app, "sg01", "施少", "1985-03-03", 113).await;
    let child = person(&app, "sg01", "施幼", "2015-03-03", 115).await;
    let alone = person(&app, "sg01", "张单", "1975-03-03", 117).await;
    let nobody = person(&app, "sg01", "孔无", "1970-03-03", 119).await;
    for (p, h) in [(old, "H-1"), (young, "H-1"), (child, "H-1"), (alone, "H-2")] {
        household(&app, p, h).await;
    }
    let _ = nobody;
    let v = bulk(&app, c).await;
    assert_eq!(v["registered"].as_array().unwrap().len(), 2, "{v}");
    assert!(reason_of(&v, "施少").contains("户号 H-1 的户代表为施老，施少不予登记"));
    assert!(reason_of(&v, "施幼").contains("未满 18 周岁"));
    assert!(reason_of(&v, "孔无").contains("孔无未登记户号"));
    let list = api(&app, Who::Community, Method::GET, &voters(c), json!(null))
        .await
        .json();
    let mut registered: Vec<&str> = list["voters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    registered.sort();
    assert_eq!(registered, ["张单", "施老"]);
    // A re-run finds the households already represented.
    let again = person(&app, "sg01", "施新", "1940-01-01", 121).await;
    household(&app, again, "H-1").await;
    let v = bulk(&app, c).await;
    assert_eq!(v["registered"].as_array().unwrap().len(), 0, "{v}");
    assert!(reason_of(&v, "施新").contains("户号 H-1 已登记户代表施老"));
}

#[tokio::test]
async fn in_representatives_mode_only_the_representatives_register_one_by_one_or_in_bulk() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let g = group(&app, "第一居民小组").await;
    let reps = [
        person(&app, "sg01", "代表甲", "1970-01-01", 131).await,
        person(&app, "sg01", "代表乙", "1971-01-01", 133).await,
    ];
    let plain = person(&app, "sg01", "居民丙", "1972-01-01", 135).await;
    for p in reps {
        let r = api(
            &app,
            Who::Community,
            Method::POST,
            &format!("/api/v1/campaigns/{c}/residents/representatives"),
            json!({"group_id": g, "person_id": p}),
        )
        .await;
        assert!(r.status.is_success(), "{}", r.text);
    }
    rules(&app, c, json!({"mode": "representatives"})).await;
    let r = register(&app, c, plain).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error(&r).contains("选民为本届居民代表，居民丙不是居民代表，不予登记"),
        "{}",
        r.text
    );
    let r = register(&app, c, reps[0]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v = bulk(&app, c).await;
    assert_eq!(v["registered"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["already"], 1);
    assert!(reason_of(&v, "居民丙").contains("不是居民代表"));
    let list = api(&app, Who::Community, Method::GET, &voters(c), json!(null))
        .await
        .json();
    assert_eq!(list["electorate"], 2);
    assert_eq!(list["electorate_label"], "居民代表");
}

#[tokio::test]
async fn bulk_registration_with_all_voters_registers_every_eligible_person_whatever_the_household()
{
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    rules(&app, c, json!({"mode": "all_voters"})).await;
    let a = person(&app, "sg01", "严甲", "1960-01-01", 141).await;
    let b = person(&app, "sg01", "严乙", "1962-01-01", 143).await;
    household(&app, a, "H-9").await;
    household(&app, b, "H-9").await;
    let v = bulk(&app, c).await;
    assert_eq!(v["registered"].as_array().unwrap().len(), 2, "{v}");
}

#[tokio::test]
async fn the_voter_list_days_come_from_the_rules_25_days_refuse_24_and_accept_25() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    rules(&app, c, json!({"voter_list_days": 25})).await;
    let publish = format!("{}/publish", voters(c));
    // Election day 2027-05-30: 24 days before is 05-06, 25 days before is 05-05.
    app.on("2027-05-06");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &publish,
        json!({"date": "2027-05-06"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error(&r).contains("24 天，应至少提前 25 天"), "{}", r.text);
    app.on("2027-05-05");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &publish,
        json!({"date": "2027-05-05"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["check"]["numbers"]["min_days"], 25);
    assert_eq!(r.json()["check"]["numbers"]["days"], 25);
}

#[tokio::test]
async fn without_stored_rules_the_default_of_20_days_still_refuses_19_and_accepts_20() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let publish = format!("{}/publish", voters(c));
    app.on("2027-05-11");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &publish,
        json!({"date": "2027-05-11"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error(&r).contains("19 天，应至少提前 20 天"), "{}", r.text);
    app.on("2027-05-10");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &publish,
        json!({"date": "2027-05-10"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["check"]["numbers"]["min_days"], 20);
}

#[tokio::test]
async fn once_a_voter_is_registered_the_rules_voting_mode_and_list_days_cannot_change() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    rules(&app, c, json!({"mode": "all_voters"})).await;
    let p = person(&app, "sg01", "邹一", "1970-01-01", 121).await;
    assert_eq!(register(&app, c, p).await.status, StatusCode::CREATED);
    let path = format!("/api/v1/campaigns/{c}/residents/rules");
    let body = |settings: Value| json!({"body": "第一条 本办法依法制定。", "settings": settings});
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        body(json!({"mode": "households"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        error(&r).contains("已按“全体选民直接选举”登记选民 1 名"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        body(json!({"mode": "all_voters", "voter_list_days": 25})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        body(json!({"mode": "all_voters", "proxy_limit": 2})),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "other settings still change: {}",
        r.text
    );
}
