//! A clerk's mistakes (issue 17 §3): a vote needs candidates on every post and a title of its
//! own, a draft vote can be withdrawn with a reason, and no ballot is entered beyond the box.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::counting_fixtures as cf;
use crate::helpers::{B, TestApp, Who};

fn message(r: &crate::helpers::Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_vote_without_candidates_on_a_post_or_with_a_title_taken_is_refused() {
    let mut app = TestApp::spawn().await;
    let room = cf::room(&mut app).await;
    let path = format!("/api/v1/meetings/{}/votes", room.meeting);
    let before = app.count("select count(*) from votes").await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &path,
            B::Json(
                json!({"title": "选举书记", "preset": "party", "electorate": 7,
                "posts": [{"post": "书记", "seats": 1, "candidates": []}]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        message(&r),
        "候选人：职位“书记”没有候选人：每个职位都要列出候选人"
    );
    cf::vote(&app, room.meeting, true).await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &path,
            B::Json(
                json!({"title": "选举委员", "preset": "party", "electorate": 7,
                "posts": [{"post": "委员", "seats": 1, "candidates": ["丁一", "王二"]}]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        message(&r).contains("已有名为“选举委员”的投票"),
        "{}",
        r.text
    );
    assert_eq!(app.count("select count(*) from votes").await, before + 1);
}

#[tokio::test]
async fn a_draft_vote_is_withdrawn_with_its_reason_and_a_started_one_is_not() {
    let mut app = TestApp::spawn().await;
    let room = cf::room(&mut app).await;
    let v = cf::vote(&app, room.meeting, true).await;
    let path = format!("/api/v1/votes/{v}/withdraw");
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &path,
            B::Json(json!({"reason": " "})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &path,
            B::Json(json!({"reason": "名称录错，重新建立"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        app.count(&format!("select count(*) from votes where id = {v}"))
            .await,
        0
    );
    let audited: (Option<String>,) = huanjie::db::Q::new(
        "select after_json from audit_log where action = 'withdraw' and entity = 'vote'",
    )
    .one(&app.state.db)
    .await
    .unwrap();
    assert!(audited.0.unwrap().contains("名称录错，重新建立"));
    // The title is free again; a vote that has begun cannot be withdrawn.
    let v2 = cf::vote(&app, room.meeting, true).await;
    cf::counting(&app, v2, 1).await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/votes/{v2}/withdraw"),
            B::Json(json!({"reason": "试试"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(message(&r).contains("只有草稿可以撤回"), "{}", r.text);
}

#[tokio::test]
async fn no_ballot_is_entered_beyond_those_collected_and_the_refusal_gives_the_numbers() {
    let mut app = TestApp::spawn().await;
    let room = cf::room(&mut app).await;
    let v = cf::vote(&app, room.meeting, false).await;
    cf::counting(&app, v, 2).await;
    let c = app.client(Who::Counter).cloned().unwrap();
    for tag in ["a", "b"] {
        let r = cf::enter(&app, &c, v, tag, cf::for_names(&["李三"])).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = cf::enter(&app, &c, v, "c", cf::for_names(&["李三"])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("收回选票 2 张，已录入 2 张"),
        "{}",
        r.text
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from ballot_entries where vote_id = {v}"
        ))
        .await,
        2
    );
}
