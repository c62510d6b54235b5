//! Hardening (issue 16): oversized bodies and fields, the login lockout under concurrency,
//! sessions that end with their right, same-site redirects, weak passwords, relations fenced to
//! a community, staff added mid-count, idempotency keys bound to their request and claimed in
//! the create's own transaction, and entry ids per counter.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::counting_fixtures::{self as cf, call_as};
use crate::helpers::{B, Client, PASSWORD, TestApp, Who, id_number};

fn message(r: &crate::helpers::Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[tokio::test]
async fn a_two_megabyte_json_body_is_refused_with_413_in_chinese_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let before = app.count("select count(*) from people").await;
    let big = "户".repeat(700_000); // 2.1 MB of UTF-8
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(json!({"name": "张三", "household_no": big})),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert!(
        message(&r).contains("上限为 1 MB"),
        "the limit is named: {}",
        r.text
    );
    assert_eq!(app.count("select count(*) from people").await, before);
    // The server still answers.
    let r = app
        .call(Who::Street, Method::GET, "/api/v1/me", B::Empty)
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn an_anonymous_oversized_login_is_refused_and_a_long_name_is_kept_cut_short() {
    let app = TestApp::spawn().await;
    let r = app
        .send(
            None,
            Method::POST,
            "/api/v1/login",
            B::Json(json!({"username": "x".repeat(2_000_000), "password": "p"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert_eq!(app.count("select count(*) from login_failures").await, 0);
    let r = app
        .send(
            None,
            Method::POST,
            "/api/v1/login",
            B::Json(json!({"username": "y".repeat(400), "password": "p"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        app.count("select cast(max(length(username)) as bigint) from login_failures")
            .await,
        64
    );
}

#[tokio::test]
async fn a_field_over_its_limit_is_named_in_the_error_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let before = app.count("select count(*) from people").await;
    // The person's own limit (户号: 30 characters), in the API and the form.
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(json!({"name": "张三", "gender": "男", "household_no": "1".repeat(31)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(message(&r), "户号：过长（最多 30 字）");
    // The backstop on every field of every route: 500 characters for ordinary text.
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/communities",
            B::Json(json!({"code": "sg07", "name": "名".repeat(501)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(message(&r), "名称：过长（最多 500 字）");
    assert_eq!(app.count("select count(*) from people").await, before);
    assert_eq!(
        app.count("select count(*) from communities where code = 'sg07'")
            .await,
        0
    );
}

#[tokio::test]
async fn forty_parallel_guesses_leave_at_most_the_limit_checked_and_the_right_one_refused() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let router = app.router.clone();
        let pw = if i == 39 { PASSWORD } else { "wrong-password" };
        tasks.push(tokio::spawn(login_with(
            router,
            format!("10.2.0.{i}"),
            "t-counter",
            pw.to_string(),
        )));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        checked <= 5,
        "{checked} of 40 were checked: {statuses:?} [{}]",
        crate::helpers::backend()
    );
    assert_eq!(
        app.count("select count(*) from login_failures where username = 't-counter'")
            .await as usize,
        checked - statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        "every checked wrong guess is kept, no refused one"
    );
}

/// One API login from an address on a router of its own task.
async fn login_with(
    router: axum::Router,
    addr: String,
    user: &'static str,
    pw: String,
) -> StatusCode {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/login")
        .header("host", "localhost")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"username": user, "password": pw}).to_string(),
        ))
        .unwrap();
    let ip: std::net::SocketAddr = format!("{addr}:40000").parse().unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(ip));
    router.oneshot(req).await.unwrap().status()
}

#[tokio::test]
async fn a_locked_counter_logs_in_once_the_chief_scrutineer_vouches_for_them() {
    let mut app = TestApp::spawn().await;
    let room = cf::room(&mut app).await;
    let staff: Vec<(i64, String)> = huanjie::db::Q::new(
        "select s.id, u.username from meeting_staff s join users u on u.id = s.user_id where s.meeting_id = $1 and s.role = 'counter' and s.chief = false",
    )
    .bind(room.meeting)
    .all(&app.state.db)
    .await
    .unwrap();
    let (sid, username) = staff[0].clone();
    // Someone locks the predictable counter login.
    for _ in 0..5 {
        let r = login_with(
            app.router.clone(),
            "10.3.0.9".into(),
            leak(&username),
            "guess".into(),
        )
        .await;
        assert_eq!(r, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = login_with(
        app.router.clone(),
        "10.3.0.1".into(),
        leak(&username),
        "guess".into(),
    )
    .await;
    assert_eq!(r, StatusCode::TOO_MANY_REQUESTS);
    // The counter's open session is untouched: the count goes on.
    let v = cf::vote(&app, room.meeting, true).await;
    cf::counting(&app, v, 1).await;
    let r = cf::enter(
        &app,
        &room.counter2,
        v,
        "still-in",
        cf::for_names(&["李三"]),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // A plain scrutineer may not lift it; the chief scrutineer may.
    let path = format!("/api/v1/meetings/{}/staff/{sid}/unlock", room.meeting);
    let r = call_as(&app, &room.scrutineer2, Method::POST, &path, B::Empty).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app
        .call(Who::Scrutineer, Method::POST, &path, B::Empty)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        app.count("select count(*) from audit_log where action = 'unlock'")
            .await
            == 1
    );
    // The counter's own password was never learned by the attacker; a wrong one still fails,
    // and the vouched account is open again.
    let r = login_with(
        app.router.clone(),
        "10.3.0.1".into(),
        leak(&username),
        "guess".into(),
    )
    .await;
    assert_eq!(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unlocked: checked again"
    );
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

async fn me(app: &TestApp, c: &Client) -> StatusCode {
    app.send(Some(c), Method::GET, "/api/v1/me", B::Empty, &[])
        .await
        .status
}

#[tokio::test]
async fn old_sessions_end_after_a_password_change_a_reset_and_disabling() {
    let app = TestApp::spawn().await;
    let uid = app.create_user("t-clerk", "community", "sg01").await;
    // A password change ends the other sessions and keeps the one that changed it.
    let a = app.login("t-clerk", PASSWORD).await;
    let b = app.login("t-clerk", PASSWORD).await;
    let r = app
        .send(
            Some(&a),
            Method::POST,
            "/api/v1/me/password",
            B::Json(
                json!({"current": PASSWORD, "new": "Lan-shan-7741", "confirm": "Lan-shan-7741"}),
            ),
            &[("x-csrf-token", &a.csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(me(&app, &b).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &a).await, StatusCode::OK);
    // A reset by the street ends every session.
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/users/{uid}/password"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(me(&app, &a).await, StatusCode::UNAUTHORIZED);
    let pw = r.json()["password"].as_str().unwrap().to_string();
    // Disabling ends them, and re-enabling does not revive them.
    let c = app.login("t-clerk", &pw).await;
    for disabled in [true, false] {
        let r = app
            .call(
                Who::Street,
                Method::PUT,
                &format!("/api/v1/users/{uid}"),
                B::Json(json!({"disabled": disabled})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    assert_eq!(me(&app, &c).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        me(&app, &app.login("t-clerk", &pw).await).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_login_redirects_only_to_paths_of_this_site() {
    let app = TestApp::spawn().await;
    for (next, to) in [
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/people?q=1", "/people?q=1"),
    ] {
        let r = app
            .send_from(
                None,
                "10.4.0.1",
                Method::POST,
                "/login",
                B::Form(vec![
                    ("username".into(), "t-street".into()),
                    ("password".into(), PASSWORD.into()),
                    ("next".into(), next.into()),
                ]),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}: {}", r.text);
        assert_eq!(r.location.as_deref(), Some(to), "{next}");
    }
}

#[tokio::test]
async fn weak_passwords_are_refused_with_the_reason_in_chinese() {
    let app = TestApp::spawn().await;
    for (pw, why) in [
        ("password", "常用密码"),
        ("        ", "不能全是空格"),
        ("u-weak-2027", "用户名"),
    ] {
        let r = app
            .call(
                Who::Street,
                Method::POST,
                "/api/v1/users",
                B::Json(json!({"username": "u-weak", "role": "counter", "password": pw})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{pw}: {}",
            r.text
        );
        assert!(message(&r).contains(why), "{pw}: {}", r.text);
    }
    assert_eq!(
        app.count("select count(*) from users where username = 'u-weak'")
            .await,
        0
    );
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/users",
            B::Json(
                json!({"username": "u-weak", "role": "counter", "password": "Ting-yu-xuan-58"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

async fn person(app: &TestApp, who: Who, code: &str, name: &str, id: &str) -> i64 {
    let r = app
        .call(
            who,
            Method::POST,
            &format!("/api/v1/communities/{code}/people"),
            B::Json(json!({"name": name, "id_number": id, "residence_community": code})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["person"]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_relation_across_communities_is_not_found_for_community_staff_and_audited_in_both_chains()
{
    let app = TestApp::spawn().await;
    let here = person(
        &app,
        Who::Community,
        "sg01",
        "甲一",
        &id_number("19800101", 31),
    )
    .await;
    let there_id = id_number("19820202", 32);
    let there = person(&app, Who::Street, "sg02", "乙二", &there_id).await;
    let path = format!("/api/v1/communities/sg01/people/{here}/relations");
    let audit = app.audit_count().await;
    for body in [
        json!({"kind": "spouse", "other_id": there}),
        json!({"kind": "spouse", "other_id_number": there_id}),
        json!({"kind": "spouse", "other_id_number": id_number("19830303", 33)}),
    ] {
        let r = app
            .call(Who::Community, Method::POST, &path, B::Json(body.clone()))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{body}: {}", r.text);
        assert!(!r.text.contains("乙二"), "{}", r.text);
    }
    assert_eq!(app.audit_count().await, audit);
    assert_eq!(app.count("select count(*) from relations").await, 0);
    // The street may, and both communities' chains record it.
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &path,
            B::Json(json!({"kind": "spouse", "other_id": there})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let rid = r.json()["relations"][0]["id"].as_i64().unwrap();
    let scopes: Vec<(String,)> = huanjie::db::Q::new(
        "select scope from audit_log where entity = 'relation' and action = 'create' order by scope",
    )
    .all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(scopes.len(), 2, "{scopes:?}");
    assert_ne!(scopes[0].0, scopes[1].0);
    // And it can be removed, both directions, again audited in both chains.
    let r = app
        .call(
            Who::Community,
            Method::DELETE,
            &format!("{path}/{rid}"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["relations"], json!([]));
    assert_eq!(app.count("select count(*) from relations").await, 0);
    assert_eq!(
        app.count("select count(*) from audit_log where entity = 'relation' and action = 'delete'")
            .await,
        2
    );
}

/// A test app with sg01's counting room and a double-entry vote counting `collected` ballots.
async fn counting_vote(collected: i64) -> (TestApp, cf::Room, i64) {
    let mut app = TestApp::spawn().await;
    let room = cf::room(&mut app).await;
    let v = cf::vote(&app, room.meeting, true).await;
    cf::counting(&app, v, collected).await;
    (app, room, v)
}

#[tokio::test]
async fn staff_added_mid_count_needs_the_street_or_the_chief_scrutineer_and_a_reason() {
    let (app, room, v) = counting_vote(3).await;
    let path = format!("/api/v1/meetings/{}/staff", room.meeting);
    let before = app.count("select count(*) from meeting_staff").await;
    let extra = json!({"name": "计九", "role": "counter", "table": 9});
    let r = app
        .call(Who::Community, Method::POST, &path, B::Json(extra.clone()))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(message(&r).contains("总监票人或街道工作组"), "{}", r.text);
    let r = app
        .call(Who::Street, Method::POST, &path, B::Json(extra.clone()))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(message(&r).starts_with("理由"), "{}", r.text);
    let r = call_as(
        &app,
        &room.scrutineer2,
        Method::POST,
        &path,
        B::Json(extra.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        app.count("select count(*) from meeting_staff").await,
        before,
        "nothing added by the refusals"
    );
    // The chief scrutineer adds one with a reason; the console announces it.
    let r = app
        .call(
            Who::Scrutineer,
            Method::POST,
            &path,
            B::Json(json!({"name": "计九", "role": "counter", "table": 9, "reason": "计二身体不适，替换"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["staff"]["added_reason"], "计二身体不适，替换");
    let page = app
        .call(
            Who::Scrutineer,
            Method::GET,
            &format!("/votes/{v}/console"),
            B::Empty,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("计票开始后增加的工作人员") && page.text.contains("计二身体不适，替换"),
        "the console announces the change"
    );
}

#[tokio::test]
async fn a_key_reused_on_another_path_or_body_is_refused_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let c = app.client(Who::Street).cloned().unwrap();
    let headers = [
        ("x-csrf-token", c.csrf.as_str()),
        ("idempotency-key", "k-reused"),
    ];
    let create = |code: &'static str, name: &'static str| {
        let (app, c, headers) = (&app, &c, &headers);
        async move {
            app.send(
                Some(c),
                Method::POST,
                &format!("/api/v1/communities/{code}/people"),
                B::Json(json!({"name": name, "gender": "女"})),
                headers,
            )
            .await
        }
    };
    let r = create("sg01", "丙三").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = create("sg02", "丙三").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        message(&r).contains("幂等键") && has_cjk(&message(&r)),
        "{}",
        r.text
    );
    let r = create("sg01", "丁四").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        app.count("select count(*) from people where name in ('丙三', '丁四')")
            .await,
        1
    );
    // The very same request again is a replay.
    let r = create("sg01", "丙三").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn a_crash_between_claim_and_write_leaves_no_stuck_key_and_the_retry_runs() {
    let app = TestApp::spawn().await;
    let c = app.client(Who::Street).cloned().unwrap();
    let uid = huanjie::auth::by_name(&app.state.db, "t-street")
        .await
        .unwrap()
        .unwrap()
        .id;
    let path = "/api/v1/communities/sg01/people";
    let body = json!({"name": "戊五", "gender": "男"}).to_string();
    let key = huanjie::idempotency::Key::bind("k-crash".into(), "POST", path, body.as_bytes());
    // The create claims its key in its first transaction, then "crashes" before committing.
    huanjie::idempotency::under_key(
        &format!("user:{uid}"),
        "POST /api/v1/communities/{code}/people",
        key,
        async {
            let tx = app.state.db.begin().await.unwrap();
            assert_eq!(
                app.count("select count(*) from idempotency_keys where key = 'k-crash'")
                    .await,
                0,
                "the claim is not visible before the commit"
            );
            drop(tx);
        },
    )
    .await;
    assert_eq!(
        app.count("select count(*) from idempotency_keys where key = 'k-crash'")
            .await,
        0,
        "no stuck key"
    );
    let r = app
        .send(
            Some(&c),
            Method::POST,
            path,
            B::Json(serde_json::from_str(&body).unwrap()),
            &[("x-csrf-token", &c.csrf), ("idempotency-key", "k-crash")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.text.contains("戊五"));
    assert_eq!(
        app.count("select count(*) from idempotency_keys where key = 'k-crash' and status = 201")
            .await,
        1
    );
}

#[tokio::test]
async fn two_counters_with_the_same_client_id_each_get_their_own_entry() {
    let (app, room, v) = counting_vote(2).await;
    let a = app.client(Who::Counter).cloned().unwrap();
    let ra = cf::enter(&app, &a, v, "same-id", cf::for_names(&["李三"])).await;
    let rb = cf::enter(&app, &room.counter2, v, "same-id", cf::for_names(&["李三"])).await;
    assert_eq!(ra.status, 201, "{}", ra.text);
    assert_eq!(rb.status, 201, "{}", rb.text);
    assert_eq!(
        app.count(&format!(
            "select count(*) from ballot_entries where vote_id = {v} and client_id = 'same-id'"
        ))
        .await,
        2,
        "B's ballot is not dropped"
    );
    // Each counter's own retry is still a replay.
    let again = cf::enter(&app, &room.counter2, v, "same-id", cf::for_names(&["李三"])).await;
    assert_eq!(again.json()["seq"], rb.json()["seq"]);
    assert_eq!(
        app.count(&format!(
            "select count(*) from ballot_entries where vote_id = {v}"
        ))
        .await,
        2
    );
}

#[test]
fn the_person_form_carries_the_limits_the_domain_checks() {
    let form = include_str!("../../templates/people/_fields.html");
    for (field, label) in [
        ("name", "姓名"),
        ("id_number", "身份证号"),
        ("birth_date", "出生日期"),
        ("ethnicity", "民族"),
        ("hukou_community", "户籍社区"),
        ("residence_community", "居住社区"),
        ("household_no", "户号"),
        ("phone", "联系电话"),
        ("party_org_name", "党组织名称"),
        ("party_joined", "入党日期"),
    ] {
        let input = form
            .split("<input ")
            .find(|i| i.starts_with(&format!("name=\"{field}\"")))
            .unwrap_or_else(|| panic!("no input {field}"));
        let max = huanjie::domain::person::field_max(label);
        let shown: usize = input
            .split("maxlength=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{field} has no maxlength"));
        assert!(shown <= max, "{field}: form {shown}, domain {max}");
    }
}

#[tokio::test]
async fn an_answer_over_four_megabytes_is_returned_and_replayed_whole() {
    use axum::extract::Request;
    use axum::middleware::Next;
    use std::sync::Arc;
    use tower::ServiceExt;
    let app = TestApp::spawn().await;
    let state = app.state.clone();
    let meta = Arc::new(huanjie::guard::RouteMeta {
        access: huanjie::routes::Access::Login,
        api: true,
        csrf: false,
        creates: true,
        route: "POST /big".into(),
        changes_state: true,
    });
    let big = "大".repeat(2_000_000); // 6 MB of UTF-8
    let answer = big.clone();
    let router = axum::Router::new()
        .route(
            "/big",
            axum::routing::post(move || {
                let answer = answer.clone();
                async move { (StatusCode::CREATED, axum::Json(json!({ "items": answer }))) }
            }),
        )
        .layer(axum::middleware::from_fn(
            move |mut req: Request, next: Next| {
                let (state, meta) = (state.clone(), meta.clone());
                async move {
                    let ctx = huanjie::auth::Ctx {
                        user: None,
                        community: None,
                        csrf: String::new(),
                        api: true,
                        origin: String::new(),
                    };
                    req.extensions_mut().insert(huanjie::idempotency::Key::bind(
                        "k-big".into(),
                        "POST",
                        "/big",
                        b"",
                    ));
                    huanjie::idempotency::run(&state, &meta, &ctx, req, next).await
                }
            },
        ));
    for replay in [false, true] {
        let resp = router
            .clone()
            .oneshot(
                axum::http::Request::post("/big")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        assert_eq!(resp.headers().contains_key("idempotent-replay"), replay);
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            v["items"].as_str().map(str::len),
            Some(big.len()),
            "replay {replay}"
        );
    }
}
