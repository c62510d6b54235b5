//! R-4 选民登记: the 18th birthday on election day, nobody registered in two communities, lost
//! political rights, bulk registration with the list of who was not registered, the voter list
//! published 19 days before refused and 20 accepted, changes after publication only by
//! decision, unique certificate numbers with their QR codes, the street's override, scope, and a
//! walk through the pages.

use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::fixtures::{create_campaign, create_person};
use crate::helpers::{B, PASSWORD, Resp, TestApp, Who, id_number};

/// The residents' election day of the test campaigns.
pub(crate) const ELECTION_DAY: &str = "2027-05-30";

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn voters(campaign: i64) -> String {
    format!("/api/v1/campaigns/{campaign}/residents/voters")
}

async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

/// A campaign of `code` with its residents' election day, and R-4 opened early by the street
/// (the rules of R-3, which R-4 waits for, are not what these tests are about).
pub(crate) async fn campaign(app: &TestApp, code: &str) -> i64 {
    let c = campaign_with_day(app, code).await;
    crate::residents_nominees::open_early(app, c, "R-4").await;
    c
}

/// A campaign of `code` with its residents' election day, every step as created.
async fn campaign_with_day(app: &TestApp, code: &str) -> i64 {
    let c = create_campaign(app, code).await;
    Q::new("update campaigns set residents_election_day = $1 where id = $2")
        .bind(date(ELECTION_DAY))
        .bind(c)
        .execute(&app.state.db)
        .await
        .unwrap();
    c
}

/// A person born on `birth` with 户籍 and residence in `code`.
pub(crate) async fn person(app: &TestApp, code: &str, name: &str, birth: &str, seq: u32) -> i64 {
    let id = create_person(app, code, name, &id_number(&birth.replace('-', ""), seq)).await;
    Q::new(
        "update people set birth_date = $1, hukou_community_id = (select id from communities where code = $2), \
         residence_community_id = (select id from communities where code = $2) where id = $3",
    )
    .bind(date(birth))
    .bind(code)
    .bind(id)
    .execute(&app.state.db)
    .await
    .unwrap();
    id
}

async fn register(app: &TestApp, who: Who, c: i64, body: Value) -> Resp {
    api(app, who, Method::POST, &voters(c), body).await
}

fn message(r: &Resp) -> String {
    r.text.clone()
}

#[tokio::test]
async fn a_voter_turning_18_on_election_day_is_registered_and_one_turning_18_the_day_after_is_refused()
 {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let on_the_day = person(&app, "sg01", "周甲", "2009-05-30", 1).await;
    let day_after = person(&app, "sg01", "周乙", "2009-05-31", 3).await;
    let r = register(&app, Who::Community, c, json!({"person_id": on_the_day})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v = &r.json()["voter"];
    assert_eq!(v["check"]["numbers"]["age"], 18);
    assert!(
        v["certificate_no"]
            .as_str()
            .unwrap()
            .starts_with("XM-sg01-08-")
    );
    let r = register(&app, Who::Community, c, json!({"person_id": day_after})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&r).contains("17 周岁，未满 18 周岁"), "{}", r.text);
    let list = api(&app, Who::Community, Method::GET, &voters(c), json!(null))
        .await
        .json();
    assert_eq!(list["voters"].as_array().unwrap().len(), 1);
    assert_eq!(list["voters"][0]["name"], "周甲");
}

#[tokio::test]
async fn a_person_registered_in_another_community_is_refused_with_that_community_named() {
    let app = TestApp::spawn().await;
    let c1 = campaign(&app, "sg01").await;
    let c2 = campaign(&app, "sg02").await;
    let p = person(&app, "sg01", "吴丙", "1980-01-01", 5).await;
    Q::new("update people set residence_community_id = (select id from communities where code = 'sg02') where id = $1")
        .bind(p)
        .execute(&app.state.db)
        .await
        .unwrap();
    let body =
        json!({"person_id": p, "basis": "residence", "proof": "户籍地社区出具的不参加选举证明"});
    let r = register(&app, Who::Street, c2, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let sg02: (String,) = Q::new("select name from communities where code = 'sg02'")
        .one(&app.state.db)
        .await
        .unwrap();
    let r = register(&app, Who::Community, c1, json!({"person_id": p})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains(&format!("已在{}登记为选民", sg02.0)),
        "{}",
        r.text
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from resident_voters where campaign_id = {c1}"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn a_person_whose_political_rights_were_removed_is_refused() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let p = person(&app, "sg01", "郑丁", "1975-03-03", 7).await;
    Q::new("update people set rights_removed = $1 where id = $2")
        .bind(true)
        .bind(p)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = register(&app, Who::Community, c, json!({"person_id": p})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&r).contains("剥夺政治权利"), "{}", r.text);
}

#[tokio::test]
async fn bulk_registration_registers_the_eligible_lists_the_others_with_reasons_and_reruns_add_only_new_ones()
 {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    person(&app, "sg01", "冯戊", "1970-02-02", 9).await;
    let minor = person(&app, "sg01", "陈己", "2012-06-06", 11).await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/bulk", voters(c)),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    let names = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().map(str::to_string).unwrap_or_default())
            .collect()
    };
    let refused = v["not_registered"].as_array().unwrap();
    let minor_row = refused
        .iter()
        .find(|x| x["person_id"] == minor)
        .expect("the minor is listed");
    assert_eq!(minor_row["name"], "陈己");
    assert!(
        minor_row["reason"]
            .as_str()
            .unwrap()
            .contains("未满 18 周岁"),
        "{minor_row}"
    );
    assert!(!names("not_registered").contains(&"冯戊".to_string()));
    let first = v["registered"].as_array().unwrap().len();
    assert!(first >= 1, "{v}");
    let stored = app
        .count(&format!(
            "select count(*) from resident_voters where campaign_id = {c}"
        ))
        .await;
    assert_eq!(stored as usize, first);
    // A newcomer: the re-run adds only that one.
    person(&app, "sg01", "褚庚", "1990-09-09", 13).await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/bulk", voters(c)),
        json!({}),
    )
    .await;
    let v = r.json();
    assert_eq!(v["registered"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["already"], first);
}

#[tokio::test]
async fn the_list_published_19_days_before_election_day_is_refused_and_20_days_accepted() {
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
    assert!(
        message(&r).contains("19 天，应至少提前 20 天"),
        "{}",
        r.text
    );
    assert_eq!(
        app.count("select count(*) from resident_voter_lists").await,
        0
    );
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
    assert_eq!(r.json()["check"]["numbers"]["days"], 20);
    assert_eq!(r.json()["check"]["passed"], true);
}

#[tokio::test]
async fn after_publication_the_list_changes_only_by_a_recorded_decision() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let a = person(&app, "sg01", "卫辛", "1960-01-01", 15).await;
    let b = person(&app, "sg01", "蒋壬", "1961-01-01", 17).await;
    assert_eq!(
        register(&app, Who::Community, c, json!({"person_id": a}))
            .await
            .status,
        StatusCode::CREATED
    );
    app.on("2027-05-01");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/publish", voters(c)),
        json!({"date": "2027-05-01"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = register(&app, Who::Community, c, json!({"person_id": b})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(message(&r).contains("异议的处理决定"), "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/unregister", voters(c)),
        json!({"person_id": a, "reason": "迁出"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let decisions = format!("{}/decisions", voters(c));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &decisions,
        json!({"person_id": a, "objection": "已迁出", "decision": "remove", "reason": ""}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a decision needs its reason"
    );
    let audit = app.audit_count().await;
    let r = api(&app, Who::Community, Method::POST, &decisions, json!({"person_id": a, "objection": "已迁出", "decision": "remove", "reason": "经核实已迁出本社区"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &decisions,
        json!({"person_id": b, "objection": "漏登", "decision": "add", "reason": "经核实符合条件"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        app.audit_count().await - audit,
        3,
        "two decisions and the added voter"
    );
    let v = api(&app, Who::Community, Method::GET, &voters(c), json!(null))
        .await
        .json();
    let removed: Vec<(String, bool)> = v["voters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["name"].as_str().unwrap().to_string(),
                x["removed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        removed.contains(&("卫辛".into(), true)) && removed.contains(&("蒋壬".into(), false)),
        "{removed:?}"
    );
    let d: Vec<&str> = v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["decision"].as_str().unwrap())
        .collect();
    assert_eq!(d, ["remove", "add"]);
    assert_eq!(v["decisions"][0]["reason"], "经核实已迁出本社区");
}

#[tokio::test]
async fn certificate_numbers_are_unique_and_each_printed_certificate_carries_its_qr_code() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let mut numbers = Vec::new();
    for (i, name) in ["沈甲", "韩乙", "杨丙"].into_iter().enumerate() {
        let p = person(&app, "sg01", name, "1985-05-05", 21 + 2 * i as u32).await;
        let r = register(&app, Who::Community, c, json!({"person_id": p})).await;
        numbers.push(
            r.json()["voter"]["certificate_no"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let mut unique = numbers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3, "{numbers:?}");
    let r = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/residents/voters/certificates"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for n in &numbers {
        assert!(r.text.contains(n.as_str()), "{n} missing");
    }
    assert_eq!(
        r.text.matches("<svg").count(),
        3,
        "one QR code per certificate"
    );
    assert!(r.text.contains("选民证"));
    // One card each on the sheet that prints eight to a page (tests/browser/print.test.mjs).
    assert!(r.text.contains("<div class=\"certificates\">"));
    assert_eq!(r.text.matches("<section class=\"certificate\">").count(), 3);
    let list = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/residents/voters/list"),
            B::Empty,
        )
        .await;
    assert!(list.text.contains("沈甲") && list.text.contains("选民名单"));
    assert!(
        !list.text.contains(&id_number("19850505", 21)),
        "ID numbers are masked"
    );
}

#[tokio::test]
async fn community_staff_cannot_override_the_publication_check_and_the_street_can_with_a_reason() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let publish = format!("{}/publish", voters(c));
    app.on("2027-05-20");
    let body = json!({"date": "2027-05-20", "override_reason": "上级要求提前选举"});
    let r = api(&app, Who::Community, Method::POST, &publish, body.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("select count(*) from resident_voter_lists").await,
        0
    );
    let r = api(&app, Who::Street, Method::POST, &publish, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["check"]["numbers"]["days"], 10);
    let v = api(&app, Who::Street, Method::GET, &voters(c), json!(null))
        .await
        .json();
    assert_eq!(v["publication"]["override_reason"], "上级要求提前选举");
    assert_eq!(v["publication_checks"][0][1]["check"]["passed"], false);
}

#[tokio::test]
async fn a_campaign_without_its_election_day_answers_409_and_sg02_staff_get_404_on_sg01s_voters() {
    let app = TestApp::spawn().await;
    let bare = create_campaign(&app, "sg01").await;
    Q::new("update campaigns set residents_election_day = null where id = $1")
        .bind(bare)
        .execute(&app.state.db)
        .await
        .unwrap();
    let p = person(&app, "sg01", "朱丁", "1980-01-01", 31).await;
    let r = register(&app, Who::Community, bare, json!({"person_id": p})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(message(&r).contains("居民委员会选举日"), "{}", r.text);
    Q::new("update campaigns set residents_election_day = $1 where id = $2")
        .bind(date(ELECTION_DAY))
        .bind(bare)
        .execute(&app.state.db)
        .await
        .unwrap();
    let c = bare;
    app.create_user("t-sg02", "community", "sg02").await;
    let sg02 = app.login("t-sg02", PASSWORD).await;
    for path in [
        voters(c),
        format!("/communities/sg01/campaigns/{c}/residents/voters/list"),
        format!("/communities/sg02/campaigns/{c}/residents/voters"),
    ] {
        let r = app
            .send(Some(&sg02), Method::GET, &path, B::Empty, &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
    }
}

#[tokio::test]
async fn a_community_registers_publishes_and_prints_its_voters_through_the_pages() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let p = person(&app, "sg01", "秦戊", "1966-06-06", 41).await;
    person(&app, "sg01", "尤己", "1967-07-07", 43).await;
    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;
    let base = format!("/communities/sg01/campaigns/{c}/residents/voters");
    let page = staff.get(&base).await;
    assert!(
        page.contains("选举日：2027-05-30") && page.contains("尚无登记的选民"),
        "{page}"
    );
    let (msg, page) = staff
        .submit_flash(
            &page,
            &base,
            &[("person_id", &p.to_string()), ("basis", "hukou")],
        )
        .await;
    assert!(msg.contains("已登记，选民证编号 XM-sg01-08-"), "{msg}");
    let (msg, page) = staff
        .submit_flash(&page, &format!("{base}/bulk"), &[])
        .await;
    assert!(msg.contains("批量登记 1 人"), "{msg}");
    assert!(page.contains("秦戊") && page.contains("尤己"));
    app.on("2027-05-11");
    let (msg, page) = staff
        .submit_flash(&page, &format!("{base}/publish"), &[("date", "2027-05-11")])
        .await;
    assert!(msg.contains("19 天"), "{msg}");
    app.on("2027-05-10");
    let (msg, page) = staff
        .submit_flash(&page, &format!("{base}/publish"), &[("date", "2027-05-10")])
        .await;
    assert!(msg.contains("选民名单已公布"), "{msg}");
    let (msg, page) = staff
        .submit_flash(
            &page,
            &format!("{base}/decisions"),
            &[
                ("person_id", &p.to_string()),
                ("objection", "反映情况"),
                ("decision", "none"),
                ("reason", "经核实无误"),
            ],
        )
        .await;
    assert!(msg.contains("已记录异议处理决定"), "{msg}");
    assert!(page.contains("维持名单不变") && page.contains("经核实无误"));
    let list = staff.get(&format!("{base}/list")).await;
    assert!(
        list.contains("2027-05-10 公布") && list.contains("秦戊"),
        "{list}"
    );
}

#[tokio::test]
async fn voters_are_registered_only_once_r4_is_open_after_the_rules_or_opened_early_by_the_street()
{
    let app = TestApp::spawn().await;
    let c = campaign_with_day(&app, "sg01").await;
    let p = person(&app, "sg01", "钱多", "1980-01-01", 7).await;
    let r = register(&app, Who::Community, c, json!({"person_id": p})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        r.text
            .contains("选举办法（R-3）尚未完成，选民登记（R-4）不能开始"),
        "{}",
        r.text
    );
    assert_eq!(app.count("select count(*) from resident_voters").await, 0);
    // Only the residents' steps the procedure table lets open early can be opened.
    for step in ["R-1", "P-2", "W-1"] {
        let r = api(
            &app,
            Who::Street,
            Method::POST,
            &format!("/api/v1/campaigns/{c}/residents/open"),
            json!({"step": step, "reason": "测试"}),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{step}: {}",
            r.text
        );
        assert!(
            r.text
                .contains("只能提前开始 R-2、R-3、R-4、R-5、R-6、R-7、R-8"),
            "{}",
            r.text
        );
    }
    crate::residents_nominees::open_early(&app, c, "R-4").await;
    let r = register(&app, Who::Community, c, json!({"person_id": p})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(app.count("select count(*) from resident_voters").await, 1);
}
