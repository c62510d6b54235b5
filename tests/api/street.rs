//! The street's S-1 work (issue 18: S-1.1, S-1.3, S-1.4): the leading group and its notice, the
//! liaisons, mobilisation and publicity with attachments, the 工作问答, training, the steps
//! closed (or refused with the failing condition named), and the untrained-staff warning.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::fixtures::{PNG, create_person};
use crate::helpers::{B, Resp, TestApp, Who, backend, id_number};

fn form(fields: &[(&str, &str)]) -> B {
    B::Form(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

async fn page(app: &TestApp, who: Who, path: &str) -> String {
    let r = app.call(who, Method::GET, path, B::Empty).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "[{}] {path}: {}",
        backend(),
        r.text
    );
    r.text
}

/// Posts a page form and checks it answered with a redirect to `back`.
async fn submit(app: &TestApp, who: Who, path: &str, fields: &[(&str, &str)], back: &str) {
    let r = app.call(who, Method::POST, path, form(fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.text);
    assert_eq!(r.location.as_deref(), Some(back), "{path}");
}

async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

async fn step(app: &TestApp, code: &str) -> Value {
    let r = app
        .call(Who::Street, Method::GET, "/api/v1/street/steps", B::Empty)
        .await;
    r.json()["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .cloned()
        .unwrap()
}

const GROUP: &str = "/street/leading-group";

/// Sets up a leading group that meets S-1.1 through the page; returns the 组长's id.
async fn leading_group(app: &TestApp) -> i64 {
    let members = "/street/leading-group/members";
    for (role, name, post, phone) in [
        ("leader", "王建国", "街道党工委书记", "13812345678"),
        ("deputy", "李明", "街道办事处主任", ""),
        ("member", "赵敏", "街道组织委员", ""),
        ("office_director", "孙丽", "街道党建办主任", ""),
        ("office_staff", "周强", "党建办干事", ""),
    ] {
        let duty = format!("{name}负责的工作");
        submit(
            app,
            Who::Street,
            members,
            &[
                ("role", role),
                ("name", name),
                ("post", post),
                ("phone", phone),
                ("duty", &duty),
            ],
            GROUP,
        )
        .await;
    }
    app.count("select id from leading_group_members where name = '王建国'")
        .await
}

#[tokio::test]
async fn the_street_sets_up_the_leading_group_prints_its_notice_and_assigns_each_community_a_liaison()
 {
    let app = TestApp::spawn().await;

    let leader = leading_group(&app).await;
    let html = page(&app, Who::Street, GROUP).await;

    assert!(
        html.contains("王建国") && html.contains("街道党工委书记"),
        "{html}"
    );
    assert!(html.contains("138****5678"), "the phone is masked: {html}");
    assert!(!html.contains("13812345678"), "never shown in full: {html}");
    assert!(html.contains("✓"), "S-1.1's condition holds: {html}");
    assert!(html.contains("组长 1 人，副组长 1 人，成员 1 人，办公室主任 1 人，办公室成员 1 人"));

    // The notice lists the members by role with their posts, the office and the duties.
    let notice = page(&app, Who::Street, "/street/leading-group/notice").await;
    assert!(notice.contains("关于成立社区“两委”换届选举工作领导小组的通知"));
    assert!(
        notice.contains("<strong>组长：</strong>王建国（街道党工委书记）"),
        "{notice}"
    );
    assert!(notice.contains("<strong>副组长：</strong>李明（街道办事处主任）"));
    assert!(
        notice.contains("办公室主任：孙丽（街道党建办主任）"),
        "{notice}"
    );
    assert!(notice.contains("办公室成员：周强（党建办干事）"));
    assert!(notice.contains("赵敏负责的工作"));

    // An edit keeps the phone when the field is left empty.
    let id = leader.to_string();
    submit(
        &app,
        Who::Street,
        &format!("/street/leading-group/members/{id}"),
        &[
            ("role", "leader"),
            ("name", "王建国"),
            ("post", "街道党工委书记、组长"),
            ("phone", ""),
        ],
        GROUP,
    )
    .await;
    let phone = app
        .count("select count(*) from leading_group_members where phone = '13812345678' and post = '街道党工委书记、组长'")
        .await;
    assert_eq!(phone, 1);

    // A liaison per community, shown on the community's page to its own staff.
    submit(
        &app,
        Who::Street,
        "/street/leading-group/liaisons/sg01",
        &[("kind", "leader"), ("member_id", &id)],
        GROUP,
    )
    .await;
    let liaisons = huanjie::street::leading_group::liaisons(&app.state.db)
        .await
        .unwrap();
    let sg01 = app
        .count("select id from communities where code = 'sg01'")
        .await;
    assert_eq!(
        liaisons.get(&sg01).map(String::as_str),
        Some("王建国（联系领导）")
    );
    let show = page(&app, Who::Community, "/communities/sg01").await;
    assert!(show.contains("王建国（联系领导）"), "{show}");

    // Removing a member needs a reason, and is audited with it.
    let r = app
        .call(
            Who::Street,
            Method::DELETE,
            &format!("/api/v1/street/leading-group/members/{id}"),
            B::Json(json!({"reason": ""})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("理由"), "{}", r.text);
    submit(
        &app,
        Who::Street,
        &format!("/street/leading-group/members/{id}/delete"),
        &[("reason", "工作调动")],
        GROUP,
    )
    .await;
    let audited = app
        .count("select count(*) from audit_log where entity = 'leading_group_member' and action = 'delete' and after_json like '%工作调动%'")
        .await;
    assert_eq!(audited, 1);
    let s = step(&app, "S-1.1").await;
    assert_eq!(s["facts"][0]["passed"], false);
    assert!(
        s["facts"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("尚无组长")
    );
}

#[tokio::test]
async fn closing_a_street_step_is_refused_naming_the_failing_condition_with_its_numbers() {
    let app = TestApp::spawn().await;

    let r = api(
        &app,
        Who::Street,
        Method::POST,
        "/api/v1/street/steps/S-1.1/close",
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("领导小组组长、成员及办公室人员已登记"),
        "{msg}"
    );
    assert!(
        msg.contains("组长 0 人") && msg.contains("尚无组长"),
        "{msg}"
    );

    // Through the page the refusal comes back as the page's message.
    submit(
        &app,
        Who::Street,
        "/street/steps/S-1.4/close",
        &[],
        "/street/training",
    )
    .await;
    let html = page(&app, Who::Street, "/street/training").await;
    assert!(html.contains("尚未登记培训"), "{html}");
    assert!(html.contains("✗"), "{html}");
    assert!(step(&app, "S-1.4").await["closed_at"].is_null());
}

#[tokio::test]
async fn mobilisation_publicity_and_training_close_s1_through_the_pages() {
    let app = TestApp::spawn().await;
    leading_group(&app).await;
    submit(&app, Who::Street, "/street/steps/S-1.1/close", &[], GROUP).await;
    assert!(!step(&app, "S-1.1").await["closed_at"].is_null());

    // S-1.3: a meeting, and publicity in one of two communities is not enough.
    submit(
        &app,
        Who::Street,
        "/street/mobilisation/meetings",
        &[
            ("date", "2027-03-22"),
            ("place", "街道办事处会议室"),
            ("speakers", "王建国"),
            ("attend_street", "12"),
            ("attend_community", "20"),
            ("attend_residents", "30"),
            ("attend_party", "15"),
            ("attend_other", ""),
        ],
        "/street/mobilisation",
    )
    .await;
    submit(
        &app,
        Who::Community,
        "/communities/sg01/publicity",
        &[
            ("date", "2027-03-25"),
            ("kind", "leaflet"),
            ("count", "300"),
            ("note", "发到各居民小组"),
        ],
        "/communities/sg01/publicity",
    )
    .await;
    let own = page(&app, Who::Community, "/communities/sg01/publicity").await;
    assert!(own.contains("明白纸") && own.contains("300") && own.contains("发到各居民小组"));
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        "/api/v1/street/steps/S-1.3/close",
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("2 个社区中 1 个") && msg.contains("尚缺：二号社区"),
        "{msg}"
    );
    let html = page(&app, Who::Street, "/street/mobilisation").await;
    assert!(
        html.contains("已召开动员部署会议 1 次，参会 77 人次"),
        "{html}"
    );
    submit(
        &app,
        Who::Street,
        "/communities/sg02/publicity",
        &[("date", "2027-03-26"), ("kind", "banner"), ("count", "4")],
        "/communities/sg02/publicity",
    )
    .await;
    submit(
        &app,
        Who::Street,
        "/street/steps/S-1.3/close",
        &[],
        "/street/mobilisation",
    )
    .await;
    assert!(!step(&app, "S-1.3").await["closed_at"].is_null());
    let html = page(&app, Who::Street, "/street/mobilisation").await;
    assert!(
        html.contains("重新开放的理由"),
        "a closed step offers reopening: {html}"
    );

    // S-1.4: a session with a person, an account and a typed name.
    submit(
        &app,
        Who::Street,
        "/street/training",
        &[
            ("date", "2027-03-28"),
            ("topic", "选举工作人员业务培训"),
            ("trainer", "孙丽"),
            ("place", "党群服务中心"),
        ],
        "/street/training",
    )
    .await;
    let t = app.count("select id from trainings").await;
    let person = create_person(&app, "sg01", "钱进", &id_number("19750505", 55)).await;
    let counter = app
        .count("select id from users where username = 't-counter'")
        .await;
    let attendees = format!("/street/training/{t}/attendees");
    for fields in [
        vec![("person_id", person.to_string())],
        vec![("user_id", counter.to_string())],
        vec![
            ("name", "吴芳".to_string()),
            ("unit", "二号社区".to_string()),
        ],
    ] {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        submit(&app, Who::Street, &attendees, &f, "/street/training").await;
    }
    let html = page(&app, Who::Street, "/street/training").await;
    assert!(html.contains("钱进") && html.contains("一号社区"), "{html}");
    assert!(
        html.contains("吴芳") && html.contains("t-counter"),
        "{html}"
    );
    assert!(
        html.contains("已登记培训 1 场，其中 1 场有参训人员，共 3 人次"),
        "{html}"
    );
    let sheet = page(&app, Who::Street, &format!("/street/training/{t}/sheet")).await;
    assert!(sheet.contains("培训签到表") && sheet.contains("钱进") && sheet.contains("签名"));
    assert!(
        sheet.matches("class=\"blank\"").count() >= 8,
        "blank rows: {sheet}"
    );
    // The training is recorded against the person.
    let p = page(
        &app,
        Who::Community,
        &format!("/communities/sg01/people/{person}"),
    )
    .await;
    assert!(p.contains("选举工作人员业务培训"), "{p}");
    submit(
        &app,
        Who::Street,
        "/street/steps/S-1.4/close",
        &[],
        "/street/training",
    )
    .await;

    // The hub shows every S-1 step with where it stands.
    let hub = page(&app, Who::Street, "/street").await;
    for name in ["成立工作机构", "制定工作方案", "动员部署与宣传", "集中培训"]
    {
        assert!(hub.contains(name), "{name}: {hub}");
    }
    assert_eq!(
        hub.matches("<span class=\"good\">已完成</span>").count(),
        3,
        "{hub}"
    );
    for code in ["S-1.1", "S-1.3", "S-1.4"] {
        assert!(!step(&app, code).await["closed_at"].is_null(), "{code}");
    }
}

#[tokio::test]
async fn the_api_creates_updates_and_removes_every_s1_record_with_a_reason() {
    let app = TestApp::spawn().await;
    let base = "/api/v1/street";
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/leading-group/members"),
        json!({"role": "组长", "name": "王建国", "phone": "138-1234-5678"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["member"]["role"], "leader");
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/leading-group/members"),
        json!({"role": "秘书长", "name": ""}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(
        r.text.contains("职责") && r.text.contains("姓名"),
        "{}",
        r.text
    );

    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/mobilisation/meetings"),
        json!({"date": "3月22日", "place": "会议室"}),
    )
    .await;
    assert_eq!(r.status, 422, "a date is 年-月-日: {}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/mobilisation/meetings"),
        json!({"date": "2027-03-22", "place": "会议室", "attend_street": 5}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = r.json()["meeting"]["id"].as_i64().unwrap();
    let r = api(
        &app,
        Who::Street,
        Method::PUT,
        &format!("{base}/mobilisation/meetings/{m}"),
        json!({"date": "2027-03-23", "place": "礼堂", "attend_street": 6, "attend_party": 40}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["meeting"]["attend_party"], 40);

    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/qa"),
        json!({"question": "问一？", "answer": "答一。"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let q = r.json()["item"]["id"].as_i64().unwrap();
    let r = api(
        &app,
        Who::Street,
        Method::PUT,
        &format!("{base}/qa/{q}"),
        json!({"question": "问一（改）？", "answer": "答一。", "sort": 0}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let list = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("{base}/qa"),
        json!({}),
    )
    .await;
    assert_eq!(
        list.json()["items"][0]["question"],
        "问一（改）？",
        "sort 0 comes first"
    );

    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/training"),
        json!({"date": "2027-03-28", "topic": "培训"}),
    )
    .await;
    let t = r.json()["training"]["id"].as_i64().unwrap();
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/training/{t}/attendees"),
        json!({"name": "吴芳"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/training/{t}/attendees"),
        json!({"name": "吴芳"}),
    )
    .await;
    assert_eq!(r.status, 422, "twice in one session: {}", r.text);
    assert!(r.text.contains("已登记"), "{}", r.text);

    let before = app.audit_count().await;
    for path in [
        format!("{base}/mobilisation/meetings/{m}"),
        format!("{base}/qa/{q}"),
        format!("{base}/training/{t}"),
    ] {
        let r = api(
            &app,
            Who::Street,
            Method::DELETE,
            &path,
            json!({"reason": ""}),
        )
        .await;
        assert_eq!(r.status, 422, "{path}: a removal needs a reason");
        let r = api(
            &app,
            Who::Street,
            Method::DELETE,
            &path,
            json!({"reason": "录入错误"}),
        )
        .await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
    }
    assert_eq!(app.audit_count().await, before + 3);
    assert_eq!(
        app.count("select count(*) from training_attendees").await,
        0
    );
    let s = api(
        &app,
        Who::Street,
        Method::GET,
        &format!("{base}/training"),
        json!({}),
    )
    .await;
    assert_eq!(s.json()["step"]["facts"][0]["passed"], false);
}

#[tokio::test]
async fn community_staff_keep_their_own_publicity_and_read_the_qa_but_write_no_street_record() {
    let app = TestApp::spawn().await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        "/api/v1/communities/sg01/publicity",
        json!({"date": "2027-03-25", "kind": "宣传画", "count": 20}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["record"]["kind"], "poster");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        "/api/v1/communities/sg02/publicity",
        json!({"date": "2027-03-25", "kind": "poster", "count": 20}),
    )
    .await;
    assert_eq!(r.status, 404, "another community's does not exist for them");
    for (method, path) in [
        (Method::POST, "/api/v1/street/leading-group/members"),
        (Method::POST, "/api/v1/street/mobilisation/meetings"),
        (Method::POST, "/api/v1/street/training"),
        (Method::POST, "/api/v1/street/qa"),
        (Method::POST, "/street/training"),
        (Method::GET, "/street/leading-group"),
    ] {
        let r = api(&app, Who::Community, method.clone(), path, json!({"name": "x", "role": "leader", "date": "2027-03-25", "topic": "x", "place": "x", "question": "x", "answer": "x"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    assert_eq!(
        app.count("select count(*) from leading_group_members")
            .await,
        0
    );
    assert_eq!(app.count("select count(*) from trainings").await, 0);

    // The 工作问答 as every community reads and prints it: the default set from the plan's topics.
    let qa = page(&app, Who::Community, "/street/qa").await;
    assert!(qa.contains("为什么要开展社区“两委”换届选举？"), "{qa}");
    assert!(!qa.contains("添加问答"), "no edit form for community staff");
    let print = page(&app, Who::Community, "/street/qa/print").await;
    assert!(
        print.contains("换届有哪些纪律要求") && print.contains("window.print()"),
        "{print}"
    );
}

#[tokio::test]
async fn an_attachment_too_large_or_of_the_wrong_type_is_refused_in_chinese_and_nothing_is_stored()
{
    let app = TestApp::spawn().await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        "/api/v1/communities/sg01/publicity",
        json!({"date": "2027-03-25", "kind": "handbook", "count": 100}),
    )
    .await;
    let rid = r.json()["record"]["id"].as_i64().unwrap();
    let api_path = format!("/api/v1/communities/sg01/publicity/{rid}/attachments");

    let mut big = PNG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &api_path,
            B::Multipart(vec![], Some(("大.png".into(), big))),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("不能超过 5 MB"), "{}", r.text);
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &api_path,
            B::Multipart(
                vec![],
                Some(("说明.docx".into(), b"PK\x03\x04word".to_vec())),
            ),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.text.contains("只能上传 PNG、JPEG 格式的图片或 PDF 文件"),
        "{}",
        r.text
    );
    // Through the page: back to the page with the message.
    let page_path = format!("/communities/sg01/publicity/{rid}/attachments");
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &page_path,
            B::Multipart(vec![], Some(("a.gif".into(), b"GIF89a....".to_vec()))),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let html = page(&app, Who::Community, "/communities/sg01/publicity").await;
    assert!(
        html.contains("只能上传 PNG、JPEG 格式的图片或 PDF 文件"),
        "{html}"
    );
    assert_eq!(
        app.count("select count(*) from publicity_attachments")
            .await,
        0
    );

    // A PNG and a PDF are kept: the image as a thumbnail, the PDF as a link, served inline.
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &page_path,
            B::Multipart(vec![], Some(("横幅照片.png".into(), PNG.to_vec()))),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &api_path,
            B::Multipart(vec![], Some(("手册.pdf".into(), b"%PDF-1.4 test".to_vec()))),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let pdf = r.json()["attachment"]["id"].as_i64().unwrap();
    let png = app
        .count("select id from publicity_attachments where content_type = 'image/png'")
        .await;
    let html = page(&app, Who::Community, "/communities/sg01/publicity").await;
    assert!(
        html.contains(&format!(
            "<img class=\"thumb\" src=\"/communities/sg01/publicity/attachments/{png}\""
        )),
        "{html}"
    );
    assert!(html.contains("手册.pdf（PDF，1 KB）"), "{html}");

    let client = app.client(Who::Community).unwrap().clone();
    let get =
        |id: i64| {
            let router = app.router.clone();
            let cookie = client.cookie.clone();
            async move {
                let req = Request::builder()
                    .uri(format!("/communities/sg01/publicity/attachments/{id}"))
                    .header(header::HOST, "localhost")
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())
                    .unwrap();
                let mut req = req;
                req.extensions_mut().insert(axum::extract::ConnectInfo(
                    std::net::SocketAddr::from(([10, 0, 0, 1], 40000)),
                ));
                let resp = router.oneshot(req).await.unwrap();
                let headers = resp.headers().clone();
                let status = resp.status();
                let body = resp.into_body().collect().await.unwrap().to_bytes();
                (status, headers, body)
            }
        };
    let (status, headers, body) = get(png).await;
    assert_eq!(status, 200);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    let cd = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(cd.starts_with("inline;") && cd.contains("UTF-8''"), "{cd}");
    assert_eq!(&body[..], PNG);
    let (_, headers, _) = get(pdf).await;
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    // Another community's staff do not see it.
    let sg02 = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg02/publicity/attachments/{png}"),
            B::Empty,
        )
        .await;
    assert_eq!(sg02.status, 404);
}

#[tokio::test]
async fn a_scrutineer_who_attended_no_training_is_flagged_on_the_staff_page_until_trained() {
    let app = TestApp::spawn().await;
    let m = crate::counting_fixtures::meeting(&app, "sg01", "party").await;
    let person = create_person(&app, "sg01", "郑监票", &id_number("19700101", 71)).await;
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/meetings/{m}/staff"),
        json!({"person_id": person, "role": "scrutineer"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/meetings/{m}/staff"),
        json!({"name": "冯计票", "role": "counter", "table": 1}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);

    let staff = page(&app, Who::Community, &format!("/meetings/{m}")).await;
    assert!(
        staff.contains("郑监票 <span class=\"warn untrained\""),
        "{staff}"
    );
    assert!(
        staff.contains("冯计票 <span class=\"warn untrained\""),
        "{staff}"
    );
    assert!(
        staff.contains("可以照常担任"),
        "a warning, not a refusal: {staff}"
    );

    // Trained: the scrutineer by person, the counter by name.
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        "/api/v1/street/training",
        json!({"date": "2027-03-28", "topic": "监票计票培训"}),
    )
    .await;
    let t = r.json()["training"]["id"].as_i64().unwrap();
    api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/street/training/{t}/attendees"),
        json!({"person_id": person}),
    )
    .await;
    let staff = page(&app, Who::Community, &format!("/meetings/{m}")).await;
    assert!(
        !staff.contains("郑监票 <span class=\"warn untrained\""),
        "{staff}"
    );
    assert!(
        staff.contains("冯计票 <span class=\"warn untrained\""),
        "{staff}"
    );
    api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/street/training/{t}/attendees"),
        json!({"name": "冯计票"}),
    )
    .await;
    let staff = page(&app, Who::Community, &format!("/meetings/{m}")).await;
    assert!(!staff.contains("未参加培训"), "{staff}");
}

#[tokio::test]
async fn the_demo_fills_s1_for_its_street_and_closes_every_s1_step() {
    let app = TestApp::spawn().await;

    let report = huanjie::demo::load(&app.state).await.unwrap();

    assert!(
        report.party.iter().any(|l| l.starts_with("街道：")),
        "{:?}",
        report.party
    );
    for code in ["S-1.1", "S-1.2", "S-1.3", "S-1.4"] {
        let s = step(&app, code).await;
        assert!(!s["closed_at"].is_null(), "{code}: {s}");
    }
    let liaisons = huanjie::street::leading_group::liaisons(&app.state.db)
        .await
        .unwrap();
    let communities = app.count("select count(*) from communities").await;
    assert_eq!(liaisons.len() as i64, communities);
    let notice = page(&app, Who::Street, "/street/leading-group/notice").await;
    assert!(notice.contains("王建国（街道党工委书记）"), "{notice}");
    // Every 监票人 and 计票人 of the demo's meetings attended the training.
    let meetings: Vec<(i64,)> =
        huanjie::db::Q::new("select distinct meeting_id from meeting_staff")
            .all(&app.state.db)
            .await
            .unwrap();
    assert!(!meetings.is_empty());
    for (m,) in meetings {
        let html = page(&app, Who::Street, &format!("/meetings/{m}")).await;
        assert!(!html.contains("未参加培训"), "meeting {m}: {html}");
    }
}
