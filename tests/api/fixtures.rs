//! Shared arrangements: people, campaigns, a spare user, a grant and a rule check in both
//! communities, and the path parameters of every route of the table.

use huanjie::db::Q;
use huanjie::domain::rules::RuleCheck;
use serde_json::json;

use crate::helpers::{B, TestApp, Who, id_number};

/// Ids that the route table's path parameters refer to.
#[derive(Clone, Debug)]
pub struct Ids {
    /// A person living in sg01.
    pub person: i64,
    /// A second person in sg01 (relations).
    pub person2: i64,
    /// A person in sg02.
    pub other_person: i64,
    /// A campaign of sg01.
    pub campaign: i64,
    /// A campaign of sg02.
    pub other_campaign: i64,
    /// A spare account (password resets, grants).
    pub user: i64,
    /// A grant of that account.
    pub grant: i64,
    /// A failed rule check.
    pub check: i64,
    /// The counting room of sg01.
    pub room: crate::counting_fixtures::Room,
    /// A draft vote of that room.
    pub vote: i64,
    /// Meetings without votes, for closing (page, API).
    pub empty_meetings: (i64, i64),
    /// A display link of `vote`: (id, token).
    pub link: (i64, String),
    /// The Party pipeline's records of sg01's campaign.
    pub party: Party,
    /// The same in sg02's campaign.
    pub other_party: Party,
    /// A residents' committee nominee in each campaign: (sg01's, sg02's).
    pub nominee: (i64, i64),
    /// A failed C-3 check of each of those nominees: (sg01's, sg02's).
    pub resident_check: (i64, i64),
    /// An elected member (当选证书) of sg01's campaign, and one of sg02's.
    pub elected: (i64, i64),
    /// A discipline report (D-1, against sg01, no person).
    pub report: i64,
    /// A collective talk (D-1).
    pub talk: i64,
    /// The street's S-1 records.
    pub street: StreetWork,
}

/// The street's S-1 records, two of each: the first for the page routes and the second for
/// the API's (a page route may remove its record before the API's routes run); a publicity
/// record with an attachment for the pages and for the API in sg01, and one in sg02.
#[derive(Clone, Debug)]
pub struct StreetWork {
    /// Leading group members.
    pub member: (i64, i64),
    /// Mobilisation meetings.
    pub mobilisation: (i64, i64),
    /// Publicity records: sg01's for the pages, sg01's for the API, sg02's.
    pub publicity: (i64, i64, i64),
    /// An attachment of each of those.
    pub attachment: (i64, i64, i64),
    /// 工作问答 items.
    pub qa: (i64, i64),
    /// Training sessions.
    pub training: (i64, i64),
    /// An attendee of each.
    pub attendee: (i64, i64),
}

/// A PNG's first bytes (enough for the type check).
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Arranges [`StreetWork`] through the API as the street, and a leading group that meets
/// S-1.1 (so that closing it can be called properly).
pub async fn arrange_street(app: &TestApp) -> StreetWork {
    use axum::http::Method;
    let post = |path: String, body: serde_json::Value| async move {
        let r = app
            .call(Who::Street, Method::POST, &path, B::Json(body))
            .await;
        assert_eq!(r.status, 201, "{path}: {}", r.text);
        r.json()
    };
    let id = |v: serde_json::Value, key: &str| v[key]["id"].as_i64().unwrap();
    let mut member = Vec::new();
    for (role, name) in [
        ("leader", "组长甲"),
        ("member", "成员甲"),
        ("office_director", "主任甲"),
    ] {
        let v = post(
            "/api/v1/street/leading-group/members".into(),
            json!({"role": role, "name": name}),
        )
        .await;
        member.push(id(v, "member"));
    }
    let (mut mobilisation, mut qa, mut training, mut attendee) = (vec![], vec![], vec![], vec![]);
    for i in 0..2 {
        let v = post(
            "/api/v1/street/mobilisation/meetings".into(),
            json!({"date": "2027-03-22", "place": format!("会议室{i}")}),
        )
        .await;
        mobilisation.push(id(v, "meeting"));
        let v = post(
            "/api/v1/street/qa".into(),
            json!({"question": format!("测试问题{i}？"), "answer": "测试回答。"}),
        )
        .await;
        qa.push(id(v, "item"));
        let v = post(
            "/api/v1/street/training".into(),
            json!({"date": "2027-03-28", "topic": format!("业务培训{i}")}),
        )
        .await;
        let t = id(v, "training");
        training.push(t);
        let v = post(
            format!("/api/v1/street/training/{t}/attendees"),
            json!({"name": "参训甲"}),
        )
        .await;
        attendee.push(id(v, "attendee"));
    }
    let mut publicity = Vec::new();
    let mut attachment = Vec::new();
    for code in ["sg01", "sg01", "sg02"] {
        let v = post(
            format!("/api/v1/communities/{code}/publicity"),
            json!({"date": "2027-03-25", "kind": "handbook", "count": 100}),
        )
        .await;
        let rid = id(v, "record");
        let r = app
            .call(
                Who::Street,
                Method::POST,
                &format!("/api/v1/communities/{code}/publicity/{rid}/attachments"),
                B::Multipart(vec![], Some(("照片.png".into(), PNG.to_vec()))),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        publicity.push(rid);
        attachment.push(id(r.json(), "attachment"));
    }
    StreetWork {
        member: (member[0], member[1]),
        mobilisation: (mobilisation[0], mobilisation[1]),
        publicity: (publicity[0], publicity[1], publicity[2]),
        attachment: (attachment[0], attachment[1], attachment[2]),
        qa: (qa[0], qa[1]),
        training: (training[0], training[1]),
        attendee: (attendee[0], attendee[1]),
    }
}

/// Party pipeline records of one campaign: a passed nomination, its failed C-4 check (the
/// nominee has no education on file, so the check stays failed), a 公示 and an objection.
#[derive(Clone, Debug)]
pub struct Party {
    /// The nomination.
    pub nid: i64,
    /// Its failed check.
    pub chk: i64,
    /// The P-2 publicity period.
    pub pid: i64,
    /// An objection.
    pub oid: i64,
    /// The nominee (a person who passed P-2).
    pub person: i64,
}

/// Arranges [`Party`] records in a campaign, as the street, through the API.
pub async fn arrange_party(app: &TestApp, code: &str, campaign: i64, seq: u32) -> Party {
    use axum::http::Method;
    let base = format!("/api/v1/campaigns/{campaign}/party");
    let call = |path: String, body: serde_json::Value| async move {
        let method = if path.ends_with("/size") {
            Method::PUT
        } else {
            Method::POST
        };
        let r = app.call(Who::Street, method, &path, B::Json(body)).await;
        assert!(r.status.is_success(), "{path}: {}", r.text);
        r.json()
    };
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/communities/{code}/people"),
            B::Json(json!({"name": "党员甲", "id_number": id_number("19900505", seq), "party_status": "full"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let person = r.json()["person"]["id"].as_i64().unwrap();
    call(format!("{base}/size"), json!({"members": 7, "deputies": 1})).await;
    let v = call(
        format!("{base}/nominations"),
        json!({"person_id": person, "post": "委员", "channel": "self"}),
    )
    .await;
    let nid = v["nomination"]["id"].as_i64().unwrap();
    call(format!("{base}/review/open"), json!({"reason": "测试"})).await;
    call(format!("{base}/review/checks"), json!({})).await;
    let chk = Q::new("select id from rule_checks where subject_type = 'party_nomination' and subject_id = $1 and rule = 'C-4.education'")
        .bind(nid)
        .scalar(&app.state.db)
        .await
        .unwrap();
    call(
        format!("/api/v1/checks/{chk}/override"),
        json!({"reason": "经街道研究同意"}),
    )
    .await;
    call(
        format!("{base}/nominations/{nid}/review"),
        json!({"decision": "passed"}),
    )
    .await;
    let v = call(
        format!("{base}/publicity"),
        json!({"start_date": "2027-04-08", "end_date": "2027-04-12"}),
    )
    .await;
    let pid = v["publicity"]["id"].as_i64().unwrap();
    let v = call(
        format!("{base}/publicity/{pid}/objections"),
        json!({"text": "群众来信"}),
    )
    .await;
    let oid = v["objection"]["id"].as_i64().unwrap();
    Party {
        nid,
        chk,
        pid,
        oid,
        person,
    }
}

/// Creates what the route table's parameters point at.
pub async fn arrange(app: &mut TestApp) -> Ids {
    let person = create_person(app, "sg01", "张三", &id_number("19800101", 11)).await;
    let person2 = create_person(app, "sg01", "李四", &id_number("19820202", 22)).await;
    let other_person = create_person(app, "sg02", "王五", &id_number("19830303", 33)).await;
    let campaign = create_campaign(app, "sg01").await;
    let other_campaign = create_campaign(app, "sg02").await;
    let user = app.create_user("t-spare", "counter", "").await;
    let r = app
        .call(
            Who::Street,
            axum::http::Method::POST,
            &format!("/api/v1/users/{user}/grants"),
            B::Json(json!({"capability": "counter"})),
        )
        .await;
    let grant = r.json()["grant"]["id"].as_i64().unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    let check = RuleCheck::new(
        "C-4.education",
        false,
        "test",
        "文化程度不符合".into(),
        &[("education", json!("初中"))],
    );
    huanjie::checks::save(&mut tx, "person", person, &check)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let check = Q::new("select id from rule_checks where subject_id = $1")
        .bind(person)
        .scalar(&app.state.db)
        .await
        .unwrap();
    let room = crate::counting_fixtures::room(app).await;
    let vote = crate::counting_fixtures::vote(app, room.meeting, true).await;
    let empty_meetings = (
        crate::counting_fixtures::meeting(app, "sg01", "party").await,
        crate::counting_fixtures::meeting(app, "sg01", "residents").await,
    );
    let r = app
        .call(
            Who::Street,
            axum::http::Method::POST,
            &format!("/api/v1/votes/{vote}/display-links"),
            B::Json(json!({})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let link = (
        r.json()["id"].as_i64().unwrap(),
        r.json()["token"].as_str().unwrap().to_string(),
    );
    let party = arrange_party(app, "sg01", campaign, 501).await;
    let other_party = arrange_party(app, "sg02", other_campaign, 503).await;
    let nominee = (
        resident_nominee(app, campaign, person).await,
        resident_nominee(app, other_campaign, other_person).await,
    );
    let resident_check = (
        resident_check(app, nominee.0).await,
        resident_check(app, nominee.1).await,
    );
    let elected = (
        crate::residents_results::arrange_elected(app, campaign, vote, 98).await,
        crate::residents_results::arrange_elected(app, other_campaign, room.other_vote, 99).await,
    );
    let (report, talk) = discipline_records(app, person).await;
    let street = arrange_street(app).await;
    Ids {
        report,
        talk,
        street,
        nominee,
        resident_check,
        elected,
        party,
        other_party,
        link,
        person,
        person2,
        other_person,
        campaign,
        other_campaign,
        user,
        grant,
        check,
        room,
        vote,
        empty_meetings,
    }
}

/// A discipline report against sg01 (no person named) and a collective talk with `person`,
/// through the API as the street: (report, talk).
async fn discipline_records(app: &TestApp, person: i64) -> (i64, i64) {
    use axum::http::Method;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/discipline/reports",
            B::Json(
                json!({"received_on": "2027-04-02", "channel": "letter", "community": "sg01",
                "category": "other", "summary": "反映选举宣传不到位"}),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let report = r.json()["report"]["id"].as_i64().unwrap();
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/discipline/talks",
            B::Json(
                json!({"held_on": "2027-04-03", "talked_by": "街道党工委书记",
                "points": "严守换届纪律", "people": [person]}),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (report, r.json()["talk"]["id"].as_i64().unwrap())
}

/// A residents' committee nominee (R-5, 委员, self-nominated) of a campaign, stored directly.
async fn resident_nominee(app: &TestApp, campaign: i64, person: i64) -> i64 {
    Q::new(
        "insert into resident_nominees (campaign_id, person_id, post, channel, created_at, updated_at) \
         values ($1, $2, 'member', 'self_nomination', $3, $3) returning id",
    )
    .bind(campaign)
    .bind(person)
    .bind(huanjie::now())
    .scalar(&app.state.db)
    .await
    .unwrap()
}

/// A failed C-3 check of a residents' nominee, stored directly; its id.
async fn resident_check(app: &TestApp, nominee: i64) -> i64 {
    let check = RuleCheck::new(
        "C-3.age",
        false,
        "test",
        "年龄超出上限".into(),
        &[("age", json!(56))],
    );
    let mut tx = app.state.db.begin().await.unwrap();
    huanjie::checks::save(&mut tx, "resident_nominee", nominee, &check)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Q::new("select id from rule_checks where subject_type = 'resident_nominee' and subject_id = $1")
        .bind(nominee)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

/// Creates a person through the API as the street.
pub async fn create_person(app: &TestApp, code: &str, name: &str, id: &str) -> i64 {
    let r = app
        .call(
            Who::Street,
            axum::http::Method::POST,
            &format!("/api/v1/communities/{code}/people"),
            B::Json(json!({"name": name, "id_number": id})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["person"]["id"].as_i64().unwrap()
}

/// Creates a campaign through the API as the street.
pub async fn create_campaign(app: &TestApp, code: &str) -> i64 {
    let r = app
        .call(
            Who::Street,
            axum::http::Method::POST,
            "/api/v1/campaigns",
            B::Json(json!({"community": code, "term": "第八届", "year": 2027})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["campaign"]["id"].as_i64().unwrap()
}

/// Fills a route pattern's parameters: with `other`, the resources of sg02.
pub fn fill(pattern: &str, ids: &Ids, other: bool) -> String {
    let id = if pattern.contains("/people/") {
        if other { ids.other_person } else { ids.person }
    } else if pattern.contains("/users/") {
        ids.user
    } else if pattern.contains("/checks/") {
        ids.check
    } else if pattern.contains("/result/certificates/") {
        if other { ids.elected.1 } else { ids.elected.0 }
    } else {
        0
    };
    let p = if other { &ids.other_party } else { &ids.party };
    // The street's S-1 records: the API's routes get records of their own.
    let api = pattern.starts_with("/api/");
    let pick = |(page, json): (i64, i64)| if api { json } else { page };
    let (w, a) = (&ids.street.publicity, &ids.street.attachment);
    let publicity = if other {
        (w.2, a.2)
    } else if api {
        (w.1, a.1)
    } else {
        (w.0, a.0)
    };
    pattern
        .replace("{code}", if other { "sg02" } else { "sg01" })
        .replace("{id}", &id.to_string())
        .replace(
            "{campaign}",
            &(if other {
                ids.other_campaign
            } else {
                ids.campaign
            })
            .to_string(),
        )
        .replace("{gid}", &ids.grant.to_string())
        .replace(
            "{step}",
            if pattern.starts_with("/street/steps/") || pattern.starts_with("/api/v1/street/steps/")
            {
                "S-1.1"
            } else {
                "P-1"
            },
        )
        .replace("{member}", &pick(ids.street.member).to_string())
        .replace("{mobilisation}", &pick(ids.street.mobilisation).to_string())
        .replace("{publicity}", &publicity.0.to_string())
        .replace("{attachment}", &publicity.1.to_string())
        .replace("{qa}", &pick(ids.street.qa).to_string())
        .replace("{training}", &pick(ids.street.training).to_string())
        .replace("{attendee}", &pick(ids.street.attendee).to_string())
        .replace(
            "{meeting}",
            &(if other {
                ids.room.other_meeting
            } else {
                ids.room.meeting
            })
            .to_string(),
        )
        .replace(
            "{vote}",
            &(if other { ids.room.other_vote } else { ids.vote }).to_string(),
        )
        .replace("{seq}", "1")
        .replace("{lid}", &ids.link.0.to_string())
        .replace("{token}", &ids.link.1)
        .replace("{nid}", &p.nid.to_string())
        .replace("{chk}", &p.chk.to_string())
        .replace(
            "{rchk}",
            &(if other {
                ids.resident_check.1
            } else {
                ids.resident_check.0
            })
            .to_string(),
        )
        .replace("{pid}", &p.pid.to_string())
        .replace("{oid}", &p.oid.to_string())
        .replace(
            "{nominee}",
            &(if other { ids.nominee.1 } else { ids.nominee.0 }).to_string(),
        )
        .replace("{report}", &ids.report.to_string())
        .replace("{talk}", &ids.talk.to_string())
        .replace(
            "{person}",
            &(if other { ids.other_person } else { ids.person }).to_string(),
        )
}

/// True when the route names a community's resource (so sg02's version is hidden from sg01).
pub fn community_bound(pattern: &str) -> bool {
    ["{code}", "{campaign}", "{meeting}", "{vote}"]
        .iter()
        .any(|p| pattern.contains(p))
}

/// Makes P-2 of campaign `c` closable as far as the calendar and the objections go: every open
/// objection answered by the street, and "today" the day after the fixtures' 公示 (4/8–4/12).
pub async fn p2_closable(app: &TestApp, c: i64) {
    let r = app
        .call(
            Who::Street,
            axum::http::Method::GET,
            &format!("/api/v1/campaigns/{c}/party/review"),
            B::Empty,
        )
        .await;
    let v = r.json();
    for o in v["objections"].as_array().into_iter().flatten() {
        if o["answer"].is_null() {
            let r = app
                .call(
                    Who::Street,
                    axum::http::Method::POST,
                    &format!("/api/v1/campaigns/{c}/party/objections/{}/answer", o["id"]),
                    B::Json(json!({"text": "经核实，反映的问题不影响推荐。"})),
                )
                .await;
            assert!(r.status.is_success(), "{}", r.text);
        }
    }
    app.on("2027-04-13");
}
