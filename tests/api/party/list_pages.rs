//! P-4 and P-5 through the HTML pages (each page fetched, each form posted with the hidden
//! fields it gave), and the print documents of P-2 … P-5 with their names and numbers.

use axum::http::Method;
use serde_json::json;

use super::list_fixtures::{NAMES, after_p3, after_p4, ok, party};
use crate::browser::Browser;
use crate::helpers::{B, PASSWORD, TestApp, Who};

#[tokio::test]
async fn a_community_and_the_street_fix_inspect_publicise_and_approve_the_lists_through_the_pages()
{
    let app = TestApp::spawn().await;
    let (c, people) = after_p3(&app, 5, 1, 7).await;
    let ids: Vec<String> = people.iter().map(i64::to_string).collect();
    let base = format!("/communities/sg01/campaigns/{c}/party");
    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;

    // P-4: the committee chooses beside the P-3 results (李二: 77 of 80 = 96.2%).
    let page = staff.get(&format!("{base}/preliminary")).await;
    assert!(page.contains("77（96.2%）"), "{page}");
    let list = format!("{base}/preliminary");
    let mut fields: Vec<(&str, &str)> = vec![("date", "2027-04-18")];
    fields.extend(ids[..6].iter().map(|p| ("person", p.as_str())));
    let (msg, page) = staff.submit_flash(&page, &list, &fields).await;
    assert!(
        msg.contains("5 + ⌈30% × 5⌉ = 5 + ⌈1.5⌉ = 7 名，实有 6 名，不足"),
        "{msg}"
    );
    assert!(page.contains("不通过"), "{page}");
    fields.push(("person", &ids[6]));
    let (msg, _) = staff.submit_flash(&page, &list, &fields).await;
    assert!(msg.contains("实有 7 名，符合"), "{msg}");

    // The street inspects each, refuses a 2-day 公示, records 3 days, answers an objection.
    let mut page = street.get(&list).await;
    let inspect = format!("{base}/preliminary/inspections");
    for (p, name) in ids.iter().zip(NAMES) {
        let (msg, next) = street
            .submit_flash(
                &page,
                &inspect,
                &[("person_id", p), ("inspection", "群众公认，表现良好。")],
            )
            .await;
        assert!(msg.contains(&format!("已登记{name}的考察情况")), "{msg}");
        page = next;
    }
    let publicity = format!("{base}/preliminary/publicity");
    let (msg, page) = street
        .submit_flash(
            &page,
            &publicity,
            &[("start_date", "2027-04-20"), ("end_date", "2027-04-21")],
        )
        .await;
    assert!(msg.contains("共 2 天，不足"), "{msg}");
    let (msg, page) = street
        .submit_flash(
            &page,
            &publicity,
            &[("start_date", "2027-04-20"), ("end_date", "2027-04-22")],
        )
        .await;
    assert!(msg.contains("共 3 天"), "{msg}");
    app.on("2027-04-23");
    let pid: i64 = app
        .count("select max(id) from party_publicities where step = 'P-4'")
        .await;
    let (msg, page) = street
        .submit_flash(
            &page,
            &format!("{base}/publicity/{pid}/objections"),
            &[("text", "反映刘五有违规建房")],
        )
        .await;
    assert!(
        msg.contains("已登记异议") && page.contains("考察对象公示"),
        "back on the P-4 page: {page}"
    );
    let (msg, _) = street
        .submit_flash(&page, &format!("{base}/steps/P-4/done"), &[])
        .await;
    assert!(msg.contains("1 条异议尚未答复"), "{msg}");
    let oid: i64 = app.count("select max(id) from party_objections").await;
    let page = street.get(&list).await;
    let (_, page) = street
        .submit_flash(
            &page,
            &format!("{base}/objections/{oid}/answer"),
            &[("text", "经核实已整改")],
        )
        .await;
    assert!(page.contains("答复：经核实已整改"), "{page}");
    let (msg, _) = street
        .submit_flash(&page, &format!("{base}/steps/P-4/done"), &[])
        .await;
    assert!(msg.contains("初步人选（P-4）已完成"), "{msg}");

    // P-5: six candidates with 王一 for 书记 and 李二 for 副书记, submitted, returned, approved.
    let cands = format!("{base}/candidates");
    let page = staff.get(&cands).await;
    let mut fields: Vec<(&str, &str)> = vec![
        ("date", "2027-04-24"),
        ("secretary", &ids[0]),
        ("deputy_1", &ids[1]),
    ];
    fields.extend(ids[..6].iter().map(|p| ("person", p.as_str())));
    let (msg, page) = staff.submit_flash(&page, &cands, &fields).await;
    assert!(
        msg.contains("5 + ⌈20% × 5⌉ = 5 + ⌈1⌉ = 6 名，实有 6 名，符合"),
        "{msg}"
    );
    assert!(
        page.contains("书记人选（第 1 位）") && page.contains("副书记人选（第 2 位）"),
        "{page}"
    );
    let (msg, _) = staff
        .submit_flash(&page, &format!("{cands}/submit"), &[])
        .await;
    assert!(
        msg.contains("已将候选人预备人选名单报街道工作组审批"),
        "{msg}"
    );
    let page = street.get(&cands).await;
    let (msg, _) = street
        .submit_flash(
            &page,
            &format!("{cands}/return"),
            &[("reason", "请补充考察材料")],
        )
        .await;
    assert!(msg.contains("已退回"), "{msg}");
    let page = staff.get(&cands).await;
    assert!(page.contains("退回理由：请补充考察材料"), "{page}");
    let (msg, _) = staff
        .submit_flash(&page, &format!("{cands}/submit"), &[])
        .await;
    assert!(msg.contains("报街道工作组审批"), "{msg}");
    let page = street.get(&cands).await;
    let (msg, page) = street
        .submit_flash(&page, &format!("{cands}/approve"), &[])
        .await;
    assert!(msg.contains("候选人预备人选（P-5）已完成"), "{msg}");
    assert!(page.contains("街道工作组已批准"), "{page}");

    // The overview: P-3 … P-5 done, nothing of them blocks.
    let page = staff.get(&base).await;
    let done = page.matches("<td>已完成</td>").count();
    assert!(done >= 5, "P-1 … P-5 done: {page}");
    assert!(
        !page.contains("尚未确定初步人选") && !page.contains("候选人预备人选（P-5）："),
        "{page}"
    );
}

/// Fetches a document page of the campaign as community staff.
async fn doc(app: &TestApp, c: i64, name: &str) -> String {
    let path = format!("/communities/sg01/campaigns/{c}/party/documents/{name}");
    let r = app.call(Who::Community, Method::GET, &path, B::Empty).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    r.text
}

fn before(page: &str, a: &str, b: &str) -> bool {
    page.find(a).unwrap_or(usize::MAX) < page.find(b).unwrap_or(0)
}

#[tokio::test]
async fn the_review_form_the_notices_and_the_blank_recommendation_form_print_names_and_numbers() {
    let app = TestApp::spawn().await;
    let (c, _) = after_p3(&app, 5, 1, 3).await;
    let review = doc(&app, c, "review-form").await;
    assert!(
        review.contains("资格审查表") && review.contains("年龄计算基准日 2027-04-01"),
        "{review}"
    );
    for name in &NAMES[..3] {
        assert!(review.contains(&format!("{name}（拟任")), "{name}");
    }
    // Born 1990-05-05: 36 周岁 on 2027-04-01, a new entrant with 本科.
    assert_eq!(
        review.matches("<td class=\"age\">36</td>").count(),
        3,
        "{review}"
    );
    assert!(
        review.contains("新进人选") && review.contains("本科"),
        "{review}"
    );
    assert!(
        review.contains("审查通过") && review.contains("理由：符合条件"),
        "{review}"
    );
    assert!(
        review.contains("符合") && review.contains("依据："),
        "{review}"
    );
    let notice = doc(&app, c, "p2-notice").await;
    assert!(notice.contains("资格审查结果公示"), "{notice}");
    assert!(
        notice.contains("2027年4月8日至2027年4月12日（共 5 天）"),
        "{notice}"
    );
    assert!(notice.contains("反映"), "how to raise objections");
    // 姓氏笔画: 丁 (2) before 王 (4) before 李 (7).
    assert!(
        before(&notice, NAMES[2], NAMES[0]) && before(&notice, NAMES[0], NAMES[1]),
        "{notice}"
    );
    let form = doc(&app, c, "recommendation-form").await;
    for post in [
        "书记（限推 1 名）",
        "副书记（限推 1 名）",
        "委员（限推 5 名）",
    ] {
        assert!(form.contains(post), "{post}: {form}");
    }
    let secretary =
        &form[form.find("data-post=\"书记\"").unwrap()..form.find("data-post=\"副书记\"").unwrap()];
    assert!(
        secretary.contains(NAMES[0]) && !secretary.contains(NAMES[1]),
        "{secretary}"
    );
    let members = &form[form.find("data-post=\"委员\"").unwrap()..];
    assert!(
        before(members, NAMES[2], NAMES[0]) && before(members, NAMES[0], NAMES[1]),
        "{members}"
    );
}

#[tokio::test]
async fn the_lists_their_notice_and_the_request_print_the_people_the_leaders_and_the_numbers() {
    let app = TestApp::spawn().await;
    let (c, people) = after_p4(&app, 5, 1, 7).await;
    let base = party(c);
    let body = json!({"date": "2027-04-24", "people": people[..6], "secretary": people[1], "deputies": [people[0]]});
    ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/candidates"),
        body,
    )
    .await;
    let prelim = doc(&app, c, "preliminary").await;
    assert!(
        prelim.contains("初步人选名单") && prelim.contains("初步人选 7 名"),
        "{prelim}"
    );
    assert!(prelim.contains("5 + ⌈30% × 5⌉ = 5 + ⌈1.5⌉ = 7"), "{prelim}");
    assert!(
        prelim.contains("<td class=\"votes\">80</td><td class=\"share\">100.0%</td>"),
        "王一: {prelim}"
    );
    assert!(
        prelim.contains("<td class=\"votes\">62</td><td class=\"share\">77.5%</td>"),
        "杨七: {prelim}"
    );
    let notice = doc(&app, c, "p4-notice").await;
    assert!(
        notice.contains("考察对象公示")
            && notice.contains("2027年4月20日至2027年4月22日（共 3 天）"),
        "{notice}"
    );
    for name in &NAMES[..7] {
        assert!(notice.contains(name), "{name}");
    }
    let cands = doc(&app, c, "candidates").await;
    assert!(
        cands.contains("候选人预备人选 6 名") && !cands.contains(NAMES[6]),
        "{cands}"
    );
    assert!(
        cands.contains("书记 李二；副书记 王一"),
        "the slate in order: {cands}"
    );
    assert!(cands.contains("5 + ⌈20% × 5⌉ = 5 + ⌈1⌉ = 6"), "{cands}");
    let request = doc(&app, c, "candidates-request").await;
    for text in [
        "关于社区党组织委员会候选人预备人选的请示",
        "拟设委员 5 名，其中书记 1 名、副书记 1 名",
        "2027年4月15日召开全额定向民主推荐会，参加人数 80 名",
        "确定初步人选 7 名，街道工作组考察 7 名",
        "2027年4月20日至2027年4月22日公示 3 天",
        "候选人预备人选 6 名（差额 1 名）",
        "书记 李二；副书记 王一",
        "妥否，请批示",
    ] {
        assert!(request.contains(text), "{text}: {request}");
    }
}
