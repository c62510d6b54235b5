//! Double submission: the same create with one idempotency key creates one record.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{B, TestApp, Who};

#[tokio::test]
async fn the_same_api_create_twice_with_one_key_creates_one_record() {
    let app = TestApp::spawn().await;
    let c = app.client(Who::Street).cloned().unwrap();
    let headers = [
        ("x-csrf-token", c.csrf.as_str()),
        ("idempotency-key", "same-key-1"),
    ];
    let body = || B::Json(json!({"code": "sg09", "name": "九号社区"}));
    let first = app
        .send(
            Some(&c),
            Method::POST,
            "/api/v1/communities",
            body(),
            &headers,
        )
        .await;
    let second = app
        .send(
            Some(&c),
            Method::POST,
            "/api/v1/communities",
            body(),
            &headers,
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text);
    assert_eq!(
        first.json()["community"]["id"],
        second.json()["community"]["id"]
    );
    assert_eq!(
        app.count("select count(*) from communities where code = 'sg09'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_refreshed_form_post_replays_the_redirect_without_a_second_person() {
    let app = TestApp::spawn().await;
    let c = app.client(Who::Community).cloned().unwrap();
    let form = || {
        B::Form(vec![
            ("_csrf".into(), c.csrf.clone()),
            ("_idem".into(), "form-key-1".into()),
            ("name".into(), "陈一".into()),
            ("gender".into(), "男".into()),
        ])
    };
    let a = app
        .send(
            Some(&c),
            Method::POST,
            "/communities/sg01/people",
            form(),
            &[],
        )
        .await;
    let b = app
        .send(
            Some(&c),
            Method::POST,
            "/communities/sg01/people",
            form(),
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location, b.location);
    assert_eq!(
        app.count("select count(*) from people where name = '陈一'")
            .await,
        1
    );
}

#[tokio::test]
async fn concurrent_double_clicks_create_one_record() {
    let app = TestApp::spawn().await;
    let c = app.client(Who::Street).cloned().unwrap();
    let headers = [
        ("x-csrf-token", c.csrf.as_str()),
        ("idempotency-key", "race-key"),
    ];
    let send = || {
        app.send(
            Some(&c),
            Method::POST,
            "/api/v1/campaigns",
            B::Json(json!({"community": "sg02", "term": "第八届"})),
            &headers,
        )
    };
    let (a, b) = tokio::join!(send(), send());
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.text);
    assert_eq!(app.count("select count(*) from campaigns").await, 1);
}

#[tokio::test]
async fn a_create_without_a_key_is_refused_and_a_failed_create_frees_its_key() {
    let app = TestApp::spawn().await;
    let c = app.client(Who::Street).cloned().unwrap();
    let r = app
        .send(
            Some(&c),
            Method::POST,
            "/api/v1/communities",
            B::Json(json!({"code": "sg07", "name": "七"})),
            &[("x-csrf-token", &c.csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("幂等键")
    );
    let headers = [
        ("x-csrf-token", c.csrf.as_str()),
        ("idempotency-key", "retry-key"),
    ];
    let bad = app
        .send(
            Some(&c),
            Method::POST,
            "/api/v1/communities",
            B::Json(json!({"code": "sg 07", "name": "七"})),
            &headers,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let good = app
        .send(
            Some(&c),
            Method::POST,
            "/api/v1/communities",
            B::Json(json!({"code": "sg07", "name": "七"})),
            &headers,
        )
        .await;
    assert_eq!(good.status, StatusCode::CREATED, "{}", good.text);
}
