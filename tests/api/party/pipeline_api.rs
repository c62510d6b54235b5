//! The whole Party pipeline through the JSON API, as a script of the street and the community
//! would drive it: nominations to the approved 书记, with a three-way tie at the last two 委员
//! seats settled by a tie re-vote in the counting room.

use axum::http::Method;
use serde_json::{Value, json};

use crate::counting_fixtures::{call_as, staff};
use crate::fixtures::create_campaign;
use crate::helpers::{B, Client, TestApp, Who, id_number};

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;

/// Calls as `who` and expects `status`; returns the JSON answer.
async fn ok(
    app: &TestApp,
    who: Who,
    method: Method,
    path: &str,
    body: Value,
    status: u16,
) -> Value {
    let r = app.call(who, method, path, B::Json(body)).await;
    assert_eq!(r.status, status, "{path}: {}", r.text);
    r.json()
}

/// A Party member of sg01 born on `birth` (本科, the community's own organisation).
async fn member(app: &TestApp, name: &str, seq: u32, status: &str, org: &str) -> i64 {
    let v = ok(
        app,
        Who::Street,
        Method::POST,
        "/api/v1/communities/sg01/people",
        json!({"name": name, "id_number": id_number("19880808", seq), "party_status": status,
               "party_org": org, "education": "本科"}),
        201,
    )
    .await;
    v["person"]["id"].as_i64().unwrap()
}

/// The counting room's staff for the congress's meeting: two counters at table 1 and both chiefs.
struct Staff {
    chief_scrutineer: Client,
    chief_counter: Client,
    counter: Client,
}

async fn staff_of(app: &TestApp, meeting: i64) -> Staff {
    let s = |b| staff(app, meeting, b);
    let chief_scrutineer = s(json!({"name": "总监票人", "role": "scrutineer", "chief": true}))
        .await
        .unwrap();
    let chief_counter =
        s(json!({"name": "总计票人", "role": "counter", "chief": true, "table": 1}))
            .await
            .unwrap();
    let counter = s(json!({"name": "计票人", "role": "counter", "table": 1}))
        .await
        .unwrap();
    Staff {
        chief_scrutineer,
        chief_counter,
        counter,
    }
}

/// Counts `ballots` in the draft vote with `present` members and certifies it; returns the
/// certified result.
async fn count(app: &TestApp, st: &Staff, vote: i64, present: usize, ballots: &[Value]) -> Value {
    let state = format!("/api/v1/votes/{vote}/state");
    ok(
        app,
        Who::Community,
        Method::POST,
        &state,
        json!({"to": "voting"}),
        200,
    )
    .await;
    let body = json!({"to": "counting", "present": present, "ballots_issued": present,
                      "ballots_collected": ballots.len()});
    ok(app, Who::Community, Method::POST, &state, body, 200).await;
    for (i, b) in ballots.iter().enumerate() {
        for (c, tag) in [(&st.chief_counter, "a"), (&st.counter, "b")] {
            let body = json!({"client_id": format!("w{vote}-{i}-{tag}"), "ballot": b});
            let path = format!("/api/v1/votes/{vote}/ballots");
            let r = call_as(app, c, Method::POST, &path, B::Json(body)).await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
    }
    ok(
        app,
        Who::Community,
        Method::POST,
        &state,
        json!({"to": "review"}),
        200,
    )
    .await;
    for c in [&st.chief_scrutineer, &st.chief_counter] {
        let path = format!("/api/v1/votes/{vote}/signoff");
        let r = call_as(app, c, Method::POST, &path, B::Empty).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/api/v1/votes/{vote}/result"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

fn elected(result: &Value, post: usize) -> Vec<String> {
    let mut v: Vec<String> = result["posts"][post]["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn the_whole_party_pipeline_runs_through_the_api_to_the_approved_secretary_with_a_tie_revote()
{
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let base = format!("/api/v1/campaigns/{c}/party");
    let names = ["丁一", "王二", "张三", "李四", "赵五", "钱六", "孙七"];
    let mut people = Vec::new();
    for (i, n) in names.iter().enumerate() {
        people.push(member(&app, n, 10 + i as u32, "full", "community").await);
    }
    // Three more members due to attend, one 预备党员 and one member of a unit in the area.
    for (i, n) in ["周八", "吴九", "郑十"].iter().enumerate() {
        member(&app, n, 30 + i as u32, "full", "community").await;
    }
    member(&app, "冯预备", 40, "probationary", "community").await;
    member(&app, "陈驻区", 41, "full", "unit").await;
    let (st, co) = (Who::Street, Who::Community);

    // C-1 and P-1: 5 委员 with 1 副书记; 书记, 副书记 and 委员 nominations.
    ok(
        &app,
        co,
        PUT,
        &format!("{base}/size"),
        json!({"members": 5, "deputies": 1}),
        200,
    )
    .await;
    let mut nids = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let post = ["书记", "副书记"].get(i).copied().unwrap_or("委员");
        let v = ok(
            &app,
            co,
            POST,
            &format!("{base}/nominations"),
            json!({"person_id": p, "post": post, "channel": "community"}),
            201,
        )
        .await;
        nids.push(v["nomination"]["id"].as_i64().unwrap());
    }
    ok(
        &app,
        co,
        POST,
        &format!("{base}/steps/P-1/done"),
        json!({}),
        200,
    )
    .await;

    // P-2: checks, decisions, 公示, closed by the street.
    ok(
        &app,
        st,
        POST,
        &format!("{base}/review/checks"),
        json!({}),
        200,
    )
    .await;
    for nid in &nids {
        ok(
            &app,
            st,
            POST,
            &format!("{base}/nominations/{nid}/review"),
            json!({"decision": "passed"}),
            200,
        )
        .await;
    }
    ok(
        &app,
        st,
        POST,
        &format!("{base}/publicity"),
        json!({"start_date": "2027-04-06", "end_date": "2027-04-10"}),
        201,
    )
    .await;
    app.on("2027-04-11");
    ok(
        &app,
        st,
        POST,
        &format!("{base}/steps/P-2/done"),
        json!({}),
        200,
    )
    .await;

    // P-3: 80 participants, 24 of them (30%) representatives; totals; closed by the street.
    let v = ok(
        &app,
        co,
        PUT,
        &format!("{base}/recommendation/meeting"),
        json!({"date": "2027-04-13", "party_representative": 56, "resident_representative": 24}),
        200,
    )
    .await;
    assert_eq!(v["participants"], 80);
    let totals: Vec<Value> = people
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"person_id": p, "post": "member", "votes": 78 - 5 * i as i64}))
        .collect();
    ok(
        &app,
        co,
        PUT,
        &format!("{base}/recommendation/totals"),
        json!({"totals": totals}),
        200,
    )
    .await;
    ok(
        &app,
        st,
        POST,
        &format!("{base}/steps/P-3/done"),
        json!({}),
        200,
    )
    .await;

    // P-4: seven people (5 + ⌈1.5⌉), inspected, publicised for exactly three days.
    let v = ok(
        &app,
        co,
        PUT,
        &format!("{base}/preliminary"),
        json!({"date": "2027-04-15", "people": people}),
        200,
    )
    .await;
    assert!(
        v.to_string().contains("5 + ⌈30% × 5⌉ = 5 + ⌈1.5⌉ = 7"),
        "{v}"
    );
    for p in &people {
        ok(
            &app,
            st,
            POST,
            &format!("{base}/preliminary/inspections"),
            json!({"person_id": p, "inspection": "考察组谈话 20 人，评价良好。"}),
            200,
        )
        .await;
    }
    ok(
        &app,
        st,
        POST,
        &format!("{base}/preliminary/publicity"),
        json!({"start_date": "2027-04-16", "end_date": "2027-04-18"}),
        201,
    )
    .await;
    app.on("2027-04-19");
    ok(
        &app,
        st,
        POST,
        &format!("{base}/steps/P-4/done"),
        json!({}),
        200,
    )
    .await;

    // P-5: six candidates (5 + ⌈1.0⌉), 丁一 proposed 书记 and 王二 副书记; approved.
    let list = &people[..6];
    ok(&app, co, PUT, &format!("{base}/candidates"),
        json!({"date": "2027-04-20", "people": list, "secretary": people[0], "deputies": [people[1]]}), 200).await;
    ok(
        &app,
        co,
        POST,
        &format!("{base}/candidates/submit"),
        json!({}),
        200,
    )
    .await;
    let r = app
        .call(
            co,
            POST,
            &format!("{base}/candidates/approve"),
            B::Json(json!({})),
        )
        .await;
    assert_eq!(r.status, 403, "community staff cannot approve");
    ok(
        &app,
        st,
        POST,
        &format!("{base}/candidates/approve"),
        json!({}),
        200,
    )
    .await;

    // P-6: the roll has the ten full members of the community's own organisation; nine of
    // them check in (more than 4/5 of 10 = 8).
    ok(&app, co, PUT, &format!("{base}/congress"),
        json!({"date": "2027-04-26", "presentation": "介绍候选人产生经过。", "secretary_statement": "自我介绍和任职承诺。"}), 200).await;
    ok(
        &app,
        co,
        POST,
        &format!("{base}/congress/roll"),
        json!({}),
        200,
    )
    .await;
    let view = ok(&app, co, GET, &format!("{base}/congress"), Value::Null, 200).await;
    let roll: Vec<i64> = view["roll"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["person_id"].as_i64().unwrap())
        .collect();
    assert_eq!(roll.len(), 10, "{view}");
    for p in &roll[..9] {
        ok(
            &app,
            co,
            PUT,
            &format!("{base}/congress/roll/{p}/checkin"),
            json!({}),
            200,
        )
        .await;
    }
    let meeting = ok(&app, co, GET, &format!("{base}/congress"), Value::Null, 200).await["congress"]
        ["meeting_id"]
        .as_i64()
        .unwrap();
    let staff = staff_of(&app, meeting).await;
    let v = ok(
        &app,
        co,
        POST,
        &format!("{base}/congress/votes/members"),
        json!({}),
        201,
    )
    .await;
    let vote = v["vote"]["id"].as_i64().unwrap();
    assert_eq!(v["vote"]["electorate"], 10);
    assert_eq!(v["vote"]["present"], 9);

    // The 委员 vote: 丁一, 王二, 张三 on every ballot; 李四, 赵五, 钱六 six votes each for the
    // last two seats: a tie, re-voted among the three.
    let pairs = [("李四", "赵五"), ("李四", "钱六"), ("赵五", "钱六")];
    let ballots: Vec<Value> = (0..9)
        .map(|i| {
            let (a, b) = pairs[i % 3];
            json!({"marks": {"委员": {"for": ["丁一", "王二", "张三", a, b]}}})
        })
        .collect();
    let result = count(&app, &staff, vote, 9, &ballots).await;
    assert_eq!(elected(&result, 0), ["丁一", "张三", "王二"]);
    let mut tie: Vec<&str> = result["posts"][0]["tie"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    tie.sort();
    assert_eq!(tie, ["李四", "赵五", "钱六"]);
    let r = app
        .call(
            co,
            POST,
            &format!("{base}/congress/votes/leaders"),
            B::Json(json!({})),
        )
        .await;
    assert_eq!(r.status, 409, "the 委员 stage is not complete: {}", r.text);
    let next = ok(
        &app,
        co,
        POST,
        &format!("/api/v1/votes/{vote}/next"),
        json!({}),
        201,
    )
    .await;
    let revote = next["id"].as_i64().or(next["vote"]["id"].as_i64()).unwrap();
    let ballots: Vec<Value> = (0..9)
        .map(|i| json!({"marks": {"委员": {"for": if i < 6 { ["李四", "赵五"] } else { ["钱六", "赵五"] }}}}))
        .collect();
    let result = count(&app, &staff, revote, 9, &ballots).await;
    assert_eq!(elected(&result, 0), ["李四", "赵五"]);

    // The 等额 vote for 书记 and 副书记 among the five elected.
    let v = ok(
        &app,
        co,
        POST,
        &format!("{base}/congress/votes/leaders"),
        json!({}),
        201,
    )
    .await;
    let leaders = v["vote"]["id"].as_i64().unwrap();
    let ballots: Vec<Value> = (0..9)
        .map(|_| json!({"marks": {"书记": {"for": ["丁一"]}, "副书记": {"for": ["王二"]}}}))
        .collect();
    let result = count(&app, &staff, leaders, 9, &ballots).await;
    assert_eq!(elected(&result, 0), ["丁一"]);
    assert_eq!(elected(&result, 1), ["王二"]);

    // P-7: 待批准 until the street files the 委员 and approves the 书记 and 副书记.
    let _ = app
        .call(
            co,
            POST,
            &format!("{base}/steps/P-6/done"),
            B::Json(json!({})),
        )
        .await;
    let view = ok(&app, co, GET, &format!("{base}/congress"), Value::Null, 200).await;
    assert!(view.to_string().contains("待批准"), "{view}");
    let r = app
        .call(
            co,
            POST,
            &format!("{base}/approvals/{}", people[0]),
            B::Json(json!({"post": "书记"})),
        )
        .await;
    assert_eq!(r.status, 403, "community staff cannot approve");
    let members = [0, 1, 2, 3, 4];
    for i in members {
        ok(
            &app,
            st,
            POST,
            &format!("{base}/approvals/{}", people[i]),
            json!({"post": "委员"}),
            200,
        )
        .await;
    }
    ok(
        &app,
        st,
        POST,
        &format!("{base}/approvals/{}", people[1]),
        json!({"post": "副书记"}),
        200,
    )
    .await;
    let v = ok(
        &app,
        st,
        POST,
        &format!("{base}/approvals/{}", people[0]),
        json!({"post": "书记"}),
        200,
    )
    .await;
    assert_eq!(v["p7_done"], true, "{v}");
    let p = ok(&app, co, GET, &base, Value::Null, 200).await;
    let done: Vec<&str> = p["pipeline"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["done_at"].is_null())
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(done, ["P-1", "P-2", "P-3", "P-4", "P-5", "P-6", "P-7"]);
}
