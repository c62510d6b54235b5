//! R-7 reads: the election meeting and its vote, the approved proxies and mobile ballot boxes,
//! the participation records, the quorum check stored when the polls close, the rounds of the
//! vote (the shared stage logic of `crate::counting::stage`) and the write-in winners who are
//! not registered voters. Also the two small hooks the counting room calls for residents'
//! votes: [`counting_gate`] and [`signoff_blocker`].

use std::collections::BTreeSet;

use serde::Serialize;

use crate::campaigns::Campaign;
use crate::counting::stage::{self, Stage};
use crate::counting::{Vote, load_vote, tally_of};
use crate::db::{Db, Q};
use crate::domain::counting::VoteState;
use crate::domain::residents::{ElectionRules, ParticipationChannel};
use crate::domain::tally::{Status, TallyResult};
use crate::error::{AppError, AppResult};
use crate::residents::r4_voters::read::{self as voters_read, Voter};
use crate::residents::store::{self, CheckView};

/// Rule-check subject of the election (the quorum), id = the campaign.
pub const ELECTION_SUBJECT: &str = "resident_election";
/// Rule-check subject of an approved proxy, id = the proxy row.
pub const PROXY_SUBJECT: &str = "resident_proxy";
/// Rule-check subject of a mobile ballot box, id = the box row.
pub const BOX_SUBJECT: &str = "resident_mobile_box";
/// Rule-check subject of a write-in decision, id = the decision row.
pub const WRITEIN_SUBJECT: &str = "resident_writein";

/// The election meeting of a campaign.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Election {
    /// The campaign.
    pub campaign_id: i64,
    /// The counting-room meeting.
    pub meeting_id: i64,
    /// The vote (first round), once created.
    pub vote_id: Option<i64>,
    /// Where.
    pub place: String,
    /// The election committee's chair, who chairs the meeting.
    pub chair_person_id: Option<i64>,
}

const ELECTION_COLS: &str =
    "select campaign_id, meeting_id, vote_id, place, chair_person_id from resident_elections";

/// The campaign's election meeting, if created.
pub async fn election(db: &Db, campaign_id: i64) -> AppResult<Option<Election>> {
    Q::new(format!("{ELECTION_COLS} where campaign_id = $1"))
        .bind(campaign_id)
        .optional(db)
        .await
}

/// The adopted election rules, or 409.
pub async fn adopted_rules(db: &Db, campaign_id: i64) -> AppResult<ElectionRules> {
    match store::rules(db, campaign_id).await? {
        Some(r) if r.adopted_at.is_some() => Ok(r.settings),
        _ => Err(AppError::conflict(
            "选举办法（R-3）尚未经居民代表会议通过，不能进行正式投票。",
        )),
    }
}

/// The registered voters not removed: the electorate of the mode (R-4 registers only the
/// household or resident representatives in those modes).
pub async fn electorate(db: &Db, campaign_id: i64) -> AppResult<Vec<Voter>> {
    Ok(voters_read::voters(db, campaign_id)
        .await?
        .into_iter()
        .filter(|v| !v.removed)
        .collect())
}

/// An approved proxy.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ProxyRow {
    /// Id.
    pub id: i64,
    /// The principal (委托人).
    pub principal_id: i64,
    /// The principal's name.
    pub principal: String,
    /// The proxy (受托人).
    pub proxy_id: i64,
    /// The proxy's name.
    pub proxy: String,
    /// The written authorisation.
    pub letter: String,
}

/// The campaign's approved proxies, in order.
pub async fn proxies<'a>(
    ex: impl Into<crate::db::Exec<'a>>,
    campaign_id: i64,
) -> AppResult<Vec<ProxyRow>> {
    Q::new(
        "select x.id, x.principal_id, a.name as principal, x.proxy_id, b.name as proxy, x.letter from resident_proxies x \
         join people a on a.id = x.principal_id join people b on b.id = x.proxy_id where x.campaign_id = $1 order by x.id",
    )
    .bind(campaign_id)
    .all(ex)
    .await
}

/// An approved mobile ballot box.
#[derive(Clone, Debug, Serialize)]
pub struct BoxRow {
    /// Id.
    pub id: i64,
    /// Name (e.g. 流动票箱一).
    pub name: String,
    /// The street's approval.
    pub approval: String,
    /// The scrutineers attending it.
    pub scrutineers: Vec<String>,
}

/// The campaign's mobile ballot boxes.
pub async fn boxes(db: &Db, campaign_id: i64) -> AppResult<Vec<BoxRow>> {
    let rows: Vec<(i64, String, String, String)> = Q::new(
        "select id, name, approval, scrutineers from resident_mobile_boxes where campaign_id = $1 order by id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, approval, s)| BoxRow {
            id,
            name,
            approval,
            scrutineers: serde_json::from_str(&s).unwrap_or_default(),
        })
        .collect())
}

/// One voter's participation.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ParticipationRow {
    /// Id.
    pub id: i64,
    /// The voter row.
    pub voter_id: i64,
    /// The person.
    pub person_id: i64,
    /// The voter's name.
    pub name: String,
    /// `station` | `proxy` | `mobile_box`.
    pub channel: String,
}

impl ParticipationRow {
    /// The channel.
    pub fn channel(&self) -> ParticipationChannel {
        match self.channel.as_str() {
            "proxy" => ParticipationChannel::Proxy,
            "mobile_box" => ParticipationChannel::MobileBox,
            _ => ParticipationChannel::Station,
        }
    }
}

/// The campaign's participation records, in order.
pub async fn participations(db: &Db, campaign_id: i64) -> AppResult<Vec<ParticipationRow>> {
    Q::new(
        "select x.id, x.voter_id, v.person_id, p.name, x.channel from resident_participations x \
         join resident_voters v on v.id = x.voter_id join people p on p.id = v.person_id where x.campaign_id = $1 order by x.id",
    )
    .bind(campaign_id)
    .all(db)
    .await
}

/// Participation counts per channel: (label, count), then the total.
pub fn counts(rows: &[ParticipationRow]) -> (Vec<(&'static str, usize)>, usize) {
    let per = [
        ParticipationChannel::Station,
        ParticipationChannel::Proxy,
        ParticipationChannel::MobileBox,
    ]
    .into_iter()
    .map(|ch| {
        (
            ch.label(),
            rows.iter().filter(|r| r.channel() == ch).count(),
        )
    })
    .collect();
    (per, rows.len())
}

/// The quorum check stored when the polls closed; `None` while they are open.
pub async fn quorum(db: &Db, campaign_id: i64) -> AppResult<Option<CheckView>> {
    Ok(store::checks(db, ELECTION_SUBJECT, campaign_id)
        .await?
        .into_iter()
        .find(|k| k.rule == "R-7.quorum"))
}

/// The rounds of the election's vote, elected write-ins matched to the voters by name.
pub async fn rounds(db: &Db, e: &Election) -> AppResult<Option<Stage>> {
    let Some(first) = e.vote_id else {
        return Ok(None);
    };
    let mut s = stage::stage(db, first, None, None).await?;
    let people: Vec<(i64, String)> = electorate(db, e.campaign_id)
        .await?
        .into_iter()
        .map(|v| (v.person_id, v.name))
        .collect();
    stage::resolve(&mut s, &people);
    crate::residents::r7_election::vacancy::apply(
        &mut s,
        &crate::residents::r7_election::vacancy::vacancies(db, e).await?,
    );
    Ok(Some(s))
}

/// A write-in winner who is not a registered voter, with the committee's decision if made.
#[derive(Clone, Debug, Serialize)]
pub struct Flag {
    /// The round.
    pub vote_id: i64,
    /// The round's title.
    pub title: String,
    /// The post.
    pub post: String,
    /// The name written in.
    pub name: String,
    /// The decision: (accepted, reason).
    pub decision: Option<(bool, String)>,
}

impl Flag {
    /// The decision in words.
    pub fn decision_text(&self) -> String {
        match &self.decision {
            None => "待居民选举委员会决定".into(),
            Some((true, r)) => format!("确认当选（{r}）"),
            Some((false, r)) => format!("不予确认（{r}）"),
        }
    }
}

/// The result of a round in review (counted now) or certified (stored); `None` before.
async fn result_of(db: &Db, v: &Vote) -> AppResult<Option<TallyResult>> {
    match v.state() {
        VoteState::Certified => Ok(v
            .result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())),
        VoteState::Review => Ok(Some(tally_of(db, v).await?)),
        _ => Ok(None),
    }
}

/// The flags of one round: elected names written in (not on the post's list) who are not
/// registered voters of the campaign.
async fn flags_of(
    db: &Db,
    campaign_id: i64,
    v: &Vote,
    result: &TallyResult,
) -> AppResult<Vec<Flag>> {
    let voters: BTreeSet<String> = electorate(db, campaign_id)
        .await?
        .into_iter()
        .map(|v| v.name)
        .collect();
    let decided: Vec<(String, bool, String)> =
        Q::new("select name, accepted, reason from resident_writein_decisions where vote_id = $1")
            .bind(v.id)
            .all(db)
            .await?;
    let posts = v.posts();
    let mut out = Vec::new();
    for p in result.posts.iter().filter(|_| result.valid) {
        let listed = posts.iter().find(|d| d.post == p.post);
        for c in p.candidates.iter().filter(|c| c.status == Status::Elected) {
            let written_in = listed.is_none_or(|d| !d.candidates.contains(&c.name));
            if written_in && !voters.contains(&c.name) {
                out.push(Flag {
                    vote_id: v.id,
                    title: v.title.clone(),
                    post: p.post.clone(),
                    name: c.name.clone(),
                    decision: decided
                        .iter()
                        .find(|(n, _, _)| *n == c.name)
                        .map(|(_, a, r)| (*a, r.clone())),
                });
            }
        }
    }
    Ok(out)
}

/// Every flag of the election's rounds in review or certified.
pub async fn flags(db: &Db, e: &Election) -> AppResult<Vec<Flag>> {
    let Some(first) = e.vote_id else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for v in stage::chain(db, first).await? {
        if let Some(r) = result_of(db, &v).await? {
            out.extend(flags_of(db, e.campaign_id, &v, &r).await?);
        }
    }
    Ok(out)
}

/// The election whose meeting holds `vote`, if it is a residents' election vote.
async fn election_of_vote(db: &Db, vote: &Vote) -> AppResult<Option<Election>> {
    if vote.preset != "residents" {
        return Ok(None);
    }
    Q::new(format!("{ELECTION_COLS} where meeting_id = $1"))
        .bind(vote.meeting_id)
        .optional(db)
        .await
}

/// Counting-room hook before a sign-off: a round of an R-7 election whose elected write-ins
/// include someone who is not a registered voter cannot be signed until the election
/// committee's decision on them is recorded. The sentence says who.
pub async fn signoff_blocker(
    db: &Db,
    vote: &Vote,
    result: &TallyResult,
) -> AppResult<Option<String>> {
    let Some(e) = election_of_vote(db, vote).await? else {
        return Ok(None);
    };
    let open: Vec<String> = flags_of(db, e.campaign_id, vote, result)
        .await?
        .into_iter()
        .filter(|f| f.decision.is_none())
        .map(|f| format!("{}（{}）", f.name, f.post))
        .collect();
    Ok((!open.is_empty()).then(|| {
        format!(
            "另选他人当选的{}不是本社区登记选民，须由居民选举委员会作出决定并说明理由后才能签署。",
            open.join("、")
        )
    }))
}

/// Counting-room hook before counting starts: the first round of an R-7 election is counted
/// only after the polls are closed and more than half of the electorate took part (statutory,
/// no override). Its present and ballots issued, like every round's, are the participation
/// records' (`counting::head_count`).
pub async fn counting_gate(db: &Db, vote: &Vote) -> AppResult<()> {
    let Some(e) = election_of_vote(db, vote).await? else {
        return Ok(());
    };
    if e.vote_id != Some(vote.id) {
        return Ok(());
    }
    let Some(k) = quorum(db, e.campaign_id).await? else {
        return Err(AppError::conflict(
            "投票尚未结束：请先在选举大会页面结束投票，统计参加投票人数后再开始计票。",
        ));
    };
    if !k.passed {
        return Err(AppError::conflict(format!(
            "{}不能开始计票（法定要求，不能放宽）。",
            k.message
        )));
    }
    Ok(())
}

/// Whether R-7 is done.
pub async fn done(db: &Db, c: &Campaign) -> AppResult<bool> {
    store::step_done(db, c.id, "R-7").await
}

/// What blocks R-7, in sentences (the overview's blockers).
pub async fn blockers(db: &Db, c: &Campaign) -> AppResult<Vec<String>> {
    let Some(e) = election(db, c.id).await? else {
        return Ok(vec!["尚未创建居民委员会选举大会（日期、地点）。".into()]);
    };
    let mut out = Vec::new();
    match quorum(db, c.id).await? {
        None => out.push("投票尚未结束（参加投票登记进行中）。".into()),
        Some(k) if !k.passed => out.push(k.message),
        Some(_) => {}
    }
    if let Some(s) = rounds(db, &e).await? {
        if !s.complete {
            out.push(format!("选举尚未完成：{}", s.status));
        }
    }
    for f in flags(db, &e).await?.iter().filter(|f| f.decision.is_none()) {
        out.push(format!(
            "另选他人当选的{}（{}）不是本社区登记选民，待居民选举委员会决定。",
            f.name, f.post
        ));
    }
    Ok(out)
}

/// The vote of the election, or 409.
pub async fn vote_of(db: &Db, e: &Election) -> AppResult<Vote> {
    match e.vote_id {
        Some(id) => load_vote(db, id).await,
        None => Err(AppError::conflict("选举大会尚未创建投票。")),
    }
}
