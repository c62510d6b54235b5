//! Closing P-6 and P-7 报批: once the 书记/副书记 stage is complete, P-6 is marked done and
//! every elected person gets a pending (待批准) row per post; the street files (备案) the
//! 委员 and approves (批准) the 书记/副书记, and P-7 is done when all are decided. Also what
//! P-6/P-7 still lack, for the pipeline page.

use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::counting::stage::{self as stage, Elected, Stage};
use crate::db::{Db, Q};
use crate::domain::party::{ApprovalStatus, Post};
use crate::error::{AppError, AppResult};
use crate::party::p6_congress::read::{self as read, Approval, Congress};
use crate::party::p6_congress::votes::{leaders_check, members_stage};
use crate::party::p6_congress::write::require_congress;
use crate::party::store;
use crate::state::AppState;

/// The 书记/副书记 stage, with write-ins matched to the roll by name.
pub async fn leaders_stage(
    state: &AppState,
    c: &Campaign,
    g: &Congress,
) -> AppResult<Option<Stage>> {
    let Some(first) = g.leaders_vote_id else {
        return Ok(None);
    };
    let mut s = stage::stage(&state.db, first, None, Some("委员")).await?;
    let roll = read::roll(&state.db, c.id, c.community_id).await?;
    let people: Vec<(i64, String)> = roll
        .entries
        .iter()
        .map(|e| (e.person_id, e.name.clone()))
        .collect();
    stage::resolve(&mut s, &people);
    Ok(Some(s))
}

/// The elected of both stages as (person, post) rows for P-7; 409 if someone's person is unknown.
fn rows(members: &Stage, leaders: &Stage) -> AppResult<Vec<(i64, String, String)>> {
    let mut out: Vec<(i64, String, String)> = Vec::new();
    let all: Vec<&Elected> = members
        .of_post(Post::Member.label())
        .into_iter()
        .chain(leaders.of_post(Post::Secretary.label()))
        .chain(leaders.of_post(Post::DeputySecretary.label()))
        .collect();
    for e in all {
        let id = e.person_id.ok_or_else(|| {
            AppError::conflict(format!(
                "当选人{}不在应到会党员名册中，无法确定其人员记录。",
                e.name
            ))
        })?;
        if !out.iter().any(|(p, q, _)| *p == id && *q == e.post) {
            out.push((id, e.post.clone(), e.name.clone()));
        }
    }
    Ok(out)
}

/// Marks P-6 done once the 书记/副书记 stage is complete, and lists the elected for P-7.
pub async fn finish_p6(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<usize> {
    let g = require_congress(state, c).await?;
    if store::step_done(&state.db, c.id, "P-6").await? {
        return Err(AppError::conflict("党员大会（P-6）已经标记完成。"));
    }
    let members = members_stage(state, c, &g)
        .await?
        .filter(|s| s.complete)
        .ok_or_else(|| AppError::conflict("委员选举尚未完成。"))?;
    let leaders = leaders_stage(state, c, &g)
        .await?
        .ok_or_else(|| AppError::conflict("尚未进行书记、副书记选举。"))?;
    if !leaders.complete {
        return Err(AppError::conflict(format!(
            "书记、副书记选举尚未完成：{}",
            leaders.status
        )));
    }
    let list = rows(&members, &leaders)?;
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    for (person, post, _) in &list {
        Q::new("insert into party_approvals (campaign_id, person_id, post, status, created_at) values ($1, $2, $3, 'pending', $4) \
                on conflict (campaign_id, person_id, post) do nothing")
            .bind(c.id)
            .bind(*person)
            .bind(post)
            .bind(now)
            .execute(&mut tx)
            .await?;
    }
    let elected: Vec<_> = list
        .iter()
        .map(|(p, q, n)| json!({"person_id": p, "post": q, "name": n}))
        .collect();
    let after = json!({"done_at": now, "elected": elected});
    crate::steps::close(&mut tx, ctx, c, community, "P-6", after).await?;
    tx.commit().await?;
    Ok(list.len())
}

/// Input for the street's decision: the post (empty: every pending post of the person).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    /// `委员`, `书记` or `副书记` (or the post id).
    pub post: String,
}

/// The street files (委员) or approves (书记/副书记) an elected person; P-7 is done when
/// nobody is pending. Returns the person's rows after the decision.
pub async fn decide(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    person: i64,
    f: &DecisionInput,
) -> AppResult<Vec<Approval>> {
    let post = match f.post.trim() {
        "" => None,
        p => Some(
            Post::parse(p).ok_or_else(|| AppError::invalid("职务", "应为书记、副书记或委员"))?,
        ),
    };
    let all = read::approvals(&state.db, c.id).await?;
    if all.is_empty() {
        return Err(AppError::conflict(
            "党员大会（P-6）尚未完成，没有需报批的当选人。",
        ));
    }
    let mine: Vec<&Approval> = all
        .iter()
        .filter(|a| a.person_id == person && post.is_none_or(|p| a.post == p.label()))
        .collect();
    if mine.is_empty() {
        return Err(AppError::invalid(
            "当选人",
            format!("编号 {person} 没有需报批的当选职务"),
        ));
    }
    let open: Vec<&&Approval> = mine.iter().filter(|a| a.pending()).collect();
    if open.is_empty() {
        return Err(AppError::conflict(format!(
            "{}已经备案或批准。",
            mine[0].name
        )));
    }
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    let mut decided = Vec::new();
    for a in &open {
        let to = ApprovalStatus::completed_for(Post::parse(&a.post).unwrap_or(Post::Member));
        Q::new("update party_approvals set status = $1, decided_by = $2, decided_at = $3 where campaign_id = $4 and person_id = $5 and post = $6")
            .bind(to.as_str())
            .bind(ctx.user()?.id)
            .bind(now)
            .bind(c.id)
            .bind(person)
            .bind(&a.post)
            .execute(&mut tx)
            .await?;
        decided.push(json!({"post": a.post, "status": to.as_str()}));
    }
    let pending = Q::new(
        "select count(*) from party_approvals where campaign_id = $1 and status = 'pending'",
    )
    .bind(c.id)
    .scalar(&mut tx)
    .await?;
    if pending == 0 {
        let after = json!({"done_at": now, "approvals": "all decided"});
        crate::steps::close(&mut tx, ctx, c, community, "P-7", after).await?;
    }
    let after = json!({"name": mine[0].name, "decided": decided, "p7_done": pending == 0});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("decide", "party_approval", format!("{}:{person}", c.id)),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(read::approvals(&state.db, c.id)
        .await?
        .into_iter()
        .filter(|a| a.person_id == person)
        .collect())
}

/// What P-6 and P-7 still lack, in Chinese with numbers (empty when P-7 is done).
pub async fn blockers(db: &Db, campaign_id: i64) -> AppResult<Vec<String>> {
    let id = campaign_id;
    let mut out = Vec::new();
    if store::step_done(db, id, "P-7").await? {
        return Ok(out);
    }
    if !read::p6_open(db, id).await? {
        out.push("候选人预备人选（P-5）尚未完成并经街道批准，党员大会（P-6）未开始。".into());
        return Ok(out);
    }
    let community: Option<(i64,)> = Q::new("select community_id from campaigns where id = $1")
        .bind(id)
        .optional(db)
        .await?;
    let Some((community_id,)) = community else {
        return Ok(out);
    };
    let Some(g) = read::congress(db, id).await? else {
        out.push("党员大会（P-6）：尚未登记会议日期和到会人数规则。".into());
        return Ok(out);
    };
    let roll = read::roll(db, id, community_id).await?;
    let quorum = read::quorum(&roll, g.rule());
    if g.members_vote_id.is_none() {
        if !quorum.passed {
            out.push(format!("党员大会（P-6）：{}", quorum.message));
        }
        out.push("党员大会（P-6）：尚未创建委员选举投票。".into());
        return Ok(out);
    }
    let members = stage::stage(
        db,
        g.members_vote_id.unwrap_or_default(),
        g.members_reduced_vote_id,
        Some("委员"),
    )
    .await?;
    if !members.complete {
        out.push(format!("委员选举：{}", members.status));
        return Ok(out);
    }
    let Some(first) = g.leaders_vote_id else {
        let slate = read::slate(db, id).await?;
        let check = leaders_check(&members, &slate);
        if !check.passed {
            out.push(format!("{}须由街道工作组确定替补人选。", check.message));
        }
        out.push("党员大会（P-6）：尚未创建书记、副书记选举投票。".into());
        return Ok(out);
    };
    let leaders = stage::stage(db, first, None, Some("委员")).await?;
    if !leaders.complete {
        out.push(format!("书记、副书记选举：{}", leaders.status));
        return Ok(out);
    }
    if !store::step_done(db, id, "P-6").await? {
        out.push("党员大会（P-6）：选举已完成，尚未确认结果并报街道（标记完成）。".into());
        return Ok(out);
    }
    let pending = read::approvals(db, id)
        .await?
        .iter()
        .filter(|a| a.pending())
        .count();
    if pending > 0 {
        out.push(format!(
            "报批（P-7）：{pending} 项当选职务待批准（委员报街道备案，书记、副书记报街道批准）。"
        ));
    }
    Ok(out)
}
