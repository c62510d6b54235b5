//! P-4's inspections and 公示 through the API: a 2-day 公示 refused and 3 days accepted, closing
//! P-4 only with everyone inspected and every objection answered, a short list approved by the
//! street, and another community's lists and documents hidden.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::list_fixtures::{after_p3, api, ok, party};
use crate::helpers::{B, PASSWORD, Resp, TestApp, Who};

fn message(r: &Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_two_day_p4_publicity_is_refused_with_the_reason_and_three_days_are_accepted() {
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
    let publicity = format!("{base}/preliminary/publicity");
    let three = json!({"start_date": "2027-04-20", "end_date": "2027-04-22"});
    let r = api(&app, Who::Street, Method::POST, &publicity, three.clone()).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "nobody inspected yet: {}",
        r.text
    );
    let body = json!({"person_id": people[0], "inspection": "政治素质好，群众公认度高。"});
    ok(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/preliminary/inspections"),
        body,
    )
    .await;
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &publicity,
        json!({"start_date": "2027-04-20", "end_date": "2027-04-21"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "公示结束日期");
    assert!(
        message(&r).contains("2027-04-20 至 2027-04-21 共 2 天，不足"),
        "{}",
        r.text
    );
    assert_eq!(
        app.count("select count(*) from party_publicities where step = 'P-4'")
            .await,
        0
    );
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
    ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/preliminary"),
        json!({"date": "2027-04-18", "people": people}),
    )
    .await;
    let done = format!("{base}/steps/P-4/done");
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).contains("10 名人选中还有 10 名尚未登记考察情况"),
        "{}",
        r.text
    );
    assert!(message(&r).contains("尚未公示考察对象"), "{}", r.text);
    let inspect = format!("{base}/preliminary/inspections");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &inspect,
        json!({"person_id": people[0], "inspection": "好"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the street inspects");
    for (body, field) in [
        (
            json!({"person_id": people[0], "inspection": " "}),
            "考察情况",
        ),
        (
            json!({"person_id": people[0], "inspection": "考".repeat(2001)}),
            "考察情况",
        ),
        (
            json!({"person_id": 999_999, "inspection": "好"}),
            "被考察人",
        ),
    ] {
        let r = api(&app, Who::Street, Method::POST, &inspect, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json()["error"]["fields"][0]["field"], field);
    }
    for p in &people[..9] {
        ok(
            &app,
            Who::Street,
            Method::POST,
            &inspect,
            json!({"person_id": p, "inspection": "考".repeat(2000)}),
        )
        .await;
    }
    let v = ok(&app, Who::Street, Method::GET, &base, json!(null)).await;
    assert!(
        v["pipeline"]["blockers"]
            .to_string()
            .contains("10 名人选中还有 1 名尚未登记考察情况"),
        "{v}"
    );
    ok(
        &app,
        Who::Street,
        Method::POST,
        &inspect,
        json!({"person_id": people[9], "inspection": "同意列为考察对象。"}),
    )
    .await;
    let p = ok(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/preliminary/publicity"),
        json!({"start_date": "2027-04-20", "end_date": "2027-04-22"}),
    )
    .await;
    let pid = p["publicity"]["id"].as_i64().unwrap();
    let o = ok(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/publicity/{pid}/objections"),
        json!({"text": "反映王一不在社区居住"}),
    )
    .await;
    let oid = o["objection"]["id"].as_i64().unwrap();
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(message(&r).contains("1 条异议尚未答复"), "{}", r.text);
    ok(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/objections/{oid}/answer"),
        json!({"text": "经核实不属实"}),
    )
    .await;
    // The 公示's last day: still running, refused with its dates; the day after: closed.
    app.on("2027-04-22");
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).contains("考察对象公示至 2027-04-22 结束，今天是 2027-04-22"),
        "{}",
        r.text
    );
    app.on("2027-04-23");
    ok(&app, Who::Street, Method::POST, &done, json!({})).await;
    let v = ok(
        &app,
        Who::Community,
        Method::GET,
        &format!("{base}/preliminary"),
        json!(null),
    )
    .await;
    assert_eq!(v["done"], true);
    assert_eq!(v["people"][9]["inspection"], "同意列为考察对象。");
    // Once P-4 is done the list is fixed.
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/preliminary"),
        json!({"date": "2027-04-18", "people": people[..7]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
}

#[tokio::test]
async fn a_short_preliminary_list_closes_p4_once_the_street_approves_it_with_a_reason() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p3(&app, 5, 1, 6).await;
    let base = party(c);
    let v = ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/preliminary"),
        json!({"date": "2027-04-18", "people": people}),
    )
    .await;
    let chk = v["checks"][0]["id"].as_i64().unwrap();
    for p in &people {
        ok(
            &app,
            Who::Street,
            Method::POST,
            &format!("{base}/preliminary/inspections"),
            json!({"person_id": p, "inspection": "好"}),
        )
        .await;
    }
    ok(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/preliminary/publicity"),
        json!({"start_date": "2027-04-20", "end_date": "2027-04-24"}),
    )
    .await;
    app.on("2027-04-25");
    let done = format!("{base}/steps/P-4/done");
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert!(message(&r).contains("实有 6 名，不足"), "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/checks/{chk}/override"),
        json!({"reason": ""}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    ok(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/checks/{chk}/override"),
        json!({"reason": "党员人数少，经街道研究同意"}),
    )
    .await;
    ok(&app, Who::Street, Method::POST, &done, json!({})).await;
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/party/preliminary"),
            B::Empty,
        )
        .await;
    assert!(
        page.text
            .contains("已由街道工作组批准放宽：党员人数少，经街道研究同意"),
        "{}",
        page.text
    );
}

#[tokio::test]
async fn sg02s_staff_do_not_see_sg01s_lists_and_documents() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p3(&app, 5, 1, 7).await;
    let list = json!({"date": "2027-04-18", "people": people});
    ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{}/preliminary", party(c)),
        list.clone(),
    )
    .await;
    app.create_user("t-sg02", "community", "sg02").await;
    let sg02 = app.login("t-sg02", PASSWORD).await;
    let get = |path: String| {
        let client = sg02.clone();
        let app = &app;
        async move {
            app.send(Some(&client), Method::GET, &path, B::Empty, &[])
                .await
        }
    };
    for path in ["preliminary", "candidates"] {
        let r = get(format!("{}/{path}", party(c))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
        assert_eq!(r.json()["error"]["code"], "not_found");
    }
    // Nor may they change them: the list stays as sg01 fixed it.
    let headers = [("x-csrf-token", sg02.csrf.as_str())];
    let path = format!("{}/preliminary", party(c));
    let r = app
        .send(
            Some(&sg02),
            Method::PUT,
            &path,
            B::Json(json!({"date": "2027-04-19", "people": people[..1]})),
            &headers,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(
        app.count("select count(*) from party_list_entries").await,
        7
    );
    for (doc, text) in [
        ("preliminary", "王一"),
        ("candidates", "候选人预备人选名单"),
        ("candidates-request", "请示"),
        ("p4-notice", "考察对象公示"),
        ("review-form", "王一"),
    ] {
        for code in ["sg01", "sg02"] {
            let r = get(format!(
                "/communities/{code}/campaigns/{c}/party/documents/{doc}"
            ))
            .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{code} {doc}");
        }
        // sg01's campaign under sg02's code is not found even for the street.
        let path = format!("/communities/sg02/campaigns/{c}/party/documents/{doc}");
        let r = app.call(Who::Street, Method::GET, &path, B::Empty).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{doc}");
        // sg01's own staff see it.
        let path = format!("/communities/sg01/campaigns/{c}/party/documents/{doc}");
        let r = app.call(Who::Community, Method::GET, &path, B::Empty).await;
        assert_eq!(r.status, StatusCode::OK, "{doc}");
        assert!(r.text.contains(text), "{doc}: {}", r.text);
    }
}
