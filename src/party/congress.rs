//! P-6 党员大会, changes before the votes: opening P-6 early (the street, with a reason), the
//! congress record with its counting-room meeting, the roll generated from the people register,
//! exclusions with the higher organisation's approval, and check-in. Each change stores the
//! quorum check and is audited in the community's chain in its own transaction.

use serde::Deserialize;
use serde_json::json;

use super::congress_read::{self as read, CONGRESS_SUBJECT, Congress, MEMBERS_SQL, Member};
use super::recommend_gate::log;
use super::review::ReasonInput;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Q, Tx};
use crate::domain::party::{Exclusion, check_quorum};
use crate::domain::person::parse_date;
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;

/// Longest presentation or statement kept, in characters.
pub const TEXT_MAX: usize = 10_000;

/// 409 unless P-6 is open.
pub(super) async fn require_open(state: &AppState, c: &Campaign) -> AppResult<()> {
    if read::p6_open(&state.db, c.id).await? {
        Ok(())
    } else {
        Err(AppError::conflict(
            "候选人预备人选（P-5）尚未完成并经街道批准，党员大会（P-6）未开始；街道工作组可写明理由提前开始。",
        ))
    }
}

/// The congress, or 409 when it is not recorded yet.
pub(super) async fn require_congress(state: &AppState, c: &Campaign) -> AppResult<Congress> {
    require_open(state, c).await?;
    read::congress(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("请先登记党员大会（日期和到会人数规则）。"))
}

/// Opens P-6 before P-5 is done, with the street's reason.
pub async fn open_p6(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ReasonInput,
) -> AppResult<()> {
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "提前开始党员大会必须写明理由"));
    }
    if read::p6_open(&state.db, c.id).await? {
        return Err(AppError::conflict("党员大会（P-6）已经可以开始。"));
    }
    let mut tx = state.db.begin().await?;
    Q::new("insert into party_step_overrides (campaign_id, step, reason, created_by, created_at) values ($1, 'P-6', $2, $3, $4) \
            on conflict (campaign_id, step) do update set reason = excluded.reason, created_by = excluded.created_by, created_at = excluded.created_at")
        .bind(c.id)
        .bind(reason)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .execute(&mut tx)
        .await?;
    let id = format!("{}:P-6", c.id);
    let after = json!({"step": "P-6", "reason": reason});
    log(
        &mut tx,
        ctx,
        community,
        ("override", "party_step", id),
        after,
    )
    .await?;
    tx.commit().await
}

/// Input for the congress record.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CongressInput {
    /// Date of the meeting.
    pub date: String,
    /// `gt` (default) or `ge`; empty keeps the stored rule (or the default).
    pub quorum_rule: String,
    /// How the candidates were produced.
    pub presentation: String,
    /// The 书记 candidates' self-introduction, commitment and answers.
    pub secretary_statement: String,
}

fn text_field(errors: &mut Vec<FieldError>, field: &str, v: &str) -> Option<String> {
    let t = v.trim();
    if t.chars().count() > TEXT_MAX {
        errors.push(FieldError {
            field: field.into(),
            message: format!("最多 {TEXT_MAX} 字"),
        });
    }
    (!t.is_empty()).then(|| t.to_string())
}

/// Records (or corrects) the congress; the first time, creates its counting-room meeting and
/// generates the roll.
pub async fn set_congress(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &CongressInput,
) -> AppResult<(Congress, RuleCheck)> {
    let mut errors = Vec::new();
    let date = parse_date(f.date.trim());
    if date.is_none() {
        errors.push(FieldError {
            field: "党员大会日期".into(),
            message: "请填写有效日期".into(),
        });
    }
    let rule = match f.quorum_rule.trim() {
        "" => None,
        "gt" | "超过" => Some("gt"),
        "ge" | "不少于" => Some("ge"),
        _ => {
            errors.push(FieldError {
                field: "到会人数规则".into(),
                message: "应为 gt（超过五分之四）或 ge（不少于五分之四）".into(),
            });
            None
        }
    };
    let presentation = text_field(&mut errors, "候选人产生情况", &f.presentation);
    let statement = text_field(
        &mut errors,
        "书记候选人自我介绍、承诺及答问",
        &f.secretary_statement,
    );
    let Some(date) = date.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    require_open(state, c).await?;
    let before = read::congress(&state.db, c.id).await?;
    let rule = rule
        .map(str::to_string)
        .or_else(|| before.as_ref().map(|b| b.quorum_rule.clone()))
        .unwrap_or_else(|| "gt".into());
    if let Some(b) = before.as_ref().filter(|b| b.members_vote_id.is_some()) {
        if b.quorum_rule != rule {
            return Err(AppError::conflict(
                "委员选举已经开始，不能再改变到会人数规则。",
            ));
        }
    }
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    let meeting_id = match before.as_ref().and_then(|b| b.meeting_id) {
        Some(id) => {
            Q::new("update meetings set date = $1, updated_at = $2 where id = $3 and closed_at is null")
                .bind(date)
                .bind(now)
                .bind(id)
                .execute(&mut tx)
                .await?;
            id
        }
        None => {
            let input = crate::counting::MeetingInput {
                title: format!("{}社区党组织换届选举党员大会", c.term),
                kind: "party".into(),
                date: date.to_string(),
            };
            crate::counting::insert_meeting(&mut tx, ctx, community, &input)
                .await?
                .id
        }
    };
    Q::new(
        "insert into party_congresses (campaign_id, meeting_date, quorum_rule, meeting_id, presentation, secretary_statement, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8) on conflict (campaign_id) do update set meeting_date = excluded.meeting_date, \
         quorum_rule = excluded.quorum_rule, meeting_id = excluded.meeting_id, presentation = excluded.presentation, \
         secretary_statement = excluded.secretary_statement, updated_at = excluded.updated_at",
    )
    .bind(c.id)
    .bind(date)
    .bind(&rule)
    .bind(meeting_id)
    .bind(presentation.clone())
    .bind(statement.clone())
    .bind(ctx.user()?.id)
    .bind(now)
    .execute(&mut tx)
    .await?;
    let generated = if before.is_none() {
        Some(regenerate(&mut tx, c, community).await?)
    } else {
        None
    };
    let check = save_quorum(&mut tx, c.id, &rule).await?;
    let congress = Congress {
        campaign_id: c.id,
        meeting_date: date,
        quorum_rule: rule,
        meeting_id: Some(meeting_id),
        presentation,
        secretary_statement: statement,
        members_vote_id: before.as_ref().and_then(|b| b.members_vote_id),
        leaders_vote_id: before.as_ref().and_then(|b| b.leaders_vote_id),
    };
    let after = json!({"congress": congress, "roll": generated, "quorum": check});
    let action = if before.is_some() { "update" } else { "create" };
    log(
        &mut tx,
        ctx,
        community,
        (action, "party_congress", c.id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((congress, check))
}

/// Brings the roll in line with the register: adds members now due, drops those no longer due;
/// the others keep their exclusions and check-ins. Returns (added, dropped).
async fn regenerate(tx: &mut Tx, c: &Campaign, community: &Community) -> AppResult<(u32, u32)> {
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
async fn save_quorum(tx: &mut Tx, campaign_id: i64, rule: &str) -> AppResult<RuleCheck> {
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
    log(
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
    log(
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
    log(
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
    if g.leaders_vote_id.is_some() {
        return Err(AppError::conflict(
            "书记、副书记选举投票已经创建，签到已结束。",
        ));
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
    log(
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
