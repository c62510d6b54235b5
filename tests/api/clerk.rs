//! A clerk's mistakes (issue 17 §3): a vote needs candidates on every post and a title of its
//! own, a draft vote can be withdrawn with a reason, and no ballot is entered beyond the box.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::counting_fixtures as cf;
use crate::helpers::{B, TestApp, Who};

fn message(r: &crate::helpers::Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_vote_without_candidates_on_a_post_or_with_a_title_taken_is_refused() {
    let mut app = TestApp::spawn().await;
    let room = cf::room(&mut app).await;
    let path = format!("/api/v1/meetings/{}/votes", room.meeting);
    let before = app.count("select count(*) from votes").await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &path,
            B::Json(
                json!({"title": "选举书记", "preset": "party", "electorate": 7,
                "posts": [{"post": "书记", "seats": 1, "candidates": []}]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        message(&r),
        "候选人：职位“书记”没有候选人：每个职位都要列出候选人"
    );
    cf::vote(&app, room.meeting, true).await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &path,
            B::Json(
                json!({"title": "选举委员", "preset": "party", "electorate": 7,
                "posts": [{"post": "委员", "seats": 1, "candidates": ["丁一", "王二"]}]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        message(&r).contains("已有名为“选举委员”的投票"),
        "{}",
        r.text
    );
    assert_eq!(app.count("select count(*) from votes").await, before + 1);
}

#[tokio::test]
async fn a_draft_vote_is_withdrawn_with_its_reason_and_a_started_one_is_not() {
    let mut app = TestApp::spawn().await;
    let room = cf::room(&mut app).await;
    let v = cf::vote(&app, room.meeting, true).await;
    let path = format!("/api/v1/votes/{v}/withdraw");
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &path,
            B::Json(json!({"reason": " "})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &path,
            B::Json(json!({"reason": "名称录错，重新建立"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        app.count(&format!("select count(*) from votes where id = {v}"))
            .await,
        0
    );
    let audited: (Option<String>,) = huanjie::db::Q::new(
        "select after_json from audit_log where action = 'withdraw' and entity = 'vote'",
    )
    .one(&app.state.db)
    .await
    .unwrap();
    assert!(audited.0.unwrap().contains("名称录错，重新建立"));
    // The title is free again; a vote that has begun cannot be withdrawn.
    let v2 = cf::vote(&app, room.meeting, true).await;
    cf::counting(&app, v2, 1).await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/votes/{v2}/withdraw"),
            B::Json(json!({"reason": "试试"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(message(&r).contains("只有草稿可以撤回"), "{}", r.text);
}

#[tokio::test]
async fn no_ballot_is_entered_beyond_those_collected_and_the_refusal_gives_the_numbers() {
    let mut app = TestApp::spawn().await;
    let room = cf::room(&mut app).await;
    let v = cf::vote(&app, room.meeting, false).await;
    cf::counting(&app, v, 2).await;
    let c = app.client(Who::Counter).cloned().unwrap();
    for tag in ["a", "b"] {
        let r = cf::enter(&app, &c, v, tag, cf::for_names(&["李三"])).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = cf::enter(&app, &c, v, "c", cf::for_names(&["李三"])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("收回选票 2 张，已录入 2 张"),
        "{}",
        r.text
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from ballot_entries where vote_id = {v}"
        ))
        .await,
        2
    );
}

#[tokio::test]
async fn a_voided_ballot_frees_its_place_in_the_box_and_a_second_counters_entry_of_it_takes_none() {
    let mut app = TestApp::spawn().await;
    let room = cf::room(&mut app).await;
    let v = cf::vote(&app, room.meeting, true).await;
    cf::counting(&app, v, 2).await;
    let c1 = app.client(Who::Counter).cloned().unwrap();
    let entered = format!("select ballots_entered from votes where id = {v}");
    // Both counters enter ballot 1 (double entry): one ballot of the two in the box.
    cf::enter_both(&app, &room, v, "one", cf::for_names(&["李三"])).await;
    assert_eq!(app.count(&entered).await, 1);
    let r = cf::enter(&app, &c1, v, "two-a", cf::for_names(&["李三"])).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(app.count(&entered).await, 2);
    // The box is full: a third ballot is refused with the numbers.
    let r = cf::enter(&app, &c1, v, "three-a", cf::for_names(&["李三"])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("收回选票 2 张，已录入 2 张"),
        "{}",
        r.text
    );
    // The counter voids ballot 2 (nobody else entered it): its place is free again.
    let r = cf::call_as(
        &app,
        &c1,
        Method::POST,
        &format!("/api/v1/votes/{v}/ballots/void-last"),
        B::Json(json!({})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.count(&entered).await, 1);
    let r = cf::enter(&app, &c1, v, "two-again", cf::for_names(&["丁一"])).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(app.count(&entered).await, 2);
    // Voiding one counter's entry of ballot 1 frees nothing: the other's entry stands.
    let r = cf::call_as(
        &app,
        &room.counter2,
        Method::POST,
        &format!("/api/v1/votes/{v}/ballots/void-last"),
        B::Json(json!({})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.count(&entered).await, 2);
}

#[tokio::test]
async fn a_refused_person_form_comes_back_with_everything_typed_but_tokens() {
    let app = TestApp::spawn().await;
    let c = app.client(Who::Community).cloned().unwrap();
    let mut bad_id = crate::helpers::id_number("19800101", 41);
    let last = if bad_id.ends_with('1') { '2' } else { '1' };
    bad_id.replace_range(17.., &last.to_string());
    let fields = vec![
        ("_csrf".to_string(), c.csrf.clone()),
        ("_idem".to_string(), "k-echo".to_string()),
        ("name".to_string(), "欧阳<小>明".to_string()),
        ("id_number".to_string(), bad_id.clone()),
        ("ethnicity".to_string(), "回族".to_string()),
        ("phone".to_string(), "13912345678".to_string()),
        ("household_no".to_string(), "0712".to_string()),
        ("education".to_string(), "大专".to_string()),
    ];
    let r = app
        .send(
            Some(&c),
            Method::POST,
            "/communities/sg01/people",
            B::Form(fields),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = app
        .send(
            Some(&c),
            Method::GET,
            r.location.as_deref().unwrap(),
            B::Empty,
            &[],
        )
        .await;
    let echo = page
        .text
        .split("<script type=\"application/json\" id=\"form-echo\">")
        .nth(1)
        .and_then(|t| t.split("</script>").next())
        .expect("the page carries the refused form");
    assert!(!echo.contains('<'), "escaped inside the script: {echo}");
    let v: serde_json::Value = serde_json::from_str(echo).unwrap();
    assert_eq!(v["action"], "/communities/sg01/people");
    let typed: Vec<(String, String)> = serde_json::from_value(v["fields"].clone()).unwrap();
    for (k, want) in [
        ("name", "欧阳<小>明"),
        ("ethnicity", "回族"),
        ("phone", "13912345678"),
        ("household_no", "0712"),
        ("education", "大专"),
        ("id_number", bad_id.as_str()),
    ] {
        assert!(
            typed.iter().any(|(n, t)| n == k && t == want),
            "{k} given back: {typed:?}"
        );
    }
    assert!(typed.iter().all(|(n, _)| n != "_csrf" && n != "_idem"));
    assert_eq!(v["errors"][0]["field"], "身份证号");
    assert!(page.text.contains("/static/forms.js"));
    // The next page view has no echo left.
    let again = app
        .send(
            Some(&c),
            Method::GET,
            r.location.as_deref().unwrap(),
            B::Empty,
            &[],
        )
        .await;
    assert!(!again.text.contains("form-echo"));
}

#[tokio::test]
async fn the_audit_page_reads_in_chinese_with_beijing_times_and_field_changes() {
    let app = TestApp::spawn().await;
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(json!({"name": "审计甲", "gender": "女", "household_no": "12"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let page = app
        .call(
            Who::Street,
            Method::GET,
            "/audit?scope=community:sg01&entity=person",
            B::Empty,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page
        .text
        .split("<table class=\"grid small audit\">")
        .nth(1)
        .unwrap();
    assert!(table.contains("时间（北京时间）"));
    assert!(
        table.contains("新增") && table.contains("人员（编号"),
        "{table}"
    );
    assert!(table.contains("户号：空 → 12"), "{table}");
    for raw in ["\"household_no\"", "create", "person ", "{&quot;"] {
        assert!(!table.contains(raw), "{raw} shown");
    }
}

#[tokio::test]
async fn the_ballot_names_the_community_once() {
    let mut app = TestApp::spawn().await;
    let room = cf::room(&mut app).await;
    let v = cf::vote(&app, room.meeting, true).await;
    let title: (String,) = huanjie::db::Q::new("select title from meetings where id = $1")
        .bind(room.meeting)
        .one(&app.state.db)
        .await
        .unwrap();
    // A meeting titled with the community's name, as the pipelines name theirs.
    huanjie::db::Q::new("update meetings set title = $1 where id = $2")
        .bind(format!("一号社区{}", title.0))
        .bind(room.meeting)
        .execute(&app.state.db)
        .await
        .unwrap();
    let page = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/votes/{v}/ballot"),
            B::Empty,
        )
        .await;
    let h1 = page
        .text
        .split("<h1>")
        .nth(1)
        .unwrap()
        .split("</h1>")
        .next()
        .unwrap();
    assert_eq!(h1, format!("一号社区{}选票", title.0));
}

#[tokio::test]
async fn a_persons_page_leads_back_to_the_communitys_list() {
    let app = TestApp::spawn().await;
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(json!({"name": "回列甲", "gender": "男"})),
        )
        .await;
    let id = r.json()["person"]["id"].as_i64().unwrap();
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/people/{id}"),
            B::Empty,
        )
        .await;
    assert!(
        page.text
            .contains("<a href=\"/communities/sg01/people\">← 返回一号社区人员名单</a>"),
        "{}",
        page.text
    );
}

#[tokio::test]
async fn an_empty_voter_registration_goes_back_to_its_page_with_the_person_field_marked() {
    let app = TestApp::spawn().await;
    let campaign = crate::fixtures::create_campaign(&app, "sg01").await;
    let c = app.client(Who::Community).cloned().unwrap();
    let page = format!("/communities/sg01/campaigns/{campaign}/residents/voters");
    let fields = vec![
        ("_csrf".to_string(), c.csrf.clone()),
        ("_idem".to_string(), "k-empty-voter".to_string()),
        ("person_id".to_string(), String::new()),
        ("basis".to_string(), "hukou".to_string()),
        ("proof".to_string(), "已在户籍地声明不参加选举".to_string()),
    ];
    let referer = format!("http://127.0.0.1{page}");
    let before = app.count("select count(*) from resident_voters").await;
    let r = app
        .send(
            Some(&c),
            Method::POST,
            &page,
            B::Form(fields),
            &[("referer", referer.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location.as_deref(), Some(page.as_str()));
    let back = app.send(Some(&c), Method::GET, &page, B::Empty, &[]).await;
    assert!(
        back.text.contains("人员：未填写或格式不正确"),
        "the page names the field"
    );
    let echo = back
        .text
        .split("id=\"form-echo\">")
        .nth(1)
        .and_then(|t| t.split("</script>").next())
        .expect("the refused form is given back");
    assert!(echo.contains("已在户籍地声明不参加选举"), "{echo}");
    assert!(
        back.text.contains("<nav"),
        "a whole page, with its navigation"
    );
    assert_eq!(
        app.count("select count(*) from resident_voters").await,
        before
    );
}

#[tokio::test]
async fn home_names_each_pipelines_current_step_with_its_link_and_counts_people_as_the_lists_do() {
    let app = TestApp::spawn().await;
    let c = crate::fixtures::create_campaign(&app, "sg01").await;
    // One person lives in 舜玉 but is registered (户籍) in 舜华.
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/communities/sg02/people",
            B::Json(
                json!({"name": "户在华", "id_number": crate::helpers::id_number("19770707", 61),
                           "hukou_community": "sg01", "residence_community": "sg02"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let living = app
        .count("select count(*) from people p join communities c on c.id = p.residence_community_id where c.code = 'sg01'")
        .await;
    // The community's home names where it stands (the street's home is the dashboard, whose
    // matrix links every step: tests/api/dashboard.rs).
    let home = app.call(Who::Community, Method::GET, "/", B::Empty).await;
    for (pipeline, code, page) in [
        ("党组织", "P-1", "party/nominations"),
        ("居委会", "R-1", "residents/representatives"),
    ] {
        let name = huanjie::domain::procedure::step(code).unwrap().name;
        let link = format!(
            "{pipeline}：<a href=\"/communities/sg01/campaigns/{c}/{page}\">{code} {name}</a>"
        );
        assert!(home.text.contains(&link), "{link} missing");
    }
    assert!(home.text.contains(&format!(
        "<a href=\"/communities/sg01/people\">{living}</a> <small class=\"muted\">另 1 人户籍在此</small>"
    )));
    let list = app
        .call(
            Who::Street,
            Method::GET,
            "/communities/sg01/people",
            B::Empty,
        )
        .await;
    assert!(list.text.contains(&format!("共 {} 人", living + 1)));
    assert!(list.text.contains(&format!(
        "居住在本社区 {living} 人，另有 1 人户籍在本社区、居住在外"
    )));
    let communities = app
        .call(Who::Street, Method::GET, "/communities", B::Empty)
        .await;
    assert!(communities.text.contains(&format!(">{living}（另 1）</a>")));
    // Both progress tables link every step to its page and speak the step table's words.
    for (pipeline, first) in [
        ("party", "party/nominations"),
        ("residents", "residents/representatives"),
    ] {
        let page = app
            .call(
                Who::Street,
                Method::GET,
                &format!("/communities/sg01/campaigns/{c}/{pipeline}"),
                B::Empty,
            )
            .await;
        assert!(
            page.text
                .contains(&format!("href=\"/communities/sg01/campaigns/{c}/{first}\"")),
            "{pipeline}"
        );
        assert!(!page.text.contains("未完成"), "{pipeline} says 未完成");
        assert!(page.text.contains("未开始"), "{pipeline}");
    }
}

#[tokio::test]
async fn the_person_picker_finds_by_name_initials_or_id_digits_within_the_community_and_masks_ids()
{
    let app = TestApp::spawn().await;
    let id_a = crate::helpers::id_number("19750505", 71);
    let id_b = crate::helpers::id_number("19820808", 72);
    let a = crate::fixtures::create_person(&app, "sg01", "王一鸣", &id_a).await;
    let b = crate::fixtures::create_person(&app, "sg01", "王依明", &id_b).await;
    let elsewhere = crate::fixtures::create_person(
        &app,
        "sg02",
        "王亦明",
        &crate::helpers::id_number("19900909", 73),
    )
    .await;
    let pick = |q: String| {
        let app = &app;
        async move {
            let r = app
                .call(
                    Who::Community,
                    Method::GET,
                    &format!("/api/v1/communities/sg01/people/pick?{q}"),
                    B::Empty,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.json()["people"].as_array().unwrap().clone()
        }
    };
    let ids = |v: &[serde_json::Value]| -> Vec<i64> {
        v.iter().map(|p| p["id"].as_i64().unwrap()).collect()
    };
    let by_initials = pick("q=wym".into()).await;
    assert_eq!(ids(&by_initials).len(), 2, "{by_initials:?}");
    assert!(ids(&by_initials).contains(&a) && ids(&by_initials).contains(&b));
    assert!(
        !ids(&by_initials).contains(&elsewhere),
        "another community's person"
    );
    let text = serde_json::to_string(&by_initials).unwrap();
    assert!(
        !text.contains(&id_a) && !text.contains(&id_b),
        "ID numbers masked: {text}"
    );
    assert!(
        text.contains(&id_a[id_a.len() - 4..]),
        "the last digits tell namesakes apart"
    );
    let by_tail = pick(format!("q={}", &id_b[id_b.len() - 5..])).await;
    assert_eq!(ids(&by_tail), [b]);
    let by_name = pick(format!("q={}", "%E4%B8%80%E9%B8%A3")).await; // 一鸣
    assert_eq!(ids(&by_name), [a]);
    let by_id = pick(format!("id={b}")).await;
    assert_eq!(by_id[0]["name"], "王依明");
    assert!(pick(format!("id={elsewhere}")).await.is_empty());
    // The street's own picker spans the street; a counter may not search people at all.
    let street = app
        .call(
            Who::Street,
            Method::GET,
            "/api/v1/people/pick?q=wym",
            B::Empty,
        )
        .await;
    assert_eq!(street.json()["people"].as_array().unwrap().len(), 3);
    let counter = app
        .call(
            Who::Counter,
            Method::GET,
            "/api/v1/communities/sg01/people/pick?q=wym",
            B::Empty,
        )
        .await;
    assert_eq!(counter.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_new_vote_form_offers_the_residents_posts_and_ignores_the_lines_left_as_offered() {
    let app = TestApp::spawn().await;
    let meeting = cf::meeting(&app, "sg01", "residents").await;
    let c = app.client(Who::Street).cloned().unwrap();
    let page = app
        .send(
            Some(&c),
            Method::GET,
            &format!("/meetings/{meeting}"),
            B::Empty,
            &[],
        )
        .await;
    for post in [
        "value=\"主任\"",
        "value=\"副主任\"",
        "value=\"委员\"",
        "第 2 个职位",
    ] {
        assert!(page.text.contains(post), "{post}");
    }
    assert!(
        !page.text.contains("如 选举委员\""),
        "a party hint in a residents' meeting"
    );
    let mut fields: Vec<(String, String)> = vec![
        ("_csrf".into(), c.csrf.clone()),
        ("_idem".into(), "k-new-vote-lines".into()),
        ("title".into(), "选举主任".into()),
        ("electorate".into(), "40".into()),
    ];
    for (post, seats, candidates) in [
        ("主任", "1", "甲一\n乙二"),
        ("副主任", "", ""),
        ("委员", "", ""),
    ] {
        fields.push(("post".into(), post.into()));
        fields.push(("seats".into(), seats.into()));
        fields.push(("candidates".into(), candidates.into()));
    }
    let r = app
        .send(
            Some(&c),
            Method::POST,
            &format!("/meetings/{meeting}/votes"),
            B::Form(fields),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let (posts,): (String,) = huanjie::db::Q::new("select posts from votes where meeting_id = $1")
        .bind(meeting)
        .one(&app.state.db)
        .await
        .unwrap();
    let posts: serde_json::Value = serde_json::from_str(&posts).unwrap();
    assert_eq!(
        posts.as_array().unwrap().len(),
        1,
        "only the 主任 line was used: {posts}"
    );
    assert_eq!(posts[0]["post"], "主任");
}

/// Posts a page form with one bad field and checks that its page, followed from the answer,
/// gives back every other typed value (tokens aside) and names an error.
async fn refused_form_keeps_the_rest(
    app: &TestApp,
    who: Who,
    page: &str,
    action: &str,
    typed: &[(&str, &str)],
    key: &str,
) {
    let c = app.client(who).cloned().unwrap();
    let mut fields = vec![
        ("_csrf".to_string(), c.csrf.clone()),
        ("_idem".to_string(), format!("k-echo-{key}")),
    ];
    fields.extend(typed.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let referer = format!("http://localhost{page}");
    let r = app
        .send(
            Some(&c),
            Method::POST,
            action,
            B::Form(fields),
            &[("referer", referer.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.text);
    let back = r.location.clone().unwrap();
    let shown = app.send(Some(&c), Method::GET, &back, B::Empty, &[]).await;
    let echo = shown
        .text
        .split("id=\"form-echo\">")
        .nth(1)
        .and_then(|t| t.split("</script>").next())
        .unwrap_or_else(|| panic!("{action}: no refused form given back on {back}"));
    let v: serde_json::Value = serde_json::from_str(echo).unwrap();
    assert_eq!(v["action"], action, "{action}");
    let given: Vec<(String, String)> = serde_json::from_value(v["fields"].clone()).unwrap();
    for (k, want) in typed {
        if *k == "password" {
            assert!(
                given.iter().all(|(n, _)| n != "password"),
                "{action}: a password echoed"
            );
            continue;
        }
        assert!(
            given.iter().any(|(n, t)| n == k && t == want),
            "{action}: {k} = {want} not given back: {given:?}"
        );
    }
    assert!(
        shown.text.contains("class=\"flash error\""),
        "{action}: the error is shown"
    );
}

#[tokio::test]
async fn each_create_and_edit_form_refused_for_one_field_gives_back_every_other_typed_value() {
    let app = TestApp::spawn().await;
    // 新建社区: a code already taken.
    refused_form_keeps_the_rest(
        &app,
        Who::Street,
        "/communities",
        "/communities",
        &[
            ("code", "sg01"),
            ("name", "新建的社区"),
            ("org_type", "zongzhi"),
            ("households", "812"),
        ],
        "community",
    )
    .await;
    // 新建用户: a weak password.
    refused_form_keeps_the_rest(
        &app,
        Who::Street,
        "/users",
        "/users",
        &[
            ("username", "xinyonghu"),
            ("display_name", "新用户"),
            ("role", "community"),
            ("community", "sg01"),
            ("password", "123"),
        ],
        "user",
    )
    .await;
    // 新建会议: an impossible date.
    refused_form_keeps_the_rest(
        &app,
        Who::Street,
        "/communities/sg01/meetings",
        "/communities/sg01/meetings",
        &[
            ("title", "居民代表会议"),
            ("kind", "residents"),
            ("date", "2027-02-30"),
        ],
        "meeting",
    )
    .await;
    // 新建换届工作: a year that is no year.
    refused_form_keeps_the_rest(
        &app,
        Who::Street,
        "/campaigns",
        "/campaigns",
        &[
            ("community", "sg01"),
            ("term", "第八届"),
            ("year", "二〇二七"),
            ("reference_date", "2027-04-01"),
        ],
        "campaign",
    )
    .await;
    // 增加工作人员: a table that is no table.
    let meeting = cf::meeting(&app, "sg01", "party").await;
    let page = format!("/meetings/{meeting}");
    let staff = format!("/meetings/{meeting}/staff");
    refused_form_keeps_the_rest(
        &app,
        Who::Street,
        &page,
        &staff,
        &[
            ("name", "李计票"),
            ("role", "counter"),
            ("table", "-2"),
            ("reason", ""),
        ],
        "staff",
    )
    .await;
    // 新建投票: a post without candidates.
    let votes = format!("/meetings/{meeting}/votes");
    refused_form_keeps_the_rest(
        &app,
        Who::Street,
        &page,
        &votes,
        &[
            ("title", "选举委员"),
            ("electorate", "45"),
            ("post", "委员"),
            ("seats", "5"),
            ("candidates", ""),
        ],
        "vote",
    )
    .await;
    // 编辑人员: one bad date among other edits.
    let id = crate::fixtures::create_person(
        &app,
        "sg01",
        "编辑者",
        &crate::helpers::id_number("19660606", 81),
    )
    .await;
    refused_form_keeps_the_rest(
        &app,
        Who::Community,
        &format!("/communities/sg01/people/{id}/edit"),
        &format!("/communities/sg01/people/{id}"),
        &[
            ("name", "编辑者"),
            ("ethnicity", "满族"),
            ("phone", "0531-88886666"),
            ("household_no", "0901"),
            ("party_joined", "1990-13-01"),
        ],
        "person-edit",
    )
    .await;
}
