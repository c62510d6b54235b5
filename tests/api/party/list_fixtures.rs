//! The Party pipeline up to P-3 and P-4, arranged through the API for the list tests: nominees
//! who passed P-2, the P-3 meeting and totals, the preliminary list inspected and publicised.

use axum::http::Method;
use serde_json::{Value, json};

use crate::fixtures::create_campaign;
use crate::helpers::{B, Resp, TestApp, Who, id_number};

/// Names of the nominees, in the order they are created (not in 姓氏笔画 order).
pub const NAMES: [&str; 12] = [
    "王一",
    "李二",
    "丁三",
    "张四",
    "刘五",
    "陈六",
    "杨七",
    "赵八",
    "黄九",
    "周十",
    "吴十一",
    "马十二",
];

pub async fn api(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Resp {
    app.call(who, method, path, B::Json(body)).await
}

pub fn party(c: i64) -> String {
    format!("/api/v1/campaigns/{c}/party")
}

/// Calls as `who` and expects success; answers the JSON.
pub async fn ok(app: &TestApp, who: Who, method: Method, path: &str, body: Value) -> Value {
    let r = api(app, who, method, path, body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text);
    r.json()
}

/// A campaign of sg01 with N 委员 and `deputies` 副书记, `k` nominees (NAMES) who passed P-2 (the
/// first for 书记, the second for 副书记, the others for 委员), P-2 done and P-3's meeting of 80
/// recorded. Returns the campaign and the nominees' person ids, in NAMES order.
pub async fn after_p2(app: &TestApp, n: i64, deputies: i64, k: usize) -> (i64, Vec<i64>) {
    let c = create_campaign(app, "sg01").await;
    let base = party(c);
    ok(
        app,
        Who::Community,
        Method::PUT,
        &format!("{base}/size"),
        json!({"members": n, "deputies": deputies}),
    )
    .await;
    let mut people = Vec::new();
    for (i, name) in NAMES.iter().take(k).enumerate() {
        let body = json!({"name": name, "id_number": id_number("19900505", 900 + i as u32), "party_status": "full", "education": "本科"});
        let v = ok(
            app,
            Who::Street,
            Method::POST,
            "/api/v1/communities/sg01/people",
            body,
        )
        .await;
        let person = v["person"]["id"].as_i64().unwrap();
        let post = ["书记", "副书记"].get(i).copied().unwrap_or("委员");
        let body = json!({"person_id": person, "post": post, "channel": "self"});
        ok(
            app,
            Who::Community,
            Method::POST,
            &format!("{base}/nominations"),
            body,
        )
        .await;
        people.push(person);
    }
    ok(
        app,
        Who::Community,
        Method::POST,
        &format!("{base}/steps/P-1/done"),
        json!({}),
    )
    .await;
    ok(
        app,
        Who::Street,
        Method::POST,
        &format!("{base}/review/checks"),
        json!({}),
    )
    .await;
    let noms = ok(
        app,
        Who::Street,
        Method::GET,
        &format!("{base}/nominations"),
        json!(null),
    )
    .await;
    for nom in noms["nominations"].as_array().unwrap() {
        let path = format!("{base}/nominations/{}/review", nom["id"]);
        ok(
            app,
            Who::Street,
            Method::POST,
            &path,
            json!({"decision": "passed", "reason": "符合条件"}),
        )
        .await;
    }
    let body = json!({"start_date": "2027-04-08", "end_date": "2027-04-12"});
    ok(
        app,
        Who::Street,
        Method::POST,
        &format!("{base}/publicity"),
        body,
    )
    .await;
    app.on("2027-04-13");
    ok(
        app,
        Who::Street,
        Method::POST,
        &format!("{base}/steps/P-2/done"),
        json!({}),
    )
    .await;
    let body =
        json!({"date": "2027-04-15", "resident_representative": 30, "party_representative": 50});
    ok(
        app,
        Who::Community,
        Method::PUT,
        &format!("{base}/recommendation/meeting"),
        body,
    )
    .await;
    (c, people)
}

/// `after_p2` with the 委员 totals entered (the i-th nominee gets 80 − 3i votes) and P-3 closed.
pub async fn after_p3(app: &TestApp, n: i64, deputies: i64, k: usize) -> (i64, Vec<i64>) {
    let (c, people) = after_p2(app, n, deputies, k).await;
    let base = party(c);
    let totals: Vec<Value> = people
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"person_id": p, "post": "委员", "votes": 80 - 3 * i as i64}))
        .collect();
    ok(
        app,
        Who::Community,
        Method::PUT,
        &format!("{base}/recommendation/totals"),
        json!({"totals": totals}),
    )
    .await;
    ok(
        app,
        Who::Street,
        Method::POST,
        &format!("{base}/steps/P-3/done"),
        json!({}),
    )
    .await;
    (c, people)
}

/// `after_p3` with every nominee on the preliminary list, inspected and publicised, and P-4 done.
pub async fn after_p4(app: &TestApp, n: i64, deputies: i64, k: usize) -> (i64, Vec<i64>) {
    let (c, people) = after_p3(app, n, deputies, k).await;
    let base = party(c);
    ok(
        app,
        Who::Community,
        Method::PUT,
        &format!("{base}/preliminary"),
        json!({"date": "2027-04-18", "people": people}),
    )
    .await;
    for p in &people {
        let body = json!({"person_id": p, "inspection": "政治素质好，工作能力强。"});
        ok(
            app,
            Who::Street,
            Method::POST,
            &format!("{base}/preliminary/inspections"),
            body,
        )
        .await;
    }
    let body = json!({"start_date": "2027-04-20", "end_date": "2027-04-22"});
    ok(
        app,
        Who::Street,
        Method::POST,
        &format!("{base}/preliminary/publicity"),
        body,
    )
    .await;
    app.on("2027-04-23");
    ok(
        app,
        Who::Street,
        Method::POST,
        &format!("{base}/steps/P-4/done"),
        json!({}),
    )
    .await;
    (c, people)
}

/// Sets the committee size to `n` on a campaign whose P-3 is closed, to probe a list's boundary
/// for several sizes on one campaign: the size is fixed once P-3 closes, so P-3 is reopened
/// underneath for the change and closed again.
pub async fn resize(app: &TestApp, c: i64, n: i64) {
    let step = |done: bool| {
        let sql = if done {
            "update campaign_steps set done_at = updated_at where campaign_id = $1 and code = 'P-3'"
        } else {
            "update campaign_steps set done_at = null where campaign_id = $1 and code = 'P-3'"
        };
        huanjie::db::Q::new(sql).bind(c)
    };
    step(false).execute(&app.state.db).await.unwrap();
    ok(
        app,
        Who::Community,
        Method::PUT,
        &format!("{}/size", party(c)),
        serde_json::json!({"members": n, "deputies": 1}),
    )
    .await;
    step(true).execute(&app.state.db).await.unwrap();
}
