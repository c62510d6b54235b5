//! Seats, representatives, the election committee, the rules' adoption, gates and scope
//! through the JSON API.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{api, group, message, person, res};
use crate::fixtures::create_campaign;
use crate::helpers::{TestApp, Who};

#[tokio::test]
async fn seats_of_four_and_ten_fail_and_five_and_nine_pass_with_part_time_members_apart() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let path = format!("{}/seats", res(c));
    for (total, passed) in [(4, false), (5, true), (9, true), (10, false)] {
        let r = api(
            &app,
            Who::Community,
            Method::PUT,
            &path,
            json!({"total": total, "deputies": 1, "part_time": 2}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let j = r.json();
        assert_eq!(j["total"], total, "{}", r.text);
        assert_eq!(j["seats"]["part_time"], 2);
        assert_eq!(j["check"]["passed"], passed, "{total}: {}", r.text);
        assert!(
            j["check"]["message"]
                .as_str()
                .unwrap()
                .contains(&total.to_string())
        );
    }
    let o = api(&app, Who::Community, Method::GET, &res(c), json!({}))
        .await
        .json();
    assert_eq!(o["overview"]["seats"]["members"], 8);
    assert!(
        o["overview"]["blockers"][0]
            .as_str()
            .unwrap()
            .contains("10"),
        "{o}"
    );
}

#[tokio::test]
async fn a_group_with_one_or_four_representatives_fails_and_two_or_three_pass() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let g = group(&app, "第一居民小组").await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(person(&app, "19700101", 300 + i).await);
    }
    let path = format!("{}/representatives", res(c));
    let mut seen = Vec::new();
    for p in &ids {
        let r = api(
            &app,
            Who::Community,
            Method::POST,
            &path,
            json!({"group_id": g, "person_id": p}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        seen.push(r.json()["group_check"]["passed"].as_bool().unwrap());
    }
    assert_eq!(seen, [false, true, true, false]);
    let r = api(&app, Who::Community, Method::GET, &path, json!({}))
        .await
        .json();
    let row = &r["groups"][0];
    assert_eq!(row["representatives"].as_array().unwrap().len(), 4);
    assert!(
        row["check"]["message"]
            .as_str()
            .unwrap()
            .contains("居民代表 4 名"),
        "{row}"
    );
    let done = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{path}/done"),
        json!({}),
    )
    .await;
    assert_eq!(done.status, StatusCode::CONFLICT);
    assert!(
        message(&done).contains("第一居民小组（4 名）"),
        "{}",
        done.text
    );
    let rm = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{path}/remove"),
        json!({"person_id": ids[3]}),
    )
    .await;
    assert_eq!(rm.json()["group_check"]["passed"], true, "{}", rm.text);
    let done = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{path}/done"),
        json!({}),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
}

#[tokio::test]
async fn a_seventeen_year_old_representative_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let g = group(&app, "第二居民小组").await;
    let young = person(&app, "20091001", 401).await;
    let path = format!("{}/representatives", res(c));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &path,
        json!({"group_id": g, "person_id": young}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(message(&r).contains("未满 18 周岁"), "{}", r.text);
    assert_eq!(
        app.count("select count(*) from residents_representatives")
            .await,
        0
    );
}

#[tokio::test]
async fn the_committee_opens_only_after_r1_or_the_streets_reason_and_community_staff_cannot_open_it()
 {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let p = person(&app, "19700101", 500).await;
    let path = format!("{}/committee", res(c));
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        json!({"members": [p]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(message(&r).contains("R-1"), "{}", r.text);
    let open = format!("{}/open", res(c));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &open,
        json!({"step": "R-2", "reason": "赶进度"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &open,
        json!({"step": "R-2", "reason": " "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &open,
        json!({"step": "R-2", "reason": "街道统一安排"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["reason"], "街道统一安排");
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        json!({"members": [p]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn four_and_ten_committee_members_fail_five_and_nine_pass_and_a_candidate_steps_down_for_the_next_alternate()
 {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(person(&app, "19700101", 600 + i).await);
    }
    let open = format!("{}/open", res(c));
    api(
        &app,
        Who::Street,
        Method::POST,
        &open,
        json!({"step": "R-2", "reason": "街道统一安排"}),
    )
    .await;
    let path = format!("{}/committee", res(c));
    for (n, passed) in [(4, false), (10, false), (9, true), (5, true)] {
        let body = json!({"members": ids[..n], "chair": ids[0], "alternates": [ids[10], ids[11]]});
        let r = api(&app, Who::Community, Method::PUT, &path, body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let j = r.json();
        assert_eq!(j["satisfied"], passed, "{n}: {}", r.text);
        assert!(
            j["checks"][0]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{n} 人"))
        );
    }
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{path}/step-down"),
        json!({"candidates": [ids[2]]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let sub = &r.json()["reshuffle"]["substitutions"][0];
    assert_eq!(sub["stepped_down"]["person_id"], ids[2]);
    assert_eq!(sub["replaced_by"]["person_id"], ids[10]);
    let k = api(&app, Who::Community, Method::GET, &path, json!({}))
        .await
        .json();
    assert_eq!(k["committee"]["members"].as_array().unwrap().len(), 5);
    assert_eq!(k["committee"]["alternates"][0]["person_id"], ids[11]);
    assert_eq!(k["substitutions"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'substitute'")
            .await,
        1
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{path}/done"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn the_rules_are_adopted_only_with_more_than_half_of_those_attending_then_freeze_the_seats_and_sg02_cannot_see_them()
 {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let rules = format!("{}/rules", res(c));
    let body = json!({"body": "第一条 为做好本届居民委员会选举，制定本办法。", "settings": {"mode": "representatives", "proxy_limit": 2}});
    let r = api(&app, Who::Community, Method::PUT, &rules, body.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{}/open", res(c)),
        json!({"step": "R-3", "reason": "街道统一安排"}),
    )
    .await;
    let r = api(&app, Who::Community, Method::PUT, &rules, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["settings"]["proxy_limit"], 2);
    assert_eq!(r.json()["settings"]["two_posts"], false);
    let adopt = format!("{rules}/adopt");
    let g = group(&app, "第三居民小组").await;
    for i in 0..3 {
        let p = person(&app, "19700101", 700 + i).await;
        api(
            &app,
            Who::Community,
            Method::POST,
            &format!("{}/representatives", res(c)),
            json!({"group_id": g, "person_id": p}),
        )
        .await;
    }
    // 1 of 3 representatives is no meeting, even if that one votes for: more than half must
    // attend (城市居民委员会组织法 §14), at least 2.
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &adopt,
        json!({"meeting_date": "2027-04-19", "attending": 1, "votes_for": 1, "votes_against": 0}),
    )
    .await;
    assert_eq!(r.json()["adopted"], false, "{}", r.text);
    assert!(
        r.json()["check"]["message"]
            .as_str()
            .unwrap()
            .contains("到会须超过居民代表的半数，即至少 2 名"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &adopt,
        json!({"meeting_date": "2027-04-20", "attending": 2, "votes_for": 1, "votes_against": 1}),
    )
    .await;
    assert_eq!(r.json()["adopted"], false, "{}", r.text);
    assert!(
        r.json()["check"]["message"]
            .as_str()
            .unwrap()
            .contains("到会 2 名，赞成 1 票")
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &adopt,
        json!({"meeting_date": "2027-04-21", "attending": 3, "votes_for": 2}),
    )
    .await;
    assert_eq!(r.json()["adopted"], true, "{}", r.text);
    let o = api(&app, Who::Community, Method::GET, &res(c), json!({}))
        .await
        .json();
    let r3 = o["overview"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "R-3")
        .unwrap()
        .clone();
    assert_eq!(r3["status"], "已完成", "{o}");
    // The adopted rules freeze the seats: the slate and the ballot use them.
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{}/seats", res(c)),
        json!({"total": 7, "deputies": 1}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("委员会职数不能再修改"), "{}", r.text);
    let other = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/residents/rules"),
            crate::helpers::B::Empty,
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);
    let sg02 = create_campaign(&app, "sg02").await;
    let r = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/rules", res(sg02)),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn under_the_streets_two_thirds_setting_two_of_four_representatives_cannot_adopt_and_three_can()
 {
    let app = TestApp::spawn().await;
    let settings = "/api/v1/plan/settings";
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        settings,
        json!({"r3_quorum": "two_thirds"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        Who::Street,
        Method::PUT,
        settings,
        json!({"r3_quorum": "most"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::PUT,
        settings,
        json!({"r3_quorum": "two_thirds"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["settings"]["r3_quorum"], "two_thirds");
    let plan = api(
        &app,
        Who::Community,
        Method::GET,
        "/api/v1/plan",
        json!(null),
    )
    .await;
    assert_eq!(plan.json()["settings"]["r3_quorum"], "two_thirds");
    let c = create_campaign(&app, "sg01").await;
    api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{}/open", res(c)),
        json!({"step": "R-3", "reason": "街道统一安排"}),
    )
    .await;
    let rules = format!("{}/rules", res(c));
    let body = json!({"body": "第一条 本办法依法制定。", "settings": {}});
    assert_eq!(
        api(&app, Who::Community, Method::PUT, &rules, body)
            .await
            .status,
        StatusCode::OK
    );
    let g = group(&app, "第三居民小组").await;
    for i in 0..4 {
        let p = person(&app, "19700101", 720 + i).await;
        api(
            &app,
            Who::Community,
            Method::POST,
            &format!("{}/representatives", res(c)),
            json!({"group_id": g, "person_id": p}),
        )
        .await;
    }
    // 2 of 4 would be no quorum under either rule; 3 of 4 is more than half and ⅔ (≥ 2.67).
    let adopt = format!("{rules}/adopt");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &adopt,
        json!({"meeting_date": "2027-04-19", "attending": 2, "votes_for": 2, "votes_against": 0}),
    )
    .await;
    assert_eq!(r.json()["adopted"], false, "{}", r.text);
    let msg = r.json()["check"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("到会须不少于居民代表的三分之二，即至少 3 名"),
        "{msg}"
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &adopt,
        json!({"meeting_date": "2027-04-20", "attending": 3, "votes_for": 2, "votes_against": 1}),
    )
    .await;
    assert_eq!(r.json()["adopted"], true, "{}", r.text);
}
