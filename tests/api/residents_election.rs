//! R-7 正式投票: the election meeting and its vote (refused without official candidates or a
//! published list), the staff conflict rule for candidates and their relatives, proxies (three
//! principals accepted, the fourth refused; a non-relative refused), mobile boxes (2
//! scrutineers refused, 3 accepted, street only), one participation per voter, the quorum
//! (exactly half refused, one more accepted) and counting blocked without it. The walks are in
//! `residents_election/walk.rs`.

pub(crate) mod csrf;
mod guards;
mod vacancy;
mod walk;

use std::collections::BTreeMap;

use axum::http::Method;
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::helpers::{B, Resp, TestApp, Who};
use crate::residents_voters::{campaign, person};

/// The official candidates of [`setup`]: (name, post).
pub(crate) const CANDIDATES: [(&str, &str); 8] = [
    ("丁一", "director"),
    ("王二", "director"),
    ("李三", "deputy"),
    ("赵四", "deputy"),
    ("钱五", "member"),
    ("孙六", "member"),
    ("周七", "member"),
    ("吴八", "member"),
];

/// A campaign of sg01 ready for R-7.
pub(crate) struct Setup {
    /// Campaign id.
    pub c: i64,
    /// Person ids by name (candidates and voters).
    pub people: BTreeMap<String, i64>,
}

impl Setup {
    pub fn id(&self, name: &str) -> i64 {
        self.people[name]
    }
}

pub(crate) fn el(c: i64) -> String {
    format!("/api/v1/campaigns/{c}/residents/election")
}

pub(crate) async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

pub(crate) fn message(r: &Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Makes a person an official candidate for `post` (R-5's rows: a nominee and four passed
/// reviews), as the R-5 slice would.
pub(crate) async fn official(app: &TestApp, c: i64, person: i64, post: &str) {
    let now = huanjie::now();
    let id = Q::new(
        "insert into resident_nominees (campaign_id, person_id, post, channel, created_at, updated_at) \
         values ($1, $2, $3, 'resident_group', $4, $4) returning id",
    )
    .bind(c)
    .bind(person)
    .bind(post)
    .bind(now)
    .scalar(&app.state.db)
    .await
    .unwrap();
    for review in ["qualification", "political", "discussion", "assessment"] {
        Q::new("insert into resident_nominee_reviews (nominee_id, review, passed, reason, created_at) values ($1, $2, $3, '', $4)")
            .bind(id)
            .bind(review)
            .bind(true)
            .bind(now)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
}

/// A near relation between two people.
pub(crate) async fn relate(app: &TestApp, a: i64, b: i64, kind: &str) {
    Q::new("insert into relations (person_id, other_id, kind, created_at) values ($1, $2, $3, $4)")
        .bind(a)
        .bind(b)
        .bind(kind)
        .bind(huanjie::now())
        .execute(&app.state.db)
        .await
        .unwrap();
}

/// Registers a voter through R-4's API.
pub(crate) async fn register(app: &TestApp, c: i64, person: i64) {
    let r = api(
        app,
        Who::Community,
        Method::POST,
        &format!("/api/v1/campaigns/{c}/residents/voters"),
        json!({"person_id": person}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

/// sg01's campaign at R-7: the eight official candidates of [`CANDIDATES`] and `others` more
/// people, all registered voters; the list published; the committee chaired by 郑主任 (not a
/// voter); the rules adopted (defaults: 主任 1, 副主任 1, 委员 3, proxy limit 3); R-7 opened by
/// the street.
pub(crate) async fn setup(app: &TestApp, others: &[&str]) -> Setup {
    let c = campaign(app, "sg01").await;
    let mut people = BTreeMap::new();
    let mut seq = 60;
    for (name, _) in CANDIDATES.iter() {
        seq += 1;
        people.insert(
            name.to_string(),
            person(app, "sg01", name, "1970-03-03", seq).await,
        );
    }
    for name in others {
        seq += 1;
        people.insert(
            name.to_string(),
            person(app, "sg01", name, "1972-04-04", seq).await,
        );
    }
    for id in people.values() {
        register(app, c, *id).await;
    }
    app.on("2027-05-01");
    let r = api(
        app,
        Who::Community,
        Method::POST,
        &format!("/api/v1/campaigns/{c}/residents/voters/publish"),
        json!({"date": "2027-05-01"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for (name, post) in CANDIDATES {
        official(app, c, people[name], post).await;
    }
    let chair = person(app, "sg01", "郑主任", "1965-05-05", 99).await;
    let now = huanjie::now();
    Q::new("insert into residents_committee (campaign_id, person_id, role, sort, created_at) values ($1, $2, 'chair', 1, $3)")
        .bind(c)
        .bind(chair)
        .bind(now)
        .execute(&app.state.db)
        .await
        .unwrap();
    Q::new("insert into residents_rules (campaign_id, body, settings, adopted_at, created_at, updated_at) values ($1, '第一条', '{}', $2, $2, $2)")
        .bind(c)
        .bind(now)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = api(
        app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/campaigns/{c}/residents/open"),
        json!({"step": "R-7", "reason": "候选人宣传介绍已在会前完成"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    Setup { c, people }
}

/// Creates the election meeting; its (meeting, vote).
pub(crate) async fn create(app: &TestApp, c: i64) -> (i64, i64) {
    let r = api(
        app,
        Who::Community,
        Method::POST,
        &el(c),
        json!({"date": "2027-05-30", "place": "社区文化活动中心"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    (
        v["election"]["meeting_id"].as_i64().unwrap(),
        v["vote"]["id"].as_i64().unwrap(),
    )
}

/// The voter certificate number of a person.
pub(crate) async fn certificate(app: &TestApp, person: i64) -> String {
    let (n,): (String,) = Q::new("select certificate_no from resident_voters where person_id = $1")
        .bind(person)
        .one(&app.state.db)
        .await
        .unwrap();
    n
}

/// Records a participation at the central station by certificate.
pub(crate) async fn at_station(app: &TestApp, c: i64, certificate: &str) -> Resp {
    api(
        app,
        Who::Community,
        Method::POST,
        &format!("{}/participations", el(c)),
        json!({"certificate": certificate}),
    )
    .await
}

#[tokio::test]
async fn the_meeting_is_refused_without_official_candidates_and_then_created_with_one_vote_of_three_posts()
 {
    let app = TestApp::spawn().await;
    let s = setup(&app, &["郑九"]).await;
    Q::new("update resident_nominee_reviews set passed = $1")
        .bind(false)
        .execute(&app.state.db)
        .await
        .unwrap();
    let body = json!({"date": "2027-05-30", "place": "社区文化活动中心"});
    let r = api(&app, Who::Community, Method::POST, &el(s.c), body.clone()).await;
    assert_eq!(r.status, 409);
    assert!(message(&r).contains("尚无正式候选人"), "{}", r.text);
    Q::new("update resident_nominee_reviews set passed = $1")
        .bind(true)
        .execute(&app.state.db)
        .await
        .unwrap();
    Q::new("delete from resident_voter_lists")
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = api(&app, Who::Community, Method::POST, &el(s.c), body.clone()).await;
    assert_eq!(r.status, 409);
    assert!(
        message(&r).contains("选民名单（R-4）尚未公布"),
        "{}",
        r.text
    );
    assert_eq!(app.count("select count(*) from meetings").await, 0);
    Q::new("insert into resident_voter_lists (campaign_id, published_on, created_at) values ($1, $2, $3)")
        .bind(s.c)
        .bind(chrono::NaiveDate::from_ymd_opt(2027, 5, 1).unwrap())
        .bind(huanjie::now())
        .execute(&app.state.db)
        .await
        .unwrap();
    let (meeting, vote) = create(&app, s.c).await;
    let v = api(&app, Who::Community, Method::GET, &el(s.c), json!(null))
        .await
        .json();
    assert_eq!(v["election"]["vote_id"], vote);
    assert_eq!(v["chair"], "郑主任");
    assert_eq!(v["electorate"], 9);
    let m = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("/api/v1/meetings/{meeting}"),
        json!(null),
    )
    .await
    .json();
    assert_eq!(m["meeting"]["kind"], "residents");
    assert!(
        m["meeting"]["title"]
            .as_str()
            .unwrap()
            .ends_with("第八届居民委员会选举大会"),
        "{m}"
    );
    let vote = &m["votes"][0];
    assert_eq!(vote["electorate"], 9);
    let posts: Vec<(String, u64, usize)> = vote["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["post"].as_str().unwrap().to_string(),
                p["seats"].as_u64().unwrap(),
                p["candidates"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        posts,
        vec![
            ("主任".into(), 1, 2),
            ("副主任".into(), 1, 2),
            ("委员".into(), 3, 4)
        ]
    );
    let r = api(&app, Who::Community, Method::POST, &el(s.c), body).await;
    assert_eq!(r.status, 409);
    assert!(message(&r).contains("已经创建"));
}

#[tokio::test]
async fn a_candidates_relative_and_a_candidate_are_refused_as_counters_and_an_outsider_is_accepted()
{
    let app = TestApp::spawn().await;
    let s = setup(&app, &[]).await;
    let (meeting, _) = create(&app, s.c).await;
    let brother = person(&app, "sg01", "丁弟", "1975-01-01", 120).await;
    relate(&app, s.id("丁一"), brother, "sibling").await;
    let staff = format!("/api/v1/meetings/{meeting}/staff");
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &staff,
        json!({"person_id": brother, "role": "counter"}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(
        r.text.contains("丁弟") && r.text.contains("近亲属"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &staff,
        json!({"person_id": s.id("钱五"), "role": "counter"}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("候选人"), "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &staff,
        json!({"name": "计票甲", "role": "counter"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn approvals_sent_at_once_never_give_a_proxy_more_than_three_principals() {
    let app = TestApp::spawn().await;
    let children = ["子一", "子二", "子三", "子四", "子五", "子六"];
    let mut people = vec!["父亲"];
    people.extend(children);
    let s = setup(&app, &people).await;
    let proxy = s.id("父亲");
    for child in children {
        relate(&app, proxy, s.id(child), "parent").await;
    }
    let path = format!("{}/proxies", el(s.c));
    // Each reads "fewer than 3 held" unless the check and the insert are one transaction.
    let sent = children.map(|child| {
        api(
            &app,
            Who::Community,
            Method::POST,
            &path,
            json!({"principal_id": s.id(child), "proxy_id": proxy, "letter": child}),
        )
    });
    let answers = futures_util::future::join_all(sent).await;
    let accepted = answers.iter().filter(|r| r.status == 201).count();
    assert_eq!(
        accepted,
        3,
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(answers.iter().all(|r| r.status == 201 || r.status == 422));
    assert_eq!(
        app.count(&format!(
            "select count(*) from resident_proxies where proxy_id = {proxy}"
        ))
        .await,
        3,
        "the limit of 3 principals holds"
    );
}

#[tokio::test]
async fn three_principals_for_one_proxy_are_accepted_the_fourth_and_a_non_relative_refused() {
    let app = TestApp::spawn().await;
    let s = setup(&app, &["父亲", "子一", "子二", "子三", "子四", "邻居"]).await;
    let proxy = s.id("父亲");
    for child in ["子一", "子二", "子三", "子四"] {
        relate(&app, proxy, s.id(child), "parent").await;
    }
    let path = format!("{}/proxies", el(s.c));
    for (i, child) in ["子一", "子二", "子三"].iter().enumerate() {
        let r = api(
            &app,
            Who::Community,
            Method::POST,
            &path,
            json!({"principal_id": s.id(child), "proxy_id": proxy, "letter": format!("委托书{i}")}),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.json()["check"]["numbers"]["principals_held"], i);
    }
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &path,
        json!({"principal_id": s.id("子四"), "proxy_id": proxy, "letter": "委托书4"}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(
        message(&r).contains("已接受 3 人委托，每人接受委托不得超过 3 人"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &path,
        json!({"principal_id": s.id("子四"), "proxy_id": s.id("邻居"), "letter": "委托书5"}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(message(&r).contains("不是委托人的近亲属"), "{}", r.text);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &path,
        json!({"principal_id": s.id("子四"), "proxy_id": proxy, "letter": " "}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("书面委托书"), "{}", r.text);
    assert_eq!(app.count("select count(*) from resident_proxies").await, 3);
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!(
                "/communities/sg01/campaigns/{}/residents/election/proxies/print",
                s.c
            ),
            B::Empty,
        )
        .await;
    assert!(
        page.text.contains("委托投票公示")
            && page.text.contains("子三")
            && page.text.contains("委托书2"),
        "{}",
        page.text
    );
}

#[tokio::test]
async fn a_mobile_box_with_two_scrutineers_is_refused_three_accepted_and_only_the_street_approves()
{
    let app = TestApp::spawn().await;
    let s = setup(&app, &[]).await;
    let path = format!("{}/boxes", el(s.c));
    let body = |names: Value| json!({"name": "流动票箱一", "approval": "同意设立（街道批复）", "scrutineers": names});
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &path,
        body(json!(["甲", "乙"])),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(
        message(&r).contains("监票人 2 名") && message(&r).contains("不少于 3 名"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &path,
        body(json!("甲、乙、丙")),
    )
    .await;
    assert_eq!(r.status, 403);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &path,
        body(json!("甲、乙、丙")),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["check"]["numbers"]["scrutineers"], 3);
    let v = api(&app, Who::Community, Method::GET, &el(s.c), json!(null))
        .await
        .json();
    assert_eq!(v["boxes"][0]["scrutineers"], json!(["甲", "乙", "丙"]));
}

#[tokio::test]
async fn a_voter_certificate_used_twice_is_refused_naming_the_earlier_channel() {
    let app = TestApp::spawn().await;
    let s = setup(&app, &[]).await;
    create(&app, s.c).await;
    let cert = certificate(&app, s.id("钱五")).await;
    // The scanner may send the number in lower case with blanks.
    let r = at_station(&app, s.c, &format!("  {}  ", cert.to_lowercase())).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["voter"], "钱五");
    assert_eq!(r.json()["present"], 1);
    let r = at_station(&app, s.c, &cert).await;
    assert_eq!(r.status, 409);
    assert!(
        message(&r).contains("钱五已经中心投票站参加投票，每名选民只能投票一次"),
        "{}",
        r.text
    );
    let r = at_station(&app, s.c, "XM-sg02-08-00001").await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("不是本届本社区的选民证编号"), "{}", r.text);
    assert_eq!(
        app.count("select count(*) from resident_participations")
            .await,
        1
    );
}

/// Records `n` participations at the station (the voters in name order) and closes the polls.
async fn vote_and_close(app: &TestApp, s: &Setup, n: usize) -> Resp {
    for id in s.people.values().take(n) {
        let cert = certificate(app, *id).await;
        assert_eq!(at_station(app, s.c, &cert).await.status, 201);
    }
    api(
        app,
        Who::Community,
        Method::POST,
        &format!("{}/close-polls", el(s.c)),
        json!({}),
    )
    .await
}

#[tokio::test]
async fn exactly_half_of_the_electorate_is_no_quorum_and_counting_cannot_start() {
    let app = TestApp::spawn().await;
    let s = setup(&app, &["郑九", "冯十"]).await;
    let (_, vote) = create(&app, s.c).await;
    let state = format!("/api/v1/votes/{vote}/state");
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &state,
        json!({"to": "voting"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let counting =
        json!({"to": "counting", "present": 5, "ballots_issued": 5, "ballots_collected": 5});
    let r = api(&app, Who::Street, Method::POST, &state, counting.clone()).await;
    assert_eq!(r.status, 409);
    assert!(message(&r).contains("投票尚未结束"), "{}", r.text);
    let r = vote_and_close(&app, &s, 5).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let q = &r.json()["quorum"];
    assert_eq!(q["passed"], false);
    assert_eq!(q["numbers"]["required"], 6);
    assert!(
        q["message"]
            .as_str()
            .unwrap()
            .contains("登记选民 10 人，参加投票 5 人"),
        "{q}"
    );
    let r = api(&app, Who::Street, Method::POST, &state, counting).await;
    assert_eq!(r.status, 409);
    assert!(message(&r).contains("不能开始计票"), "{}", r.text);
    let (id,): (i64,) = Q::new("select id from rule_checks where rule = 'R-7.quorum'")
        .one(&app.state.db)
        .await
        .unwrap();
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/checks/{id}/override"),
        json!({"reason": "街道同意"}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("法定要求"), "{}", r.text);
    let cert = certificate(&app, s.id("郑九")).await;
    let r = at_station(&app, s.c, &cert).await;
    assert_eq!(r.status, 409);
    assert!(message(&r).contains("投票已经结束"), "{}", r.text);
}

#[tokio::test]
async fn one_more_than_half_of_the_electorate_is_a_quorum_and_present_is_the_participation_count() {
    let app = TestApp::spawn().await;
    let s = setup(&app, &["郑九", "冯十"]).await;
    let (_, vote) = create(&app, s.c).await;
    let r = vote_and_close(&app, &s, 6).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["quorum"]["passed"], true);
    let v = api(
        &app,
        Who::Community,
        Method::GET,
        &format!("/api/v1/votes/{vote}"),
        json!(null),
    )
    .await
    .json();
    assert_eq!(v["present"], 6, "{v}");
    assert_eq!(v["ballots_issued"], 6);
    let state = format!("/api/v1/votes/{vote}/state");
    api(
        &app,
        Who::Street,
        Method::POST,
        &state,
        json!({"to": "voting"}),
    )
    .await;
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &state,
        json!({"to": "counting", "present": 7, "ballots_collected": 6}),
    )
    .await;
    assert_eq!(r.status, 409);
    assert!(
        message(&r).contains("参加投票人数以参加投票登记为准（6 人），不能填写 7 人"),
        "{}",
        r.text
    );
    assert_eq!(
        api(
            &app,
            Who::Community,
            Method::GET,
            &format!("/api/v1/votes/{vote}"),
            json!(null)
        )
        .await
        .json()["state"],
        "voting",
        "nothing changed"
    );
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &state,
        json!({"to": "counting", "ballots_collected": 6}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn the_overview_names_what_blocks_r7_once_it_is_the_current_step() {
    let app = TestApp::spawn().await;
    let s = setup(&app, &[]).await;
    Q::new("update campaign_steps set done_at = $1 where campaign_id = $2 and code in ('R-1', 'R-2', 'R-3', 'R-4', 'R-5', 'R-6')")
        .bind(huanjie::now())
        .bind(s.c)
        .execute(&app.state.db)
        .await
        .unwrap();
    let overview = format!("/api/v1/campaigns/{}/residents", s.c);
    let v = api(&app, Who::Community, Method::GET, &overview, json!(null))
        .await
        .json();
    let blockers = v["overview"]["blockers"].to_string();
    assert!(blockers.contains("尚未创建居民委员会选举大会"), "{v}");
    create(&app, s.c).await;
    let v = api(&app, Who::Community, Method::GET, &overview, json!(null))
        .await
        .json();
    let blockers = v["overview"]["blockers"].to_string();
    assert!(
        blockers.contains("投票尚未结束") && blockers.contains("选举尚未完成"),
        "{v}"
    );
}
