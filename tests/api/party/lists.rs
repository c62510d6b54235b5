//! Closing P-3 and P-4 初步人选 through the API: the P-3 gate (409 until the meeting, its checks
//! and the recommendation are recorded), P-4's gate and the street's early opening, the list's
//! size at its boundaries for N = 5, 7, 9, and only nominees who passed P-2 on it.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::list_fixtures::{NAMES, after_p2, after_p3, api, ok, party, resize};
use crate::helpers::{Resp, TestApp, Who, id_number};

/// The list's size check in an answer: (passed, message, numbers).
fn size_check(v: &Value) -> (bool, String, Value) {
    let c = &v["checks"][0]["record"]["check"];
    (
        c["passed"].as_bool().unwrap(),
        c["message"].as_str().unwrap().to_string(),
        c["numbers"].clone(),
    )
}

fn message(r: &Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
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
    let body =
        json!({"date": "2027-04-15", "resident_representative": 30, "party_representative": 49});
    let m = ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/recommendation/meeting"),
        body,
    )
    .await;
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let msg = message(&r);
    assert!(msg.contains("参加人数") && msg.contains("79"), "{msg}");
    assert!(msg.contains("尚未录入推荐票或登记推荐票合计"), "{msg}");
    let chk = m["checks"][0]["id"].as_i64().unwrap();
    ok(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/checks/{chk}/override"),
        json!({"reason": "经街道研究同意"}),
    )
    .await;
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        !message(&r).contains("79"),
        "the approved check no longer blocks: {}",
        r.text
    );
    let totals = json!({"totals": [{"person_id": people[0], "post": "书记", "votes": 60}]});
    ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/recommendation/totals"),
        totals,
    )
    .await;
    let before = app.audit_count().await;
    ok(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(
        app.audit_count().await,
        before + 1,
        "closing P-3 is audited"
    );
    let v = ok(&app, Who::Community, Method::GET, &base, json!(null)).await;
    let p3 = v["pipeline"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "P-3")
        .unwrap()
        .clone();
    assert!(p3["done_at"].is_string(), "{p3}");
    // Once closed, P-3's records no longer change.
    let fewer = json!({"date": "2027-04-15", "party_representative": 10});
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/recommendation/meeting"),
        fewer,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(message(&r).contains("不能再修改"), "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/size"),
        json!({"members": 9, "deputies": 2}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "the lists are sized from N: {}",
        r.text
    );
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
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/preliminary"),
        list.clone(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("初步人选并考察公示（P-4）不能开始"),
        "{}",
        r.text
    );
    let open = format!("{base}/preliminary/open");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &open,
        json!({"reason": "时间紧"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &open,
        json!({"reason": "  "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    ok(
        &app,
        Who::Street,
        Method::POST,
        &open,
        json!({"reason": "选举日期临近"}),
    )
    .await;
    let v = ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/preliminary"),
        list,
    )
    .await;
    assert_eq!(v["satisfied"], true, "5 + ⌈1.5⌉ = 7: {v}");
    let v = ok(
        &app,
        Who::Community,
        Method::GET,
        &format!("{base}/preliminary"),
        json!(null),
    )
    .await;
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
    for (n, min, computation) in [
        (5, 7, "5 + ⌈30% × 5⌉ = 5 + ⌈1.5⌉ = 7"),
        (7, 10, "7 + ⌈30% × 7⌉ = 7 + ⌈2.1⌉ = 10"),
        (9, 12, "9 + ⌈30% × 9⌉ = 9 + ⌈2.7⌉ = 12"),
    ] {
        resize(&app, c, n).await;
        let short = json!({"date": "2027-04-18", "people": people[..min - 1]});
        let v = ok(&app, Who::Community, Method::PUT, &path, short).await;
        let (passed, msg, numbers) = size_check(&v);
        assert!(!passed, "N = {n}: {msg}");
        assert_eq!(v["satisfied"], false);
        assert_eq!(
            msg,
            format!(
                "初步人选须不少于 {computation} 名，实有 {} 名，不足。",
                min - 1
            )
        );
        assert_eq!(numbers["min"], min);
        let r = api(
            &app,
            Who::Street,
            Method::POST,
            &format!("{base}/steps/P-4/done"),
            json!({}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(
            message(&r).contains(&format!("实有 {} 名，不足", min - 1)),
            "{}",
            r.text
        );
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
    let stranger =
        crate::fixtures::create_person(&app, "sg01", "路人甲", &id_number("19800101", 990)).await;
    let mut list = people.clone();
    list.push(stranger);
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{}/preliminary", party(c)),
        json!({"date": "2027-04-18", "people": list}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("不是通过资格审查的被推荐人"), "{}", r.text);
    assert_eq!(app.count("select count(*) from party_lists").await, 0);
    assert_eq!(
        app.count("select count(*) from party_list_entries").await,
        0
    );
}
