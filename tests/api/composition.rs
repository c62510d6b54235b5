//! C-5 (at least N of a gender in each team: a warning on the candidate lists, pass/fail on the
//! elected, overridable with a reason) and C-6 (交叉任职, 一肩挑) on a community's new committees.

use axum::http::{Method, StatusCode};
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::fixtures::create_campaign;
use crate::helpers::{B, TestApp, Who};

async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Value {
    let r = app.call(who, method, path, B::Json(body)).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text);
    r.json()
}

/// A person of sg01 with a gender and no ID number; their id.
async fn person(app: &TestApp, name: &str, gender: &str) -> i64 {
    let v = api(
        app,
        Who::Street,
        Method::POST,
        "/api/v1/communities/sg01/people",
        json!({"name": name, "gender": gender}),
    )
    .await;
    v["person"]["id"].as_i64().unwrap()
}

/// A Party committee member elected in P-6 (as P-7 lists them), stored directly.
async fn party_elected(app: &TestApp, c: i64, person: i64, post: &str) {
    Q::new("insert into party_approvals (campaign_id, person_id, post, status, created_at) values ($1, $2, $3, 'pending', $4)")
        .bind(c)
        .bind(person)
        .bind(post)
        .bind(huanjie::now())
        .execute(&app.state.db)
        .await
        .unwrap();
}

/// A residents' committee member elected in R-7, stored directly.
async fn resident_elected(app: &TestApp, c: i64, vote: i64, person: i64, name: &str, post: &str) {
    Q::new(
        "insert into resident_elected (campaign_id, vote_id, post, name, person_id, votes, certificate_no, created_at) \
         values ($1, $2, $3, $4, $5, 9, $6, $7)",
    )
    .bind(c)
    .bind(vote)
    .bind(post)
    .bind(name)
    .bind(person)
    .bind(format!("测试-{person}-{post}"))
    .bind(huanjie::now())
    .execute(&app.state.db)
    .await
    .unwrap();
}

/// An official residents' candidate: a nominee with the four reviews passed.
async fn official(app: &TestApp, c: i64, person: i64) {
    let id = Q::new(
        "insert into resident_nominees (campaign_id, person_id, post, channel, created_at, updated_at) \
         values ($1, $2, 'member', 'self_nomination', $3, $3) returning id",
    )
    .bind(c)
    .bind(person)
    .bind(huanjie::now())
    .scalar(&app.state.db)
    .await
    .unwrap();
    for review in ["qualification", "political", "discussion", "assessment"] {
        Q::new("insert into resident_nominee_reviews (nominee_id, review, passed, created_at) values ($1, $2, $3, $4)")
            .bind(id)
            .bind(review)
            .bind(true)
            .bind(huanjie::now())
            .execute(&app.state.db)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_candidate_list_of_men_only_warns_and_one_woman_passes() {
    // Arrange
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    for name in ["甲男", "乙男", "丙男"] {
        let p = person(&app, name, "男").await;
        official(&app, c, p).await;
    }
    let page = format!("/communities/sg01/campaigns/{c}/residents/nominees");

    // Act + Assert: men only — a warning, with the numbers.
    let r = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("提示（不影响提名）"), "{}", r.text);
    assert!(
        r.text
            .contains("居民委员会正式候选人共 3 人，其中女性 0 人，要求至少 1 名女性"),
        "{}",
        r.text
    );
    let v = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("/api/v1/campaigns/{c}/residents/nominees"),
        json!({}),
    )
    .await;
    assert_eq!(v["c5"]["passed"], false);
    assert_eq!(v["c5"]["numbers"]["count"], 0);

    // Exactly one woman: passes.
    let p = person(&app, "丁女", "女").await;
    official(&app, c, p).await;
    let r = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert!(!r.text.contains("提示（不影响提名）"), "{}", r.text);
    let v = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("/api/v1/campaigns/{c}/residents/nominees"),
        json!({}),
    )
    .await;
    assert_eq!(v["c5"]["passed"], true);
    assert_eq!(v["c5"]["numbers"]["count"], 1);
    assert_eq!(v["c5"]["numbers"]["min"], 1);
}

#[tokio::test]
async fn c5_on_the_elected_fails_for_men_only_and_the_streets_override_records_its_reason() {
    // Arrange: a Party committee of three men.
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let a = person(&app, "甲男", "男").await;
    party_elected(&app, c, a, "书记").await;
    party_elected(&app, c, a, "委员").await;
    for name in ["乙男", "丙男"] {
        let p = person(&app, name, "男").await;
        party_elected(&app, c, p, "委员").await;
    }
    let path = format!("/api/v1/campaigns/{c}/composition");

    // Act
    let v = api(&app, Who::Community, Method::GET, &path, json!({})).await;

    // Assert: fails with the numbers; the community's staff may not override.
    let k = &v["c5"]["party"];
    assert_eq!(k["passed"], false, "{v}");
    assert_eq!(k["rule"], "C-5");
    assert!(
        k["message"]
            .as_str()
            .unwrap()
            .contains("新一届党组织委员会共 3 人，其中女性 0 人"),
        "{k}"
    );
    assert!(v["c5"]["residents"].is_null());
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("{path}/override"),
            B::Json(json!({"team": "party", "reason": "本社区女党员少"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("{path}/override"),
            B::Json(json!({"team": "party", "reason": " "})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);

    // The street overrides with a reason, through the page's form.
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/communities/sg01/campaigns/{c}/composition/override"),
            B::Form(vec![
                ("team".into(), "party".into()),
                ("reason".into(), "本社区女党员仅两名且均未参选".into()),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let v = api(&app, Who::Street, Method::GET, &path, json!({})).await;
    assert_eq!(v["c5"]["party"]["satisfied"], true, "{v}");
    assert_eq!(
        v["c5"]["party"]["overridden"],
        "本社区女党员仅两名且均未参选"
    );
    let audit = app
        .count("select count(*) from audit_log where action = 'override' and entity = 'rule_check' and scope = 'street' and after_json like '%本社区女党员仅两名且均未参选%'")
        .await;
    assert_eq!(audit, 1, "the override is audited with its reason");
    let text = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/composition"),
            B::Empty,
        )
        .await
        .text;
    assert!(
        text.contains("已由街道工作组批准放宽：本社区女党员仅两名且均未参选"),
        "{text}"
    );

    // A woman elected instead: passes (and the override is no longer needed).
    let w = person(&app, "丁女", "女").await;
    party_elected(&app, c, w, "委员").await;
    let v = api(&app, Who::Street, Method::GET, &path, json!({})).await;
    assert_eq!(v["c5"]["party"]["passed"], true, "{v}");
    assert!(
        v["c5"]["party"]["message"]
            .as_str()
            .unwrap()
            .contains("共 4 人，其中女性 1 人"),
        "{v}"
    );
}

#[tokio::test]
async fn c6_counts_the_cross_appointments_and_sees_the_secretary_who_is_also_director() {
    // Arrange: 甲 is 书记 and 主任 (一肩挑), 乙 is a 委员 of both; 丙 only in the Party committee,
    // 丁 only in the residents' committee.
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let jia = person(&app, "甲", "女").await;
    let yi = person(&app, "乙", "男").await;
    let bing = person(&app, "丙", "男").await;
    let ding = person(&app, "丁", "女").await;
    for (p, post) in [(jia, "委员"), (jia, "书记"), (yi, "委员"), (bing, "委员")] {
        party_elected(&app, c, p, post).await;
    }
    let m = crate::counting_fixtures::meeting(&app, "sg01", "residents").await;
    let vote = crate::counting_fixtures::create_vote(
        &app,
        m,
        json!({"title": "选举居民委员会成员", "preset": "residents", "electorate": 10, "double_entry": false,
            "posts": [{"post": "主任", "seats": 1, "candidates": ["甲", "戊"]}]}),
    )
    .await;
    resident_elected(&app, c, vote, jia, "甲", "director").await;
    resident_elected(&app, c, vote, yi, "乙", "member").await;
    resident_elected(&app, c, vote, ding, "丁", "deputy").await;

    // Act
    let v = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("/api/v1/campaigns/{c}/composition"),
        json!({}),
    )
    .await;

    // Assert
    let x = &v["c6"];
    assert_eq!(x["party_members"], 3, "{v}");
    assert_eq!(x["resident_members"], 3);
    assert_eq!(x["count"], 2);
    assert_eq!(x["share_percent"], 66.7);
    assert_eq!(x["one_shoulder"], true);
    assert_eq!(x["both"][0], json!(["甲", "书记、委员", "主任"]));
    assert_eq!(x["both"][1], json!(["乙", "委员", "委员"]));
    assert!(
        x["message"]
            .as_str()
            .unwrap()
            .contains("交叉任职 2 人（甲、乙），占党组织委员会的 66.7%"),
        "{x}"
    );
    assert_eq!(v["c5"]["residents"]["passed"], true);
    let text = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/composition"),
            B::Empty,
        )
        .await
        .text;
    assert!(text.contains("书记甲同时任居委会主任（一肩挑）"), "{text}");
    assert!(text.contains(r#"data-one-shoulder="yes""#), "{text}");
}

#[tokio::test]
async fn the_street_sets_the_gender_rule_and_the_seeds_at_least_one_man_applies() {
    let app = TestApp::spawn().await;
    let v = api(
        &app,
        Who::Street,
        Method::PUT,
        "/api/v1/plan/settings",
        json!({"c5_gender": "男", "c5_min": 1}),
    )
    .await;
    assert_eq!(v["settings"]["c5"], json!({"gender": "男", "min": 1}));
    let r = app
        .call(
            Who::Street,
            Method::PUT,
            "/api/v1/plan/settings",
            B::Json(json!({"c5_gender": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let c = create_campaign(&app, "sg01").await;
    let w = person(&app, "甲女", "女").await;
    party_elected(&app, c, w, "书记").await;
    let v = api(
        &app,
        Who::Street,
        Method::GET,
        &format!("/api/v1/campaigns/{c}/composition"),
        json!({}),
    )
    .await;
    assert_eq!(v["c5"]["party"]["passed"], false, "{v}");
    assert!(v["rule"].as_str().unwrap().contains("至少 1 名男性"), "{v}");
    let text = app
        .call(Who::Community, Method::GET, "/plan", B::Empty)
        .await
        .text;
    assert!(text.contains("每个班子至少 1 名男性"), "{text}");
}
