//! P-5 候选人预备人选 through the API: the gate after P-4, the list's 差额 at its boundaries for
//! N = 5, 7, 9, people and proposed leaders off the list refused, the 等额 slate in order, and
//! the community's submission with the street's return and approval.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::list_fixtures::{NAMES, after_p3, after_p4, api, ok, party, resize};
use crate::fixtures::create_person;
use crate::helpers::{TestApp, Who, id_number};

fn check<'a>(v: &'a Value, rule: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["record"]["check"]["rule"] == rule)
        .unwrap_or_else(|| panic!("{rule} in {v}"))
}

#[tokio::test]
async fn candidate_lists_of_6_9_11_pass_for_5_7_9_seats_and_one_fewer_fails() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p4(&app, 9, 1, 12).await;
    let base = party(c);
    for (n, min, computation) in [
        (5usize, 6usize, "5 + ⌈1⌉ = 6"),
        (7, 9, "7 + ⌈1.4⌉ = 9"),
        (9, 11, "9 + ⌈1.8⌉ = 11"),
    ] {
        resize(&app, c, n as i64).await;
        for (listed, passed) in [(min - 1, false), (min, true)] {
            let body = json!({"date": "2027-04-24", "people": people[..listed], "secretary": people[0], "deputies": [people[1]]});
            let v = ok(
                &app,
                Who::Community,
                Method::PUT,
                &format!("{base}/candidates"),
                body,
            )
            .await;
            let size = &check(&v, "P-5.size")["record"]["check"];
            assert_eq!(size["passed"], passed, "N = {n}, {listed}: {size}");
            assert_eq!(size["numbers"]["min"], min);
            let msg = size["message"].as_str().unwrap();
            assert!(
                msg.contains(computation) && msg.contains(&format!("实有 {listed} 名")),
                "{msg}"
            );
            assert_eq!(check(&v, "P-5.slate")["record"]["check"]["passed"], true);
        }
    }
}

#[tokio::test]
async fn p5_is_refused_before_p4_is_done_and_opens_early_with_the_streets_reason() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p3(&app, 5, 1, 7).await;
    let base = party(c);
    ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/preliminary"),
        json!({"date": "2027-04-18", "people": people}),
    )
    .await;
    let body = json!({"date": "2027-04-24", "people": people[..6], "secretary": people[0], "deputies": [people[1]]});
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/candidates"),
        body.clone(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        r.text.contains("候选人预备人选并报批（P-5）不能开始"),
        "{}",
        r.text
    );
    let open = format!("{base}/candidates/open");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &open,
        json!({"reason": "时间紧"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(&app, Who::Street, Method::POST, &open, json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    ok(
        &app,
        Who::Street,
        Method::POST,
        &open,
        json!({"reason": "考察已结束，公示期内"}),
    )
    .await;
    let v = ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/candidates"),
        body,
    )
    .await;
    assert_eq!(v["override"], "考察已结束，公示期内");
    assert_eq!(v["list"]["status"], "draft");
}

#[tokio::test]
async fn a_proposed_secretary_not_on_the_candidate_list_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p4(&app, 5, 1, 8).await;
    let path = format!("{}/candidates", party(c));
    // 赵八 is on the preliminary list but not on this candidate list.
    let body = json!({"date": "2027-04-24", "people": people[..6], "secretary": people[7], "deputies": [people[1]]});
    let r = api(&app, Who::Community, Method::PUT, &path, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "书记、副书记人选");
    assert!(
        r.text.contains(&format!("{} 不在名单中", NAMES[7])),
        "{}",
        r.text
    );
    // Someone who is not on the preliminary list cannot be a candidate.
    let stranger = create_person(&app, "sg01", "路人乙", &id_number("19800101", 991)).await;
    let mut list = people[..6].to_vec();
    list.push(stranger);
    let body = json!({"date": "2027-04-24", "people": list, "secretary": people[0], "deputies": [people[1]]});
    let r = api(&app, Who::Community, Method::PUT, &path, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("不在初步人选名单中"), "{}", r.text);
    assert_eq!(
        app.count("select count(*) from party_lists where list = 'candidate'")
            .await,
        0
    );
    assert_eq!(
        app.count("select count(*) from party_list_entries where list = 'candidate'")
            .await,
        0
    );
}

#[tokio::test]
async fn the_candidate_list_is_submitted_returned_resubmitted_and_approved_by_the_street() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p4(&app, 5, 2, 7).await;
    let base = party(c);
    let path = format!("{base}/candidates");
    let list = |deputies: Vec<i64>| json!({"date": "2027-04-24", "people": people[..6], "secretary": people[0], "deputies": deputies});
    // One 副书记 of two: the 等额 slate fails and blocks the submission.
    let v = ok(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        list(vec![people[1]]),
    )
    .await;
    let slate = check(&v, "P-5.slate")["record"]["check"].clone();
    assert_eq!(slate["passed"], false);
    assert!(
        slate["message"]
            .as_str()
            .unwrap()
            .contains("须提名书记 1 名、副书记 2 名，现为书记 1 名、副书记 1 名"),
        "{slate}"
    );
    let submit = format!("{path}/submit");
    let r = api(&app, Who::Community, Method::POST, &submit, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("副书记 1 名"), "{}", r.text);
    // The 副书记 in the order given: 丁三 before 李二.
    let v = ok(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        list(vec![people[2], people[1]]),
    )
    .await;
    let leaders: Vec<(String, String, i64)> = v["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["leader_post"].is_string())
        .map(|e| {
            (
                e["leader_post"].as_str().unwrap().into(),
                e["name"].as_str().unwrap().into(),
                e["leader_order"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("书记", NAMES[0], 1),
        ("副书记", NAMES[2], 2),
        ("副书记", NAMES[1], 3),
    ];
    for e in expected {
        assert!(
            leaders.contains(&(e.0.into(), e.1.into(), e.2)),
            "{e:?} in {leaders:?}"
        );
    }
    let v = ok(&app, Who::Community, Method::POST, &submit, json!({})).await;
    assert_eq!(v["list"]["status"], "submitted");
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        list(vec![people[2], people[1]]),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "no edits while submitted: {}",
        r.text
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{path}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "community staff cannot approve"
    );
    let back = format!("{path}/return");
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &back,
        json!({"reason": ""}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let v = ok(
        &app,
        Who::Street,
        Method::POST,
        &back,
        json!({"reason": "请调整副书记人选顺序"}),
    )
    .await;
    assert_eq!(v["list"]["status"], "returned");
    assert_eq!(v["list"]["status_reason"], "请调整副书记人选顺序");
    assert!(
        v["blockers"]
            .to_string()
            .contains("被街道工作组退回（请调整副书记人选顺序）"),
        "{v}"
    );
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{path}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a returned list is not approved: {}",
        r.text
    );
    // The community corrects and submits again; the street approves; P-5 is done.
    let v = ok(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        list(vec![people[1], people[2]]),
    )
    .await;
    assert_eq!(v["list"]["status"], "returned");
    ok(&app, Who::Community, Method::POST, &submit, json!({})).await;
    let v = ok(
        &app,
        Who::Street,
        Method::POST,
        &format!("{path}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(v["list"]["status"], "approved");
    assert_eq!(v["done"], true);
    assert_eq!(v["blockers"], json!([]));
    let deputy1 = v["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["leader_order"] == 2)
        .unwrap()
        .clone();
    assert_eq!(deputy1["name"], NAMES[1]);
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        list(vec![people[1], people[2]]),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "an approved list is fixed: {}",
        r.text
    );
    let p5 = app.count(&format!("select count(*) from campaign_steps where campaign_id = {c} and code = 'P-5' and done_at is not null")).await;
    assert_eq!(p5, 1);
    for action in ["submitted", "returned", "approved"] {
        let n = app
            .count(&format!(
                "select count(*) from audit_log where entity = 'party_list' and action = '{action}'"
            ))
            .await;
        assert!(n >= 1, "{action} audited");
    }
    let v = ok(&app, Who::Community, Method::GET, &base, json!(null)).await;
    let p5 = v["pipeline"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "P-5")
        .unwrap()
        .clone();
    assert!(p5["done_at"].is_string(), "{p5}");
}

#[tokio::test]
async fn an_approved_slate_failure_lapses_when_the_slate_changes_and_survives_a_resave() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p4(&app, 5, 1, 7).await;
    let path = format!("{}/candidates", party(c));
    let list = |secretary: i64| json!({"date": "2027-04-24", "people": people[..6], "secretary": secretary, "deputies": []});
    let v = ok(&app, Who::Community, Method::PUT, &path, list(people[0])).await;
    let slate = check(&v, "P-5.slate");
    assert_eq!(slate["satisfied"], false, "no 副书记 of one: {slate}");
    let chk = slate["id"].as_i64().unwrap();
    let body = json!({"reason": "副书记暂缺，经街道研究同意"});
    ok(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/checks/{chk}/override"),
        body,
    )
    .await;
    // The same list saved again keeps the approval.
    let v = ok(&app, Who::Community, Method::PUT, &path, list(people[0])).await;
    assert_eq!(check(&v, "P-5.slate")["satisfied"], true);
    // Another 书记: the approval was for another slate.
    let v = ok(&app, Who::Community, Method::PUT, &path, list(people[1])).await;
    assert_eq!(check(&v, "P-5.slate")["satisfied"], false);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{path}/submit"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("副书记 0 名"), "{}", r.text);
}
