//! P-6's exclusions from the roll (issue 15, item 2.4): an exclusion is a request until the
//! street approves it, and until then the member is due. At the boundary of the default rule
//! (present × 5 > due × 4): 100 due need 81; 97 due need 78.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::create_campaign;
use crate::helpers::{B, Resp, TestApp, Who, id_number};

/// A campaign of sg01 with its 党员大会 recorded (P-6 opened early by the street) and a roll of
/// `n` full members of the community's organisation; returns the campaign and the members.
async fn congress_of(app: &TestApp, n: u32) -> (i64, Vec<i64>) {
    let campaign = create_campaign(app, "sg01").await;
    let mut members = Vec::new();
    for i in 0..n {
        let r = app
            .call(
                Who::Street,
                Method::POST,
                "/api/v1/communities/sg01/people",
                B::Json(
                    json!({"name": format!("党员{i}"), "id_number": id_number("19700101", 900 + i),
                               "party_status": "full", "party_org": "community"}),
                ),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        members.push(r.json()["person"]["id"].as_i64().unwrap());
    }
    let base = format!("/api/v1/campaigns/{campaign}/party/congress");
    let r = call(
        app,
        Who::Street,
        Method::POST,
        &format!("{base}/open"),
        json!({"reason": "按计划召开党员大会"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call(
        app,
        Who::Community,
        Method::PUT,
        &base,
        json!({"date": "2027-04-26"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["quorum"]["check"]["numbers"]["due"], n);
    (campaign, members)
}

async fn call(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

fn roll(campaign: i64, rest: &str) -> String {
    format!("/api/v1/campaigns/{campaign}/party/congress/roll{rest}")
}

async fn view(app: &TestApp, campaign: i64) -> Value {
    let path = format!("/api/v1/campaigns/{campaign}/party/congress");
    let r = call(app, Who::Community, Method::GET, &path, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

/// (due, present, needed, passed, excluded, pending) as the API shows them.
fn numbers(v: &Value) -> (i64, i64, i64, bool, i64, i64) {
    (
        v["roll"]["due"].as_i64().unwrap(),
        v["roll"]["present"].as_i64().unwrap(),
        v["quorum"]["needed"].as_i64().unwrap(),
        v["quorum"]["check"]["passed"].as_bool().unwrap(),
        v["roll"]["excluded"].as_i64().unwrap(),
        v["roll"]["pending"].as_i64().unwrap(),
    )
}

/// The stored P-6 quorum check: (due, needed, passed).
async fn stored_quorum(app: &TestApp, campaign: i64) -> (i64, i64, bool) {
    let path = format!("/api/v1/checks?subject_type=party_congress&subject_id={campaign}");
    let r = call(app, Who::Street, Method::GET, &path, json!({})).await;
    let list = r.json()["checks"].clone();
    let k = list
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["record"]["check"]["rule"] == "P-6.quorum")
        .unwrap_or_else(|| panic!("no stored quorum check: {list}"))["record"]["check"]
        .clone();
    (
        k["numbers"]["due"].as_i64().unwrap(),
        k["numbers"]["needed"].as_i64().unwrap(),
        k["passed"].as_bool().unwrap(),
    )
}

fn entry(v: &Value, person: i64) -> Value {
    v["roll"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["person_id"] == person)
        .unwrap()
        .clone()
}

#[tokio::test]
async fn three_requested_exclusions_leave_a_hundred_due_so_seventy_eight_present_fail_until_the_street_approves_them()
 {
    let app = TestApp::spawn().await;
    let (c, members) = congress_of(&app, 100).await;
    let (away, rest) = members.split_at(3);
    for p in &rest[..78] {
        let r = call(
            &app,
            Who::Community,
            Method::PUT,
            &roll(c, &format!("/{p}/checkin")),
            json!({}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let reasons = ["illness", "自费出国半年以上", "away_untransferred"];
    for (p, reason) in away.iter().zip(reasons) {
        let r = call(
            &app,
            Who::Community,
            Method::PUT,
            &roll(c, &format!("/{p}/exclusion")),
            json!({"reason": reason, "note": "经党员大会表决"}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json()["exclusion"]["status"], "pending");
        assert_eq!(r.json()["exclusion"]["status_label"], "待街道审批");
    }

    // Requested, not approved: 100 due, 81 needed, 78 present is short.
    let v = view(&app, c).await;
    assert_eq!(numbers(&v), (100, 78, 81, false, 0, 3));
    assert_eq!(stored_quorum(&app, c).await, (100, 81, false));
    assert_eq!(entry(&v, away[0])["due"], true);
    assert_eq!(entry(&v, away[0])["exclusion_status_label"], "待街道审批");
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/party/congress"),
            B::Empty,
        )
        .await;
    assert!(
        page.text.contains("data-n=\"pending\">3</strong>")
            && page.text.contains("data-n=\"excluded\">0</strong>")
            && page.text.contains("待街道审批"),
        "{}",
        page.text
    );
    assert!(
        !page.text.contains("批准不计入</button>"),
        "community staff see no approval button"
    );

    // A community user cannot approve (the API and the page), and nothing changes.
    let audit = app.audit_count().await;
    let r = call(
        &app,
        Who::Community,
        Method::POST,
        &roll(c, &format!("/{}/exclusion/approve", away[0])),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!(
                "/communities/sg01/campaigns/{c}/party/congress/roll/{}/exclusion/approve",
                away[0]
            ),
            B::Form(vec![]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(numbers(&view(&app, c).await), (100, 78, 81, false, 0, 3));
    assert_eq!(
        app.audit_count().await,
        audit,
        "a refused approval audits nothing"
    );

    // The street sees the button, and approves the three: 97 due, more than 4/5 of 97 (77.6)
    // is 78, and 78 are present.
    let page = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/party/congress"),
            B::Empty,
        )
        .await;
    assert!(page.text.contains("批准不计入</button>"), "{}", page.text);
    for p in away {
        let r = call(
            &app,
            Who::Street,
            Method::POST,
            &roll(c, &format!("/{p}/exclusion/approve")),
            json!({}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json()["exclusion"]["status"], "approved");
    }
    let v = view(&app, c).await;
    assert_eq!(numbers(&v), (97, 78, 78, true, 3, 0));
    assert_eq!(stored_quorum(&app, c).await, (97, 78, true));
    assert_eq!(
        v["quorum"]["check"]["message"],
        "到会有选举权的党员须超过应到会人数的五分之四：应到 97 名，实到 78 名，须至少 78 名，符合。"
    );
    let e = entry(&v, away[1]);
    assert_eq!(
        (
            e["due"].as_bool(),
            e["exclusion_status"].as_str(),
            e["exclusion_label"].as_str()
        ),
        (Some(false), Some("approved"), Some("自费出国半年以上"))
    );
    assert_eq!(e["exclusion_decided_by"], "t-street");
    assert!(e["exclusion_decided_at"].is_string(), "{e}");
    let approvals = app
        .count("select count(*) from audit_log where scope = 'community:sg01' and action = 'approve_exclusion' and entity = 'party_roll'")
        .await;
    assert_eq!(
        approvals, 3,
        "each approval is audited in the community's chain"
    );
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/party/congress"),
            B::Empty,
        )
        .await;
    assert!(
        page.text
            .contains("（<span class=\"good\">已批准</span>：t-street 20")
            && page.text.contains("data-n=\"excluded\">3</strong>"),
        "{}",
        page.text
    );
    // An approved member cannot check in, and the request cannot be decided twice.
    let r = call(
        &app,
        Who::Community,
        Method::PUT,
        &roll(c, &format!("/{}/checkin", away[0])),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = call(
        &app,
        Who::Street,
        Method::POST,
        &roll(c, &format!("/{}/exclusion/approve", away[0])),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
}

#[tokio::test]
async fn the_street_rejecting_an_exclusion_with_a_reason_restores_the_member_who_may_then_check_in()
{
    let app = TestApp::spawn().await;
    let (c, members) = congress_of(&app, 10).await;
    let p = members[0];
    let path = roll(c, &format!("/{p}/exclusion"));
    let r = call(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        json!({"reason": "bedridden"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // A rejection needs a reason; the community cannot reject.
    let r = call(
        &app,
        Who::Street,
        Method::POST,
        &format!("{path}/reject"),
        json!({"reason": " "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("不予批准须写明理由"), "{}", r.text);
    let r = call(
        &app,
        Who::Community,
        Method::POST,
        &format!("{path}/reject"),
        json!({"reason": "x"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        entry(&view(&app, c).await, p)["exclusion_status"],
        "pending"
    );

    let r = call(
        &app,
        Who::Street,
        Method::POST,
        &format!("{path}/reject"),
        json!({"reason": "未提供卧床证明"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["exclusion"]["status"], "rejected");
    let v = view(&app, c).await;
    assert_eq!(numbers(&v), (10, 0, 9, false, 0, 0));
    let e = entry(&v, p);
    assert_eq!(
        (
            e["due"].as_bool(),
            e["exclusion"].is_null(),
            e["exclusion_rejection"].as_str()
        ),
        (Some(true), true, Some("未提供卧床证明"))
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'reject_exclusion'")
            .await,
        1
    );
    // Nothing is pending now: neither approving nor rejecting again.
    let r = call(
        &app,
        Who::Street,
        Method::POST,
        &format!("{path}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = call(
        &app,
        Who::Community,
        Method::PUT,
        &roll(c, &format!("/{p}/checkin")),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(numbers(&view(&app, c).await).1, 1);
}

#[tokio::test]
async fn a_member_checked_in_while_the_request_waits_is_present_and_cannot_be_approved_out() {
    let app = TestApp::spawn().await;
    let (c, members) = congress_of(&app, 10).await;
    let p = members[0];
    let path = roll(c, &format!("/{p}/exclusion"));
    let r = call(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        json!({"reason": "serving_sentence"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call(
        &app,
        Who::Community,
        Method::PUT,
        &roll(c, &format!("/{p}/checkin")),
        json!({}),
    )
    .await;
    assert_eq!(
        r.status, 200,
        "a pending request leaves the member due: {}",
        r.text
    );
    assert_eq!(numbers(&view(&app, c).await), (10, 1, 9, false, 0, 1));
    let r = call(
        &app,
        Who::Street,
        Method::POST,
        &format!("{path}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("已签到到会"), "{}", r.text);
    assert_eq!(numbers(&view(&app, c).await), (10, 1, 9, false, 0, 1));
    // Withdrawn by the community: no request left.
    let r = call(&app, Who::Community, Method::DELETE, &path, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(numbers(&view(&app, c).await), (10, 1, 9, false, 0, 0));
}
