//! `huanjie demo` drives Party pipelines through the API: one community to the approved 书记,
//! one stopped in P-3; and 舜华社区's residents' pipeline to the filed result. Loading twice
//! changes nothing.

use axum::http::Method;
use serde_json::Value;

use crate::helpers::{B, TestApp, Who};

async fn campaign_of(app: &TestApp, code: &str) -> i64 {
    app.count(&format!(
        "select c.id from campaigns c join communities m on m.id = c.community_id where m.code = '{code}' order by c.id limit 1"
    ))
    .await
}

async fn get(app: &TestApp, path: &str) -> Value {
    let r = app.call(Who::Street, Method::GET, path, B::Empty).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    r.json()
}

#[tokio::test]
async fn the_demo_completes_one_party_pipeline_leaves_another_in_p3_and_a_second_load_adds_nothing()
{
    let app = TestApp::spawn().await;
    let report = huanjie::demo::load(&app.state).await.unwrap();
    assert!(
        report
            .party
            .iter()
            .any(|l| l.starts_with("sg02") && l.contains("P-3")),
        "{:?}",
        report.party
    );
    let c = campaign_of(&app, "sg02").await;
    let base = format!("/api/v1/campaigns/{c}/party");
    let p = get(&app, &base).await;
    let done: Vec<&str> = p["pipeline"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["done_at"].is_null())
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(done, ["P-1", "P-2"], "P-3 stays open");
    let rec = get(&app, &format!("{base}/recommendation")).await;
    assert_eq!(rec["participants"], 85);
    assert_eq!(
        rec["share_count"], 30,
        "25 resident representatives + 3 NPC + 2 CPPCC"
    );
    assert_eq!(rec["nominees"].as_array().unwrap().len(), 8);
    let summary = get(&app, &format!("{base}/recommendation/summary")).await;
    let members = &summary["summary"]["posts"][2];
    assert_eq!(members["label"], "委员");
    assert_eq!(members["rows"][0]["votes"], 80);
    assert_eq!(members["rows"][0]["share"], "94.1%");

    // sg01: every step done, five 委员 filed, the 书记 and 副书记 approved, two certified votes.
    let c = campaign_of(&app, "sg01").await;
    let p = get(&app, &format!("/api/v1/campaigns/{c}/party")).await;
    let done = p["pipeline"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["done_at"].is_null())
        .count();
    assert_eq!(done, 7, "{p}");
    let congress = get(&app, &format!("/api/v1/campaigns/{c}/party/congress")).await;
    let text = congress["approvals"].to_string();
    assert!(!text.contains("\"pending\""), "nobody left 待批准: {text}");
    let approved = app
        .count(&format!(
            "select count(*) from party_approvals where campaign_id = {c} and status = 'approved'"
        ))
        .await;
    let filed = app
        .count(&format!(
            "select count(*) from party_approvals where campaign_id = {c} and status = 'filed'"
        ))
        .await;
    assert_eq!((approved, filed), (2, 5));
    let secretary = report.party.iter().find(|l| l.starts_with("sg01")).unwrap();
    assert!(
        secretary.contains("书记") && secretary.contains("P-7"),
        "{secretary}"
    );
    assert_eq!(
        app.count("select count(*) from votes v join meetings m on m.id = v.meeting_id where v.state = 'certified' and m.kind = 'party'")
            .await,
        2
    );

    // sg01's residents' pipeline: R-1 … R-8 done, five elected with certificates, the result filed.
    let r = get(&app, &format!("/api/v1/campaigns/{c}/residents")).await;
    let statuses: Vec<&str> = r["overview"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["已完成"; 8], "{r}");
    let result = get(&app, &format!("/api/v1/campaigns/{c}/residents/result")).await;
    let elected = result["result"]["elected"].as_array().unwrap();
    let posts: Vec<&str> = elected
        .iter()
        .map(|e| e["post"].as_str().unwrap())
        .collect();
    assert_eq!(elected.len(), 5, "{result}");
    assert_eq!(
        posts.iter().filter(|p| **p == "director").count(),
        1,
        "{posts:?}"
    );
    assert_eq!(
        posts.iter().filter(|p| **p == "deputy").count(),
        1,
        "{posts:?}"
    );
    assert!(
        elected.iter().all(|e| e["certificate_no"]
            .as_str()
            .unwrap()
            .starts_with("DX-sg01-")),
        "{result}"
    );
    assert_eq!(
        result["result"]["others"].as_array().unwrap().len(),
        2,
        "{result}"
    );
    assert_eq!(
        result["result"]["filing"]["filing_no"],
        "区民政备〔2027〕1号"
    );
    let line = report.party.iter().find(|l| l.contains("居委会")).unwrap();
    assert!(line.contains("R-8"), "{line}");
    // The counting accounts each see 舜玉社区's rehearsal, counting, with their own way in.
    let rehearsal = report
        .party
        .iter()
        .find(|l| l.contains("计票演练"))
        .unwrap();
    assert!(rehearsal.contains("jianpiao"), "{rehearsal}");
    let password = |name: &str| {
        report
            .accounts
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, p)| p.clone())
            .unwrap()
    };
    for (name, way_in, said) in [
        ("jianpiao", "/console\">进入监票台", "监票人"),
        ("jipiao", "/enter\">录入选票", "计票人"),
    ] {
        let client = app.login(name, &password(name)).await;
        let home = app
            .send(Some(&client), Method::GET, "/", B::Empty, &[])
            .await;
        assert!(
            home.text.contains("选举居民委员会成员（演练）"),
            "{name}: {}",
            home.text
        );
        assert!(home.text.contains("计票中"), "{name}");
        assert!(home.text.contains(way_in), "{name}: {}", home.text);
        assert!(
            home.text.contains(&format!("您是本次选举的{said}")),
            "{name}"
        );
    }
    assert_eq!(
        app.count("select count(*) from votes where title = '选举居民委员会成员（演练）' and state = 'counting'")
            .await,
        1
    );
    // Pages show a form only when its action is possible, and otherwise the action's own reason.
    let page = |path: String| {
        let app = &app;
        async move {
            let r = app.call(Who::Street, Method::GET, &path, B::Empty).await;
            assert_eq!(r.status, 200, "{path}: {}", r.text);
            r.text
        }
    };
    let sg01 = format!("/communities/sg01/campaigns/{c}");
    let party = page(format!("{sg01}/party")).await;
    assert!(
        !party.contains(
            "action=\"/communities/sg01/campaigns/{c}/party/size\""
                .replace("{c}", &c.to_string())
                .as_str()
        )
    );
    assert!(party.contains("全额定向民主推荐（P-3）已结束，委员会职数不能再修改。"));
    let congress = page(format!("{sg01}/party/congress")).await;
    let p6 = huanjie::domain::procedure::step("P-6").unwrap().name;
    assert!(
        congress.contains(&format!("P-6 {p6}已结束，不能再修改")),
        "the closed step's own reason"
    );
    assert!(!congress.contains("action=\"/communities/sg01/campaigns/1/party/congress\""));
    assert!(
        !congress.contains("撤销签到"),
        "check-in undo offered after the vote"
    );
    let station = page(format!("{sg01}/residents/election/station")).await;
    assert!(station.contains("现在不能登记领票："), "{station}");
    assert!(!station.contains("登记领票</button>"));
    let voters = page(format!("{sg01}/residents/voters")).await;
    assert!(voters.contains("正式投票已经建立，应到选民人数已随之确定，选民名单不能再变更。"));
    assert!(!voters.contains("记录决定</button>"));
    let overview = page(format!("{sg01}/residents")).await;
    assert!(overview.contains("选举办法已经居民代表会议通过，委员会职数不能再修改。"));
    assert!(!overview.contains("/residents/seats\""));
    let rehearsal_vote = app
        .count("select id from votes where title = '选举居民委员会成员（演练）'")
        .await;
    let vote_page = page(format!("/votes/{rehearsal_vote}")).await;
    assert!(vote_page.contains("尚不能确认："));
    assert!(
        !vote_page.contains("计票完毕，提交确认"),
        "offered while it cannot be done"
    );
    // D-1: every nominee and candidate signed, a talk held, the one report closed: D-1 is done.
    let d = get(&app, "/api/v1/discipline").await;
    assert_eq!(d["open_reports"], 0, "{d}");
    assert!(d["talks"].as_i64().unwrap() >= 1, "{d}");
    assert!(!d["step"]["closed_at"].is_null(), "{d}");
    assert!(
        d["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["due"] == c["signed"]),
        "{d}"
    );
    // Both of sg01's committees are elected: C-5 and C-6 are reported.
    let comp = get(&app, &format!("/api/v1/campaigns/{c}/composition")).await;
    assert!(comp["c5"]["party"]["passed"].is_boolean(), "{comp}");
    assert_eq!(comp["c6"]["party_members"], 5, "{comp}");
    // Every chain verifies, and every certified vote recounts to its certified result.
    let db = &app.state.db;
    assert!(
        app.count("select count(*) from votes where state = 'certified'")
            .await
            >= 3
    );
    let breaks = huanjie::audit::verify(db).await.unwrap();
    assert!(breaks.is_empty(), "{breaks:?}");
    let breaks = huanjie::counting::check_certified(db).await.unwrap();
    assert!(breaks.is_empty(), "{breaks:?}");
    let nominations = app.count("select count(*) from party_nominations").await;
    let audit = app.count("select count(*) from audit_log").await;
    let again = huanjie::demo::load(&app.state).await.unwrap();
    assert!(again.party.is_empty(), "{:?}", again.party);
    assert_eq!(
        app.count("select count(*) from party_nominations").await,
        nominations
    );
    let new: Vec<(String, String)> =
        huanjie::db::Q::new("select action, entity from audit_log order by id desc limit 20")
            .all(&app.state.db)
            .await
            .unwrap();
    let added = (app.count("select count(*) from audit_log").await - audit) as usize;
    let mut new = new[..added.min(20)].to_vec();
    new.sort();
    let expected: Vec<(String, String)> = std::iter::once(("login", "user"))
        .chain(std::iter::repeat_n(("set_password", "user"), 4))
        .map(|(a, e)| (a.to_string(), e.to_string()))
        .collect();
    assert_eq!(
        new, expected,
        "only the street's login and the four new passwords"
    );
}
