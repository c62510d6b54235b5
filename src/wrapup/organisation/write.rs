//! W-2's writes: each elected member's 分工, the subcommittees (added, changed, removed), the
//! 民主理财小组 (no member of the residents' committee on it) and the 居务公开小组, the work plan,
//! and closing W-2 ("完成") once its records are present. Every write passes the procedure guard.

use serde::Deserialize;
use serde_json::json;

use super::read::{self, Body, DISCLOSURE, FINANCE, SUBCOMMITTEE, committee_label, group_name};
use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Q, Tx};
use crate::domain::wrapup::{check_finance_group, split_names};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::street::Fields;

const STEP: &str = "W-2";

/// One member's 分工.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DutyInput {
    /// `party` or `residents`.
    pub committee: String,
    /// The member's name, as elected.
    pub name: String,
    /// 分工 (empty: none recorded).
    pub duty: String,
}

/// Saves the members' 分工 (a name not elected to that committee is refused); returns how many
/// changed.
pub async fn set_duties(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    list: &[DutyInput],
) -> AppResult<usize> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let members = read::members(&state.db, c.id).await?;
    let mut v = Fields::default();
    let mut found = Vec::new();
    for d in list {
        let name = d.name.trim();
        match members
            .iter()
            .find(|m| m.committee == d.committee.trim() && m.name == name)
        {
            None => v.refuse(
                "成员",
                format!(
                    "{name}不是新一届{}成员",
                    committee_label(d.committee.trim())
                ),
            ),
            Some(m) => {
                let duty = v.text(&format!("{}的分工", m.name), &d.duty, 200, false);
                found.push((m, duty));
            }
        }
    }
    v.done()?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let mut changed = 0;
    for (m, duty) in found {
        if m.duty == duty {
            continue;
        }
        if duty.is_empty() {
            Q::new(
                "delete from wrapup_duties where campaign_id = $1 and committee = $2 and name = $3",
            )
            .bind(c.id)
            .bind(m.committee)
            .bind(&m.name)
            .execute(&mut tx)
            .await?;
        } else {
            Q::new(
                "insert into wrapup_duties (campaign_id, committee, name, person_id, duty, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6) \
                 on conflict (campaign_id, committee, name) do update set duty = excluded.duty, person_id = excluded.person_id, updated_at = excluded.updated_at",
            )
            .bind(c.id)
            .bind(m.committee)
            .bind(&m.name)
            .bind(m.person_id)
            .bind(&duty)
            .bind(now)
            .execute(&mut tx)
            .await?;
        }
        let what = (
            "set",
            "wrapup_duty",
            format!("{}:{}:{}", c.id, m.committee, m.name),
        );
        let before = json!({"name": m.name, "duty": m.duty});
        let after = json!({"name": m.name, "duty": duty});
        audit::record_change(&mut tx, ctx, community, what, Some(before), after).await?;
        changed += 1;
    }
    tx.commit().await?;
    Ok(changed)
}

/// A body's members as the forms and the API send them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct BodyInput {
    /// The subcommittee's name (ignored for the two groups).
    pub name: String,
    /// Members' names, separated by `、` or commas.
    pub members: String,
    /// The head's name (主任, 组长), one of the members; may be empty.
    pub head: String,
}

/// The checked members of a body of `kind`: names in order and the head.
async fn checked_members(
    state: &AppState,
    c: &Campaign,
    kind: &str,
    f: &BodyInput,
    v: &mut Fields,
) -> AppResult<(Vec<String>, String)> {
    let raw = v.text("成员", &f.members, 500, true);
    let names = split_names(&raw);
    if names.iter().any(|n| n.chars().count() > 30) {
        v.refuse("成员", "每个姓名最多 30 字，姓名之间用顿号分隔");
    }
    if names.len() > 30 {
        v.refuse("成员", "最多 30 人");
    }
    let head = v.text("负责人", &f.head, 30, false);
    if !head.is_empty() && !names.contains(&head) {
        v.refuse("负责人", format!("{head}不在成员名单中"));
    }
    if kind == FINANCE {
        let committee = read::residents_committee(&state.db, c.id).await?;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let elected: Vec<&str> = committee.iter().map(String::as_str).collect();
        if let Err(e) = check_finance_group(&refs, &elected) {
            v.refuse("成员", e);
        }
    }
    Ok((names, head))
}

async fn put_members(tx: &mut Tx, body: i64, names: &[String], head: &str) -> AppResult<()> {
    Q::new("delete from wrapup_body_members where body_id = $1")
        .bind(body)
        .execute(&mut *tx)
        .await?;
    for (i, n) in names.iter().enumerate() {
        Q::new("insert into wrapup_body_members (body_id, name, head, position, created_at) values ($1, $2, $3, $4, $5)")
            .bind(body)
            .bind(n)
            .bind(n == head)
            .bind(i as i64 + 1)
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

async fn body_of(state: &AppState, c: &Campaign, id: i64) -> AppResult<Body> {
    read::bodies(&state.db, c.id)
        .await?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or(AppError::NotFound)
}

/// Adds a subcommittee with its members (a name already used is refused).
pub async fn add_subcommittee(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &BodyInput,
) -> AppResult<Body> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let mut v = Fields::default();
    let name = v.text("名称", &f.name, 50, true);
    let (names, head) = checked_members(state, c, SUBCOMMITTEE, f, &mut v).await?;
    v.done()?;
    let dup = Q::new(
        "select count(*) from wrapup_bodies where campaign_id = $1 and kind = $2 and name = $3",
    )
    .bind(c.id)
    .bind(SUBCOMMITTEE)
    .bind(&name)
    .scalar(&state.db)
    .await?;
    if dup > 0 {
        return Err(AppError::invalid("名称", format!("已登记“{name}”")));
    }
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let id = Q::new("insert into wrapup_bodies (campaign_id, kind, name, created_at, updated_at) values ($1, $2, $3, $4, $4) returning id")
        .bind(c.id)
        .bind(SUBCOMMITTEE)
        .bind(&name)
        .bind(now)
        .scalar(&mut tx)
        .await?;
    put_members(&mut tx, id, &names, &head).await?;
    let what = ("create", "wrapup_body", id.to_string());
    let after = json!({"name": name, "member_names": names, "head": head});
    audit::record(&mut tx, ctx, community, what, after).await?;
    tx.commit().await?;
    body_of(state, c, id).await
}

/// Changes a subcommittee's members (its name stays).
pub async fn update_body(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    id: i64,
    f: &BodyInput,
) -> AppResult<Body> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let before = body_of(state, c, id).await?;
    let mut v = Fields::default();
    let (names, head) = checked_members(state, c, &before.kind, f, &mut v).await?;
    v.done()?;
    let mut tx = state.db.begin().await?;
    put_members(&mut tx, id, &names, &head).await?;
    Q::new("update wrapup_bodies set updated_at = $1 where id = $2")
        .bind(crate::now())
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("update", "wrapup_body", id.to_string());
    let b = json!({"name": before.name, "member_names": before.plain(), "head": before.head()});
    let after = json!({"name": before.name, "member_names": names, "head": head});
    audit::record_change(&mut tx, ctx, community, what, Some(b), after).await?;
    tx.commit().await?;
    body_of(state, c, id).await
}

/// Removes a subcommittee with its members (audited with what it was).
pub async fn remove_body(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    id: i64,
) -> AppResult<Body> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let before = body_of(state, c, id).await?;
    let mut tx = state.db.begin().await?;
    Q::new("delete from wrapup_body_members where body_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    Q::new("delete from wrapup_bodies where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("delete", "wrapup_body", id.to_string());
    let b = json!({"name": before.name, "member_names": before.plain(), "head": before.head()});
    audit::record_change(
        &mut tx,
        ctx,
        community,
        what,
        Some(b),
        json!({"removed": true}),
    )
    .await?;
    tx.commit().await?;
    Ok(before)
}

/// Sets the members of the 民主理财小组 (`finance`) or the 居务公开小组 (`disclosure`).
pub async fn set_group(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    kind: &str,
    f: &BodyInput,
) -> AppResult<Body> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    if kind != FINANCE && kind != DISCLOSURE {
        return Err(AppError::NotFound);
    }
    let mut v = Fields::default();
    let (names, head) = checked_members(state, c, kind, f, &mut v).await?;
    v.done()?;
    let name = group_name(kind);
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let existing: Option<(i64,)> =
        Q::new("select id from wrapup_bodies where campaign_id = $1 and kind = $2")
            .bind(c.id)
            .bind(kind)
            .optional(&mut tx)
            .await?;
    let id = match existing {
        Some((id,)) => id,
        None => {
            Q::new("insert into wrapup_bodies (campaign_id, kind, name, created_at, updated_at) values ($1, $2, $3, $4, $4) returning id")
                .bind(c.id)
                .bind(kind)
                .bind(name)
                .bind(now)
                .scalar(&mut tx)
                .await?
        }
    };
    put_members(&mut tx, id, &names, &head).await?;
    let what = ("set", "wrapup_body", id.to_string());
    let after = json!({"name": name, "member_names": names, "head": head});
    audit::record(&mut tx, ctx, community, what, after).await?;
    tx.commit().await?;
    body_of(state, c, id).await
}

/// The work plan as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlanInput {
    /// The plan's text.
    pub plan: String,
}

/// Records the committee's work plan (at most 5000 characters).
pub async fn set_plan(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &PlanInput,
) -> AppResult<String> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let mut v = Fields::default();
    let plan = v.text("工作计划", &f.plan, 5000, true);
    v.done()?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    Q::new(
        "insert into wrapup_plans (campaign_id, plan, created_at, updated_at) values ($1, $2, $3, $3) \
         on conflict (campaign_id) do update set plan = excluded.plan, updated_at = excluded.updated_at",
    )
    .bind(c.id)
    .bind(&plan)
    .bind(now)
    .execute(&mut tx)
    .await?;
    let what = ("set", "wrapup_plan", c.id.to_string());
    audit::record(&mut tx, ctx, community, what, json!({"plan": plan})).await?;
    tx.commit().await?;
    Ok(plan)
}

/// Closes W-2 once every elected member has a 分工, a subcommittee has members and both groups
/// have members; otherwise refused, naming what is missing.
pub async fn close(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<()> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let blockers = read::blockers(&state.db, c.id).await?;
    if !blockers.is_empty() {
        return Err(AppError::conflict(format!(
            "不能完成健全组织体系：{}。",
            blockers.join("；")
        )));
    }
    let bodies = read::bodies(&state.db, c.id).await?.len();
    let mut tx = state.db.begin().await?;
    crate::steps::close(&mut tx, ctx, c, community, STEP, json!({"bodies": bodies})).await?;
    tx.commit().await?;
    Ok(())
}
