//! Every state-changing route of the table: without a CSRF token it answers 403 and changes
//! nothing; called properly, it appends an audit entry.

use axum::http::{Method, StatusCode};
use huanjie::auth::Role;
use huanjie::db::Q;
use huanjie::routes::{RouteDef, table};
use serde_json::{Value, json};

use crate::fixtures::{Ids, arrange, fill};
use crate::helpers::{B, TestApp, Who, backend, id_number};

/// Fields (form) or JSON (API) of a valid call of each state-changing route.
enum Fix {
    Form(Vec<(&'static str, String)>),
    /// Form fields whose names are made at run time (a checklist item's `q_{id}`).
    Fields(Vec<(String, String)>),
    Json(Value),
    File(&'static str, Vec<u8>),
    Empty,
}

fn csv(name: &str, id: &str) -> Vec<u8> {
    format!("姓名,身份证号\n{name},{id}\n").into_bytes()
}

/// The valid call of a route, by method and pattern. `step` numbers unique values.
fn fixture(def: &RouteDef, ids: &Ids, step: u32, password: &str) -> Option<Fix> {
    let f = |v: &[(&'static str, &str)]| {
        Fix::Form(v.iter().map(|(k, v)| (*k, v.to_string())).collect())
    };
    let newid = id_number("19900101", 100 + step);
    Some(match (def.method.as_str(), def.path) {
        ("POST", "/logout") | ("POST", "/api/v1/logout") => Fix::Empty,
        ("POST", "/password") => f(&[
            ("current", password),
            ("new", "second-pass-1"),
            ("confirm", "second-pass-1"),
        ]),
        ("POST", "/api/v1/me/password") => Fix::Json(
            json!({"current": password, "new": "correct-horse-9", "confirm": "correct-horse-9"}),
        ),
        ("POST", "/communities") => f(&[
            ("code", "sgx1"),
            ("name", "新建社区"),
            ("org_type", "zhibu"),
        ]),
        ("POST", "/communities/{code}") => f(&[
            ("name", "一号社区（改）"),
            ("org_type", "zongzhi"),
            ("households", "120"),
        ]),
        ("POST", "/communities/{code}/groups") => {
            f(&[("name", "第九居民小组"), ("households", "30")])
        }
        ("POST", "/api/v1/communities") => Fix::Json(json!({"code": "sgx2", "name": "另一社区"})),
        ("PUT", "/api/v1/communities/{code}") => {
            Fix::Json(json!({"name": "一号社区", "households": 130}))
        }
        ("POST", "/api/v1/communities/{code}/groups") => Fix::Json(json!({"name": "第十居民小组"})),
        ("POST", "/communities/{code}/people") => f(&[("name", "赵六"), ("id_number", &newid)]),
        ("POST", "/communities/{code}/people/import") => Fix::File("p.csv", csv("钱七", &newid)),
        ("POST", "/communities/{code}/people/{id}") => f(&[
            ("name", "张三"),
            ("id_number", &id_number("19800101", 11)),
            ("education", "大专"),
            ("phone", "13800000000"),
        ]),
        ("POST", "/communities/{code}/people/{id}/relations") => f(&[
            ("kind", "spouse"),
            ("other_id_number", &id_number("19820202", 22)),
        ]),
        ("POST", "/communities/{code}/people/{id}/incumbencies") => {
            f(&[("committee", "party"), ("post", "委员"), ("term", "第七届")])
        }
        ("POST", "/communities/{code}/people/{id}/honours") => {
            f(&[("name", "优秀社区工作者"), ("level", "市级")])
        }
        ("POST", "/api/v1/communities/{code}/people") => {
            Fix::Json(json!({"name": "孙八", "id_number": newid}))
        }
        ("POST", "/api/v1/communities/{code}/people/import") => {
            Fix::File("p.csv", csv("周九", &newid))
        }
        ("PUT", "/api/v1/communities/{code}/people/{id}") => Fix::Json(
            json!({"name": "张三", "id_number": id_number("19800101", 11), "education": "本科"}),
        ),
        ("POST", "/api/v1/communities/{code}/people/{id}/relations") => {
            Fix::Json(json!({"kind": "sibling", "other_id": ids.person2}))
        }
        ("POST", "/votes/{vote}/withdraw") => f(&[("reason", "录错了")]),
        ("POST", "/api/v1/votes/{vote}/withdraw") => Fix::Json(json!({"reason": "录错了"})),
        ("POST", "/communities/{code}/people/{id}/relations/{relation}/delete")
        | ("POST", "/meetings/{meeting}/staff/{staff}/unlock")
        | ("POST", "/api/v1/meetings/{meeting}/staff/{staff}/unlock") => Fix::Empty,
        ("DELETE", "/api/v1/communities/{code}/people/{id}/relations/{relation}") => {
            Fix::Json(json!({}))
        }
        ("POST", "/campaigns") => f(&[("community", "sg01"), ("term", "第九届"), ("year", "2027")]),
        ("POST", "/communities/{code}/campaigns/{campaign}") => f(&[
            ("reference_date", "2027-04-02"),
            ("party_election_day", "2027-04-26"),
            ("reason", "按区里统一安排调整"),
        ]),
        ("POST", "/communities/{code}/campaigns/{campaign}/steps/{step}") => {
            f(&[("start_date", "2027-04-02"), ("end_date", "2027-04-06")])
        }
        ("POST", "/api/v1/campaigns") => {
            Fix::Json(json!({"community": "sg01", "term": "第十届", "year": 2027}))
        }
        ("PUT", "/api/v1/campaigns/{campaign}") => Fix::Json(
            json!({"residents_election_day": "2027-05-16", "reason": "按区里统一安排调整"}),
        ),
        ("PUT", "/api/v1/campaigns/{campaign}/steps/{step}") => {
            Fix::Json(json!({"start_date": "2027-04-01", "end_date": "2027-04-07"}))
        }
        ("POST", "/street/steps/{step}/close") => Fix::Empty,
        ("POST", "/api/v1/street/steps/{step}/close") => Fix::Json(json!({})),
        ("POST", "/street/steps/{step}/reopen") => f(&[("reason", "补登记录")]),
        ("POST", "/api/v1/street/steps/{step}/reopen") => Fix::Json(json!({"reason": "补登记录"})),
        ("POST", "/communities/{code}/campaigns/{campaign}/steps/{step}/reopen") => {
            f(&[("reason", "补登记录")])
        }
        ("POST", "/api/v1/campaigns/{campaign}/steps/{step}/reopen") => {
            Fix::Json(json!({"reason": "补登记录"}))
        }
        ("POST", "/plan/settings") => f(&[("r3_quorum", "more_than_half")]),
        ("PUT", "/api/v1/plan/settings") => Fix::Json(json!({"r3_quorum": "more_than_half"})),
        ("POST", "/plan/steps/{step}") => f(&[("start", "4-1"), ("end", "4-6")]),
        ("PUT", "/api/v1/plan/steps/{step}") => {
            Fix::Json(json!({"start": "04-01", "end": "04-05"}))
        }
        ("POST", "/users") => f(&[("username", "u-form"), ("role", "counter")]),
        ("POST", "/users/{id}") => f(&[("display_name", "备用账号")]),
        ("POST", "/users/{id}/password") => Fix::Empty,
        ("POST", "/users/{id}/grants") => f(&[("capability", "scrutineer")]),
        ("POST", "/users/{id}/grants/{gid}/delete") => Fix::Empty,
        ("POST", "/api/v1/users") => {
            Fix::Json(json!({"username": "u-api", "role": "community", "community": "sg02"}))
        }
        ("PUT", "/api/v1/users/{id}") => Fix::Json(json!({"display_name": "备用"})),
        ("POST", "/api/v1/users/{id}/password") => Fix::Empty,
        ("POST", "/api/v1/users/{id}/grants") => Fix::Json(json!({"capability": "teller"})),
        ("POST", "/api/v1/communities/{code}/people/{id}/incumbencies") => {
            Fix::Json(json!({"committee": "residents", "post": "主任", "term": "第七届"}))
        }
        ("POST", "/api/v1/communities/{code}/people/{id}/honours") => {
            Fix::Json(json!({"name": "劳动模范", "level": "省级"}))
        }
        ("DELETE", "/api/v1/users/{id}/grants/{gid}") => Fix::Json(json!({})),
        ("POST", "/communities/{code}/meetings") => f(&[
            ("title", "第八届党员大会"),
            ("kind", "party"),
            ("date", "2027-04-26"),
        ]),
        ("POST", "/meetings/{meeting}/staff") => f(&[("name", "唱一"), ("role", "caller")]),
        ("POST", "/votes/{vote}/display-links")
        | ("POST", "/votes/{vote}/display-links/{lid}/revoke") => Fix::Empty,
        ("POST", "/api/v1/votes/{vote}/display-links")
        | ("DELETE", "/api/v1/votes/{vote}/display-links/{lid}") => Fix::Json(json!({})),
        ("POST", "/meetings/{meeting}/close")
        | ("POST", "/votes/{vote}/next")
        | ("POST", "/votes/{vote}/signoff")
        | ("POST", "/votes/{vote}/void-last") => Fix::Empty,
        ("POST", "/meetings/{meeting}/votes") => f(&[
            ("title", "表单新建的投票"),
            ("electorate", "9"),
            ("post", "委员"),
            ("seats", "1"),
            ("candidates", "甲一\n乙二"),
        ]),
        ("POST", "/api/v1/communities/{code}/meetings") => {
            Fix::Json(json!({"title": "选举大会", "kind": "residents", "date": "2027-05-16"}))
        }
        ("POST", "/api/v1/meetings/{meeting}/staff") => {
            Fix::Json(json!({"name": "唱二", "role": "caller"}))
        }
        ("POST", "/api/v1/meetings/{meeting}/close")
        | ("POST", "/api/v1/votes/{vote}/signoff")
        | ("POST", "/api/v1/votes/{vote}/next")
        | ("POST", "/api/v1/votes/{vote}/ballots/void-last") => Fix::Json(json!({})),
        ("POST", "/api/v1/meetings/{meeting}/votes") => Fix::Json(
            json!({"title": "接口新建的投票", "preset": "party", "electorate": 9, "posts": [{"post": "委员", "seats": 1, "candidates": ["甲一", "乙二"]}]}),
        ),
        ("POST", "/votes/{vote}/state") => f(&[("to", "voting")]),
        ("POST", "/api/v1/votes/{vote}/state") => Fix::Json(
            json!({"to": "counting", "present": 7, "ballots_issued": 7, "ballots_collected": 1}),
        ),
        ("POST", "/votes/{vote}/head-count") => f(&[("present", "1"), ("reason", "补签到")]),
        ("POST", "/api/v1/votes/{vote}/head-count") => {
            Fix::Json(json!({"present": 1, "reason": "补签到"}))
        }
        ("POST", "/votes/{vote}/reopen") => f(&[("reason", "更正录入错误")]),
        ("POST", "/api/v1/votes/{vote}/reopen") => Fix::Json(json!({"reason": "更正录入错误"})),
        ("POST", "/votes/{vote}/enter") => f(&[("client_id", "c-html"), ("for_0_0", "on")]),
        ("POST", "/api/v1/votes/{vote}/ballots") => Fix::Json(
            json!({"client_id": "c-api", "ballot": {"marks": {"委员": {"for": ["丁一"]}}}}),
        ),
        ("POST", "/votes/{vote}/disputes/{seq}") | ("POST", "/votes/{vote}/undecided/{seq}") => {
            f(&[("table", "1"), ("for_0_0", "on")])
        }
        ("POST", "/api/v1/votes/{vote}/disputes/{seq}")
        | ("POST", "/api/v1/votes/{vote}/undecided/{seq}") => {
            Fix::Json(json!({"ballot": {"marks": {"委员": {"for": ["丁一"]}}}}))
        }
        ("POST", "/api/v1/checks/{id}/override") => Fix::Json(json!({"reason": "经街道研究同意"})),
        ("POST", "/communities/{code}/campaigns/{campaign}/residents/checks/{rchk}/override") => {
            f(&[("reason", "经街道研究同意")])
        }
        _ => {
            return discipline_fixture(def, ids, step)
                .or_else(|| party_fixture(def, ids))
                .or_else(|| lists_fixture(def, ids.party.person))
                .or_else(|| residents_fixture(def, ids))
                .or_else(|| voters_fixture(def, ids))
                .or_else(|| nominees_fixture(def, ids))
                .or_else(|| results_fixture(def))
                .or_else(|| street_fixture(def));
        }
    })
}

/// D-1's routes, W-4's (`n` numbers a new text) and the composition's override (sg01's campaign has an elected residents'
/// director with no person behind it, so C-5 fails there and may be overridden).
fn discipline_fixture(def: &RouteDef, ids: &Ids, n: u32) -> Option<Fix> {
    let f = |v: &[(&'static str, &str)]| {
        Fix::Form(v.iter().map(|(k, v)| (*k, v.to_string())).collect())
    };
    let talk = json!({"held_on": "2027-04-03", "talked_by": "街道党工委书记", "points": "严守纪律", "people": [ids.person]});
    let report = json!({"received_on": "2027-04-02", "channel": "phone", "person_id": ids.person, "category": "threat", "summary": "反映有人威胁选民"});
    let step = json!({"done_on": "2027-04-04", "action": "约谈", "handled_by": "王某"});
    let close = json!({"outcome": "批评教育", "closed_on": "2027-04-05"});
    Some(match (def.method.as_str(), def.path) {
        ("POST", "/discipline/commitment") => f(&[("text", "本人郑重承诺：不拉票、不贿选。")]),
        ("PUT", "/api/v1/discipline/commitment") => {
            Fix::Json(json!({"text": "本人承诺遵守换届纪律。"}))
        }
        ("POST", "/communities/{code}/campaigns/{campaign}/commitments") => f(&[
            ("person_id", &ids.party.person.to_string()),
            ("signed_on", "2027-04-06"),
        ]),
        ("POST", "/api/v1/campaigns/{campaign}/commitments") => {
            Fix::Json(json!({"person_id": ids.person, "signed_on": "2027-04-06"}))
        }
        // W-4: the summary saved (a new text each time), submitted and withdrawn in turn.
        ("POST", "/summary") => Fix::Form(vec![("body", format!("换届工作总结第 {n} 稿"))]),
        ("PUT", "/api/v1/summary") => {
            Fix::Json(json!({ "body": format!("换届工作总结第 {n} 稿") }))
        }
        ("POST", "/summary/submit") | ("POST", "/api/v1/summary/submit") => Fix::Empty,
        ("POST", "/summary/withdraw") => f(&[("reason", "补充修改")]),
        ("POST", "/api/v1/summary/withdraw") => Fix::Json(json!({"reason": "补充修改"})),
        // A failed inspection can be recorded whenever W-4 is open (see the preparation).
        ("POST", "/communities/{code}/campaigns/{campaign}/wrapup/inspection") => f(&[
            ("inspector", "王验收"),
            ("inspected_on", "2026-01-02"),
            ("verdict", "failed"),
            ("remarks", "交接清单不全"),
        ]),
        ("POST", "/api/v1/campaigns/{campaign}/wrapup/inspection") => Fix::Json(
            json!({"inspector": "王验收", "inspected_on": "2026-01-02", "verdict": "failed", "remarks": "交接清单不全"}),
        ),
        ("POST", "/communities/{code}/campaigns/{campaign}/wrapup/archives") => Fix::Empty,
        ("POST", "/api/v1/campaigns/{campaign}/wrapup/archives") => Fix::Json(json!({})),
        ("POST", "/discipline/talks") => f(&[
            ("held_on", "2027-04-03"),
            ("talked_by", "街道党工委书记"),
            ("points", "严守纪律"),
            ("people", &ids.person.to_string()),
        ]),
        ("POST", "/api/v1/discipline/talks") => Fix::Json(talk),
        ("POST", "/discipline/reports") => f(&[
            ("received_on", "2027-04-02"),
            ("channel", "visit"),
            ("community", "sg01"),
            ("category", "bribery"),
            ("summary", "反映有人发放购物卡"),
        ]),
        ("POST", "/api/v1/discipline/reports") => Fix::Json(report),
        ("POST", "/discipline/reports/{report}/steps") => f(&[
            ("done_on", "2027-04-04"),
            ("action", "约谈"),
            ("handled_by", "王某"),
        ]),
        ("POST", "/api/v1/discipline/reports/{report}/steps") => Fix::Json(step),
        ("POST", "/discipline/reports/{report}/close") => {
            f(&[("outcome", "批评教育"), ("closed_on", "2027-04-05")])
        }
        ("POST", "/api/v1/discipline/reports/{report}/close") => Fix::Json(close),
        ("POST", "/communities/{code}/campaigns/{campaign}/composition/override") => {
            f(&[("team", "residents"), ("reason", "经街道研究同意")])
        }
        ("POST", "/api/v1/campaigns/{campaign}/composition/override") => {
            Fix::Json(json!({"team": "residents", "reason": "经街道研究同意"}))
        }
        _ => return None,
    })
}

/// A fresh open discipline report (so that every route on `{report}` finds one open); its id.
async fn open_report(app: &TestApp) -> i64 {
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/discipline/reports",
            B::Json(
                json!({"received_on": "2027-04-02", "channel": "letter", "community": "sg01",
                "category": "other", "summary": "反映宣传不到位"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["report"]["id"].as_i64().unwrap()
}

/// The street's S-1 routes (the records `fixtures::arrange_street` made).
fn street_fixture(def: &RouteDef) -> Option<Fix> {
    let reason = || (vec![("reason", "录入有误")], json!({"reason": "录入有误"}));
    let route = def
        .path
        .trim_start_matches("/api/v1")
        .trim_start_matches("/communities/{code}");
    let ours = route.starts_with("/street/") || route.starts_with("/publicity");
    if ours && def.method == Method::DELETE {
        return Some(Fix::Json(reason().1));
    }
    let (fields, body): (Vec<(&'static str, &str)>, Value) = match route {
        "/street/steps/{step}/close" => (vec![], json!({})),
        "/street/steps/{step}/reopen" => reason(),
        "/street/leading-group/members" | "/street/leading-group/members/{member}" => (
            vec![
                ("role", "leader"),
                ("name", "组长乙"),
                ("post", "街道党工委书记"),
            ],
            json!({"role": "member", "name": "成员乙", "post": "科员"}),
        ),
        "/street/leading-group/liaisons/{code}" => {
            (vec![("name", "联系人甲")], json!({"name": "联系人乙"}))
        }
        "/street/mobilisation/meetings" | "/street/mobilisation/meetings/{mobilisation}" => (
            vec![("date", "2027-03-23"), ("place", "礼堂")],
            json!({"date": "2027-03-23", "place": "礼堂", "attend_party": 30}),
        ),
        "/publicity" | "/publicity/{publicity}" => (
            vec![("date", "2027-03-26"), ("kind", "poster"), ("count", "5")],
            json!({"date": "2027-03-26", "kind": "wechat", "count": 1}),
        ),
        "/publicity/{publicity}/attachments" => {
            return Some(Fix::File("海报.png", crate::fixtures::PNG.to_vec()));
        }
        "/street/qa/items" | "/street/qa" | "/street/qa/items/{qa}" | "/street/qa/{qa}" => (
            vec![("question", "新问题？"), ("answer", "新回答。")],
            json!({"question": "新问题？", "answer": "新回答。"}),
        ),
        "/street/training" | "/street/training/{training}" => (
            vec![("date", "2027-03-29"), ("topic", "补训")],
            json!({"date": "2027-03-29", "topic": "补训"}),
        ),
        "/street/training/{training}/attendees" => {
            (vec![("name", "参训乙")], json!({"name": "参训丙"}))
        }
        _ if ours && route.ends_with("/delete") => reason(),
        _ => return None,
    };
    Some(if def.is_api() {
        Fix::Json(body)
    } else if fields.is_empty() {
        Fix::Empty
    } else {
        Fix::Form(fields.iter().map(|(k, v)| (*k, v.to_string())).collect())
    })
}

/// R-7's routes, in the campaign `residents_election::csrf` prepares.
fn election_fixture(def: &RouteDef, vote: i64) -> Option<Fix> {
    let (form, json) = crate::residents_election::csrf::csrf_fixture(def.path, vote)?;
    Some(if def.is_api() {
        Fix::Json(json)
    } else {
        Fix::Form(form)
    })
}

/// R-8's routes (the elected member is the one `fixtures::arrange` records).
fn results_fixture(def: &RouteDef) -> Option<Fix> {
    let route = def
        .path
        .trim_start_matches("/communities/{code}/campaigns/{campaign}")
        .trim_start_matches("/api/v1/campaigns/{campaign}");
    let (fields, json): (Vec<(&'static str, &str)>, Value) = match route {
        "/residents/result/publish" => (
            vec![("published_on", "2027-05-31")],
            json!({"published_on": "2027-05-31"}),
        ),
        "/residents/result/report" => (
            vec![
                ("reported_street_on", "2027-06-01"),
                ("reported_civil_affairs_on", "2027-06-02"),
                ("filing_no", "备-1"),
            ],
            json!({"reported_street_on": "2027-06-01", "reported_civil_affairs_on": "2027-06-02", "filing_no": "备-1"}),
        ),
        "/residents/result/done" => (vec![], json!({})),
        _ => return None,
    };
    Some(if def.is_api() {
        Fix::Json(json)
    } else {
        Fix::Form(fields.iter().map(|(k, v)| (*k, v.to_string())).collect())
    })
}

/// Puts R-8 in the state its route needs: the election day, R-8 opened by the street and not
/// done, the notice published (report, done) and both reports recorded (done).
async fn results_prepare(app: &TestApp, pattern: &str, campaign: i64) {
    let Some(route) = pattern.split("/residents/result").nth(1) else {
        return;
    };
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let db = &app.state.db;
    Q::new("update campaigns set residents_election_day = $1 where id = $2")
        .bind(d("2027-05-30"))
        .bind(campaign)
        .execute(db)
        .await
        .unwrap();
    Q::new("insert into residents_step_overrides (campaign_id, step, reason, created_by, created_at) \
            values ($1, 'R-8', '测试', (select min(id) from users), $2) on conflict (campaign_id, step) do nothing")
        .bind(campaign)
        .bind(huanjie::now())
        .execute(db)
        .await
        .unwrap();
    for sql in [
        "update campaign_steps set done_at = null where code = 'R-8'",
        "delete from resident_results",
    ] {
        Q::new(sql).execute(db).await.unwrap();
    }
    if route == "/report" || route == "/done" {
        let reported = (route == "/done").then(|| d("2027-06-01"));
        Q::new("insert into resident_results (campaign_id, published_on, reported_street_on, reported_civil_affairs_on, created_at, updated_at) \
                values ($1, $2, $3, $3, $4, $4)")
            .bind(campaign)
            .bind(d("2027-05-31"))
            .bind(reported)
            .bind(huanjie::now())
            .execute(db)
            .await
            .unwrap();
    }
}

/// R-4's routes (the voter: 张三 of sg01, made eligible by `voters_prepare`).
fn voters_fixture(def: &RouteDef, ids: &Ids) -> Option<Fix> {
    let route = def
        .path
        .trim_start_matches("/communities/{code}/campaigns/{campaign}")
        .trim_start_matches("/api/v1/campaigns/{campaign}");
    let p = ids.person.to_string();
    let form = |v: &[(&'static str, &str)]| {
        Fix::Form(v.iter().map(|(k, v)| (*k, v.to_string())).collect())
    };
    let (fields, json): (Vec<(&'static str, &str)>, Value) = match route {
        "/residents/voters" => (vec![("person_id", &p)], json!({"person_id": ids.person})),
        "/residents/voters/bulk" => (vec![], json!({})),
        "/residents/voters/unregister" => (
            vec![("person_id", &p), ("reason", "迁出本社区")],
            json!({"person_id": ids.person, "reason": "迁出本社区"}),
        ),
        "/residents/voters/publish" => {
            (vec![("date", "2027-05-01")], json!({"date": "2027-05-01"}))
        }
        "/residents/voters/decisions" => (
            vec![
                ("person_id", &p),
                ("objection", "反映情况"),
                ("decision", "none"),
                ("reason", "经核实"),
            ],
            json!({"person_id": ids.person, "objection": "反映情况", "decision": "none", "reason": "经核实"}),
        ),
        _ => return None,
    };
    Some(if def.is_api() {
        Fix::Json(json)
    } else {
        form(&fields)
    })
}

/// Puts R-4 in the state its route needs: an election day, 张三 eligible in sg01, the list
/// unpublished (registering, bulk, unregistering, publishing) or published (decisions), and
/// 张三 registered for unregistering.
async fn voters_prepare(app: &TestApp, pattern: &str, campaign: i64) {
    let Some(route) = pattern.split("/residents/voters").nth(1) else {
        return;
    };
    let person = app
        .count("select min(id) from people where name = '张三'")
        .await;
    for sql in [
        "update campaigns set residents_election_day = $1".to_string(),
        format!(
            "update people set birth_date = $1, hukou_community_id = (select id from communities where code = 'sg01'), \
             residence_community_id = (select id from communities where code = 'sg01') where id = {person}"
        ),
        // The rules fixture stores 户代表 voting: register under the default mode instead.
        "update residents_rules set settings = '{}'".into(),
        "delete from resident_voter_decisions".into(),
        "delete from resident_voter_lists".into(),
        "delete from resident_voters".into(),
        // Publishing closed R-4: the list is unpublished again.
        "update campaign_steps set done_at = null where code = 'R-4'".into(),
        // R-4 waits for R-3: the street opened it early.
        format!(
            "insert into residents_step_overrides (campaign_id, step, reason, created_at) \
             values ({campaign}, 'R-4', '测试', '2027-01-01T00:00:00Z') on conflict (campaign_id, step) do nothing"
        ),
    ] {
        let date = if sql.starts_with("update campaigns") {
            "2027-05-30"
        } else {
            "1980-01-01"
        };
        let mut q = Q::new(sql.clone());
        if sql.contains("$1") {
            q = q.bind(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap());
        }
        q.execute(&app.state.db).await.unwrap();
    }
    let api = format!("/api/v1/campaigns/{campaign}/residents/voters");
    let mut calls = Vec::new();
    if route == "/unregister" || route == "/decisions" {
        calls.push((api.clone(), json!({"person_id": person})));
    }
    if route == "/decisions" {
        calls.push((format!("{api}/publish"), json!({"date": "2027-05-01"})));
    }
    for (path, body) in calls {
        let r = app
            .call(Who::Street, Method::POST, &path, B::Json(body))
            .await;
        assert!(r.status.is_success(), "{path}: {}", r.text);
    }
}

/// R-5's and R-6's routes: 李四 of sg01 is nominated; the arranged nominee (张三) is reviewed
/// (a failed 资格审查 with its reason), withdrawn and introduced.
fn nominees_fixture(def: &RouteDef, ids: &Ids) -> Option<Fix> {
    let route = def
        .path
        .trim_start_matches("/communities/{code}/campaigns/{campaign}")
        .trim_start_matches("/api/v1/campaigns/{campaign}");
    let p2 = ids.person2.to_string();
    let (fields, json): (Vec<(&'static str, &str)>, Value) = match route {
        "/residents/nominees" => (
            vec![
                ("person_id", &p2),
                ("post", "member"),
                ("channel", "resident_group"),
                ("nominated_by", "第一居民小组"),
            ],
            json!({"person_id": ids.person2, "post": "委员", "channel": "residents_meeting", "nominated_by": "2027-04-15 居民会议"}),
        ),
        "/residents/nominees/{nominee}/reviews" => (
            vec![
                ("review", "qualification"),
                ("result", "failed"),
                ("reason", "测试"),
                ("date", "2027-04-20"),
            ],
            json!({"review": "qualification", "result": "failed", "reason": "测试", "date": "2027-04-20"}),
        ),
        "/residents/nominees/{nominee}/withdraw" => {
            (vec![("reason", "本人申请")], json!({"reason": "本人申请"}))
        }
        "/residents/nominees/{nominee}/introduction" => (
            vec![("introduction", "社区志愿者"), ("statement", "服务居民")],
            json!({"introduction": "社区志愿者", "statement": "服务居民"}),
        ),
        "/residents/nominees/done" | "/residents/introductions/done" => (vec![], json!({})),
        _ => return None,
    };
    Some(if def.is_api() {
        Fix::Json(json)
    } else {
        Fix::Form(fields.iter().map(|(k, v)| (*k, v.to_string())).collect())
    })
}

/// The page override of a residents' check needs it failed (a review may have refreshed it).
async fn checks_prepare(app: &TestApp, pattern: &str, ids: &Ids) {
    if pattern.ends_with("/residents/checks/{rchk}/override") {
        Q::new("update rule_checks set passed = false where id = $1")
            .bind(ids.resident_check.0)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
}

/// Puts in the state a route needs (raw SQL): opened by the street and not
/// done; 李四 living in sg01 and not nominated; the arranged nominee not withdrawn; for R-6 the
/// nominee official (four passed reviews) with an introduction; for closing R-5 the slate's
/// checks overridden.
async fn nominees_prepare(app: &TestApp, pattern: &str, ids: &Ids) {
    let Some(route) = pattern.split("/residents").nth(1) else {
        return;
    };
    let (c, nid, at) = (ids.campaign, ids.nominee.0, "'2027-01-01T00:00:00Z'");
    let mut sqls: Vec<String> = match route {
        "/nominees" | "/nominees/{nominee}/withdraw" | "/nominees/done" => vec![],
        "/nominees/{nominee}/reviews" => vec![format!(
            "delete from resident_nominee_reviews where nominee_id = {nid}"
        )],
        "/nominees/{nominee}/introduction" | "/introductions/done" => vec![
            format!("delete from resident_nominee_reviews where nominee_id = {nid}"),
            format!(
                "insert into resident_nominee_reviews (nominee_id, review, passed, reason, created_at) \
                 select {nid}, r, true, '', {at} from (select 'qualification' as r union select 'political' \
                 union select 'discussion' union select 'assessment') x"
            ),
            format!("update resident_nominees set introduction = '简介' where id = {nid}"),
        ],
        _ => return,
    };
    for step in ["R-5", "R-6"] {
        sqls.push(format!(
            "insert into residents_step_overrides (campaign_id, step, reason, created_at) values ({c}, '{step}', '测试', {at}) \
             on conflict (campaign_id, step) do nothing"
        ));
    }
    sqls.push("update campaign_steps set done_at = null where code in ('R-5', 'R-6')".into());
    if route == "/nominees/done" {
        // R-5 closes only against adopted rules: R-3 closed.
        sqls.push(format!(
            "update campaign_steps set done_at = {at} where code = 'R-3' and campaign_id = {c}"
        ));
    }
    sqls.push(format!(
        "update resident_nominees set withdrawn = false where id = {nid}"
    ));
    sqls.push(format!(
        "update people set residence_community_id = (select id from communities where code = 'sg01') where id = {}",
        ids.person2
    ));
    sqls.push(format!(
        "delete from resident_nominees where person_id = {}",
        ids.person2
    ));
    for sql in sqls {
        Q::new(sql.clone())
            .execute(&app.state.db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    if route == "/nominees/done" {
        // An override holds for the outcome it was granted for: a first close stores the real
        // slate checks (and is refused), then they are overridden.
        refresh_checks(app, ids, "nominees/done").await;
        for sql in [
            "update rule_checks set override_by = (select min(id) from users), override_at = '2027-01-01T00:00:00Z', \
             override_reason = '测试放宽' where subject_type = 'resident_slate'",
            // The first close may have succeeded (the checks were already overridden).
            "update campaign_steps set done_at = null where code in ('R-5', 'R-6')",
        ] {
            Q::new(sql).execute(&app.state.db).await.unwrap();
        }
    }
}

/// The Party pipeline's routes (nominee: the arranged Party member of sg01).
fn party_fixture(def: &RouteDef, ids: &Ids) -> Option<Fix> {
    let f = |v: &[(&'static str, &str)]| {
        Fix::Form(v.iter().map(|(k, v)| (*k, v.to_string())).collect())
    };
    let nominee = id_number("19900505", 501);
    let route = def
        .path
        .trim_start_matches("/communities/{code}/campaigns/{campaign}");
    let route = route.trim_start_matches("/api/v1/campaigns/{campaign}");
    let form = !def.is_api();
    let pick = |form_fields: Fix, json: Value| if form { form_fields } else { Fix::Json(json) };
    Some(match route {
        "/party/size" => pick(
            f(&[("members", "7"), ("deputies", "1")]),
            json!({"members": 9, "deputies": 2}),
        ),
        "/party/nominations" => pick(
            f(&[
                ("id_number", &nominee),
                ("post", "书记"),
                ("channel", "street"),
            ]),
            json!({"id_number": nominee, "post": "副书记", "channel": "community"}),
        ),
        "/party/nominations/{nid}/consent" => pick(
            f(&[("consent_date", "2027-04-03")]),
            json!({"consent_date": "2027-04-04"}),
        ),
        "/party/steps/P-1/done" | "/party/review/checks" => pick(Fix::Empty, json!({})),
        "/party/review/open" => pick(f(&[("reason", "时间紧")]), json!({"reason": "时间紧"})),
        "/party/checks/{chk}/override" => f(&[("reason", "经街道研究同意")]),
        "/party/nominations/{nid}/review" => pick(
            f(&[("decision", "passed"), ("reason", "")]),
            json!({"decision": "passed"}),
        ),
        "/party/publicity" => pick(
            f(&[("start_date", "2027-04-08"), ("end_date", "2027-04-12")]),
            json!({"start_date": "2027-04-08", "end_date": "2027-04-14"}),
        ),
        "/party/publicity/{pid}/objections" => {
            pick(f(&[("text", "反映情况")]), json!({"text": "反映情况"}))
        }
        "/party/objections/{oid}/answer" => pick(
            f(&[("text", "经核实不属实")]),
            json!({"text": "经核实不属实"}),
        ),
        "/party/steps/P-2/done" => pick(Fix::Empty, json!({})),
        "/party/recommendation/open" => {
            pick(f(&[("reason", "时间紧")]), json!({"reason": "时间紧"}))
        }
        "/party/recommendation/meeting" => pick(
            f(&[
                ("date", "2027-04-15"),
                ("party_representative", "56"),
                ("resident_representative", "24"),
            ]),
            json!({"date": "2027-04-16", "party_representative": 50, "npc_deputy": 30}),
        ),
        "/party/recommendation/introductions/{nid}" => pick(
            f(&[("text", "本人简历。"), ("speech_given", "on")]),
            json!({"text": "本人简历。", "speech_given": true}),
        ),
        // An empty form is a valid one. Totals: a save that changes a figure (a no-op save
        // writes and audits nothing).
        "/party/recommendation/forms" => pick(Fix::Empty, json!({})),
        "/party/recommendation/totals" => {
            let cell: &'static str =
                Box::leak(format!("v_{}_member", ids.party.person).into_boxed_str());
            pick(
                f(&[(cell, "5")]),
                json!({"totals": [{"person_id": ids.party.person, "post": "member", "votes": 6}]}),
            )
        }
        // P-6/P-7 (state from `party::congress::csrf_prepare`).
        "/party/congress/open" => pick(f(&[("reason", "时间紧")]), json!({"reason": "时间紧"})),
        "/party/congress" => pick(f(&[("date", "2027-04-26")]), json!({"date": "2027-04-27"})),
        "/party/congress/roll/{person}/exclusion" => pick(
            f(&[("reason", "illness"), ("approval", "街党工委同意")]),
            json!({"reason": "illness", "approval": "街党工委同意"}),
        ),
        "/party/congress/roll/{person}/exclusion/reject" => pick(
            f(&[("reason", "未提供病情证明")]),
            json!({"reason": "未提供病情证明"}),
        ),
        "/party/congress/members/reduce" => pick(
            f(&[("agreed", "1"), ("reason", "经大会表决")]),
            json!({"agreed": 1, "reason": "经大会表决"}),
        ),
        "/party/congress/replacements" => {
            let (old, new) = (ids.person2.to_string(), ids.person.to_string());
            let reason = "替补";
            pick(
                f(&[
                    ("replaced_person_id", &old),
                    ("person_id", &new),
                    ("reason", reason),
                ]),
                json!({"replaced_person_id": ids.person2, "person_id": ids.person, "reason": reason}),
            )
        }
        "/party/congress/roll"
        | "/party/congress/roll/{person}/exclusion/remove"
        | "/party/congress/roll/{person}/exclusion/approve"
        | "/party/congress/roll/{person}/checkin"
        | "/party/congress/roll/{person}/checkin/undo"
        | "/party/congress/votes/members"
        | "/party/congress/votes/leaders"
        | "/party/steps/P-6/done"
        | "/party/approvals/{person}" => pick(Fix::Empty, json!({})),
        _ => return None,
    })
}

/// The routes of P-3's close, P-4 and P-5 (`person`: sg01's nominee who passed P-2).
fn lists_fixture(def: &RouteDef, person: i64) -> Option<Fix> {
    let route = def
        .path
        .trim_start_matches("/communities/{code}/campaigns/{campaign}")
        .trim_start_matches("/api/v1/campaigns/{campaign}");
    let p = person.to_string();
    let form = |v: &[(&'static str, &str)]| {
        Fix::Form(v.iter().map(|(k, v)| (*k, v.to_string())).collect())
    };
    Some(match (def.is_api(), route) {
        (
            false,
            "/party/preliminary/open" | "/party/candidates/open" | "/party/candidates/return",
        ) => form(&[("reason", "时间紧")]),
        (
            true,
            "/party/preliminary/open" | "/party/candidates/open" | "/party/candidates/return",
        ) => Fix::Json(json!({"reason": "时间紧"})),
        (false, "/party/preliminary") => form(&[("date", "2027-04-18"), ("person", &p)]),
        (true, "/party/preliminary") => {
            Fix::Json(json!({"date": "2027-04-18", "people": [person]}))
        }
        (false, "/party/preliminary/inspections") => {
            form(&[("person_id", &p), ("inspection", "考察情况良好。")])
        }
        (true, "/party/preliminary/inspections") => {
            Fix::Json(json!({"person_id": person, "inspection": "考察情况良好。"}))
        }
        (false, "/party/preliminary/publicity") => {
            form(&[("start_date", "2027-04-19"), ("end_date", "2027-04-21")])
        }
        (true, "/party/preliminary/publicity") => {
            Fix::Json(json!({"start_date": "2027-04-19", "end_date": "2027-04-21"}))
        }
        (false, "/party/candidates") => {
            form(&[("date", "2027-04-22"), ("person", &p), ("secretary", &p)])
        }
        (true, "/party/candidates") => Fix::Json(
            json!({"date": "2027-04-22", "people": [person], "secretary": person, "deputies": []}),
        ),
        (
            false,
            "/party/steps/P-3/done"
            | "/party/steps/P-4/done"
            | "/party/candidates/submit"
            | "/party/candidates/approve",
        ) => Fix::Empty,
        (
            true,
            "/party/steps/P-3/done"
            | "/party/steps/P-4/done"
            | "/party/candidates/submit"
            | "/party/candidates/approve",
        ) => Fix::Json(json!({})),
        _ => return None,
    })
}

/// The state a route of P-3's close, P-4 or P-5 needs (raw SQL): totals entered before closing
/// P-3, a step not yet done before opening the next early, the lists' failed checks approved
/// before closing P-4 or submitting, a submitted list before returning it.
async fn lists_prepare(app: &TestApp, pattern: &str) {
    let approve = |subject: &str| {
        format!(
            "update rule_checks set override_by = (select min(id) from users), override_at = created_at, \
             override_reason = '测试' where subject_type = '{subject}' and passed = false"
        )
    };
    let tail = pattern.rsplit_once("/party").map_or("", |(_, r)| r);
    if tail == "/candidates" || tail == "/candidates/submit" {
        // The list changes only while P-5 is open (an earlier approval closed it).
        Q::new("update campaign_steps set done_at = null where code = 'P-5'")
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let sql = match tail {
        "/steps/P-3/done" => "insert into party_recommend_totals (campaign_id, person_id, post, votes, created_at) \
             select n.campaign_id, n.person_id, 'member', 50, n.created_at from party_nominations n where n.decision = 'passed' \
             and not exists (select 1 from party_recommend_totals t where t.campaign_id = n.campaign_id and t.person_id = n.person_id)"
            .to_string(),
        "/preliminary/open" => "update campaign_steps set done_at = null where code = 'P-3'".into(),
        "/steps/P-4/done" => approve("party_list_preliminary"),
        "/candidates/open" => "update campaign_steps set done_at = null where code = 'P-4'".into(),
        "/candidates/submit" => approve("party_list_candidate"),
        "/candidates/return" => "update party_lists set status = 'submitted' where list = 'candidate'".into(),
        _ => return,
    };
    Q::new(sql).execute(&app.state.db).await.unwrap();
}

/// Puts the Party pipeline in the state a P-3 route needs: P-2 closable (every counted
/// nomination decided), P-2 not done for opening P-3 early, and forms and totals not mixed.
async fn party_prepare(app: &TestApp, pattern: &str) {
    if pattern.contains("/party/recommendation/") || pattern.ends_with("/party/size") {
        // P-3's records, and the size, change only while P-3 is not closed.
        Q::new("update campaign_steps set done_at = null where code = 'P-3'")
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    if pattern.ends_with("/party/steps/P-2/done") {
        // P-2 closes with every objection answered.
        Q::new("update party_objections set answer = '经核实' where answer is null")
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let sql = if pattern.ends_with("/party/steps/P-2/done") {
        "update party_nominations set decision = 'failed', decision_reason = '测试' where decision is null"
    } else if pattern.ends_with("/party/recommendation/open") {
        "update campaign_steps set done_at = null where code = 'P-2'"
    } else if pattern.ends_with("/party/recommendation/totals") {
        "delete from party_recommend_forms"
    } else if pattern.ends_with("/party/recommendation/forms") {
        "delete from party_recommend_totals"
    } else {
        return;
    };
    Q::new(sql).execute(&app.state.db).await.unwrap();
}

/// The residents' pipeline's routes (C-2, R-1 … R-3): the representative is the person of
/// sg01 in the resident group 9001 that `residents_prepare` makes.
fn residents_fixture(def: &RouteDef, ids: &Ids) -> Option<Fix> {
    let f = |v: &[(&'static str, String)]| Fix::Form(v.to_vec());
    let route = def
        .path
        .trim_start_matches("/communities/{code}/campaigns/{campaign}");
    let route = route.trim_start_matches("/api/v1/campaigns/{campaign}");
    let (p, p2) = (ids.person, ids.person2);
    let pick = |form: Fix, json: Fix| if def.is_api() { json } else { form };
    Some(match route {
        "/residents/seats" => pick(
            f(&[
                ("total", "5".into()),
                ("deputies", "1".into()),
                ("part_time", "1".into()),
            ]),
            Fix::Json(json!({"total": 7, "deputies": 2})),
        ),
        "/residents/open" => pick(
            f(&[("step", "R-2".into()), ("reason", "时间紧".into())]),
            Fix::Json(json!({"step": "R-3", "reason": "时间紧"})),
        ),
        "/residents/representatives" => pick(
            f(&[("group_id", "9001".into()), ("person_id", p.to_string())]),
            Fix::Json(json!({"group_id": 9001, "person_id": p})),
        ),
        "/residents/representatives/remove" => pick(
            f(&[("person_id", p.to_string())]),
            Fix::Json(json!({"person_id": p})),
        ),
        "/residents/representatives/done" | "/residents/committee/done" => {
            pick(Fix::Empty, Fix::Json(json!({})))
        }
        "/residents/committee" => pick(
            f(&[
                ("members", p.to_string()),
                ("chair", p.to_string()),
                ("alternates", p2.to_string()),
            ]),
            Fix::Json(json!({"members": [p], "chair": p, "alternates": [p2]})),
        ),
        "/residents/committee/step-down" => pick(
            f(&[("candidates", p.to_string())]),
            Fix::Json(json!({"candidates": [p]})),
        ),
        "/residents/rules" => pick(
            f(&[
                ("body", "第一条 本办法依法制定。".into()),
                ("mode", "all_voters".into()),
                ("proxy_limit", "3".into()),
                ("further_election_days", "0".into()),
            ]),
            Fix::Json(
                json!({"body": "第一条 本办法依法制定。", "settings": {"mode": "households"}}),
            ),
        ),
        "/residents/rules/adopt" => pick(
            f(&[
                ("meeting_date", "2027-04-20".into()),
                ("attending", "1".into()),
                ("votes_for", "1".into()),
            ]),
            Fix::Json(json!({"meeting_date": "2027-04-21", "attending": 1, "votes_for": 1})),
        ),
        _ => return None,
    })
}

/// Puts the residents' pipeline in the state a route needs (raw SQL): a resident group 9001 in
/// sg01, the person in it and not yet a representative, R-1/R-2 reopened, failed group and
/// committee checks overridden, the rules not yet adopted.
/// Asks the API to close a residents' step once, as the community, for the checks it stores
/// on the way (the answer does not matter).
async fn refresh_checks(app: &TestApp, ids: &Ids, step: &str) {
    let path = format!("/api/v1/campaigns/{}/residents/{step}", ids.campaign);
    let _ = app
        .call(Who::Community, Method::POST, &path, B::Json(json!({})))
        .await;
}

async fn residents_prepare(app: &TestApp, pattern: &str, ids: &Ids) {
    let at = "'2027-01-01T00:00:00Z'";
    let over = |subject: &str| {
        format!(
            "update rule_checks set override_by = (select min(id) from users), override_at = {at}, override_reason = '测试放宽' \
             where subject_type = '{subject}'"
        )
    };
    let group = format!(
        "insert into resident_groups (id, community_id, name, households, created_at, updated_at) \
         select 9001, id, '代表测试组', 0, {at}, {at} from communities where code = 'sg01' \
         and not exists (select 1 from resident_groups where id = 9001)"
    );
    let sqls: Vec<String> = if pattern.ends_with("/residents/representatives") {
        vec![
            group,
            "update campaign_steps set done_at = null where code = 'R-1'".into(),
            format!(
                "delete from residents_representatives where person_id = {}",
                ids.person
            ),
        ]
    } else if pattern.ends_with("/residents/representatives/done") {
        // An override holds for the outcome it was granted for: let a first close store the
        // real group checks (it is refused), then override those.
        refresh_checks(app, ids, "representatives/done").await;
        vec![over("residents_group")]
    } else if pattern.ends_with("/residents/committee") {
        vec!["update campaign_steps set done_at = null where code = 'R-2'".into()]
    } else if pattern.ends_with("/residents/committee/done") {
        vec![over("residents_committee")]
    } else if pattern.ends_with("/residents/rules") {
        vec!["update residents_rules set adopted_at = null".into()]
    } else if pattern.ends_with("/residents/rules/adopt") {
        vec![
            "update residents_rules set adopted_at = null".into(),
            over("residents_seats"),
        ]
    } else {
        return;
    };
    for sql in sqls {
        Q::new(sql).execute(&app.state.db).await.unwrap();
    }
}

/// Row counts of every table: "changes nothing" means none of them moves.
async fn fingerprint(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for t in [
        "audit_log",
        "communities",
        "resident_groups",
        "people",
        "relations",
        "incumbencies",
        "honours",
        "campaigns",
        "users",
        "grants",
        "idempotency_keys",
    ] {
        out.push(app.count(&format!("select count(*) from {t}")).await);
    }
    out.push(
        app.count("select count(*) from rule_checks where override_by is not null")
            .await,
    );
    out
}

fn body(fix: &Fix, csrf: Option<&str>, idem: &str) -> B {
    let extra = |mut v: Vec<(String, String)>| {
        if let Some(t) = csrf {
            v.push(("_csrf".into(), t.into()));
        }
        v.push(("_idem".into(), idem.into()));
        v
    };
    match fix {
        Fix::Form(fields) => B::Form(extra(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )),
        Fix::Fields(fields) => B::Form(extra(fields.clone())),
        Fix::File(name, bytes) => {
            B::Multipart(extra(Vec::new()), Some((name.to_string(), bytes.clone())))
        }
        Fix::Json(v) => B::Json(v.clone()),
        Fix::Empty => B::Form(extra(Vec::new())),
    }
}

/// A voting round of a residents' election whose polls closed with nobody recorded, for the
/// street's head-count correction: a campaign of sg01 of its own (第十三届), its election and
/// closed polls as raw SQL, a fresh meeting and vote through the API.
async fn election_vote(app: &TestApp) -> i64 {
    use crate::counting_fixtures as cf;
    let term = "第十三届";
    let mut c = app
        .count(&format!(
            "select coalesce(max(id), 0) from campaigns where term = '{term}'"
        ))
        .await;
    if c == 0 {
        let r = app
            .call(
                Who::Street,
                Method::POST,
                "/api/v1/campaigns",
                B::Json(json!({"community": "sg01", "term": term, "year": 2027})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        c = r.json()["campaign"]["id"].as_i64().unwrap();
    }
    let meeting = cf::meeting(app, "sg01", "residents").await;
    let now = huanjie::now();
    for sql in [
        "delete from resident_elections where campaign_id = $1",
        "delete from rule_checks where subject_type = 'resident_election' and subject_id = $1",
    ] {
        Q::new(sql).bind(c).execute(&app.state.db).await.unwrap();
    }
    Q::new("insert into resident_elections (campaign_id, meeting_id, created_at, updated_at) values ($1, $2, $3, $3)")
        .bind(c)
        .bind(meeting)
        .bind(now)
        .execute(&app.state.db)
        .await
        .unwrap();
    Q::new("insert into rule_checks (subject_type, subject_id, rule, passed, source, message, created_at) \
            values ('resident_election', $1, 'R-7.quorum', false, '测试', '测试', $2)")
        .bind(c)
        .bind(now)
        .execute(&app.state.db)
        .await
        .unwrap();
    let v = cf::create_vote(
        app,
        meeting,
        json!({"title": "选举主任", "preset": "residents", "electorate": 7,
               "posts": [{"post": "主任", "seats": 1, "candidates": ["甲一", "乙二"]}]}),
    )
    .await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/votes/{v}/state"),
            B::Json(json!({"to": "voting"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    v
}

/// A fresh vote of the room in the state the route needs.
async fn prepare_vote(app: &TestApp, ids: &Ids, pattern: &str) -> i64 {
    use crate::counting_fixtures as cf;
    if pattern.ends_with("/head-count") {
        return election_vote(app).await;
    }
    let room = &ids.room;
    let v = cf::vote(app, room.meeting, true).await;
    let route = pattern.trim_start_matches("/api/v1");
    let api = pattern.starts_with("/api/");
    let counter = app.client(Who::Counter).cloned().unwrap();
    match route {
        "/votes/{vote}/state" if api => {
            let r = app
                .call(
                    Who::Street,
                    Method::POST,
                    &format!("/api/v1/votes/{v}/state"),
                    B::Json(json!({"to": "voting"})),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
        }
        "/votes/{vote}/state" => {}
        "/votes/{vote}/reopen" => {
            cf::review(app, room, v, &[cf::for_names(&["丁一"])]).await;
            cf::certify(app, v).await;
        }
        "/votes/{vote}/signoff" => cf::review(app, room, v, &[cf::for_names(&["丁一"])]).await,
        "/votes/{vote}/next" => {
            // A void round (more ballots in the box than voters) is re-run.
            cf::counting(app, v, 8).await;
            let r = app
                .call(
                    Who::Street,
                    Method::POST,
                    &format!("/api/v1/votes/{v}/state"),
                    B::Json(json!({"to": "review"})),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            cf::certify(app, v).await;
        }
        "/votes/{vote}/void-last" | "/votes/{vote}/ballots/void-last" => {
            cf::counting(app, v, 1).await;
            assert_eq!(
                cf::enter(app, &counter, v, "to-void", cf::for_names(&["王二"]))
                    .await
                    .status,
                201
            );
        }
        "/votes/{vote}/disputes/{seq}" => {
            cf::counting(app, v, 1).await;
            cf::enter(app, &counter, v, "d-a", cf::for_names(&["丁一"])).await;
            cf::enter(app, &room.counter2, v, "d-b", cf::for_names(&["王二"])).await;
        }
        "/votes/{vote}/undecided/{seq}" => {
            cf::counting(app, v, 1).await;
            cf::enter_both(app, room, v, "u", json!({"undecided": true})).await;
        }
        "/votes/{vote}/withdraw" => {} // a draft
        _ => cf::counting(app, v, 1).await,
    }
    v
}

#[tokio::test]
async fn every_state_change_refuses_a_missing_token_and_audits_a_proper_call() {
    let mut app = TestApp::spawn().await;
    let ids = arrange(&mut app).await;
    // After every 公示 of the fixtures (April) and the day the voter list is published.
    app.on("2027-05-01");
    let mut password = "correct-horse-9".to_string();
    let mut failures = Vec::new();
    let mut step = 0;
    for def in table().iter().filter(|d| d.needs_csrf()) {
        step += 1;
        let mut path = fill(def.path, &ids, false);
        if def.path.contains("{gid}") {
            // Each revocation needs a grant of its own.
            let r = app
                .call(
                    Who::Street,
                    Method::POST,
                    &format!("/api/v1/users/{}/grants", ids.user),
                    B::Json(json!({"capability": "counter"})),
                )
                .await;
            let gid = r.json()["grant"]["id"].as_i64().unwrap();
            path = fill(&def.path.replace("{gid}", &gid.to_string()), &ids, false);
        }
        if def.path.contains("{relation}") {
            // The relations the create routes above recorded on the person.
            let rid = huanjie::db::Q::new(
                "select id from relations where person_id = $1 order by id desc limit 1",
            )
            .bind(ids.person)
            .scalar(&app.state.db)
            .await
            .expect("a relation of the person");
            path = path.replace("{relation}", &rid.to_string());
        }
        if def.path.contains("{staff}") {
            let sid = huanjie::db::Q::new(
                "select id from meeting_staff where meeting_id = $1 and user_id is not null order by id limit 1",
            )
            .bind(ids.room.meeting)
            .scalar(&app.state.db)
            .await
            .expect("a staff member with a login");
            path = path.replace("{staff}", &sid.to_string());
        }
        if def.path.contains("{vote}") {
            let vote = prepare_vote(&app, &ids, def.path).await;
            path = path.replace(&format!("/votes/{}", ids.vote), &format!("/votes/{vote}"));
            if def.path.contains("{lid}") {
                let r = app
                    .call(
                        Who::Street,
                        Method::POST,
                        &format!("/api/v1/votes/{vote}/display-links"),
                        B::Json(json!({})),
                    )
                    .await;
                let lid = r.json()["id"].as_i64().unwrap();
                path = path.replace(
                    &format!("/display-links/{}", ids.link.0),
                    &format!("/display-links/{lid}"),
                );
            }
        }
        if def.path.ends_with("/close") {
            let m = if def.is_api() {
                ids.empty_meetings.1
            } else {
                ids.empty_meetings.0
            };
            path = path.replace(
                &format!("/meetings/{}", ids.room.meeting),
                &format!("/meetings/{m}"),
            );
        }
        if def.path.contains("{report}") {
            let fresh = open_report(&app).await;
            path = path.replace(
                &format!("/reports/{}", ids.report),
                &format!("/reports/{fresh}"),
            );
        }
        if def.path.contains("/street/steps/") {
            // The street's own steps: S-1.2, whose condition (every plan step dated) holds in
            // the fixtures, open for a close and closed for a reopen.
            path = path.replace("/steps/D-1/", "/steps/S-1.2/");
            let done = if def.path.ends_with("/reopen") {
                "'2027-01-01T00:00:00Z'"
            } else {
                "null"
            };
            Q::new(format!(
                "insert into street_steps (code, year, done_at, created_at, updated_at) \
                 values ('S-1.2', 2027, {done}, '2027-01-01T00:00:00Z', '2027-01-01T00:00:00Z') \
                 on conflict (code, year) do update set done_at = excluded.done_at"
            ))
            .execute(&app.state.db)
            .await
            .unwrap();
        } else if def.path.ends_with("/steps/{step}/reopen") {
            // Reopening needs a closed step of the campaign that no later step waits for: W-4
            // (the wrap-up's last; D-1 is the street's own, reopened street-wide).
            path = path.replace("/steps/P-1/", "/steps/W-4/");
            Q::new("update campaign_steps set done_at = '2027-01-01T00:00:00Z' where code = 'W-4'")
                .execute(&app.state.db)
                .await
                .unwrap();
            // D-1 closes street-wide: the street's own record says it is closed.
            Q::new(
                "insert into street_steps (code, year, done_at, created_at, updated_at) \
                 values ('D-1', 2027, $1, $1, $1) on conflict (code, year) do update set done_at = excluded.done_at",
            )
            .bind(huanjie::now())
            .execute(&app.state.db)
            .await
            .unwrap();
        }
        if def.path.ends_with("/wrapup/inspection") {
            // W-4 open: its predecessors W-1 … W-3 closed, W-4 itself not.
            Q::new(
                "update campaign_steps set done_at = case when code = 'W-4' then null else $1 end \
                    where campaign_id = $2 and code in ('W-1', 'W-2', 'W-3', 'W-4')",
            )
            .bind(huanjie::now())
            .bind(ids.campaign)
            .execute(&app.state.db)
            .await
            .unwrap();
        }
        if def.path.ends_with("/party/review/open") {
            // Opening P-2 early needs P-1 not done (an earlier fixture marked it done).
            Q::new("update campaign_steps set done_at = null where code = 'P-1'")
                .execute(&app.state.db)
                .await
                .unwrap();
        }
        party_prepare(&app, def.path).await;
        residents_prepare(&app, def.path, &ids).await;
        lists_prepare(&app, def.path).await;
        voters_prepare(&app, def.path, ids.campaign).await;
        nominees_prepare(&app, def.path, &ids).await;
        results_prepare(&app, def.path, ids.campaign).await;
        checks_prepare(&app, def.path, &ids).await;
        crate::party::congress::csrf_prepare(&app, def).await;
        let election = crate::residents_election::csrf::csrf_prepare(&app, def.path).await;
        if let Some((c, _)) = election {
            // R-7 runs in a campaign of its own (see `residents_election::csrf`).
            path = path.replace(
                &format!("/campaigns/{}/residents", ids.campaign),
                &format!("/campaigns/{c}/residents"),
            );
        }
        let wrapup = crate::wrapup::csrf::csrf_prepare(&app, def, &ids, step).await;
        let fix = match (election, wrapup) {
            (Some((_, vote)), _) => election_fixture(def, vote),
            (None, Some((p, call))) => {
                use crate::wrapup::csrf::Call;
                path = p;
                Some(match call {
                    Call::Form(v) => Fix::Fields(v),
                    Call::Json(v) => Fix::Json(v),
                    Call::File(name, bytes) => Fix::File(name, bytes),
                })
            }
            (None, None) => fixture(def, &ids, step, &password),
        };
        let Some(fix) = fix else {
            failures.push(format!("no fixture for {} {}", def.method, def.path));
            continue;
        };
        let roles = def.access.roles();
        let who = if roles.contains(&Role::Street) {
            Who::Street
        } else if roles.contains(&Role::Scrutineer) {
            Who::Scrutineer
        } else {
            Who::Counter
        };
        let client = app.client(who).cloned().unwrap();
        let idem = format!("idem-{step}");
        // Without a token (neither header nor form field).
        let before = fingerprint(&app).await;
        let r = app
            .send(
                Some(&client),
                def.method.clone(),
                &path,
                body(&fix, None, &idem),
                &[("idempotency-key", &idem)],
            )
            .await;
        let after = fingerprint(&app).await;
        if r.status != StatusCode::FORBIDDEN || before != after {
            failures.push(format!(
                "{} {} without token: {} (changed: {})",
                def.method,
                path,
                r.status,
                before != after
            ));
        }
        // Properly: JSON with the header, forms with the field.
        let audit = app.audit_count().await;
        let headers: Vec<(&str, &str)> = match fix {
            Fix::Json(_) => vec![
                ("x-csrf-token", client.csrf.as_str()),
                ("idempotency-key", idem.as_str()),
            ],
            _ => vec![],
        };
        let r = app
            .send(
                Some(&client),
                def.method.clone(),
                &path,
                body(&fix, Some(&client.csrf), &idem),
                &headers,
            )
            .await;
        let ok = r.status.is_success() || r.status == StatusCode::SEE_OTHER;
        let appended = app.audit_count().await - audit;
        if !ok || appended < 1 {
            failures.push(format!(
                "{} {} properly: {} {:?}, {appended} audit entries: {}",
                def.method,
                path,
                r.status,
                r.location,
                r.text.chars().take(200).collect::<String>()
            ));
        }
        if def.path == "/password" && ok {
            password = "second-pass-1".into();
        }
        if def.path == "/api/v1/me/password" && ok {
            password = "correct-horse-9".into();
        }
        if def.path.contains("logout") {
            let c = app.login("t-street", &password).await;
            app.clients.retain(|(w, _)| *w != Who::Street);
            app.clients.push((Who::Street, c));
        }
    }
    assert!(
        failures.is_empty(),
        "[{}]\n{}",
        backend(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn a_form_with_a_wrong_token_is_refused_with_a_chinese_message() {
    let app = TestApp::spawn().await;
    let client = app.client(Who::Street).cloned().unwrap();
    let r = app
        .send(
            Some(&client),
            Method::POST,
            "/communities",
            B::Form(vec![
                ("_csrf".into(), "forged".into()),
                ("_idem".into(), "x".into()),
                ("code".into(), "sgz".into()),
                ("name".into(), "伪造".into()),
            ]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("CSRF"), "{}", r.text);
    assert_eq!(
        app.count("select count(*) from communities where code = 'sgz'")
            .await,
        0
    );
}
