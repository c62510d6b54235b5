//! R-7 正式投票, before the count: the election meeting with its one vote (主任, 副主任 and
//! 委员 on one ballot) in the counting room, the approved proxies (委托投票) and the mobile
//! ballot boxes approved by the street. Each change is audited in the community's chain.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::counting::{CandidateInput, PostInput, Vote, VoteInput, create_vote, load_meeting};
use crate::db::Q;
use crate::domain::person::parse_date;
use crate::domain::residents::{PersonRef, Post, ProxyBook, check_mobile_box, check_proxy};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult};
use crate::residents::r4_voters::read as voters_read;
use crate::residents::r5_nominees::read as nominees_read;
use crate::residents::r7_election::read::{self as read, BOX_SUBJECT, Election, PROXY_SUBJECT};
use crate::residents::setup::require_open;
use crate::residents::store;
use crate::state::AppState;

/// 409 unless R-7 is open and not done, and the polls are still open.
pub(crate) async fn require_polls_open(state: &AppState, c: &Campaign) -> AppResult<()> {
    require_open(state, c, "R-7").await?;
    if read::done(&state.db, c).await? {
        return Err(AppError::conflict("正式投票（R-7）已经完成。"));
    }
    if read::quorum(&state.db, c.id).await?.is_some() {
        return Err(AppError::conflict("投票已经结束，不能再登记。"));
    }
    Ok(())
}

/// The election meeting's day and place.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ElectionInput {
    /// Date.
    pub date: String,
    /// Place (中心会场).
    pub place: String,
}

/// Creates the election meeting (chaired by the election committee's chair) and its vote:
/// the posts with the rules' seats, the official candidates per post, the registered voters
/// as the electorate, the rules' counting settings. A meeting left without its vote (the vote
/// was refused) gets it on the next call.
pub async fn create(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ElectionInput,
) -> AppResult<(Election, Vote)> {
    let date =
        parse_date(f.date.trim()).ok_or_else(|| AppError::invalid("选举日期", "请填写有效日期"))?;
    // Ages and the voter list's publication were reckoned from the campaign's election day.
    if let Some(day) = c.residents_election_day.filter(|d| *d != date) {
        return Err(AppError::invalid(
            "选举日期",
            format!(
                "选举大会应在本次居委会选举日 {day} 举行（选民年龄和选民名单公布天数均按该日计算）"
            ),
        ));
    }
    let place = f.place.trim();
    if place.is_empty() || place.chars().count() > 100 {
        return Err(AppError::invalid(
            "地点",
            "请填写中心会场地点（最多 100 字）",
        ));
    }
    require_polls_open(state, c).await?;
    let before = read::election(&state.db, c.id).await?;
    if before.as_ref().is_some_and(|e| e.vote_id.is_some()) {
        return Err(AppError::conflict("选举大会已经创建。"));
    }
    let rules = read::adopted_rules(&state.db, c.id).await?;
    if voters_read::publication(&state.db, c.id).await?.is_none() {
        return Err(AppError::conflict(
            "选民名单（R-4）尚未公布，不能进行正式投票。",
        ));
    }
    let official = nominees_read::official(&state.db, c.id).await?;
    if official.is_empty() {
        return Err(AppError::conflict(
            "尚无正式候选人（R-5），不能进行正式投票。",
        ));
    }
    let electorate = read::electorate(&state.db, c.id).await?.len() as i64;
    if electorate == 0 {
        return Err(AppError::conflict("没有登记选民，不能进行正式投票。"));
    }
    let chair = store::committee(&state.db, c.id)
        .await?
        .members
        .into_iter()
        .find(|m| m.chair)
        .ok_or_else(|| {
            AppError::conflict("居民选举委员会（R-2）尚未确定主任，选举大会须由其主持。")
        })?;
    let election = match before {
        Some(e) => e,
        None => {
            let mut tx = state.db.begin().await?;
            let input = crate::counting::MeetingInput {
                title: format!("{}{}居民委员会选举大会", community.name, c.term),
                kind: "residents".into(),
                date: date.to_string(),
            };
            let meeting = crate::counting::insert_meeting(&mut tx, ctx, community, &input).await?;
            let now = crate::now();
            Q::new("insert into resident_elections (campaign_id, meeting_id, place, chair_person_id, created_by, created_at, updated_at) \
                    values ($1, $2, $3, $4, $5, $6, $6)")
                .bind(c.id)
                .bind(meeting.id)
                .bind(place)
                .bind(chair.person_id)
                .bind(ctx.user()?.id)
                .bind(now)
                .execute(&mut tx)
                .await?;
            tx.commit().await?;
            Election {
                campaign_id: c.id,
                meeting_id: meeting.id,
                vote_id: None,
                place: place.into(),
                chair_person_id: Some(chair.person_id),
            }
        }
    };
    // The seats of C-2, frozen once the rules are adopted (the slate was checked against them).
    let seats = &store::seats(&state.db, c.id).await?.0;
    let posts: Vec<PostInput> = Post::ALL
        .into_iter()
        .map(|p| {
            let n = match p {
                Post::Director => seats.director,
                Post::Deputy => seats.deputies,
                Post::Member => seats.members,
            };
            (p, n)
        })
        .filter(|(_, n)| *n > 0)
        .map(|(p, n)| PostInput {
            post: p.label().into(),
            seats: u64::from(n),
            candidates: official
                .iter()
                .filter(|o| o.post() == Some(p))
                .map(|o| CandidateInput::Person {
                    name: o.name.clone(),
                    person_id: Some(o.person_id),
                })
                .collect(),
            eligible: None,
        })
        .collect();
    let settings =
        serde_json::to_value(&rules.counting).map_err(|e| AppError::internal(e.to_string()))?;
    let meeting = load_meeting(&state.db, election.meeting_id).await?;
    let input = VoteInput {
        title: format!("选举{}居民委员会成员", community.name),
        preset: "residents".into(),
        settings: Some(settings),
        round: None,
        follows: None,
        electorate,
        posts,
        double_entry: None,
    };
    let vote = create_vote(state, ctx, &meeting, &input).await?;
    let mut tx = state.db.begin().await?;
    Q::new("update resident_elections set vote_id = $1, updated_at = $2 where campaign_id = $3")
        .bind(vote.id)
        .bind(crate::now())
        .bind(c.id)
        .execute(&mut tx)
        .await?;
    let e = Election {
        vote_id: Some(vote.id),
        ..election
    };
    let after = json!({"election": e, "chair": chair.name, "electorate": electorate, "date": date});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("create", "resident_election", c.id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((e, vote))
}

/// A proxy request: principal, proxy and the written authorisation.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProxyInput {
    /// 委托人 (person id).
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub principal_id: Option<i64>,
    /// 受托人 (person id).
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub proxy_id: Option<i64>,
    /// The written authorisation (委托书), e.g. its reference.
    pub letter: String,
}

async fn name_of(state: &AppState, id: i64) -> AppResult<String> {
    let row: Option<(String,)> = Q::new("select name from people where id = $1")
        .bind(id)
        .optional(&state.db)
        .await?;
    Ok(row
        .ok_or_else(|| AppError::invalid("人员", "人员不存在"))?
        .0)
}

/// Approves a proxy after `check_proxy` (422 with its sentence when it fails).
pub async fn add_proxy(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ProxyInput,
) -> AppResult<(i64, RuleCheck)> {
    let (Some(a), Some(b)) = (f.principal_id, f.proxy_id) else {
        return Err(AppError::invalid("人员", "请填写委托人和受托人"));
    };
    let letter = f.letter.trim();
    if letter.is_empty() {
        return Err(AppError::invalid(
            "委托书",
            "委托投票须有书面委托书，请填写委托书编号或内容",
        ));
    }
    require_polls_open(state, c).await?;
    let rules = read::adopted_rules(&state.db, c.id).await?;
    let voters: BTreeSet<i64> = read::electorate(&state.db, c.id)
        .await?
        .iter()
        .map(|v| v.person_id)
        .collect();
    let candidates: BTreeSet<i64> = nominees_read::official(&state.db, c.id)
        .await?
        .iter()
        .map(|n| n.person_id)
        .collect();
    let rel: Vec<(i64, i64, String)> = Q::new(
        "select person_id, other_id, kind from relations where person_id in ($1, $2) or other_id in ($1, $2)",
    )
    .bind(a)
    .bind(b)
    .all(&state.db)
    .await?;
    let relations: Vec<(i64, i64, &str)> =
        rel.iter().map(|(x, y, k)| (*x, *y, k.as_str())).collect();
    let principal = PersonRef::new(a, &name_of(state, a).await?);
    let proxy = PersonRef::new(b, &name_of(state, b).await?);
    // The principals a proxy already holds are read in the transaction that inserts, with the
    // campaign locked (SQLite's write transaction is already exclusive), so approvals sent at
    // once cannot pass the limit together.
    let mut tx = state.db.begin().await?;
    let lock = tx.for_update();
    let _: Option<(i64,)> = Q::new(format!("select id from campaigns where id = $1{lock}"))
        .bind(c.id)
        .optional(&mut tx)
        .await?;
    let approved: Vec<(i64, i64)> = read::proxies(&mut tx, c.id)
        .await?
        .iter()
        .map(|p| (p.principal_id, p.proxy_id))
        .collect();
    let book = ProxyBook {
        voters: &voters,
        candidates: &candidates,
        relations: &relations,
        approved: &approved,
        limit: rules.proxy_limit,
    };
    let check = check_proxy(&book, &principal, &proxy);
    if !check.passed {
        return Err(AppError::invalid("委托投票", check.message));
    }
    let id = Q::new("insert into resident_proxies (campaign_id, principal_id, proxy_id, letter, created_by, created_at) values ($1, $2, $3, $4, $5, $6) returning id")
        .bind(c.id)
        .bind(a)
        .bind(b)
        .bind(letter)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .scalar(&mut tx)
        .await?;
    crate::checks::save(&mut tx, PROXY_SUBJECT, id, &check).await?;
    let after = json!({"principal": principal, "proxy": proxy, "letter": letter, "check": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("create", "resident_proxy", id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((id, check))
}

/// Scrutineers as a JSON list or as text (one per line, or separated by 、，,).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Names {
    /// A list.
    List(Vec<String>),
    /// Text.
    Text(String),
}

impl Default for Names {
    fn default() -> Names {
        Names::List(Vec::new())
    }
}

impl Names {
    /// The names, trimmed, blanks dropped.
    pub fn names(&self) -> Vec<String> {
        let raw: Vec<String> = match self {
            Names::List(v) => v.clone(),
            Names::Text(t) => t
                .split(['\n', '、', '，', ','])
                .map(str::to_string)
                .collect(),
        };
        raw.into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// A mobile ballot box: name, the street's approval text and its scrutineers.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct BoxInput {
    /// Name.
    pub name: String,
    /// The street's approval (批准意见).
    pub approval: String,
    /// The scrutineers.
    pub scrutineers: Names,
}

/// The street approves a mobile ballot box after `check_mobile_box` (422 when it fails).
pub async fn add_box(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &BoxInput,
) -> AppResult<(i64, RuleCheck)> {
    let name = f.name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("票箱名称", "请填写流动票箱名称"));
    }
    let approval = f.approval.trim();
    let mut names = f.scrutineers.names();
    // The same scrutineer named twice counts once.
    let mut seen = std::collections::BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
    let check = check_mobile_box(!approval.is_empty(), names.len() as u32);
    if !check.passed {
        return Err(AppError::invalid("流动票箱", check.message));
    }
    require_polls_open(state, c).await?;
    let list = serde_json::to_string(&names).map_err(|e| AppError::internal(e.to_string()))?;
    let mut tx = state.db.begin().await?;
    let id = Q::new("insert into resident_mobile_boxes (campaign_id, name, approval, scrutineers, created_by, created_at) values ($1, $2, $3, $4, $5, $6) returning id")
        .bind(c.id)
        .bind(name)
        .bind(approval)
        .bind(list)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .scalar(&mut tx)
        .await?;
    crate::checks::save(&mut tx, BOX_SUBJECT, id, &check).await?;
    let after = json!({"name": name, "approval": approval, "scrutineers": names, "check": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("create", "resident_mobile_box", id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((id, check))
}
