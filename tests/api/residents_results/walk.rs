//! R-8 walked through the pages (the community worker, then the street's filing list) and
//! through the API, from the counted election to the step marked done.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{api, elect, result_api, result_page};
use crate::browser::Browser;
use crate::helpers::{PASSWORD, TestApp, Who};

#[tokio::test]
async fn a_community_worker_walks_r8_through_the_pages_from_the_result_to_done_and_the_street_sees_the_filing()
 {
    let app = TestApp::spawn().await;
    let e = elect(&app, true).await;
    let c = e.campaign;
    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;
    let base = result_page(c);
    let page = staff
        .get(&format!("/communities/sg01/campaigns/{c}/residents"))
        .await;
    assert!(
        page.contains(&format!("{base}\"")),
        "the overview links R-8"
    );
    let page = staff.get(&base).await;
    for s in [
        "周一",
        "郑三",
        "冯五",
        "褚七",
        "陈六",
        "DX-sg01-08-00005",
        "吴二",
        "卫八",
        "选举结果公告：未公布",
    ] {
        assert!(page.contains(s), "{s} missing: {page}");
    }
    let (msg, page) = staff
        .submit_flash(&page, &format!("{base}/done"), &[])
        .await;
    assert!(
        msg.contains("不能完成公布结果（R-8）") && msg.contains("选举结果公告尚未公布"),
        "{msg}"
    );
    let (msg, page) = staff
        .submit_flash(
            &page,
            &format!("{base}/publish"),
            &[("published_on", "2027-05-31")],
        )
        .await;
    assert_eq!(msg, "已记录选举结果公告于 2027-05-31 公布。");
    // 备案 is recorded by the street (SPEC §1): the community's page shows no filing form.
    assert!(
        !page.contains(&format!("action=\"{base}/report\"")),
        "{page}"
    );
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let street_page = street.get(&base).await;
    let (msg, _) = street
        .submit_flash(
            &street_page,
            &format!("{base}/report"),
            &[
                ("reported_street_on", "2027-06-01"),
                ("reported_civil_affairs_on", "2027-06-02"),
                ("filing_no", "民备-88"),
            ],
        )
        .await;
    assert!(
        msg.contains("已记录备案")
            && msg.contains("报区民政局备案：2027-06-02 已报（备案号 民备-88）"),
        "{msg}"
    );
    let page = staff.get(&base).await;
    let notice = staff.get(&format!("{base}/notice")).await;
    assert!(notice.contains("2027年5月31日") && notice.contains("周一"));
    let certificate = staff
        .get(&format!("{base}/certificates/{}", e.elected[2]))
        .await;
    assert!(certificate.contains("冯五") && certificate.contains("DX-sg01-08-00003"));
    let (msg, page) = staff
        .submit_flash(&page, &format!("{base}/done"), &[])
        .await;
    assert_eq!(msg, "公布结果（R-8）已完成。");
    assert!(page.contains("公布结果（R-8）已完成") && !page.contains(&format!("{base}/publish")));
    let list = street.get("/residents/filings").await;
    for s in [
        "2027-05-31",
        "2027-06-01",
        "2027-06-02",
        "民备-88",
        "5 名",
        "已完成",
    ] {
        assert!(list.contains(s), "{s} missing: {list}");
    }
    let r = app
        .call(
            Who::Community,
            Method::GET,
            "/residents/filings",
            crate::helpers::B::Empty,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the filing list is the street's"
    );
}

#[tokio::test]
async fn the_street_walks_r8_through_the_api_and_the_overview_shows_its_blockers_until_done() {
    let app = TestApp::spawn().await;
    let e = elect(&app, false).await;
    let c = e.campaign;
    // R-1 … R-7 done as the earlier slices would leave them: R-8 is the current step.
    huanjie::db::Q::new(
        "update campaign_steps set done_at = $1 where campaign_id = $2 and code in ('R-1','R-2','R-3','R-4','R-5','R-6','R-7')",
    )
    .bind(huanjie::now())
    .bind(c)
    .execute(&app.state.db)
    .await
    .unwrap();
    let overview = format!("/api/v1/campaigns/{c}/residents");
    let blockers = |v: serde_json::Value| -> Vec<String> {
        v["overview"]["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_str().unwrap().to_string())
            .collect()
    };
    let o = api(&app, Who::Street, Method::GET, &overview, json!(null)).await;
    let b = blockers(o.json());
    assert!(b.iter().any(|x| x == "选举结果公告尚未公布。"), "{b:?}");
    assert!(
        b.iter().any(|x| x == "选举结果尚未报区民政局备案。"),
        "{b:?}"
    );
    let base = result_api(c);
    for (path, body) in [
        ("/publish", json!({"published_on": "2027-05-30"})),
        (
            "/report",
            json!({"reported_street_on": "2027-05-31", "reported_civil_affairs_on": "2027-06-01", "filing_no": "备-3"}),
        ),
        ("/done", json!({})),
    ] {
        let r = api(
            &app,
            Who::Street,
            Method::POST,
            &format!("{base}{path}"),
            body,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    }
    let v = api(&app, Who::Street, Method::GET, &base, json!(null))
        .await
        .json();
    assert_eq!(v["result"]["done"], true);
    assert_eq!(v["result"]["filing"]["published_on"], "2027-05-30");
    assert_eq!(
        v["result"]["filing"]["reported_civil_affairs_on"],
        "2027-06-01"
    );
    assert_eq!(
        v["result"]["elected"][0]["certificate_no"],
        "DX-sg01-08-00001"
    );
    let o = api(&app, Who::Street, Method::GET, &overview, json!(null))
        .await
        .json();
    let steps = o["overview"]["steps"].as_array().unwrap();
    let r8 = steps.iter().find(|s| s["code"] == "R-8").unwrap();
    assert_eq!(r8["status"], "已完成");
    assert!(blockers(o).iter().all(|b| !b.contains("选举结果")));
}
