//! Counting-day arrangements: a meeting of sg01 with its staff logged in, and votes driven to
//! any state through the API.

use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::{B, Client, Resp, TestApp, Who};

/// The meeting of sg01 and its staff.
#[derive(Clone, Debug)]
pub struct Room {
    /// Meeting id.
    pub meeting: i64,
    /// A meeting of sg02 (hidden from sg01's staff).
    pub other_meeting: i64,
    /// A vote of the sg02 meeting.
    pub other_vote: i64,
    /// The second counter of table 1 (the first is `Who::Counter`, the 总计票人).
    pub counter2: Client,
    /// A plain scrutineer (not 总监票人).
    pub scrutineer2: Client,
}

/// Sends as a given client with its token and a fresh idempotency key.
pub async fn call_as(app: &TestApp, c: &Client, method: Method, path: &str, body: B) -> Resp {
    let key = format!("k-{}", rand_key());
    app.send(
        Some(c),
        method,
        path,
        body,
        &[("x-csrf-token", &c.csrf), ("idempotency-key", &key)],
    )
    .await
}

fn rand_key() -> String {
    let b: [u8; 8] = rand::random();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Creates a meeting through the API as the street.
pub async fn meeting(app: &TestApp, code: &str, kind: &str) -> i64 {
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/communities/{code}/meetings"),
            B::Json(json!({"title": "党员大会", "kind": kind, "date": "2027-04-26"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["id"].as_i64().unwrap()
}

/// Adds a staff member; returns the login (logged in) when there is one.
pub async fn staff(app: &TestApp, meeting: i64, body: Value) -> Option<Client> {
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/meetings/{meeting}/staff"),
            B::Json(body),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    let user = v["username"].as_str()?.to_string();
    Some(app.login(&user, v["password"].as_str().unwrap()).await)
}

/// Sets up sg01's meeting with a chief scrutineer (as `Who::Scrutineer`), a scrutineer, and
/// two counters at table 1 (the chief as `Who::Counter`).
pub async fn room(app: &mut TestApp) -> Room {
    let m = meeting(app, "sg01", "party").await;
    let chief_s = staff(
        app,
        m,
        json!({"name": "监一", "role": "scrutineer", "chief": true}),
    )
    .await
    .unwrap();
    let scrutineer2 = staff(app, m, json!({"name": "监二", "role": "scrutineer"}))
        .await
        .unwrap();
    let chief_c = staff(
        app,
        m,
        json!({"name": "计一", "role": "counter", "chief": true, "table": 1}),
    )
    .await
    .unwrap();
    let counter2 = staff(
        app,
        m,
        json!({"name": "计二", "role": "counter", "table": 1}),
    )
    .await
    .unwrap();
    app.clients
        .retain(|(w, _)| !matches!(w, Who::Scrutineer | Who::Counter));
    app.clients.push((Who::Scrutineer, chief_s));
    app.clients.push((Who::Counter, chief_c));
    let other_meeting = meeting(app, "sg02", "party").await;
    let other_vote = vote(app, other_meeting, true).await;
    Room {
        meeting: m,
        other_meeting,
        other_vote,
        counter2,
        scrutineer2,
    }
}

/// A 委员 vote: 7 electors, 2 seats, candidates 丁一 王二 李三.
pub async fn vote(app: &TestApp, meeting: i64, double_entry: bool) -> i64 {
    // Titles are unique in a meeting: the second and later votes are numbered.
    let n = app
        .count(&format!(
            "select count(*) from votes where meeting_id = {meeting}"
        ))
        .await;
    let title = if n == 0 {
        "选举委员".to_string()
    } else {
        format!("选举委员（{}）", n + 1)
    };
    let body = json!({"title": title, "preset": "party", "electorate": 7, "double_entry": double_entry,
        "posts": [{"post": "委员", "seats": 2, "candidates": ["李三", "王二", "丁一"]}]});
    create_vote(app, meeting, body).await
}

/// Creates a vote of `meeting` as the street from its JSON body; returns its id.
pub async fn create_vote(app: &TestApp, meeting: i64, body: Value) -> i64 {
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/meetings/{meeting}/votes"),
            B::Json(body),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["id"].as_i64().unwrap()
}

/// Moves a vote to `counting` with 7 present and `collected` ballots.
pub async fn counting(app: &TestApp, vote: i64, collected: i64) {
    for body in [
        json!({"to": "voting"}),
        json!({"to": "counting", "present": 7, "ballots_issued": 7, "ballots_collected": collected}),
    ] {
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
}

/// A ballot marking these names 赞成 for 委员.
pub fn for_names(names: &[&str]) -> Value {
    json!({"marks": {"委员": {"for": names}}})
}

/// Enters one ballot as a client.
pub async fn enter(app: &TestApp, c: &Client, vote: i64, client_id: &str, ballot: Value) -> Resp {
    call_as(
        app,
        c,
        Method::POST,
        &format!("/api/v1/votes/{vote}/ballots"),
        B::Json(json!({"client_id": client_id, "ballot": ballot})),
    )
    .await
}

/// Enters the same ballot by both counters of table 1.
pub async fn enter_both(app: &TestApp, room: &Room, vote: i64, tag: &str, ballot: Value) {
    let c1 = app.client(Who::Counter).cloned().unwrap();
    assert_eq!(
        enter(app, &c1, vote, &format!("{tag}-a"), ballot.clone())
            .await
            .status,
        201
    );
    assert_eq!(
        enter(app, &room.counter2, vote, &format!("{tag}-b"), ballot)
            .await
            .status,
        201
    );
}

/// Drives a vote to `review` with the given ballots (double entry).
pub async fn review(app: &TestApp, room: &Room, vote: i64, ballots: &[Value]) {
    counting(app, vote, ballots.len() as i64).await;
    for (i, b) in ballots.iter().enumerate() {
        enter_both(app, room, vote, &format!("v{vote}-{i}"), b.clone()).await;
    }
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/votes/{vote}/state"),
            B::Json(json!({"to": "review"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// Signs as both chiefs: the vote is certified.
pub async fn certify(app: &TestApp, vote: i64) {
    for who in [Who::Scrutineer, Who::Counter] {
        let r = app
            .call(
                who,
                Method::POST,
                &format!("/api/v1/votes/{vote}/signoff"),
                B::Empty,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
}
