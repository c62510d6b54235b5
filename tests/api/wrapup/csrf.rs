//! The wrap-up's part of the CSRF walk (`tests/api/csrf.rs`): before each W-1 … W-3 route of the
//! table, the fixtures' sg01 campaign is put where a proper call succeeds and is audited — its
//! new committees formed (P-7 and R-8 closed, the 书记 approved on 5/20, the result published on
//! 5/23), the step open again, and whatever the route works on present — and the route's path
//! and a valid body are returned.

use axum::http::Method;
use huanjie::db::Q;
use huanjie::routes::RouteDef;
use serde_json::{Value, json};

use crate::fixtures::Ids;
use crate::helpers::{B, TestApp, Who};

/// A valid call's body.
pub enum Call {
    /// Form fields.
    Form(Vec<(String, String)>),
    /// JSON.
    Json(Value),
    /// A multipart upload: file name and bytes.
    File(&'static str, Vec<u8>),
}

async fn exec(app: &TestApp, q: Q) {
    q.execute(&app.state.db).await.unwrap();
}

async fn api(app: &TestApp, method: Method, path: &str, body: Value) -> Value {
    let r = app.call(Who::Street, method, path, B::Json(body)).await;
    assert!(r.status.is_success(), "{path}: {}", r.text);
    r.json()
}

/// The campaign's new committees formed and W-1 … W-3 open, "today" 5/30.
async fn formed(app: &TestApp, ids: &Ids) {
    let c = ids.campaign;
    let now = huanjie::now();
    exec(app, Q::new("update campaign_steps set done_at = coalesce(done_at, $1) where campaign_id = $2 and (code like 'P-%' or code like 'R-%')").bind(now).bind(c)).await;
    exec(app, Q::new("update campaign_steps set done_at = null where campaign_id = $1 and code in ('W-1', 'W-2', 'W-3')").bind(c)).await;
    let approved = chrono::NaiveDate::from_ymd_opt(2027, 5, 20)
        .unwrap()
        .and_hms_opt(2, 0, 0)
        .unwrap()
        .and_utc();
    let secretaries = app
        .count(&format!(
            "select count(*) from party_approvals where campaign_id = {c} and post = '书记'"
        ))
        .await;
    if secretaries == 0 {
        exec(app, Q::new("insert into party_approvals (campaign_id, person_id, post, status, created_at) values ($1, $2, '书记', 'pending', $3)").bind(c).bind(ids.person).bind(now)).await;
    }
    exec(app, Q::new("update party_approvals set status = 'approved', decided_at = $1 where campaign_id = $2 and post = '书记'").bind(approved).bind(c)).await;
    let published = chrono::NaiveDate::from_ymd_opt(2027, 5, 23).unwrap();
    exec(app, Q::new("insert into resident_results (campaign_id, published_on, created_at, updated_at) values ($1, $2, $3, $3) \
                      on conflict (campaign_id) do update set published_on = excluded.published_on").bind(c).bind(published).bind(now)).await;
    app.on("2027-05-30");
}

fn form(v: &[(&str, &str)]) -> Call {
    Call::Form(
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// An item of the checklist (one is added when there is none): its id.
async fn item(app: &TestApp, api_base: &str) -> i64 {
    let v = api(
        app,
        Method::GET,
        &format!("{api_base}/handover"),
        json!(null),
    )
    .await;
    if let Some(id) = v["items"][0]["id"].as_i64() {
        return id;
    }
    let v = api(
        app,
        Method::POST,
        &format!("{api_base}/handover/items"),
        json!({"category": "公章", "name": "社区党组织印章"}),
    )
    .await;
    v["item"]["id"].as_i64().unwrap()
}

/// A subcommittee (added when there is none): its id.
async fn body(app: &TestApp, api_base: &str, step: u32) -> i64 {
    let v = api(
        app,
        Method::POST,
        &format!("{api_base}/organisation/subcommittees"),
        json!({"name": format!("调解委员会{step}"), "members": "甲一、乙二"}),
    )
    .await;
    v["body"]["id"].as_i64().unwrap()
}

fn document() -> Value {
    json!({"adopted_on": "2027-05-28", "meeting": "居民代表会议", "attending": 40, "votes_for": 36, "votes_against": 1, "body": "第一条 ……"})
}

/// Prepares a wrap-up route and returns its path and a valid call; `None` for other routes.
pub async fn csrf_prepare(
    app: &TestApp,
    def: &RouteDef,
    ids: &Ids,
    step: u32,
) -> Option<(String, Call)> {
    // W-4's routes (inspection, archives) have fixtures of their own in `tests/api/csrf.rs`.
    let w4 = ["/wrapup/inspection", "/wrapup/archives"];
    if !def.path.contains("/wrapup/") || w4.iter().any(|t| def.path.contains(t)) {
        return None;
    }
    formed(app, ids).await;
    let c = ids.campaign;
    let a = format!("/api/v1/campaigns/{c}/wrapup");
    let p = format!("/communities/sg01/campaigns/{c}/wrapup");
    let base = if def.is_api() { a.clone() } else { p.clone() };
    let tail = def.path.split("/wrapup").nth(1).unwrap_or_default();
    let meeting = json!({"held_on": "2027-05-28", "handed_by": "原书记", "received_by": "新书记", "witnessed_by": "街道干部"});
    let json_or_form = |v: Value| -> Call {
        if def.is_api() {
            Call::Json(v)
        } else {
            Call::Form(
                v.as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str().map_or_else(|| v.to_string(), str::to_string),
                        )
                    })
                    .collect(),
            )
        }
    };
    let call = match (def.method.as_str(), tail) {
        (_, "/handover/meeting") => json_or_form(meeting),
        ("POST", "/handover/items") => {
            json_or_form(json!({"category": "公章", "name": format!("备用印章{step}")}))
        }
        (_, "/handover/items/defaults") => {
            exec(
                app,
                Q::new("delete from wrapup_handover_items where campaign_id = $1").bind(c),
            )
            .await;
            json_or_form(json!({}))
        }
        ("POST", "/handover/ticks") => {
            let id = item(app, &a).await;
            form(&[
                ("item", &id.to_string()),
                (&format!("q_{id}"), &format!("{step} 枚")),
                (&format!("h_{id}"), "1"),
            ])
        }
        ("PUT", "/handover/items") => {
            let id = item(app, &a).await;
            Call::Json(
                json!({"items": [{"id": id, "quantity": format!("{step} 枚"), "handed": true, "received": true}]}),
            )
        }
        (_, "/handover/items/{item}/delete") | (_, "/handover/items/{item}") => {
            let id = item(app, &a).await;
            let path = format!("{base}{}", tail.replace("{item}", &id.to_string()));
            return Some((path, json_or_form(json!({}))));
        }
        (_, "/handover/override") => {
            api(app, Method::PUT, &format!("{a}/handover/meeting"), json!({"held_on": "2027-05-30", "handed_by": "原书记", "received_by": "新书记", "witnessed_by": "街道干部"})).await;
            exec(app, Q::new("update rule_checks set passed = $1, override_by = null, override_at = null, override_reason = null where subject_type = 'wrapup_handover' and subject_id = $2").bind(false).bind(c)).await;
            json_or_form(json!({"reason": "原书记住院，延后召开"}))
        }
        (_, "/handover/close") => {
            api(app, Method::PUT, &format!("{a}/handover/meeting"), meeting).await;
            exec(
                app,
                Q::new("delete from wrapup_handover_items where campaign_id = $1").bind(c),
            )
            .await;
            let id = item(app, &a).await;
            api(app, Method::PUT, &format!("{a}/handover/items"), json!({"items": [{"id": id, "quantity": "1 枚", "handed": true, "received": true}]})).await;
            json_or_form(json!({}))
        }
        (_, "/organisation/duties") => {
            let v = api(app, Method::GET, &format!("{a}/organisation"), json!(null)).await;
            let m = &v["members"][0];
            let (committee, name) = (
                m["committee"].as_str().unwrap(),
                m["name"].as_str().unwrap(),
            );
            let duty = format!("分工{step}");
            if def.is_api() {
                Call::Json(
                    json!({"duties": [{"committee": committee, "name": name, "duty": duty}]}),
                )
            } else {
                form(&[("committee", committee), ("name", name), ("duty", &duty)])
            }
        }
        ("POST", "/organisation/subcommittees") => json_or_form(
            json!({"name": format!("委员会{step}"), "members": "甲一、乙二", "head": "甲一"}),
        ),
        (_, "/organisation/subcommittees/{body}")
        | (_, "/organisation/subcommittees/{body}/delete") => {
            let id = body(app, &a, step).await;
            let path = format!("{base}{}", tail.replace("{body}", &id.to_string()));
            let call = if def.method == Method::DELETE || tail.ends_with("/delete") {
                json_or_form(json!({}))
            } else {
                json_or_form(json!({"members": format!("丙{step}、丁四")}))
            };
            return Some((path, call));
        }
        (_, "/organisation/finance") | (_, "/organisation/disclosure") => {
            json_or_form(json!({"members": format!("赵{step}、钱二")}))
        }
        (_, "/organisation/plan") => json_or_form(json!({"plan": format!("工作计划{step}")})),
        (_, "/organisation/close") => {
            let v = api(app, Method::GET, &format!("{a}/organisation"), json!(null)).await;
            let duties: Vec<Value> = v["members"].as_array().unwrap().iter().map(|m| json!({"committee": m["committee"], "name": m["name"], "duty": "负责综合工作"})).collect();
            api(
                app,
                Method::PUT,
                &format!("{a}/organisation/duties"),
                json!({"duties": duties}),
            )
            .await;
            body(app, &a, step).await;
            for g in ["finance", "disclosure"] {
                api(
                    app,
                    Method::PUT,
                    &format!("{a}/organisation/{g}"),
                    json!({"members": "孙一、李二"}),
                )
                .await;
            }
            json_or_form(json!({}))
        }
        (_, "/charter/documents/{doc}") => {
            let mut d = document();
            d["body"] = json!(format!("第一条 ……（{step}）"));
            return Some((format!("{base}/charter/documents/charter"), json_or_form(d)));
        }
        (_, "/charter/documents/{doc}/file") => {
            api(
                app,
                Method::PUT,
                &format!("{a}/charter/documents/convention"),
                document(),
            )
            .await;
            let path = format!("{base}/charter/documents/convention/file");
            return Some((path, Call::File("居民公约.pdf", b"%PDF-1.7\n%...".to_vec())));
        }
        ("POST", "/charter/systems") => {
            json_or_form(json!({"name": format!("制度{step}"), "body": "每年至少召开一次。"}))
        }
        (_, "/charter/systems/{system}/delete") | (_, "/charter/systems/{system}") => {
            let v = api(
                app,
                Method::POST,
                &format!("{a}/charter/systems"),
                json!({"name": format!("待删制度{step}"), "body": "内容"}),
            )
            .await;
            let id = v["system"]["id"].as_i64().unwrap();
            return Some((
                format!("{base}{}", tail.replace("{system}", &id.to_string())),
                json_or_form(json!({})),
            ));
        }
        (_, "/charter/close") => {
            for d in ["charter", "convention"] {
                api(
                    app,
                    Method::PUT,
                    &format!("{a}/charter/documents/{d}"),
                    document(),
                )
                .await;
            }
            api(
                app,
                Method::POST,
                &format!("{a}/charter/systems"),
                json!({"name": "居民会议制度", "body": "每年至少召开一次。"}),
            )
            .await;
            json_or_form(json!({}))
        }
        _ => return None,
    };
    Some((format!("{base}{tail}"), call))
}
