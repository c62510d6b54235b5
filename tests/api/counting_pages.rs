//! A whole count driven through the HTML pages the way a browser would: each page fetched,
//! each form posted with the hidden fields the page gave it (CSRF token, idempotency key,
//! client id), the staff logging in with the passwords the meeting page printed.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::browser::{Browser, flash};
use crate::helpers::{B, PASSWORD, TestApp};

/// The candidates of the entry page, in ballot order.
pub(crate) fn ballot_names(page: &str) -> Vec<String> {
    page.split("<span class=\"name\">")
        .skip(1)
        .map(|c| c[..c.find('<').unwrap()].to_string())
        .collect()
}

/// The login a staff registration printed: (username, password).
pub(crate) fn printed_login(flash: &str) -> (String, String) {
    let user = flash.split("登录账号 ").nth(1).unwrap();
    let user = &user[..user.find('，').unwrap()];
    let pw = flash.rsplit('：').next().unwrap().trim();
    (user.to_string(), pw.to_string())
}

/// The id at the end of a location like `/votes/7`.
pub(crate) fn id_of(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// The `for_0_i` fields that mark the named candidates 赞成.
pub(crate) fn marks(names: &[String], chosen: &[&str]) -> Vec<(String, &'static str)> {
    chosen
        .iter()
        .map(|c| {
            let i = names.iter().position(|n| n == c).unwrap();
            (format!("for_0_{i}"), "on")
        })
        .collect()
}

fn fields(
    extra: &[(String, &'static str)],
    rest: &[(&'static str, &'static str)],
) -> Vec<(String, String)> {
    extra
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string()))
        .chain(rest.iter().map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
}

/// Enters one ballot on a counter's entry page; returns the flash after the redirect.
async fn enter(
    b: &Browser<'_>,
    vote: i64,
    names: &[String],
    chosen: &[&'static str],
    rest: &[(&'static str, &'static str)],
) -> String {
    let path = format!("/votes/{vote}/enter");
    let page = b.get(&path).await;
    let f = fields(&marks(names, chosen), rest);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (_, next) = b.submit_ok(&page, &path, &f).await;
    flash(&next)
}

#[tokio::test]
async fn a_whole_count_runs_through_the_pages_from_meeting_to_certified_result() {
    let app = TestApp::spawn().await;
    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;

    // The community page leads to the meetings; a meeting is created (twice by a double click).
    let page = staff.get("/communities/sg01").await;
    assert!(
        page.contains("/communities/sg01/meetings"),
        "no link to the meetings"
    );
    let page = staff.get("/communities/sg01/meetings").await;
    assert!(page.contains("尚无会议"));
    let meeting_form = [
        ("title", "第八届社区党员大会"),
        ("kind", "party"),
        ("date", "2027-04-26"),
    ];
    let first = staff
        .submit(&page, "/communities/sg01/meetings", &meeting_form)
        .await;
    let again = staff
        .submit(&page, "/communities/sg01/meetings", &meeting_form)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(
        first.location, again.location,
        "a double click made two meetings"
    );
    assert_eq!(app.count("select count(*) from meetings").await, 1);
    let meeting_path = first.location.clone().unwrap();
    let page = staff.get(&meeting_path).await;
    assert!(page.contains("第八届社区党员大会") && page.contains("尚未登记"));

    // The meeting's staff: each login printed once in the flash.
    let staff_action = format!("{meeting_path}/staff");
    let mut logins = Vec::new();
    for (name, role, chief, table) in [
        ("赵监票", "scrutineer", true, ""),
        ("钱监票", "scrutineer", false, ""),
        ("孙计票", "counter", true, "1"),
        ("李计票", "counter", false, "1"),
        ("周唱票", "caller", false, ""),
    ] {
        let page = staff.get(&meeting_path).await;
        let mut f = vec![("name", name), ("role", role), ("table", table)];
        if chief {
            f.push(("chief", "on"));
        }
        let (_, next) = staff.submit_ok(&page, &staff_action, &f).await;
        let shown = flash(&next);
        assert!(shown.contains(name), "{shown}");
        if role == "caller" {
            assert!(!shown.contains("登录账号"), "a caller got a login: {shown}");
        } else {
            logins.push(printed_login(&shown));
        }
        // The password is shown once: the next visit does not repeat it.
        assert!(!staff.get(&meeting_path).await.contains("初始密码"));
    }
    let page = staff.get(&meeting_path).await;
    for label in [
        "总监票人",
        "监票人",
        "总计票人",
        "计票人",
        "唱票人",
        "第 1 组",
    ] {
        assert!(page.contains(label), "staff table lacks {label}");
    }

    // The 委员 vote: four candidates for three seats, ballot order by surname strokes.
    let (vote_path, page) = staff
        .submit_ok(
            &page,
            &format!("{meeting_path}/votes"),
            &[
                ("title", "选举委员"),
                ("electorate", "6"),
                ("post", "委员"),
                ("seats", "3"),
                ("candidates", "张伟\n王芳\n李明\n丁一"),
                ("post", ""),
                ("seats", ""),
                ("candidates", ""),
                ("post", ""),
                ("seats", ""),
                ("candidates", ""),
            ],
        )
        .await;
    let vote = id_of(&vote_path);
    assert!(page.contains("准备") && page.contains("双人录入"), "{page}");
    let (_, page) = staff
        .submit_ok(&page, &format!("/votes/{vote}/state"), &[("present", "")])
        .await;
    assert!(page.contains("投票中"), "{}", flash(&page));

    // The 总监票人 records the box check.
    let chief_scrutineer = Browser::log_in(&app, &logins[0].0, &logins[0].1).await;
    let scrutineer = Browser::log_in(&app, &logins[1].0, &logins[1].1).await;
    let chief_counter = Browser::log_in(&app, &logins[2].0, &logins[2].1).await;
    let counter = Browser::log_in(&app, &logins[3].0, &logins[3].1).await;
    let home = chief_scrutineer.get("/").await;
    assert!(
        home.contains(&vote_path),
        "the scrutineer's home page does not list the vote"
    );
    let page = chief_scrutineer.get(&vote_path).await;
    let (_, page) = chief_scrutineer
        .submit_ok(
            &page,
            &format!("/votes/{vote}/state"),
            &[
                ("present", "5"),
                ("ballots_issued", "5"),
                ("ballots_collected", "5"),
            ],
        )
        .await;
    assert!(
        page.contains("计票中") && page.contains("收回选票 5"),
        "{}",
        flash(&page)
    );

    // Both counters of table 1 enter the same five ballots.
    let enter_path = format!("/votes/{vote}/enter");
    let entry_page = counter.get(&enter_path).await;
    let names = ballot_names(&entry_page);
    assert_eq!(
        names,
        ["丁一", "王芳", "李明", "张伟"],
        "ballot order by strokes"
    );
    // Ballot 1 and 2 agree.
    for b in [&chief_counter, &counter] {
        let shown = enter(
            b,
            vote,
            &names,
            &["丁一", "王芳", "李明"],
            &[("kind", "marks")],
        )
        .await;
        assert!(shown.contains("第 1 张已录入"), "{shown}");
    }
    assert!(counter.get(&enter_path).await.contains("一致"));
    for b in [&chief_counter, &counter] {
        enter(
            b,
            vote,
            &names,
            &["丁一", "王芳", "张伟"],
            &[("kind", "marks")],
        )
        .await;
    }
    // A retried submit of the same page (same client id) does not make a third entry.
    let page = counter.get(&enter_path).await;
    let retry = fields(&marks(&names, &["丁一"]), &[("kind", "marks")]);
    let retry: Vec<(&str, &str)> = retry
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    counter.submit_ok(&page, &enter_path, &retry).await;
    counter.submit_ok(&page, &enter_path, &retry).await;
    assert_eq!(
        app.count(&format!(
            "select count(*) from ballot_entries where vote_id = {vote} and voided = false"
        ))
        .await,
        5,
        "two counters × two ballots, plus one retried entry stored once"
    );
    // That hasty third entry is voided and entered again from the paper: it disagrees
    // with the chief counter's reading and goes to the scrutineers.
    let page = counter.get(&enter_path).await;
    let (_, page) = counter
        .submit_ok(&page, &format!("/votes/{vote}/void-last"), &[])
        .await;
    assert!(flash(&page).contains("已作废第 3 张"), "{}", flash(&page));
    enter(
        &counter,
        vote,
        &names,
        &["丁一", "李明", "张伟"],
        &[("kind", "marks")],
    )
    .await;
    let shown = enter(
        &chief_counter,
        vote,
        &names,
        &["丁一", "王芳", "李明"],
        &[("kind", "marks")],
    )
    .await;
    assert!(
        shown.contains("第 3 张") && shown.contains("不一致"),
        "{shown}"
    );
    // Ballot 4: a write-in, typed with full-width spaces by one counter.
    enter(
        &chief_counter,
        vote,
        &names,
        &["丁一", "王芳"],
        &[("kind", "marks"), ("write_0", "　陈小明 ")],
    )
    .await;
    let shown = enter(
        &counter,
        vote,
        &names,
        &["丁一", "王芳"],
        &[("kind", "marks"), ("write_0", "陈小明")],
    )
    .await;
    assert!(
        shown.contains("第 4 张") && shown.contains("一致"),
        "{shown}"
    );
    // Ballot 5 is undecided for both.
    for b in [&chief_counter, &counter] {
        let shown = enter(b, vote, &names, &[], &[("kind", "undecided")]).await;
        assert!(shown.contains("第 5 张"), "{shown}");
    }

    // Sign-off is not offered while ballot 3 is disputed and 5 undecided: the page gives the
    // reason instead of the button.
    let page = staff.get(&vote_path).await;
    assert!(page.contains("计票中"));
    assert!(
        !page.contains("计票完毕，提交确认"),
        "review offered with a dispute pending"
    );
    assert!(
        page.contains("尚不能确认：")
            && page.contains("两人不一致 1 张")
            && page.contains("待定 1 张"),
        "{page}"
    );

    // A scrutineer resolves ballot 3 from the paper, both versions shown side by side.
    let page = scrutineer.get(&vote_path).await;
    assert!(page.contains("两人录入不一致（1 张）"), "{page}");
    assert!(page.contains("孙计票") && page.contains("李计票"));
    let resolve = fields(
        &marks(&names, &["丁一", "王芳", "李明"]),
        &[("kind", "marks")],
    );
    let resolve: Vec<(&str, &str)> = resolve
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (_, page) = scrutineer
        .submit_ok(&page, &format!("/votes/{vote}/disputes/3"), &resolve)
        .await;
    assert!(!page.contains("两人录入不一致"), "{}", flash(&page));

    // The presiding committee (community staff) decides ballot 5 invalid.
    let page = staff.get(&vote_path).await;
    assert!(page.contains("待定选票：第 1 组 第 5 张"));
    let (_, page) = staff
        .submit_ok(
            &page,
            &format!("/votes/{vote}/undecided/5"),
            &[("kind", "invalid"), ("reason", "无法辨认")],
        )
        .await;
    assert!(!page.contains("待定选票："), "{}", flash(&page));

    // Review, then the two chiefs sign.
    let (_, page) = staff
        .submit_ok(&page, &format!("/votes/{vote}/state"), &[])
        .await;
    assert!(page.contains("待确认"), "{}", flash(&page));
    assert!(
        !scrutineer.get(&vote_path).await.contains("签署计票结果"),
        "a plain scrutineer was offered the signature"
    );
    for chief in [&chief_scrutineer, &chief_counter] {
        let page = chief.get(&vote_path).await;
        chief
            .submit_ok(&page, &format!("/votes/{vote}/signoff"), &[])
            .await;
    }
    let page = staff.get(&vote_path).await;
    assert!(page.contains("计票结果已确认并锁定"), "{}", flash(&page));
    assert!(
        page.contains("已计入 5 / 收回 5 张 · 有效 4 · 无效 1"),
        "{page}"
    );

    // The page shows what the engine stored: 丁一 and 王芳 elected with 4 of 5 present;
    // 李明 has 2 (not over half), so one seat goes to a further election.
    let api = app
        .send(
            Some(&staff.client()),
            Method::GET,
            &format!("/api/v1/votes/{vote}/result"),
            B::Empty,
            &[],
        )
        .await
        .json();
    assert_eq!(api["certified"], true);
    let cands: &Vec<Value> = api["posts"][0]["candidates"].as_array().unwrap();
    for c in cands {
        let name = c["name"].as_str().unwrap();
        let votes = c["for"].as_i64().unwrap();
        let label = if c["status"] == "elected" {
            "当选"
        } else {
            "未当选"
        };
        let row = format!("<td>{name}</td><td>{votes}</td>");
        assert!(page.contains(&row), "page lacks {row}");
        let at = page.find(&row).unwrap();
        let tail = &page[at..at + page[at..].find("</tr>").unwrap()];
        assert!(tail.contains(label), "{name}: {tail}");
    }
    let elected: Vec<&str> = cands
        .iter()
        .filter(|c| c["status"] == "elected")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(elected, ["丁一", "王芳"]);

    // One action arranges the further election for the remaining seat.
    let (next_path, page) = staff
        .submit_ok(&page, &format!("/votes/{vote}/next"), &[])
        .await;
    assert_ne!(next_path, vote_path);
    assert!(page.contains("另行选举") && page.contains("准备"), "{page}");
    assert!(!staff.get(&meeting_path).await.contains("尚无投票"));
}
