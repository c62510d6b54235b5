//! The demo's Party pipelines, driven through the JSON API as the street would: 舜华社区 (sg01)
//! is taken to the end (the approved 书记), 舜玉社区 (sg02) stops in P-3 with the recommendation
//! meeting recorded and its totals entered. A campaign whose committee size is already set is
//! left alone, so loading twice changes nothing.

use axum::Router;
use serde_json::{Value, json};

use super::client::Client;
use super::count::Room;
use crate::db::Q;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The committee of the demo pipelines: 5 委员, among them 1 书记 and 1 副书记.
pub const SEATS: i64 = 5;
/// Deputies of the demo committee.
pub const DEPUTIES: i64 = 1;
/// Nominees of the demo pipelines (the preliminary list needs 5 + ⌈1.5⌉ = 7).
const NOMINEES: usize = 8;

/// Where a demo pipeline stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// In P-3: the meeting and the totals recorded, P-3 not closed.
    InP3,
    /// At the end: the 书记 and 副书记 approved.
    Complete,
}

/// A campaign driven by the demo: its path prefix and nominees.
pub struct Run<'a> {
    /// The street's session.
    pub street: &'a Client,
    /// The campaign.
    pub campaign: i64,
    /// `/api/v1/campaigns/{campaign}/party`.
    pub base: String,
    /// The nominees' person ids and names, the first the 书记, the second the 副书记.
    pub nominees: Vec<(i64, String)>,
}

/// The campaign of the community `code`, if the demo made one.
pub(super) async fn campaign_of(state: &AppState, code: &str) -> AppResult<Option<(i64, i64)>> {
    Q::new("select c.id, m.id from campaigns c join communities m on m.id = c.community_id where m.code = $1 order by c.id limit 1")
        .bind(code)
        .optional(&state.db)
        .await
}

/// Drives the Party pipeline of `code` up to `stop`; `None` when it was driven before.
pub async fn drive(
    state: &AppState,
    router: &Router,
    street: &Client,
    code: &str,
    stop: Stop,
) -> AppResult<Option<String>> {
    let Some((campaign, community_id)) = campaign_of(state, code).await? else {
        return Ok(None);
    };
    let sized = Q::new("select count(*) from party_sizes where campaign_id = $1")
        .bind(campaign)
        .scalar(&state.db)
        .await?;
    if sized > 0 {
        return Ok(None);
    }
    // The youngest full members of the community's own organisation with 大专 or more: the
    // demo's nominees (the review's checks are run and any failure overridden with a reason).
    let nominees: Vec<(i64, String)> = Q::new(
        "select id, name from people where (residence_community_id = $1 or hukou_community_id = $1) \
         and party_status = 'full' and party_org = 'community' and education in ('大专', '本科', '研究生') \
         order by birth_date desc, id limit $2",
    )
    .bind(community_id)
    .bind(NOMINEES as i64)
    .all(&state.db)
    .await?;
    if nominees.len() < NOMINEES {
        return Err(AppError::internal(format!(
            "demo: {code} has too few Party members"
        )));
    }
    let run = Run {
        street,
        campaign,
        base: format!("/api/v1/campaigns/{campaign}/party"),
        nominees,
    };
    through_p3(&run, stop == Stop::InP3).await?;
    if stop == Stop::InP3 {
        return Ok(Some(format!(
            "{code}：党组织换届进行到全额定向民主推荐（P-3）"
        )));
    }
    lists(&run).await?;
    let secretary = congress(&run, router).await?;
    Ok(Some(format!(
        "{code}：党组织换届已完成，书记 {secretary} 已经街道工作组批准（P-7）"
    )))
}

fn post_of(i: usize) -> &'static str {
    match i {
        0 => "书记",
        1 => "副书记",
        _ => "委员",
    }
}

/// C-1, P-1, P-2 and P-3 (closed unless `stop_in_p3`).
async fn through_p3(run: &Run<'_>, stop_in_p3: bool) -> AppResult<()> {
    let (s, b) = (run.street, &run.base);
    s.put(
        &format!("{b}/size"),
        json!({"members": SEATS, "deputies": DEPUTIES}),
    )
    .await?;
    let mut nids = Vec::new();
    for (i, (pid, _)) in run.nominees.iter().enumerate() {
        let channel = if i % 3 == 2 { "self" } else { "community" };
        let v = s
            .post(
                &format!("{b}/nominations"),
                json!({"person_id": pid, "post": post_of(i), "channel": channel}),
            )
            .await?;
        nids.push(v["nomination"]["id"].as_i64().unwrap_or_default());
    }
    s.post(&format!("{b}/steps/P-1/done"), json!({})).await?;
    s.post(&format!("{b}/review/checks"), json!({})).await?;
    let review = s.get(&format!("{b}/review")).await?;
    for n in review["nominations"].as_array().into_iter().flatten() {
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
    for nid in &nids {
        s.post(
            &format!("{b}/nominations/{nid}/review"),
            json!({"decision": "passed", "reason": "符合条件"}),
        )
        .await?;
    }
    s.post(
        &format!("{b}/publicity"),
        json!({"start_date": "2027-04-06", "end_date": "2027-04-10"}),
    )
    .await?;
    s.on("2027-04-11");
    s.post(&format!("{b}/steps/P-2/done"), json!({})).await?;
    s.put(
        &format!("{b}/recommendation/meeting"),
        json!({"date": "2027-04-13", "committee_member": 7, "party_representative": 40,
               "resident_representative": 25, "unit_representative": 6, "party_congress_deputy": 2,
               "npc_deputy": 3, "cppcc_member": 2}),
    )
    .await?;
    let mut totals = Vec::new();
    for (i, (nid, (pid, name))) in nids.iter().zip(&run.nominees).enumerate() {
        let text = format!("{name}，中共党员，长期在社区从事居民服务工作，熟悉社区情况。");
        s.put(
            &format!("{b}/recommendation/introductions/{nid}"),
            json!({"text": text, "speech_given": true}),
        )
        .await?;
        let member = 80 - 6 * i as i64;
        totals.push(json!({"person_id": pid, "post": "member", "votes": member}));
        if i == 0 {
            totals.push(json!({"person_id": pid, "post": "secretary", "votes": 71}));
        }
        if i == 1 {
            totals.push(json!({"person_id": pid, "post": "deputy_secretary", "votes": 66}));
        }
    }
    s.put(
        &format!("{b}/recommendation/totals"),
        json!({"totals": totals}),
    )
    .await?;
    if !stop_in_p3 {
        s.post(&format!("{b}/steps/P-3/done"), json!({})).await?;
    }
    Ok(())
}

fn ids(run: &Run<'_>, n: usize) -> Vec<i64> {
    run.nominees.iter().take(n).map(|(id, _)| *id).collect()
}

/// P-4 (all eight nominees, inspected and publicised for five days) and P-5 (the first seven,
/// the first proposed 书记 and the second 副书记), approved by the street.
async fn lists(run: &Run<'_>) -> AppResult<()> {
    let (s, b) = (run.street, &run.base);
    s.put(
        &format!("{b}/preliminary"),
        json!({"date": "2027-04-15", "people": ids(run, NOMINEES)}),
    )
    .await?;
    for (pid, name) in &run.nominees {
        let text = format!("{name}同志政治立场坚定，群众基础好，考察组谈话 21 人，推荐意见一致。");
        s.post(
            &format!("{b}/preliminary/inspections"),
            json!({"person_id": pid, "inspection": text}),
        )
        .await?;
    }
    s.post(
        &format!("{b}/preliminary/publicity"),
        json!({"start_date": "2027-04-16", "end_date": "2027-04-20"}),
    )
    .await?;
    s.on("2027-04-21");
    s.post(&format!("{b}/steps/P-4/done"), json!({})).await?;
    let list = ids(run, 7);
    s.put(
        &format!("{b}/candidates"),
        json!({"date": "2027-04-21", "people": list, "secretary": list[0], "deputies": [list[1]]}),
    )
    .await?;
    s.post(&format!("{b}/candidates/submit"), json!({})).await?;
    s.post(&format!("{b}/candidates/approve"), json!({}))
        .await?;
    Ok(())
}

/// P-6 and P-7: the roll with nine in ten checked in, the 委员 vote (the first five elected),
/// the 等额 书记/副书记 vote, and the street's filing and approval. Returns the 书记's name.
async fn congress(run: &Run<'_>, router: &Router) -> AppResult<String> {
    let (s, b) = (run.street, &run.base);
    s.put(
        &format!("{b}/congress"),
        json!({"date": "2027-04-26", "quorum_rule": "gt",
               "presentation": "社区党委介绍候选人预备人选产生经过：公开推荐、资格审查、全额定向民主推荐、考察、公示，经街道党工委批准。",
               "secretary_statement": "书记候选人作自我介绍和任职承诺，回答党员提问 3 个。"}),
    )
    .await?;
    s.post(&format!("{b}/congress/roll"), json!({})).await?;
    let view = s.get(&format!("{b}/congress")).await?;
    let roll: Vec<i64> = view["roll"]["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["due"] == true)
        .filter_map(|e| e["person_id"].as_i64())
        .collect();
    let present = (roll.len() * 9).div_ceil(10);
    for pid in roll.iter().take(present) {
        s.put(&format!("{b}/congress/roll/{pid}/checkin"), json!({}))
            .await?;
    }
    let meeting = s.get(&format!("{b}/congress")).await?["congress"]["meeting_id"]
        .as_i64()
        .ok_or_else(|| AppError::internal("demo: the congress has no counting meeting"))?;
    let room = Room::open(router, s, meeting).await?;
    let names: Vec<&str> = run.nominees.iter().map(|(_, n)| n.as_str()).collect();
    let v = s
        .post(&format!("{b}/congress/votes/members"), json!({}))
        .await?;
    let vote = v["vote"]["id"].as_i64().unwrap_or_default();
    // Most vote for the first five; one in four swaps the fifth for the sixth or seventh.
    let ballots: Vec<Value> = (0..present)
        .map(|i| {
            let mut chosen = names[..4].to_vec();
            chosen.push(match i % 8 {
                1 => names[5],
                5 => names[6],
                _ => names[4],
            });
            json!({"marks": {"委员": {"for": chosen}}})
        })
        .collect();
    room.count(s, vote, present, &ballots).await?;
    let v = s
        .post(&format!("{b}/congress/votes/leaders"), json!({}))
        .await?;
    let vote = v["vote"]["id"].as_i64().unwrap_or_default();
    let ballots: Vec<Value> = (0..present)
        .map(|_| json!({"marks": {"书记": {"for": [names[0]]}, "副书记": {"for": [names[1]]}}}))
        .collect();
    room.count(s, vote, present, &ballots).await?;
    let _ = s.post(&format!("{b}/steps/P-6/done"), json!({})).await;
    for (i, (pid, _)) in run.nominees.iter().take(5).enumerate() {
        s.post(&format!("{b}/approvals/{pid}"), json!({"post": "委员"}))
            .await?;
        if i < 2 {
            s.post(&format!("{b}/approvals/{pid}"), json!({"post": post_of(i)}))
                .await?;
        }
    }
    Ok(names[0].to_string())
}
