//! The whole residents' pipeline through the JSON API, from the seats to R-8 done, with a
//! 另行选举 round; the result's elected (post, votes) and the others' votes checked against the
//! ballots entered.

use axum::http::Method;
use serde_json::{Value, json};

use super::{CANDIDATES, cast, first_round, further_round};
use crate::counting_fixtures::{call_as, staff};
use crate::fixtures::create_campaign;
use crate::helpers::{B, Client, Resp, TestApp, Who};
use crate::residents::group;

fn res(c: i64) -> String {
    format!("/api/v1/campaigns/{c}/residents")
}

async fn call(app: &TestApp, method: Method, path: &str, body: Value) -> Resp {
    app.call(Who::Community, method, path, B::Json(body)).await
}

/// A call by community staff that must answer `status`; its JSON.
async fn ok(app: &TestApp, method: Method, path: &str, body: Value, status: u16) -> Value {
    let r = call(app, method.clone(), path, body).await;
    assert_eq!(r.status, status, "{method} {path}: {}", r.text);
    r.json()
}

fn name_of(i: usize) -> &'static str {
    CANDIDATES[i].0
}

async fn state(app: &TestApp, vote: i64, body: Value) {
    ok(
        app,
        Method::POST,
        &format!("/api/v1/votes/{vote}/state"),
        body,
        200,
    )
    .await;
}

/// Both counters enter every ballot, the vote goes to review, both chiefs sign.
async fn count(app: &TestApp, room: &[Client; 3], vote: i64, ballots: &[Value]) {
    for (i, b) in ballots.iter().enumerate() {
        for (c, tag) in [(&room[1], "a"), (&room[2], "b")] {
            let body = json!({"client_id": format!("p{vote}-{i}-{tag}"), "ballot": b});
            let path = format!("/api/v1/votes/{vote}/ballots");
            let r = call_as(app, c, Method::POST, &path, B::Json(body)).await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
    }
    state(app, vote, json!({"to": "review"})).await;
    for c in [&room[0], &room[1]] {
        let path = format!("/api/v1/votes/{vote}/signoff");
        let r = call_as(app, c, Method::POST, &path, B::Empty).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
}

#[tokio::test]
async fn a_community_runs_the_whole_residents_election_through_the_api_with_a_further_election() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    // The election day is the street's.
    let r = app
        .call(
            Who::Street,
            Method::PUT,
            &format!("/api/v1/campaigns/{c}"),
            B::Json(json!({"residents_election_day": "2027-05-30"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let cast = cast(&app).await;
    let o = &cast.others;

    // C-2 and R-1.
    let v = ok(
        &app,
        Method::PUT,
        &format!("{}/seats", res(c)),
        json!({"total": 5, "deputies": 1}),
        200,
    )
    .await;
    assert_eq!(v["check"]["passed"], true, "{v}");
    let g = group(&app, "第一居民小组").await;
    for p in &o[..2] {
        ok(
            &app,
            Method::POST,
            &format!("{}/representatives", res(c)),
            json!({"group_id": g, "person_id": p}),
            200,
        )
        .await;
    }
    ok(
        &app,
        Method::POST,
        &format!("{}/representatives/done", res(c)),
        json!({}),
        200,
    )
    .await;

    //
    let v = ok(
        &app,
        Method::PUT,
        &format!("{}/committee", res(c)),
        json!({"members": o[..5], "chair": o[0], "alternates": [o[5]]}),
        200,
    )
    .await;
    assert_eq!(v["satisfied"], true, "{v}");
    ok(
        &app,
        Method::POST,
        &format!("{}/committee/done", res(c)),
        json!({}),
        200,
    )
    .await;
    let settings =
        json!({"mode": "all_voters", "uncontested_posts": ["director"], "proxy_limit": 3});
    let v = ok(
        &app,
        Method::PUT,
        &format!("{}/rules", res(c)),
        json!({"body": "第一条 本届居民委员会选举采用全体选民直接选举。", "settings": settings}),
        200,
    )
    .await;
    assert_eq!(v["settings"]["seats"]["members"], 3, "{v}");
    let v = ok(
        &app,
        Method::POST,
        &format!("{}/rules/adopt", res(c)),
        json!({"meeting_date": "2027-04-10", "attending": 2, "votes_for": 2}),
        200,
    )
    .await;
    assert_eq!(v["adopted"], true, "{v}");

    // everyone registered in bulk, the list published 20 days before.
    let v = ok(
        &app,
        Method::POST,
        &format!("{}/voters/bulk", res(c)),
        json!({}),
        200,
    )
    .await;
    let n = v["registered"].as_array().unwrap().len();
    assert!(n >= 19, "the cast is registered: {v}");
    app.on("2027-05-10");
    let v = ok(
        &app,
        Method::POST,
        &format!("{}/voters/publish", res(c)),
        json!({"date": "2027-05-10"}),
        200,
    )
    .await;
    assert_eq!(v["check"]["numbers"]["days"], 20, "{v}");
    let voters = ok(
        &app,
        Method::GET,
        &format!("{}/voters", res(c)),
        json!(null),
        200,
    )
    .await;
    let certificate = |person: i64| -> String {
        voters["voters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["person_id"] == person)
            .and_then(|x| x["certificate_no"].as_str())
            .expect("a certificate")
            .to_string()
    };

    // seven nominees, four reviews each, closed; R-6: introductions, closed.
    let mut nominees = Vec::new();
    for (i, (_, post)) in CANDIDATES.iter().enumerate() {
        let v = ok(
            &app,
            Method::POST,
            &format!("{}/nominees", res(c)),
            json!({"person_id": cast.candidates[i], "post": post, "channel": "resident_group", "nominated_by": "第一居民小组"}),
            201,
        )
        .await;
        let nid = v["id"].as_i64().unwrap();
        for review in ["qualification", "political", "discussion", "assessment"] {
            // 资格审查 is the street leading group's; community staff are refused it.
            let path = format!("{}/nominees/{nid}/reviews", res(c));
            let body =
                json!({"review": review, "result": "passed", "reason": "", "date": "2027-04-20"});
            if review == "qualification" {
                let r = call(&app, Method::POST, &path, body.clone()).await;
                assert_eq!(r.status, 403, "{}", r.text);
                let r = app
                    .call(Who::Street, Method::POST, &path, B::Json(body))
                    .await;
                assert_eq!(r.status, 201, "{}", r.text);
            } else {
                ok(&app, Method::POST, &path, body, 201).await;
            }
        }
        nominees.push(nid);
    }
    let v = ok(
        &app,
        Method::POST,
        &format!("{}/nominees/done", res(c)),
        json!({}),
        200,
    )
    .await;
    assert_eq!(v["checks"][0]["numbers"]["candidates"], 7, "{v}");
    for nid in &nominees {
        ok(
            &app,
            Method::PUT,
            &format!("{}/nominees/{nid}/introduction", res(c)),
            json!({"introduction": "长期从事社区服务工作", "statement": "为居民办实事"}),
            200,
        )
        .await;
    }
    let v = ok(
        &app,
        Method::POST,
        &format!("{}/introductions/done", res(c)),
        json!({}),
        200,
    )
    .await;
    assert_eq!(v["candidates"], 7, "{v}");

    // the meeting, its counting room, participation, the polls closed.
    let el = format!("{}/election", res(c));
    let v = ok(
        &app,
        Method::POST,
        &el,
        json!({"date": "2027-05-30", "place": "社区文化活动中心"}),
        201,
    )
    .await;
    let meeting = v["election"]["meeting_id"].as_i64().unwrap();
    let vote = v["vote"]["id"].as_i64().unwrap();
    let s = |b| staff(&app, meeting, b);
    let room = [
        s(json!({"name": "总监票人", "role": "scrutineer", "chief": true}))
            .await
            .unwrap(),
        s(json!({"name": "总计票人", "role": "counter", "chief": true, "table": 1}))
            .await
            .unwrap(),
        s(json!({"name": "计票人", "role": "counter", "table": 1}))
            .await
            .unwrap(),
    ];
    // More than half of the n voters take part: all but 居民11 at the station, 居民11 by proxy.
    let present = n / 2 + 1;
    let mut at_station: Vec<i64> = cast.candidates.clone();
    at_station.extend(o.iter().filter(|p| **p != o[10]));
    assert!(present - 1 <= at_station.len(), "{n} voters");
    for p in &at_station[..present - 1] {
        ok(
            &app,
            Method::POST,
            &format!("{el}/participations"),
            json!({"certificate": certificate(*p)}),
            201,
        )
        .await;
    }
    ok(
        &app,
        Method::POST,
        &format!("{el}/proxies"),
        json!({"principal_id": o[10], "proxy_id": o[11], "letter": "居民11委托书"}),
        201,
    )
    .await;
    let v = ok(
        &app,
        Method::POST,
        &format!("{el}/participations"),
        json!({"channel": "proxy", "person_id": o[10]}),
        201,
    )
    .await;
    assert_eq!(v["present"], present, "{v}");
    let v = ok(
        &app,
        Method::POST,
        &format!("{el}/close-polls"),
        json!({}),
        200,
    )
    .await;
    assert_eq!(v["quorum"]["passed"], true, "{v}");

    // Round 1: 赵6 and 黄7 one 委员 vote each, the third seat left unfilled.
    state(&app, vote, json!({"to": "voting"})).await;
    state(
        &app,
        vote,
        json!({"to": "counting", "ballots_collected": present}),
    )
    .await;
    let ballots: Vec<Value> = first_round(present)
        .into_iter()
        .map(|(d, dp, m)| {
            json!({"marks": {"主任": {"for": [d]}, "副主任": {"for": [dp]}, "委员": {"for": m}}})
        })
        .collect();
    count(&app, &room, vote, &ballots).await;
    let v = ok(&app, Method::GET, &el, json!(null), 200).await;
    assert_eq!(v["stage"]["complete"], false, "{v}");
    assert!(
        v["stage"]["status"]
            .as_str()
            .unwrap()
            .contains("委员须另行选举"),
        "{v}"
    );
    let r = call(&app, Method::POST, &format!("{el}/done"), json!({})).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.text.contains("选举尚未完成"), "{}", r.text);

    // The 另行选举 round, created by the counting room's "next".
    let v = ok(
        &app,
        Method::POST,
        &format!("/api/v1/votes/{vote}/next"),
        json!({}),
        201,
    )
    .await;
    assert_eq!(v["round"], "supplementary", "{v}");
    let further = v["id"].as_i64().unwrap();
    state(&app, further, json!({"to": "voting"})).await;
    state(
        &app,
        further,
        json!({"to": "counting", "present": present, "ballots_issued": present, "ballots_collected": present}),
    )
    .await;
    let ballots: Vec<Value> = further_round(present)
        .into_iter()
        .map(|m| json!({"marks": {"委员": {"for": [m]}}}))
        .collect();
    count(&app, &room, further, &ballots).await;
    let v = ok(&app, Method::GET, &el, json!(null), 200).await;
    assert_eq!(v["stage"]["complete"], true, "{v}");
    assert_eq!(v["stage"]["rounds"].as_array().unwrap().len(), 2, "{v}");
    ok(&app, Method::POST, &format!("{el}/done"), json!({}), 200).await;

    // the result checked against the ballots, published, reported, done.
    let result = format!("{}/result", res(c));
    let v = ok(&app, Method::GET, &result, json!(null), 200).await;
    let p = present as i64;
    let mut elected: Vec<(String, String, i64)> = v["result"]["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["post"].as_str().unwrap().to_string(),
                e["name"].as_str().unwrap().to_string(),
                e["votes"].as_i64().unwrap(),
            )
        })
        .collect();
    elected.sort();
    let want = |v: &[(&str, &str, i64)]| -> Vec<(String, String, i64)> {
        let mut w: Vec<_> = v
            .iter()
            .map(|(a, b, n)| (a.to_string(), b.to_string(), *n))
            .collect();
        w.sort();
        w
    };
    assert_eq!(
        elected,
        want(&[
            ("deputy", name_of(1), p - 1),
            ("director", name_of(0), p),
            ("member", name_of(3), p),
            ("member", name_of(4), p),
            ("member", name_of(5), p - 2),
        ])
    );
    let mut certs: Vec<String> = v["result"]["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["certificate_no"].as_str().unwrap().to_string())
        .collect();
    certs.sort();
    let numbers: Vec<String> = (1..=5).map(|i| format!("DX-sg01-08-{i:05}")).collect();
    assert_eq!(certs, numbers);
    let others: Vec<(String, String, u64, String)> = v["result"]["others"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["post"].as_str().unwrap().to_string(),
                x["name"].as_str().unwrap().to_string(),
                x["votes"].as_u64().unwrap(),
                x["round"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let votes_of =
        |name: &str| -> Vec<u64> { others.iter().filter(|x| x.1 == name).map(|x| x.2).collect() };
    assert_eq!(votes_of("刘3"), [1], "{others:?}");
    let mut huang = votes_of("黄7");
    huang.sort();
    assert_eq!(huang, [1, 2], "first round and 另行选举: {others:?}");
    assert!(
        others.iter().all(|x| x.1 != "陈4" && x.1 != "杨5"),
        "{others:?}"
    );
    ok(
        &app,
        Method::POST,
        &format!("{result}/publish"),
        json!({"published_on": "2027-05-31"}),
        200,
    )
    .await;
    // 备案 is recorded by the street (SPEC §1).
    let path = format!("{result}/report");
    let body = json!({"reported_street_on": "2027-06-01", "reported_civil_affairs_on": "2027-06-02", "filing_no": "民备-7"});
    let r = call(&app, Method::POST, &path, body.clone()).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = app
        .call(Who::Street, Method::POST, &path, B::Json(body))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    ok(
        &app,
        Method::POST,
        &format!("{result}/done"),
        json!({}),
        200,
    )
    .await;
    let o = ok(&app, Method::GET, &res(c), json!(null), 200).await;
    let steps: Vec<(String, String)> = o["overview"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for i in 1..=8 {
        let code = format!("R-{i}");
        assert!(
            steps.contains(&(code.clone(), "已完成".to_string())),
            "{code}: {steps:?}"
        );
    }
    assert_eq!(
        app.count(&format!(
            "select count(*) from residents_step_overrides where campaign_id = {c}"
        ))
        .await,
        0,
        "no step opened early"
    );
}
