//! P-1 → P-2 through the HTML pages, as a browser would: each page fetched, each form posted
//! with the hidden fields (CSRF token, idempotency key) the page gave it.

use axum::http::Method;

use crate::browser::Browser;
use crate::fixtures::create_campaign;
use crate::helpers::{B, PASSWORD, TestApp, id_number};

/// The first id in `page` right after `prefix` (e.g. `/checks/`).
fn id_after(page: &str, prefix: &str) -> String {
    page.match_indices(prefix)
        .map(|(i, _)| {
            page[i + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .find(|id| !id.is_empty())
        .unwrap_or_else(|| panic!("no id after {prefix}"))
}

#[tokio::test]
async fn a_community_walks_from_nominations_to_the_publicised_review_through_the_pages() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    // The nominee (41 on the reference date: over the new entrant's 40) and ten Party members.
    let nominee =
        crate::fixtures::create_person(&app, "sg01", "王书记", &id_number("19851231", 1)).await;
    let r = app
        .call(
            crate::helpers::Who::Street,
            Method::PUT,
            &format!("/api/v1/communities/sg01/people/{nominee}"),
            B::Json(serde_json::json!({"name": "王书记", "id_number": id_number("19851231", 1), "party_status": "full", "education": "本科"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut backers = Vec::new();
    for i in 0..10 {
        let idn = id_number("19700101", 100 + i);
        let r = app
            .call(
                crate::helpers::Who::Street,
                Method::POST,
                "/api/v1/communities/sg01/people",
                B::Json(serde_json::json!({"name": format!("党员{i}"), "id_number": idn, "party_status": "正式党员"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        backers.push(idn);
    }
    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;
    let campaign = staff.get(&format!("/communities/sg01/campaigns/{c}")).await;
    let base = format!("/communities/sg01/campaigns/{c}/party");
    assert!(
        campaign.contains(&format!("href=\"{base}\"")),
        "no link to the pipeline"
    );

    // Size: 党总支 with 7 members and 1 deputy passes C-1.
    let page = staff.get(&base).await;
    assert!(page.contains("尚未确定委员会职数"), "{page}");
    let (msg, page) = staff
        .submit_flash(
            &page,
            &format!("{base}/size"),
            &[("members", "7"), ("deputies", "1")],
        )
        .await;
    assert!(
        msg.contains("5–9 名") && msg.contains("定 7 名，符合"),
        "{msg}"
    );
    assert!(page.contains("P-7"), "the steps are listed");

    // P-1: a joint nomination by ten Party members, not counted until consent.
    let list = format!("{base}/nominations");
    let page = staff.get(&list).await;
    let lines = backers.join("\n");
    let fields = [
        ("id_number", id_number("19851231", 1)),
        ("post", "书记".into()),
        ("channel", "members".into()),
        ("backers", lines),
        ("consent_date", String::new()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (msg, page) = staff.submit_flash(&page, &list, &fields).await;
    assert!(msg.contains("暂未计入"), "{msg}");
    assert!(page.contains("未计入（尚无本人同意）"));
    let (msg, _) = staff
        .submit_flash(&page, &format!("{base}/steps/P-1/done"), &[])
        .await;
    assert!(msg.contains("尚无计入的推荐"), "{msg}");
    let page = staff.get(&list).await;
    let nid = id_after(&page, &format!("{list}/"));
    let (msg, page) = staff
        .submit_flash(
            &page,
            &format!("{list}/{nid}/consent"),
            &[("consent_date", "2027-04-03")],
        )
        .await;
    assert!(msg.contains("已记录王书记本人同意"), "{msg}");
    assert!(page.contains("已计入"));
    let summary = staff.get(&format!("{list}/summary")).await;
    assert!(
        summary.contains("王书记") && summary.contains("党员联名推荐（10 人联名）"),
        "{summary}"
    );
    let (msg, _) = staff
        .submit_flash(&page, &format!("{base}/steps/P-1/done"), &[])
        .await;
    assert!(msg.contains("公开推荐（P-1）已完成"), "{msg}");

    // P-2 by the street: the age check fails with its numbers, is approved, the nominee passes.
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let review = format!("{base}/review");
    let page = street.get(&review).await;
    let (msg, page) = street
        .submit_flash(&page, &format!("{review}/checks"), &[])
        .await;
    assert!(msg.contains("已核对 1 项"), "{msg}");
    assert!(
        page.contains("41 周岁") && page.contains("上限为 40 周岁"),
        "{page}"
    );
    let action = format!("{base}/nominations/{nid}/review");
    let (msg, page) = street
        .submit_flash(&page, &action, &[("decision", "passed"), ("reason", "")])
        .await;
    assert!(msg.contains("未经街道工作组批准放宽"), "{msg}");
    let chk = id_after(&page, &format!("{base}/checks/"));
    let (msg, page) = street
        .submit_flash(
            &page,
            &format!("{base}/checks/{chk}/override"),
            &[("reason", "工作实绩突出"), ("honour", "")],
        )
        .await;
    assert!(msg.contains("已批准放宽"), "{msg}");
    assert!(page.contains("已由街道工作组批准放宽：工作实绩突出"));
    let (msg, page) = street
        .submit_flash(
            &page,
            &action,
            &[("decision", "passed"), ("reason", "符合条件")],
        )
        .await;
    assert!(msg.contains("审查通过"), "{msg}");

    // The 公示: an end before the start is refused, then five days; an objection answered.
    let publicity = format!("{base}/publicity");
    let (msg, page) = street
        .submit_flash(
            &page,
            &publicity,
            &[("start_date", "2027-04-08"), ("end_date", "2027-04-06")],
        )
        .await;
    assert!(msg.contains("不能早于开始日期"), "{msg}");
    let (msg, page) = street
        .submit_flash(
            &page,
            &publicity,
            &[("start_date", "2027-04-08"), ("end_date", "2027-04-12")],
        )
        .await;
    assert!(msg.contains("共 5 天"), "{msg}");
    let pid = id_after(&page, &format!("{publicity}/"));
    let (_, page) = street
        .submit_flash(
            &page,
            &format!("{publicity}/{pid}/objections"),
            &[("text", "反映情况")],
        )
        .await;
    let oid = id_after(&page, &format!("{base}/objections/"));
    let (msg, page) = street
        .submit_flash(
            &page,
            &format!("{base}/objections/{oid}/answer"),
            &[("text", "经核实不属实")],
        )
        .await;
    assert!(
        msg.contains("已登记答复") && page.contains("答复：经核实不属实"),
        "{msg}"
    );

    // The overview: P-1 done, and nothing of P-2 blocks any more.
    let page = staff.get(&base).await;
    assert!(
        !page.contains("尚未作出审查结论") && !page.contains("尚未公示"),
        "{page}"
    );
    assert!(page.contains("P-3"), "{page}");
}
