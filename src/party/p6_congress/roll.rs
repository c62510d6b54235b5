//! P-6's roll (应到会党员名册): generated from the people register, exclusions, and check-in.
//! An exclusion (不计入应到会人数) names one of SPEC P-6's reasons and is a request until the
//! street, the higher Party organisation, approves it: until then the member is due and may check
//! in; a rejection (with a reason) restores them. Each change stores the quorum check and is
//! audited in the community's chain in its own transaction.

use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Q, Tx};
use crate::domain::party::{Exclusion, check_quorum};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult, FieldError};
use crate::party::p6_congress::read::{
    self as read, CONGRESS_SUBJECT, Congress, DUE_SQL, ExclusionStatus, MEMBERS_SQL, Member,
};
use crate::party::p6_congress::write::require_congress;
use crate::state::AppState;

/// Brings the roll in line with the register: adds members now due, drops those no longer due;
/// the others keep their exclusions and check-ins. Returns (added, dropped).
pub(crate) async fn regenerate(
    tx: &mut Tx,
    c: &Campaign,
    community: &Community,
) -> AppResult<(u32, u32)> {
    let members: Vec<Member> = Q::new(MEMBERS_SQL).bind(community.id).all(&mut *tx).await?;
    let due: Vec<i64> = members.iter().filter(|m| m.due()).map(|m| m.id).collect();
    let on: Vec<(i64,)> = Q::new("select person_id from party_roll where campaign_id = $1")
        .bind(c.id)
        .all(&mut *tx)
        .await?;
    let on: Vec<i64> = on.into_iter().map(|r| r.0).collect();
    let now = crate::now();
    let mut added = 0;
    for id in due.iter().filter(|id| !on.contains(id)) {
        Q::new("insert into party_roll (campaign_id, person_id, created_at, updated_at) values ($1, $2, $3, $3)")
            .bind(c.id)
            .bind(*id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        added += 1;
    }
    let mut dropped = 0;
    for id in on.iter().filter(|id| !due.contains(id)) {
        Q::new("delete from party_roll where campaign_id = $1 and person_id = $2")
            .bind(c.id)
            .bind(*id)
            .execute(&mut *tx)
            .await?;
        dropped += 1;
    }
    Ok((added, dropped))
}

/// Recomputes and stores the quorum check from the roll as it stands in `tx`.
pub(crate) async fn save_quorum(tx: &mut Tx, campaign_id: i64, rule: &str) -> AppResult<RuleCheck> {
    let due = Q::new(format!(
        "select count(*) from party_roll where campaign_id = $1 and {DUE_SQL}"
    ))
    .bind(campaign_id)
    .scalar(&mut *tx)
    .await?;
    let present = Q::new(format!("select count(*) from party_roll where campaign_id = $1 and {DUE_SQL} and checked_in_at is not null"))
        .bind(campaign_id)
        .scalar(&mut *tx)
        .await?;
    let check = check_quorum(due as u32, present as u32, read::rule_of(rule));
    crate::checks::save(tx, CONGRESS_SUBJECT, campaign_id, &check).await?;
    Ok(check)
}

/// 409 once the 委员 vote exists: the roll (who is due) is then fixed. The congress page asks
/// the same to show its roll forms.
pub(crate) fn roll_fixed(g: &Congress) -> AppResult<()> {
    if g.members_vote_id.is_some() {
        return Err(AppError::conflict(
            "委员选举投票已经创建，应到会党员名册不能再改变。",
        ));
    }
    Ok(())
}

/// Regenerates the roll from the register; returns (added, dropped) and the quorum check.
pub async fn refresh_roll(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<((u32, u32), RuleCheck)> {
    let g = require_congress(state, c).await?;
    roll_fixed(&g)?;
    let mut tx = state.db.begin().await?;
    let counts = regenerate(&mut tx, c, community).await?;
    let check = save_quorum(&mut tx, c.id, &g.quorum_rule).await?;
    let after = json!({"added": counts.0, "dropped": counts.1, "quorum": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("regenerate", "party_roll", c.id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((counts, check))
}

/// The roll entry of `person`, or 422 when they are not on it.
async fn entry(state: &AppState, c: &Campaign, person: i64) -> AppResult<read::RollEntry> {
    let roll = read::roll(&state.db, c.id, c.community_id).await?;
    roll.entries
        .into_iter()
        .find(|e| e.person_id == person)
        .ok_or_else(|| {
            AppError::invalid(
                "党员",
                format!("编号 {person} 不在应到会党员名册中（不是本社区党组织有表决权的正式党员）"),
            )
        })
}

/// Input for an exclusion request.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExclusionInput {
    /// The reason (`domain::party::Exclusion` id or label): one of SPEC P-6's list.
    pub reason: String,
    /// A note.
    pub note: String,
    /// The higher organisation's document number, if its consent was given in writing
    /// (optional: the street's approval here is the consent).
    pub approval: String,
}

/// The street's decision on a request: a reason is required to reject.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExclusionDecision {
    /// Why the request is rejected.
    pub reason: String,
}

/// What an exclusion change did: the member's name, where the request stands, and the
/// recomputed quorum check.
#[derive(Clone, Debug)]
pub struct ExclusionOutcome {
    /// The member.
    pub name: String,
    /// The request's status after the change (none once withdrawn).
    pub status: Option<ExclusionStatus>,
    /// The quorum check as stored.
    pub check: RuleCheck,
}

/// Requests that a member be left out of those due, with one of SPEC P-6's reasons. The member
/// stays due (and may check in) until the street approves; a pending request may be corrected,
/// an approved one must be withdrawn first.
pub async fn exclude(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    person: i64,
    f: &ExclusionInput,
) -> AppResult<ExclusionOutcome> {
    let Some(reason) = Exclusion::parse(&f.reason) else {
        let all: Vec<&str> = Exclusion::ALL.iter().map(|e| e.label()).collect();
        return Err(AppError::Validation(vec![FieldError {
            field: "不计入应到会人数的原因".into(),
            message: format!("应为：{}", all.join("；")),
        }]));
    };
    let g = require_congress(state, c).await?;
    let e = entry(state, c, person).await?;
    roll_fixed(&g)?;
    if e.status() == Some(ExclusionStatus::Approved) {
        return Err(AppError::conflict(format!(
            "{}不计入应到会人数已经街道批准；如需更改，请先撤销。",
            e.name
        )));
    }
    let note = f.note.trim();
    let approval = f.approval.trim();
    let mut tx = state.db.begin().await?;
    Q::new("update party_roll set exclusion = $1, exclusion_note = $2, exclusion_approval = $3, exclusion_status = $4, \
            exclusion_decided_by = null, exclusion_decided_at = null, exclusion_rejection = null, updated_at = $5 \
            where campaign_id = $6 and person_id = $7")
        .bind(reason.as_str())
        .bind((!note.is_empty()).then(|| note.to_string()))
        .bind((!approval.is_empty()).then(|| approval.to_string()))
        .bind(ExclusionStatus::Pending.as_str())
        .bind(crate::now())
        .bind(c.id)
        .bind(person)
        .execute(&mut tx)
        .await?;
    let check = save_quorum(&mut tx, c.id, &g.quorum_rule).await?;
    let after = json!({"name": e.name, "exclusion": reason, "note": note, "approval": approval,
                       "status": ExclusionStatus::Pending, "quorum": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("exclude", "party_roll", format!("{}:{person}", c.id)),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(ExclusionOutcome {
        name: e.name,
        status: Some(ExclusionStatus::Pending),
        check,
    })
}

/// The street approves (`rejection` none) or rejects (with its reason) a pending request. An
/// approval leaves the member out of those due; one checked in must have the check-in undone
/// first (they are at the meeting). A rejection clears the request and keeps the reason. Both
/// store the recomputed quorum check and are audited.
pub async fn decide(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    person: i64,
    rejection: Option<&ExclusionDecision>,
) -> AppResult<ExclusionOutcome> {
    let user = ctx.user()?;
    if !user.is_street() {
        return Err(AppError::Forbidden);
    }
    let reason = rejection.map(|r| r.reason.trim());
    if reason.is_some_and(str::is_empty) {
        return Err(AppError::invalid("理由", "不予批准须写明理由"));
    }
    let g = require_congress(state, c).await?;
    let e = entry(state, c, person).await?;
    roll_fixed(&g)?;
    if !e.pending() {
        return Err(AppError::conflict(format!(
            "{}没有待街道审批的不计入应到会人数申请。",
            e.name
        )));
    }
    if reason.is_none() && e.checked_in_at.is_some() {
        return Err(AppError::conflict(format!(
            "{}已签到到会，不能批准不计入应到会人数；如确需批准，请先撤销签到。",
            e.name
        )));
    }
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let (status, action) = match reason {
        None => {
            Q::new("update party_roll set exclusion_status = $1, exclusion_decided_by = $2, exclusion_decided_at = $3, updated_at = $3 \
                    where campaign_id = $4 and person_id = $5")
                .bind(ExclusionStatus::Approved.as_str())
                .bind(user.id)
                .bind(now)
                .bind(c.id)
                .bind(person)
                .execute(&mut tx)
                .await?;
            (ExclusionStatus::Approved, "approve_exclusion")
        }
        Some(why) => {
            Q::new("update party_roll set exclusion = null, exclusion_note = null, exclusion_approval = null, exclusion_status = $1, \
                    exclusion_decided_by = $2, exclusion_decided_at = $3, exclusion_rejection = $4, updated_at = $3 \
                    where campaign_id = $5 and person_id = $6")
                .bind(ExclusionStatus::Rejected.as_str())
                .bind(user.id)
                .bind(now)
                .bind(why)
                .bind(c.id)
                .bind(person)
                .execute(&mut tx)
                .await?;
            (ExclusionStatus::Rejected, "reject_exclusion")
        }
    };
    let check = save_quorum(&mut tx, c.id, &g.quorum_rule).await?;
    let request = json!({"exclusion": e.exclusion, "note": e.exclusion_note, "approval": e.exclusion_approval});
    let after = json!({"name": e.name, "request": request, "status": status, "reason": reason, "quorum": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        (action, "party_roll", format!("{}:{person}", c.id)),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(ExclusionOutcome {
        name: e.name,
        status: Some(status),
        check,
    })
}

/// Withdraws a member's exclusion, requested or approved: they are due again.
pub async fn include(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    person: i64,
) -> AppResult<ExclusionOutcome> {
    let g = require_congress(state, c).await?;
    let e = entry(state, c, person).await?;
    roll_fixed(&g)?;
    if !e.has_exclusion() {
        return Err(AppError::conflict(format!(
            "{}未被列为不计入应到会人数。",
            e.name
        )));
    }
    let mut tx = state.db.begin().await?;
    Q::new("update party_roll set exclusion = null, exclusion_note = null, exclusion_approval = null, exclusion_status = null, \
            exclusion_decided_by = null, exclusion_decided_at = null, exclusion_rejection = null, updated_at = $1 \
            where campaign_id = $2 and person_id = $3")
        .bind(crate::now())
        .bind(c.id)
        .bind(person)
        .execute(&mut tx)
        .await?;
    let check = save_quorum(&mut tx, c.id, &g.quorum_rule).await?;
    let before = json!({"exclusion": e.exclusion, "approval": e.exclusion_approval, "status": e.exclusion_status});
    let after = json!({"name": e.name, "removed": before, "quorum": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("include", "party_roll", format!("{}:{person}", c.id)),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(ExclusionOutcome {
        name: e.name,
        status: None,
        check,
    })
}

/// 409 once the 委员 vote exists: it takes present and ballots issued from the check-ins, so
/// the vote, the sign-in sheet and the report agree. The congress page asks the same.
pub(crate) fn check_in_open(g: &Congress) -> AppResult<()> {
    if g.members_vote_id.is_some() {
        return Err(AppError::conflict("委员选举投票已经创建，签到已结束。"));
    }
    Ok(())
}

/// Checks a member in (`on`) or undoes it; a repeat changes nothing. Returns the member's name
/// and the quorum check.
pub async fn check_in(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    person: i64,
    on: bool,
) -> AppResult<(String, RuleCheck)> {
    let g = require_congress(state, c).await?;
    let e = entry(state, c, person).await?;
    if !e.due() {
        return Err(AppError::invalid(
            "签到",
            format!(
                "{}经街道批准不计入应到会人数（{}），不能签到",
                e.name,
                e.exclusion_label()
            ),
        ));
    }
    // The 委员 vote takes present and ballots issued from the check-ins: after it exists the
    // roll is closed, so the vote, the sign-in sheet and the report agree.
    check_in_open(&g)?;
    let roll = read::roll(&state.db, c.id, c.community_id).await?;
    if e.checked_in_at.is_some() == on {
        return Ok((e.name, read::quorum(&roll, g.rule())));
    }
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    let sql = if on {
        "update party_roll set checked_in_at = $1, updated_at = $1 where campaign_id = $2 and person_id = $3"
    } else {
        "update party_roll set checked_in_at = null, updated_at = $1 where campaign_id = $2 and person_id = $3"
    };
    Q::new(sql)
        .bind(now)
        .bind(c.id)
        .bind(person)
        .execute(&mut tx)
        .await?;
    let check = save_quorum(&mut tx, c.id, &g.quorum_rule).await?;
    let action = if on { "check_in" } else { "undo_check_in" };
    let after = json!({"name": e.name, "quorum": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        (action, "party_roll", format!("{}:{person}", c.id)),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((e.name, check))
}
