//! The street's own steps of the procedure table (S-1.1 … S-1.4, D-1): record-only steps the
//! street closes once, for the whole street and the campaign year, when their close conditions
//! hold. Closing writes `street_steps` and the step's row in every campaign of that year (so each
//! campaign's progress, the guard and the dashboard read one place); a campaign created later
//! inherits it. Each feature module evaluates its own step's conditions as [`Fact`]s; this module
//! only refuses to close while one fails, and names it with its numbers.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::db::{Db, Q, Tx};
use crate::domain::procedure::{self, Pipeline, Step};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, get, post};
use crate::state::AppState;
use crate::steps::ReopenInput;
use crate::web;

/// This module's routes: closing and reopening the street's steps, and where they stand.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        post(
            "/street/steps/{step}/close",
            Access::Street,
            r::post(close_post),
        ),
        post(
            "/street/steps/{step}/reopen",
            Access::Street,
            r::post(reopen_post),
        ),
        get("/api/v1/street/steps", Access::Street, r::get(api_list)),
        post(
            "/api/v1/street/steps/{step}/close",
            Access::Street,
            r::post(api_close),
        ),
        post(
            "/api/v1/street/steps/{step}/reopen",
            Access::Street,
            r::post(api_reopen),
        ),
    ]
}

/// One close condition of a step, evaluated: whether it holds now and the numbers it used.
#[derive(Clone, Debug, Serialize)]
pub struct Fact {
    /// The condition's id in the procedure table (`leading_group`).
    pub id: &'static str,
    /// The condition's sentence from the table.
    pub condition: &'static str,
    /// Whether it holds.
    pub passed: bool,
    /// What was found, in Chinese with its numbers (`组长 1 人，成员 5 人，办公室 2 人`).
    pub detail: String,
}

impl Fact {
    /// The fact for condition `id` of step `code` (the sentence from the table).
    pub fn of(code: &str, id: &'static str, passed: bool, detail: impl Into<String>) -> Fact {
        let condition = procedure::step(code)
            .and_then(|s| s.close.iter().find(|c| c.id == id))
            .map_or("", |c| c.zh);
        Fact {
            id,
            condition,
            passed,
            detail: detail.into(),
        }
    }
}

/// Whether a step is one of the street's own, closed street-wide by this module.
pub fn is_street_wide(step: &Step) -> bool {
    matches!(step.pipeline, Pipeline::Street | Pipeline::Discipline)
}

/// The campaign year the street works in: the latest year of any campaign, else this year.
pub async fn year(db: &Db, today: chrono::NaiveDate) -> AppResult<i64> {
    let y: Option<(Option<i64>,)> = Q::new("select max(year) from campaigns")
        .optional(db)
        .await?;
    Ok(y.and_then(|(y,)| y).unwrap_or(today.year() as i64))
}

/// The street's steps closed in `year`, with when.
pub async fn done<'a>(
    ex: impl Into<crate::db::Exec<'a>>,
    year: i64,
) -> AppResult<HashMap<String, DateTime<Utc>>> {
    let rows: Vec<(String, DateTime<Utc>)> =
        Q::new("select code, done_at from street_steps where year = $1 and done_at is not null")
            .bind(year)
            .all(ex)
            .await?;
    Ok(rows.into_iter().collect())
}

/// The close conditions of a street step, evaluated on `today` (the application's clock; each
/// module evaluates its own).
pub async fn facts(db: &Db, today: chrono::NaiveDate, code: &str) -> AppResult<Vec<Fact>> {
    match code {
        "S-1.1" => crate::street::leading_group::facts(db).await,
        "S-1.2" => plan_facts(db).await,
        "D-1" => {
            let year = year(db, today).await?;
            crate::discipline::facts(db, year).await
        }
        "S-1.3" => crate::street::mobilisation::facts(db).await,
        "S-1.4" => crate::street::training::facts(db).await,
        _ => Ok(Vec::new()),
    }
}

/// S-1.2: every step of the plan has its dates (the street confirms the plan by closing it).
async fn plan_facts(db: &Db) -> AppResult<Vec<Fact>> {
    let (n, dated): (i64, i64) = Q::new(
        "select count(*), coalesce(sum(case when start_md <> '' and end_md <> '' and start_md <= end_md then 1 else 0 end), 0) from plan_steps",
    )
    .one(db)
    .await?;
    Ok(vec![Fact::of(
        "S-1.2",
        "plan_dates",
        n > 0 && dated == n,
        format!("工作方案共 {n} 项，已定日期 {dated} 项"),
    )])
}

/// Writes a campaign's street-wide steps from `street_steps` (a campaign created after the
/// street closed them inherits their state).
pub async fn inherit(tx: &mut Tx, campaign_id: i64, year: i64) -> AppResult<()> {
    for (code, at) in done(&mut *tx, year).await? {
        Q::new("update campaign_steps set done_at = $1 where campaign_id = $2 and code = $3")
            .bind(at)
            .bind(campaign_id)
            .bind(&code)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

fn street_step(code: &str) -> AppResult<&'static Step> {
    procedure::step(code)
        .filter(|s| is_street_wide(s))
        .ok_or(AppError::NotFound)
}

/// Closes a street step for the year: refused while one of its conditions fails (named with its
/// numbers), while a step it waits for is open, or when it is closed already.
pub async fn close(state: &AppState, ctx: &Ctx, code: &str) -> AppResult<&'static Step> {
    let step = street_step(code)?;
    let facts = facts(&state.db, state.today(), code).await?;
    let failed: Vec<String> = facts
        .iter()
        .filter(|f| !f.passed)
        .map(|f| format!("{}（{}）", f.condition, f.detail))
        .collect();
    if !failed.is_empty() {
        return Err(AppError::conflict(format!(
            "{} {}尚不能完成：{}。",
            step.code,
            step.name,
            failed.join("；")
        )));
    }
    let year = year(&state.db, state.today()).await?;
    let done = done(&state.db, year).await?;
    let open: Vec<String> = step
        .after
        .iter()
        .filter(|a| !done.contains_key(**a))
        .map(|a| procedure::label(a))
        .collect();
    if !open.is_empty() {
        return Err(AppError::conflict(format!(
            "{} 尚未完成，{} {}不能完成。",
            open.join("、"),
            step.code,
            step.name
        )));
    }
    if done.contains_key(code) {
        return Err(AppError::conflict(format!(
            "{} {}已经完成。",
            step.code, step.name
        )));
    }
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    Q::new(
        "insert into street_steps (code, year, done_at, created_at, updated_at) values ($1, $2, $3, $3, $3) \
         on conflict (code, year) do update set done_at = excluded.done_at, updated_at = excluded.updated_at",
    )
    .bind(code)
    .bind(year)
    .bind(now)
    .execute(&mut tx)
    .await?;
    let campaigns = Q::new(
        "update campaign_steps set done_at = $1, updated_at = $1 where code = $2 and done_at is null \
         and campaign_id in (select id from campaigns where year = $3)",
    )
    .bind(now)
    .bind(code)
    .bind(year)
    .execute(&mut tx)
    .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "done",
            entity: "street_step",
            entity_id: format!("{year}:{code}"),
            before: None,
            // The conditions as the page words them (their ids are internal).
            after: Some(json!({
                "step": code,
                "year": year,
                "campaigns": campaigns,
                "facts": facts.iter().map(|f| format!("{}：{}", f.condition, f.detail)).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(step)
}

/// Reopens a street step for the year, with a reason; refused while a street step that waits
/// for it is closed.
pub async fn reopen(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    f: &ReopenInput,
) -> AppResult<&'static Step> {
    let step = street_step(code)?;
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "重新开放步骤必须写明理由"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("理由", "最多 500 字"));
    }
    let year = year(&state.db, state.today()).await?;
    let done = done(&state.db, year).await?;
    let Some(closed_at) = done.get(code).copied() else {
        return Err(AppError::conflict(format!(
            "{} {}尚未完成，无需重新开放。",
            step.code, step.name
        )));
    };
    let later: Vec<String> = procedure::dependents(code)
        .into_iter()
        .filter(|d| done.contains_key(*d))
        .map(procedure::label)
        .collect();
    if !later.is_empty() {
        return Err(AppError::conflict(format!(
            "{} {}之后的 {} 已完成，须先重新开放这些步骤。",
            step.code,
            step.name,
            later.join("、")
        )));
    }
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    Q::new("update street_steps set done_at = null, updated_at = $1 where code = $2 and year = $3")
        .bind(now)
        .bind(code)
        .bind(year)
        .execute(&mut tx)
        .await?;
    Q::new(
        "update campaign_steps set done_at = null, updated_at = $1 where code = $2 \
         and campaign_id in (select id from campaigns where year = $3)",
    )
    .bind(now)
    .bind(code)
    .bind(year)
    .execute(&mut tx)
    .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "reopen",
            entity: "street_step",
            entity_id: format!("{year}:{code}"),
            before: Some(json!({"step": code, "done_at": closed_at})),
            after: Some(json!({"step": code, "done_at": null, "reason": reason})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(step)
}

/// One street step as the API and the street's pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct StreetStepOut {
    /// Code.
    pub code: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// When it closed (this year).
    pub closed_at: Option<DateTime<Utc>>,
    /// The street steps it waits for that are still open.
    pub waiting_for: Vec<&'static str>,
    /// 已完成, 进行中 or 未开始 (waiting for another street step).
    pub state_label: &'static str,
    /// Its close conditions, evaluated now.
    pub facts: Vec<Fact>,
}

/// Every street step with where it stands this year.
pub async fn overview(state: &AppState) -> AppResult<(i64, Vec<StreetStepOut>)> {
    let year = year(&state.db, state.today()).await?;
    let done = done(&state.db, year).await?;
    let mut out = Vec::new();
    for s in procedure::STEPS.iter().filter(|s| is_street_wide(s)) {
        let waiting_for: Vec<&'static str> = s
            .after
            .iter()
            .filter(|a| !done.contains_key(**a))
            .copied()
            .collect();
        let closed_at = done.get(s.code).copied();
        out.push(StreetStepOut {
            code: s.code,
            name: s.name,
            state_label: match (closed_at, waiting_for.is_empty()) {
                (Some(_), _) => "已完成",
                (None, true) => "进行中",
                (None, false) => "未开始",
            },
            waiting_for,
            closed_at,
            facts: facts(&state.db, state.today(), s.code).await?,
        });
    }
    Ok((year, out))
}

async fn api_list(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let (year, steps) = overview(&state).await?;
    Ok(Json(json!({"year": year, "steps": steps})))
}

async fn api_close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> AppResult<Json<Value>> {
    close(&state, &ctx, &code).await?;
    let (year, steps) = overview(&state).await?;
    let step = steps.into_iter().find(|s| s.code == code);
    Ok(Json(json!({"year": year, "step": step})))
}

async fn api_reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(f): Json<ReopenInput>,
) -> AppResult<Json<Value>> {
    reopen(&state, &ctx, &code, &f).await?;
    let (year, steps) = overview(&state).await?;
    let step = steps.into_iter().find(|s| s.code == code);
    Ok(Json(json!({"year": year, "step": step})))
}

/// The page a street step's buttons return to.
pub fn page(code: &str) -> &'static str {
    match code {
        "S-1.1" => "/street/leading-group",
        "S-1.2" => "/plan",
        "S-1.3" => "/street/mobilisation",
        "S-1.4" => "/street/training",
        "D-1" => "/discipline",
        _ => "/",
    }
}

async fn close_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let r = close(&state, &ctx, &code).await;
    web::finish(&session, page(&code), r, |s| {
        format!("{} {}已完成。", s.code, s.name)
    })
    .await
}

async fn reopen_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(code): Path<String>,
    Form(f): Form<ReopenInput>,
) -> AppResult<Response> {
    let r = reopen(&state, &ctx, &code, &f).await;
    web::finish(&session, page(&code), r, |s| {
        format!("已重新开放 {} {}。", s.code, s.name)
    })
    .await
}
