//! Sessions are stored only when they change: reading pages leaves the stored session as it
//! was, and a flash message is taken (one write) and then gone.

use axum::http::{Method, StatusCode};

use crate::helpers::{B, TestApp, Who, backend};

/// Every stored session, as its serialised record (which holds its expiry to the nanosecond,
/// so any store of a session changes it).
async fn stored(app: &TestApp) -> Vec<String> {
    let sql = if backend() == "postgres" {
        "select encode(data, 'hex') from tower_sessions.session order by id"
    } else {
        "select hex(data) from tower_sessions order by id"
    };
    huanjie::db::Q::new(sql)
        .all::<(String,)>(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|(d,)| d)
        .collect()
}

#[tokio::test]
async fn reading_pages_and_the_api_does_not_store_the_session_again() {
    let app = TestApp::spawn().await;
    let before = stored(&app).await;
    assert_eq!(before.len(), 4, "one session per logged-in role");
    for path in ["/", "/plan", "/password", "/api/v1/me", "/api/v1/plan"] {
        for who in [Who::Street, Who::Community] {
            let r = app.call(who, Method::GET, path, B::Empty).await;
            assert_eq!(r.status, StatusCode::OK, "{path} as {who:?}");
        }
    }
    assert_eq!(stored(&app).await, before, "no page view stored a session");
}

#[tokio::test]
async fn a_flash_is_taken_once_and_the_next_page_leaves_the_session_alone() {
    let app = TestApp::spawn().await;
    let c = app.client(Who::Community).cloned().unwrap();
    let form = |v: &str| {
        B::Form(vec![
            ("_csrf".into(), c.csrf.clone()),
            ("current".into(), v.into()),
            ("new".into(), "another-horse-1".into()),
            ("confirm".into(), "another-horse-1".into()),
        ])
    };
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/password",
            form("wrong-password"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let with_flash = stored(&app).await;
    let page = app
        .call(Who::Community, Method::GET, "/password", B::Empty)
        .await;
    assert!(page.text.contains("不正确"), "the flash is shown");
    let taken = stored(&app).await;
    assert_ne!(taken, with_flash, "taking the flash stores the session");
    let again = app
        .call(Who::Community, Method::GET, "/password", B::Empty)
        .await;
    assert!(!again.text.contains("不正确"), "the flash is shown once");
    assert_eq!(
        stored(&app).await,
        taken,
        "a page without a flash stores nothing"
    );
}
