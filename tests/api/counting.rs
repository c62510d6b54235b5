//! The counting room: states, entry, double entry, queues, sign-off, staff rules, events.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::counting_fixtures::{
    call_as, certify, counting, enter, enter_both, for_names, meeting, review, room, staff, vote,
};
use crate::helpers::{B, TestApp, Who};

#[tokio::test]
async fn no_ballot_is_entered_outside_counting_and_nothing_changes_after_certification() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    let c = app.client(Who::Counter).cloned().unwrap();
    let r = enter(&app, &c, v, "early", for_names(&["丁一"])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    review(&app, &room, v, &[for_names(&["丁一", "王二"])]).await;
    certify(&app, v).await;
    let r = enter(&app, &c, v, "late", for_names(&["丁一"])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/votes/{v}/state"),
            B::Json(json!({"to": "counting"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a certified vote does not move back by a state change"
    );
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("/api/v1/votes/{v}/reopen"),
            B::Json(json!({"reason": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only the street reopens");
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/votes/{v}/reopen"),
            B::Json(json!({"reason": " "})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/votes/{v}/reopen"),
            B::Json(json!({"reason": "第 1 张录入有误"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["state"], "counting");
}

#[tokio::test]
async fn a_retried_entry_answers_the_first_and_double_entry_counts_only_agreement() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    counting(&app, v, 3).await;
    let c1 = app.client(Who::Counter).cloned().unwrap();
    let a = enter(&app, &c1, v, "x1", for_names(&["丁一"])).await;
    assert_eq!(
        (
            a.status,
            a.json()["seq"].as_i64(),
            a.json()["status"].as_str()
        ),
        (StatusCode::CREATED, Some(1), Some("pending"))
    );
    let again = enter(&app, &c1, v, "x1", for_names(&["丁一"])).await;
    assert_eq!(
        (again.status, again.json()["seq"].as_i64()),
        (StatusCode::OK, Some(1))
    );
    assert_eq!(app.count("select count(*) from ballot_entries").await, 1);
    // The second counter agrees (another order of the same names): ballot 1 counts.
    let b = enter(
        &app,
        &room.counter2,
        v,
        "y1",
        json!({"marks": {"委员": {"for": ["丁一"], "write_in": [" "]}}}),
    )
    .await;
    assert_eq!(b.json()["status"], "agreed");
    // Ballot 2 disagrees: it goes to the scrutineers.
    enter(&app, &c1, v, "x2", for_names(&["丁一", "王二"])).await;
    let d = enter(&app, &room.counter2, v, "y2", for_names(&["丁一", "李三"])).await;
    assert_eq!(d.json()["status"], "disputed");
    let q = app
        .call(
            Who::Scrutineer,
            Method::GET,
            &format!("/api/v1/votes/{v}/disputes"),
            B::Empty,
        )
        .await
        .json();
    assert_eq!(
        q["disputes"][0]["versions"].as_array().unwrap().len(),
        2,
        "both versions side by side"
    );
    let r = app
        .call(
            Who::Counter,
            Method::POST,
            &format!("/api/v1/votes/{v}/disputes/2"),
            B::Json(json!({"ballot": for_names(&["丁一", "王二"])})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "counters do not resolve disputes"
    );
    let r = app
        .call(
            Who::Scrutineer,
            Method::POST,
            &format!("/api/v1/votes/{v}/disputes/2"),
            B::Json(json!({"ballot": for_names(&["丁一", "王二"])})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let result = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/votes/{v}/result"),
            B::Empty,
        )
        .await
        .json();
    assert_eq!(result["ballots"]["counted"], 2);
    assert_eq!(result["provisional"], true);
    assert_eq!(result["posts"][0]["candidates"][0]["name"], "丁一");
    assert_eq!(result["posts"][0]["candidates"][0]["for"], 2);
}

#[tokio::test]
async fn a_counter_voids_the_last_entry_and_the_next_takes_its_number() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, false).await;
    counting(&app, v, 2).await;
    let c = app.client(Who::Counter).cloned().unwrap();
    enter(&app, &c, v, "a", for_names(&["丁一"])).await;
    let wrong = enter(&app, &c, v, "b", for_names(&["李三"])).await;
    assert_eq!(
        (
            wrong.json()["seq"].as_i64(),
            wrong.json()["status"].as_str()
        ),
        (Some(2), Some("counted"))
    );
    let r = call_as(
        &app,
        &c,
        Method::POST,
        &format!("/api/v1/votes/{v}/ballots/void-last"),
        B::Empty,
    )
    .await;
    assert_eq!(r.json()["voided_seq"], 2);
    let right = enter(&app, &c, v, "c", for_names(&["王二"])).await;
    assert_eq!(right.json()["seq"], 2);
    let result = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/votes/{v}/result"),
            B::Empty,
        )
        .await
        .json();
    let names: Vec<(String, i64)> = result["posts"][0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().into(),
                c["for"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        names.contains(&("李三".into(), 0)) && names.contains(&("王二".into(), 1)),
        "{names:?}"
    );
    assert!(
        app.count("select count(*) from audit_log where action = 'void'")
            .await
            == 1
    );
}

#[tokio::test]
async fn undecided_ballots_are_decided_by_the_committee_and_invalid_ones_still_count_as_cast() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    counting(&app, v, 3).await;
    enter_both(&app, &room, v, "u1", json!({"undecided": true})).await;
    enter_both(&app, &room, v, "u2", json!({"undecided": true})).await;
    enter_both(&app, &room, v, "ok", for_names(&["丁一"])).await;
    let q = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/api/v1/votes/{v}/undecided"),
            B::Empty,
        )
        .await
        .json();
    assert_eq!(q["undecided"].as_array().unwrap().len(), 2);
    let r = app
        .call(
            Who::Scrutineer,
            Method::POST,
            &format!("/api/v1/votes/{v}/undecided/1"),
            B::Json(json!({"ballot": for_names(&["丁一"])})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "scrutineers decide no ballot's validity"
    );
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("/api/v1/votes/{v}/undecided/1"),
            B::Json(json!({"ballot": for_names(&["丁一"])})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/votes/{v}/undecided/2"),
            B::Json(json!({"ballot": {"invalid": true, "reason": "多画"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let result = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/votes/{v}/result"),
            B::Empty,
        )
        .await
        .json();
    assert_eq!(
        (
            result["ballots"]["counted"].as_i64(),
            result["ballots"]["invalid"].as_i64()
        ),
        (Some(3), Some(1))
    );
    assert_eq!(result["posts"][0]["candidates"][0]["for"], 2);
}

#[tokio::test]
async fn sign_off_is_refused_while_anything_is_pending_or_the_counts_differ() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    counting(&app, v, 2).await;
    enter_both(&app, &room, v, "a", for_names(&["丁一"])).await;
    let c = app.client(Who::Counter).cloned().unwrap();
    enter(&app, &c, v, "b", for_names(&["王二"])).await;
    let path = format!("/api/v1/votes/{v}/state");
    let to_review = || {
        app.call(
            Who::Street,
            Method::POST,
            &path,
            B::Json(json!({"to": "review"})),
        )
    };
    let r = to_review().await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("待另一人录入 1 张"),
        "{}",
        r.text
    );
    let r = app
        .call(
            Who::Scrutineer,
            Method::POST,
            &format!("/api/v1/votes/{v}/signoff"),
            B::Empty,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "nothing to sign before review"
    );
    enter(&app, &room.counter2, v, "c", for_names(&["王二"])).await;
    assert_eq!(to_review().await.status, StatusCode::OK);
    // A counter who is not the 总计票人 cannot sign; each chief signs once.
    let r = call_as(
        &app,
        &room.counter2,
        Method::POST,
        &format!("/api/v1/votes/{v}/signoff"),
        B::Empty,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = call_as(
        &app,
        &room.scrutineer2,
        Method::POST,
        &format!("/api/v1/votes/{v}/signoff"),
        B::Empty,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            Who::Scrutineer,
            Method::POST,
            &format!("/api/v1/votes/{v}/signoff"),
            B::Empty,
        )
        .await;
    assert_eq!(r.json()["state"], "review");
    assert_eq!(
        app.call(
            Who::Scrutineer,
            Method::POST,
            &format!("/api/v1/votes/{v}/signoff"),
            B::Empty
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    let r = app
        .call(
            Who::Counter,
            Method::POST,
            &format!("/api/v1/votes/{v}/signoff"),
            B::Empty,
        )
        .await;
    assert_eq!(r.json()["state"], "certified");
    assert_eq!(r.json()["audit_head"].as_str().map(str::len), Some(64));
}

#[tokio::test]
async fn a_box_with_more_ballots_than_voters_is_void_and_is_re_run() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    counting(&app, v, 8).await;
    let r = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/votes/{v}/result"),
            B::Empty,
        )
        .await
        .json();
    assert_eq!(r["valid"], false);
    assert_eq!(r["void_reasons"][0], "ballots_exceed_voters");
    assert_eq!(
        app.call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/votes/{v}/state"),
            B::Json(json!({"to": "review"}))
        )
        .await
        .status,
        StatusCode::OK
    );
    certify(&app, v).await;
    let next = app
        .call(
            Who::Community,
            Method::POST,
            &format!("/api/v1/votes/{v}/next"),
            B::Empty,
        )
        .await;
    assert_eq!(next.status, StatusCode::CREATED, "{}", next.text);
    let n = next.json();
    assert_eq!(
        (
            n["state"].as_str(),
            n["follows"].as_i64(),
            n["round"].as_str()
        ),
        (Some("draft"), Some(v), Some("first"))
    );
    assert_eq!(
        n["posts"][0]["candidates"],
        json!(["丁一", "王二", "李三"]),
        "the re-run is defined as the vote was, in stroke order"
    );
}

#[tokio::test]
async fn the_certified_result_equals_the_engine_on_the_same_ballots_and_a_tie_gets_a_re_vote() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    let ballots = vec![
        for_names(&["丁一", "王二"]),
        for_names(&["丁一", "李三"]),
        for_names(&["丁一", "王二"]),
        for_names(&["丁一", "李三"]),
        json!({"invalid": true, "reason": "多画"}),
        for_names(&["丁一"]),
    ];
    review(&app, &room, v, &ballots).await;
    certify(&app, v).await;
    let got = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/votes/{v}/result"),
            B::Empty,
        )
        .await
        .json();
    let input = json!({"preset": "party", "electorate": 7, "present": 7, "ballots_issued": 7, "ballots_collected": 6,
        "posts": [{"post": "委员", "seats": 2, "candidates": ["丁一", "王二", "李三"]}],
        "ballots": ballots.iter().map(|b| if b.get("invalid").is_some() { json!({"invalid": true}) } else { b.clone() }).collect::<Vec<_>>()});
    let expected: serde_json::Value =
        serde_json::from_str(&huanjie::domain::tally::tally_json(&input.to_string()).unwrap())
            .unwrap();
    for key in ["valid", "quorum", "ballots", "posts"] {
        assert_eq!(got[key], expected[key], "{key}");
    }
    assert_eq!(got["certified"], true);
    // 丁一 5 votes elected; 王二 and 李三 tie on 2 below the threshold of 4: not elected, a further election.
    assert_eq!(got["posts"][0]["elected"], json!(["丁一"]));
    let next = app
        .call(
            Who::Community,
            Method::POST,
            &format!("/api/v1/votes/{v}/next"),
            B::Empty,
        )
        .await;
    assert_eq!(next.status, StatusCode::CREATED, "{}", next.text);
    assert_eq!(next.json()["round"], "supplementary");
}

#[tokio::test]
async fn candidates_and_in_residents_votes_their_relatives_cannot_be_staff() {
    let mut app = TestApp::spawn().await;
    let _ = room(&mut app).await;
    let husband = crate::fixtures::create_person(
        &app,
        "sg01",
        "周一",
        &crate::helpers::id_number("19700101", 11),
    )
    .await;
    let wife = crate::fixtures::create_person(
        &app,
        "sg01",
        "吴二",
        &crate::helpers::id_number("19720101", 12),
    )
    .await;
    app.call(
        Who::Street,
        Method::POST,
        &format!("/api/v1/communities/sg01/people/{husband}/relations"),
        B::Json(json!({"kind": "spouse", "other_id": wife})),
    )
    .await;
    let m = meeting(&app, "sg01", "residents").await;
    let body = json!({"title": "选举主任", "preset": "residents", "electorate": 100, "posts": [{"post": "主任", "seats": 1, "candidates": [{"name": "周一", "person_id": husband}, "郑三"]}]});
    assert_eq!(
        app.call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/meetings/{m}/votes"),
            B::Json(body)
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/meetings/{m}/staff"),
            B::Json(json!({"person_id": wife, "role": "counter"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("近亲属"),
        "{}",
        r.text
    );
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/meetings/{m}/staff"),
            B::Json(json!({"name": "郑三", "role": "scrutineer"})),
        )
        .await;
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("候选人")
    );
    // A vote naming a member of the staff is refused too.
    staff(&app, m, json!({"name": "冯四", "role": "caller"})).await;
    let body = json!({"title": "选举委员", "preset": "residents", "electorate": 100, "posts": [{"post": "委员", "seats": 1, "candidates": ["冯四", "陈五"]}]});
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/meetings/{m}/votes"),
            B::Json(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn counters_act_only_in_their_own_meeting_and_lose_their_login_when_it_closes() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, false).await;
    counting(&app, v, 1).await;
    let c = app.client(Who::Counter).cloned().unwrap();
    let other = room.other_vote;
    let r = enter(&app, &c, other, "z", for_names(&["丁一"])).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another meeting's vote does not exist for this counter"
    );
    let r = app
        .call(
            Who::Scrutineer,
            Method::POST,
            &format!("/api/v1/votes/{v}/ballots"),
            B::Json(json!({"client_id": "s", "ballot": for_names(&["丁一"])})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "scrutineers enter no ballots"
    );
    assert_eq!(
        app.call(
            Who::Counter,
            Method::GET,
            "/api/v1/communities/sg01",
            B::Empty
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    enter(&app, &c, v, "one", for_names(&["丁一"])).await;
    app.call(
        Who::Street,
        Method::POST,
        &format!("/api/v1/votes/{v}/state"),
        B::Json(json!({"to": "review"})),
    )
    .await;
    certify(&app, v).await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/meetings/{}/close", room.meeting),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        app.send(Some(&c), Method::GET, "/api/v1/me", B::Empty, &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .send(
            None,
            Method::POST,
            "/api/v1/login",
            B::Json(json!({"username": "m1-jj1", "password": "whatever"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_staff_replay_answers_the_same_login_without_the_password() {
    let app = TestApp::spawn().await;
    let m = meeting(&app, "sg01", "party").await;
    let c = app.client(Who::Street).cloned().unwrap();
    let headers = [
        ("x-csrf-token", c.csrf.as_str()),
        ("idempotency-key", "staff-1"),
    ];
    let body = || B::Json(json!({"name": "监三", "role": "scrutineer"}));
    let a = app
        .send(
            Some(&c),
            Method::POST,
            &format!("/api/v1/meetings/{m}/staff"),
            body(),
            &headers,
        )
        .await
        .json();
    let b = app
        .send(
            Some(&c),
            Method::POST,
            &format!("/api/v1/meetings/{m}/staff"),
            body(),
            &headers,
        )
        .await
        .json();
    assert!(a["password"].is_string());
    assert_eq!(a["username"], b["username"]);
    assert!(b["password"].is_null());
}

#[tokio::test]
async fn a_subscribed_client_receives_a_tally_event_including_a_new_ballot() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, false).await;
    counting(&app, v, 3).await;
    // A real socket: the router served on port 0, read with a raw HTTP/1.1 request.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    let c = app.client(Who::Street).cloned().unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET /api/v1/votes/{v}/events HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\nAccept: text/event-stream\r\n\r\n",
        c.cookie
    );
    sock.write_all(req.as_bytes()).await.unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 8192];
    // The first event is the current state (0 counted).
    while !seen.contains("event: tally") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), sock.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let counter = app.client(Who::Counter).cloned().unwrap();
    assert_eq!(
        enter(&app, &counter, v, "sse-1", for_names(&["王二"]))
            .await
            .status,
        StatusCode::CREATED
    );
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        if seen.contains("\"counted\":1") && seen.contains("王二") {
            break;
        }
        let n = tokio::time::timeout_at(deadline, sock.read(&mut buf))
            .await
            .expect("a tally event within 5 s")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.contains("text/event-stream"));
}
