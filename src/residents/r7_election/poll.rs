//! R-7 正式投票, on the day and after: one participation per voter (central station by the
//! voter certificate, approved proxy, approved mobile ballot box), closing the polls (present
//! and ballots issued from the records, the quorum check stored), the election committee's
//! decisions on write-in winners who are not voters, and closing R-7 with the elected and
//! their certificate numbers. Each change is audited in the community's chain.

use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::counting::stage;
use crate::db::Q;
use crate::domain::counting::VoteState;
use crate::domain::residents::{
    CertificateKind, Participation, ParticipationChannel, PersonRef, Post, certificate_number,
    check_elected_is_voter, check_participation, check_quorum, parse_certificate_number,
};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult};
use crate::residents::r4_voters::read::Voter;
use crate::residents::r4_voters::write::term_number;
use crate::residents::r7_election::read::{
    self as read, ELECTION_SUBJECT, Election, WRITEIN_SUBJECT,
};
use crate::residents::r7_election::write::require_polls_open;
use crate::residents::setup::require_open;
use crate::state::AppState;

/// A participation: the channel and the voter (by certificate number, or person for a proxy
/// or a mobile box), the box for a mobile box.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ParticipationInput {
    /// `station` (default) | `proxy` | `mobile_box`.
    pub channel: String,
    /// The voter certificate number as scanned (its QR code encodes it) or typed.
    pub certificate: String,
    /// The voter (person id), instead of the certificate for a proxy or a mobile box.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub person_id: Option<i64>,
    /// The mobile box.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub box_id: Option<i64>,
}

fn channel_of(s: &str) -> AppResult<ParticipationChannel> {
    match s.trim() {
        "" | "station" => Ok(ParticipationChannel::Station),
        "proxy" => Ok(ParticipationChannel::Proxy),
        "mobile_box" => Ok(ParticipationChannel::MobileBox),
        _ => Err(AppError::invalid(
            "投票方式",
            "应为中心投票站（station）、委托投票（proxy）或流动票箱（mobile_box）",
        )),
    }
}

/// The voter a certificate number names (the campaign's own, not removed), or 422.
fn by_certificate<'a>(
    voters: &'a [Voter],
    community: &Community,
    c: &Campaign,
    text: &str,
) -> AppResult<&'a Voter> {
    let bad = || {
        AppError::invalid(
            "选民证",
            format!("“{}”不是本届本社区的选民证编号", text.trim()),
        )
    };
    let (kind, code, term, seq) = parse_certificate_number(text).ok_or_else(bad)?;
    if kind != CertificateKind::Voter
        || !code.eq_ignore_ascii_case(&community.code)
        || term != term_number(&c.term)
    {
        return Err(bad());
    }
    let no = certificate_number(CertificateKind::Voter, &community.code, term, seq);
    voters
        .iter()
        .find(|v| v.certificate_no.as_deref() == Some(no.as_str()))
        .ok_or_else(bad)
}

/// Whether voters can be registered at the station now: the polls are open and the election
/// meeting exists. The station page shows its forms only then, and this reason otherwise.
pub async fn station_open(state: &AppState, c: &Campaign) -> AppResult<()> {
    require_polls_open(state, c).await?;
    if read::election(&state.db, c.id).await?.is_none() {
        return Err(AppError::conflict("尚未创建选举大会。"));
    }
    Ok(())
}

/// Records one voter's participation; a second one of the same voter is refused (409 naming
/// the earlier channel). Returns the voter's name and the check.
pub async fn participate(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ParticipationInput,
) -> AppResult<(String, RuleCheck)> {
    let channel = channel_of(&f.channel)?;
    station_open(state, c).await?;
    let voters = read::electorate(&state.db, c.id).await?;
    let voter = match (f.certificate.trim(), f.person_id) {
        ("", Some(pid)) if channel != ParticipationChannel::Station => voters
            .iter()
            .find(|v| v.person_id == pid)
            .ok_or_else(|| AppError::invalid("选民", "不是本社区登记选民"))?,
        ("", _) => return Err(AppError::invalid("选民证", "请扫描或输入选民证编号")),
        (t, _) => by_certificate(&voters, community, c, t)?,
    };
    let (mut proxy_id, mut box_id) = (None, None);
    match channel {
        ParticipationChannel::Proxy => {
            let p = read::proxies(&state.db, c.id)
                .await?
                .into_iter()
                .find(|p| p.principal_id == voter.person_id)
                .ok_or_else(|| {
                    AppError::conflict(format!("{}没有经批准的委托投票。", voter.name))
                })?;
            proxy_id = Some(p.id);
        }
        ParticipationChannel::MobileBox => {
            let b = read::boxes(&state.db, c.id)
                .await?
                .into_iter()
                .find(|b| Some(b.id) == f.box_id)
                .ok_or_else(|| AppError::invalid("流动票箱", "请选择经批准的流动票箱"))?;
            box_id = Some(b.id);
        }
        ParticipationChannel::Station => {}
    }
    let recorded: Vec<Participation> = read::participations(&state.db, c.id)
        .await?
        .iter()
        .map(|p| Participation {
            voter: p.person_id,
            channel: p.channel(),
        })
        .collect();
    let check = check_participation(
        &recorded,
        &PersonRef::new(voter.person_id, &voter.name),
        channel,
    );
    if !check.passed {
        return Err(AppError::conflict(check.message));
    }
    let as_str = match channel {
        ParticipationChannel::Station => "station",
        ParticipationChannel::Proxy => "proxy",
        ParticipationChannel::MobileBox => "mobile_box",
    };
    let mut tx = state.db.begin().await?;
    let id = Q::new("insert into resident_participations (campaign_id, voter_id, channel, proxy_id, box_id, created_by, created_at) \
                     values ($1, $2, $3, $4, $5, $6, $7) returning id")
        .bind(c.id)
        .bind(voter.id)
        .bind(as_str)
        .bind(proxy_id)
        .bind(box_id)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .try_scalar(&mut tx)
        .await
        .map_err(|e| {
            // Two scans of one certificate at once: the unique key refuses the second.
            if crate::db::is_unique_violation(&e) {
                AppError::conflict(format!("{}已参加投票，每名选民只能投票一次。", voter.name))
            } else {
                e.into()
            }
        })?;
    let after = json!({"voter": voter.name, "certificate_no": voter.certificate_no, "channel": as_str, "proxy": proxy_id, "box": box_id});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("create", "resident_participation", id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((voter.name.clone(), check))
}

/// Closes the polls: present = ballots issued = the participation count, written to the vote
/// (still draft or voting); the quorum check is stored and returned. Counting starts only
/// when it passed (`read::counting_gate`).
pub async fn close_polls(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<RuleCheck> {
    require_polls_open(state, c).await?;
    let e = read::election(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("尚未创建选举大会。"))?;
    let vote = read::vote_of(&state.db, &e).await?;
    if !matches!(vote.state(), VoteState::Draft | VoteState::Voting) {
        return Err(AppError::conflict(format!(
            "投票已处于“{}”，不能再结束投票。",
            vote.state().label()
        )));
    }
    let rules = read::adopted_rules(&state.db, c.id).await?;
    let present = read::participations(&state.db, c.id).await?.len() as i64;
    let check = check_quorum(
        rules.mode,
        vote.electorate.max(0) as u64,
        present as u64,
        rules.tally_settings().quorum,
    );
    let mut tx = state.db.begin().await?;
    Q::new("update votes set present = $1, ballots_issued = $1, updated_at = $2 where id = $3 and state in ('draft', 'voting')")
        .bind(present)
        .bind(crate::now())
        .bind(vote.id)
        .execute(&mut tx)
        .await?;
    crate::checks::save(&mut tx, ELECTION_SUBJECT, c.id, &check).await?;
    let after = json!({"vote": vote.id, "electorate": vote.electorate, "present": present, "ballots_issued": present, "quorum": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("close_polls", "resident_election", c.id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(check)
}

/// The election committee's decision on a write-in winner who is not a registered voter.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct WriteinInput {
    /// The round.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub vote_id: Option<i64>,
    /// The name as written in.
    pub name: String,
    /// Whether the election is confirmed (a form checkbox sends "on").
    #[serde(deserialize_with = "crate::counting::store_bool::de")]
    pub accepted: bool,
    /// Why (required).
    pub reason: String,
}

/// Records the decision on a flagged write-in winner (422 without a reason, 409 when the name
/// is not flagged in that round or already decided).
pub async fn decide_writein(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &WriteinInput,
) -> AppResult<RuleCheck> {
    let reason = f.reason.trim();
    let name = f.name.trim();
    let Some(vote_id) = f.vote_id else {
        return Err(AppError::invalid("投票", "请选择投票轮次"));
    };
    if reason.is_empty() {
        return Err(AppError::invalid(
            "理由",
            "居民选举委员会的决定必须写明理由",
        ));
    }
    require_open(state, c, "R-7").await?;
    let e = read::election(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("尚未创建选举大会。"))?;
    let flag = read::flags(&state.db, &e)
        .await?
        .into_iter()
        .find(|x| x.vote_id == vote_id && x.name == name)
        .ok_or_else(|| {
            AppError::conflict(format!(
                "{name}不是该轮另选他人当选的非本社区登记选民，无需决定。"
            ))
        })?;
    if flag.decision.is_some() {
        return Err(AppError::conflict(format!("对{name}的决定已经记录。")));
    }
    let check = check_elected_is_voter(name, false);
    let mut tx = state.db.begin().await?;
    let id = Q::new("insert into resident_writein_decisions (campaign_id, vote_id, name, accepted, reason, created_by, created_at) \
                     values ($1, $2, $3, $4, $5, $6, $7) returning id")
        .bind(c.id)
        .bind(vote_id)
        .bind(name)
        .bind(f.accepted)
        .bind(reason)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .scalar(&mut tx)
        .await?;
    crate::checks::save(&mut tx, WRITEIN_SUBJECT, id, &check).await?;
    let after = json!({"vote": vote_id, "post": flag.post, "name": name, "accepted": f.accepted, "reason": reason, "check": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("decide", "resident_writein", id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(check)
}

/// One row of `resident_elected` as inserted.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ElectedRow {
    /// The round that elected them.
    pub vote_id: i64,
    /// `director` | `deputy` | `member`.
    pub post: String,
    /// Name.
    pub name: String,
    /// The person, when matched.
    pub person_id: Option<i64>,
    /// Votes.
    pub votes: u64,
    /// 当选证书 number.
    pub certificate_no: String,
}

/// Closes R-7: refused until the election is complete (every seat filled, or no further round
/// possible) and every flagged write-in decided; inserts the elected with their certificate
/// numbers and marks R-7 done.
pub async fn finish(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<Vec<ElectedRow>> {
    require_open(state, c, "R-7").await?;
    if read::done(&state.db, c).await? {
        return Err(AppError::conflict("正式投票（R-7）已经完成。"));
    }
    let e: Election = read::election(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("尚未创建选举大会。"))?;
    let s = read::rounds(&state.db, &e)
        .await?
        .ok_or_else(|| AppError::conflict("选举大会尚未创建投票。"))?;
    let last_certified = s.rounds.last().is_some_and(|r| r.certified);
    if !(s.complete || last_certified && !s.further) {
        return Err(AppError::conflict(format!("选举尚未完成：{}", s.status)));
    }
    let flags = read::flags(&state.db, &e).await?;
    let vacancies = crate::residents::r7_election::vacancy::vacancies(&state.db, &e).await?;
    if let Some(v) = vacancies.iter().find(|v| v.open) {
        return Err(AppError::conflict(format!(
            "选举尚未完成：{}请先安排另行选举。",
            v.text()
        )));
    }
    if let Some(f) = flags.iter().find(|f| f.decision.is_none()) {
        return Err(AppError::conflict(format!(
            "另选他人当选的{}（{}）不是本社区登记选民，须先记录居民选举委员会的决定。",
            f.name, f.post
        )));
    }
    let rejected = |e: &stage::Elected| {
        flags.iter().any(|f| {
            f.vote_id == e.vote_id && f.name == e.name && f.decision.as_ref().is_some_and(|d| !d.0)
        })
    };
    let term = term_number(&c.term);
    let rows: Vec<ElectedRow> = s
        .elected
        .iter()
        .filter(|e| !rejected(e))
        .enumerate()
        .map(|(i, e)| ElectedRow {
            vote_id: e.vote_id,
            post: Post::parse(&e.post).map_or(e.post.clone(), |p| p.as_str().to_string()),
            name: e.name.clone(),
            person_id: e.person_id,
            votes: e.votes,
            certificate_no: certificate_number(
                CertificateKind::Election,
                &community.code,
                term,
                i as u32 + 1,
            ),
        })
        .collect();
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    for r in &rows {
        Q::new("insert into resident_elected (campaign_id, vote_id, post, name, person_id, votes, certificate_no, created_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(c.id)
            .bind(r.vote_id)
            .bind(&r.post)
            .bind(&r.name)
            .bind(r.person_id)
            .bind(r.votes as i64)
            .bind(&r.certificate_no)
            .bind(now)
            .execute(&mut tx)
            .await?;
    }
    let closed = json!({"done_at": now, "elected": rows.len()});
    crate::steps::close(&mut tx, ctx, c, community, "R-7", closed).await?;
    audit::record(
        &mut tx,
        ctx,
        community,
        ("done", "resident_election", c.id.to_string()),
        json!({"elected": rows, "status": s.status}),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}
