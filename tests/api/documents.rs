//! The print documents of a vote: the ballot, the count report and the result notice.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::counting_fixtures::{Room, certify, for_names, meeting, review, room, vote};
use crate::helpers::{B, Resp, TestApp, Who, backend};

/// GETs a document of a vote as a role.
async fn document(app: &TestApp, who: Who, vote: i64, doc: &str) -> Resp {
    app.call(who, Method::GET, &format!("/votes/{vote}/{doc}"), B::Empty)
        .await
}

/// GETs a JSON resource as the street.
async fn api(app: &TestApp, path: &str) -> Value {
    let r = app.call(Who::Street, Method::GET, path, B::Empty).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    r.json()
}

/// A certified 委员 vote of sg01: 6 ballots of 7 present, one with a write-in, one invalid.
async fn certified_vote(app: &mut TestApp) -> (Room, i64) {
    let room = room(app).await;
    let v = vote(app, room.meeting, true).await;
    let mut ballots = vec![for_names(&["丁一", "王二"]); 4];
    ballots.push(
        json!({"marks": {"委员": {"for": ["丁一"], "against": ["李三"], "write_in": ["赵六"]}}}),
    );
    ballots.push(json!({"invalid": true, "reason": "多画"}));
    review(app, &room, v, &ballots).await;
    certify(app, v).await;
    (room, v)
}

/// Undoes the HTML escaping of text (enough for names, numbers and rule sentences).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The number printed in the cell marked `data-key="{key}"`.
fn number(page: &str, key: &str) -> Option<u64> {
    let marker = format!("data-key=\"{key}\">");
    let start = page.find(&marker)? + marker.len();
    let rest = &page[start..];
    rest[..rest.find('<')?].trim().parse().ok()
}

/// The rows of the tally table of `class` for `post`: each person's name and printed numbers.
fn tally_rows(page: &str, class: &str, post: &str) -> Vec<(String, Vec<u64>)> {
    let marker = format!("<table class=\"{class}\" data-post=\"{post}\">");
    let Some(start) = page.find(&marker) else {
        return Vec::new();
    };
    let table = &page[start..];
    let table = &table[..table.find("</table>").unwrap()];
    table
        .split("<tr data-name=\"")
        .skip(1)
        .map(|row| {
            let name = unescape(&row[..row.find('"').unwrap()]);
            let numbers = row
                .split("<td class=\"n\">")
                .skip(1)
                .map(|cell| cell[..cell.find('<').unwrap()].trim().parse().unwrap())
                .collect();
            (name, numbers)
        })
        .collect()
}

/// The audit chain head printed on a document.
fn printed_head(page: &str) -> String {
    let marker = "id=\"audit-head\">";
    let start = page.find(marker).expect("a printed head") + marker.len();
    page[start..start + page[start..].find('<').unwrap()]
        .trim()
        .to_string()
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[tokio::test]
async fn the_count_report_prints_exactly_the_numbers_of_the_certified_result() {
    let mut app = TestApp::spawn().await;
    let (_room, v) = certified_vote(&mut app).await;
    let result = api(&app, &format!("/api/v1/votes/{v}/result")).await;
    let stored = api(&app, &format!("/api/v1/votes/{v}")).await;
    assert_eq!(result["certified"], true);

    let r = document(&app, Who::Community, v, "report").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let page = unescape(&r.text);
    let printed = |key| number(&page, key).unwrap_or_else(|| panic!("no {key} on the report"));
    assert_eq!(printed("electorate"), u(&result["quorum"]["electorate"]));
    assert_eq!(printed("present"), u(&result["quorum"]["present"]));
    assert_eq!(printed("issued"), u(&stored["ballots_issued"]));
    for key in ["collected", "valid", "invalid"] {
        assert_eq!(
            printed(key),
            u(&result["ballots"][key]),
            "[{}] {key}",
            backend()
        );
    }
    let mut people = 0;
    for post in result["posts"].as_array().unwrap() {
        let name = post["post"].as_str().unwrap();
        let rows = tally_rows(&page, "tally", name);
        let candidates = post["candidates"].as_array().unwrap();
        assert_eq!(rows.len(), candidates.len(), "everyone counted is printed");
        for c in candidates {
            let who = c["name"].as_str().unwrap();
            let (_, numbers) = rows.iter().find(|(n, _)| n == who).expect(who);
            let want = vec![u(&c["for"]), u(&c["against"]), u(&c["abstain"])];
            assert_eq!(numbers, &want, "[{}] {who}'s numbers", backend());
            people += 1;
        }
        let elected: Vec<&str> = post["elected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .collect();
        assert!(page.contains(&format!(
            "{name}：应选 {} 名，当选票数须达 {} 票",
            post["seats"], post["threshold"]
        )));
        assert!(page.contains(&format!("当选：{}。", elected.join("、"))));
    }
    assert_eq!(people, 4, "丁一, 王二, 李三 and the write-in 赵六");
    for rule in result["explanation"].as_array().unwrap() {
        assert!(
            page.contains(rule.as_str().unwrap()),
            "rule missing: {rule}"
        );
    }
    for role_and_name in [
        "总监票人</td><td class=\"name\">监一",
        "监票人</td><td class=\"name\">监二",
        "总计票人</td><td class=\"name\">计一",
        "计票人</td><td class=\"name\">计二",
        "唱票人</td><td class=\"name\"></td>",
    ] {
        assert!(
            page.contains(role_and_name),
            "signature line {role_and_name}"
        );
    }
}

#[tokio::test]
async fn the_report_prints_the_audit_chain_head_as_it_stood_right_after_the_sign_off() {
    let mut app = TestApp::spawn().await;
    let (_room, v) = certified_vote(&mut app).await;
    let heads = api(&app, "/api/v1/audit/heads").await;
    let head = heads["heads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["scope"] == "community:sg01")
        .expect("the chain of sg01")["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let certifying = api(&app, "/api/v1/audit?scope=community:sg01&action=certify").await;
    assert_eq!(
        certifying["entries"][0]["hash"], head,
        "the head is the certifying entry itself"
    );
    let stored = api(&app, &format!("/api/v1/votes/{v}")).await;
    assert_eq!(stored["audit_head"], head, "[{}] stored head", backend());
    for doc in ["report", "notice"] {
        let r = document(&app, Who::Scrutineer, v, doc).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        if doc == "report" {
            assert_eq!(printed_head(&r.text), head);
        } else {
            assert!(r.text.contains(&head), "the notice prints the head too");
        }
    }
}

#[tokio::test]
async fn the_result_notice_names_the_elected_with_post_and_votes_and_every_other_candidates_votes()
{
    let mut app = TestApp::spawn().await;
    let (_room, v) = certified_vote(&mut app).await;
    let result = api(&app, &format!("/api/v1/votes/{v}/result")).await;
    let r = document(&app, Who::Street, v, "notice").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("选举结果公告") && r.text.contains("特此公告"));
    // 特此公告 and the issuer's signature print as one block that stays with the last table.
    let closing = &r.text[r
        .text
        .find("<footer class=\"closing keep\">")
        .expect("a closing block")..];
    assert!(
        closing.contains("特此公告") && closing.contains("中共") && closing.contains("年"),
        "特此公告, the issuer and the date in one block: {closing}"
    );
    for post in result["posts"].as_array().unwrap() {
        let name = post["post"].as_str().unwrap();
        let elected = tally_rows(&r.text, "tally elected", name);
        let others = tally_rows(&r.text, "tally others", name);
        for c in post["candidates"].as_array().unwrap() {
            let who = c["name"].as_str().unwrap();
            let line = (who.to_string(), vec![u(&c["for"])]);
            if c["status"] == "elected" {
                assert!(elected.contains(&line), "{who} elected with {}", c["for"]);
                assert!(
                    r.text
                        .contains(&format!("<td>{name}</td><td class=\"name\">{who}</td>"))
                );
            } else {
                assert!(others.contains(&line), "{who} with {}", c["for"]);
            }
        }
        assert_eq!(elected.len(), post["elected"].as_array().unwrap().len());
    }
}

#[tokio::test]
async fn the_ballot_lists_the_candidates_in_ballot_order_under_the_seats_with_the_party_rules() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    let stored = api(&app, &format!("/api/v1/votes/{v}")).await;
    let order: Vec<String> = stored["posts"][0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(order.len(), 3);
    for who in [Who::Street, Who::Community, Who::Scrutineer, Who::Counter] {
        let r = document(&app, who, v, "ballot").await;
        assert_eq!(r.status, StatusCode::OK, "{who:?}: {}", r.text);
        let at: Vec<usize> = order
            .iter()
            .map(|n| {
                r.text
                    .find(&format!("<td class=\"name\">{n}</td>"))
                    .expect(n)
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "ballot order {order:?}");
        assert!(r.text.contains("应选 2 名"));
        assert!(
            r.text
                .contains("赞成画○，不赞成画×，另选他人写在×旁的空格内并画○，弃权不画")
        );
        assert!(
            r.text
                .contains("<th class=\"box\">赞成</th><th class=\"box\">不赞成</th>")
        );
        assert!(r.text.contains("另选他人姓名"));
        assert!(!r.text.contains("<nav"), "no navigation on a print page");
        assert!(r.text.contains("/static/print.css") && r.text.contains(">打印</button>"));
    }
}

#[tokio::test]
async fn a_ballot_of_thirty_candidates_keeps_rows_whole_and_repeats_its_header_on_each_page() {
    let app = TestApp::spawn().await;
    let m = meeting(&app, "sg01", "party").await;
    let names: Vec<String> = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"]
        .iter()
        .flat_map(|s| ["一", "二", "三"].map(|g| format!("{s}{g}")))
        .collect();
    let body = json!({"title": "选举委员", "preset": "party", "electorate": 100,
        "posts": [{"post": "委员", "seats": 9, "candidates": names}]});
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/meetings/{m}/votes"),
            B::Json(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v = r.json()["id"].as_i64().unwrap();
    let order = r.json()["posts"][0]["candidates"].clone();
    let page = document(&app, Who::Community, v, "ballot").await.text;
    let mut last = 0;
    for (i, n) in order.as_array().unwrap().iter().enumerate() {
        let cell = format!(
            "<td class=\"no\">{}</td><td class=\"name\">{}</td>",
            i + 1,
            n.as_str().unwrap()
        );
        let at = page.find(&cell).unwrap_or_else(|| panic!("row {cell}"));
        assert!(at > last, "row {} in ballot order", i + 1);
        last = at;
    }
    assert!(page.contains("应选 9 名"));
    let css = app
        .send(None, Method::GET, "/static/print.css", B::Empty, &[])
        .await;
    assert_eq!(css.status, StatusCode::OK);
    for rule in [
        "size: A4",
        "break-inside: avoid",
        "display: table-header-group",
        "Noto Serif CJK SC",
    ] {
        assert!(css.text.contains(rule), "print.css lacks {rule}");
    }
}

#[tokio::test]
async fn a_residents_ballot_has_a_circle_column_per_post_and_blank_rows_for_write_ins() {
    let app = TestApp::spawn().await;
    let m = meeting(&app, "sg01", "residents").await;
    let body = json!({"title": "选举居民委员会成员", "preset": "residents", "electorate": 100, "posts": [
        {"post": "主任", "seats": 1, "candidates": ["周一", "郑二"]},
        {"post": "副主任", "seats": 1, "candidates": ["吴三", "孙四"]},
        {"post": "委员", "seats": 3, "candidates": ["钱五", "赵六", "冯七", "陈八"]}]});
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/meetings/{m}/votes"),
            B::Json(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v = r.json()["id"].as_i64().unwrap();
    let page = document(&app, Who::Community, v, "ballot").await.text;
    assert!(page.contains("在同意的候选人姓名右边的空格内画○，不同意的不画；另选他人的，在该职位的空白行内写上其姓名并画○"));
    assert!(
        !page.contains("不赞成"),
        "a residents' ballot has no × column"
    );
    for (post, seats) in [("主任", 1), ("副主任", 1), ("委员", 3)] {
        assert!(page.contains(&format!(
            "{post}<span class=\"seats\">应选 {seats} 名</span>"
        )));
    }
    assert_eq!(page.matches("<th class=\"box\">画○</th>").count(), 3);
    assert_eq!(
        page.matches("<tr class=\"blank\">").count(),
        5,
        "one blank per seat"
    );
}

#[tokio::test]
async fn the_report_and_the_notice_answer_409_with_a_chinese_page_and_are_linked_only_once_certified()
 {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    for step in ["draft", "review"] {
        if step == "review" {
            review(&app, &room, v, &[for_names(&["丁一", "王二"])]).await;
        }
        for doc in ["report", "notice"] {
            let r = document(&app, Who::Community, v, doc).await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{doc} in {step}");
            assert!(
                r.text.contains("<html") && r.text.contains("尚未确认"),
                "{}",
                r.text
            );
        }
        assert_eq!(
            document(&app, Who::Community, v, "ballot").await.status,
            StatusCode::OK
        );
        let page = vote_page(&app, v).await;
        assert!(page.contains(&format!("/votes/{v}/ballot")));
        assert!(
            !page.contains(&format!("/votes/{v}/report"))
                && !page.contains(&format!("/votes/{v}/notice"))
        );
    }
    certify(&app, v).await;
    let page = vote_page(&app, v).await;
    assert!(
        page.contains(&format!("/votes/{v}/report"))
            && page.contains(&format!("/votes/{v}/notice"))
    );
}

/// The vote page as community staff.
async fn vote_page(app: &TestApp, v: i64) -> String {
    let r = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/votes/{v}"),
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.text
}

#[tokio::test]
async fn another_communitys_staff_and_another_meetings_counting_staff_get_404_for_every_document() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    for doc in ["ballot", "report", "notice"] {
        for who in [Who::Community, Who::Scrutineer, Who::Counter] {
            let r = document(&app, who, room.other_vote, doc).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{doc} as {who:?}");
        }
        let r = document(&app, Who::Anon, room.other_vote, doc).await;
        assert!(r.location.is_some_and(|l| l.starts_with("/login?next=")));
        let r = document(&app, Who::Street, room.other_vote, doc).await;
        let want = if doc == "ballot" {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        };
        assert_eq!(r.status, want, "the street sees every community's {doc}");
    }
}
