//! The whole Party pipeline through the HTML pages, as browsers would drive it: community
//! staff, the street and the counting room's staff each fetch their pages and post the forms
//! with the hidden fields the pages gave them, from the nominations to the approved 书记, with a
//! tie at the last 委员 seats settled by a tie re-vote.

use crate::browser::{Browser, flash};
use crate::counting_pages::{ballot_names, id_of, marks, printed_login};
use crate::fixtures::create_campaign;
use crate::helpers::{B, PASSWORD, TestApp, Who, id_number};

/// Creates a Party member of sg01 (本科, born 1988) through the API as the street.
async fn member(app: &TestApp, name: &str, seq: u32, status: &str, org: &str) -> i64 {
    let r = app
        .call(
            Who::Street,
            axum::http::Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(
                serde_json::json!({"name": name, "id_number": id_number("19880808", seq),
                "party_status": status, "party_org": org, "education": "本科"}),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["person"]["id"].as_i64().unwrap()
}

fn refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The counting room's staff of a meeting, registered on the meeting page, logged in through
/// the login form with the passwords the page printed: (总监票人, 总计票人, 计票人).
async fn register_staff<'a>(
    app: &'a TestApp,
    staff: &Browser<'a>,
    meeting: i64,
) -> (Browser<'a>, Browser<'a>, Browser<'a>) {
    let path = format!("/meetings/{meeting}");
    let mut logins = Vec::new();
    for (name, role, chief, table) in [
        ("总监票甲", "scrutineer", true, ""),
        ("总计票乙", "counter", true, "1"),
        ("计票丙", "counter", false, "1"),
    ] {
        let page = staff.get(&path).await;
        let mut f = vec![("name", name), ("role", role), ("table", table)];
        if chief {
            f.push(("chief", "on"));
        }
        let (msg, _) = staff
            .submit_flash(&page, &format!("{path}/staff"), &f)
            .await;
        logins.push(printed_login(&msg));
    }
    let mut b = Vec::new();
    for (u, p) in &logins {
        b.push(Browser::log_in(app, u, p).await);
    }
    let counter = b.pop().unwrap();
    let chief_counter = b.pop().unwrap();
    (b.pop().unwrap(), chief_counter, counter)
}

/// Counts a draft vote through the pages: voting, the box check by the 总监票人, every ballot
/// typed by both counters of table 1 (`ballots[i]` = per post, the names marked 赞成), review
/// and both signatures. Returns the vote page after sign-off.
async fn count(
    staff: &Browser<'_>,
    room: &(Browser<'_>, Browser<'_>, Browser<'_>),
    vote: i64,
    present: usize,
    ballots: &[Vec<Vec<&str>>],
) -> String {
    let (chief_s, chief_c, counter) = room;
    let path = format!("/votes/{vote}");
    let state = format!("{path}/state");
    let page = staff.get(&path).await;
    let (_, page) = staff.submit_ok(&page, &state, &[("present", "")]).await;
    assert!(page.contains("投票中"), "{}", flash(&page));
    let page = chief_s.get(&path).await;
    let n = present.to_string();
    let collected = ballots.len().to_string();
    let box_check = [
        ("present", n.as_str()),
        ("ballots_issued", n.as_str()),
        ("ballots_collected", collected.as_str()),
    ];
    let (_, page) = chief_s.submit_ok(&page, &state, &box_check).await;
    assert!(page.contains("计票中"), "{}", flash(&page));
    let enter = format!("{path}/enter");
    for ballot in ballots {
        for b in [chief_c, counter] {
            let page = b.get(&enter).await;
            let names = ballot_names(&page);
            let mut f: Vec<(String, String)> = vec![("kind".into(), "marks".into())];
            // The entry page lists each post's candidates in turn; `for_{post}_{i}` marks one.
            let mut offset = 0;
            for (post, chosen) in ballot.iter().enumerate() {
                let len = if ballot.len() == 1 { names.len() } else { 1 };
                let post_names: Vec<String> = names[offset..offset + len].to_vec();
                for (k, v) in marks(&post_names, chosen) {
                    f.push((
                        k.replacen("for_0_", &format!("for_{post}_"), 1),
                        v.to_string(),
                    ));
                }
                offset += len;
            }
            let (_, next) = b.submit_ok(&page, &enter, &refs(&f)).await;
            assert!(!flash(&next).contains("错误"), "{}", flash(&next));
        }
    }
    let page = staff.get(&path).await;
    let (_, page) = staff.submit_ok(&page, &state, &[]).await;
    assert!(page.contains("待确认"), "{}", flash(&page));
    for chief in [chief_s, chief_c] {
        let page = chief.get(&path).await;
        chief
            .submit_ok(&page, &format!("{path}/signoff"), &[])
            .await;
    }
    let page = staff.get(&path).await;
    assert!(page.contains("计票结果已确认并锁定"), "{}", flash(&page));
    page
}

#[tokio::test]
async fn a_community_walks_the_whole_party_pipeline_through_the_pages_to_the_approved_secretary() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let names = ["丁一", "王二", "张三", "李四", "赵五", "钱六", "孙七"];
    let mut people = Vec::new();
    for (i, n) in names.iter().enumerate() {
        people.push(member(&app, n, 10 + i as u32, "full", "community").await);
    }
    for (i, n) in ["周八", "吴九", "郑十"].iter().enumerate() {
        member(&app, n, 30 + i as u32, "full", "community").await;
    }
    member(&app, "冯预备", 40, "probationary", "community").await;
    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let base = format!("/communities/sg01/campaigns/{c}/party");

    // C-1 and P-1 by community staff.
    let page = staff.get(&base).await;
    let (msg, _) = staff
        .submit_flash(
            &page,
            &format!("{base}/size"),
            &[("members", "5"), ("deputies", "1")],
        )
        .await;
    assert!(msg.contains("定 5 名，符合"), "{msg}");
    let list = format!("{base}/nominations");
    for (i, _) in names.iter().enumerate() {
        let page = staff.get(&list).await;
        let idn = id_number("19880808", 10 + i as u32);
        let post = ["书记", "副书记"].get(i).copied().unwrap_or("委员");
        let f = [
            ("id_number", idn.as_str()),
            ("post", post),
            ("channel", "community"),
            ("backers", ""),
            ("consent_date", ""),
        ];
        let (msg, _) = staff.submit_flash(&page, &list, &f).await;
        assert!(msg.contains(names[i]), "{msg}");
    }
    let page = staff.get(&list).await;
    let (msg, _) = staff
        .submit_flash(&page, &format!("{base}/steps/P-1/done"), &[])
        .await;
    assert!(msg.contains("公开推荐（P-1）已完成"), "{msg}");

    // P-2 by the street: checks, a decision per nomination, the 公示, closed.
    let review = format!("{base}/review");
    let page = street.get(&review).await;
    let (msg, mut page) = street
        .submit_flash(&page, &format!("{review}/checks"), &[])
        .await;
    assert!(msg.contains("已核对 7 项"), "{msg}");
    let nids: Vec<String> = page
        .match_indices(&format!("{base}/nominations/"))
        .map(|(i, p)| {
            page[i + p.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(nids.len(), 7, "one review form per nomination");
    for nid in &nids {
        let action = format!("{base}/nominations/{nid}/review");
        let (msg, next) = street
            .submit_flash(&page, &action, &[("decision", "passed"), ("reason", "")])
            .await;
        assert!(msg.contains("通过"), "{msg}");
        page = next;
    }
    let (msg, page) = street
        .submit_flash(
            &page,
            &format!("{base}/publicity"),
            &[("start_date", "2027-04-06"), ("end_date", "2027-04-10")],
        )
        .await;
    assert!(msg.contains("5 天"), "{msg}");
    app.on("2027-04-11");
    let (msg, _) = street
        .submit_flash(&page, &format!("{base}/steps/P-2/done"), &[])
        .await;
    assert!(msg.contains("资格审查（P-2）已完成"), "{msg}");

    // P-3: the meeting (80, 30%), the totals typed per nominee, closed by the street.
    let rec = format!("{base}/recommendation");
    let page = staff.get(&rec).await;
    let (msg, page) = staff
        .submit_flash(
            &page,
            &format!("{rec}/meeting"),
            &[
                ("date", "2027-04-13"),
                ("party_representative", "56"),
                ("resident_representative", "24"),
            ],
        )
        .await;
    assert!(msg.contains("80") && msg.contains("30"), "{msg}");
    let totals: Vec<(String, String)> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("v_{p}_member"), (78 - 5 * i).to_string()))
        .collect();
    let (msg, _) = staff
        .submit_flash(&page, &format!("{rec}/totals"), &refs(&totals))
        .await;
    assert!(msg.contains("已保存 7 项推荐票合计的改动"), "{msg}");
    let page = street.get(&rec).await;
    let (msg, _) = street
        .submit_flash(&page, &format!("{base}/steps/P-3/done"), &[])
        .await;
    assert!(msg.contains("P-3"), "{msg}");

    // P-4: all seven on the preliminary list (5 + ⌈1.5⌉ = 7), inspected, publicised 3 days.
    let pre = format!("{base}/preliminary");
    let page = staff.get(&pre).await;
    let mut f: Vec<(String, String)> = vec![("date".into(), "2027-04-15".into())];
    f.extend(people.iter().map(|p| ("person".to_string(), p.to_string())));
    let (msg, _) = staff.submit_flash(&page, &pre, &refs(&f)).await;
    assert!(msg.contains("5 + ⌈1.5⌉ = 7"), "{msg}");
    for p in &people {
        let page = street.get(&pre).await;
        let pid = p.to_string();
        let f = [
            ("person_id", pid.as_str()),
            ("inspection", "考察组谈话 20 人，评价良好。"),
        ];
        street
            .submit_ok(&page, &format!("{pre}/inspections"), &f)
            .await;
    }
    let page = street.get(&pre).await;
    let (msg, page) = street
        .submit_flash(
            &page,
            &format!("{pre}/publicity"),
            &[("start_date", "2027-04-16"), ("end_date", "2027-04-18")],
        )
        .await;
    assert!(msg.contains("3 天"), "{msg}");
    app.on("2027-04-19");
    let (msg, _) = street
        .submit_flash(&page, &format!("{base}/steps/P-4/done"), &[])
        .await;
    assert!(msg.contains("P-4"), "{msg}");

    // P-5: six candidates, 丁一 proposed 书记 and 王二 副书记; submitted, approved by the street.
    let cand = format!("{base}/candidates");
    let page = staff.get(&cand).await;
    let mut f: Vec<(String, String)> = vec![
        ("date".into(), "2027-04-20".into()),
        ("secretary".into(), people[0].to_string()),
        ("deputy_1".into(), people[1].to_string()),
    ];
    f.extend(
        people[..6]
            .iter()
            .map(|p| ("person".to_string(), p.to_string())),
    );
    let (msg, page) = staff.submit_flash(&page, &cand, &refs(&f)).await;
    assert!(
        msg.contains("已保存候选人预备人选名单")
            && msg.contains("5 + ⌈20% × 5⌉ = 5 + ⌈1⌉ = 6 名，实有 6 名，符合"),
        "{msg}"
    );
    let (msg, _) = staff
        .submit_flash(&page, &format!("{cand}/submit"), &[])
        .await;
    assert!(
        msg.contains("已将候选人预备人选名单报街道工作组审批"),
        "{msg}"
    );
    let page = staff.get(&cand).await;
    assert!(
        !page.contains(&format!("action=\"{cand}/approve\"")),
        "community staff offered approval"
    );
    let page = street.get(&cand).await;
    let (msg, _) = street
        .submit_flash(&page, &format!("{cand}/approve"), &[])
        .await;
    assert!(msg.contains("已批准候选人预备人选名单"), "{msg}");

    // P-6: the record, the roll (ten due, the 预备党员 left out), nine check in.
    let cg = format!("{base}/congress");
    let page = staff.get(&cg).await;
    let f = [
        ("date", "2027-04-26"),
        ("quorum_rule", "gt"),
        ("presentation", "介绍候选人产生经过。"),
        ("secretary_statement", "自我介绍、履职承诺和答问。"),
    ];
    let (_, page) = staff.submit_ok(&page, &cg, &f).await;
    let (_, mut page) = staff.submit_ok(&page, &format!("{cg}/roll"), &[]).await;
    assert!(!page.contains("冯预备</td>"), "a 预备党员 on the roll");
    let due: Vec<String> = page
        .match_indices(&format!("{cg}/roll/"))
        .map(|(i, p)| {
            page[i + p.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(due.len(), 10, "ten members due");
    for p in &due[..9] {
        let (_, next) = staff
            .submit_ok(&page, &format!("{cg}/roll/{p}/checkin"), &[])
            .await;
        page = next;
    }
    assert!(page.contains("应到 10 名，实到 9 名"), "{}", flash(&page));
    let meeting: i64 = app
        .count(&format!(
            "select meeting_id from party_congresses where campaign_id = {c}"
        ))
        .await;
    let room = register_staff(&app, &staff, meeting).await;
    let page = staff.get(&cg).await;
    let (msg, page) = staff
        .submit_flash(&page, &format!("{cg}/votes/members"), &[])
        .await;
    assert!(msg.contains("应到 10 名，实到 9 名"), "{msg}");
    // The congress page links the new vote (its rounds table).
    let at = page
        .find("data-vote=\"")
        .expect("the vote on the congress page")
        + 11;
    let vote: i64 = page[at..page[at..].find('"').unwrap() + at]
        .parse()
        .unwrap();
    assert!(
        page.contains(&format!("href=\"/votes/{vote}\"")),
        "no link to the vote"
    );

    // The 委员 vote ties 李四, 赵五 and 钱六 at six votes for the last two seats.
    let pairs = [["李四", "赵五"], ["李四", "钱六"], ["赵五", "钱六"]];
    let ballots: Vec<Vec<Vec<&str>>> = (0..9)
        .map(|i| {
            let mut b = vec!["丁一", "王二", "张三"];
            b.extend(pairs[i % 3]);
            vec![b]
        })
        .collect();
    let page = count(&staff, &room, vote, 9, &ballots).await;
    assert!(page.contains("需再次投票：应选 2 名"), "{page}");
    assert_eq!(
        page.matches("得票相等").count(),
        3,
        "李四, 赵五 and 钱六 tied"
    );
    let (next_path, _) = staff
        .submit_ok(&page, &format!("/votes/{vote}/next"), &[])
        .await;
    let revote = id_of(&next_path);
    let ballots: Vec<Vec<Vec<&str>>> = (0..9)
        .map(|i| {
            vec![if i < 6 {
                vec!["李四", "赵五"]
            } else {
                vec!["钱六", "赵五"]
            }]
        })
        .collect();
    count(&staff, &room, revote, 9, &ballots).await;
    let page = staff.get(&cg).await;
    for n in ["丁一", "王二", "张三", "李四", "赵五"] {
        assert!(page.contains(n), "{n} not shown among the elected");
    }

    // The 等额 vote: 丁一 书记, 王二 副书记.
    staff
        .submit_ok(&page, &format!("{cg}/votes/leaders"), &[])
        .await;
    let leaders: i64 = app
        .count(&format!(
            "select leaders_vote_id from party_congresses where campaign_id = {c}"
        ))
        .await;
    let ballots: Vec<Vec<Vec<&str>>> = (0..9).map(|_| vec![vec!["丁一"], vec!["王二"]]).collect();
    count(&staff, &room, leaders, 9, &ballots).await;

    // P-6 closed by the community: the new committee is listed 待批准 (P-7) until the street
    // files the 委员 and approves the 书记 and 副书记.
    let page = staff.get(&cg).await;
    let (msg, page) = staff
        .submit_flash(&page, &format!("{base}/steps/P-6/done"), &[])
        .await;
    assert!(
        msg.contains("P-6") || msg.contains("已将候选人预备人选名单报街道工作组审批"),
        "{msg}"
    );
    assert_eq!(
        page.matches("<td>待批准</td>").count(),
        7,
        "5 委员 + 书记 + 副书记"
    );
    assert!(
        !page.contains(&format!("action=\"{base}/approvals/")),
        "community staff offered approval"
    );
    let mut page = street.get(&cg).await;
    while let Some(at) = page.find(&format!("action=\"{base}/approvals/")) {
        let action: String = page[at + 8..].chars().take_while(|c| *c != '"').collect();
        let (_, next) = street.submit_ok(&page, &action, &[]).await;
        page = next;
    }
    assert!(!page.contains("<td>待批准</td>"), "{page}");
    let row = &page[page.find("data-post=\"书记\"").expect("the 书记's row")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("<td>丁一</td>") && row.contains("<td>已批准</td>"),
        "{row}"
    );
    assert!(page.contains("报批已完成"), "{}", flash(&page));
}
