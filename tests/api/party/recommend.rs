//! P-3 全额定向民主推荐: the gate after P-2, the participant checks at their boundaries (79/80,
//! 29.9%/30%), the 1500-character introduction, a form over the seats recorded as invalid and
//! not counted, and the summary's numbers from forms and from totals.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{arrange_party, create_campaign};
use crate::helpers::{B, Resp, TestApp, Who};

async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

fn p3(campaign: i64) -> String {
    format!("/api/v1/campaigns/{campaign}/party/recommendation")
}

/// A campaign of sg01 whose P-2 is done, with `n` passed nominees (7 委员, 1 副书记); returns
/// the campaign, the nominees' person ids and one passed nomination id.
async fn after_p2(app: &TestApp, n: u32) -> (i64, Vec<i64>, i64) {
    let c = create_campaign(app, "sg01").await;
    let mut nid = 0;
    for i in 0..n {
        nid = arrange_party(app, "sg01", c, 700 + 2 * i).await.nid;
    }
    crate::fixtures::p2_closable(app, c).await;
    let path = format!("/api/v1/campaigns/{c}/party/steps/P-2/done");
    let r = api(app, Who::Street, Method::POST, &path, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = api(app, Who::Community, Method::GET, &p3(c), json!(null)).await;
    let people = r.json()["nominees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["person_id"].as_i64().unwrap())
        .collect();
    (c, people, nid)
}

async fn meeting(app: &TestApp, c: i64, share: u32, others: u32) -> Resp {
    let body = json!({"date": "2027-04-15", "resident_representative": share, "party_representative": others});
    let path = format!("{}/meeting", p3(c));
    api(app, Who::Community, Method::PUT, &path, body).await
}

/// The stored check of `rule` in a meeting answer: (passed, numbers).
fn check(r: &Resp, rule: &str) -> (bool, Value) {
    let v = r.json();
    let c = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["record"]["check"]["rule"] == rule)
        .cloned()
        .unwrap_or_else(|| panic!("{rule} in {v}"));
    (
        c["record"]["check"]["passed"].as_bool().unwrap(),
        c["record"]["check"]["numbers"].clone(),
    )
}

#[tokio::test]
async fn p3_opens_only_after_p2_is_done_or_with_the_streets_reason() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    arrange_party(&app, "sg01", c, 801).await;
    let r = meeting(&app, c, 30, 50).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let done = format!("/api/v1/campaigns/{c}/party/steps/P-2/done");
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let open = format!("{}/open", p3(c));
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &open,
        json!({"reason": " "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &open,
        json!({"reason": "时间紧"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(meeting(&app, c, 30, 50).await.status, StatusCode::OK);
    crate::fixtures::p2_closable(&app, c).await;
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = api(&app, Who::Community, Method::GET, &p3(c), json!(null)).await;
    assert_eq!(r.json()["p2_done"], true);
}

#[tokio::test]
async fn p2_closes_only_after_its_publicity_has_run_and_every_objection_is_answered() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let arranged = arrange_party(&app, "sg01", c, 821).await;
    let done = format!("/api/v1/campaigns/{c}/party/steps/P-2/done");
    // Its 公示 runs 4/8–4/12; 4/12 is the last day, and one objection is open.
    app.on("2027-04-12");
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text
            .contains("审查结果公示至 2027-04-12 结束，今天是 2027-04-12"),
        "{}",
        r.text
    );
    assert!(r.text.contains("1 条异议尚未答复"), "{}", r.text);
    // The day after, the objection still open: refused for the objection alone.
    app.on("2027-04-13");
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        !r.text.contains("公示至") && r.text.contains("1 条异议尚未答复"),
        "{}",
        r.text
    );
    let steps = format!("/api/v1/campaigns/{c}/steps");
    let v = api(&app, Who::Street, Method::GET, &steps, json!(null))
        .await
        .json();
    let p2 = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "P-2")
        .unwrap()
        .clone();
    assert_eq!(p2["state"], "open", "nothing changed: {p2}");
    let answer = format!(
        "/api/v1/campaigns/{c}/party/objections/{}/answer",
        arranged.oid
    );
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &answer,
        json!({"text": "经核实不属实"}),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.text);
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Closed: its decisions are frozen, named by the step.
    let review = format!(
        "/api/v1/campaigns/{c}/party/nominations/{}/review",
        arranged.nid
    );
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &review,
        json!({"decision": "failed", "reason": "补充材料"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text.contains("P-2 资格审查已结束，不能再修改审查结论"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn p2_cannot_close_with_an_undecided_nomination() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    arrange_party(&app, "sg01", c, 811).await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(json!({"name": "党员乙", "id_number": crate::helpers::id_number("19910101", 813), "party_status": "full"})),
        )
        .await;
    let person = r.json()["person"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/campaigns/{c}/party/nominations");
    let body = json!({"person_id": person, "post": "委员", "channel": "self"});
    assert_eq!(
        api(&app, Who::Community, Method::POST, &path, body)
            .await
            .status,
        201
    );
    let done = format!("/api/v1/campaigns/{c}/party/steps/P-2/done");
    let r = api(&app, Who::Street, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("1 项推荐尚未作出审查结论"), "{}", r.text);
}

#[tokio::test]
async fn seventy_nine_participants_fail_the_check_and_eighty_pass() {
    let app = TestApp::spawn().await;
    let (c, _, _) = after_p2(&app, 1).await;
    let r = meeting(&app, c, 30, 49).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["participants"], 79);
    let (passed, numbers) = check(&r, "P-3.participants");
    assert!(!passed);
    assert_eq!(numbers["total"], 79);
    assert_eq!(numbers["min"], 80);
    // The street may accept it with a reason.
    let chk = r.json()["checks"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/checks/{chk}/override");
    let o = api(
        &app,
        Who::Street,
        Method::POST,
        &path,
        json!({"reason": "经街道研究同意"}),
    )
    .await;
    assert_eq!(o.status, StatusCode::OK, "{}", o.text);
    let r = meeting(&app, c, 30, 50).await;
    assert_eq!(r.json()["participants"], 80);
    assert!(check(&r, "P-3.participants").0);
}

#[tokio::test]
async fn a_share_of_299_in_1000_fails_and_300_passes() {
    let app = TestApp::spawn().await;
    let (c, _, _) = after_p2(&app, 1).await;
    let r = meeting(&app, c, 299, 701).await;
    let (passed, numbers) = check(&r, "P-3.share");
    assert!(!passed);
    assert_eq!(numbers["percent"], "29.9%");
    assert_eq!(numbers["share"], 299);
    assert!(check(&r, "P-3.participants").0);
    let r = meeting(&app, c, 300, 700).await;
    let (passed, numbers) = check(&r, "P-3.share");
    assert!(passed);
    assert_eq!(numbers["percent"], "30.0%");
    // The page shows both checks with their numbers.
    let page = format!("/communities/sg01/campaigns/{c}/party/recommendation");
    let r = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert!(r.text.contains("占 1000 名的 30.0%"), "{}", r.text);
}

#[tokio::test]
async fn an_introduction_of_1501_characters_is_refused_and_1500_accepted() {
    let app = TestApp::spawn().await;
    let (c, _, nid) = after_p2(&app, 1).await;
    let path = format!("{}/introductions/{nid}", p3(c));
    let long = "介".repeat(1501);
    let body = json!({"text": long, "speech_given": true});
    let r = api(&app, Who::Community, Method::PUT, &path, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text.contains("不超过 1500 字，实有 1501 字"),
        "{}",
        r.text
    );
    assert_eq!(
        app.count("select count(*) from party_introductions").await,
        0
    );
    let body = json!({"text": "介".repeat(1500), "speech_given": true});
    let r = api(&app, Who::Community, Method::PUT, &path, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["chars"], 1500);
    let r = api(&app, Who::Community, Method::GET, &p3(c), json!(null)).await;
    assert_eq!(
        r.json()["nominees"][0]["introduction"]["speech_given"],
        true
    );
}

#[tokio::test]
async fn a_form_over_the_seats_is_invalid_and_counts_for_nobody() {
    let app = TestApp::spawn().await;
    let (c, p, _) = after_p2(&app, 2).await;
    assert_eq!(meeting(&app, c, 24, 56).await.status, StatusCode::OK);
    let path = format!("{}/forms", p3(c));
    let forms = [
        json!({"secretary": [p[0]], "member": [p[0], p[1]]}),
        json!({"secretary": [p[0]], "deputy_secretary": [p[1]]}),
        json!({"secretary": [p[1]], "member": [p[1]]}),
        // Two names for one 书记 seat: invalid.
        json!({"secretary": [p[0], p[1]], "member": [p[0]]}),
    ];
    let mut valid = Vec::new();
    for f in forms {
        let r = api(&app, Who::Community, Method::POST, &path, f).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        valid.push(r.json()["valid"].as_bool().unwrap());
    }
    assert_eq!(valid, [true, true, true, false]);
    let bad = json!({"secretary": [999_999]});
    let r = api(&app, Who::Community, Method::POST, &path, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/summary", p3(c)),
        json!(null),
    )
    .await;
    let s = &r.json()["summary"];
    assert_eq!(s["participants"], 80);
    assert_eq!(
        (s["valid_forms"].clone(), s["invalid_forms"].clone()),
        (json!(3), json!(1))
    );
    let rows = |post: usize| -> Vec<(i64, i64, String)> {
        s["posts"][post]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["person_id"].as_i64().unwrap(),
                    r["votes"].as_i64().unwrap(),
                    r["share"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(s["posts"][0]["seats"], 1);
    assert_eq!(
        rows(0),
        [(p[0], 2, "2.5%".into()), (p[1], 1, "1.2%".into())]
    );
    assert_eq!(
        rows(1),
        [(p[1], 1, "1.2%".into()), (p[0], 0, "0.0%".into())]
    );
    assert_eq!(
        rows(2),
        [(p[1], 2, "2.5%".into()), (p[0], 1, "1.2%".into())]
    );
    // Totals cannot be mixed with forms.
    let t = json!({"totals": [{"person_id": p[0], "post": "secretary", "votes": 5}]});
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{}/totals", p3(c)),
        t,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let page = format!("/communities/sg01/campaigns/{c}/party/recommendation/summary");
    let r = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert!(r.text.contains("无效推荐票 1 张"), "{}", r.text);
}

#[tokio::test]
async fn totals_give_the_summary_and_may_not_exceed_the_participants() {
    let app = TestApp::spawn().await;
    let (c, p, _) = after_p2(&app, 2).await;
    assert_eq!(meeting(&app, c, 24, 56).await.status, StatusCode::OK);
    let path = format!("{}/totals", p3(c));
    let over = json!({"totals": [{"person_id": p[0], "post": "书记", "votes": 81}]});
    let r = api(&app, Who::Community, Method::PUT, &path, over).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let t = json!({"totals": [
        {"person_id": p[0], "post": "书记", "votes": 60},
        {"person_id": p[1], "post": "secretary", "votes": 20},
        {"person_id": p[1], "post": "委员", "votes": 80},
    ]});
    let r = api(&app, Who::Community, Method::PUT, &path, t).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/summary", p3(c)),
        json!(null),
    )
    .await;
    let s = &r.json()["summary"];
    assert_eq!(s["source"], "totals");
    assert_eq!(s["posts"][0]["rows"][0]["votes"], 60);
    assert_eq!(s["posts"][0]["rows"][0]["share"], "75.0%");
    assert_eq!(s["posts"][0]["rows"][1]["share"], "25.0%");
    assert_eq!(s["posts"][2]["rows"][0]["share"], "100.0%");
    // Forms cannot be added once totals are entered.
    let f = json!({"secretary": [p[0]]});
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/forms", p3(c)),
        f,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_pages_take_checkbox_forms_totals_and_introductions() {
    let app = TestApp::spawn().await;
    let (c, p, nid) = after_p2(&app, 2).await;
    let page = format!("/communities/sg01/campaigns/{c}/party/recommendation");
    let form = |fields: &[(&str, String)]| {
        B::Form(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    };
    let fields = [
        ("date", "2027-04-15".to_string()),
        ("resident_representative", "24".into()),
        ("party_representative", "56".into()),
    ];
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("{page}/meeting"),
            form(&fields),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // A 1501-character introduction: back to the page with the reason, nothing stored.
    let intro = format!("{page}/introductions/{nid}");
    let long = [("text", "字".repeat(1501)), ("speech_given", "on".into())];
    let r = app
        .call(Who::Community, Method::POST, &intro, form(&long))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let shown = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert!(shown.text.contains("实有 1501 字"), "{}", shown.text);
    assert_eq!(
        app.count("select count(*) from party_introductions").await,
        0
    );
    let ok = [("text", "字".repeat(1500)), ("speech_given", "on".into())];
    app.call(Who::Community, Method::POST, &intro, form(&ok))
        .await;
    assert_eq!(
        app.count("select count(*) from party_introductions where speech_given = true")
            .await,
        1
    );
    // One form by checkboxes: 书记 p0, 委员 p0 and p1.
    let boxes = [
        ("secretary", p[0].to_string()),
        ("member", p[0].to_string()),
        ("member", p[1].to_string()),
    ];
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("{page}/forms"),
            form(&boxes),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/summary", p3(c)),
        json!(null),
    )
    .await;
    let s = &r.json()["summary"];
    assert_eq!(s["valid_forms"], 1);
    assert_eq!(s["posts"][2]["rows"][0]["votes"], 1);
    assert_eq!(s["posts"][2]["rows"][1]["votes"], 1);
    // Totals are refused once forms are entered; the page says why.
    let totals = [(&*format!("v_{}_secretary", p[0]), "3".to_string())];
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("{page}/totals"),
            form(&totals),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let shown = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert!(shown.text.contains("不能另行登记"), "{}", shown.text);
    assert_eq!(
        app.count("select count(*) from party_recommend_totals")
            .await,
        0
    );
}

#[tokio::test]
async fn the_totals_grid_shows_saved_figures_and_a_save_changes_only_what_changed() {
    let app = TestApp::spawn().await;
    let (c, p, _) = after_p2(&app, 2).await;
    let r = meeting(&app, c, 30, 50).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let page = format!("/communities/sg01/campaigns/{c}/party/recommendation");
    let save = |fields: Vec<(String, String)>| {
        let (app, page) = (&app, &page);
        async move {
            app.call(
                Who::Community,
                Method::POST,
                &format!("{page}/totals"),
                B::Form(fields),
            )
            .await
        }
    };
    let cell = |person: i64, post: &str, v: &str| (format!("v_{person}_{post}"), v.to_string());
    let r = save(vec![cell(p[0], "member", "71"), cell(p[1], "member", "60")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let shown = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert!(
        shown
            .text
            .contains(&format!("name=\"v_{}_member\" value=\"71\"", p[0])),
        "the grid shows the saved figure"
    );
    let stored = || async {
        app.count(&format!(
            "select cast(coalesce(sum(votes), -1) as bigint) from party_recommend_totals where campaign_id = {c} and person_id = {}",
            p[1]
        ))
        .await
    };
    // Correcting one figure (the other cell left empty) keeps the other.
    let r = save(vec![cell(p[0], "member", "72"), cell(p[1], "member", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(stored().await, 60, "the other total is not wiped");
    assert_eq!(
        app.count(&format!(
            "select votes from party_recommend_totals where campaign_id = {c} and person_id = {}",
            p[0]
        ))
        .await,
        72
    );
    // Zeroing a saved figure asks first.
    let r = save(vec![cell(p[1], "member", "0")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let shown = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert!(
        shown.text.contains("改为 0，请确认后再保存"),
        "{}",
        shown.text
    );
    assert_eq!(stored().await, 60);
    let r = save(vec![
        cell(p[1], "member", "0"),
        ("confirm_zero".into(), "1".into()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(stored().await, 0);
}
