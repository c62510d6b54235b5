//! W-1 … W-3 (SPEC §7): the handover within ten days after the new committees were formed and
//! its checklist, the organisation (分工, subcommittees, the two groups), the charter and the
//! meeting systems — through the JSON API and the pages, with the procedure guard, the
//! dashboard's deadline and the demo.

use axum::http::{Method, StatusCode};
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::fixtures::{create_campaign, create_person};
use crate::helpers::{B, Resp, TestApp, Who, id_number};

/// A campaign of `code` whose new committees stand: the 书记 approved (P-7) on `party_on`, the
/// residents' result published on `residents_on`, every P- and R- step closed. The
/// residents' committee is 周一 (主任), 郑三 (副主任) and 冯五 (委员); the Party committee 张书记
/// (书记) and 李委员 (委员).
async fn formed(app: &TestApp, code: &str, party_on: &str, residents_on: &str) -> i64 {
    let c = create_campaign(app, code).await;
    let seq = if code == "sg01" { 41 } else { 61 };
    let sec = create_person(app, code, "张书记", &id_number("19800505", seq)).await;
    let mem = create_person(app, code, "李委员", &id_number("19810606", seq + 2)).await;
    let zhou = create_person(app, code, "周一", &id_number("19820707", seq + 4)).await;
    let date = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    // 10:00 in Beijing on the day.
    let at = date(party_on).and_hms_opt(2, 0, 0).unwrap().and_utc();
    for (person, post, status) in [
        (sec, "书记", "approved"),
        (sec, "委员", "filed"),
        (mem, "委员", "filed"),
    ] {
        Q::new("insert into party_approvals (campaign_id, person_id, post, status, decided_at, created_at) values ($1, $2, $3, $4, $5, $5)")
            .bind(c)
            .bind(person)
            .bind(post)
            .bind(status)
            .bind(at)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let m = crate::counting_fixtures::meeting(app, code, "party").await;
    let vote = crate::counting_fixtures::vote(app, m, false).await;
    for (i, (post, name, person)) in [
        ("director", "周一", Some(zhou)),
        ("deputy", "郑三", None),
        ("member", "冯五", None),
    ]
    .into_iter()
    .enumerate()
    {
        Q::new("insert into resident_elected (campaign_id, vote_id, post, name, person_id, votes, certificate_no, created_at) values ($1, $2, $3, $4, $5, 9, $6, $7)")
            .bind(c)
            .bind(vote)
            .bind(post)
            .bind(name)
            .bind(person)
            .bind(format!("W{c}-{i}"))
            .bind(huanjie::now())
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    Q::new("insert into resident_results (campaign_id, published_on, created_at, updated_at) values ($1, $2, $3, $3)")
        .bind(c)
        .bind(date(residents_on))
        .bind(huanjie::now())
        .execute(&app.state.db)
        .await
        .unwrap();
    Q::new("update campaign_steps set done_at = $1 where campaign_id = $2 and (code like 'P-%' or code like 'R-%')")
        .bind(huanjie::now())
        .bind(c)
        .execute(&app.state.db)
        .await
        .unwrap();
    c
}

async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    let b = if body.is_null() {
        B::Empty
    } else {
        B::Json(body)
    };
    app.call(who, method, path, b).await
}

fn base(c: i64) -> String {
    format!("/api/v1/campaigns/{c}/wrapup")
}

fn meeting(held_on: &str) -> Value {
    json!({"held_on": held_on, "handed_by": "王原书记、赵原主任", "received_by": "张书记、周一", "witnessed_by": "街道组织委员 刘某"})
}

fn message(r: &Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Every item of the checklist ticked by the given sides.
async fn tick_all(app: &TestApp, c: i64, handed: bool, received: bool) {
    let items = api(
        app,
        Who::Community,
        Method::GET,
        &format!("{}/handover", base(c)),
        json!(null),
    )
    .await;
    let list: Vec<Value> = items.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"id": i["id"], "quantity": "1", "handed": handed, "received": received}))
        .collect();
    let r = api(
        app,
        Who::Community,
        Method::PUT,
        &format!("{}/handover/items", base(c)),
        json!({"items": list}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn a_handover_on_day_ten_is_accepted_and_on_day_eleven_is_flagged_with_its_numbers() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    app.on("2027-06-10");
    let url = format!("{}/handover/meeting", base(c));
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &url,
        meeting("2027-06-02"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let k = &r.json()["check"];
    assert_eq!(k["passed"], true);
    assert_eq!(
        k["message"],
        "新班子于 5月23日 产生，交接会于 6月2日 召开，第 10 日，不超过 10 日"
    );
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &url,
        meeting("2027-06-03"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let k = &r.json()["check"];
    assert_eq!(k["passed"], false);
    assert_eq!(
        k["message"],
        "新班子于 5月23日 产生，交接会于 6月3日 召开，第 11 日，超过 10 日"
    );
    assert!(k["numbers"].as_str().unwrap().contains("天数：11"), "{k}");
    // Before the formation: refused, naming the day.
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &url,
        meeting("2027-05-22"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&r).contains("交接会日期：交接会日期不能早于新班子产生之日（5月23日）"),
        "{}",
        r.text
    );
    // The page shows the rule with its numbers.
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/wrapup/handover"),
            B::Empty,
        )
        .await;
    assert!(page.text.contains("第 11 日，超过 10 日"), "{}", page.text);
    // Closing names the late meeting; the street accepts it with a reason, and it stands.
    let close = format!("{}/handover/close", base(c));
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(message(&r).contains("第 11 日，超过 10 日"), "{}", r.text);
    let over = format!("{}/handover/override", base(c));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &over,
        json!({"reason": "原书记住院"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &over,
        json!({"reason": "原书记住院，延后一日"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["check"]["satisfied"], true);
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert!(!message(&r).contains("10 日内"), "{}", r.text);
}

#[tokio::test]
async fn the_checklist_refuses_to_close_until_both_sides_tick_every_item_then_freezes() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    app.on("2027-05-30");
    let h = format!("{}/handover", base(c));
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{h}/meeting"),
        meeting("2027-05-30"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let close = format!("{h}/close");
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(message(&r).contains("交接清单尚无任何项目"), "{}", r.text);
    // Items without a seal: refused for the seal.
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{h}/items"),
        json!({"category": "档案", "name": "文书档案", "quantity": "12 卷"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert!(message(&r).contains("至少应有一枚公章"), "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{h}/items/defaults"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["added"], 14, "文书档案 was listed already");
    let n = r.json()["items"].as_array().unwrap().len();
    assert_eq!(n, 15);
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert!(
        message(&r).contains("交出方尚未确认 15 / 15 项"),
        "{}",
        r.text
    );
    tick_all(&app, c, true, false).await;
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let m = message(&r);
    assert!(!m.contains("交出方尚未确认"), "{m}");
    assert!(
        m.contains("接收方尚未确认 15 / 15 项：社区党组织印章"),
        "{m}"
    );
    // A removal is audited with what the item was.
    let items = api(&app, Who::Community, Method::GET, &h, json!(null))
        .await
        .json();
    let id = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "债务清单")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = api(
        &app,
        Who::Community,
        Method::DELETE,
        &format!("{h}/items/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let audited = app
        .count(&format!("select count(*) from audit_log where entity = 'wrapup_handover_item' and action = 'delete' and entity_id = '{id}'"))
        .await;
    assert_eq!(audited, 1);
    tick_all(&app, c, true, true).await;
    let r = api(&app, Who::Community, Method::POST, &close, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Frozen: every change answers 409 naming the step and what it froze.
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{h}/items"),
        json!({"category": "公章", "name": "备用印章"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        message(&r).starts_with("W-1 新老班子交接已结束，不能再修改交接清单"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Street,
        Method::PUT,
        &format!("{h}/meeting"),
        meeting("2027-05-29"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/wrapup/handover"),
            B::Empty,
        )
        .await;
    assert!(
        page.text.contains("新老班子交接（W-1）已完成"),
        "{}",
        page.text
    );
    assert!(
        !page.text.contains("action=\"/communities/sg01/campaigns/"),
        "no forms once closed"
    );
}

#[tokio::test]
async fn the_printed_list_holds_the_items_both_tick_columns_and_three_signature_lines() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    app.on("2027-05-30");
    let h = format!("{}/handover", base(c));
    api(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{h}/meeting"),
        meeting("2027-05-28"),
    )
    .await;
    api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{h}/items/defaults"),
        json!({}),
    )
    .await;
    let r = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{c}/wrapup/handover/print"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for s in [
        "新老班子交接清单",
        "一号社区",
        "2027 年 5 月 28 日",
        "社区党组织印章",
        "居民委员会印章",
        "银行账户及存款余额",
        "交出方确认",
        "接收方确认",
        "交出方（签名）",
        "接收方（签名）",
        "监交人（签名）",
        "街道组织委员 刘某",
    ] {
        assert!(r.text.contains(s), "{s} missing from the printed list");
    }
    assert!(r.text.contains("/static/print.css"));
}

#[tokio::test]
async fn a_page_form_refused_comes_back_with_what_was_typed_and_a_message_per_field() {
    let app = TestApp::spawn().await;
    let c = formed(&app, "sg01", "2027-05-20", "2027-05-23").await;
    app.on("2027-05-30");
    let page = format!("/communities/sg01/campaigns/{c}/wrapup/handover");
    let csrf = app.client(Who::Community).unwrap().csrf.clone();
    let form = vec![
        ("_csrf".to_string(), csrf),
        ("held_on".to_string(), "2027-05-27".to_string()),
        ("handed_by".to_string(), String::new()),
        ("received_by".to_string(), "张书记".to_string()),
        ("witnessed_by".to_string(), "街道干部 孙某".to_string()),
    ];
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("{page}/meeting"),
            B::Form(form),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let shown = app.call(Who::Community, Method::GET, &page, B::Empty).await;
    assert!(shown.text.contains("交出方：不能为空"), "{}", shown.text);
    assert!(
        shown.text.contains("街道干部 孙某"),
        "the typed 监交人 comes back"
    );
    assert_eq!(app.count("select count(*) from wrapup_handovers").await, 0);
}

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
async fn the_dashboard_flags_w1_overdue_the_day_after_its_ten_day_deadline() {
    let app = TestApp::spawn().await;
    let _ = formed(&app, "sg01", "2027-05-08", "2027-05-10").await;
    let w1 = |b: &Value| -> Value {
        b["board"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["community"]["code"] == "sg01")
            .unwrap()["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "W-1")
            .unwrap()
            .clone()
    };
    app.on("2027-05-20");
    let b = api(
        &app,
        Who::Street,
        Method::GET,
        "/api/v1/dashboard",
        json!(null),
    )
    .await
    .json();
    assert_eq!(w1(&b)["overdue"], false, "day 10 is still in time");
    assert_eq!(w1(&b)["due"], "2027-05-20");
    app.on("2027-05-21");
    let b = api(
        &app,
        Who::Street,
        Method::GET,
        "/api/v1/dashboard",
        json!(null),
    )
    .await
    .json();
    let cell = w1(&b);
    assert_eq!(cell["overdue"], true, "{cell}");
    let why = cell["why"].to_string();
    assert!(
        why.contains(
            "新班子于 5月10日 产生，交接会须在 10 日内召开，应于 2027-05-20 前完成，已逾期"
        ),
        "{why}"
    );
    assert!(cell["href"].as_str().unwrap().ends_with("/wrapup/handover"));
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
