//! The slate on closing R-5: 1–2 more official candidates than seats in total (5 and 8 refused,
//! 6 and 7 accepted for 5 seats), and a post with exactly as many candidates as seats only where
//! the rules allow it.

use super::*;

#[tokio::test]
async fn five_official_candidates_for_five_seats_are_refused_and_six_accepted() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg02").await;
    adopt_rules(&app, c, uncontested_leaders()).await;
    slate(&app, c, "sg02", [1, 1, 3], 1).await;
    let r = close_r5(&app, Who::Street, c).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r)
            .contains("正式候选人共 5 名，应选 5 名，差额 0 名，应多于应选名额 1–2 名，不符合"),
        "{}",
        r.text
    );
    assert!(!step_done(&app, c, "R-5").await);
    let stored = api(
        &app,
        Who::Street,
        Method::GET,
        &format!("{}/nominees", res(c)),
        json!(null),
    )
    .await
    .json();
    assert_eq!(stored["slate_checks"][0]["rule"], "R-5.margin", "{stored}");
    assert!(
        stored["slate_checks"][0]["numbers"]
            .as_str()
            .unwrap()
            .contains("差额人数：0")
    );
    slate(&app, c, "sg02", [0, 0, 1], 10).await;
    let r = close_r5(&app, Who::Street, c).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let margin = &r.json()["checks"][0];
    assert_eq!(margin["numbers"]["candidates"], 6);
    assert_eq!(margin["numbers"]["margin"], 1);
    assert!(step_done(&app, c, "R-5").await);
}

#[tokio::test]
async fn eight_official_candidates_for_five_seats_are_refused_and_seven_accepted() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg02").await;
    adopt_rules(&app, c, uncontested_leaders()).await;
    let ids = slate(&app, c, "sg02", [1, 1, 6], 1).await;
    let r = close_r5(&app, Who::Street, c).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("正式候选人共 8 名，应选 5 名，差额 3 名"),
        "{}",
        r.text
    );
    let w = withdraw(&app, c, ids[7]).await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.text);
    assert_eq!(w.json()["status"], "已退出");
    let r = close_r5(&app, Who::Street, c).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["checks"][0]["numbers"]["margin"], 2);
    let later = withdraw(&app, c, ids[6]).await;
    assert_eq!(later.status, StatusCode::CONFLICT);
    assert!(
        message(&later).contains("R-5 候选人提名已结束"),
        "{}",
        later.text
    );
}

#[tokio::test]
async fn a_slate_is_not_closed_against_rules_that_are_only_a_draft() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    super::draft_rules(&app, c, uncontested_leaders()).await;
    slate(&app, c, "sg01", [1, 1, 4], 0).await;
    let r = close_r5(&app, Who::Community, c).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("选举办法尚未经居民代表会议通过"),
        "{}",
        r.text
    );
    assert_eq!(
        app.count("select count(*) from campaign_steps where code = 'R-5' and done_at is not null")
            .await,
        0
    );
    super::adopt_rules(&app, c, uncontested_leaders()).await;
    let r = close_r5(&app, Who::Community, c).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn a_post_with_as_many_candidates_as_seats_is_refused_unless_the_rules_allow_it() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    slate(&app, c, "sg01", [1, 2, 4], 1).await;
    let r = close_r5(&app, Who::Community, c).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let m = message(&r);
    assert!(
        m.contains("主任候选人数（R-5）：候选人 1 名，应选 1 名，候选人数应多于应选名额（选举办法未允许等额），不符合"),
        "{m}"
    );
    assert!(
        !m.contains("差额 2 名，应多于应选名额 1–2 名，不符合"),
        "{m}"
    );
    adopt_rules(&app, c, json!({"uncontested_posts": ["director"]})).await;
    let r = close_r5(&app, Who::Community, c).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let checks = r.json()["checks"].clone();
    assert_eq!(checks.as_array().unwrap().len(), 4, "{checks}");
    assert!(
        checks[1]["message"]
            .as_str()
            .unwrap()
            .contains("选举办法允许等额"),
        "{checks}"
    );
    assert_eq!(checks[1]["rule"], "R-5.post.director");
}
