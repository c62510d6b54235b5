//! A vote keeps the counting settings in force when it was created: the Party preset's default
//! majority base changed to the members due to attend (2020 条例), and a vote certified under the
//! old default (members present) keeps its result and its printed threshold.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::counting_fixtures::{Room, certify, create_vote, enter_both, for_names, room};
use crate::helpers::{B, TestApp, Who, backend};

/// A 委员 vote of 10 members due, 2 seats among 丁一 王二 李三, with the given settings.
async fn vote_of_ten(app: &TestApp, meeting: i64, settings: Option<Value>) -> i64 {
    let mut body = json!({"title": "选举委员", "preset": "party", "electorate": 10,
        "posts": [{"post": "委员", "seats": 2, "candidates": ["李三", "王二", "丁一"]}]});
    if let Some(s) = settings {
        body["settings"] = s;
    }
    create_vote(app, meeting, body).await
}

async fn state(app: &TestApp, vote: i64, body: Value) {
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/votes/{vote}/state"),
            B::Json(body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// 9 of 10 present: 丁一 and 王二 get 5 votes each, 李三 4. More than half of the 9 present is 5;
/// more than half of the 10 due is 6.
async fn count_and_certify(app: &TestApp, room: &Room, vote: i64) {
    state(app, vote, json!({"to": "voting"})).await;
    state(
        app,
        vote,
        json!({"to": "counting", "present": 9, "ballots_issued": 9, "ballots_collected": 9}),
    )
    .await;
    for i in 0..9 {
        let ballot = if i < 5 {
            for_names(&["丁一", "王二"])
        } else {
            for_names(&["李三"])
        };
        enter_both(app, room, vote, &format!("s{vote}-{i}"), ballot).await;
    }
    state(app, vote, json!({"to": "review"})).await;
    certify(app, vote).await;
}

async fn get(app: &TestApp, path: &str) -> String {
    let r = app.call(Who::Street, Method::GET, path, B::Empty).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    r.text
}

/// The 委员 post of the vote's result in the API: (threshold, elected names, stored settings).
async fn outcome(app: &TestApp, vote: i64) -> (u64, Vec<String>, Value) {
    let v: Value = serde_json::from_str(&get(app, &format!("/api/v1/votes/{vote}")).await).unwrap();
    // The result is counted again from the stored ballots with the vote's stored settings.
    let result: Value =
        serde_json::from_str(&get(app, &format!("/api/v1/votes/{vote}/result")).await).unwrap();
    assert_eq!(result["certified"], true, "{result}");
    let post = result["posts"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["post"] == "委员"))
        .unwrap_or_else(|| panic!("no 委员 result: {result}"))
        .clone();
    let elected = post["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    (
        post["threshold"].as_u64().unwrap(),
        elected,
        v["settings"].clone(),
    )
}

#[tokio::test]
async fn a_new_party_vote_records_every_setting_and_elects_on_more_than_half_of_the_members_due() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote_of_ten(&app, room.meeting, None).await;
    count_and_certify(&app, &room, v).await;
    let (threshold, elected, settings) = outcome(&app, v).await;
    assert_eq!(threshold, 6, "more than half of the 10 members due");
    assert!(elected.is_empty(), "5 of 10 due elects nobody: {elected:?}");
    assert_eq!(settings["majority_base"], "due", "{settings}");
    for key in [
        "quorum",
        "majority",
        "box_check",
        "overvote",
        "same_person_two_posts",
        "write_ins",
        "write_in_requires_against",
    ] {
        assert!(!settings[key].is_null(), "{key} is recorded: {settings}");
    }
    let page = get(&app, &format!("/votes/{v}")).await;
    assert!(page.contains("当选票数须达 6 票"), "the vote page prints 6");
}

#[tokio::test]
async fn a_vote_certified_under_the_old_default_keeps_its_result_and_printed_threshold() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    // Counted and certified as the engine did before the change (members present as the base).
    let v = vote_of_ten(
        &app,
        room.meeting,
        Some(json!({"majority_base": "present"})),
    )
    .await;
    count_and_certify(&app, &room, v).await;
    // The row as the old code left it: only overrides were stored, none for the defaults.
    huanjie::db::Q::new("update votes set settings = '{}' where id = $1")
        .bind(v)
        .execute(&app.state.db)
        .await
        .unwrap();
    // The migration that came with the change.
    let sql = match backend() {
        "postgres" => include_str!("../../migrations/postgres/0012_vote_settings.sql"),
        _ => include_str!("../../migrations/sqlite/0012_vote_settings.sql"),
    };
    let code: Vec<&str> = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect();
    for statement in code.join("\n").split(';').filter(|s| !s.trim().is_empty()) {
        huanjie::db::Q::new(statement)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let (threshold, elected, settings) = outcome(&app, v).await;
    assert_eq!(settings["majority_base"], "present", "{settings}");
    assert_eq!(
        threshold, 5,
        "more than half of the 9 present, as certified"
    );
    assert_eq!(elected, vec!["丁一".to_string(), "王二".to_string()]);
    let page = get(&app, &format!("/votes/{v}")).await;
    assert!(
        page.contains("当选票数须达 5 票"),
        "the vote page still prints 5"
    );
    let report = get(&app, &format!("/votes/{v}/report")).await;
    assert!(
        report.contains("当选票数须达 5 票"),
        "the count report still prints 5"
    );
    assert!(
        report.contains("实到会有选举权的党员 9 人"),
        "the report's rule names the base it was counted on"
    );
}
