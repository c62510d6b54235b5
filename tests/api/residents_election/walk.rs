//! R-7 walked end to end: through the API (meeting → staff → participation at the station, by
//! proxy and at a mobile box → polls closed → counted by two counters with one 委员 seat left
//! unfilled → 另行选举 won by a write-in who is not a voter → sign-off refused until the
//! election committee decides → certified → R-7 done with the elected and their certificate
//! numbers), and through the pages.

use axum::http::Method;
use serde_json::{Value, json};

use super::{Setup, api, at_station, certificate, create, el, message, relate, setup};
use crate::browser::Browser;
use crate::counting_fixtures::{call_as, staff};
use crate::helpers::{B, Client, PASSWORD, TestApp, Who};

pub(super) struct Staff {
    chief_scrutineer: Client,
    chief_counter: Client,
    counter: Client,
}

pub(super) async fn staff_of(app: &TestApp, meeting: i64) -> Staff {
    let s = |b| staff(app, meeting, b);
    Staff {
        chief_scrutineer: s(json!({"name": "总监票人", "role": "scrutineer", "chief": true}))
            .await
            .unwrap(),
        chief_counter: s(json!({"name": "总计票人", "role": "counter", "chief": true, "table": 1}))
            .await
            .unwrap(),
        counter: s(json!({"name": "计票人", "role": "counter", "table": 1}))
            .await
            .unwrap(),
    }
}

pub(super) async fn state(app: &TestApp, vote: i64, body: Value) {
    let r = api(
        app,
        Who::Community,
        Method::POST,
        &format!("/api/v1/votes/{vote}/state"),
        body,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// Enters `ballots` by both counters and moves the vote to review.
pub(super) async fn count(app: &TestApp, st: &Staff, vote: i64, ballots: &[Value]) {
    for (i, b) in ballots.iter().enumerate() {
        for (c, tag) in [(&st.chief_counter, "a"), (&st.counter, "b")] {
            let body = json!({"client_id": format!("r{vote}-{i}-{tag}"), "ballot": b});
            let path = format!("/api/v1/votes/{vote}/ballots");
            let r = call_as(app, c, Method::POST, &path, B::Json(body)).await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
    }
    state(app, vote, json!({"to": "review"})).await;
}

/// Both chiefs sign; the answers.
pub(super) async fn sign(app: &TestApp, st: &Staff, vote: i64) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    for c in [&st.chief_scrutineer, &st.chief_counter] {
        let path = format!("/api/v1/votes/{vote}/signoff");
        let r = call_as(app, c, Method::POST, &path, B::Empty).await;
        out.push((r.status.as_u16(), r.text));
    }
    out
}

pub(super) fn ballot(director: &str, deputy: &str, members: &[&str]) -> Value {
    json!({"marks": {"主任": {"for": [director]}, "副主任": {"for": [deputy]}, "委员": {"for": members}}})
}

/// Seven voters take part: five at the station, one by proxy, one at a mobile box.
pub(super) async fn participate(app: &TestApp, s: &Setup) {
    let path = format!("{}/participations", el(s.c));
    for name in ["丁一", "王二", "李三", "赵四", "钱五"] {
        let r = at_station(app, s.c, &certificate(app, s.id(name)).await).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    relate(app, s.id("郑九"), s.id("冯十"), "spouse").await;
    let r = api(
        app,
        Who::Community,
        Method::POST,
        &format!("{}/proxies", el(s.c)),
        json!({"principal_id": s.id("冯十"), "proxy_id": s.id("郑九"), "letter": "冯十委托书"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = api(
        app,
        Who::Community,
        Method::POST,
        &path,
        json!({"channel": "proxy", "person_id": s.id("冯十")}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = api(
        app,
        Who::Street,
        Method::POST,
        &format!("{}/boxes", el(s.c)),
        json!({"name": "流动票箱一", "approval": "同意", "scrutineers": ["甲", "乙", "丙"]}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let b = r.json()["id"].as_i64().unwrap();
    let cert = certificate(app, s.id("郑九")).await;
    let r = api(
        app,
        Who::Community,
        Method::POST,
        &path,
        json!({"channel": "mobile_box", "box_id": b, "certificate": cert}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["present"], 7);
    assert_eq!(
        r.json()["counts"],
        json!([["中心投票站", 5], ["委托投票", 1], ["流动票箱", 1]])
    );
}

#[tokio::test]
async fn an_election_runs_through_the_api_with_a_further_election_won_by_a_write_in() {
    let app = TestApp::spawn().await;
    let s = setup(&app, &["郑九", "冯十"]).await;
    let (meeting, vote) = create(&app, s.c).await;
    let st = staff_of(&app, meeting).await;
    participate(&app, &s).await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/close-polls", el(s.c)),
        json!({}),
    )
    .await;
    assert_eq!(r.json()["quorum"]["passed"], true, "{}", r.text);
    state(&app, vote, json!({"to": "voting"})).await;
    state(
        &app,
        vote,
        json!({"to": "counting", "ballots_collected": 7}),
    )
    .await;
    let mut ballots = Vec::new();
    for member in ["周七", "周七", "周七", "吴八", "吴八", "吴八"] {
        let mut b = ballot("丁一", "李三", &["钱五", member]);
        b["marks"]["委员"]["write_in"] = json!(["外来人"]);
        ballots.push(b);
    }
    ballots.push(ballot("王二", "赵四", &["钱五", "孙六"]));
    count(&app, &st, vote, &ballots).await;
    let signed = sign(&app, &st, vote).await;
    assert_eq!(signed[0].0, 409, "{}", signed[0].1);
    assert!(
        signed[0]
            .1
            .contains("另选他人当选的外来人（委员）不是本社区登记选民"),
        "{}",
        signed[0].1
    );
    let v = api(&app, Who::Community, Method::GET, &el(s.c), json!(null))
        .await
        .json();
    assert_eq!(v["flags"][0]["name"], "外来人");
    assert_eq!(v["flags"][0]["decision"], Value::Null);
    let writein = format!("{}/writeins", el(s.c));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &writein,
        json!({"vote_id": vote, "name": "外来人", "accepted": true, "reason": ""}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("必须写明理由"), "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &writein,
        json!({"vote_id": vote, "name": "外来人", "accepted": true, "reason": "系本社区居住满一年的居民，经居民选举委员会核实"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    for (status, text) in sign(&app, &st, vote).await {
        assert_eq!(status, 200, "{text}");
    }
    let v = api(&app, Who::Community, Method::GET, &el(s.c), json!(null))
        .await
        .json();
    let stage = &v["stage"];
    assert_eq!(stage["complete"], false, "{stage}");
    assert!(
        stage["status"].as_str().unwrap().contains("委员须另行选举"),
        "{stage}"
    );
    let done = format!("{}/done", el(s.c));
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, 409);
    assert!(message(&r).contains("选举尚未完成"), "{}", r.text);
    // The counting room's "next" action creates the 另行选举 round.
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("/api/v1/votes/{vote}/next"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let next = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["round"], "supplementary");
    state(&app, next, json!({"to": "voting"})).await;
    state(
        &app,
        next,
        json!({"to": "counting", "present": 7, "ballots_issued": 7, "ballots_collected": 7}),
    )
    .await;
    let mut ballots = vec![json!({"marks": {"委员": {"for": ["周七"]}}}); 5];
    ballots.extend(vec![json!({"marks": {"委员": {"for": ["吴八"]}}}); 2]);
    count(&app, &st, next, &ballots).await;
    for (status, text) in sign(&app, &st, next).await {
        assert_eq!(status, 200, "{text}");
    }
    let v = api(&app, Who::Community, Method::GET, &el(s.c), json!(null))
        .await
        .json();
    assert_eq!(v["stage"]["complete"], true, "{v}");
    assert_eq!(v["stage"]["rounds"].as_array().unwrap().len(), 2);
    assert_eq!(v["flags"][0]["decision"][0], true);
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rows: Vec<(String, String, i64, String)> = huanjie::db::Q::new(
        "select post, name, votes, certificate_no from resident_elected order by certificate_no",
    )
    .all(&app.state.db)
    .await
    .unwrap();
    let mut names: Vec<(&str, &str, i64)> = rows
        .iter()
        .map(|(p, n, v, _)| (p.as_str(), n.as_str(), *v))
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            ("deputy", "李三", 6),
            ("director", "丁一", 6),
            ("member", "周七", 5),
            ("member", "外来人", 6),
            ("member", "钱五", 7),
        ]
    );
    let certs: Vec<String> = rows.iter().map(|r| r.3.clone()).collect();
    let want: Vec<String> = (1..=5).map(|i| format!("DX-sg01-08-{i:05}")).collect();
    assert_eq!(certs, want);
    let (person,): (Option<i64>,) =
        huanjie::db::Q::new("select person_id from resident_elected where name = '周七'")
            .one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(person, Some(s.id("周七")));
    assert_eq!(
        app.count("select count(*) from campaign_steps where code = 'R-7' and done_at is not null")
            .await,
        1
    );
}

#[tokio::test]
async fn a_community_runs_the_election_through_the_pages() {
    let app = TestApp::spawn().await;
    let s = setup(&app, &["郑九"]).await;
    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;
    let base = format!("/communities/sg01/campaigns/{}/residents/election", s.c);
    let page = staff.get(&base).await;
    assert!(
        page.contains("正式候选人 8 名，登记选民 9 人") && page.contains("副主任：李三"),
        "{page}"
    );
    let (msg, page) = staff
        .submit_flash(
            &page,
            &base,
            &[("date", "2027-05-30"), ("place", "社区礼堂")],
        )
        .await;
    assert!(msg.contains("已创建选举大会和投票"), "{msg}");
    assert!(page.contains("主持人：居民选举委员会主任郑主任"), "{page}");
    assert!(page.contains("计票室：推选总监票人"), "{page}");
    let station = staff.get(&format!("{base}/station")).await;
    assert!(station.contains("autofocus"), "{station}");
    let action = format!("{base}/participations");
    let cert = certificate(&app, s.id("郑九")).await;
    let (msg, station) = staff
        .submit_flash(&station, &action, &[("certificate", &cert)])
        .await;
    assert!(msg.contains("郑九已登记参加投票"), "{msg}");
    assert!(station.contains("中心投票站 1 人"), "{station}");
    let (msg, _) = staff
        .submit_flash(&station, &action, &[("certificate", &cert)])
        .await;
    assert!(msg.contains("每名选民只能投票一次"), "{msg}");
    let page = staff.get(&base).await;
    let (msg, page) = staff
        .submit_flash(&page, &format!("{base}/close-polls"), &[])
        .await;
    assert!(
        msg.contains("参加投票 1 人") && msg.contains("选举无效"),
        "{msg}"
    );
    assert!(page.contains("id=\"quorum\""), "{page}");
    let (msg, _) = staff
        .submit_flash(&page, &format!("{base}/done"), &[])
        .await;
    assert!(msg.contains("选举尚未完成"), "{msg}");
    let print = staff.get(&format!("{base}/proxies/print")).await;
    assert!(print.contains("无委托投票"), "{print}");
}
