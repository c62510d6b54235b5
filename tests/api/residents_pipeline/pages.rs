//! The whole residents' pipeline through the HTML pages: a community worker posts each page's
//! forms (the hidden fields the page gave them), the counting room's staff log in with the
//! passwords the meeting page printed and type the ballots on their entry pages, from the seats
//! to R-8 done, with a 另行选举 round.

use axum::http::Method;

use super::{CANDIDATES, cast, first_round, further_round};
use crate::browser::{Browser, flash};
use crate::counting_pages::{ballot_names, id_of, printed_login};
use crate::fixtures::create_campaign;
use crate::helpers::{B, PASSWORD, TestApp, Who};
use crate::residents::group;

/// The numbers following `prefix` on a page (e.g. the ids in `action="/x/7/reviews"`), in
/// order of first appearance.
fn ids_after(page: &str, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, p) in page.match_indices(prefix) {
        let id: String = page[i + p.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !id.is_empty() && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The page from the `n`-th form posting to `action` on (to pick one of several such forms).
fn nth_form<'p>(page: &'p str, action: &str, n: usize) -> &'p str {
    let (at, _) = page
        .match_indices(&format!("action=\"{action}\""))
        .nth(n)
        .unwrap_or_else(|| panic!("no form {n} posting to {action}"));
    &page[at..]
}

/// Types one ballot on a counter's entry page: per post, the names marked 赞成.
async fn enter(b: &Browser<'_>, vote: i64, posts: &[Vec<&str>]) {
    let path = format!("/votes/{vote}/enter");
    let page = b.get(&path).await;
    let mut f: Vec<(String, String)> = vec![("kind".into(), "marks".into())];
    for (pi, chosen) in posts.iter().enumerate() {
        let start = page
            .match_indices("<fieldset class=\"post\"")
            .nth(pi)
            .unwrap()
            .0;
        let names = ballot_names(&page[start..start + page[start..].find("</fieldset>").unwrap()]);
        for c in chosen {
            let ci = names.iter().position(|n| n == c).unwrap_or_else(|| {
                panic!("{c} not on the ballot: {names:?}");
            });
            f.push((format!("for_{pi}_{ci}"), "on".into()));
        }
    }
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (_, next) = b.submit_ok(&page, &path, &refs).await;
    assert!(!flash(&next).contains("错误"), "{}", flash(&next));
}

/// Counts a vote through the pages: voting, the box check, both counters type every ballot,
/// review, both chiefs sign. Returns the vote page after sign-off.
async fn count(
    staff: &Browser<'_>,
    room: &[Browser<'_>; 3],
    vote: i64,
    present: usize,
    ballots: &[Vec<Vec<&str>>],
) -> String {
    let path = format!("/votes/{vote}");
    let state = format!("{path}/state");
    let page = staff.get(&path).await;
    let (_, page) = staff.submit_ok(&page, &state, &[]).await;
    assert!(page.contains("投票中"), "{}", flash(&page));
    let page = room[0].get(&path).await;
    let n = present.to_string();
    let box_check = [
        ("present", n.as_str()),
        ("ballots_issued", n.as_str()),
        ("ballots_collected", n.as_str()),
    ];
    let (_, page) = room[0].submit_ok(&page, &state, &box_check).await;
    assert!(page.contains("计票中"), "{}", flash(&page));
    for ballot in ballots {
        for b in &room[1..] {
            enter(b, vote, ballot).await;
        }
    }
    let page = staff.get(&path).await;
    let (_, page) = staff.submit_ok(&page, &state, &[]).await;
    assert!(page.contains("待确认"), "{}", flash(&page));
    for chief in &room[..2] {
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
async fn a_community_worker_walks_the_whole_residents_election_through_the_pages() {
    let app = TestApp::spawn().await;
    let c = create_campaign(&app, "sg01").await;
    let cast = cast(&app).await;
    let o = &cast.others;
    let g = group(&app, "第一居民小组").await;
    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;
    let show = format!("/communities/sg01/campaigns/{c}");
    // The election day is the street's; the community's page shows it.
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let page = street.get(&show).await;
    street
        .submit_ok(&page, &show, &[("residents_election_day", "2027-05-30")])
        .await;
    let page = staff.get(&show).await;
    assert!(page.contains("2027-05-30"), "{}", flash(&page));
    let base = format!("{show}/residents");

    // C-2 and R-1.
    let page = staff.get(&base).await;
    let (_, page) = staff
        .submit_ok(
            &page,
            &format!("{base}/seats"),
            &[("total", "5"), ("deputies", "1"), ("part_time", "0")],
        )
        .await;
    assert!(
        page.contains("主任 1 名，副主任 1 名，委员 3 名，共 5 名"),
        "{page}"
    );
    let reps = format!("{base}/representatives");
    let mut page = staff.get(&reps).await;
    for p in &o[..2] {
        let (_, next) = staff
            .submit_ok(
                &page,
                &reps,
                &[("group_id", &g.to_string()), ("person_id", &p.to_string())],
            )
            .await;
        page = next;
    }
    assert!(page.contains("第一居民小组有居民代表 2 名"), "{page}");
    let (_, page) = staff.submit_ok(&page, &format!("{reps}/done"), &[]).await;
    assert!(page.contains("推选居民代表（R-1）已完成"), "{page}");

    // five members chaired by 居民1, 居民6 alternate.
    let k = format!("{base}/committee");
    let page = staff.get(&k).await;
    let members = o[..5]
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let (_, page) = staff
        .submit_ok(
            &page,
            &k,
            &[
                ("members", &members),
                ("chair", &o[0].to_string()),
                ("alternates", &o[5].to_string()),
            ],
        )
        .await;
    assert!(page.contains("居民选举委员会人数（R-2）：5 人"), "{page}");
    let (_, page) = staff.submit_ok(&page, &format!("{k}/done"), &[]).await;
    assert!(page.contains("居民选举委员会（R-2）已完成"), "{page}");

    // drafted with 主任 allowed 等额, adopted by both representatives.
    let rules = format!("{base}/rules");
    let page = staff.get(&rules).await;
    let (msg, page) = staff
        .submit_flash(
            &page,
            &rules,
            &[
                ("body", "第一条 本届居民委员会选举采用全体选民直接选举。"),
                ("mode", "all_voters"),
                ("proxy_limit", "3"),
                ("further_election_days", "0"),
                ("uncontested_director", "1"),
            ],
        )
        .await;
    assert_eq!(msg, "已保存选举办法。");
    let (_, page) = staff
        .submit_ok(
            &page,
            &format!("{rules}/adopt"),
            &[
                ("meeting_date", "2027-04-10"),
                ("attending", "2"),
                ("votes_for", "2"),
                ("votes_against", "0"),
            ],
        )
        .await;
    assert!(
        page.contains("居民代表 2 名（到会须至少 2 名），到会 2 名，赞成 2 票"),
        "{page}"
    );
    let printed = staff.get(&format!("{rules}/print")).await;
    assert!(printed.contains("全体选民直接选举"), "{printed}");

    // bulk registration, the list published 20 days before, the certificates.
    let voters = format!("{base}/voters");
    let page = staff.get(&voters).await;
    let (msg, page) = staff
        .submit_flash(&page, &format!("{voters}/bulk"), &[])
        .await;
    assert!(msg.contains("批量登记"), "{msg}");
    app.on("2027-05-10");
    let (msg, _) = staff
        .submit_flash(
            &page,
            &format!("{voters}/publish"),
            &[("date", "2027-05-10")],
        )
        .await;
    assert!(msg.contains("选民名单已公布"), "{msg}");
    let certificates = staff.get(&format!("{voters}/certificates")).await;
    let n = certificates.matches("<svg").count();
    assert!(n >= 19, "one certificate per voter: {n}");
    for (name, _) in CANDIDATES {
        assert!(certificates.contains(name), "{name}");
    }
    // The certificate numbers, looked up by person (reading only).
    let list = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/api/v1/campaigns/{c}/residents/voters"),
            B::Empty,
        )
        .await
        .json();
    let certificate = |person: i64| -> String {
        list["voters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["person_id"] == person)
            .and_then(|x| x["certificate_no"].as_str())
            .map(str::to_string)
            .unwrap()
    };
    for p in &cast.candidates {
        assert!(certificates.contains(&certificate(*p)));
    }

    // seven nominees, four reviews each, closed.
    let nominees = format!("{base}/nominees");
    let mut page = staff.get(&nominees).await;
    for (i, (_, post)) in CANDIDATES.iter().enumerate() {
        let (msg, next) = staff
            .submit_flash(
                &page,
                &nominees,
                &[
                    ("person_id", &cast.candidates[i].to_string()),
                    ("post", post),
                    ("channel", "resident_group"),
                    ("nominated_by", "第一居民小组"),
                ],
            )
            .await;
        assert!(msg.starts_with("已提名"), "{msg}");
        page = next;
    }
    let nids = ids_after(&page, &format!("{nominees}/"));
    assert_eq!(nids.len(), 7, "{nids:?}");
    // 资格审查 is the street leading group's: community staff see no form for it.
    assert!(
        page.contains("资格审查由街道工作组（领导小组）记录。"),
        "{page}"
    );
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let mut street_page = street.get(&nominees).await;
    for nid in &nids {
        let (msg, next) = street
            .submit_flash(
                &street_page,
                &format!("{nominees}/{nid}/reviews"),
                &[("result", "passed"), ("date", "2027-04-19"), ("reason", "")],
            )
            .await;
        assert!(msg.starts_with("已记录审查结果"), "{msg}");
        street_page = next;
    }
    page = staff.get(&nominees).await;
    for nid in &nids {
        for _ in 1..4 {
            let (msg, next) = staff
                .submit_flash(
                    &page,
                    &format!("{nominees}/{nid}/reviews"),
                    &[("result", "passed"), ("date", "2027-04-20"), ("reason", "")],
                )
                .await;
            assert!(msg.starts_with("已记录审查结果"), "{msg}");
            page = next;
        }
    }
    assert!(
        page.contains("正式候选人共 7 名，应选 5 名，差额 2 名"),
        "{page}"
    );
    let (msg, _) = staff
        .submit_flash(&page, &format!("{nominees}/done"), &[])
        .await;
    assert!(msg.starts_with("候选人提名（R-5）已完成"), "{msg}");

    // introductions, closed, the sheet printed.
    let intros = format!("{base}/introductions");
    let mut page = staff.get(&intros).await;
    for nid in &nids {
        let (msg, next) = staff
            .submit_flash(
                &page,
                &format!("{nominees}/{nid}/introduction"),
                &[
                    ("introduction", "长期从事社区服务工作"),
                    ("statement", "为居民办实事"),
                ],
            )
            .await;
        assert!(msg.contains("的简介和竞职承诺"), "{msg}");
        page = next;
    }
    let (msg, _) = staff
        .submit_flash(&page, &format!("{intros}/done"), &[])
        .await;
    assert_eq!(msg, "宣传介绍（R-6）已完成，已介绍正式候选人 7 名。");
    let sheet = staff.get(&format!("{intros}/print")).await;
    assert!(sheet.contains("<h2>主任候选人：") && sheet.contains("黄7"));

    // the meeting, its counting room registered on the meeting page.
    let el = format!("{base}/election");
    let page = staff.get(&el).await;
    let (msg, page) = staff
        .submit_flash(
            &page,
            &el,
            &[("date", "2027-05-30"), ("place", "社区文化活动中心")],
        )
        .await;
    assert!(msg.contains("已创建选举大会和投票"), "{msg}");
    let meeting = ids_after(&page, "href=\"/meetings/")[0]
        .parse::<i64>()
        .unwrap();
    let vote = ids_after(&page, "href=\"/votes/")[0]
        .parse::<i64>()
        .unwrap();
    let mpath = format!("/meetings/{meeting}");
    let mut logins = Vec::new();
    for (name, role, chief, table) in [
        ("总监票甲", "scrutineer", true, ""),
        ("总计票乙", "counter", true, "1"),
        ("计票丙", "counter", false, "1"),
    ] {
        let page = staff.get(&mpath).await;
        let mut f = vec![("name", name), ("role", role), ("table", table)];
        if chief {
            f.push(("chief", "on"));
        }
        let (msg, _) = staff
            .submit_flash(&page, &format!("{mpath}/staff"), &f)
            .await;
        logins.push(printed_login(&msg));
    }
    let room = [
        Browser::log_in(&app, &logins[0].0, &logins[0].1).await,
        Browser::log_in(&app, &logins[1].0, &logins[1].1).await,
        Browser::log_in(&app, &logins[2].0, &logins[2].1).await,
    ];

    // Participation: more than half of the n voters, 居民11 by proxy (居民12, spouse).
    let present = n / 2 + 1;
    let page = staff.get(&el).await;
    let (msg, _) = staff
        .submit_flash(
            &page,
            &format!("{el}/proxies"),
            &[
                ("principal_id", &o[10].to_string()),
                ("proxy_id", &o[11].to_string()),
                ("letter", "居民11委托书"),
            ],
        )
        .await;
    assert!(msg.contains("居民11"), "{msg}");
    let mut at_station: Vec<i64> = cast.candidates.clone();
    at_station.extend(o.iter().filter(|p| **p != o[10]));
    let action = format!("{el}/participations");
    let mut station = staff.get(&format!("{el}/station")).await;
    for p in &at_station[..present - 1] {
        let (msg, next) = staff
            .submit_flash(&station, &action, &[("certificate", &certificate(*p))])
            .await;
        assert!(msg.contains("已登记参加投票"), "{msg}");
        station = next;
    }
    let proxy_form = nth_form(&station, &action, 1).to_string();
    let (msg, station) = staff
        .submit_flash(&proxy_form, &action, &[("person_id", &o[10].to_string())])
        .await;
    assert!(msg.contains("居民11已登记参加投票"), "{msg}");
    assert!(
        station.contains(&format!("中心投票站 {} 人", present - 1)),
        "{station}"
    );
    let page = staff.get(&el).await;
    let (msg, _) = staff
        .submit_flash(&page, &format!("{el}/close-polls"), &[])
        .await;
    assert!(msg.contains(&format!("参加投票 {present} 人")), "{msg}");

    // Round 1, counted in the counting room: the third 委员 seat is left unfilled.
    let ballots: Vec<Vec<Vec<&str>>> = first_round(present)
        .into_iter()
        .map(|(d, dp, m)| vec![vec![d], vec![dp], m])
        .collect();
    let vpage = count(&staff, &room, vote, present, &ballots).await;
    let page = staff.get(&el).await;
    assert!(page.contains("委员须另行选举"), "{page}");
    let (msg, _) = staff.submit_flash(&page, &format!("{el}/done"), &[]).await;
    assert!(msg.contains("选举尚未完成"), "{msg}");
    let (next_path, next_page) = staff
        .submit_ok(&vpage, &format!("/votes/{vote}/next"), &[])
        .await;
    let further = id_of(&next_path);
    assert!(
        flash(&next_page).contains("（另行选举）") && next_page.contains("登记选民数 19"),
        "{next_page}"
    );
    let ballots: Vec<Vec<Vec<&str>>> = further_round(present)
        .into_iter()
        .map(|m| vec![vec![m]])
        .collect();
    count(&staff, &room, further, present, &ballots).await;
    let page = staff.get(&el).await;
    let (msg, _) = staff.submit_flash(&page, &format!("{el}/done"), &[]).await;
    assert!(msg.contains("R-7"), "{msg}");

    // the result, published, reported, the certificates, done.
    let result = format!("{base}/result");
    let page = staff.get(&result).await;
    let p = present;
    let mut numbers = Vec::new();
    for (name, post, votes) in [
        ("李1", "主任", p),
        ("张2", "副主任", p - 1),
        ("陈4", "委员", p),
        ("杨5", "委员", p),
        ("赵6", "委员", p - 2),
    ] {
        let row = format!(
            "<tr><td>{post}</td><td class=\"name\">{name}</td><td>{votes}</td><td>DX-sg01-08-"
        );
        let at = page
            .find(&row)
            .unwrap_or_else(|| panic!("{row} missing: {page}"));
        let number = &page[at + row.len() - "DX-sg01-08-".len()..][..16];
        numbers.push((name, number.to_string()));
    }
    let mut sorted: Vec<String> = numbers.iter().map(|(_, n)| n.clone()).collect();
    sorted.sort();
    let want: Vec<String> = (1..=5).map(|i| format!("DX-sg01-08-{i:05}")).collect();
    assert_eq!(sorted, want);
    for row in [
        "<tr><td>第一轮</td><td>副主任</td><td>刘3</td><td>1</td></tr>",
        "<tr><td>第一轮</td><td>委员</td><td>黄7</td><td>1</td></tr>",
        "<tr><td>另行选举</td><td>委员</td><td>黄7</td><td>2</td></tr>",
    ] {
        assert!(page.contains(row), "{row} missing: {page}");
    }
    let (msg, page) = staff
        .submit_flash(
            &page,
            &format!("{result}/publish"),
            &[("published_on", "2027-05-31")],
        )
        .await;
    assert_eq!(msg, "已记录选举结果公告于 2027-05-31 公布。");
    // 备案 is recorded by the street (SPEC §1), on its own view of the result page.
    assert!(
        !page.contains(&format!("action=\"{result}/report\"")),
        "{page}"
    );
    let street_result = street.get(&result).await;
    let (msg, _) = street
        .submit_flash(
            &street_result,
            &format!("{result}/report"),
            &[
                ("reported_street_on", "2027-06-01"),
                ("reported_civil_affairs_on", "2027-06-02"),
                ("filing_no", "民备-7"),
            ],
        )
        .await;
    assert!(msg.contains("已记录备案"), "{msg}");
    let page = staff.get(&result).await;
    let certs = staff.get(&format!("{result}/certificates")).await;
    for (name, number) in &numbers {
        let at = certs
            .find(number.as_str())
            .unwrap_or_else(|| panic!("{number} missing: {certs}"));
        let (before, after) = certs.split_at(at);
        let mut from = before.len().saturating_sub(600);
        while !before.is_char_boundary(from) {
            from += 1;
        }
        let mut to = after.len().min(600);
        while !after.is_char_boundary(to) {
            to += 1;
        }
        assert!(
            before[from..].contains(name) || after[..to].contains(name),
            "{name}'s certificate {number}"
        );
    }
    assert!(!certs.contains("黄7") && !certs.contains("刘3"), "{certs}");
    let (msg, _) = staff
        .submit_flash(&page, &format!("{result}/done"), &[])
        .await;
    assert_eq!(msg, "公布结果（R-8）已完成。");
    let overview = staff.get(&base).await;
    for i in 1..=8 {
        let at = overview
            .find(&format!("data-step=\"R-{i}\""))
            .unwrap_or_else(|| panic!("R-{i} on the overview"));
        let row = &overview[at..at + overview[at..].find("</tr>").unwrap()];
        assert!(row.contains("已完成"), "R-{i}: {row}");
    }
}
