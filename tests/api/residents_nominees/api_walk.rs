//! The gates of, the roles and scope, and a walk through the API from nominations to
//! R-6 closed.

use super::*;

#[tokio::test]
async fn r5_waits_for_the_published_voter_list_and_r6_for_r5() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 4).await;
    let r = nominate(&app, Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).contains("选民登记（R-4）尚未完成，候选人提名（R-5）不能开始"),
        "{}",
        r.text
    );
    app.on("2027-05-10");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/voters/publish", res(c)),
        json!({"date": "2027-05-10"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(step_done(&app, c, "R-4").await);
    let r = nominate(&app, Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let nid = r.json()["id"].as_i64().unwrap();
    make_official(&app, c, nid).await;
    let o = api(&app, Who::Community, Method::GET, &res(c), json!(null))
        .await
        .json();
    let blockers = o["overview"]["blockers"].to_string();
    assert!(
        blockers.contains("正式候选人共 1 名，应选 5 名"),
        "{blockers}"
    );
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{}/nominees/{nid}/introduction", res(c)),
        json!({"introduction": "社区网格员", "statement": ""}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).contains("候选人提名（R-5）尚未完成，宣传介绍（R-6）不能开始"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn scrutineers_and_counters_may_not_nominate_review_or_introduce_and_sg02_staff_see_404() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 5).await;
    let nid = nominee(&app, c, p, "member").await;
    for who in [Who::Scrutineer, Who::Counter] {
        assert_eq!(
            nominate(&app, who, c, p, "deputy").await.status,
            StatusCode::FORBIDDEN
        );
        let r = review(&app, who, c, nid, ("qualification", "passed", "")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        for path in ["nominees", "introductions"] {
            let r = api(
                &app,
                who,
                Method::GET,
                &format!("{}/{path}", res(c)),
                json!(null),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        }
        let r = close_r5(&app, who, c).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let other = r5_campaign(&app, "sg02").await;
    let r = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/nominees", res(other)),
        json!(null),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{}/nominees/{nid}/withdraw", res(other)),
        json!({"reason": "另一社区"}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a nominee of another campaign"
    );
}

#[tokio::test]
async fn the_api_walks_from_nominations_to_r6_closed_with_introductions_required() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    adopt_rules(&app, c, json!({"uncontested_posts": ["member"]})).await;
    let ids = slate(&app, c, "sg01", [2, 2, 3], 1).await;
    let pending = resident(&app, "sg01", 30).await;
    nominee(&app, c, pending, "member").await;
    let r = close_r5(&app, Who::Community, c).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["checks"][0]["numbers"]["candidates"], 7);
    open_early(&app, c, "R-6").await;
    let intro = |nid: i64, text: &str| {
        let body = json!({"introduction": text, "statement": "为居民办实事"});
        let path = format!("{}/nominees/{nid}/introduction", res(c));
        let app = &app;
        async move { api(app, Who::Community, Method::PUT, &path, body).await }
    };
    for nid in &ids[..6] {
        let r = intro(*nid, "从事社区工作多年").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/introductions/done", res(c)),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).contains("以下 1 名正式候选人尚无简介：黄7"),
        "{}",
        r.text
    );
    let empty = intro(ids[6], " ").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&empty).contains("简介不能为空"));
    assert_eq!(
        intro(ids[6], "退休教师，热心公益").await.status,
        StatusCode::OK
    );
    let list = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/introductions", res(c)),
        json!(null),
    )
    .await
    .json();
    let candidates = list["candidates"].as_array().unwrap();
    assert_eq!(
        candidates.len(),
        7,
        "the pending nominee is not a candidate"
    );
    assert_eq!(candidates[0]["n"]["post"], "director");
    assert_eq!(candidates[0]["age"], 36);
    assert!(!list.to_string().contains("id_number"), "{list}");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{}/introductions/done", res(c)),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["candidates"], 7);
    assert!(step_done(&app, c, "R-6").await);
    let late = intro(ids[0], "改").await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(message(&late).contains("R-6 宣传介绍已结束"));
}
