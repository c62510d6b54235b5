//! a nominee's withdrawal reason is stored with the nominee, answered by
//! `GET …/nominees` and shown on the nominees page as 已退出：<理由>.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{api, nominee, r5_campaign, res, resident, withdraw};
use crate::browser::Browser;
use crate::helpers::{PASSWORD, TestApp, Who};

#[tokio::test]
async fn a_withdrawn_nominees_reason_is_in_the_list_and_on_the_page() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let stays = nominee(&app, c, resident(&app, "sg01", 1).await, "member").await;
    let leaves = nominee(&app, c, resident(&app, "sg01", 2).await, "member").await;
    let blank = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{}/nominees/{leaves}/withdraw", res(c)),
        json!({"reason": "  "}),
    )
    .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = withdraw(&app, c, leaves).await;
    assert!(r.status.is_success(), "{}", r.text);

    let list = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{}/nominees", res(c)),
        json!(null),
    )
    .await;
    let all = list.json()["nominees"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let of = |id: i64| {
        all.iter()
            .find(|n| n["nominee"]["id"] == id)
            .cloned()
            .unwrap()
    };
    let gone = of(leaves);
    assert_eq!(gone["nominee"]["withdrawn"], true, "{gone}");
    assert_eq!(gone["nominee"]["withdraw_reason"], "本人申请退出");
    assert_eq!(gone["status_text"], "已退出：本人申请退出");
    let kept = of(stays);
    assert_eq!(kept["nominee"]["withdraw_reason"], "");
    assert_eq!(kept["status_text"], "审查中");

    let page = Browser::log_in(&app, "t-community", PASSWORD)
        .await
        .get(&format!(
            "/communities/sg01/campaigns/{c}/residents/nominees"
        ))
        .await;
    assert!(
        page.contains("<td class=\"status\">已退出：本人申请退出</td>"),
        "{page}"
    );
}
