//! A campaign's dates are the street's (issue 15, item 2.3): community staff are refused; the
//! street moves the residents' election day freely before R-4 closes, and after it only with a
//! reason, audited; the reference date likewise after P-2. Every stored check computed on a
//! moved date is re-run and the answer lists those whose outcome changed.

use axum::http::{Method, StatusCode};
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::fixtures::create_campaign;
use crate::helpers::{B, PASSWORD, Resp, TestApp, Who, id_number};
use crate::residents_voters::{campaign, person};

async fn call(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

async fn set_dates(app: &TestApp, who: Who, c: i64, body: Value) -> Resp {
    call(
        app,
        who,
        Method::PUT,
        &format!("/api/v1/campaigns/{c}"),
        body,
    )
    .await
}

async fn election_day(app: &TestApp, c: i64) -> Option<String> {
    let (d,): (Option<chrono::NaiveDate>,) =
        Q::new("select residents_election_day from campaigns where id = $1")
            .bind(c)
            .one(&app.state.db)
            .await
            .unwrap();
    d.map(|d| d.to_string())
}

/// Registers `person` as a voter of `c` (community staff); the check as stored.
async fn register(app: &TestApp, c: i64, person: i64) -> Value {
    let path = format!("/api/v1/campaigns/{c}/residents/voters");
    let r = call(
        app,
        Who::Community,
        Method::POST,
        &path,
        json!({"person_id": person}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["voter"]["check"].clone()
}

/// The stored checks of `rule`: (subject id, passed), in id order.
async fn stored(app: &TestApp, rule: &str) -> Vec<(i64, bool)> {
    Q::new("select subject_id, passed from rule_checks where rule = $1 order by id")
        .bind(rule)
        .all(&app.state.db)
        .await
        .unwrap()
}

fn subjects(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["subject"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn community_staff_cannot_move_the_dates_through_the_api_or_the_page() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let audit = app.audit_count().await;
    let r = set_dates(
        &app,
        Who::Community,
        c,
        json!({"residents_election_day": "2027-05-25"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let show = format!("/communities/sg01/campaigns/{c}");
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &show,
            B::Form(vec![("reference_date".into(), "2027-03-01".into())]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(election_day(&app, c).await.as_deref(), Some("2027-05-30"));
    assert_eq!(
        app.audit_count().await,
        audit,
        "nothing changed, nothing audited"
    );
    // The page shows the dates to community staff without a form; nor can they pick a
    // reference date when creating a campaign.
    let page = app.call(Who::Community, Method::GET, &show, B::Empty).await;
    assert!(
        page.text
            .contains("data-date=\"residents_election_day\">2027-05-30")
            && !page.text.contains("name=\"reference_date\""),
        "{}",
        page.text
    );
    let r = call(
        &app,
        Who::Community,
        Method::POST,
        "/api/v1/campaigns",
        json!({"community": "sg01", "term": "第九届", "year": 2027, "reference_date": "2027-03-01"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

#[tokio::test]
async fn the_street_moves_the_election_day_without_a_reason_before_r4_closes_and_the_voter_checks_are_rerun()
 {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let adult = person(&app, "sg01", "周丙", "1980-01-01", 41).await;
    let eighteen = person(&app, "sg01", "周甲", "2009-05-30", 43).await;
    register(&app, c, adult).await;
    let check = register(&app, c, eighteen).await;
    assert_eq!(check["numbers"]["age"], 18, "18 on 2027-05-30");

    let r = set_dates(
        &app,
        Who::Street,
        c,
        json!({"residents_election_day": "2027-05-29"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert_eq!(v["campaign"]["residents_election_day"], "2027-05-29");
    assert_eq!(v["moved"], json!(["residents_election_day"]));
    assert_eq!(v["rechecked"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(subjects(&v["changed"]), ["选民资格（R-4）周甲"], "{v}");
    assert_eq!(v["changed"][0]["was_passed"], true);
    assert_eq!(v["changed"][0]["passed"], false);
    assert!(
        v["changed"][0]["message"]
            .as_str()
            .unwrap()
            .contains("17 周岁，未满 18 周岁"),
        "{v}"
    );
    let passed: Vec<bool> = stored(&app, "R-4.voter")
        .await
        .iter()
        .map(|s| s.1)
        .collect();
    assert_eq!(passed, [true, false], "the stored checks say so too");
}

/// A campaign whose R-4 closed: two voters (one 18 on 2027-05-30) and the list published on
/// 2027-05-10, 20 days ahead.
async fn closed_r4(app: &TestApp) -> i64 {
    let c = campaign(app, "sg01").await;
    let adult = person(app, "sg01", "周丙", "1980-01-01", 41).await;
    let eighteen = person(app, "sg01", "周甲", "2009-05-30", 43).await;
    register(app, c, adult).await;
    register(app, c, eighteen).await;
    app.on("2027-05-10");
    let path = format!("/api/v1/campaigns/{c}/residents/voters/publish");
    let r = call(app, Who::Community, Method::POST, &path, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["check"]["numbers"]["days"], 20);
    c
}

#[tokio::test]
async fn after_r4_closed_the_election_day_moves_only_with_a_reason_which_is_audited_with_the_rerun_checks()
 {
    let app = TestApp::spawn().await;
    let c = closed_r4(&app).await;
    let checks_before = stored(&app, "R-4.voter").await;
    let audit = app.audit_count().await;

    // Without a reason: refused naming the closed step, and nothing changed.
    let r = set_dates(
        &app,
        Who::Street,
        c,
        json!({"residents_election_day": "2027-05-25"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "理由");
    assert!(
        r.text.contains("R-4 选民登记已结束（选民年龄和选民名单公布天数已按该日计算），修改居委会选举日须写明理由"),
        "{}",
        r.text
    );
    let r = set_dates(
        &app,
        Who::Street,
        c,
        json!({"residents_election_day": "2027-05-25", "reason": "  "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(election_day(&app, c).await.as_deref(), Some("2027-05-30"));
    assert_eq!(stored(&app, "R-4.voter").await, checks_before);
    assert_eq!(stored(&app, "R-4.publication").await, [(c, true)]);
    assert_eq!(app.audit_count().await, audit);
    // Another date that no closed step relies on moves without one.
    let r = set_dates(
        &app,
        Who::Street,
        c,
        json!({"party_election_day": "2027-04-27"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json()["rechecked"].as_array().unwrap().is_empty());

    // With a reason: accepted, the checks re-run, the changed ones listed and audited.
    let reason = "区选举委员会统一调整选举日";
    let r = set_dates(
        &app,
        Who::Street,
        c,
        json!({"residents_election_day": "2027-05-25", "reason": reason}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert_eq!(v["reason"], reason);
    assert_eq!(v["rechecked"].as_array().unwrap().len(), 3, "{v}");
    assert_eq!(
        subjects(&v["changed"]),
        ["选民资格（R-4）周甲", "选民名单公布（R-4）"],
        "{v}"
    );
    assert!(
        v["changed"][1]["message"]
            .as_str()
            .unwrap()
            .contains("距选举日 2027-05-25 15 天，应至少提前 20 天"),
        "{v}"
    );
    assert_eq!(stored(&app, "R-4.publication").await, [(c, false)]);
    let (action, after): (String, String) = Q::new(
        "select action, after_json from audit_log where entity = 'campaign' and entity_id = $1 order by id desc limit 1",
    )
    .bind(c.to_string())
    .one(&app.state.db)
    .await
    .unwrap();
    let after: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(action, "update");
    assert_eq!(after["reason"], reason);
    assert_eq!(after["residents_election_day"], "2027-05-25");
    assert_eq!(
        after["closed_steps"][0],
        "R-4 选民登记已结束（选民年龄和选民名单公布天数已按该日计算），修改居委会选举日须写明理由"
    );
    assert_eq!(after["changed_checks"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_street_page_refuses_a_moved_election_day_without_a_reason_and_lists_the_changed_checks_with_one()
 {
    let app = TestApp::spawn().await;
    let c = closed_r4(&app).await;
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let show = format!("/communities/sg01/campaigns/{c}");
    let page = street.get(&show).await;
    let (msg, page) = street
        .submit_flash(&page, &show, &[("residents_election_day", "2027-05-25")])
        .await;
    assert!(msg.contains("修改居委会选举日须写明理由"), "{msg}");
    assert_eq!(election_day(&app, c).await.as_deref(), Some("2027-05-30"));
    let (msg, _) = street
        .submit_flash(
            &page,
            &show,
            &[
                ("residents_election_day", "2027-05-25"),
                ("reason", "统一调整"),
            ],
        )
        .await;
    assert!(
        msg.contains("已按新日期重新核对 3 项检查，其中 2 项结果改变")
            && msg.contains("选民名单公布（R-4）：符合 → 不符合"),
        "{msg}"
    );
}

/// A self-nominated 委员 of sg01 born `birth` (seq unique); the nomination id.
async fn nominee(app: &TestApp, c: i64, name: &str, birth: &str, seq: u32) -> i64 {
    let r = call(
        app,
        Who::Street,
        Method::POST,
        "/api/v1/communities/sg01/people",
        json!({"name": name, "id_number": id_number(birth, seq), "party_status": "full", "education": "本科"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let p = r.json()["person"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/campaigns/{c}/party/nominations");
    let r = call(
        app,
        Who::Community,
        Method::POST,
        &path,
        json!({"person_id": p, "post": "委员", "channel": "self"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["nomination"]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn after_p2_closed_the_reference_date_moves_with_a_reason_and_an_age_check_keeps_its_override_while_the_age_holds()
 {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let party = format!("/api/v1/campaigns/{c}/party");
    let r = call(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{party}/size"),
        json!({"members": 7, "deputies": 1}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // 42 on 2027-04-01 (over a new entrant's 40, overridden by the street); 40 on 2027-04-01,
    // 41 the day after.
    let old = nominee(&app, c, "甲老", "19850101", 1).await;
    let edge = nominee(&app, c, "乙边", "19860402", 3).await;
    let r = call(
        &app,
        Who::Community,
        Method::POST,
        &format!("{party}/steps/P-1/done"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call(
        &app,
        Who::Street,
        Method::POST,
        &format!("{party}/review/checks"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (id,): (i64,) = Q::new("select id from rule_checks where subject_type = 'party_nomination' and subject_id = $1 and rule = 'C-3.age'")
        .bind(old)
        .one(&app.state.db)
        .await
        .unwrap();
    let r = call(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/checks/{id}/override"),
        json!({"reason": "群众公认度高"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    Q::new("update campaign_steps set done_at = $1 where campaign_id = $2 and code = 'P-2'")
        .bind(huanjie::now())
        .bind(c)
        .execute(&app.state.db)
        .await
        .unwrap();

    let r = set_dates(
        &app,
        Who::Street,
        c,
        json!({"reference_date": "2027-04-02"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text
            .contains("P-2 资格审查已结束（候选人年龄已按该日审查），修改年龄计算基准日须写明理由"),
        "{}",
        r.text
    );
    let r = set_dates(
        &app,
        Who::Street,
        c,
        json!({"reference_date": "2027-04-02", "reason": "按区委组织部通知统一基准日"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert_eq!(v["rechecked"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(
        subjects(&v["changed"]),
        ["资格审查（P-2）乙边（委员）"],
        "{v}"
    );
    let override_of = |sid: i64| {
        Q::new("select override_reason from rule_checks where subject_type = 'party_nomination' and subject_id = $1 and rule = 'C-3.age'")
            .bind(sid)
    };
    let (kept,): (Option<String>,) = override_of(old).one(&app.state.db).await.unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("群众公认度高"),
        "still 42: the override stands"
    );
    let passed: Vec<(i64, bool)> = stored(&app, "C-3.age").await;
    assert!(passed.contains(&(edge, false)), "{passed:?}");
    // A year earlier the overridden nominee is 41: another outcome, the override lapses.
    let r = set_dates(
        &app,
        Who::Street,
        c,
        json!({"reference_date": "2026-04-02", "reason": "更正"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    let lapsed: Vec<&Value> = v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["lapsed"] == "群众公认度高")
        .collect();
    assert_eq!(lapsed.len(), 1, "{v}");
    let (kept,): (Option<String>,) = override_of(old).one(&app.state.db).await.unwrap();
    assert_eq!(kept, None);
}
