//! The street's dashboard (S-4, `src/dashboard/`): the matrix of every community × step with
//! the procedure table's states, overdue against the plan, a blocked cell explaining itself,
//! the filters, the Excel export read back, the community's own row, and the street's own steps
//! closing street-wide (`src/street_steps.rs`) so that they raise no false overdue flags.

use std::io::Cursor;

use axum::http::{Method, StatusCode};
use calamine::{Reader, Xlsx};
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::fixtures::create_campaign;
use crate::helpers::{B, TestApp, Who};

async fn close(app: &TestApp, c: i64, codes: &[&str]) {
    for code in codes {
        Q::new("update campaign_steps set done_at = '2027-04-03T02:00:00Z' where campaign_id = $1 and code = $2")
            .bind(c)
            .bind(code.to_string())
            .execute(&app.state.db)
            .await
            .unwrap();
    }
}

async fn board(app: &TestApp, query: &str) -> Value {
    let r = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/dashboard{query}"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

fn cell<'a>(board: &'a Value, community: &str, code: &str) -> &'a Value {
    board["board"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["community"]["code"] == community)
        .and_then(|r| {
            r["cells"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["code"] == code)
        })
        .unwrap_or_else(|| panic!("{community} {code}"))
}

#[tokio::test]
async fn the_matrix_shows_each_communitys_steps_and_a_blocked_cell_explains_itself_with_its_numbers()
 {
    let app = TestApp::spawn().await;
    let a = create_campaign(&app, "sg01").await;
    create_campaign(&app, "sg02").await;
    close(&app, a, &["P-1"]).await;
    // P-2's window is 4/6–4/10: on 4/6 sg02's P-2 should have begun, but its P-1 is open.
    app.on("2027-04-06");
    let b = board(&app, "").await;
    assert_eq!(b["columns"].as_array().unwrap().len(), 19);
    let p1 = cell(&b, "sg01", "P-1");
    assert_eq!(p1["state"], "done");
    assert_eq!(p1["closed_on"], "2027-04-03");
    assert_eq!(p1["overdue"], false);
    assert_eq!(cell(&b, "sg01", "P-2")["state"], "open");
    let blocked = cell(&b, "sg02", "P-2");
    assert_eq!(blocked["state"], "blocked");
    assert_eq!(blocked["label"], "受阻");
    let why: Vec<&str> = blocked["why"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(why[0], "等待 P-1 公开推荐（进行中）", "{why:?}");
    assert!(
        why.iter()
            .any(|w| w.contains("完成条件：至少有一项有效的推荐")),
        "{why:?}"
    );
    // sg02's P-1 ended on 4/5: overdue from 4/6, and its explanation says so.
    let late = cell(&b, "sg02", "P-1");
    assert_eq!(late["overdue"], true);
    assert!(
        late["why"]
            .to_string()
            .contains("计划于 2027-04-05 前完成，已逾期"),
        "{late}"
    );
    assert_eq!(b["board"]["totals"]["overdue"], 1);
    assert_eq!(b["board"]["totals"]["communities"], 2);
    // The day before, nothing of sg02 was overdue and P-2 had not started.
    app.on("2027-04-05");
    let b = board(&app, "").await;
    assert_eq!(cell(&b, "sg02", "P-1")["overdue"], false);
    assert_eq!(cell(&b, "sg02", "P-2")["state"], "not_started");
}

#[tokio::test]
async fn the_filters_choose_the_columns_and_the_overdue_communities() {
    let app = TestApp::spawn().await;
    let a = create_campaign(&app, "sg01").await;
    create_campaign(&app, "sg02").await;
    close(&app, a, &["P-1"]).await;
    app.on("2027-04-06");
    let b = board(&app, "?pipeline=residents").await;
    let cols: Vec<&str> = b["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        cols,
        ["R-1", "R-2", "R-3", "R-4", "R-5", "R-6", "R-7", "R-8"]
    );
    let b = board(&app, "?phase=S-3").await;
    assert_eq!(b["columns"], json!(["W-1", "W-2", "W-3", "W-4"]));
    let b = board(&app, "?overdue=1").await;
    let rows: Vec<&Value> = b["board"]["rows"].as_array().unwrap().iter().collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["community"]["code"], "sg02");
    // The page shows the same: the overdue cell in red, the filter kept.
    let page = app
        .call(Who::Street, Method::GET, "/?overdue=1", B::Empty)
        .await;
    assert!(page.text.contains("二号社区"), "{}", page.text);
    assert!(!page.text.contains("data-community=\"sg01\""));
    assert!(
        page.text
            .contains("cell c-open overdue\" data-step=\"P-1\"")
    );
    assert!(page.text.contains("href=\"/dashboard.xlsx?overdue=1\""));
}

#[tokio::test]
async fn the_export_opens_in_a_spreadsheet_reader_with_the_cells_as_on_screen() {
    let app = TestApp::spawn().await;
    let a = create_campaign(&app, "sg01").await;
    create_campaign(&app, "sg02").await;
    close(&app, a, &["P-1"]).await;
    app.on("2027-04-06");
    let r = app
        .call(Who::Street, Method::GET, "/dashboard.xlsx", B::Empty)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut book = Xlsx::new(Cursor::new(r.bytes.clone())).expect("an xlsx workbook");
    let sheet = book.worksheet_range("换届进度").expect("the sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let head = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "社区"))
        .unwrap();
    assert_eq!(head[1], "联系领导");
    assert_eq!(head[2], "P-1\n公开推荐");
    assert_eq!(head.len(), 2 + 19);
    let one = rows.iter().find(|r| r[0] == "一号社区").unwrap();
    assert_eq!(one[2], "4/3");
    assert_eq!(one[3], "进行中");
    let two = rows.iter().find(|r| r[0] == "二号社区").unwrap();
    assert_eq!(two[2], "进行中 逾期");
    assert_eq!(two[3], "受阻");
    // Community staff have no export.
    let r = app
        .call(Who::Community, Method::GET, "/dashboard.xlsx", B::Empty)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_communitys_page_shows_its_own_row_with_the_next_thing_to_do() {
    let app = TestApp::spawn().await;
    let a = create_campaign(&app, "sg01").await;
    close(&app, a, &["P-1"]).await;
    app.on("2027-04-06");
    let page = app
        .call(Who::Community, Method::GET, "/communities/sg01", B::Empty)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let t = &page.text;
    assert!(t.contains("data-pipeline=\"党组织换届\""), "{t}");
    assert!(t.contains("P-2 资格审查"), "{t}");
    assert!(t.contains("完成条件：每名被推荐人均有审查结论"), "{t}");
    assert!(t.contains("data-pipeline=\"居委会换届\""), "{t}");
    assert!(t.contains("R-1 推选居民代表") || t.contains("R-1 "), "{t}");
}

#[tokio::test]
async fn the_street_steps_close_street_wide_once_their_conditions_hold_and_stop_being_overdue() {
    let app = TestApp::spawn().await;
    let a = create_campaign(&app, "sg01").await;
    app.on("2027-03-26");
    // S-1.2's window ended on 3/25: overdue until the street confirms the plan.
    let steps = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/api/v1/campaigns/{a}"),
            B::Empty,
        )
        .await
        .json();
    let s12 = steps["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "S-1.2")
        .cloned()
        .unwrap();
    assert!(s12["done_at"].is_null(), "{s12}");
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/api/v1/street/steps/S-1.2/close",
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/street/steps/S-1.2/close",
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["step"]["facts"][0]["passed"], true);
    // A campaign created afterwards inherits the closed step.
    let b = create_campaign(&app, "sg02").await;
    for c in [a, b] {
        let done = app
            .count(&format!(
                "select count(*) from campaign_steps where campaign_id = {c} and code = 'S-1.2' and done_at is not null"
            ))
            .await;
        assert_eq!(done, 1, "campaign {c}");
    }
    // Closing twice is refused; reopening needs a reason and reopens it everywhere.
    let again = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/street/steps/S-1.2/close",
            B::Empty,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.text.contains("S-1.2 制定工作方案已经完成"),
        "{}",
        again.text
    );
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/campaigns/{b}/steps/S-1.2/reopen"),
            B::Json(json!({"reason": "调整选举日"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let open = app
        .count("select count(*) from campaign_steps where code = 'S-1.2' and done_at is null")
        .await;
    assert_eq!(open, 2);
    assert_eq!(
        app.count("select count(*) from audit_log where entity = 'street_step'")
            .await,
        2
    );
}

#[tokio::test]
async fn a_phase_row_is_done_when_its_steps_are_and_is_never_overdue_by_itself() {
    let app = TestApp::spawn().await;
    let a = create_campaign(&app, "sg01").await;
    app.on("2027-06-10");
    let steps = huanjie::campaigns::steps(&app.state.db, a).await.unwrap();
    let s1 = steps.iter().find(|s| s.code == "S-1").unwrap();
    assert!(s1.done_at.is_none());
    assert!(!s1.overdue(&app.state.today()));
    assert!(
        steps
            .iter()
            .find(|s| s.code == "S-1.1")
            .unwrap()
            .overdue(&app.state.today())
    );
    close(&app, a, &["S-1.1", "S-1.2", "S-1.3", "S-1.4"]).await;
    let steps = huanjie::campaigns::steps(&app.state.db, a).await.unwrap();
    assert!(
        steps
            .iter()
            .find(|s| s.code == "S-1")
            .unwrap()
            .done_at
            .is_some()
    );
}

#[tokio::test]
async fn an_open_discipline_report_shows_on_the_streets_home_and_nowhere_a_community_looks() {
    let app = TestApp::spawn().await;
    create_campaign(&app, "sg01").await;
    create_campaign(&app, "sg02").await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/discipline/reports",
            B::Json(
                json!({"received_on": "2027-04-02", "channel": "letter", "community": "sg02",
                "category": "bribery", "summary": "反映有人以发放购物卡方式拉票"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let home = app.call(Who::Street, Method::GET, "/", B::Empty).await.text;
    assert!(
        home.contains("data-count=\"reports\" class=\"bad\">1</strong>"),
        "{home}"
    );
    assert!(home.contains("2027-04-02 · 反映 二号社区"), "{home}");
    let flagged = home.split("data-community=\"sg02\"").nth(1).unwrap();
    assert!(
        flagged
            .split("</td>")
            .next()
            .unwrap()
            .contains(">举报</span>")
    );
    let clean = home.split("data-community=\"sg01\"").nth(1).unwrap();
    assert!(!clean.split("</td>").next().unwrap().contains("举报"));
    // Community staff see their own row and nothing of the register.
    let page = app
        .call(Who::Community, Method::GET, "/communities/sg01", B::Empty)
        .await
        .text;
    assert!(!page.contains("举报"), "{page}");
    let home = app
        .call(Who::Community, Method::GET, "/", B::Empty)
        .await
        .text;
    assert!(!home.contains("举报"), "{home}");
}

#[tokio::test]
async fn the_demo_street_is_lived_in_with_no_false_overdue_flag_and_a_blocked_cell_that_explains_itself()
 {
    let app = TestApp::spawn().await;
    huanjie::demo::load(&app.state).await.unwrap();
    // The first day of the elections: the street's own work is done, nothing is late.
    app.on("2027-04-01");
    let b = board(&app, "").await;
    for s in b["street_steps"].as_array().unwrap() {
        assert!(!s["closed_at"].is_null(), "{s}");
    }
    let demo: Vec<&Value> = b["board"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["community"]["code"].as_str().unwrap().starts_with("sg0"))
        .collect();
    assert_eq!(demo.len(), 3, "the demo's three communities");
    for r in &demo {
        assert!(
            !r["liaison"].as_str().unwrap().is_empty(),
            "{}",
            r["community"]
        );
        let late: Vec<&Value> = r["cells"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["overdue"] == true)
            .collect();
        assert!(late.is_empty(), "{}: {late:?}", r["community"]["code"]);
    }
    // 4/6: P-2 should have begun; where P-1 is still open the cell says why.
    app.on("2027-04-06");
    let b = board(&app, "").await;
    let blocked = demo_blocked(&b);
    assert!(!blocked.is_empty(), "a blocked cell in the demo street");
    let (code, why) = &blocked[0];
    assert_eq!(code, "P-2");
    assert!(why.starts_with("等待 P-1 公开推荐"), "{why}");
    let home = app.call(Who::Street, Method::GET, "/", B::Empty).await.text;
    assert!(home.contains("class=\"cell c-blocked"), "{home}");
    assert!(
        home.contains("title=\"等待 P-1 公开推荐（进行中）"),
        "{home}"
    );
    // Its export opens in a spreadsheet reader.
    let r = app
        .call(Who::Street, Method::GET, "/dashboard.xlsx", B::Empty)
        .await;
    let mut book = Xlsx::new(Cursor::new(r.bytes.clone())).expect("an xlsx workbook");
    let sheet = book.worksheet_range("换届进度").expect("the sheet");
    let names: Vec<String> = sheet.rows().map(|r| r[0].to_string()).collect();
    for r in b["board"]["rows"].as_array().unwrap() {
        let name = r["community"]["name"].as_str().unwrap();
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
}

/// The demo communities' blocked cells: (step, first line of why).
fn demo_blocked(b: &Value) -> Vec<(String, String)> {
    b["board"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap().iter())
        .filter(|c| c["state"] == "blocked")
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["why"][0].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}
