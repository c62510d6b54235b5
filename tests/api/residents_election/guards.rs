//! Guards added after review: the election meeting is held on the campaign's election day, and
//! a scrutineer named twice for a mobile box counts once.

use axum::http::Method;
use serde_json::json;

use super::{api, el, message, setup};
use crate::helpers::{TestApp, Who};

#[tokio::test]
async fn an_election_meeting_on_another_day_than_the_election_day_is_refused_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let s = setup(&app, &[]).await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &el(s.c),
        json!({"date": "2027-05-29", "place": "社区文化活动中心"}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        message(&r).contains("选举大会应在本次居委会选举日 2027-05-30 举行"),
        "{}",
        r.text
    );
    assert_eq!(app.count("select count(*) from meetings").await, 0);
    assert_eq!(
        app.count("select count(*) from resident_elections").await,
        0
    );
}

#[tokio::test]
async fn a_mobile_box_whose_three_scrutineers_are_one_person_named_three_times_is_refused() {
    let app = TestApp::spawn().await;
    let s = setup(&app, &[]).await;
    let path = format!("{}/boxes", el(s.c));
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &path,
        json!({"name": "流动票箱一", "approval": "同意设立（街道批复）", "scrutineers": ["甲", "甲", "甲"]}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(message(&r).contains("监票人 1 名"), "{}", r.text);
    assert_eq!(
        app.count("select count(*) from resident_mobile_boxes")
            .await,
        0
    );
}
