//! Nominations and reviews: the four reviews in order and failed only with a reason, one post per
//! person unless the rules allow two, an election committee member stepping down, and C-3 for an
//! over-age nominee until the street overrides it.

use super::*;

#[tokio::test]
async fn a_review_out_of_order_or_failed_without_a_reason_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 1).await;
    let nid = nominee(&app, c, p, "member").await;
    let audit = app.audit_count().await;
    let r = review(&app, Who::Community, c, nid, ("political", "passed", "")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).contains("审查应按顺序进行：李1的下一项审查是资格审查，不能记录政审"),
        "{}",
        r.text
    );
    let r = review(
        &app,
        Who::Community,
        c,
        nid,
        ("qualification", "failed", " "),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&r).contains("审查不通过必须写明理由"), "{}", r.text);
    assert_eq!(
        app.count("select count(*) from resident_nominee_reviews")
            .await,
        0
    );
    assert_eq!(app.audit_count().await, audit);
    let r = review(&app, Who::Community, c, nid, ("资格审查", "通过", "")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = review(
        &app,
        Who::Community,
        c,
        nid,
        ("political", "failed", "群众反映问题待核实"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let j = r.json();
    assert_eq!(j["status"], "审查中");
    assert_eq!(j["next_review"], "political");
    assert!(
        j["reviews_check"]["message"]
            .as_str()
            .unwrap()
            .contains("通过 1/4 项审查，政审未通过（群众反映问题待核实）"),
        "{j}"
    );
    let r = review(&app, Who::Community, c, nid, ("discussion", "passed", "")).await;
    assert!(message(&r).contains("下一项审查是政审"), "{}", r.text);
    for step in ["political", "discussion", "assessment"] {
        let r = review(&app, Who::Community, c, nid, (step, "passed", "")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let list = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/nominees", res(c)),
        json!(null),
    )
    .await
    .json();
    assert_eq!(list["nominees"][0]["status"], "正式候选人");
    assert_eq!(list["official"][0]["name"], "李1");
    let r = review(&app, Who::Community, c, nid, ("assessment", "passed", "")).await;
    assert!(message(&r).contains("已通过全部四项审查"), "{}", r.text);
}

#[tokio::test]
async fn a_second_post_for_the_same_person_is_refused_unless_the_rules_allow_two_posts() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 2).await;
    nominee(&app, c, p, "director").await;
    let r = nominate(&app, Who::Community, c, p, "主任").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("张2已被提名为主任候选人，不能重复提名"),
        "{}",
        r.text
    );
    let r = nominate(&app, Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("张2被提名为主任、委员共 2 个职位的候选人，选举办法规定一人只能为一个职位的候选人，不符合"),
        "{}",
        r.text
    );
    adopt_rules(&app, c, json!({"two_posts": true})).await;
    let r = nominate(&app, Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = nominate(&app, Who::Community, c, p, "deputy").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&r).contains("共 3 个职位"), "{}", r.text);
    assert_eq!(app.count("select count(*) from resident_nominees").await, 2);
}

#[tokio::test]
async fn an_election_committee_member_nominated_steps_down_and_the_next_alternate_takes_the_seat() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(resident(&app, "sg01", 20 + i).await);
    }
    open_early(&app, c, "R-2").await;
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{}/committee", res(c)),
        json!({"members": ids[..5], "chair": ids[0], "alternates": ids[5..]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = nominate(&app, Who::Community, c, ids[2], "member").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let stepped = r.json()["stepped_down"].clone();
    assert_eq!(stepped.as_array().unwrap().len(), 1, "{stepped}");
    let sentence = stepped[0].as_str().unwrap();
    assert!(
        sentence.contains("徐22被提名为候选人，退出选举委员会")
            && sentence.contains("由候补委员李25依次递补"),
        "{sentence}"
    );
    let k = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/committee", res(c)),
        json!(null),
    )
    .await
    .json();
    let members: Vec<i64> = k["committee"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["person_id"].as_i64().unwrap())
        .collect();
    assert!(
        members.contains(&ids[5]) && !members.contains(&ids[2]),
        "{k}"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from residents_substitutions where campaign_id = {c}"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn an_over_age_nominee_fails_the_qualification_review_until_the_street_overrides_c3() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 3).await;
    Q::new("update people set birth_date = '1970-01-01' where id = $1")
        .bind(p)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = nominate(&app, Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let j = r.json();
    let age = &j["checks"][0];
    assert_eq!(age["rule"], "C-3.age");
    assert_eq!(age["passed"], false);
    assert_eq!(age["numbers"]["limit"], 40, "a new entrant: {j}");
    assert!(
        age["message"]
            .as_str()
            .unwrap()
            .contains("新进人选任委员的上限为 40 周岁，超出")
    );
    assert_eq!(
        j["checks"][1]["passed"], true,
        "大专 for a new entrant: {j}"
    );
    let nid = j["id"].as_i64().unwrap();
    let r = review(
        &app,
        Who::Community,
        c,
        nid,
        ("qualification", "passed", ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("资格审查不能通过：年龄：")
            && message(&r).contains("未经街道工作组批准放宽"),
        "{}",
        r.text
    );
    let chk = app
        .count(&format!(
            "select id from rule_checks where subject_type = 'resident_nominee' and subject_id = {nid} and rule = 'C-3.age'"
        ))
        .await;
    let path = format!("/api/v1/checks/{chk}/override");
    let denied = api(
        &app,
        Who::Community,
        Method::POST,
        &path,
        json!({"reason": "经研究同意"}),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &path,
        json!({"reason": "群众公认、工作实绩突出"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = review(
        &app,
        Who::Community,
        c,
        nid,
        ("qualification", "passed", ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let j = r.json();
    assert_eq!(j["next_review"], "political");
    assert_eq!(
        j["checks"][0]["overridden"], "群众公认、工作实绩突出",
        "{j}"
    );
}
