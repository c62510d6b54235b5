//! Closing P-3 and P-4 初步人选 through the API: the P-3 gate (409 until the meeting, its checks
//! and the recommendation are recorded), P-4's gate and the street's early opening, the list's
//! size at its boundaries for N = 5, 7, 9, the inspections, a 2-day 公示 refused and 3 days
//! accepted, objections on the P-4 公示, and closing P-4.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::create_campaign;
use crate::helpers::{B, Resp, TestApp, Who, id_number};

/// Names of the nominees, in the order they are created (not in 姓氏笔画 order).
pub const NAMES: [&str; 12] = [
    "王一", "李二", "丁三", "张四", "刘五", "陈六", "杨七", "赵八", "黄九", "周十", "吴十一", "马十二",
];

pub async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

pub fn party(c: i64) -> String {
    format!("/api/v1/campaigns/{c}/party")
}

/// Calls as `who` and expects success; answers the JSON.
pub async fn ok(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Value {
    let r = api(app, who, method, path, body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text);
    r.json()
}

/// A campaign of sg01 with N 委员 and `deputies` 副书记, `k` nominees (NAMES) who passed P-2 (the
/// first for 书记, the second for 副书记, the others for 委员), P-2 done and P-3's meeting of 80
/// recorded. Returns the campaign and the nominees' person ids, in NAMES order.
pub async fn after_p2(app: &TestApp, n: i64, deputies: i64, k: usize) -> (i64, Vec<i64>) {
    let c = create_campaign(app, "sg01").await;
    let base = party(c);
    ok(app, Who::Community, Method::PUT, &format!("{base}/size"), json!({"members": n, "deputies": deputies})).await;
    let mut people = Vec::new();
    for (i, name) in NAMES.iter().take(k).enumerate() {
        let body = json!({"name": name, "id_number": id_number("19900505", 900 + i as u32), "party_status": "full", "education": "本科"});
        let v = ok(app, Who::Street, Method::POST, "/api/v1/communities/sg01/people", body).await;
        let person = v["person"]["id"].as_i64().unwrap();
        let post = ["书记", "副书记"].get(i).copied().unwrap_or("委员");
        let body = json!({"person_id": person, "post": post, "channel": "self"});
        ok(app, Who::Community, Method::POST, &format!("{base}/nominations"), body).await;
        people.push(person);
    }
    ok(app, Who::Community, Method::POST, &format!("{base}/steps/P-1/done"), json!({})).await;
    ok(app, Who::Street, Method::POST, &format!("{base}/review/checks"), json!({})).await;
    let noms = ok(app, Who::Street, Method::GET, &format!("{base}/nominations"), json!(null)).await;
    for nom in noms["nominations"].as_array().unwrap() {
        let path = format!("{base}/nominations/{}/review", nom["id"]);
        ok(app, Who::Street, Method::POST, &path, json!({"decision": "passed", "reason": "符合条件"})).await;
    }
    let body = json!({"start_date": "2027-04-08", "end_date": "2027-04-12"});
    ok(app, Who::Street, Method::POST, &format!("{base}/publicity"), body).await;
    ok(app, Who::Street, Method::POST, &format!("{base}/steps/P-2/done"), json!({})).await;
    let body = json!({"date": "2027-04-15", "resident_representative": 30, "party_representative": 50});
    ok(app, Who::Community, Method::PUT, &format!("{base}/recommendation/meeting"), body).await;
    (c, people)
}

/// `after_p2` with the 委员 totals entered (the i-th nominee gets 80 − 3i votes) and P-3 closed.
pub async fn after_p3(app: &TestApp, n: i64, deputies: i64, k: usize) -> (i64, Vec<i64>) {
    let (c, people) = after_p2(app, n, deputies, k).await;
    let base = party(c);
    let totals: Vec<Value> = people
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"person_id": p, "post": "委员", "votes": 80 - 3 * i as i64}))
        .collect();
    ok(app, Who::Community, Method::PUT, &format!("{base}/recommendation/totals"), json!({"totals": totals})).await;
    ok(app, Who::Street, Method::POST, &format!("{base}/steps/P-3/done"), json!({})).await;
    (c, people)
}

/// The list's size check in an answer: (passed, message, numbers).
fn size_check(v: &Value) -> (bool, String, Value) {
    let c = &v["checks"][0]["record"]["check"];
    (c["passed"].as_bool().unwrap(), c["message"].as_str().unwrap().to_string(), c["numbers"].clone())
}

fn message(r: &Resp) -> String {
    r.json()["error"]["message"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn closing_p3_is_refused_until_the_meeting_its_checks_and_the_recommendation_are_recorded() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p2(&app, 7, 1, 2).await;
    let base = party(c);
    let done = format!("{base}/steps/P-3/done");
    // Community staff do not close P-3: the street runs it.
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // 79 participants: the failed check and the missing recommendation are both named.
    let body = json!({"date": "2027-04-15", "resident_representative": 30, "party_representative": 49});
    let m = ok(&app, Who::Community, Method::PUT, &format!("{base}/recommendation/meeting"), body).await;
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let msg = message(&r);
    assert!(msg.contains("参加人数") && msg.contains("79"), "{msg}");
    assert!(msg.contains("尚未录入推荐票或登记推荐票合计"), "{msg}");
    let chk = m["checks"][0]["id"].as_i64().unwrap();
    ok(&app, Who::Street, Method::POST, &format!("/api/v1/checks/{chk}/override"), json!({"reason": "经街道研究同意"})).await;
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(!message(&r).contains("79"), "the approved check no longer blocks: {}", r.text);
    let totals = json!({"totals": [{"person_id": people[0], "post": "书记", "votes": 60}]});
    ok(&app, Who::Community, Method::PUT, &format!("{base}/recommendation/totals"), totals).await;
    let before = app.audit_count().await;
    ok(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(app.audit_count().await, before + 1, "closing P-3 is audited");
    let v = ok(&app, Who::Community, Method::GET, &base, json!(null)).await;
    let p3 = v["pipeline"]["steps"].as_array().unwrap().iter().find(|s| s["code"] == "P-3").unwrap().clone();
    assert!(p3["done_at"].is_string(), "{p3}");
    // P-4 is open now, and the pipeline names what it lacks.
    let blockers = v["pipeline"]["blockers"].to_string();
    assert!(blockers.contains("尚未确定初步人选名单"), "{blockers}");
}

#[tokio::test]
async fn p4_is_refused_before_p3_is_done_and_opens_early_with_the_streets_reason() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p2(&app, 5, 1, 7).await;
    let base = party(c);
    let list = json!({"date": "2027-04-18", "people": people});
    let r = api(&app, Who::Community, Method::PUT, &format!("{base}/preliminary"), list.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(message(&r).contains("初步人选（P-4）未开始"), "{}", r.text);
    let open = format!("{base}/preliminary/open");
    let r = api(&app, Who::Community, Method::POST, &open, json!({"reason": "时间紧"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(&app, Who::Street, Method::POST, &open, json!({"reason": "  "})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    ok(&app, Who::Street, Method::POST, &open, json!({"reason": "选举日期临近"})).await;
    let v = ok(&app, Who::Community, Method::PUT, &format!("{base}/preliminary"), list).await;
    assert_eq!(v["satisfied"], true, "5 + ⌈1.5⌉ = 7: {v}");
    let v = ok(&app, Who::Community, Method::GET, &format!("{base}/preliminary"), json!(null)).await;
    assert_eq!(v["override"], "选举日期临近");
    assert_eq!(v["min"], 7);
    assert_eq!(v["people"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn preliminary_lists_of_7_10_12_pass_for_5_7_9_seats_and_one_fewer_fails() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p3(&app, 5, 1, 12).await;
    let base = party(c);
    let path = format!("{base}/preliminary");
    for (n, min, computation) in [(5, 7, "5 + ⌈30% × 5⌉ = 5 + ⌈1.5⌉ = 7"), (7, 10, "7 + ⌈30% × 7⌉ = 7 + ⌈2.1⌉ = 10"), (9, 12, "9 + ⌈30% × 9⌉ = 9 + ⌈2.7⌉ = 12")] {
        ok(&app, Who::Community, Method::PUT, &format!("{base}/size"), json!({"members": n, "deputies": 1})).await;
        let short = json!({"date": "2027-04-18", "people": people[..min - 1]});
        let v = ok(&app, Who::Community, Method::PUT, &path, short).await;
        let (passed, msg, numbers) = size_check(&v);
        assert!(!passed, "N = {n}: {msg}");
        assert_eq!(v["satisfied"], false);
        assert_eq!(msg, format!("初步人选须不少于 {computation} 名，实有 {} 名，不足。", min - 1));
        assert_eq!(numbers["min"], min);
        let r = api(&app, Who::Street, Method::POST, &format!("{base}/steps/P-4/done"), json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(message(&r).contains(&format!("实有 {} 名，不足", min - 1)), "{}", r.text);
        let full = json!({"date": "2027-04-18", "people": people[..min]});
        let v = ok(&app, Who::Community, Method::PUT, &path, full).await;
        let (passed, msg, numbers) = size_check(&v);
        assert!(passed, "N = {n}: {msg}");
        assert_eq!(numbers["listed"], min);
        assert!(msg.contains(computation), "{msg}");
    }
    // The saved list is the last one, in the order given; a replacement is audited with both.
    let v = ok(&app, Who::Community, Method::GET, &path, json!(null)).await;
    assert_eq!(v["people"][11]["name"], NAMES[11]);
    assert_eq!(v["people"][0]["position"], 1);
    let audit = app
        .count("select count(*) from audit_log where entity = 'party_list' and before_json is not null")
        .await;
    assert_eq!(audit, 5, "six saves, five of them replacing a list");
}

#[tokio::test]
async fn only_nominees_who_passed_p2_can_be_on_the_preliminary_list() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p3(&app, 5, 1, 7).await;
    let stranger = crate::fixtures::create_person(&app, "sg01", "路人甲", &id_number("19800101", 990)).await;
    let mut list = people.clone();
    list.push(stranger);
    let r = api(&app, Who::Community, Method::PUT, &format!("{}/preliminary", party(c)), json!({"date": "2027-04-18", "people": list})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("不是通过资格审查的被推荐人"), "{}", r.text);
    assert_eq!(app.count("select count(*) from party_lists").await, 0);
    assert_eq!(app.count("select count(*) from party_list_entries").await, 0);
}

#[tokio::test]
async fn a_two_day_p4_publicity_is_refused_with_the_reason_and_three_days_are_accepted() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p3(&app, 5, 1, 7).await;
    let base = party(c);
    ok(&app, Who::Community, Method::PUT, &format!("{base}/preliminary"), json!({"date": "2027-04-18", "people": people})).await;
    let publicity = format!("{base}/preliminary/publicity");
    let three = json!({"start_date": "2027-04-20", "end_date": "2027-04-22"});
    let r = api(&app, Who::Street, Method::POST, &publicity, three.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "nobody inspected yet: {}", r.text);
    let body = json!({"person_id": people[0], "inspection": "政治素质好，群众公认度高。"});
    ok(&app, Who::Street, Method::POST, &format!("{base}/preliminary/inspections"), body).await;
    let r = api(&app, Who::Street, Method::POST, &publicity, json!({"start_date": "2027-04-20", "end_date": "2027-04-21"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "公示结束日期");
    assert!(message(&r).contains("2027-04-20 至 2027-04-21 共 2 天，不足"), "{}", r.text);
    assert_eq!(app.count("select count(*) from party_publicities where step = 'P-4'").await, 0);
    let r = api(&app, Who::Street, Method::POST, &publicity, three).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["days"], 3);
    assert_eq!(r.json()["publicity"]["step"], "P-4");
    let stored = app
        .count("select count(*) from rule_checks where subject_type = 'party_publicity' and rule = 'P-4.publicity' and passed = true")
        .await;
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn p4_closes_only_with_everyone_inspected_the_publicity_and_every_objection_answered() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p3(&app, 7, 1, 10).await;
    let base = party(c);
    ok(&app, Who::Community, Method::PUT, &format!("{base}/preliminary"), json!({"date": "2027-04-18", "people": people})).await;
    let done = format!("{base}/steps/P-4/done");
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(message(&r).contains("10 名人选中还有 10 名尚未登记考察情况"), "{}", r.text);
    assert!(message(&r).contains("尚未公示考察对象"), "{}", r.text);
    let inspect = format!("{base}/preliminary/inspections");
    let r = api(&app, Who::Community, Method::POST, &inspect, json!({"person_id": people[0], "inspection": "好"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the street inspects");
    for (body, field) in [
        (json!({"person_id": people[0], "inspection": " "}), "考察情况"),
        (json!({"person_id": people[0], "inspection": "考".repeat(2001)}), "考察情况"),
        (json!({"person_id": 999_999, "inspection": "好"}), "被考察人"),
    ] {
        let r = api(&app, Who::Street, Method::POST, &inspect, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json()["error"]["fields"][0]["field"], field);
    }
    for p in &people[..9] {
        ok(&app, Who::Street, Method::POST, &inspect, json!({"person_id": p, "inspection": "考".repeat(2000)})).await;
    }
    let v = ok(&app, Who::Street, Method::GET, &base, json!(null)).await;
    assert!(v["pipeline"]["blockers"].to_string().contains("10 名人选中还有 1 名尚未登记考察情况"), "{v}");
    ok(&app, Who::Street, Method::POST, &inspect, json!({"person_id": people[9], "inspection": "同意列为考察对象。"})).await;
    let p = ok(&app, Who::Street, Method::POST, &format!("{base}/preliminary/publicity"), json!({"start_date": "2027-04-20", "end_date": "2027-04-22"})).await;
    let pid = p["publicity"]["id"].as_i64().unwrap();
    let o = ok(&app, Who::Street, Method::POST, &format!("{base}/publicity/{pid}/objections"), json!({"text": "反映王一不在社区居住"})).await;
    let oid = o["objection"]["id"].as_i64().unwrap();
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(message(&r).contains("1 条异议尚未答复"), "{}", r.text);
    ok(&app, Who::Street, Method::POST, &format!("{base}/objections/{oid}/answer"), json!({"text": "经核实不属实"})).await;
    ok(&app, Who::Street, Method::POST, &done, json!({})).await;
    let v = ok(&app, Who::Community, Method::GET, &format!("{base}/preliminary"), json!(null)).await;
    assert_eq!(v["done"], true);
    assert_eq!(v["people"][9]["inspection"], "同意列为考察对象。");
    // Once P-4 is done the list is fixed.
    let r = api(&app, Who::Community, Method::PUT, &format!("{base}/preliminary"), json!({"date": "2027-04-18", "people": people[..7]})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
}

#[tokio::test]
async fn a_short_preliminary_list_closes_p4_once_the_street_approves_it_with_a_reason() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p3(&app, 5, 1, 6).await;
    let base = party(c);
    let v = ok(&app, Who::Community, Method::PUT, &format!("{base}/preliminary"), json!({"date": "2027-04-18", "people": people})).await;
    let chk = v["checks"][0]["id"].as_i64().unwrap();
    for p in &people {
        ok(&app, Who::Street, Method::POST, &format!("{base}/preliminary/inspections"), json!({"person_id": p, "inspection": "好"})).await;
    }
    ok(&app, Who::Street, Method::POST, &format!("{base}/preliminary/publicity"), json!({"start_date": "2027-04-20", "end_date": "2027-04-24"})).await;
    let done = format!("{base}/steps/P-4/done");
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert!(message(&r).contains("实有 6 名，不足"), "{}", r.text);
    let r = api(&app, Who::Street, Method::POST, &format!("/api/v1/checks/{chk}/override"), json!({"reason": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    ok(&app, Who::Street, Method::POST, &format!("/api/v1/checks/{chk}/override"), json!({"reason": "党员人数少，经街道研究同意"})).await;
    ok(&app, Who::Street, Method::POST, &done, json!({})).await;
    let page = app.call(Who::Community, Method::GET, &format!("/communities/sg01/campaigns/{c}/party/preliminary"), B::Empty).await;
    assert!(page.text.contains("已由街道工作组批准放宽：党员人数少，经街道研究同意"), "{}", page.text);
}

#[tokio::test]
async fn another_communitys_staff_do_not_see_the_lists_and_documents() {
    let app = TestApp::spawn().await;
    let (c, _) = after_p3(&app, 5, 1, 1).await;
    let other = create_campaign(&app, "sg02").await;
    for path in ["preliminary", "candidates"] {
        let r = api(&app, Who::Community, Method::GET, &format!("{}/{path}", party(other)), json!(null)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        let r = api(&app, Who::Community, Method::GET, &format!("{}/{path}", party(c)), json!(null)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    for doc in ["preliminary", "candidates", "candidates-request", "p4-notice", "review-form"] {
        let path = format!("/communities/sg02/campaigns/{other}/party/documents/{doc}");
        let r = app.call(Who::Community, Method::GET, &path, B::Empty).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{doc}");
        // sg01's campaign under sg02's code is not found either, even for the street.
        let path = format!("/communities/sg02/campaigns/{c}/party/documents/{doc}");
        let r = app.call(Who::Street, Method::GET, &path, B::Empty).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{doc}");
    }
}
