//! W-1 through the API and the pages: the ten-day rule at its boundary, the checklist and its
//! freeze, the printed list, a refused page form, and the dashboard's deadline.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{api, base, formed, meeting, message, tick_all};
use crate::helpers::{B, TestApp, Who};

#[tokio::test]
async fn a_handover_on_day_ten_is_accepted_and_on_day_eleven_is_flagged_with_its_numbers() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    app.on("2027-06-10");
    let url = format!("{}/handover/meeting", base(c));
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &url,
        meeting("2027-06-02"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let k = &r.json()["check"];
    assert_eq!(k["passed"], true);
    assert_eq!(
        k["message"],
        "新班子于 5月23日 产生，交接会于 6月2日 召开，第 10 日，不超过 10 日"
    );
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &url,
        meeting("2027-06-03"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let k = &r.json()["check"];
    assert_eq!(k["passed"], false);
    assert_eq!(
        k["message"],
        "新班子于 5月23日 产生，交接会于 6月3日 召开，第 11 日，超过 10 日"
    );
    assert!(k["numbers"].as_str().unwrap().contains("天数：11"), "{k}");
    // Before the formation: refused, naming the day.
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &url,
        meeting("2027-05-22"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("交接会日期：交接会日期不能早于新班子产生之日（5月23日）"),
        "{}",
        r.text
    );
    // The page shows the rule with its numbers.
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/wrapup/handover"),
            B::Empty,
        )
        .await;
    assert!(page.text.contains("第 11 日，超过 10 日"), "{}", page.text);
    // Closing names the late meeting; the street accepts it with a reason, and it stands.
    let close = format!("{}/handover/close", base(c));
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(message(&r).contains("第 11 日，超过 10 日"), "{}", r.text);
    let over = format!("{}/handover/override", base(c));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &over,
        json!({"reason": "原书记住院"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &over,
        json!({"reason": "原书记住院，延后一日"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["check"]["satisfied"], true);
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert!(!message(&r).contains("10 日内"), "{}", r.text);
}

#[tokio::test]
async fn the_checklist_refuses_to_close_until_both_sides_tick_every_item_then_freezes() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    app.on("2027-05-30");
    let h = format!("{}/handover", base(c));
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{h}/meeting"),
        meeting("2027-05-30"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let close = format!("{h}/close");
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(message(&r).contains("交接清单尚无任何项目"), "{}", r.text);
    // Items without a seal: refused for the seal.
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{h}/items"),
        json!({"category": "档案", "name": "文书档案", "quantity": "12 卷"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert!(message(&r).contains("至少应有一枚公章"), "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{h}/items/defaults"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["added"], 14, "文书档案 was listed already");
    let n = r.json()["items"].as_array().unwrap().len();
    assert_eq!(n, 15);
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert!(
        message(&r).contains("交出方尚未确认 15 / 15 项"),
        "{}",
        r.text
    );
    tick_all(&app, c, true, false).await;
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let m = message(&r);
    assert!(!m.contains("交出方尚未确认"), "{m}");
    assert!(
        m.contains("接收方尚未确认 15 / 15 项：社区党组织印章"),
        "{m}"
    );
    // A removal is audited with what the item was.
    let items = api(&app, Who::Community, Method::GET, &h, json!(null))
        .await
        .json();
    let id = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "债务清单")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = api(
        &app,
        Who::Community,
        Method::DELETE,
        &format!("{h}/items/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let audited = app
        .count(&format!("select count(*) from audit_log where entity = 'wrapup_handover_item' and action = 'delete' and entity_id = '{id}'"))
        .await;
    assert_eq!(audited, 1);
    tick_all(&app, c, true, true).await;
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Frozen: every change answers 409 naming the step and what it froze.
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{h}/items"),
        json!({"category": "公章", "name": "备用印章"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).starts_with("W-1 新老班子交接已结束，不能再修改交接清单"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Street,
        Method::PUT,
        &format!("{h}/meeting"),
        meeting("2027-05-29"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/wrapup/handover"),
            B::Empty,
        )
        .await;
    assert!(
        page.text.contains("新老班子交接（W-1）已完成"),
        "{}",
        page.text
    );
    assert!(
        !page.text.contains("action=\"/communities/sg01/campaigns/"),
        "no forms once closed"
    );
}

#[tokio::test]
async fn the_printed_list_holds_the_items_both_tick_columns_and_three_signature_lines() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    app.on("2027-05-30");
    let h = format!("{}/handover", base(c));
    api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{h}/meeting"),
        meeting("2027-05-28"),
    )
    .await;
    api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{h}/items/defaults"),
        json!({}),
    )
    .await;
    let r = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/wrapup/handover/print"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for s in [
        "新老班子交接清单",
        "一号社区",
        "2027 年 5 月 28 日",
        "社区党组织印章",
        "居民委员会印章",
        "银行账户及存款余额",
        "交出方确认",
        "接收方确认",
        "交出方（签名）",
        "接收方（签名）",
        "监交人（签名）",
        "街道组织委员 刘某",
    ] {
        assert!(r.text.contains(s), "{s} missing from the printed list");
    }
    assert!(r.text.contains("/static/print.css"));
}

#[tokio::test]
async fn a_page_form_refused_comes_back_with_what_was_typed_and_a_message_per_field() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    app.on("2027-05-30");
    let page = format!("/communities/sg01/campaigns/{c}/wrapup/handover");
    let csrf = app.client(Who::Community).unwrap().csrf.clone();
    let form = vec![
        ("_csrf".to_string(), csrf),
        ("held_on".to_string(), "2027-05-27".to_string()),
        ("handed_by".to_string(), String::new()),
        ("received_by".to_string(), "张书记".to_string()),
        ("witnessed_by".to_string(), "街道干部 孙某".to_string()),
    ];
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("{page}/meeting"),
            B::Form(form),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let shown = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert!(shown.text.contains("交出方：不能为空"), "{}", shown.text);
    assert!(
        shown.text.contains("街道干部 孙某"),
        "the typed 监交人 comes back"
    );
    assert_eq!(app.count("select count(*) from wrapup_handovers").await, 0);
}

#[tokio::test]
async fn the_dashboard_flags_w1_overdue_the_day_after_its_ten_day_deadline() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-08", "2027-05-10").await;
    let defaults = format!("{}/handover/items/defaults", base(c));
    api(&app, Who::Community, Method::POST, &defaults, json!({})).await;
    let w1 = |b: &Value| -> Value {
        b["board"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["community"]["code"] == "sg01")
            .unwrap()["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "W-1")
            .unwrap()
            .clone()
    };
    app.on("2027-05-20");
    let b = api(
        &app,
        Who::Street,
        Method::GET,
        "/api/v1/dashboard",
        json!(null),
    )
    .await
    .json();
    assert_eq!(w1(&b)["overdue"], false, "day 10 is still in time");
    assert_eq!(w1(&b)["due"], "2027-05-20");
    app.on("2027-05-21");
    let b = api(
        &app,
        Who::Street,
        Method::GET,
        "/api/v1/dashboard",
        json!(null),
    )
    .await
    .json();
    let cell = w1(&b);
    assert_eq!(cell["overdue"], true, "{cell}");
    let why = cell["why"].to_string();
    assert!(
        why.contains("目前：交接清单 15 项，双方均已确认 0 项"),
        "{why}"
    );
    assert!(
        why.contains(
            "新班子于 5月10日 产生，交接会须在 10 日内召开，应于 2027-05-20 前完成，已逾期"
        ),
        "{why}"
    );
    assert!(cell["href"].as_str().unwrap().ends_with("/wrapup/handover"));
}
