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

#[tokio::test]
async fn a_ballot_entered_through_the_api_commits_its_answer_with_it_and_a_retry_replays_it() {
    use crate::counting_fixtures::{counting, for_names, room, vote};
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, false).await;
    counting(&app, v, 3).await;
    let counter = app.client(Who::Counter).cloned().unwrap();
    // The chief counter of table 1, whose session `counter` is.
    let uid = app
        .count(&format!(
            "select user_id from meeting_staff where meeting_id = {} and role = 'counter' order by id limit 1",
            room.meeting
        ))
        .await;
    let user = huanjie::auth::by_id(&app.state.db, uid)
        .await
        .unwrap()
        .unwrap();
    let path = format!("/api/v1/votes/{v}/ballots");
    let body = json!({"client_id": "c-1", "ballot": for_names(&["王二"])});
    let key = huanjie::idempotency::Key::bind(
        "entry-key-1".into(),
        "POST",
        &path,
        body.to_string().as_bytes(),
    );
    // The entry alone, under its key, without the guard that would store the answer after the
    // handler: what is stored is what the entry's own transaction committed.
    let ctx = huanjie::auth::Ctx {
        user: Some(user.clone()),
        community: None,
        csrf: String::new(),
        api: true,
        origin: String::new(),
    };
    let ballot = serde_json::from_value(body["ballot"].clone()).unwrap();
    let (entered, replayed) = huanjie::idempotency::under_key(
        &format!("user:{}", user.id),
        "POST /api/v1/votes/{vote}/ballots",
        key,
        huanjie::counting::enter_ballot(&app.state, &ctx, v, "c-1", &ballot),
    )
    .await
    .unwrap();
    assert!(!replayed);
    let (status, stored): (Option<i64>, Option<String>) =
        huanjie::db::Q::new("select status, body from idempotency_keys where key = 'entry-key-1'")
            .one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(status, Some(201));
    assert_eq!(stored, Some(json!(entered).to_string()));
    // A client's retry with the key gets that answer, and no second entry is made.
    let again = app
        .send(
            Some(&counter),
            Method::POST,
            &path,
            B::Json(body.clone()),
            &[
                ("x-csrf-token", counter.csrf.as_str()),
                ("idempotency-key", "entry-key-1"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.text, json!(entered).to_string());
    assert_eq!(
        app.count(&format!(
            "select count(*) from ballot_entries where vote_id = {v}"
        ))
        .await,
        1
    );
}
