//! The demo's residents' pipeline, driven through the JSON API as the street would: 舜华社区
//! (sg01) is taken from the seats (C-2) to the filed result and the election certificates
//! . A campaign whose residents' seats are already set is left alone, so loading twice
//! changes nothing.

use axum::Router;
use serde_json::{Value, json};

use super::client::Client;
use super::count::Room;
use crate::db::Q;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The residents' election day of the demo.
pub const ELECTION_DAY: &str = "2027-05-22";
/// The day the voter list is published (24 days before election day).
const LIST_PUBLISHED: &str = "2027-04-28";
/// Members of the demo's election committee, the chair included.
const COMMITTEE: usize = 7;
/// Alternates of the demo's election committee.
const ALTERNATES: usize = 2;

/// A residents' campaign driven by the demo.
struct Run<'a> {
    street: &'a Client,
    campaign: i64,
    /// `/api/v1/campaigns/{campaign}/residents`.
    base: String,
}

/// Adults of the community (18 or more on election day, political rights kept) living there,
/// by resident group then id: `(person, group, name)`.
async fn adults(state: &AppState, community_id: i64) -> AppResult<Vec<(i64, i64, String)>> {
    Q::new(
        "select id, resident_group_id, name from people where residence_community_id = $1 and hukou_community_id = $1 \
         and resident_group_id is not null and rights_removed = $2 and birth_date <= $3 order by resident_group_id, id",
    )
    .bind(community_id)
    .bind(false)
    .bind(chrono::NaiveDate::from_ymd_opt(2009, 5, 22).unwrap_or_default())
    .all(&state.db)
    .await
}

/// Drives the residents' pipeline of `code` to the end; `None` when it was driven before.
pub async fn drive(
    state: &AppState,
    router: &Router,
    street: &Client,
    code: &str,
) -> AppResult<Option<String>> {
    let Some((campaign, community_id)) = super::party::campaign_of(state, code).await? else {
        return Ok(None);
    };
    let seated = Q::new("select count(*) from residents_seats where campaign_id = $1")
        .bind(campaign)
        .scalar(&state.db)
        .await?;
    if seated > 0 {
        return Ok(None);
    }
    let run = Run {
        street,
        campaign,
        base: format!("/api/v1/campaigns/{campaign}/residents"),
    };
    let people = adults(state, community_id).await?;
    let nominees = nominees(state, community_id).await?;
    through_r4(&run, &people, &nominees).await?;
    candidates(&run, &nominees).await?;
    let elected = election(&run, router, &nominees).await?;
    result(&run).await?;
    Ok(Some(format!(
        "{code}：居委会换届已完成，选出主任 {elected} 等 5 名，选举结果已公布并报街道和区民政局备案（R-8）"
    )))
}

/// The demo's seven nominees: people of 35 to 50 with 大专 or more living in the community —
/// the first for 主任 (等额), two for 副主任 (1 seat), four for 委员 (3 seats).
async fn nominees(state: &AppState, community_id: i64) -> AppResult<Vec<(i64, String)>> {
    let d = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    let rows: Vec<(i64, String)> = Q::new(
        "select id, name from people where residence_community_id = $1 and hukou_community_id = $1 \
         and resident_group_id is not null and rights_removed = $2 and education in ('大专', '本科', '研究生') \
         and birth_date between $3 and $4 order by birth_date, id limit 7",
    )
    .bind(community_id)
    .bind(false)
    .bind(d(1977))
    .bind(d(1992))
    .all(&state.db)
    .await?;
    if rows.len() < 7 {
        return Err(missing("too few people to nominate"));
    }
    Ok(rows)
}

fn post_of(i: usize) -> &'static str {
    match i {
        0 => "director",
        1 | 2 => "deputy",
        _ => "member",
    }
}

/// C-2 (5 seats: 主任 1, 副主任 1, 委员 3), R-1 (two representatives per group), R-2 (seven
/// members chaired by the Party 书记, two alternates), R-3 (the rules adopted, 主任 may be
/// 等额) and R-4 (everyone eligible registered, the list published 24 days ahead).
async fn through_r4(
    run: &Run<'_>,
    people: &[(i64, i64, String)],
    nominees: &[(i64, String)],
) -> AppResult<()> {
    let (s, b) = (run.street, &run.base);
    s.put(
        &format!("/api/v1/campaigns/{}", run.campaign),
        json!({"residents_election_day": ELECTION_DAY}),
    )
    .await?;
    s.put(
        &format!("{b}/seats"),
        json!({"total": 5, "deputies": 1, "part_time": 0}),
    )
    .await?;
    let mut groups: Vec<i64> = people.iter().map(|p| p.1).collect();
    groups.dedup();
    let mut representatives = Vec::new();
    for g in &groups {
        for (pid, _, _) in people.iter().filter(|p| p.1 == *g).take(2) {
            s.post(
                &format!("{b}/representatives"),
                json!({"group_id": g, "person_id": pid}),
            )
            .await?;
            representatives.push(*pid);
        }
    }
    s.post(&format!("{b}/representatives/done"), json!({}))
        .await?;
    let chair = s.get(&format!("{b}/committee")).await?["proposed_chair"].as_i64();
    let mut members: Vec<i64> = chair.into_iter().collect();
    let others = people
        .iter()
        .rev()
        .map(|p| p.0)
        .filter(|id| Some(*id) != chair && !representatives.contains(id))
        .filter(|id| !nominees.iter().any(|n| n.0 == *id));
    let mut alternates = Vec::new();
    for id in others {
        if members.len() < COMMITTEE {
            members.push(id);
        } else if alternates.len() < ALTERNATES {
            alternates.push(id);
        }
    }
    s.put(
        &format!("{b}/committee"),
        json!({"members": members, "chair": chair.or(members.first().copied()), "alternates": alternates}),
    )
    .await?;
    s.post(&format!("{b}/committee/done"), json!({})).await?;
    let body = "第一条 本社区第八届居民委员会由本社区选民直接选举产生。\n\
                第二条 居民委员会由主任 1 名、副主任 1 名、委员 3 名组成，实行差额选举，主任可以等额选举。\n\
                第三条 选举采取无记名投票、公开计票的方式，参加投票的选民超过本社区选民半数，选举有效；候选人获得参加投票的选民过半数的选票，始得当选。\n\
                第四条 选民因故不能参加投票的，可以书面委托其近亲属代为投票，每一选民接受委托不得超过三人。";
    s.put(
        &format!("{b}/rules"),
        json!({"body": body, "settings": {"mode": "all_voters", "uncontested_posts": ["director"]}}),
    )
    .await?;
    let reps = representatives.len() as i64;
    s.post(
        &format!("{b}/rules/adopt"),
        json!({"meeting_date": "2027-04-20", "attending": reps, "votes_for": reps, "votes_against": 0}),
    )
    .await?;
    s.post(&format!("{b}/voters/bulk"), json!({})).await?;
    s.on(LIST_PUBLISHED);
    s.post(
        &format!("{b}/voters/publish"),
        json!({"date": LIST_PUBLISHED}),
    )
    .await?;
    Ok(())
}

/// R-5 (each nominee's C-3/C-4 failures overridden by the street, four reviews passed, the
/// slate closed) and R-6 (an introduction and statement each, closed).
async fn candidates(run: &Run<'_>, nominees: &[(i64, String)]) -> AppResult<()> {
    let (s, b) = (run.street, &run.base);
    let mut ids = Vec::new();
    for (i, (pid, _)) in nominees.iter().enumerate() {
        let v = s
            .post(
                &format!("{b}/nominees"),
                json!({"person_id": pid, "post": post_of(i), "channel": "representatives_meeting",
                       "nominated_by": "2027-05-03 居民代表会议"}),
            )
            .await?;
        ids.push(
            v["id"]
                .as_i64()
                .ok_or_else(|| missing("nominee without id"))?,
        );
    }
    // The street relaxes any C-3/C-4 check a nominee fails (a reason is recorded).
    let list = s.get(&format!("{b}/nominees")).await?;
    for n in list["nominees"].as_array().into_iter().flatten() {
        for c in n["checks"].as_array().into_iter().flatten() {
            if c["satisfied"] != Value::Bool(true) {
                let id = c["id"].as_i64().unwrap_or_default();
                s.post(
                    &format!("/api/v1/checks/{id}/override"),
                    json!({"reason": "演示数据：经街道工作组研究同意", "honour": "演示"}),
                )
                .await?;
            }
        }
    }
    let reviews = [
        (
            "qualification",
            "2027-05-05",
            "经换届领导小组资格审查，符合任职条件",
        ),
        (
            "political",
            "2027-05-06",
            "经社区党组织政审，无违法违纪记录",
        ),
        ("discussion", "2027-05-07", "居民代表会议讨论同意"),
        ("assessment", "2027-05-08", "考试考核合格"),
    ];
    for id in &ids {
        for (review, date, reason) in reviews {
            s.post(
                &format!("{b}/nominees/{id}/reviews"),
                json!({"review": review, "result": "passed", "reason": reason, "date": date}),
            )
            .await?;
        }
    }
    s.post(&format!("{b}/nominees/done"), json!({})).await?;
    for (id, (_, name)) in ids.iter().zip(nominees) {
        s.put(
            &format!("{b}/nominees/{id}/introduction"),
            json!({"introduction": format!("{name}，长期在社区从事居民服务工作，熟悉社区情况，群众基础好。"),
                   "statement": "如当选，将依法履职，办好居民身边的实事，接受居民监督。"}),
        )
        .await?;
    }
    s.post(&format!("{b}/introductions/done"), json!({}))
        .await?;
    Ok(())
}

/// the meeting, its staff, nine in ten voters taking part at the central station, the
/// polls closed and the one vote counted (the first of each post's list elected). Returns the
/// 主任's name.
async fn election(run: &Run<'_>, router: &Router, nominees: &[(i64, String)]) -> AppResult<String> {
    let (s, b) = (run.street, &run.base);
    let v = s
        .post(
            &format!("{b}/election"),
            json!({"date": ELECTION_DAY, "place": "社区居民活动中心"}),
        )
        .await?;
    let meeting = v["election"]["meeting_id"]
        .as_i64()
        .ok_or_else(|| missing("the election has no meeting"))?;
    let vote = v["vote"]["id"]
        .as_i64()
        .ok_or_else(|| missing("the election has no vote"))?;
    let room = Room::open(router, s, meeting).await?;
    let voters = s.get(&format!("{b}/voters")).await?;
    let certificates: Vec<String> = voters["voters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["removed"] != Value::Bool(true))
        .filter_map(|v| v["certificate_no"].as_str().map(str::to_string))
        .collect();
    let present = (certificates.len() * 9).div_ceil(10);
    for c in certificates.iter().take(present) {
        s.post(
            &format!("{b}/election/participations"),
            json!({"channel": "station", "certificate": c}),
        )
        .await?;
    }
    s.post(&format!("{b}/election/close-polls"), json!({}))
        .await?;
    let n: Vec<&str> = nominees.iter().map(|(_, n)| n.as_str()).collect();
    // Most mark the first of each list; one in five prefers the second 副主任 or the fourth 委员.
    let ballots: Vec<Value> = (0..present)
        .map(|i| {
            let other = i % 5 == 3;
            let deputy = if other { n[2] } else { n[1] };
            let members = if other {
                vec![n[3], n[4], n[6]]
            } else {
                vec![n[3], n[4], n[5]]
            };
            json!({"marks": {"主任": {"for": [n[0]]}, "副主任": {"for": [deputy]}, "委员": {"for": members}}})
        })
        .collect();
    room.count(s, vote, present, &ballots).await?;
    s.post(&format!("{b}/election/done"), json!({})).await?;
    Ok(n[0].to_string())
}

/// the notice published the day after, the reports filed, the step closed.
async fn result(run: &Run<'_>) -> AppResult<()> {
    let (s, b) = (run.street, &run.base);
    s.post(
        &format!("{b}/result/publish"),
        json!({"published_on": "2027-05-23"}),
    )
    .await?;
    s.post(
        &format!("{b}/result/report"),
        json!({"reported_street_on": "2027-05-24", "reported_civil_affairs_on": "2027-05-25",
               "filing_no": "区民政备〔2027〕1号"}),
    )
    .await?;
    s.post(&format!("{b}/result/done"), json!({})).await?;
    Ok(())
}

/// The error of a demo step that found no data to work on.
fn missing(what: &str) -> AppError {
    AppError::internal(format!("demo: {what}"))
}
