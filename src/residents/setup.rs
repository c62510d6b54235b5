//! Changes of the residents' pipeline's first slice: the seats (C-2), representatives,
//! the election committee and its substitutions, and the step gates. Each change
//! validates, then stores the change, its rule checks and an audit entry in one transaction.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{Value, json};

use super::store::{self, COMMITTEE_SUBJECT, GROUP_SUBJECT, REPRESENTATIVE_SUBJECT, SEATS_SUBJECT};
use crate::audit::{self};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Q, Tx};
use crate::domain::procedure;
use crate::domain::residents::{
    CommitteeMember, Reshuffle, Resident, Seats, check_committee, check_group,
    check_representative, check_seats, step_down_candidates,
};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// 409 unless `step` is open: started and not closed (the procedure guard).
pub(super) async fn require_open(state: &AppState, c: &Campaign, step: &str) -> AppResult<()> {
    crate::steps::require_open(&state.db, c, step).await
}

/// The seats form: total 5–9 and the number of 副主任; 兼职委员 apart.
#[derive(Clone, Debug, Deserialize)]
pub struct SeatsInput {
    /// Total seats (主任 + 副主任 + 委员).
    pub total: u32,
    /// 副主任.
    pub deputies: u32,
    /// 兼职委员 (not counted).
    #[serde(default)]
    pub part_time: u32,
}

/// Sets the seats (C-2) and stores their check.
/// 409 once the 选举办法 is adopted: it fixes the seats. The overview asks the same to show
/// its form.
pub async fn seats_open(db: &crate::db::Db, c: &Campaign) -> AppResult<()> {
    if store::rules(db, c.id)
        .await?
        .is_some_and(|r| r.adopted_at.is_some())
    {
        return Err(AppError::conflict(
            "选举办法已经居民代表会议通过，委员会职数不能再修改。",
        ));
    }
    Ok(())
}

/// Sets the residents' committee's seats (C-2) and records its check.
pub async fn set_seats(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &SeatsInput,
) -> AppResult<(Seats, RuleCheck)> {
    if f.total > 99 || f.deputies > 99 || f.part_time > 99 {
        return Err(AppError::invalid("职数", "职数不能超过 99"));
    }
    seats_open(&state.db, c).await?;
    let mut seats = Seats::with_total(f.total, f.deputies);
    seats.part_time = f.part_time;
    let check = check_seats(&seats);
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    Q::new("insert into residents_seats (campaign_id, deputies, members, part_time, created_at, updated_at) values ($1, $2, $3, $4, $5, $5) \
            on conflict (campaign_id) do update set deputies = excluded.deputies, members = excluded.members, part_time = excluded.part_time, updated_at = excluded.updated_at")
        .bind(c.id)
        .bind(seats.deputies)
        .bind(seats.members)
        .bind(seats.part_time)
        .bind(now)
        .execute(&mut tx)
        .await?;
    crate::checks::save(&mut tx, SEATS_SUBJECT, c.id, &check).await?;
    let after = json!({"seats": seats, "passed": check.passed});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("seats", "residents_seats", c.id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((seats, check))
}

/// A representative to add: the group (by id) and the person.
#[derive(Clone, Debug, Deserialize)]
pub struct RepresentativeInput {
    /// Resident group id.
    pub group_id: i64,
    /// Person id.
    pub person_id: i64,
}

/// A person (by id).
#[derive(Clone, Debug, Deserialize)]
pub struct PersonInput {
    /// Person id.
    pub person_id: i64,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    name: String,
    birth_date: Option<chrono::NaiveDate>,
    rights_removed: bool,
    id_number: Option<String>,
    hukou: Option<String>,
    residence: Option<String>,
}

/// A person of the community's street as the residents' rules see them.
async fn resident(tx: &mut Tx, c: &Campaign, person: i64) -> AppResult<Resident> {
    let p: PersonRow = Q::new(
        "select p.id, p.name, p.birth_date, p.rights_removed, p.id_number, h.code as hukou, r.code as residence from people p \
         left join communities h on h.id = p.hukou_community_id left join communities r on r.id = p.residence_community_id \
         where p.id = $1 and p.street_id = (select street_id from communities where id = $2)",
    )
    .bind(person)
    .bind(c.community_id)
    .optional(tx)
    .await?
    .ok_or_else(|| AppError::invalid("人员", "人员不存在"))?;
    Ok(Resident {
        person_id: p.id,
        name: p.name,
        birth_date: p.birth_date,
        rights_removed: p.rights_removed,
        has_id_number: p.id_number.is_some(),
        hukou_community: p.hukou,
        residence_community: p.residence,
    })
}

/// Refreshes the 2–3 check of one group.
async fn refresh_group(tx: &mut Tx, c: &Campaign, group: i64, name: &str) -> AppResult<RuleCheck> {
    let n = Q::new(
        "select count(*) from residents_representatives where campaign_id = $1 and group_id = $2",
    )
    .bind(c.id)
    .bind(group)
    .scalar(&mut *tx)
    .await?;
    let check = check_group(name, n as usize);
    crate::checks::save(tx, GROUP_SUBJECT, group, &check).await?;
    Ok(check)
}

/// Adds a representative to a group: refused (422) unless the person may represent.
pub async fn add_representative(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &RepresentativeInput,
) -> AppResult<(i64, RuleCheck)> {
    if store::step_done(&state.db, c.id, "R-1").await? {
        return Err(AppError::conflict(
            "推选居民代表（R-1）已完成，不能再更改。",
        ));
    }
    let mut tx = state.db.begin().await?;
    let (group_name,): (String,) =
        Q::new("select name from resident_groups where id = $1 and community_id = $2")
            .bind(f.group_id)
            .bind(c.community_id)
            .optional(&mut tx)
            .await?
            .ok_or_else(|| AppError::invalid("居民小组", "居民小组不属于本社区"))?;
    let r = resident(&mut tx, c, f.person_id).await?;
    let on = c.residents_election_day.unwrap_or(c.reference_date);
    let check = check_representative(&r, &community.code, on);
    if !check.passed {
        return Err(AppError::invalid("居民代表", check.message));
    }
    let taken = Q::new(
        "select count(*) from residents_representatives where campaign_id = $1 and person_id = $2",
    )
    .bind(c.id)
    .bind(f.person_id)
    .scalar(&mut tx)
    .await?;
    if taken > 0 {
        return Err(AppError::invalid(
            "居民代表",
            format!("{} 已是居民代表", r.name),
        ));
    }
    let id = Q::new("insert into residents_representatives (campaign_id, group_id, person_id, created_at) values ($1, $2, $3, $4) returning id")
        .bind(c.id)
        .bind(f.group_id)
        .bind(f.person_id)
        .bind(crate::now())
        .scalar(&mut tx)
        .await?;
    crate::checks::save(&mut tx, REPRESENTATIVE_SUBJECT, id, &check).await?;
    let group = refresh_group(&mut tx, c, f.group_id, &group_name).await?;
    let after = json!({"group": group_name, "person_id": f.person_id, "name": r.name});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("add", "residents_representative", id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((id, group))
}

/// Removes a representative and refreshes the group's check.
pub async fn remove_representative(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &PersonInput,
) -> AppResult<RuleCheck> {
    if store::step_done(&state.db, c.id, "R-1").await? {
        return Err(AppError::conflict(
            "推选居民代表（R-1）已完成，不能再更改。",
        ));
    }
    let mut tx = state.db.begin().await?;
    let (id, group, name): (i64, i64, String) = Q::new(
        "select r.id, r.group_id, g.name from residents_representatives r join resident_groups g on g.id = r.group_id \
         where r.campaign_id = $1 and r.person_id = $2",
    )
    .bind(c.id)
    .bind(f.person_id)
    .optional(&mut tx)
    .await?
    .ok_or(AppError::NotFound)?;
    Q::new("delete from residents_representatives where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let check = refresh_group(&mut tx, c, group, &name).await?;
    let after = json!({"group": name, "person_id": f.person_id, "removed": true});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("remove", "residents_representative", id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(check)
}

/// Marks a step done in the plan, audited.
pub(super) async fn mark_done(
    tx: &mut Tx,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    step: &str,
    after: Value,
) -> AppResult<()> {
    crate::steps::close(tx, ctx, c, community, step, after).await
}

/// R-1 done: every group's check refreshed and satisfied (passed or overridden).
pub async fn finish_r1(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<()> {
    let groups = store::groups(&state.db, c).await?;
    if groups.is_empty() {
        return Err(AppError::conflict(
            "本社区尚未登记居民小组，不能推选居民代表。",
        ));
    }
    let mut tx = state.db.begin().await?;
    for g in &groups {
        refresh_group(&mut tx, c, g.id, &g.name).await?;
    }
    tx.commit().await?;
    let groups = store::groups(&state.db, c).await?;
    let failing: Vec<String> = groups
        .iter()
        .filter(|g| !g.satisfied())
        .map(|g| format!("{}（{} 名）", g.name, g.representatives.len()))
        .collect();
    if !failing.is_empty() {
        return Err(AppError::conflict(format!(
            "有 {} 个居民小组的居民代表不是 2–3 名：{}；不能完成推选居民代表（R-1）。",
            failing.len(),
            failing.join("、")
        )));
    }
    let total: usize = groups.iter().map(|g| g.representatives.len()).sum();
    let mut tx = state.db.begin().await?;
    mark_done(
        &mut tx,
        ctx,
        c,
        community,
        "R-1",
        json!({"groups": groups.len(), "representatives": total}),
    )
    .await?;
    tx.commit().await
}

/// The street's reason for opening a step early.
#[derive(Clone, Debug, Deserialize)]
pub struct OpenInput {
    /// `R-2`, `R-3`, `R-5`, `R-6`, `R-7` or `R-8` (a step with a gate).
    pub step: String,
    /// Reason.
    #[serde(default)]
    pub reason: String,
}

/// Opens a step the procedure table lets the street open early (R-2 … R-8) before the previous
/// step is done (street, with a reason).
pub async fn open_step(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &OpenInput,
) -> AppResult<()> {
    let step = f.step.trim();
    let openable = procedure::openable_early(procedure::Pipeline::Residents);
    if !openable.iter().any(|s| s.code == step) {
        let codes: Vec<&str> = openable.iter().map(|s| s.code).collect();
        return Err(AppError::invalid(
            "步骤",
            format!("只能提前开始 {}", codes.join("、")),
        ));
    }
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "提前开始必须写明理由"));
    }
    let mut tx = state.db.begin().await?;
    Q::new("insert into residents_step_overrides (campaign_id, step, reason, created_by, created_at) values ($1, $2, $3, $4, $5) \
            on conflict (campaign_id, step) do update set reason = excluded.reason, created_by = excluded.created_by, created_at = excluded.created_at")
        .bind(c.id)
        .bind(step)
        .bind(reason)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .execute(&mut tx)
        .await?;
    audit::record(
        &mut tx,
        ctx,
        community,
        ("override", "residents_step", format!("{}:{step}", c.id)),
        json!({"step": step, "reason": reason}),
    )
    .await?;
    tx.commit().await
}

/// The committee: members (one of them the chair) and alternates in order.
#[derive(Clone, Debug, Deserialize)]
pub struct CommitteeInput {
    /// Members' person ids.
    pub members: Vec<i64>,
    /// The chair's person id (default: the incumbent Party 书记 if a member).
    #[serde(default)]
    pub chair: Option<i64>,
    /// Alternates' person ids, in order.
    #[serde(default)]
    pub alternates: Vec<i64>,
}

/// The incumbent Party 书记 of the community, if registered.
pub async fn party_secretary(db: &crate::db::Db, c: &Campaign) -> AppResult<Option<i64>> {
    let r: Option<(i64,)> = Q::new(
        "select i.person_id from incumbencies i join people p on p.id = i.person_id \
         where i.committee = 'party' and i.post = '书记' and (p.residence_community_id = $1 or p.hukou_community_id = $1) order by i.id desc limit 1",
    )
    .bind(c.community_id)
    .optional(db)
    .await?;
    Ok(r.map(|(id,)| id))
}

/// Sets the election committee and stores its checks.
pub async fn set_committee(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &CommitteeInput,
) -> AppResult<Vec<RuleCheck>> {
    require_open(state, c, "R-2").await?;
    if store::step_done(&state.db, c.id, "R-2").await? {
        return Err(AppError::conflict(
            "居民选举委员会（R-2）已完成，只能按候选人回避替补。",
        ));
    }
    let all: Vec<i64> = f.members.iter().chain(&f.alternates).copied().collect();
    if all.iter().collect::<BTreeSet<_>>().len() != all.len() {
        return Err(AppError::invalid("成员", "同一人不能重复列入"));
    }
    let chair = match f.chair {
        Some(id) => Some(id),
        None => party_secretary(&state.db, c)
            .await?
            .filter(|id| f.members.contains(id)),
    };
    if chair.is_some_and(|id| !f.members.contains(&id)) {
        return Err(AppError::invalid("主任", "主任必须是选举委员会成员"));
    }
    let mut tx = state.db.begin().await?;
    Q::new("delete from residents_committee where campaign_id = $1")
        .bind(c.id)
        .execute(&mut tx)
        .await?;
    let mut members = Vec::new();
    for (i, id) in all.iter().enumerate() {
        let r = resident(&mut tx, c, *id).await?;
        let is_member = i < f.members.len();
        let role = if chair == Some(*id) {
            "chair"
        } else if is_member {
            "member"
        } else {
            "alternate"
        };
        Q::new("insert into residents_committee (campaign_id, person_id, role, sort, created_at) values ($1, $2, $3, $4, $5)")
            .bind(c.id)
            .bind(*id)
            .bind(role)
            .bind(i)
            .bind(crate::now())
            .execute(&mut tx)
            .await?;
        if is_member {
            members.push(CommitteeMember {
                person_id: *id,
                name: r.name,
                chair: role == "chair",
            });
        }
    }
    let checks = check_committee(&members);
    for k in &checks {
        crate::checks::save(&mut tx, COMMITTEE_SUBJECT, c.id, k).await?;
    }
    let after = json!({"members": f.members, "chair": chair, "alternates": f.alternates});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("set", "residents_committee", c.id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(checks)
}

/// Candidates (person ids) who step down from the committee.
#[derive(Clone, Debug, Deserialize)]
pub struct StepDownInput {
    /// Person ids nominated as candidates.
    pub candidates: Vec<i64>,
}

/// members nominated as candidates step down and the next alternates take their seats;
/// each substitution is recorded and audited, and the committee's checks refreshed.
pub async fn step_down(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    candidates: &BTreeSet<i64>,
) -> AppResult<Reshuffle> {
    let now_committee = store::committee(&state.db, c.id).await?;
    if now_committee.members.is_empty() {
        return Err(AppError::conflict("居民选举委员会尚未组成。"));
    }
    let r = step_down_candidates(
        &now_committee.members,
        &now_committee.alternates,
        candidates,
    );
    let mut tx = state.db.begin().await?;
    for s in &r.substitutions {
        Q::new("update residents_committee set role = 'stepped_down' where campaign_id = $1 and person_id = $2")
            .bind(c.id)
            .bind(s.stepped_down.person_id)
            .execute(&mut tx)
            .await?;
        let next = s.replaced_by.as_ref().map(|m| m.person_id);
        if let Some(p) = next {
            Q::new("update residents_committee set role = 'member' where campaign_id = $1 and person_id = $2")
                .bind(c.id)
                .bind(p)
                .execute(&mut tx)
                .await?;
        }
        let id = Q::new("insert into residents_substitutions (campaign_id, stepped_down_id, replaced_by_id, message, created_by, created_at) \
                         values ($1, $2, $3, $4, $5, $6) returning id")
            .bind(c.id)
            .bind(s.stepped_down.person_id)
            .bind(next)
            .bind(&s.message)
            .bind(ctx.user()?.id)
            .bind(crate::now())
            .scalar(&mut tx)
            .await?;
        let after = json!({"stepped_down": s.stepped_down, "replaced_by": s.replaced_by, "message": s.message});
        audit::record(
            &mut tx,
            ctx,
            community,
            ("substitute", "residents_committee", id.to_string()),
            after,
        )
        .await?;
    }
    for k in check_committee(&r.members) {
        crate::checks::save(&mut tx, COMMITTEE_SUBJECT, c.id, &k).await?;
    }
    tx.commit().await?;
    Ok(r)
}

/// R-2 done: the committee's checks satisfied.
pub async fn finish_r2(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<()> {
    require_open(state, c, "R-2").await?;
    let checks = store::checks(&state.db, COMMITTEE_SUBJECT, c.id).await?;
    if checks.is_empty() {
        return Err(AppError::conflict("居民选举委员会尚未组成。"));
    }
    let failing: Vec<String> = checks
        .iter()
        .filter(|k| !k.satisfied)
        .map(|k| k.message.clone())
        .collect();
    if !failing.is_empty() {
        return Err(AppError::conflict(format!(
            "居民选举委员会未通过核对：{}",
            failing.join("")
        )));
    }
    let n = store::committee(&state.db, c.id).await?.members.len();
    let mut tx = state.db.begin().await?;
    mark_done(&mut tx, ctx, c, community, "R-2", json!({"members": n})).await?;
    tx.commit().await
}
