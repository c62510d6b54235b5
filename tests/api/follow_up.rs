//! Follow-up rounds come only from the procedure: the certified result's next round, or the
//! street's candidates for an uncontested post that fell short — never a hand-made round.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::counting_fixtures::{certify, create_vote, for_names, review, room, vote};
use crate::helpers::{B, TestApp, Who};

async fn votes_in(app: &TestApp) -> i64 {
    app.count("select count(*) from votes").await
}

async fn post(app: &TestApp, who: Who, path: &str, body: Value) -> crate::helpers::Resp {
    app.call(who, Method::POST, path, B::Json(body)).await
}

#[tokio::test]
async fn a_round_cannot_be_made_to_follow_a_certified_vote_by_hand() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    // 7 present, all for 丁一 and 王二: both seats filled.
    let ballots = vec![for_names(&["丁一", "王二"]); 7];
    review(&app, &room, v, &ballots).await;
    certify(&app, v).await;
    let before = votes_in(&app).await;
    let path = format!("/api/v1/meetings/{}/votes", room.meeting);
    for (round, follows) in [
        (json!("tie_revote"), json!(v)),
        (json!("supplementary"), json!(v)),
        (json!("first"), json!(v)),
        (json!("supplementary"), Value::Null),
    ] {
        let body = json!({"title": "手工加一轮", "preset": "party", "electorate": 7,
            "round": round, "follows": follows,
            "posts": [{"post": "委员", "seats": 2, "candidates": ["李三", "赵四"]}]});
        let r = post(&app, Who::Street, &path, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{round} after {follows}: {}",
            r.text
        );
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("安排下一轮"),
            "{}",
            r.text
        );
    }
    assert_eq!(votes_in(&app).await, before, "no vote was created");
    // Seats filled: the derived next round does not exist either.
    let r = post(
        &app,
        Who::Street,
        &format!("/api/v1/votes/{v}/next"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(votes_in(&app).await, before);
}

/// A certified 书记 vote (1 seat, 1 candidate 丁一, 7 due and present) where 丁一 gets `votes`.
async fn secretary_vote(app: &mut TestApp, votes: usize) -> (crate::counting_fixtures::Room, i64) {
    let room = room(app).await;
    let body = json!({"title": "选举书记", "preset": "party", "electorate": 7,
        "posts": [{"post": "书记", "seats": 1, "candidates": ["丁一"]}]});
    let v = create_vote(app, room.meeting, body).await;
    let mut ballots = vec![json!({"marks": {"书记": {"for": ["丁一"]}}}); votes];
    ballots.extend(vec![
        json!({"marks": {"书记": {"against": ["丁一"]}}});
        7 - votes
    ]);
    review(app, &room, v, &ballots).await;
    certify(app, v).await;
    (room, v)
}

#[tokio::test]
async fn an_uncontested_post_that_fell_short_gets_candidates_only_from_the_street_with_a_reason() {
    let mut app = TestApp::spawn().await;
    // More than half of 7 due is 4: 3 votes fall short, and no round is derived (等额).
    let (_, v) = secretary_vote(&mut app, 3).await;
    let next = format!("/api/v1/votes/{v}/next");
    let before = votes_in(&app).await;
    let r = post(&app, Who::Street, &next, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("街道工作组"), "{}", r.text);
    let named = json!({"post": "书记", "candidates": ["王二"], "reason": "党工委研究另行提名"});
    let r = post(&app, Who::Community, &next, named.clone()).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only the approving body names"
    );
    let r = post(
        &app,
        Who::Street,
        &next,
        json!({"post": "书记", "candidates": ["王二"], "reason": " "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = post(
        &app,
        Who::Street,
        &next,
        json!({"post": "书记", "candidates": [], "reason": "另行提名"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("至少提名 1 名"), "{}", r.text);
    assert_eq!(votes_in(&app).await, before, "refusals create nothing");
    // The page offers the street the naming form, and nobody else.
    let page = app
        .call(Who::Street, Method::GET, &format!("/votes/{v}"), B::Empty)
        .await;
    assert!(
        page.text.contains("data-form=\"named\""),
        "the street's form"
    );
    assert!(page.text.contains("差 1 名"));
    assert!(
        !page.text.contains("安排下一轮（"),
        "no button for a round the result does not give"
    );
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/votes/{v}"),
            B::Empty,
        )
        .await;
    assert!(!page.text.contains("data-form=\"named\""));
    let r = post(&app, Who::Street, &next, named).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let round = r.json();
    assert_eq!(round["round"], "supplementary");
    assert_eq!(round["follows"], v);
    assert_eq!(
        round["posts"],
        json!([{"post": "书记", "seats": 1, "candidates": ["王二"]}])
    );
    assert!(
        app.count("select count(*) from audit_log where action = 'name_candidates'")
            .await
            == 1,
        "the naming and its reason are audited"
    );
    // Once named, no second round follows the same vote.
    let r = post(
        &app,
        Who::Street,
        &next,
        json!({"post": "书记", "candidates": ["赵四"], "reason": "再提名"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
}

#[tokio::test]
async fn a_post_the_engine_continues_is_not_named_by_the_street() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    // 丁一 7, 王二 3, 李三 0: one 委员 seat short in a contested post: the engine's 另行选举.
    let mut ballots = vec![for_names(&["丁一", "王二"]); 3];
    ballots.extend(vec![for_names(&["丁一"]); 4]);
    review(&app, &room, v, &ballots).await;
    certify(&app, v).await;
    let r = post(
        &app,
        Who::Street,
        &format!("/api/v1/votes/{v}/next"),
        json!({"post": "委员", "candidates": ["赵四"], "reason": "另行提名"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("应按计票结果安排下一轮"), "{}", r.text);
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/votes/{v}"),
            B::Empty,
        )
        .await;
    assert!(
        page.text.contains("安排下一轮（"),
        "the derived round's button"
    );
    assert!(!page.text.contains("data-form=\"named\""));
    let r = post(
        &app,
        Who::Street,
        &format!("/api/v1/votes/{v}/next"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["round"], "supplementary");
    assert_eq!(r.json()["posts"][0]["seats"], 1);
}
