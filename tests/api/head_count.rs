//! Head counts from the participation records (issue 15, item 2.2): at a Party congress the box
//! check takes 实到人数 and 发出选票 from the check-in roll; a typed figure that differs is
//! refused and changes nothing; only the street corrects them, with a reason, and the count
//! report prints the correction.

use axum::http::{Method, StatusCode};
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::counting_fixtures::{call_as, enter, for_names, staff};
use crate::fixtures::create_campaign;
use crate::helpers::{B, PASSWORD, Resp, TestApp, Who, id_number};

/// Members of sg01's organisation, all due.
const MEMBERS: usize = 90;
/// Members checked in.
const CHECKED_IN: usize = 81;

/// A congress of sg01 whose 委员 vote is open and voting: 90 full members due (the first six
/// the approved candidates, P-5 done), 81 of them checked in. The people, the list and the
/// check-ins are raw SQL, quicker than the P-1 … P-5 walk and 81 check-in calls (both are
/// tested in `party::congress`); the congress, its roll and its vote go through the API.
/// Returns (vote, meeting).
async fn congress(app: &TestApp) -> (i64, i64) {
    let campaign = create_campaign(app, "sg01").await;
    let base = format!("/api/v1/campaigns/{campaign}/party");
    let r = app
        .call(
            Who::Street,
            Method::PUT,
            &format!("{base}/size"),
            B::Json(json!({"members": 5, "deputies": 1})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let db = &app.state.db;
    let now = huanjie::now();
    let mut people = Vec::new();
    for i in 0..MEMBERS {
        let id = Q::new(
            "insert into people (street_id, name, gender, id_number, hukou_community_id, residence_community_id, \
             party_status, party_org, education, created_at, updated_at) \
             select street_id, $1, '男', $2, id, id, 'full', 'community', '本科', $3, $3 from communities where code = 'sg01' returning id",
        )
        .bind(format!("党员{:02}", i + 1))
        .bind(id_number("19750101", 300 + i as u32))
        .bind(now)
        .scalar(db)
        .await
        .unwrap();
        people.push(id);
    }
    Q::new("insert into party_lists (campaign_id, list, fixed_on, status, created_at, updated_at) values ($1, 'candidate', $2, 'approved', $3, $3)")
        .bind(campaign)
        .bind(chrono::NaiveDate::from_ymd_opt(2027, 4, 20).unwrap())
        .bind(now)
        .execute(db)
        .await
        .unwrap();
    for (i, id) in people[..6].iter().enumerate() {
        Q::new("insert into party_list_entries (campaign_id, list, person_id, position, created_at) values ($1, 'candidate', $2, $3, $4)")
            .bind(campaign)
            .bind(*id)
            .bind(i as i64 + 1)
            .bind(now)
            .execute(db)
            .await
            .unwrap();
    }
    Q::new("update campaign_steps set done_at = $1 where campaign_id = $2 and code = 'P-5'")
        .bind(now)
        .bind(campaign)
        .execute(db)
        .await
        .unwrap();
    let r = app
        .call(
            Who::Community,
            Method::PUT,
            &format!("{base}/congress"),
            B::Json(json!({"date": "2027-04-26"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for id in &people[..CHECKED_IN] {
        Q::new(
            "update party_roll set checked_in_at = $1 where campaign_id = $2 and person_id = $3",
        )
        .bind(now)
        .bind(campaign)
        .bind(*id)
        .execute(db)
        .await
        .unwrap();
    }
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("{base}/congress/votes/members"),
            B::Json(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let vote = &r.json()["vote"];
    assert_eq!(
        (vote["electorate"].as_i64(), vote["present"].as_i64()),
        (Some(MEMBERS as i64), Some(CHECKED_IN as i64))
    );
    let (id, meeting) = (
        vote["id"].as_i64().unwrap(),
        vote["meeting_id"].as_i64().unwrap(),
    );
    let r = state(app, id, json!({"to": "voting"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    (id, meeting)
}

async fn state(app: &TestApp, vote: i64, body: Value) -> Resp {
    app.call(
        Who::Street,
        Method::POST,
        &format!("/api/v1/votes/{vote}/state"),
        B::Json(body),
    )
    .await
}

async fn correct(app: &TestApp, who: Who, vote: i64, body: Value) -> Resp {
    app.call(
        who,
        Method::POST,
        &format!("/api/v1/votes/{vote}/head-count"),
        B::Json(body),
    )
    .await
}

async fn show(app: &TestApp, vote: i64) -> Value {
    let r = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/votes/{vote}"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

fn message(r: &Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// (state, present, ballots issued, ballots collected) of a vote.
async fn figures(app: &TestApp, vote: i64) -> (String, Option<i64>, Option<i64>, Option<i64>) {
    let v = show(app, vote).await;
    (
        v["state"].as_str().unwrap().to_string(),
        v["present"].as_i64(),
        v["ballots_issued"].as_i64(),
        v["ballots_collected"].as_i64(),
    )
}

fn voting_with_81() -> (String, Option<i64>, Option<i64>, Option<i64>) {
    ("voting".into(), Some(81), Some(81), None)
}

#[tokio::test]
async fn eighty_five_typed_when_eighty_one_checked_in_is_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let (vote, _) = congress(&app).await;
    let audit = app.audit_count().await;
    let r = state(
        &app,
        vote,
        json!({"to": "counting", "present": 85, "ballots_issued": 85, "ballots_collected": 85}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(
        message(&r),
        "实到人数以签到记录为准（81 人），不能填写 85 人；如需更正，须由街道工作组写明理由。"
    );
    // Ballots issued are the check-ins too: fewer typed is refused as well.
    let r = state(
        &app,
        vote,
        json!({"to": "counting", "present": 81, "ballots_issued": 80, "ballots_collected": 80}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("发出选票数以签到记录为准（81 张），不能填写 80 张"),
        "{}",
        r.text
    );
    assert_eq!(figures(&app, vote).await, voting_with_81());
    assert_eq!(app.audit_count().await, audit, "nothing audited");
}

#[tokio::test]
async fn eighty_one_typed_as_checked_in_is_accepted() {
    let app = TestApp::spawn().await;
    let (vote, _) = congress(&app).await;
    let r = state(
        &app,
        vote,
        json!({"to": "counting", "present": 81, "ballots_issued": 81, "ballots_collected": 81}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        figures(&app, vote).await,
        ("counting".into(), Some(81), Some(81), Some(81))
    );
}

#[tokio::test]
async fn omitted_figures_are_accepted_and_stored_as_the_eighty_one_checked_in() {
    let app = TestApp::spawn().await;
    let (vote, _) = congress(&app).await;
    // Whatever the vote row held before, the roll decides.
    Q::new("update votes set present = null, ballots_issued = null where id = $1")
        .bind(vote)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = state(
        &app,
        vote,
        json!({"to": "counting", "ballots_collected": 80}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        figures(&app, vote).await,
        ("counting".into(), Some(81), Some(81), Some(80))
    );
}

#[tokio::test]
async fn the_street_corrects_the_count_with_a_reason_and_the_report_prints_the_correction() {
    let app = TestApp::spawn().await;
    let (vote, meeting) = congress(&app).await;
    let reason = "两名党员到会未签到，经核对纸质签到表补正";
    let audit = app.audit_count().await;
    let r = correct(
        &app,
        Who::Street,
        vote,
        json!({"present": 83, "reason": reason}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.json()["note"],
        format!("实到人数 83 人（街道工作组更正，原签到记录 81 人，理由：{reason}）")
    );
    assert_eq!(app.audit_count().await, audit + 1, "audited");
    let (action, after): (String, String) = Q::new(
        "select action, after_json from audit_log where entity = 'vote' and entity_id = $1 order by id desc limit 1",
    )
    .bind(vote.to_string())
    .one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(action, "correct_head_count");
    assert!(after.contains(reason), "{after}");
    assert_eq!(
        figures(&app, vote).await,
        ("voting".into(), Some(83), Some(83), None)
    );
    // The records' figure no longer passes: the correction decides.
    let r = state(
        &app,
        vote,
        json!({"to": "counting", "present": 81, "ballots_collected": 1}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("实到人数以街道工作组的更正为准（83 人），不能填写 81 人"),
        "{}",
        r.text
    );
    let r = state(
        &app,
        vote,
        json!({"to": "counting", "present": 83, "ballots_issued": 83, "ballots_collected": 1}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The box checked, no further correction.
    let r = correct(
        &app,
        Who::Street,
        vote,
        json!({"present": 84, "reason": reason}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(message(&r).contains("投票已验票"), "{}", r.text);

    // One ballot, counted by both counters, reviewed and signed: the report prints the correction.
    let chief_s = staff(
        &app,
        meeting,
        json!({"name": "监一", "role": "scrutineer", "chief": true, "reason": "验票后补登记的工作人员"}),
    )
    .await
    .unwrap();
    let chief_c = staff(
        &app,
        meeting,
        json!({"name": "计一", "role": "counter", "chief": true, "table": 1, "reason": "验票后补登记的工作人员"}),
    )
    .await
    .unwrap();
    let counter = staff(
        &app,
        meeting,
        json!({"name": "计二", "role": "counter", "table": 1, "reason": "验票后补登记的工作人员"}),
    )
    .await
    .unwrap();
    for (c, tag) in [(&chief_c, "a"), (&counter, "b")] {
        let r = enter(&app, c, vote, tag, for_names(&["党员01"])).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    assert_eq!(state(&app, vote, json!({"to": "review"})).await.status, 200);
    for c in [&chief_s, &chief_c] {
        let r = call_as(
            &app,
            c,
            Method::POST,
            &format!("/api/v1/votes/{vote}/signoff"),
            B::Empty,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/votes/{vote}/report"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.text.contains(&format!(
            "实到人数 83 人（街道工作组更正，原签到记录 81 人，理由：{reason}）"
        )),
        "{}",
        r.text
    );
    assert!(
        r.text
            .contains("<td class=\"n\" data-key=\"present\">83</td>"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn a_correction_without_a_reason_is_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let (vote, _) = congress(&app).await;
    let r = correct(
        &app,
        Who::Street,
        vote,
        json!({"present": 83, "reason": " "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("更正实到人数必须写明理由"), "{}", r.text);
    // More ballots issued than present is refused as well.
    let r = correct(
        &app,
        Who::Street,
        vote,
        json!({"present": 83, "ballots_issued": 84, "reason": "补正"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("不能超过实到人数 83"), "{}", r.text);
    assert_eq!(
        app.count("select count(*) from head_count_corrections")
            .await,
        0
    );
    assert_eq!(figures(&app, vote).await, voting_with_81());
}

#[tokio::test]
async fn community_staff_cannot_correct_a_head_count() {
    let app = TestApp::spawn().await;
    let (vote, _) = congress(&app).await;
    let r = correct(
        &app,
        Who::Community,
        vote,
        json!({"present": 83, "reason": "两名党员到会未签到"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        app.count("select count(*) from head_count_corrections")
            .await,
        0
    );
    assert_eq!(figures(&app, vote).await, voting_with_81());
}

#[tokio::test]
async fn a_meeting_of_its_own_keeps_the_typed_figures_and_has_nothing_to_correct() {
    let app = TestApp::spawn().await;
    let meeting = crate::counting_fixtures::meeting(&app, "sg01", "party").await;
    let vote = crate::counting_fixtures::vote(&app, meeting, true).await;
    let r = correct(
        &app,
        Who::Street,
        vote,
        json!({"present": 6, "reason": "补正"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(message(&r).contains("没有签到或参加投票记录"), "{}", r.text);
    assert_eq!(state(&app, vote, json!({"to": "voting"})).await.status, 200);
    let r = state(
        &app,
        vote,
        json!({"to": "counting", "present": 6, "ballots_issued": 6, "ballots_collected": 6}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        figures(&app, vote).await,
        ("counting".into(), Some(6), Some(6), Some(6))
    );
}

#[tokio::test]
async fn the_vote_page_shows_the_figures_from_the_roll_and_the_street_corrects_them_by_its_form() {
    let app = TestApp::spawn().await;
    let (vote, _) = congress(&app).await;
    let path = format!("/votes/{vote}");
    let action = format!("{path}/head-count");
    let community = Browser::log_in(&app, "t-community", PASSWORD).await;
    let page = community.get(&path).await;
    assert!(
        page.contains("实到人数 81 人、发出选票 81 张，以签到记录为准"),
        "{page}"
    );
    assert!(
        !page.contains("name=\"present\""),
        "no figure to type: {page}"
    );
    assert!(!page.contains(&action), "the street's form only: {page}");
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let page = street.get(&path).await;
    let (flash, page) = street
        .submit_flash(
            &page,
            &action,
            &[
                ("present", "82"),
                ("ballots_issued", ""),
                ("reason", "一名党员到会未签到"),
            ],
        )
        .await;
    assert!(flash.contains("已更正"), "{flash}");
    assert!(
        page.contains(
            "实到人数 82 人（街道工作组更正，原签到记录 81 人，理由：一名党员到会未签到）"
        ),
        "{page}"
    );
    assert!(page.contains("以街道工作组的更正为准"), "{page}");
    assert_eq!(
        figures(&app, vote).await,
        ("voting".into(), Some(82), Some(82), None)
    );
}
