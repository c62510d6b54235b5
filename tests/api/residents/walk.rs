//! One walk through the pages of C-2 and R-1 … R-3, ending with the printed rules.

use axum::http::{Method, StatusCode};

use super::{group, person};
use crate::fixtures::create_campaign;
use crate::helpers::{B, TestApp, Who};

#[tokio::test]
async fn a_community_worker_walks_the_pages_from_seats_to_the_printed_rules() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let base = format!("/communities/sg01/campaigns/{c}/residents");
    let show = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}"),
            B::Empty,
        )
        .await;
    assert!(show.text.contains("居民委员会换届"), "{}", show.text);
    let form =
        |v: &[(&str, String)]| B::Form(v.iter().map(|(k, v)| (k.to_string(), v.clone())).collect());
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("{base}/seats"),
            form(&[
                ("total", "7".into()),
                ("deputies", "2".into()),
                ("part_time", "1".into()),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.call(Who::Community, Method::GET, &base, B::Empty).await;
    assert!(
        page.text
            .contains("主任 1 名，副主任 2 名，委员 4 名，共 7 名；兼职委员 1 名"),
        "{}",
        page.text
    );
    assert!(page.text.contains("R-1"));
    let g = group(&app, "第一居民小组").await;
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(person(&app, "19750101", 800 + i).await);
    }
    for p in &ids[..2] {
        app.call(
            Who::Community,
            Method::POST,
            &format!("{base}/representatives"),
            form(&[("group_id", g.to_string()), ("person_id", p.to_string())]),
        )
        .await;
    }
    let reps = app
        .call(
            Who::Community,
            Method::GET,
            &format!("{base}/representatives"),
            B::Empty,
        )
        .await;
    assert!(
        reps.text.contains("第一居民小组有居民代表 2 名"),
        "{}",
        reps.text
    );
    app.call(
        Who::Community,
        Method::POST,
        &format!("{base}/representatives/done"),
        B::Empty,
    )
    .await;
    let reps = app
        .call(
            Who::Community,
            Method::GET,
            &format!("{base}/representatives"),
            B::Empty,
        )
        .await;
    assert!(
        reps.text.contains("推选居民代表（R-1）已完成"),
        "{}",
        reps.text
    );
    let members = ids[..5]
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("{base}/committee"),
            form(&[
                ("members", members),
                ("chair", ids[0].to_string()),
                ("alternates", ids[5].to_string()),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.call(
        Who::Community,
        Method::POST,
        &format!("{base}/committee/step-down"),
        form(&[("candidates", ids[1].to_string())]),
    )
    .await;
    app.call(
        Who::Community,
        Method::POST,
        &format!("{base}/committee/done"),
        B::Empty,
    )
    .await;
    let k = app
        .call(
            Who::Community,
            Method::GET,
            &format!("{base}/committee"),
            B::Empty,
        )
        .await;
    assert!(
        k.text.contains("居民选举委员会人数（R-2）：5 人"),
        "{}",
        k.text
    );
    assert!(k.text.contains("居民选举委员会（R-2）已完成"), "{}", k.text);
    assert!(
        k.text.contains("居民1001") || k.text.contains("居民805"),
        "{}",
        k.text
    );
    let body =
        "第一条 为做好第八届居民委员会选举工作，制定本办法。\n第二条 选举采用户代表选举方式。";
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("{base}/rules"),
            form(&[
                ("body", body.into()),
                ("mode", "households".into()),
                ("proxy_limit", "3".into()),
                ("further_election_days", "0".into()),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.call(
        Who::Community,
        Method::POST,
        &format!("{base}/rules/adopt"),
        form(&[
            ("meeting_date", "2027-04-20".into()),
            ("attending", "2".into()),
            ("votes_for", "2".into()),
        ]),
    )
    .await;
    let doc = app
        .call(
            Who::Community,
            Method::GET,
            &format!("{base}/rules/print"),
            B::Empty,
        )
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(
        doc.text.contains("第二条 选举采用户代表选举方式。"),
        "{}",
        doc.text
    );
    assert!(
        doc.text
            .contains("居民代表 2 名，到会 2 名，赞成 2 票，反对 0 票"),
        "{}",
        doc.text
    );
    assert!(doc.text.contains("/static/print.css"));
}
