//! R-8 from a real counted vote: the result's numbers, the notice, the report and the 当选证书
//! with the right names, votes, post labels and certificate numbers, the gate, and closing R-8
//! only after the notice and both reports.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{api, elect, result_api, result_page};
use crate::helpers::{B, PASSWORD, TestApp, Who};

async fn get(app: &TestApp, p: String) -> String {
    let r = app.call(Who::Community, Method::GET, &p, B::Empty).await;
    assert_eq!(r.status, StatusCode::OK, "{p}: {}", r.text);
    r.text
}

fn line(v: &Value, name: &str) -> Value {
    v.as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("{name} missing in {v}"))
}

#[tokio::test]
async fn the_result_lists_the_elected_with_post_and_votes_and_every_other_candidate_with_the_counted_numbers()
 {
    let app = TestApp::spawn().await;
    let e = elect(&app, true).await;
    let r = api(
        &app,
        Who::Community,
        Method::GET,
        &result_api(e.campaign),
        json!(null),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    let res = &v["result"];
    let elected: Vec<(String, String, i64)> = res["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["post"].as_str().unwrap().to_string(),
                x["name"].as_str().unwrap().to_string(),
                x["votes"].as_i64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("director", "周一", 6),
        ("deputy", "郑三", 5),
        ("member", "冯五", 7),
        ("member", "褚七", 6),
        ("member", "陈六", 5),
    ];
    assert_eq!(
        elected,
        want.map(|(p, n, k)| (p.to_string(), n.to_string(), k))
    );
    let others = &res["others"];
    assert_eq!(others.as_array().unwrap().len(), 3, "{others}");
    assert_eq!(line(others, "吴二")["votes"], 1);
    assert_eq!(line(others, "吴二")["post"], "主任");
    assert_eq!(line(others, "王四")["votes"], 2);
    assert_eq!(line(others, "卫八")["votes"], 2);
    assert_eq!(line(others, "卫八")["post"], "委员");
    let round = &res["rounds"][0];
    assert_eq!(round["vote_id"], e.vote);
    assert_eq!(round["certified"], true);
    assert_eq!(round["round"], "第一轮");
    assert_eq!(
        (
            &round["electorate"],
            &round["present"],
            &round["issued"],
            &round["cast"],
            &round["valid_ballots"],
            &round["invalid_ballots"]
        ),
        (
            &json!(10),
            &json!(8),
            &json!(8),
            &json!(8),
            &json!(7),
            &json!(1)
        )
    );
    let members = &round["posts"][2];
    assert_eq!(members["post"], "委员");
    assert_eq!(line(&members["lines"], "褚七")["votes"], 6);
    assert_eq!(line(&members["lines"], "褚七")["elected"], true);
    assert_eq!(line(&members["lines"], "卫八")["elected"], false);
    assert!(
        v["filing_status"]
            .as_str()
            .unwrap()
            .contains("选举结果公告：未公布"),
        "{v}"
    );
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &result_page(e.campaign),
            B::Empty,
        )
        .await;
    assert!(
        page.text
            .contains("发出选票 8 张，收回 8 张，有效票 7 张，无效票 1 张"),
        "{}",
        page.text
    );
    assert!(page.text.contains("DX-sg01-08-00001"));
}

#[tokio::test]
async fn the_notice_report_and_certificates_carry_the_names_votes_post_labels_and_numbers() {
    let app = TestApp::spawn().await;
    let e = elect(&app, true).await;
    let c = e.campaign;
    let base = result_api(c);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{base}/publish"),
        json!({"published_on": "2027-05-31"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = api(&app, Who::Street, Method::POST, &format!("{base}/report"),
        json!({"reported_street_on": "2027-06-01", "reported_civil_affairs_on": "2027-06-03", "filing_no": "民备〔2027〕12号"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let page = result_page(c);
    let notice = get(&app, format!("{page}/notice")).await;
    for s in [
        "第八届居民委员会选举结果公告",
        "<td>主任</td><td class=\"name\">周一</td><td>6</td>",
        "<td>副主任</td><td class=\"name\">郑三</td><td>5</td>",
        "<td>委员</td><td class=\"name\">褚七</td><td>6</td>",
        "<td>主任</td><td class=\"name\">吴二</td><td>1</td>",
        "<td>委员</td><td class=\"name\">卫八</td><td>2</td>",
        "居民选举委员会",
        "2027年5月31日",
        "有效票 7 张、无效票 1 张",
    ] {
        assert!(notice.contains(s), "notice lacks {s}: {notice}");
    }
    let report = get(&app, format!("{page}/report/print")).await;
    for s in [
        "关于",
        "居民委员会选举结果的报告",
        "街道社区“两委”换届选举工作领导小组、区民政局",
        "DX-sg01-08-00003",
        "冯五",
        "民备〔2027〕12号",
        "请予备案",
    ] {
        assert!(report.contains(s), "report lacks {s}: {report}");
    }
    let all = get(&app, format!("{page}/certificates")).await;
    assert_eq!(all.matches("<section class=\"certificate").count(), 5);
    for n in 1..=5 {
        assert!(all.contains(&format!("DX-sg01-08-0000{n}")));
    }
    let one = get(&app, format!("{page}/certificates/{}", e.elected[1])).await;
    assert_eq!(one.matches("<section class=\"certificate").count(), 1);
    for s in [
        "当选证书",
        "DX-sg01-08-00002",
        "郑三",
        "第八届居民委员会<strong class=\"post\">副主任</strong>",
        "2027年5月30日",
        "居民选举委员会",
    ] {
        assert!(one.contains(s), "certificate lacks {s}: {one}");
    }
    assert!(!one.contains("周一"));
    let missing = app
        .call(
            Who::Community,
            Method::GET,
            &format!("{page}/certificates/999999"),
            B::Empty,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn r8_done_is_refused_before_the_reports_and_accepted_after_and_nothing_changes_then() {
    let app = TestApp::spawn().await;
    let e = elect(&app, true).await;
    let base = result_api(e.campaign);
    let done = format!("{base}/done");
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("选举结果公告尚未公布"), "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/report"),
        json!({"reported_street_on": "2027-06-01", "reported_civil_affairs_on": "2027-06-01"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the notice comes first");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{base}/report"),
        json!({"reported_street_on": "2027-06-01", "reported_civil_affairs_on": "2027-06-01"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "备案 is the street's");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{base}/publish"),
        json!({"published_on": "2027-05-29"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("不能早于选举日 2027-05-30"), "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{base}/publish"),
        json!({"published_on": "2027-05-30"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text.contains("尚未报街道社区“两委”换届选举工作领导小组")
            && r.text.contains("尚未报区民政局备案"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/report"),
        json!({"reported_street_on": "2027-05-29", "reported_civil_affairs_on": "2027-06-01"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("早于选举结果公告公布日期"), "{}", r.text);
    let audit = app.audit_count().await;
    let r = api(&app, Who::Street, Method::POST, &format!("{base}/report"),
        json!({"reported_street_on": "2027-06-01", "reported_civil_affairs_on": "2027-06-02", "filing_no": "备-7"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["filing"]["filing_no"], "备-7");
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        app.audit_count().await - audit,
        2,
        "the report and the step"
    );
    let v = api(&app, Who::Community, Method::GET, &base, json!(null))
        .await
        .json();
    assert_eq!(v["result"]["done"], true);
    assert_eq!(v["blockers"], json!([]));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{base}/publish"),
        json!({"published_on": "2027-06-05"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("R-8 公布结果已结束"), "{}", r.text);
}

#[tokio::test]
async fn r8_is_closed_until_r7_is_done_or_the_street_opens_it_and_sg02_staff_cannot_see_the_result()
{
    let app = TestApp::spawn().await;
    let e = elect(&app, false).await;
    let base = result_api(e.campaign);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{base}/publish"),
        json!({"published_on": "2027-05-31"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text
            .contains("正式投票（R-7）尚未完成，公布结果（R-8）不能开始"),
        "{}",
        r.text
    );
    let overview = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("/api/v1/campaigns/{}/residents", e.campaign),
        json!(null),
    )
    .await;
    assert_eq!(overview.status, StatusCode::OK);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("/api/v1/campaigns/{}/residents/open", e.campaign),
        json!({"step": "R-8", "reason": "提前"}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only the street opens a step early"
    );
    super::open(&app, e.campaign, "R-8").await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{base}/publish"),
        json!({"published_on": "2027-05-31"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.create_user("t-sg02", "community", "sg02").await;
    let sg02 = app.login("t-sg02", PASSWORD).await;
    for path in [
        base.clone(),
        format!("{}/notice", result_page(e.campaign)),
        format!("{}/certificates/{}", result_page(e.campaign), e.elected[0]),
    ] {
        let r = app
            .send(Some(&sg02), Method::GET, &path, B::Empty, &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
}
