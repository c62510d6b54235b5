//! R-4 选民登记, the list: publish it (its check stored; the street may publish despite a
//! failed check with a reason), and after publication change it only by a recorded decision on
//! an objection. Publishing completes R-4 in the plan. Each change is audited in the
//! community's chain in its own transaction.

use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::Q;
use crate::domain::person::parse_date;
use crate::domain::residents::check_list_published;
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult};
use crate::residents::r4_voters::mode as voters_mode;
use crate::residents::r4_voters::read::{self as read, LIST_SUBJECT, VOTER_SUBJECT};
use crate::residents::r4_voters::write::{
    RegisterInput, checked, election_day, insert, require_unpublished, text,
};
use crate::state::AppState;

/// Input for the publication.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublishInput {
    /// 公布日期: the day it is recorded (empty: today). Another day only by the street with
    /// `date_reason` (a publication made on paper and recorded later).
    pub date: String,
    /// The street's reason for a publication date other than today.
    pub date_reason: String,
    /// The street's reason for publishing despite a failed check.
    pub override_reason: String,
}

/// The publication's date: today (the one clock), or the street's corrected date with its
/// reason; anything else is refused with both dates.
fn publication_date(state: &AppState, ctx: &Ctx, f: &PublishInput) -> AppResult<chrono::NaiveDate> {
    let today = state.today();
    let given = f.date.trim();
    if given.is_empty() {
        return Ok(today);
    }
    let date = parse_date(given).ok_or_else(|| AppError::invalid("公布日期", "请填写有效日期"))?;
    if date == today {
        return Ok(date);
    }
    if text(&f.date_reason).is_some() && ctx.user()?.is_street() {
        return Ok(date);
    }
    Err(AppError::invalid(
        "公布日期",
        format!(
            "选民名单的公布日期为登记当日（{today}），不能填写 {date}；如需更正，须由街道工作组写明理由。"
        ),
    ))
}

/// publishes the voter list; a failed check refuses (422) unless the street gives a reason.
pub async fn publish(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &PublishInput,
) -> AppResult<RuleCheck> {
    let date = publication_date(state, ctx, f)?;
    let day = election_day(c)?;
    require_unpublished(state, c).await?;
    let reason = text(&f.override_reason);
    if reason.is_some() && !ctx.user()?.is_street() {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    let min_days = voters_mode::rules_in(&mut tx, c.id).await?.voter_list_days;
    let check = check_list_published(date, day, min_days);
    if !check.passed && reason.is_none() {
        return Err(AppError::invalid("公布日期", &check.message));
    }
    Q::new("insert into resident_voter_lists (campaign_id, published_on, override_reason, created_by, created_at) values ($1, $2, $3, $4, $5)")
        .bind(c.id).bind(date).bind(reason.filter(|_| !check.passed)).bind(ctx.user()?.id).bind(crate::now())
        .execute(&mut tx).await?;
    crate::checks::save(&mut tx, LIST_SUBJECT, c.id, &check).await?;
    audit::record(&mut tx, ctx, community, ("create", "resident_voter_list", c.id.to_string()), json!({"published_on": date, "date_reason": text(&f.date_reason), "override_reason": reason, "check": check}))
    .await?;
    // The published list completes R-4 (later changes go through decisions) and opens R-5.
    crate::residents::setup::mark_done(
        &mut tx,
        ctx,
        c,
        community,
        "R-4",
        json!({"published_on": date}),
    )
    .await?;
    tx.commit().await?;
    Ok(check)
}

/// Input for a decision on an objection after publication.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    /// The person concerned.
    pub person_id: i64,
    /// The objection's text.
    pub objection: String,
    /// add | remove | none.
    pub decision: String,
    /// The reason.
    pub reason: String,
    /// For `add`: the registration's basis, proof and approval.
    #[serde(flatten)]
    pub registration: RegisterInput,
}

/// Whether objections can be decided now: after the list is published and before the
/// election's vote fixes the electorate. The voters page shows its form only then.
pub async fn decisions_open(state: &AppState, c: &Campaign) -> AppResult<()> {
    if read::publication(&state.db, c.id).await?.is_none() {
        return Err(AppError::conflict(
            "选民名单尚未公布，公布前可直接登记或取消登记。",
        ));
    }
    // The election's vote stores its electorate: the list is final once the vote exists.
    let election = crate::residents::r7_election::read::election(&state.db, c.id).await?;
    if election.is_some_and(|e| e.vote_id.is_some()) {
        return Err(AppError::conflict(
            "正式投票已经建立，应到选民人数已随之确定，选民名单不能再变更。",
        ));
    }
    Ok(())
}

/// records an objection's decision and applies it (add runs the voter check).
pub async fn decide(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &DecisionInput,
) -> AppResult<i64> {
    let objection =
        text(&f.objection).ok_or_else(|| AppError::invalid("异议", "请填写异议内容"))?;
    let reason =
        text(&f.reason).ok_or_else(|| AppError::invalid("理由", "处理决定必须写明理由"))?;
    decisions_open(state, c).await?;
    let mut tx = state.db.begin().await?;
    let existing = read::voter_of(&mut tx, c.id, f.person_id).await?;
    match f.decision.as_str() {
        "add" => {
            if existing.as_ref().is_some_and(|v| !v.removed) {
                return Err(AppError::invalid("人员", "该人员已登记为本社区选民"));
            }
            let reg = RegisterInput {
                person_id: f.person_id,
                ..f.registration.clone()
            };
            let (basis, check, mode) = checked(&mut tx, community, c, &reg).await?;
            if let Some(v) = existing {
                Q::new("update resident_voters set removed = $1 where id = $2")
                    .bind(false)
                    .bind(v.id)
                    .execute(&mut tx)
                    .await?;
                crate::checks::save(&mut tx, VOTER_SUBJECT, v.id, &check).await?;
                if let Some(m) = &mode {
                    crate::checks::save(&mut tx, VOTER_SUBJECT, v.id, m).await?;
                }
            } else {
                insert(
                    &mut tx,
                    ctx,
                    community,
                    c,
                    f.person_id,
                    (&basis, text(&reg.proof), text(&reg.approval)),
                    (&check, mode.as_ref()),
                )
                .await?;
            }
        }
        "remove" => {
            let v = existing
                .filter(|v| !v.removed)
                .ok_or_else(|| AppError::invalid("人员", "该人员不在选民名单中"))?;
            Q::new("update resident_voters set removed = $1 where id = $2")
                .bind(true)
                .bind(v.id)
                .execute(&mut tx)
                .await?;
        }
        "none" => {}
        _ => {
            return Err(AppError::invalid(
                "处理决定",
                "处理决定应为补登、除名或维持",
            ));
        }
    }
    let id = Q::new(
        "insert into resident_voter_decisions (campaign_id, person_id, objection, decision, reason, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(c.id).bind(Some(f.person_id).filter(|p| *p > 0)).bind(objection).bind(f.decision.as_str()).bind(reason).bind(ctx.user()?.id).bind(crate::now())
    .scalar(&mut tx).await?;
    audit::record(&mut tx, ctx, community, ("create", "resident_voter_decision", id.to_string()), json!({"person_id": f.person_id, "objection": objection, "decision": f.decision, "reason": reason})).await?;
    tx.commit().await?;
    Ok(id)
}
