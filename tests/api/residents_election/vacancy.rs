//! an elected write-in who is not a voter and whom the election committee does not
//! confirm leaves the seat vacant — shown with the reason, R-7 not closable, the counting
//! room's "next" having nothing to derive — until the election page's 另行选举 round for it
//! (candidates by the further-election rule) is held; the rejected person is never elected.

use axum::http::Method;
use serde_json::{Value, json};

use super::walk::{ballot, count, participate, sign, staff_of, state};
use super::{api, create, el, message, setup};
use crate::helpers::{TestApp, Who};

async fn election(app: &TestApp, c: i64) -> Value {
    api(app, Who::Community, Method::GET, &el(c), json!(null))
        .await
        .json()
}

#[tokio::test]
async fn a_rejected_write_in_leaves_the_seat_vacant_until_a_further_election_fills_it() {
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
    // 委员: 钱五 7, 周七 6, 外来人 (written in) 6, 吴八 1, 孙六 0 — three elected.
    let mut ballots = Vec::new();
    for _ in 0..6 {
        let mut b = ballot("丁一", "李三", &["钱五", "周七"]);
        b["marks"]["委员"]["write_in"] = json!(["外来人"]);
        ballots.push(b);
    }
    ballots.push(ballot("王二", "赵四", &["钱五", "吴八"]));
    count(&app, &st, vote, &ballots).await;
    let reason = "不在本社区居住，不符合当选条件";
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/writeins", el(s.c)),
        json!({"vote_id": vote, "name": "外来人", "accepted": false, "reason": reason}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    for (status, text) in sign(&app, &st, vote).await {
        assert_eq!(status, 200, "{text}");
    }

    let v = election(&app, s.c).await;
    let want =
        format!("委员空缺 1 名：外来人经居民选举委员会决定不予确认当选（{reason}），须另行选举。");
    assert_eq!(v["vacancies"][0]["name"], "外来人", "{v}");
    assert_eq!(v["vacancies"][0]["open"], true);
    assert_eq!(v["stage"]["complete"], false, "{v}");
    assert_eq!(v["stage"]["status"], want.as_str());
    assert_eq!(
        v["stage"]["rounds"][0]["elected"],
        json!(["丁一", "李三", "钱五", "周七"]),
        "not 外来人"
    );
    let page = crate::browser::Browser::log_in(&app, "t-community", crate::helpers::PASSWORD)
        .await
        .get(&format!(
            "/communities/sg01/campaigns/{}/residents/election",
            s.c
        ))
        .await;
    assert!(
        page.contains(&want) && page.contains("为空缺名额安排另行选举"),
        "{page}"
    );

    let done = format!("{}/done", el(s.c));
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(message(&r).contains(&want), "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("/api/v1/votes/{vote}/next"),
        json!({}),
    )
    .await;
    assert_eq!(
        r.status, 409,
        "the counting room sees the seat as filled: {}",
        r.text
    );

    let further = format!("{}/further", el(s.c));
    let r = api(&app, Who::Community, Method::POST, &further, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let fv = &r.json()["vote"];
    let next = fv["id"].as_i64().unwrap();
    assert_eq!(fv["round"], "supplementary", "{fv}");
    assert_eq!(fv["follows"], vote, "{fv}");
    assert_eq!(fv["posts"][0]["post"], "委员");
    assert_eq!(fv["posts"][0]["seats"], 1);
    assert_eq!(
        fv["posts"][0]["candidates"],
        json!(["孙六", "吴八"]),
        "1 seat: the 2 best not elected, in ballot (stroke) order"
    );
    let again = api(&app, Who::Community, Method::POST, &further, json!({})).await;
    assert_eq!(again.status, 409);
    assert!(
        message(&again).contains("没有因不予确认当选而空缺的名额"),
        "{}",
        again.text
    );
    let v = election(&app, s.c).await;
    assert_eq!(v["vacancies"][0]["open"], false, "{v}");
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(
        r.status, 409,
        "the further round is not counted yet: {}",
        r.text
    );

    state(&app, next, json!({"to": "voting"})).await;
    state(
        &app,
        next,
        json!({"to": "counting", "present": 7, "ballots_issued": 7, "ballots_collected": 7}),
    )
    .await;
    let mut ballots = vec![json!({"marks": {"委员": {"for": ["吴八"]}}}); 5];
    ballots.extend(vec![json!({"marks": {"委员": {"for": ["孙六"]}}}); 2]);
    count(&app, &st, next, &ballots).await;
    for (status, text) in sign(&app, &st, next).await {
        assert_eq!(status, 200, "{text}");
    }
    let v = election(&app, s.c).await;
    assert_eq!(v["stage"]["complete"], true, "{v}");
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The closed R-7 freezes its rounds: the further election cannot be reopened.
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/votes/{next}/reopen"),
        json!({"reason": "复核"}),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.text.contains("R-7 正式投票已完成"), "{}", r.text);
    let mut names: Vec<(String, String)> =
        huanjie::db::Q::new("select post, name from resident_elected")
            .all(&app.state.db)
            .await
            .unwrap();
    names.sort();
    let names: Vec<(&str, &str)> = names
        .iter()
        .map(|(p, n)| (p.as_str(), n.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("deputy", "李三"),
            ("director", "丁一"),
            ("member", "吴八"),
            ("member", "周七"),
            ("member", "钱五"),
        ]
    );
}
