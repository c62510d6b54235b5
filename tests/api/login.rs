//! Logging in: sessions cycled, throttling per account and per address, the login page.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{B, PASSWORD, TestApp, Who};

async fn api_login(app: &TestApp, addr: &str, user: &str, pw: &str) -> crate::helpers::Resp {
    app.send_from(
        None,
        addr,
        Method::POST,
        "/api/v1/login",
        B::Json(json!({"username": user, "password": pw})),
        &[],
    )
    .await
}

#[tokio::test]
async fn the_sixth_wrong_password_inside_the_window_is_refused_even_when_right() {
    let app = TestApp::spawn().await;
    for i in 0..5 {
        let r = api_login(&app, "10.1.1.1", "t-counter", "wrong-password").await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {i}: {}",
            r.text
        );
    }
    let r = api_login(&app, "10.1.1.2", "t-counter", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("之后再试") && msg.contains(':'),
        "the message names the retry time: {msg}"
    );
    // Another account is not affected.
    assert_eq!(
        api_login(&app, "10.1.1.2", "t-scrutineer", PASSWORD)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn four_failures_still_let_the_right_password_in() {
    let app = TestApp::spawn().await;
    for _ in 0..4 {
        api_login(&app, "10.1.1.1", "t-counter", "wrong-password").await;
    }
    assert_eq!(
        api_login(&app, "10.1.1.1", "t-counter", PASSWORD)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn fifty_failures_from_one_address_lock_that_address_only() {
    let app = TestApp::spawn().await;
    for i in 0..50 {
        let r = api_login(&app, "10.9.9.9", &format!("nobody{i}"), "x").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = api_login(&app, "10.9.9.9", "t-street", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("网络地址")
    );
    assert_eq!(
        api_login(&app, "10.9.9.8", "t-street", PASSWORD)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn logging_in_issues_a_new_session_id_and_the_old_one_is_not_logged_in() {
    let app = TestApp::spawn().await;
    // An anonymous page visit does not create a session row.
    let before = app.send(None, Method::GET, "/login", B::Empty, &[]).await;
    assert!(
        before.cookies.is_empty(),
        "the login page sets no cookie: {:?}",
        before.cookies
    );
    let a = app.login("t-counter", PASSWORD).await;
    let b = app.login("t-counter", PASSWORD).await;
    assert_ne!(a.cookie, b.cookie);
    let me = app
        .send(Some(&b), Method::GET, "/api/v1/me", B::Empty, &[])
        .await;
    assert_eq!(me.json()["user"]["username"], "t-counter");
}

#[tokio::test]
async fn the_login_form_logs_in_and_redirects_and_a_wrong_password_shows_a_chinese_error() {
    let app = TestApp::spawn().await;
    let form = |pw: &str| {
        B::Form(vec![
            ("username".into(), "t-street".into()),
            ("password".into(), pw.into()),
            ("next".into(), "/users".into()),
        ])
    };
    let r = app
        .send(
            None,
            Method::POST,
            "/login",
            form("nope"),
            &[("origin", "http://localhost")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("用户名或密码错误"), "{}", r.text);
    let r = app
        .send(
            None,
            Method::POST,
            "/login",
            form(PASSWORD),
            &[("origin", "http://localhost")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/users"));
    let r = app
        .send(
            None,
            Method::POST,
            "/login",
            form(PASSWORD),
            &[("origin", "http://evil.example")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a cross-site login post is refused"
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in_and_its_session_ends() {
    let app = TestApp::spawn().await;
    let counter = app.client(Who::Counter).cloned().unwrap();
    let id = app
        .send(Some(&counter), Method::GET, "/api/v1/me", B::Empty, &[])
        .await
        .json()["user"]["id"]
        .as_i64()
        .unwrap();
    let r = app
        .call(
            Who::Street,
            Method::PUT,
            &format!("/api/v1/users/{id}"),
            B::Json(json!({"disabled": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        app.send(Some(&counter), Method::GET, "/api/v1/me", B::Empty, &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        api_login(&app, "10.0.0.5", "t-counter", PASSWORD)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn the_first_admin_is_created_once_with_the_configured_password() {
    let app = TestApp::spawn().await;
    // The seeded database already has users: nothing is created.
    assert_eq!(
        huanjie::users::ensure_admin(
            &app.state.db,
            app.state.config.password_cost,
            Some("Qiao-men-7741")
        )
        .await
        .unwrap(),
        None
    );
    huanjie::db::Q::new("delete from grants")
        .execute(&app.state.db)
        .await
        .unwrap();
    huanjie::db::Q::new("delete from users")
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        huanjie::users::ensure_admin(
            &app.state.db,
            app.state.config.password_cost,
            Some("Qiao-men-7741")
        )
        .await
        .unwrap(),
        None,
        "a given password is not echoed"
    );
    let r = api_login(&app, "10.0.0.7", "admin", "Qiao-men-7741").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["user"]["role"], "street");
}
