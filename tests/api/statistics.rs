//! W-4 on the demo street: the statistics of 舜华社区 equal what these tests count by hand from
//! the demo's records; the workbook read back with calamine (sheets, header, totals = the sum of
//! the rows, written as formulas); the archive read back (every file in the index with its
//! SHA-256); the summary's draft, submission and withdrawal; and the inspection's refusals.

use std::io::{Cursor, Read};

use axum::http::Method;
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use huanjie::db::Q;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{B, TestApp, Who};

async fn demo() -> (TestApp, i64) {
    let app = TestApp::spawn().await;
    huanjie::demo::load(&app.state).await.unwrap();
    let c = app
        .count(
            "select c.id from campaigns c join communities m on m.id = c.community_id where m.code = 'sg01' order by c.id limit 1",
        )
        .await;
    (app, c)
}

async fn get(app: &TestApp, path: &str) -> Value {
    let r = app.call(Who::Street, Method::GET, path, B::Empty).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    r.json()
}

fn one_decimal(part: i64, whole: i64) -> f64 {
    (part as f64 * 1000.0 / whole as f64).round() / 10.0
}

/// Completed years from `birth` to `at`.
fn age(birth: NaiveDate, at: NaiveDate) -> i64 {
    use chrono::Datelike;
    let mut a = i64::from(at.year() - birth.year());
    if (at.month(), at.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

#[tokio::test]
async fn the_demo_communitys_residents_election_statistics_equal_a_count_by_hand() {
    let (app, c) = demo().await;
    let s = get(&app, &format!("/api/v1/campaigns/{c}/statistics")).await;
    let st = &s["statistics"];

    // Turnout: everyone recorded as taking part over the registered voters.
    let registered = app
        .count(&format!(
            "select count(*) from resident_voters where campaign_id = {c} and not removed"
        ))
        .await;
    let took = app
        .count(&format!(
            "select count(*) from resident_participations where campaign_id = {c}"
        ))
        .await;
    assert!(registered > 0 && took > 0);
    let v = &st["residents_vote"];
    assert_eq!(v["registered"], registered);
    let parts = v["in_person"].as_i64().unwrap()
        + v["by_proxy"].as_i64().unwrap()
        + v["mobile"].as_i64().unwrap();
    assert_eq!(parts, took);
    let turnout = s["tables"][0]["rows"][0][7].as_f64().unwrap();
    assert!(
        (turnout - took as f64 * 100.0 / registered as f64).abs() < 1e-9,
        "{turnout}"
    );

    // The new residents' committee: women, ages on the reference date, education.
    let reference: NaiveDate = Q::new(format!(
        "select reference_date from campaigns where id = {c}"
    ))
    .one::<(NaiveDate,)>(&app.state.db)
    .await
    .unwrap()
    .0;
    let members: Vec<(i64, String, Option<NaiveDate>, Option<String>)> = Q::new(format!(
        "select distinct p.id, p.gender, p.birth_date, p.education from resident_elected e join people p on p.id = e.person_id where e.campaign_id = {c}"
    ))
    .all(&app.state.db)
    .await
    .unwrap();
    let n = members.len() as i64;
    assert!(n >= 3, "the demo elects a committee: {n}");
    let women = members.iter().filter(|m| m.1 == "女").count() as i64;
    let ages: Vec<i64> = members
        .iter()
        .map(|m| age(m.2.unwrap(), reference))
        .collect();
    let r = &st["residents"];
    assert_eq!(r["members"], n);
    assert_eq!(r["women"], women);
    assert_eq!(r["women_share"].as_f64().unwrap(), one_decimal(women, n));
    assert_eq!(r["age_sum"], ages.iter().sum::<i64>());
    let avg = (ages.iter().sum::<i64>() as f64 * 10.0 / n as f64).round() / 10.0;
    assert_eq!(r["average_age"].as_f64().unwrap(), avg);
    let band = |lo: i64, hi: i64| ages.iter().filter(|a| **a >= lo && **a <= hi).count() as i64;
    assert_eq!(
        r["age_bands"],
        json!([band(0, 35), band(36, 45), band(46, 55), band(56, 200)])
    );
    let edu = |levels: &[&str]| {
        members
            .iter()
            .filter(|m| m.3.as_deref().is_some_and(|e| levels.contains(&e)))
            .count() as i64
    };
    assert_eq!(r["education"][0], edu(&["研究生"]));
    assert_eq!(r["education"][1], edu(&["本科"]));
    assert_eq!(r["education"][2], edu(&["大专"]));
    assert_eq!(r["education"][3], edu(&["高中/中专", "高中", "中专"]));
    assert_eq!(r["education"][4], edu(&["初中", "小学"]));

    // 一肩挑: whether the approved 书记 is the elected 主任; 交叉任职: people on both committees.
    let same = app
        .count(&format!(
            "select count(*) from party_approvals a join resident_elected e on e.person_id = a.person_id and e.campaign_id = a.campaign_id \
             where a.campaign_id = {c} and a.post = '书记' and e.post = 'director'"
        ))
        .await;
    assert_eq!(st["leadership"]["one_shoulder"], same == 1);
    let cross = app
        .count(&format!(
            "select count(distinct a.person_id) from party_approvals a join resident_elected e on e.person_id = a.person_id and e.campaign_id = a.campaign_id \
             where a.campaign_id = {c}"
        ))
        .await;
    assert_eq!(st["leadership"]["cross"], cross);
    let party = app
        .count(&format!(
            "select count(distinct person_id) from party_approvals where campaign_id = {c}"
        ))
        .await;
    assert_eq!(st["party"]["members"], party);
    let table = &s["tables"][4]["rows"][0];
    assert_eq!(table[3], if same == 1 { "是" } else { "否" });
    // The demo's inspection passed: these are the figures it froze.
    assert_eq!(s["frozen"], true);
}

fn cell_num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        Data::String(s) => s.parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

#[tokio::test]
async fn the_statistics_workbook_has_a_sheet_per_table_and_a_totals_row_that_sums_the_communities()
{
    let (app, _) = demo().await;
    let r = app
        .call(Who::Street, Method::GET, "/statistics.xlsx", B::Empty)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(r.bytes.clone())).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "居委会选举",
            "党组织选举",
            "新一届党组织委员会",
            "新一届居民委员会",
            "一肩挑与交叉任职",
            "上一届党组织委员会",
            "上一届居民委员会"
        ]
    );
    let api = get(&app, "/api/v1/statistics").await;
    let communities = api["communities"].as_array().unwrap().len();
    assert_eq!(communities, 3, "the demo's three communities");
    for (t, table) in api["tables"].as_array().unwrap().iter().enumerate() {
        let name = table["name"].as_str().unwrap();
        let range = wb.worksheet_range(name).unwrap();
        let formulas = wb.worksheet_formula(name).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        // calamine's range starts at the first used cell: the title in A1.
        let header = rows
            .iter()
            .position(|r| r[0] == Data::String("社区".into()))
            .unwrap();
        let columns = table["columns"].as_array().unwrap();
        for (i, c) in columns.iter().enumerate() {
            assert_eq!(
                rows[header][i],
                Data::String(c["header"].as_str().unwrap().into())
            );
        }
        let body = &rows[header + 1..header + 1 + communities];
        let total = rows[header + 1 + communities];
        assert_eq!(total[0], Data::String("合计".into()), "{name}");
        let mut sums = 0;
        for (i, c) in columns.iter().enumerate() {
            if c["kind"] != "count" {
                continue;
            }
            let sum: f64 = body.iter().map(|r| cell_num(&r[i])).sum();
            assert_eq!(cell_num(&total[i]), sum, "{name} column {i}");
            let f = formulas
                .get_value((header as u32 + 1 + communities as u32, i as u32))
                .cloned()
                .unwrap_or_default();
            assert!(f.starts_with("SUM("), "{name} column {i}: {f}");
            sums += 1;
        }
        assert!(sums > 0 || t == 4, "{name} has count columns");
    }
    // The registered voters' total is the sum over the communities, and one of them voted.
    let range = wb.worksheet_range("居委会选举").unwrap();
    let voters: f64 = range
        .rows()
        .filter(|r| r[0] == Data::String("合计".into()))
        .map(|r| cell_num(&r[2]))
        .sum();
    assert!(voters > 0.0);
}

#[tokio::test]
async fn the_archive_lists_every_file_with_its_sha256_and_downloading_it_is_audited() {
    let (app, c) = demo().await;
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/campaigns/{c}/wrapup/archives"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let a = r.json()["archive"].clone();
    let id = a["id"].as_i64().unwrap();
    let before = app.audit_count().await;
    let d = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/campaigns/{c}/wrapup/archives/{id}"),
            B::Empty,
        )
        .await;
    assert_eq!(d.status, 200);
    assert_eq!(
        app.audit_count().await,
        before + 1,
        "the download is audited"
    );
    assert_eq!(hex::encode(Sha256::digest(&d.bytes)), a["sha256"]);
    let mut zip = zip::ZipArchive::new(Cursor::new(d.bytes.clone())).unwrap();
    let read = |zip: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str| {
        let mut f = zip.by_name(name).unwrap();
        let mut out = Vec::new();
        f.read_to_end(&mut out).unwrap();
        out
    };
    let csv = String::from_utf8(read(&mut zip, "档案目录.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(
        lines.len() + 2,
        zip.len(),
        "every file but the two indexes is listed"
    );
    assert_eq!(a["files"], zip.len() as i64);
    let mut titles = Vec::new();
    for l in &lines {
        let f: Vec<&str> = l.split(',').collect();
        let bytes = read(&mut zip, f[1]);
        assert_eq!(hex::encode(Sha256::digest(&bytes)), f[4], "{}", f[1]);
        assert_eq!(bytes.len().to_string(), f[5]);
        if f[1].ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            assert!(html.contains("<style>"), "{}: styles inlined", f[1]);
            assert!(
                !html.contains("href=\"/static/"),
                "{}: self-contained",
                f[1]
            );
        }
        titles.push(f[2].to_string());
    }
    for t in [
        "选举结果公告",
        "当选证书",
        "党员大会选举情况报告",
        "统计报表",
    ] {
        assert!(titles.iter().any(|x| x == t), "{t} in {titles:?}");
    }
    assert!(titles.iter().any(|x| x.ends_with("选票")), "{titles:?}");
    let index = String::from_utf8(read(&mut zip, "档案目录.html")).unwrap();
    assert!(
        index.contains("审计日志"),
        "the audit heads are in the index"
    );
    // Another community's staff cannot download it (nor learn that it exists), and their
    // attempt writes nothing to the audit log.
    app.create_user("t-sg02", "community", "sg02").await;
    let other = app.login("t-sg02", crate::helpers::PASSWORD).await;
    let audited = app.audit_count().await;
    let r = app
        .send(
            Some(&other),
            Method::GET,
            &format!("/api/v1/campaigns/{c}/wrapup/archives/{id}"),
            B::Empty,
            &[],
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    assert!(!r.bytes.starts_with(b"PK"), "no archive bytes");
    assert_eq!(app.audit_count().await, audited);
}

#[tokio::test]
async fn the_summary_is_drafted_from_the_figures_frozen_once_submitted_and_withdrawn_only_with_a_reason()
 {
    let (app, c) = demo().await;
    // The demo submitted the draft as it was.
    let s = get(&app, "/api/v1/summary").await;
    assert_eq!(s["saved"], true);
    assert!(!s["submitted_at"].is_null());
    let stats = get(&app, &format!("/api/v1/campaigns/{c}/statistics")).await;
    let registered = stats["statistics"]["residents_vote"]["registered"]
        .as_i64()
        .unwrap();
    let body = s["body"].as_str().unwrap().to_string();
    assert!(
        body.contains(&format!("登记选民 {registered} 人")),
        "{body}"
    );
    assert!(body.contains("三、存在的问题"), "{body}");
    // The draft counts the demo's discipline report and names nobody: neither its text nor
    // the elected.
    let reports: Vec<(String,)> = Q::new("select summary from discipline_reports")
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(!reports.is_empty());
    assert!(
        body.contains(&format!("举报 {} 件", reports.len())),
        "{body}"
    );
    let names: Vec<(String,)> = Q::new(format!(
        "select p.name from party_approvals a join people p on p.id = a.person_id where a.campaign_id = {c} \
         union select name from resident_elected where campaign_id = {c}"
    ))
    .all(&app.state.db)
    .await
    .unwrap();
    for (n,) in reports.iter().chain(&names) {
        assert!(!body.contains(n.as_str()), "{n} in the draft");
    }
    let edited = format!("{body}\n五、其他\n街道补充的一段话。");
    let put = |b: &str| B::Json(json!({"body": b}));
    let r = app
        .call(Who::Street, Method::PUT, "/api/v1/summary", put(&edited))
        .await;
    assert_eq!(r.status, 409);
    assert!(r.text.contains("已提交"), "{}", r.text);
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/summary/withdraw",
            B::Json(json!({"reason": " "})),
        )
        .await;
    assert_eq!(r.status, 422);
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/summary/withdraw",
            B::Json(json!({"reason": "补充问题部分"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json()["submitted_at"].is_null());
    let r = app
        .call(Who::Street, Method::PUT, "/api/v1/summary", put(&edited))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.json()["body"]
            .as_str()
            .unwrap()
            .contains("街道补充的一段话")
    );
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/summary/submit",
            B::Empty,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!r.json()["submitted_at"].is_null());
    let p = app
        .call(Who::Street, Method::GET, "/summary/print", B::Empty)
        .await;
    assert!(p.text.contains("<h2>五、其他</h2>"), "{}", p.text);
    let r = app
        .call(Who::Community, Method::GET, "/api/v1/summary", B::Empty)
        .await;
    assert_eq!(r.status, 403, "the summary is the street's");
}

#[tokio::test]
async fn an_inspection_passes_only_when_every_item_holds_and_then_closes_w4_and_freezes_the_figures()
 {
    let (app, c) = demo().await;
    let path = format!("/api/v1/campaigns/{c}/wrapup/inspection");
    // The demo's inspection passed and closed W-4.
    let v = get(&app, &path).await;
    assert_eq!(v["closed"], true);
    assert_eq!(v["inspections"][0]["verdict"], "passed");
    let again = json!({"inspector": "王验收", "inspected_on": "2027-06-20", "verdict": "passed"});
    app.on("2027-06-21");
    let r = app
        .call(Who::Street, Method::POST, &path, B::Json(again.clone()))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.text.contains("W-4"), "{}", r.text);
    // Reopened by the street, the figures count from the records again.
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/campaigns/{c}/steps/W-4/reopen"),
            B::Json(json!({"reason": "补充归档材料"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let s = get(&app, &format!("/api/v1/campaigns/{c}/statistics")).await;
    assert_eq!(s["frozen"], false);
    // Without the summary submitted, a passing verdict is refused naming the item.
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/summary/withdraw",
            B::Json(json!({"reason": "修改"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = get(&app, &path).await;
    assert_eq!(v["ready"], false);
    let r = app
        .call(Who::Community, Method::POST, &path, B::Json(again.clone()))
        .await;
    assert_eq!(r.status, 403, "the street inspects");
    let r = app
        .call(Who::Street, Method::POST, &path, B::Json(again.clone()))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(
        r.text.contains("换届工作总结已提交") && r.text.contains("尚未提交"),
        "{}",
        r.text
    );
    // A failing verdict must say why; with remarks it is recorded and W-4 stays open.
    let fail = json!({"inspector": "王验收", "inspected_on": "2027-06-20", "verdict": "failed"});
    let r = app
        .call(Who::Street, Method::POST, &path, B::Json(fail.clone()))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let mut with = fail.clone();
    with["remarks"] = json!("总结未提交");
    let r = app
        .call(Who::Street, Method::POST, &path, B::Json(with))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["closed"], false);
    // A date after today is refused.
    let mut late = again.clone();
    late["inspected_on"] = json!("2027-06-22");
    let r = app
        .call(Who::Street, Method::POST, &path, B::Json(late))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    // Submitted again, the inspection passes, closes W-4 and freezes the figures.
    let r = app
        .call(
            Who::Street,
            Method::POST,
            "/api/v1/summary/submit",
            B::Empty,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app
        .call(Who::Street, Method::POST, &path, B::Json(again))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["closed"], true);
    let s = get(&app, &format!("/api/v1/campaigns/{c}/statistics")).await;
    assert_eq!(s["frozen"], true);
    let steps = get(&app, &format!("/api/v1/campaigns/{c}/steps")).await;
    let w4 = steps["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "W-4")
        .unwrap()
        .clone();
    assert_eq!(w4["state"], "closed");
}
