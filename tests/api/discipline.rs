//! D-1 换届纪律: the register is the street's alone (404 to everyone else, nothing of it on any
//! other role's page or API), an open report flags its person on the street's review pages,
//! commitments are recorded and printed per person, and D-1 closes only when every report is
//! closed.

use axum::http::{Method, StatusCode};
use huanjie::db::Q;
use huanjie::routes::{Access, table};
use serde_json::{Value, json};

use crate::fixtures::{arrange_party, create_campaign};
use crate::helpers::{B, TestApp, Who, backend};

async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Value {
    let r = app.call(who, method, path, B::Json(body)).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text);
    r.json()
}

async fn page(app: &TestApp, who: Who, path: &str) -> String {
    let r = app.call(who, Method::GET, path, B::Empty).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    r.text
}

/// A report against `person` (open), as the street; its id.
async fn report_against(app: &TestApp, person: i64) -> i64 {
    let v = api(
        app,
        Who::Street,
        Method::POST,
        "/api/v1/discipline/reports",
        json!({"received_on": "2027-04-09", "channel": "来访", "reporter": "", "person_id": person,
            "category": "拉票贿选", "summary": "反映其宴请党员拉票"}),
    )
    .await;
    assert_eq!(
        v["report"]["reporter"],
        Value::Null,
        "an empty reporter is anonymous"
    );
    assert_eq!(v["report"]["open"], true);
    v["report"]["id"].as_i64().unwrap()
}

/// A residents' nominee of `campaign` for `person`, stored directly.
async fn resident_nominee(app: &TestApp, campaign: i64, person: i64) {
    Q::new(
        "insert into resident_nominees (campaign_id, person_id, post, channel, created_at, updated_at) \
         values ($1, $2, 'member', 'self_nomination', $3, $3)",
    )
    .bind(campaign)
    .bind(person)
    .bind(huanjie::now())
    .execute(&app.state.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_report_against_a_nominee_flags_them_for_the_street_and_community_staff_learn_nothing_of_it()
 {
    // Arrange: a Party nominee (P-2 open) who is also a residents' nominee, and a report on them.
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let party = arrange_party(&app, "sg01", c, 601).await;
    resident_nominee(&app, c, party.person).await;
    let report = report_against(&app, party.person).await;
    let review = format!("/communities/sg01/campaigns/{c}/party/review");
    let nominees = format!("/communities/sg01/campaigns/{c}/residents/nominees");

    // Act + Assert: the street sees the flag on the P-2 review and the R-5 nominees, page and API.
    let text = page(&app, Who::Street, &review).await;
    assert!(text.contains("党员甲"), "{text}");
    assert!(
        text.contains("有未办结的违纪举报"),
        "P-2 flags the nominee: {text}"
    );
    let text = page(&app, Who::Street, &nominees).await;
    assert!(
        text.contains("有未办结的违纪举报"),
        "R-5 flags the nominee: {text}"
    );
    let v = api(
        &app,
        Who::Street,
        Method::GET,
        &format!("/api/v1/campaigns/{c}/party/review"),
        json!({}),
    )
    .await;
    assert_eq!(v["nominations"][0]["open_report"], true, "{v}");
    let v = api(
        &app,
        Who::Street,
        Method::GET,
        &format!("/api/v1/campaigns/{c}/residents/nominees"),
        json!({}),
    )
    .await;
    assert_eq!(v["open_reports"], json!(["党员甲"]), "{v}");

    // The community's staff: the review is the street's (403), and the pages and API they do
    // see carry nothing of the report.
    let r = app
        .call(Who::Community, Method::GET, &review, B::Empty)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for path in [
        nominees.clone(),
        format!("/communities/sg01/campaigns/{c}/party/nominations"),
        format!("/communities/sg01/campaigns/{c}/commitments"),
    ] {
        let text = page(&app, Who::Community, &path).await;
        assert!(text.contains("党员甲"), "{path}: {text}");
        assert!(!text.contains("举报"), "{path} shows the report: {text}");
    }
    for path in [
        format!("/api/v1/campaigns/{c}/residents/nominees"),
        format!("/api/v1/campaigns/{c}/party/nominations"),
        format!("/api/v1/campaigns/{c}/commitments"),
    ] {
        let v = api(&app, Who::Community, Method::GET, &path, json!({})).await;
        let s = v.to_string();
        assert!(v.get("open_reports").is_none(), "{path}: {s}");
        assert!(
            !s.contains("open_report") && !s.contains("宴请"),
            "{path}: {s}"
        );
    }

    // Closing the report lifts the flag.
    api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/discipline/reports/{report}/close"),
        json!({"outcome": "经核查不属实，予以澄清", "closed_on": "2027-04-15"}),
    )
    .await;
    let text = page(&app, Who::Street, &review).await;
    assert!(!text.contains("有未办结的违纪举报"), "{text}");
}

#[tokio::test]
async fn community_staff_scrutineers_and_counters_get_404_on_every_register_route() {
    // Arrange
    let app = TestApp::spawn().await;
    let person = crate::fixtures::create_person(
        &app,
        "sg01",
        "赵六",
        &crate::helpers::id_number("19800101", 41),
    )
    .await;
    let report = report_against(&app, person).await;
    let hidden: Vec<_> = table()
        .into_iter()
        .filter(|d| d.access == Access::StreetHidden)
        .collect();
    assert!(
        hidden.len() >= 10,
        "the register's pages and API are all hidden"
    );
    for d in &hidden {
        let path = d.path.replace("{report}", &report.to_string());
        for who in [Who::Community, Who::Scrutineer, Who::Counter] {
            // Act
            let r = app.call(who, d.method.clone(), &path, B::Empty).await;
            // Assert
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "[{}] {} {path} as {who:?}",
                backend(),
                d.method
            );
        }
        if d.method == Method::GET {
            let r = app.call(Who::Street, Method::GET, &path, B::Empty).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
            assert!(r.text.contains("宴请党员拉票"), "{path}: {}", r.text);
        }
    }
    // The register's audit entries are in the street's chain only.
    let n = app
        .count("select count(*) from audit_log where entity = 'discipline_report' and scope = 'street'")
        .await;
    assert_eq!(n, 1);
    let n = app
        .count("select count(*) from audit_log where entity = 'discipline_report' and scope <> 'street'")
        .await;
    assert_eq!(n, 0);
}

#[tokio::test]
async fn closing_a_report_needs_an_outcome_and_its_handling_steps_are_kept() {
    let app = TestApp::spawn().await;
    let person = crate::fixtures::create_person(
        &app,
        "sg01",
        "赵六",
        &crate::helpers::id_number("19800101", 42),
    )
    .await;
    let report = report_against(&app, person).await;
    let base = format!("/api/v1/discipline/reports/{report}");
    let v = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/steps"),
        json!({"done_on": "2027-04-10", "action": "约谈被反映人", "handled_by": "纪检委员王某"}),
    )
    .await;
    assert_eq!(v["step"]["action"], "约谈被反映人");
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("{base}/close"),
            B::Json(json!({"outcome": " ", "closed_on": "2027-04-12"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("办结须写明处理结果"), "{}", r.text);
    let v = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/close"),
        json!({"outcome": "批评教育", "closed_on": "2027-04-12"}),
    )
    .await;
    assert_eq!(v["report"]["open"], false);
    assert_eq!(v["report"]["steps"][0]["handled_by"], "纪检委员王某");
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("{base}/steps"),
            B::Json(json!({"done_on": "2027-04-13", "action": "回访", "handled_by": "王某"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
}

#[tokio::test]
async fn community_staff_record_their_own_nominees_commitments_which_print_with_the_name() {
    // Arrange: a Party nominee in sg01 and one in sg02.
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let other = create_campaign(&app, "sg02").await;
    let party = arrange_party(&app, "sg01", c, 611).await;
    let other_party = arrange_party(&app, "sg02", other, 613).await;
    let list = format!("/communities/sg01/campaigns/{c}/commitments");
    let text = page(&app, Who::Community, &list).await;
    assert!(text.contains("尚未签订承诺书：党员甲"), "{text}");
    let text = page(
        &app,
        Who::Street,
        &format!("/communities/sg01/campaigns/{c}/party/review"),
    )
    .await;
    assert!(
        text.contains("尚未签订“换届我承诺”承诺书：党员甲"),
        "{text}"
    );

    // Act: the community's staff record the signature through the page's form.
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &list,
            B::Form(vec![
                ("person_id".into(), party.person.to_string()),
                ("signed_on".into(), "2027-04-06".into()),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    // Assert
    let text = page(&app, Who::Community, &list).await;
    assert!(text.contains("应签订的人员均已签订"), "{text}");
    assert!(text.contains("2027-04-06"), "{text}");
    let text = page(
        &app,
        Who::Street,
        &format!("/communities/sg01/campaigns/{c}/party/review"),
    )
    .await;
    assert!(!text.contains("尚未签订“换届我承诺”"), "{text}");
    let doc = page(
        &app,
        Who::Community,
        &format!("{list}/print?person={}", party.person),
    )
    .await;
    assert!(
        doc.contains("换届我承诺") && doc.contains("党员甲"),
        "{doc}"
    );
    assert!(
        doc.contains("不拉票、不贿选") && doc.contains("承诺人（签名）"),
        "{doc}"
    );
    assert!(doc.contains("2027 年 4 月 6 日"), "{doc}");
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("/api/v1/campaigns/{c}/commitments"),
            B::Json(json!({"person_id": party.person, "signed_on": "2027-04-07"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a second signature: {}",
        r.text
    );
    // Another community's campaign is hidden, and a non-nominee cannot sign.
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("/api/v1/campaigns/{other}/commitments"),
            B::Json(json!({"person_id": other_party.person, "signed_on": "2027-04-07"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/campaigns/{c}/commitments"),
            B::Json(json!({"person_id": other_party.person, "signed_on": "2027-04-07"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text.contains("不是本届换届的被提名人或候选人"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn d1_does_not_close_while_a_report_is_open_and_names_the_count() {
    // Arrange: every nominee signed, one talk held, one report open.
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let party = arrange_party(&app, "sg01", c, 621).await;
    api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/campaigns/{c}/commitments"),
        json!({"person_id": party.person, "signed_on": "2027-04-06"}),
    )
    .await;
    let v = api(&app, Who::Street, Method::POST, "/api/v1/discipline/talks",
        json!({"held_on": "2027-04-08", "place": "街道会议室", "talked_by": "街道党工委书记", "points": "严守换届纪律\n不拉票贿选", "people": format!("{}", party.person)})).await;
    let talk = v["talk"]["id"].as_i64().unwrap();
    let report = report_against(&app, party.person).await;

    // Act
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/street/steps/D-1/close",
            B::Empty,
        )
        .await;

    // Assert
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("违纪举报尚未办结 1 件"), "{}", r.text);
    assert!(!r.text.contains("已签订 0"), "{}", r.text);
    let text = page(&app, Who::Street, "/discipline").await;
    assert!(
        text.contains("违纪举报尚未办结 1 件") && text.contains("已签订 1 人"),
        "{text}"
    );
    let doc = page(
        &app,
        Who::Street,
        &format!("/discipline/talks/{talk}/print"),
    )
    .await;
    assert!(
        doc.contains("集体谈话记录") && doc.contains("党员甲") && doc.contains("不拉票贿选"),
        "{doc}"
    );

    // Once the report is closed, D-1 closes.
    api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/discipline/reports/{report}/close"),
        json!({"outcome": "不属实", "closed_on": "2027-04-15"}),
    )
    .await;
    let v = api(
        &app,
        Who::Street,
        Method::POST,
        "/api/v1/street/steps/D-1/close",
        json!({}),
    )
    .await;
    assert!(!v["step"]["closed_at"].is_null(), "{v}");
    let text = page(&app, Who::Street, "/discipline").await;
    assert!(text.contains("换届纪律已于"), "{text}");
}

#[tokio::test]
async fn every_page_of_d1_and_the_composition_renders_in_chinese() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let party = arrange_party(&app, "sg01", c, 631).await;
    let report = report_against(&app, party.person).await;
    let v = api(
        &app,
        Who::Street,
        Method::POST,
        "/api/v1/discipline/talks",
        json!({"held_on": "2027-04-08", "talked_by": "街道党工委书记", "points": "严守换届纪律", "people": [party.person]}),
    )
    .await;
    let talk = v["talk"]["id"].as_i64().unwrap();
    let campaign = format!("/communities/sg01/campaigns/{c}");
    let street = [
        ("/discipline".to_string(), "换届我承诺"),
        ("/discipline/talks".into(), "登记集体谈话"),
        (format!("/discipline/talks/{talk}/print"), "谈话对象签名"),
        ("/discipline/reports".into(), "办理中"),
        (format!("/discipline/reports/{report}"), "宴请党员拉票"),
        (format!("{campaign}/commitments"), "登记签订"),
        (format!("{campaign}/commitments/print"), "承诺人（签名）"),
        (format!("{campaign}/composition"), "尚未选举产生"),
        (format!("{campaign}/party/candidates"), "候选人预备人选"),
        (campaign.clone(), "班子结构"),
    ];
    for (path, said) in &street {
        let text = page(&app, Who::Street, path).await;
        assert!(text.contains(said), "{path}: {text}");
    }
    for (path, said) in [
        (format!("{campaign}/commitments"), "党员甲"),
        (format!("{campaign}/composition"), "双向进入、交叉任职"),
        (campaign.clone(), "换届我承诺"),
    ] {
        let text = page(&app, Who::Community, &path).await;
        assert!(text.contains(said), "{path}: {text}");
        assert!(
            !text.contains("/discipline"),
            "{path} links to the street's pages"
        );
    }
    let home = page(&app, Who::Street, "/").await;
    assert!(home.contains("href=\"/discipline\">换届纪律</a>"), "{home}");
    let home = page(&app, Who::Community, "/").await;
    assert!(!home.contains("换届纪律"), "{home}");
}
