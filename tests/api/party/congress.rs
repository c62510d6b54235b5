//! P-6 党员大会 and P-7 报批 (issue 6): the gate, the roll with exclusions and check-in, the
//! quorum, the 委员 vote counted in the counting room with a tie re-vote, the street's
//! replacement of a 书记 candidate not elected 委员, the 书记/副书记 vote, filing and approval,
//! the two documents, authorization, and one walk through the pages.

use axum::http::{Method, StatusCode};
use huanjie::db::Q;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::counting_fixtures::{call_as, certify, enter, staff};
use crate::fixtures::create_campaign;
use crate::helpers::{B, Client, PASSWORD, Resp, TestApp, Who, id_number};

/// The ten full members of the community's organisation; the first six are the candidates.
const NAMES: [&str; 10] = [
    "甲一", "乙二", "丙三", "丁四", "戊五", "己六", "庚七", "辛八", "壬九", "癸十",
];

/// A campaign of sg01 in the "P-5 approved" state, and its people.
struct Setup {
    campaign: i64,
    /// The ten members due, in the order of [`NAMES`].
    due: Vec<i64>,
    /// A 预备党员 of the community.
    probationary: i64,
    /// A full member of a unit in the area.
    unit: i64,
}

impl Setup {
    fn api(&self, rest: &str) -> String {
        format!("/api/v1/campaigns/{}/party{rest}", self.campaign)
    }
}

/// A person of sg01 with a Party status and organisation; returns the id.
async fn member(app: &TestApp, name: &str, seq: u32, status: &str, org: &str) -> i64 {
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(
                json!({"name": name, "id_number": id_number("19750101", seq),
                "party_status": status, "party_org": org, "education": "本科"}),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["person"]["id"].as_i64().unwrap()
}

/// Puts sg01's campaign into the "P-5 approved" state: 5 委员 and 1 副书记, ten full members of
/// the community's organisation, a 预备党员 and a unit member, the candidate list of the first six
/// approved (己六 proposed 书记, 甲一 副书记) and P-5 done. The lists are raw SQL, quicker than the
/// P-1 … P-5 walk; `the_list_approved_through_p5_…` below takes the real API.
async fn approved(app: &TestApp) -> Setup {
    let campaign = create_campaign(app, "sg01").await;
    let r = api(
        app,
        Who::Street,
        Method::PUT,
        &format!("/api/v1/campaigns/{campaign}/party/size"),
        json!({"members": 5, "deputies": 1}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut due = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        due.push(member(app, name, 700 + i as u32, "full", "community").await);
    }
    let probationary = member(app, "预备甲", 720, "probationary", "community").await;
    let unit = member(app, "驻区乙", 721, "full", "unit").await;
    let db = &app.state.db;
    let now = huanjie::now();
    Q::new("insert into party_lists (campaign_id, list, fixed_on, status, created_at, updated_at) values ($1, 'candidate', $2, 'approved', $3, $3)")
        .bind(campaign)
        .bind(chrono::NaiveDate::from_ymd_opt(2027, 4, 20).unwrap())
        .bind(now)
        .execute(db)
        .await
        .unwrap();
    for (i, id) in due[..6].iter().enumerate() {
        let (post, order) = match i {
            5 => (Some("书记"), Some(1)),
            0 => (Some("副书记"), Some(1)),
            _ => (None, None),
        };
        Q::new("insert into party_list_entries (campaign_id, list, person_id, position, leader_post, leader_order, created_at) values ($1, 'candidate', $2, $3, $4, $5, $6)")
            .bind(campaign)
            .bind(*id)
            .bind(i as i64 + 1)
            .bind(post)
            .bind(order.map(i64::from))
            .bind(now)
            .execute(db)
            .await
            .unwrap();
    }
    Q::new("update campaign_steps set done_at = $1 where campaign_id = $2 and code = 'P-5'")
        .bind(now)
        .bind(campaign)
        .execute(db)
        .await
        .unwrap();
    Setup {
        campaign,
        due,
        probationary,
        unit,
    }
}

async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

fn message(r: &Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Records the congress (date 2027-04-26, default quorum rule); returns the answer.
async fn record(app: &TestApp, s: &Setup) -> Value {
    let body = json!({"date": "2027-04-26", "presentation": "候选人经公开推荐、民主推荐、考察产生。", "secretary_statement": "本人承诺……"});
    let r = api(app, Who::Community, Method::PUT, &s.api("/congress"), body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

/// Checks in the first `n` members due.
async fn check_in(app: &TestApp, s: &Setup, n: usize) {
    for id in &s.due[..n] {
        let r = api(
            app,
            Who::Community,
            Method::PUT,
            &s.api(&format!("/congress/roll/{id}/checkin")),
            json!({}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
}

async fn view(app: &TestApp, s: &Setup) -> Value {
    let r = api(
        app,
        Who::Community,
        Method::GET,
        &s.api("/congress"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

#[tokio::test]
async fn exactly_four_fifths_present_refuses_the_members_vote_and_one_more_creates_it_from_the_roll()
 {
    let app = TestApp::spawn().await;
    let s = approved(&app).await;
    record(&app, &s).await;
    check_in(&app, &s, 8).await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &s.api("/congress/votes/members"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("应到 10 名，实到 8 名，须至少 9 名，不足"),
        "{}",
        r.text
    );
    assert_eq!(
        app.count("select count(*) from votes").await,
        0,
        "nothing created"
    );
    // The quorum is statutory: the street cannot override its stored check.
    let chk = view(&app, &s).await["checks"][0]["id"].as_i64().unwrap();
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/checks/{chk}/override"),
        json!({"reason": "人数差一名"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("该项为法定要求，不能放宽"), "{}", r.text);
    check_in(&app, &s, 9).await;
    let v = view(&app, &s).await;
    assert_eq!(
        (v["roll"]["due"].as_i64(), v["roll"]["present"].as_i64()),
        (Some(10), Some(9))
    );
    assert_eq!(v["quorum"]["needed"], 9);
    assert_eq!(v["quorum"]["check"]["passed"], true);
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &s.api("/congress/votes/members"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let vote = &r.json()["vote"];
    assert_eq!(
        (
            vote["electorate"].as_i64(),
            vote["present"].as_i64(),
            vote["ballots_issued"].as_i64()
        ),
        (Some(10), Some(9), Some(9))
    );
    assert_eq!(vote["posts"][0]["post"], "委员");
    assert_eq!(vote["posts"][0]["seats"], 5);
    let people = vote["posts"][0]["people"].as_object().unwrap();
    assert_eq!(people.len(), 6, "the six candidates of the approved list");
    assert_eq!(people["己六"], s.due[5]);
    let stored = app
        .count("select count(*) from rule_checks where subject_type = 'party_congress' and rule = 'P-6.quorum' and passed = true")
        .await;
    assert_eq!(stored, 1, "the quorum check is stored");
    assert_eq!(
        view(&app, &s).await["congress"]["members_vote_id"],
        vote["id"]
    );
    // The vote took present from the check-ins: the roll is closed now.
    let late = api(
        &app,
        Who::Community,
        Method::PUT,
        &s.api(&format!("/congress/roll/{}/checkin", s.due[9])),
        json!({}),
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
    assert!(message(&late).contains("签到已结束"), "{}", late.text);
    assert_eq!(view(&app, &s).await["roll"]["present"], 9);
    // The page says so instead of offering 签到 or 撤销签到.
    let page = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/communities/sg01/campaigns/{}/party/congress", s.campaign),
            B::Empty,
        )
        .await;
    assert!(page.text.contains("委员选举投票已经创建，签到已结束。"));
    assert!(!page.text.contains("撤销签到</button>") && !page.text.contains(">签到</button>"));
    // Under the 2020 rule (不少于) exactly four fifths would do: only the street may adopt it,
    // and not once voting started.
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &s.api("/congress"),
        json!({"date": "2027-04-26", "quorum_rule": "ge"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("须由街道工作组设定"), "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::PUT,
        &s.api("/congress"),
        json!({"date": "2027-04-26", "quorum_rule": "ge"}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "the rule is fixed once voting started: {}",
        r.text
    );
}

#[tokio::test]
async fn the_roll_leaves_out_probationary_and_unit_members_and_an_exclusion_needs_the_streets_approval()
 {
    let app = TestApp::spawn().await;
    let s = approved(&app).await;
    let r = record(&app, &s).await;
    assert_eq!(r["quorum"]["check"]["numbers"]["due"], 10);
    let v = view(&app, &s).await;
    let on: Vec<i64> = v["roll"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["person_id"].as_i64().unwrap())
        .collect();
    assert!(
        !on.contains(&s.probationary) && !on.contains(&s.unit),
        "{on:?}"
    );
    assert_eq!(v["roll"]["left_out_total"], 2);
    let why: Vec<String> = v["roll"]["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| format!("{}:{}", l["reason"].as_str().unwrap(), l["count"]))
        .collect();
    assert!(why.contains(&"预备党员，无表决权:1".to_string()), "{why:?}");
    assert!(
        why.contains(&"组织关系在驻区单位党组织，不参加:1".to_string()),
        "{why:?}"
    );

    // A reason outside SPEC P-6's list is refused and nothing is stored.
    let ill = s.due[9];
    let path = s.api(&format!("/congress/roll/{ill}/exclusion"));
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &path,
        json!({"reason": "出差", "note": "外地"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("因病不能表达本人意志"), "{}", r.text);
    assert_eq!(
        app.count("select count(*) from party_roll where exclusion is not null")
            .await,
        0
    );
    // The request leaves the member due until the street approves it.
    let r = api(&app, Who::Community, Method::PUT, &path, json!({"reason": "因病不能表达本人意志", "note": "住院", "approval": "街党工委〔2027〕5号"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["quorum"]["check"]["numbers"]["due"], 10);
    assert_eq!(r.json()["exclusion"]["status"], "pending");
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("{path}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["quorum"]["check"]["numbers"]["due"],
        9,
        "the excluded member is not due once approved"
    );
    assert_eq!(r.json()["quorum"]["needed"], 8);
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &s.api(&format!("/congress/roll/{ill}/checkin")),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text
            .contains("癸十经街道批准不计入应到会人数（因病不能表达本人意志），不能签到"),
        "{}",
        r.text
    );
    // A 预备党员 is not on the roll: refused with the reason.
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &s.api(&format!("/congress/roll/{}/checkin", s.probationary)),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("不在应到会党员名册中"), "{}", r.text);

    // Checking in twice counts once; undo takes it back.
    check_in(&app, &s, 1).await;
    check_in(&app, &s, 1).await;
    let v = view(&app, &s).await;
    assert_eq!(
        (
            v["roll"]["due"].as_i64(),
            v["roll"]["present"].as_i64(),
            v["roll"]["excluded"].as_i64()
        ),
        (Some(9), Some(1), Some(1))
    );
    let undo = s.api(&format!("/congress/roll/{}/checkin", s.due[0]));
    assert_eq!(
        api(&app, Who::Community, Method::DELETE, &undo, json!({}))
            .await
            .status,
        200
    );
    assert_eq!(view(&app, &s).await["roll"]["present"], 0);

    // Regenerating keeps the exclusion and adds a member who became due.
    check_in(&app, &s, 2).await;
    Q::new("update people set party_status = 'full' where id = $1")
        .bind(s.probationary)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &s.api("/congress/roll"),
        json!({}),
    )
    .await;
    assert_eq!(
        (r.json()["added"].as_i64(), r.json()["dropped"].as_i64()),
        (Some(1), Some(0)),
        "{}",
        r.text
    );
    let v = view(&app, &s).await;
    assert_eq!(
        (
            v["roll"]["due"].as_i64(),
            v["roll"]["present"].as_i64(),
            v["roll"]["excluded"].as_i64()
        ),
        (Some(10), Some(2), Some(1))
    );
    // The exclusion is removable: due again.
    assert_eq!(
        api(&app, Who::Community, Method::DELETE, &path, json!({}))
            .await
            .status,
        200
    );
    assert_eq!(view(&app, &s).await["roll"]["due"], 11);
}

#[tokio::test]
async fn p6_opens_after_the_approved_list_or_early_by_the_street_with_a_reason() {
    let app = TestApp::spawn().await;
    let s = approved(&app).await;
    Q::new("update campaign_steps set done_at = null where code = 'P-5'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let body = json!({"date": "2027-04-26"});
    let r = api(
        &app,
        Who::Community,
        Method::PUT,
        &s.api("/congress"),
        body.clone(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        message(&r).contains("党员大会选举（P-6）不能开始"),
        "{}",
        r.text
    );
    let open = s.api("/congress/open");
    assert_eq!(
        api(
            &app,
            Who::Community,
            Method::POST,
            &open,
            json!({"reason": "x"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &open,
        json!({"reason": " "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &open,
        json!({"reason": "按街道统一安排提前召开"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = view(&app, &s).await;
    assert_eq!(
        (v["open"].as_bool(), v["override"].as_str()),
        (Some(true), Some("按街道统一安排提前召开"))
    );
    let r = api(&app, Who::Community, Method::PUT, &s.api("/congress"), body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let meeting = r.json()["congress"]["meeting_id"].as_i64().unwrap();
    let kind: (String, String) = Q::new("select kind, title from meetings where id = $1")
        .bind(meeting)
        .one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        kind,
        (
            "party".to_string(),
            "第八届社区党组织换届选举党员大会".to_string()
        )
    );
}

#[tokio::test]
async fn another_communitys_staff_do_not_see_the_congress() {
    let app = TestApp::spawn().await;
    let s = approved(&app).await;
    record(&app, &s).await;
    app.create_user("t-sg02", "community", "sg02").await;
    let other = app.login("t-sg02", PASSWORD).await;
    for (method, path) in [
        (Method::GET, s.api("/congress")),
        (
            Method::PUT,
            s.api(&format!("/congress/roll/{}/checkin", s.due[0])),
        ),
        (
            Method::GET,
            format!("/communities/sg01/campaigns/{}/party/congress", s.campaign),
        ),
        (
            Method::GET,
            format!(
                "/communities/sg02/campaigns/{}/party/congress/sheet",
                s.campaign
            ),
        ),
    ] {
        let r = call_as(&app, &other, method.clone(), &path, B::Json(json!({}))).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            r.text
        );
    }
    assert_eq!(
        view(&app, &s).await["roll"]["present"],
        0,
        "nothing changed"
    );
}

/// The counting room of the congress's meeting: a chief scrutineer and a chief counter (as
/// `Who::Scrutineer` and `Who::Counter`) and a second counter, returned.
async fn staff_room(app: &mut TestApp, meeting: i64) -> Client {
    let chief_s = staff(
        app,
        meeting,
        json!({"name": "监一", "role": "scrutineer", "chief": true}),
    )
    .await
    .unwrap();
    let chief_c = staff(
        app,
        meeting,
        json!({"name": "计一", "role": "counter", "chief": true, "table": 1}),
    )
    .await
    .unwrap();
    let counter2 = staff(
        app,
        meeting,
        json!({"name": "计二", "role": "counter", "table": 1}),
    )
    .await
    .unwrap();
    app.clients
        .retain(|(w, _)| !matches!(w, Who::Scrutineer | Who::Counter));
    app.clients.push((Who::Scrutineer, chief_s));
    app.clients.push((Who::Counter, chief_c));
    counter2
}

/// Counts a vote through the counting room's API (9 present, double entry) and certifies it.
async fn count(app: &TestApp, counter2: &Client, vote: i64, ballots: &[Value]) {
    let state = format!("/api/v1/votes/{vote}/state");
    for body in [
        json!({"to": "voting"}),
        json!({"to": "counting", "present": 9, "ballots_issued": 9, "ballots_collected": ballots.len()}),
    ] {
        let r = api(app, Who::Community, Method::POST, &state, body).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let c1 = app.client(Who::Counter).cloned().unwrap();
    for (i, b) in ballots.iter().enumerate() {
        assert_eq!(
            enter(app, &c1, vote, &format!("{vote}-{i}-a"), b.clone())
                .await
                .status,
            201
        );
        assert_eq!(
            enter(app, counter2, vote, &format!("{vote}-{i}-b"), b.clone())
                .await
                .status,
            201
        );
    }
    let r = api(
        app,
        Who::Community,
        Method::POST,
        &state,
        json!({"to": "review"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    certify(app, vote).await;
}

fn members(names: &[&str]) -> Value {
    json!({"marks": {"委员": {"for": names}}})
}

#[tokio::test]
async fn the_congress_runs_through_a_tie_revote_and_a_replacement_to_the_streets_approval() {
    let mut app = TestApp::spawn().await;
    let s = approved(&app).await;
    let g = record(&app, &s).await;
    let counter2 = staff_room(&mut app, g["congress"]["meeting_id"].as_i64().unwrap()).await;
    check_in(&app, &s, 9).await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &s.api("/congress/votes/members"),
        json!({}),
    )
    .await;
    let first = r.json()["vote"]["id"].as_i64().unwrap();

    // 甲一 … 丙三 get 8 votes, 丁四 7; 戊五 and 己六 tie at 6 — more than half of the members
    // due (2020 条例) — for the last seat.
    let four = ["甲一", "乙二", "丙三", "丁四"];
    let with = |x: &str| members(&[four[0], four[1], four[2], four[3], x]);
    let mut ballots = vec![
        with("戊五"),
        with("戊五"),
        with("戊五"),
        with("己六"),
        with("己六"),
        with("己六"),
    ];
    ballots.extend([
        members(&["甲一", "乙二", "丙三", "戊五", "己六"]),
        members(&["甲一", "乙二", "丙三", "戊五", "己六"]),
        members(&["丁四", "戊五", "己六"]),
    ]);
    count(&app, &counter2, first, &ballots).await;
    let v = view(&app, &s).await;
    assert_eq!(v["members"]["complete"], false);
    assert!(
        v["members"]["status"]
            .as_str()
            .unwrap()
            .contains("委员须再次投票：应选 1 名，候选人 己六、戊五"),
        "{}",
        v["members"]
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &s.api("/congress/votes/leaders"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(message(&r).contains("委员选举尚未完成"), "{}", r.text);

    // The tie re-vote in the counting room: 戊五 wins.
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("/api/v1/votes/{first}/next"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let revote = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["round"], "tie_revote");
    let mut again = vec![members(&["戊五"]); 6];
    again.extend(vec![members(&["己六"]); 3]);
    count(&app, &counter2, revote, &again).await;
    let v = view(&app, &s).await;
    assert_eq!(v["members"]["complete"], true, "{}", v["members"]);
    let rounds: Vec<i64> = v["members"]["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(rounds, vec![first, revote]);
    let mut elected: Vec<String> = v["members"]["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect();
    elected.sort();
    let mut want: Vec<String> = ["甲一", "乙二", "丙三", "丁四", "戊五"]
        .map(String::from)
        .to_vec();
    want.sort();
    assert_eq!(elected, want);

    // 己六, proposed 书记, was not elected 委员: refused, naming them, until the street replaces.
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &s.api("/congress/votes/leaders"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(message(&r).contains("己六 未当选委员"), "{}", r.text);
    assert!(
        view(&app, &s).await["blockers"]
            .to_string()
            .contains("己六 未当选委员")
    );
    // The pipeline page's blockers say the same, with P-6 in progress.
    let pipeline = api(&app, Who::Community, Method::GET, &s.api(""), json!({}))
        .await
        .json();
    assert!(
        pipeline["pipeline"]["blockers"]
            .to_string()
            .contains("己六 未当选委员，不符合。须由街道工作组确定替补人选。"),
        "{}",
        pipeline["pipeline"]
    );
    assert!(
        pipeline["pipeline"]["open_steps"]
            .to_string()
            .contains("P-6"),
        "{}",
        pipeline["pipeline"]
    );
    let body = json!({"replaced_person_id": s.due[5], "person_id": s.due[1], "reason": "经街道党工委研究，由得票较多的当选委员替补"});
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &s.api("/congress/replacements"),
        body.clone(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let bad = json!({"replaced_person_id": s.due[5], "person_id": s.due[0], "reason": "x"});
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &s.api("/congress/replacements"),
        bad,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "甲一 is already proposed: {}",
        r.text
    );
    assert!(r.text.contains("甲一已是书记、副书记候选人"), "{}", r.text);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &s.api("/congress/replacements"),
        body,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["check"]["passed"], true);

    // The 等额 vote: 书记 乙二, 副书记 甲一, in that order.
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &s.api("/congress/votes/leaders"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let leaders = &r.json()["vote"];
    assert_eq!(leaders["posts"][0]["candidates"], json!(["乙二"]));
    assert_eq!(leaders["posts"][1]["post"], "副书记");
    assert_eq!(leaders["posts"][1]["candidates"], json!(["甲一"]));
    assert_eq!(
        (leaders["electorate"].as_i64(), leaders["present"].as_i64()),
        (Some(10), Some(9))
    );
    let id = leaders["id"].as_i64().unwrap();
    let ballot = json!({"marks": {"书记": {"for": ["乙二"]}, "副书记": {"for": ["甲一"]}}});
    count(&app, &counter2, id, &vec![ballot; 9]).await;

    // P-6 done: seven posts wait for the street, 待批准.
    let done = s.api("/steps/P-6/done");
    let r = api(&app, Who::Community, Method::POST, &done, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["pending"], 7);
    // The closed P-6 freezes its certified rounds: the tie re-vote cannot be reopened.
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &format!("/api/v1/votes/{revote}/reopen"),
        json!({"reason": "复核"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(message(&r).contains("P-6 党员大会选举已完成"), "{}", r.text);
    let v = view(&app, &s).await;
    assert_eq!(v["p6_done"], true);
    let labels: Vec<String> = v["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{}{}{}",
                a["post"].as_str().unwrap(),
                a["name"].as_str().unwrap(),
                a["status_label"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(&labels[..2], ["书记乙二待批准", "副书记甲一待批准"]);
    assert_eq!(labels.iter().filter(|l| l.ends_with("待批准")).count(), 7);
    let report = app
        .call(
            Who::Community,
            Method::GET,
            &format!(
                "/communities/sg01/campaigns/{}/party/congress/report",
                s.campaign
            ),
            B::Empty,
        )
        .await;
    assert_eq!(report.status, 200);
    assert!(
        report.text.contains("关于社区党组织委员会选举结果的报告"),
        "{}",
        report.text
    );
    assert!(
        report.text.contains("应到会有选举权的党员 10 名"),
        "{}",
        report.text
    );
    assert!(report.text.contains("实到会 9 名"), "{}", report.text);
    // Votes, then the votes the round needed (more than half of the 10 due), then the status.
    assert!(report.text.contains("<td class=\"name\">甲一</td><td class=\"n\">8</td><td class=\"n\">6</td><td>待批准</td>"), "{}", report.text);
    assert!(
        report.text.contains("超过应到会有选举权的党员人数的半数"),
        "the report states the majority's base"
    );
    assert!(
        report
            .text
            .contains("<td class=\"name\">戊五</td><td class=\"n\">6</td>"),
        "the re-vote's votes: {}",
        report.text
    );
    assert!(
        report
            .text
            .contains("<td>书记</td><td class=\"name\">乙二</td><td class=\"n\">9</td>"),
        "{}",
        report.text
    );
    assert!(
        report
            .text
            .contains("书记候选人己六未当选委员，经街道工作组同意由乙二替补"),
        "{}",
        report.text
    );

    // P-7: the community may not decide; the street files and approves.
    let decide = |p: i64| s.api(&format!("/approvals/{p}"));
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &decide(s.due[1]),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        Who::Street,
        Method::POST,
        &decide(s.due[1]),
        json!({"post": "书记"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rows = r.json()["approvals"].to_string();
    assert!(
        rows.contains(r#""post":"书记","status":"approved","status_label":"已批准""#),
        "{rows}"
    );
    assert!(
        rows.contains(r#""post":"委员","status":"pending","status_label":"待批准""#),
        "{rows}"
    );
    for p in &s.due[..5] {
        let r = api(&app, Who::Street, Method::POST, &decide(*p), json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let v = view(&app, &s).await;
    assert_eq!(v["p7_done"], true);
    assert_eq!(v["blockers"], json!([]));
    let filed = v["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status_label"] == "已备案")
        .count();
    assert_eq!(filed, 5);
    // The page shows both chains with links to their rounds and the decided committee.
    let page = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/communities/sg01/campaigns/{}/party/congress", s.campaign),
            B::Empty,
        )
        .await
        .text;
    for round in [first, revote, id] {
        assert!(
            page.contains(&format!("href=\"/votes/{round}\"")),
            "round {round}: {page}"
        );
    }
    assert!(
        page.contains("得票相等再次投票") && page.contains("报批已完成"),
        "{page}"
    );
    assert!(
        page.contains("<td>书记</td><td>乙二</td><td>已批准</td>"),
        "{page}"
    );
    let sheet = app
        .call(
            Who::Community,
            Method::GET,
            &format!(
                "/communities/sg01/campaigns/{}/party/congress/sheet",
                s.campaign
            ),
            B::Empty,
        )
        .await;
    assert!(
        sheet.text.contains("党员大会应到会党员名册及签到表") && sheet.text.contains("本人签名"),
        "{}",
        sheet.text
    );
    assert!(
        sheet
            .text
            .contains("<td class=\"n\" data-n=\"due\">10</td>")
            && sheet
                .text
                .contains("<td class=\"n\" data-n=\"present\">9</td>"),
        "{}",
        sheet.text
    );
}

#[tokio::test]
async fn a_seat_left_unfilled_may_be_dropped_when_the_size_stays_legal_and_most_electors_agree() {
    let mut app = TestApp::spawn().await;
    let s = approved(&app).await;
    Q::new("update party_sizes set members = 6")
        .execute(&app.state.db)
        .await
        .unwrap();
    let g = record(&app, &s).await;
    let counter2 = staff_room(&mut app, g["congress"]["meeting_id"].as_i64().unwrap()).await;
    check_in(&app, &s, 9).await;
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &s.api("/congress/votes/members"),
        json!({}),
    )
    .await;
    let vote = r.json()["vote"]["id"].as_i64().unwrap();
    // Five of six are elected; 己六 has 4 votes of 9, short of a majority: one seat is unfilled.
    let five = ["甲一", "乙二", "丙三", "丁四", "戊五"];
    let mut ballots =
        vec![members(&["甲一", "乙二", "丙三", "丁四", "戊五", "己六"]); 4];
    ballots.extend(vec![members(&five); 5]);
    count(&app, &counter2, vote, &ballots).await;
    let v = view(&app, &s).await;
    assert!(
        v["members"]["status"]
            .as_str()
            .unwrap()
            .contains("的委员未选足（缺 1 名），没有自动产生的下一轮：须另行提名候选人，在计票室创建接续本轮的投票，或经选举人同意减少名额。"),
        "{}",
        v["members"]
    );
    let reduce = s.api("/congress/members/reduce");
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &reduce,
        json!({"agreed": 4, "reason": "经大会表决"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text
            .contains("减少名额须经过半数选举人同意：实到 9 名，同意 4 名"),
        "{}",
        r.text
    );
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &reduce,
        json!({"agreed": 5, "reason": "经大会表决"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["members"], 5);
    let v = view(&app, &s).await;
    assert_eq!(v["members"]["complete"], true);
    assert_eq!(
        v["members"]["status"],
        "已完成：委员未选足，经选举人同意减少名额，不再另行选举。"
    );
    assert_eq!(v["congress"]["members_reduced_agreed"], 5);
}

#[tokio::test]
async fn a_community_keeps_the_roll_checks_members_in_and_creates_the_vote_through_the_pages() {
    let app = TestApp::spawn().await;
    let s = approved(&app).await;
    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;
    let base = format!("/communities/sg01/campaigns/{}/party/congress", s.campaign);
    let page = staff.get(&base).await;
    let (msg, page) = staff
        .submit_flash(
            &page,
            &base,
            &[
                ("date", "2027-04-26"),
                ("quorum_rule", "gt"),
                ("presentation", "候选人产生情况"),
                ("secretary_statement", ""),
            ],
        )
        .await;
    assert!(
        msg.contains("已保存党员大会") && msg.contains("应到 10 名，实到 0 名，须至少 9 名，不足"),
        "{msg}"
    );
    assert!(
        page.contains("未列入名册的党员 2 名") && page.contains("预备党员，无表决权 1 名"),
        "{page}"
    );
    // An exclusion is a request: due stays 10 until the street approves it on the same page.
    let ill = s.due[9];
    let action = format!("{base}/roll/{ill}/exclusion");
    let (msg, page) = staff
        .submit_flash(
            &page,
            &action,
            &[
                ("reason", "bedridden"),
                ("note", "长期卧床"),
                ("approval", ""),
            ],
        )
        .await;
    assert!(
        msg.contains("待街道审批") && msg.contains("应到 10 名"),
        "{msg}"
    );
    assert!(
        page.contains(
            "申请不计入：卧床不起或长期生活不能自理（<strong class=\"bad\">待街道审批</strong>）"
        ),
        "{page}"
    );
    assert!(
        !page.contains("批准不计入</button>"),
        "only the street approves: {page}"
    );
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let spage = street.get(&base).await;
    let (msg, _) = street
        .submit_flash(&spage, &format!("{action}/approve"), &[])
        .await;
    assert!(
        msg.contains("已批准癸十不计入应到会人数") && msg.contains("应到 9 名"),
        "{msg}"
    );
    let mut page = staff.get(&base).await;
    assert!(
        page.contains(
            "不计入：卧床不起或长期生活不能自理（<span class=\"good\">已批准</span>：t-street "
        ),
        "{page}"
    );
    for (i, id) in s.due[..8].iter().enumerate() {
        let (msg, next) = staff
            .submit_flash(&page, &format!("{base}/roll/{id}/checkin"), &[])
            .await;
        assert!(msg.contains(&format!("{}已签到", NAMES[i])), "{msg}");
        page = next;
    }
    // 8 of 9 is more than four fifths (7.2): the vote is created from the roll.
    assert!(page.contains("应到 <strong data-n=\"due\">9</strong> 名，实到 <strong data-n=\"present\">8</strong> 名，须至少 <strong data-n=\"needed\">8</strong> 名"), "{page}");
    let (msg, page) = staff
        .submit_flash(&page, &format!("{base}/votes/members"), &[])
        .await;
    assert!(
        msg.contains("已创建委员选举投票（应到 9 名，实到 8 名）"),
        "{msg}"
    );
    assert!(
        page.contains("选举社区党组织委员会委员") && page.contains("/votes/"),
        "{page}"
    );
    let sheet = staff.get(&format!("{base}/sheet")).await;
    assert!(
        sheet.contains("卧床不起或长期生活不能自理") && sheet.contains("长期卧床"),
        "{sheet}"
    );
    assert!(
        sheet.contains("<td class=\"n\" data-n=\"excluded\">1</td>"),
        "{sheet}"
    );
}

/// For the CSRF/audit walk (`csrf.rs`): puts sg01's campaign in the state the P-6/P-7 route
/// `def` needs when called properly, by raw SQL: 张三 (the arranged person) on the roll and
/// checked in, the candidate list of 张三 and 李四 (proposed 书记) approved, no 副书记 for the
/// 书记 vote, and for the later routes certified votes electing 张三 委员, then 书记.
pub async fn csrf_prepare(app: &TestApp, def: &huanjie::routes::RouteDef) {
    let route = def
        .path
        .trim_start_matches("/communities/{code}/campaigns/{campaign}")
        .trim_start_matches("/api/v1/campaigns/{campaign}");
    if !route.starts_with("/party/congress")
        && !route.starts_with("/party/approvals")
        && route != "/party/steps/P-6/done"
    {
        return;
    }
    let db = &app.state.db;
    let now = huanjie::now();
    let run = |sql: &'static str| async move {
        let q = if sql.contains("$1") {
            Q::new(sql).bind(now)
        } else {
            Q::new(sql)
        };
        q.execute(db).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    };
    if route == "/party/congress/open" {
        run("delete from party_step_overrides where step = 'P-6'").await;
        run("update campaign_steps set done_at = null where code = 'P-5'").await;
        return;
    }
    run("update people set party_status = 'full', party_org = 'community', updated_at = $1 where name in ('张三', '李四')").await;
    run("insert into party_roll (campaign_id, person_id, checked_in_at, created_at, updated_at) select g.campaign_id, p.id, $1, $1, $1 \
         from party_congresses g join campaigns c on c.id = g.campaign_id join people p on p.residence_community_id = c.community_id \
         where p.name = '张三' and not exists (select 1 from party_roll r where r.campaign_id = g.campaign_id and r.person_id = p.id)").await;
    run("update party_roll set exclusion = null, exclusion_approval = null, exclusion_status = null, checked_in_at = $1")
        .await;
    run("insert into party_lists (campaign_id, list, fixed_on, status, created_at, updated_at) select campaign_id, 'candidate', meeting_date, 'approved', $1, $1 \
         from party_congresses where not exists (select 1 from party_lists l where l.campaign_id = party_congresses.campaign_id and l.list = 'candidate')").await;
    run("update party_lists set status = 'approved' where list = 'candidate'").await;
    run("insert into party_list_entries (campaign_id, list, person_id, position, leader_post, leader_order, created_at) \
         select g.campaign_id, 'candidate', p.id, case when p.name = '张三' then 1 else 2 end, case when p.name = '李四' then '书记' else null end, \
         case when p.name = '李四' then 1 else null end, $1 from party_congresses g join campaigns c on c.id = g.campaign_id \
         join people p on p.residence_community_id = c.community_id where p.name in ('张三', '李四') \
         and not exists (select 1 from party_list_entries e where e.campaign_id = g.campaign_id and e.person_id = p.id)").await;
    // Only 李四 is proposed (书记), whatever the P-5 walk left on the list.
    run("update party_list_entries set leader_post = case when person_id in (select id from people where name = '李四') then '书记' else null end, \
         leader_order = case when person_id in (select id from people where name = '李四') then 1 else null end where list = 'candidate'").await;
    let certified = |post: &str| {
        format!(
            r#"{{"valid":true,"void_reasons":[],"provisional":false,"quorum":{{"electorate":1,"present":1,"required":1,"met":true}},"ballots":{{"collected":1,"counted":1,"valid":1,"invalid":0}},"posts":[{{"post":"{post}","seats":1,"threshold":1,"void_parts":0,"candidates":[{{"name":"张三","for":1,"against":0,"abstain":0,"write_in":false,"status":"elected"}}],"elected":["张三"],"tie":[],"unfilled":0,"next_round":null}}],"explanation":[]}}"#
        )
    };
    let vote = |post: &'static str, column: &'static str| {
        let result = certified(post);
        async move {
            let posts = format!(r#"[{{"post":"{post}","seats":1,"candidates":["张三"]}}]"#);
            Q::new("insert into votes (meeting_id, title, preset, electorate, posts, state, present, result, created_at, updated_at) \
                    select meeting_id, $1, 'party', 1, $2, 'certified', 1, $3, $4, $4 from party_congresses")
                .bind(format!("csrf-{column}"))
                .bind(posts)
                .bind(result)
                .bind(now)
                .execute(db)
                .await
                .unwrap();
            Q::new(format!("update party_congresses set {column} = (select max(id) from votes where title = $1)"))
                .bind(format!("csrf-{column}"))
                .execute(db)
                .await
                .unwrap();
        }
    };
    run("update party_congresses set members_vote_id = null, leaders_vote_id = null, updated_at = $1").await;
    match route {
        // A request needs a member without one; withdrawing, approving and rejecting need a
        // pending request of a member not checked in.
        "/party/congress/roll/{person}/exclusion" if def.method == Method::PUT || !def.is_api() => {
            run("update party_roll set checked_in_at = null, updated_at = $1").await;
        }
        "/party/congress/roll/{person}/exclusion"
        | "/party/congress/roll/{person}/exclusion/remove"
        | "/party/congress/roll/{person}/exclusion/approve"
        | "/party/congress/roll/{person}/exclusion/reject" => {
            run("update party_roll set exclusion = 'illness', exclusion_approval = '测试', exclusion_status = 'pending', checked_in_at = null, updated_at = $1").await;
        }
        "/party/congress/roll/{person}/checkin" if def.method != Method::DELETE => {
            run("update party_roll set checked_in_at = null, updated_at = $1").await;
        }
        "/party/congress/members/reduce" => {
            let result = r#"{"valid":true,"void_reasons":[],"provisional":false,"quorum":{"electorate":1,"present":1,"required":1,"met":true},"ballots":{"collected":1,"counted":1,"valid":1,"invalid":0},"posts":[{"post":"委员","seats":6,"threshold":1,"void_parts":0,"candidates":[],"elected":[],"tie":[],"unfilled":1,"next_round":{"round":"supplementary","seats":1,"candidates":["李四"]}}],"explanation":[]}"#;
            let names = ["张三", "甲", "乙", "丙", "丁"];
            let cands: Vec<String> = names.iter().map(|n| format!(r#"{{"name":"{n}","for":1,"against":0,"abstain":0,"write_in":false,"status":"elected"}}"#)).collect();
            let result = result.replace(
                r#""candidates":[],"elected":[]"#,
                &format!(
                    r#""candidates":[{}],"elected":{}"#,
                    cands.join(","),
                    json!(names)
                ),
            );
            Q::new("insert into votes (meeting_id, title, preset, electorate, posts, state, present, result, created_at, updated_at) \
                    select meeting_id, 'csrf-reduce', 'party', 1, '[{\"post\":\"委员\",\"seats\":6,\"candidates\":[]}]', 'certified', 1, $1, $2, $2 from party_congresses")
                .bind(result)
                .bind(now)
                .execute(db)
                .await
                .unwrap();
            run("update party_congresses set members_vote_id = (select max(id) from votes where title = 'csrf-reduce'), members_reduced_vote_id = null, updated_at = $1").await;
        }
        "/party/congress/replacements" | "/party/congress/votes/leaders" => {
            vote("委员", "members_vote_id").await;
            run("delete from party_replacements").await;
            if route.ends_with("/leaders") {
                run("update party_sizes set deputies = 0, updated_at = $1").await;
                run("insert into party_replacements (campaign_id, post, replaced_person_id, person_id, reason, created_at) \
                     select g.campaign_id, '书记', l.id, z.id, '测试', $1 from party_congresses g join campaigns c on c.id = g.campaign_id \
                     join people l on l.residence_community_id = c.community_id and l.name = '李四' \
                     join people z on z.residence_community_id = c.community_id and z.name = '张三'").await;
            }
        }
        "/party/steps/P-6/done" | "/party/approvals/{person}" => {
            vote("委员", "members_vote_id").await;
            vote("书记", "leaders_vote_id").await;
            run("update campaign_steps set done_at = null, updated_at = $1 where code in ('P-6', 'P-7')").await;
            run("delete from party_approvals").await;
            if route.starts_with("/party/approvals") {
                run("insert into party_approvals (campaign_id, person_id, post, status, created_at) select campaign_id, person_id, '书记', 'pending', $1 \
                     from party_roll").await;
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_list_approved_through_p5_opens_the_congress_and_becomes_the_members_ballot() {
    use crate::party::list_fixtures::{after_p4, ok, party};
    let app = TestApp::spawn().await;
    let (c, people) = after_p4(&app, 5, 1, 7).await;
    let base = party(c);
    let list = json!({"date": "2027-04-24", "people": people[..6], "secretary": people[0], "deputies": [people[1]]});
    ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/candidates"),
        list,
    )
    .await;
    ok(
        &app,
        Who::Community,
        Method::POST,
        &format!("{base}/candidates/submit"),
        json!({}),
    )
    .await;
    let v = ok(
        &app,
        Who::Community,
        Method::GET,
        &format!("{base}/congress"),
        json!({}),
    )
    .await;
    assert_eq!(
        (v["open"].as_bool(), v["list_approved"].as_bool()),
        (Some(false), Some(false)),
        "submitted, not approved"
    );
    ok(
        &app,
        Who::Street,
        Method::POST,
        &format!("{base}/candidates/approve"),
        json!({}),
    )
    .await;
    let v = ok(
        &app,
        Who::Community,
        Method::GET,
        &format!("{base}/congress"),
        json!({}),
    )
    .await;
    assert_eq!(
        (v["open"].as_bool(), v["p5_done"].as_bool()),
        (Some(true), Some(true))
    );
    let slate: Vec<String> = v["slate"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}{}",
                p["post"].as_str().unwrap(),
                p["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(slate, ["书记王一", "副书记李二"]);
    // The nominees are members of the community's organisation: all seven are due.
    Q::new("update people set party_org = 'community'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let g = ok(
        &app,
        Who::Community,
        Method::PUT,
        &format!("{base}/congress"),
        json!({"date": "2027-04-26"}),
    )
    .await;
    assert_eq!(g["quorum"]["check"]["numbers"]["due"], 7);
    for p in &people[..6] {
        ok(
            &app,
            Who::Community,
            Method::PUT,
            &format!("{base}/congress/roll/{p}/checkin"),
            json!({}),
        )
        .await;
    }
    let r = api(
        &app,
        Who::Community,
        Method::POST,
        &format!("{base}/congress/votes/members"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let vote = &r.json()["vote"];
    assert_eq!(
        (vote["electorate"].as_i64(), vote["present"].as_i64()),
        (Some(7), Some(6))
    );
    assert_eq!(vote["posts"][0]["seats"], 5);
    assert_eq!(vote["posts"][0]["people"].as_object().unwrap().len(), 6);
}

#[tokio::test]
async fn a_member_living_in_another_community_is_not_due_in_the_community_of_their_huji() {
    let app = TestApp::spawn().await;
    let s = approved(&app).await;
    // 户籍 in sg01, living in sg02: a member of sg02's organisation only.
    let elsewhere = member(&app, "户籍丙", 730, "full", "community").await;
    Q::new(
        "update people set hukou_community_id = (select id from communities where code = 'sg01'), \
         residence_community_id = (select id from communities where code = 'sg02') where id = $1",
    )
    .bind(elsewhere)
    .execute(&app.state.db)
    .await
    .unwrap();
    let r = record(&app, &s).await;
    assert_eq!(
        r["quorum"]["check"]["numbers"]["due"], 10,
        "the ten members living in sg01, not the eleventh registered there"
    );
    let v = view(&app, &s).await;
    let on: Vec<i64> = v["roll"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["person_id"].as_i64().unwrap())
        .collect();
    assert!(!on.contains(&elsewhere), "{on:?}");
    assert_eq!(
        v["roll"]["left_out_total"], 2,
        "only the probationary and the unit member"
    );
}
