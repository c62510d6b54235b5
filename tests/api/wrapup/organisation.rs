//! W-2 and W-3 through the API (the finance group's rule, closing and its refusals), another
//! community's staff kept out, and the demo's wrap-up of 舜华社区.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{api, base, formed, meeting, message};
use crate::helpers::{B, TestApp, Who};

#[tokio::test]
async fn a_residents_committee_member_is_refused_from_the_finance_group_by_name() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    let url = format!("{}/organisation/finance", base(c));
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &url,
        json!({"members": "赵一、周一、钱二、郑三", "head": "赵一"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("成员：周一、郑三是居民委员会成员，不能担任民主理财小组成员"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &url,
        json!({"members": "赵一、钱二、孙三", "head": "赵一"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["body"]["members"][0]["head"], true);
    // The 居务公开小组 may have a committee member.
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{}/organisation/disclosure", base(c)),
        json!({"members": "周一、吴四"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn w2_refuses_to_close_naming_what_is_missing_and_closes_once_all_is_recorded() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    let o = format!("{}/organisation", base(c));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{o}/close"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let m = message(&r);
    for s in [
        "党组织委员会尚有 2 人未确定分工：张书记、李委员",
        "居民委员会尚有 3 人未确定分工：周一、郑三、冯五",
        "尚未登记有成员的下属委员会",
        "尚未登记民主理财小组成员",
        "尚未登记居务公开小组成员",
    ] {
        assert!(m.contains(s), "{s} not in {m}");
    }
    let duties: Vec<Value> = [
        ("party", "张书记"),
        ("party", "李委员"),
        ("residents", "周一"),
        ("residents", "郑三"),
        ("residents", "冯五"),
    ]
    .iter()
    .map(|(k, n)| json!({"committee": k, "name": n, "duty": "负责综合协调"}))
    .collect();
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{o}/duties"),
        json!({"duties": duties}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["changed"], 5);
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{o}/duties"),
        json!({"duties": [{"committee": "party", "name": "周一", "duty": "x"}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("周一不是新一届党组织委员会成员"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{o}/subcommittees"),
        json!({"name": "人民调解委员会", "members": "郑三、吴四", "head": "郑三"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{o}/finance"),
        json!({"members": "赵一、钱二"}),
    )
    .await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{o}/close"),
        json!({}),
    )
    .await;
    assert_eq!(
        message(&r),
        "不能完成健全组织体系：尚未登记居务公开小组成员。"
    );
    api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{o}/disclosure"),
        json!({"members": "周一、吴四"}),
    )
    .await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{o}/close"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{o}/plan"),
        json!({"plan": "年度计划"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).starts_with("W-2 健全组织体系已结束"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn w3_refuses_to_close_until_both_documents_are_adopted_and_a_system_is_recorded() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    app.on("2027-06-01");
    let w = format!("{}/charter", base(c));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{w}/close"),
        json!({}),
    )
    .await;
    assert_eq!(
        message(&r),
        "不能完成自治章程、居民公约及制度：居民自治章程尚未登记通过情况；居民公约尚未登记通过情况；尚未登记任何会议制度。"
    );
    let doc = |votes_for: i64| json!({"adopted_on": "2027-05-30", "meeting": "居民代表会议", "attending": 40, "votes_for": votes_for, "votes_against": 2, "body": "第一条 为了……"});
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{w}/documents/charter"),
        doc(20),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("赞成 20 票，未超过到会人数 40 人的半数"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{w}/documents/charter"),
        doc(36),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut no_text = doc(35);
    no_text["body"] = json!("");
    api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{w}/documents/convention"),
        no_text,
    )
    .await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{w}/close"),
        json!({}),
    )
    .await;
    assert!(message(&r).contains("居民公约尚无正文或附件"), "{}", r.text);
    // The convention's text as a file: a GIF is refused, a PDF kept.
    let file = format!("{w}/documents/convention/file");
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &file,
            B::Multipart(vec![], Some(("公约.gif".into(), b"GIF89a....".to_vec()))),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let pdf = b"%PDF-1.7\n%...".to_vec();
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &file,
            B::Multipart(vec![], Some(("居民公约.pdf".into(), pdf.clone()))),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let got = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/wrapup/charter/documents/convention/file"),
            B::Empty,
        )
        .await;
    assert_eq!(got.bytes, pdf);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{w}/systems"),
        json!({"name": "居民会议制度", "body": "居民会议每年至少召开一次。"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{w}/close"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let steps = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("/api/v1/campaigns/{c}/steps"),
        json!(null),
    )
    .await
    .json();
    let w3 = steps["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "W-3")
        .unwrap()
        .clone();
    assert_eq!(w3["state"], "closed");
}

#[tokio::test]
async fn community_staff_of_another_community_get_404_on_its_wrapup_pages_and_api() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg02", "2027-05-20", "2027-05-23").await;
    for (method, path, body) in [
        (
            Method::GET,
            format!("/communities/sg02/campaigns/{c}/wrapup/handover"),
            json!(null),
        ),
        (
            Method::GET,
            format!("/communities/sg02/campaigns/{c}/wrapup/charter"),
            json!(null),
        ),
        (
            Method::GET,
            format!("{}/organisation", base(c)),
            json!(null),
        ),
        (
            Method::PUT,
            format!("{}/handover/meeting", base(c)),
            meeting("2027-05-25"),
        ),
    ] {
        let r = api(&app, Who::Community, method.clone(), &path, body).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            r.text
        );
    }
    let r = api(
        &app,
        Who::Street,
        Method::GET,
        &format!("{}/handover", base(c)),
        json!(null),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["formed_on"], "2027-05-23");
}

#[tokio::test]
async fn the_demo_takes_sg01_through_w1_to_w3_and_a_second_load_changes_nothing() {
    let app = TestApp::spawn().await;
    huanjie::demo::load(&app.state).await.unwrap();
    let c = app
        .count("select c.id from campaigns c join communities m on m.id = c.community_id where m.code = 'sg01' order by c.id limit 1")
        .await;
    let steps = api(
        &app,
        Who::Street,
        Method::GET,
        &format!("/api/v1/campaigns/{c}/steps"),
        json!(null),
    )
    .await
    .json();
    for code in ["W-1", "W-2", "W-3"] {
        let s = steps["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code)
            .unwrap();
        assert_eq!(s["state"], "closed", "{code}");
    }
    let h = api(
        &app,
        Who::Street,
        Method::GET,
        &format!("{}/handover", base(c)),
        json!(null),
    )
    .await
    .json();
    assert_eq!(h["check"]["passed"], true, "{}", h["check"]);
    let counts = "select (select count(*) from wrapup_handover_items) + (select count(*) from wrapup_body_members) \
                  + (select count(*) from wrapup_systems) + (select count(*) from wrapup_duties)";
    let audit_wrapup = "select count(*) from audit_log where entity like 'wrapup%'";
    let before = (app.count(counts).await, app.count(audit_wrapup).await);
    assert!(before.1 > 0);
    huanjie::demo::load(&app.state).await.unwrap();
    let after = (app.count(counts).await, app.count(audit_wrapup).await);
    assert_eq!(before, after, "a second load changes nothing");
}
