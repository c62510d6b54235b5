//! P-6's roll (应到会党员名册): generated from the people register, exclusions with the higher
//! organisation's approval, and check-in. Each change stores the quorum check and is audited in
//! the community's chain in its own transaction.

use serde::Deserialize;
use serde_json::json;

use super::congress::require_congress;
use super::congress_read::{self as read, CONGRESS_SUBJECT, Congress, MEMBERS_SQL, Member};
use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Q, Tx};
use crate::domain::party::{Exclusion, check_quorum};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;

/// Brings the roll in line with the register: adds members now due, drops those no longer due;
/// the others keep their exclusions and check-ins. Returns (added, dropped).
pub(super) async fn regenerate(
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
pub(super) async fn save_quorum(tx: &mut Tx, campaign_id: i64, rule: &str) -> AppResult<RuleCheck> {
    let due =
        Q::new("select count(*) from party_roll where campaign_id = $1 and exclusion is null")
            .bind(campaign_id)
            .scalar(&mut *tx)
            .await?;
    let present = Q::new("select count(*) from party_roll where campaign_id = $1 and exclusion is null and checked_in_at is not null")
        .bind(campaign_id)
        .scalar(&mut *tx)
        .await?;
    let check = check_quorum(due as u32, present as u32, read::rule_of(rule));
    crate::checks::save(tx, CONGRESS_SUBJECT, campaign_id, &check).await?;
    Ok(check)
}

/// 409 once the 委员 vote exists: the roll (who is due) is then fixed.
fn roll_fixed(g: &Congress) -> AppResult<()> {
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

/// Input for an exclusion.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExclusionInput {
    /// The reason (`domain::party::Exclusion` id or label).
    pub reason: String,
    /// A note.
    pub note: String,
    /// The higher organisation's approval (document number or reply); required.
    pub approval: String,
}

/// Leaves a member out of those due, with reason, note and the higher organisation's approval.
pub async fn exclude(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    person: i64,
    f: &ExclusionInput,
) -> AppResult<RuleCheck> {
    let mut errors = Vec::new();
    let reason = Exclusion::parse(&f.reason);
    if reason.is_none() {
        let all: Vec<&str> = Exclusion::ALL.iter().map(|e| e.label()).collect();
        errors.push(FieldError {
            field: "不计入应到会人数的原因".into(),
            message: format!("应为：{}", all.join("；")),
        });
    }
    let approval = f.approval.trim();
    if approval.is_empty() {
        errors.push(FieldError {
            field: "上级党组织同意".into(),
            message: "须写明上级党组织同意的文号或批复".into(),
        });
    }
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let g = require_congress(state, c).await?;
    let e = entry(state, c, person).await?;
    roll_fixed(&g)?;
    let note = f.note.trim();
    let mut tx = state.db.begin().await?;
    Q::new("update party_roll set exclusion = $1, exclusion_note = $2, exclusion_approval = $3, checked_in_at = null, updated_at = $4 \
            where campaign_id = $5 and person_id = $6")
        .bind(reason.as_str())
        .bind((!note.is_empty()).then(|| note.to_string()))
        .bind(approval)
        .bind(crate::now())
        .bind(c.id)
        .bind(person)
        .execute(&mut tx)
        .await?;
    let check = save_quorum(&mut tx, c.id, &g.quorum_rule).await?;
    let after = json!({"name": e.name, "exclusion": reason, "note": note, "approval": approval, "quorum": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("exclude", "party_roll", format!("{}:{person}", c.id)),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(check)
}

/// Removes a member's exclusion: they are due again.
pub async fn include(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    person: i64,
) -> AppResult<RuleCheck> {
    let g = require_congress(state, c).await?;
    let e = entry(state, c, person).await?;
    roll_fixed(&g)?;
    if e.due() {
        return Err(AppError::conflict(format!(
            "{}未被列为不计入应到会人数。",
            e.name
        )));
    }
    let mut tx = state.db.begin().await?;
    Q::new("update party_roll set exclusion = null, exclusion_note = null, exclusion_approval = null, updated_at = $1 \
            where campaign_id = $2 and person_id = $3")
        .bind(crate::now())
        .bind(c.id)
        .bind(person)
        .execute(&mut tx)
        .await?;
    let check = save_quorum(&mut tx, c.id, &g.quorum_rule).await?;
    let before = json!({"exclusion": e.exclusion, "approval": e.exclusion_approval});
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
    Ok(check)
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
                "{}经上级党组织同意不计入应到会人数（{}），不能签到",
                e.name,
                e.exclusion_label()
            ),
        ));
    }
    // The 委员 vote takes present and ballots issued from the check-ins: after it exists the
    // roll is closed, so the vote, the sign-in sheet and the report agree.
    if g.members_vote_id.is_some() {
        return Err(AppError::conflict("委员选举投票已经创建，签到已结束。"));
    }
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
