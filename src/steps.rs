//! The guard fed by the procedure table ([`crate::domain::procedure`]): where each step of a
//! campaign stands (waiting, open, closed), the one check every write to a step passes, closing
//! a step, and reopening it (the street only, with a reason, and only while no later step that
//! waits for it has closed). Step handlers never re-check order or freezes by hand: they ask
//! [`require_writable`] with what they are about to change.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q, Tx};
use crate::domain::procedure::{self, Step};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, get, post};
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::finish;

/// This module's routes: the steps of a campaign, and reopening one.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        post(
            "/communities/{code}/campaigns/{campaign}/steps/{step}/reopen",
            Access::Street,
            r::post(reopen_post),
        ),
        get(
            "/api/v1/campaigns/{campaign}/steps",
            Access::Community,
            r::get(api_list),
        ),
        post(
            "/api/v1/campaigns/{campaign}/steps/{step}/reopen",
            Access::Street,
            r::post(api_reopen),
        ),
    ]
}

/// Where a campaign's steps stand: which are closed (and when) and which the street opened
/// early (and why).
#[derive(Clone, Debug, Default)]
pub struct Progress {
    done: HashMap<String, DateTime<Utc>>,
    early: HashMap<String, String>,
}

/// A step's state, as pages and the API show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Its predecessors are not closed and the street has not opened it.
    Waiting,
    /// Writable.
    Open,
    /// Closed: what it froze can no longer change.
    Closed,
}

impl StepState {
    /// The Chinese label.
    pub const fn zh(self) -> &'static str {
        match self {
            StepState::Waiting => "未开始",
            StepState::Open => "进行中",
            StepState::Closed => "已完成",
        }
    }
}

impl Progress {
    /// Builds a progress from closed steps and early openings (pure; for tests and callers
    /// that already hold the rows).
    pub fn from_rows(
        done: impl IntoIterator<Item = (String, DateTime<Utc>)>,
        early: impl IntoIterator<Item = (String, String)>,
    ) -> Progress {
        Progress {
            done: done.into_iter().collect(),
            early: early.into_iter().collect(),
        }
    }

    /// Loads the campaign's progress.
    pub async fn load(db: &Db, campaign_id: i64) -> AppResult<Progress> {
        let done: Vec<(String, DateTime<Utc>)> = Q::new(
            "select code, done_at from campaign_steps where campaign_id = $1 and done_at is not null",
        )
        .bind(campaign_id)
        .all(db)
        .await?;
        let early: Vec<(String, String)> = Q::new(
            "select step, reason from party_step_overrides where campaign_id = $1 \
             union all select step, reason from residents_step_overrides where campaign_id = $1",
        )
        .bind(campaign_id)
        .all(db)
        .await?;
        Ok(Progress::from_rows(done, early))
    }

    /// When the step closed, if it has.
    pub fn closed_at(&self, code: &str) -> Option<DateTime<Utc>> {
        self.done.get(code).copied()
    }

    /// Whether the step is closed.
    pub fn closed(&self, code: &str) -> bool {
        self.done.contains_key(code)
    }

    /// The street's reason for opening the step early, if it did.
    pub fn opened_early(&self, code: &str) -> Option<&str> {
        self.early.get(code).map(String::as_str)
    }

    /// The predecessors still open (none once the street opened the step early).
    pub fn waiting_for(&self, code: &str) -> Vec<&'static Step> {
        if self.early.contains_key(code) {
            return Vec::new();
        }
        procedure::after(code)
            .iter()
            .filter(|p| !self.closed(p))
            .filter_map(|p| procedure::step(p))
            .collect()
    }

    /// The step's state.
    pub fn state(&self, code: &str) -> StepState {
        if self.closed(code) {
            StepState::Closed
        } else if self.waiting_for(code).is_empty() {
            StepState::Open
        } else {
            StepState::Waiting
        }
    }

    /// The later steps that wait for `code` and have closed: they must reopen first.
    pub fn closed_dependents(&self, code: &str) -> Vec<&'static str> {
        procedure::dependents(code)
            .into_iter()
            .filter(|d| self.closed(d))
            .collect()
    }

    /// Ok when `what` may change in step `code` now; otherwise the Chinese reason, naming the
    /// step: it has not started (its predecessors are open) or it has closed.
    pub fn check_write(&self, code: &str, what: &str) -> AppResult<()> {
        let step = procedure::step(code)
            .ok_or_else(|| AppError::internal(format!("unknown step {code}")))?;
        if self.closed(code) {
            return Err(AppError::conflict(format!(
                "{} {}已结束，不能再修改{what}；如需更正，须由街道工作组写明理由重新开放该步骤。",
                step.code, step.name
            )));
        }
        let waiting = self.waiting_for(code);
        if waiting.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = waiting
            .iter()
            .map(|p| format!("{}（{}）", p.name, p.code))
            .collect();
        let mut msg = format!(
            "{}尚未完成，{}（{}）不能开始",
            names.join("、"),
            step.name,
            step.code
        );
        msg.push_str(if step.early {
            "；街道工作组可写明理由提前开始。"
        } else {
            "。"
        });
        Err(AppError::conflict(msg))
    }
}

/// 409 unless `what` may change in step `code` of the campaign (see [`Progress::check_write`]).
pub async fn require_writable(db: &Db, c: &Campaign, code: &str, what: &str) -> AppResult<()> {
    Progress::load(db, c.id).await?.check_write(code, what)
}

/// Whether step `code` has started: its predecessors closed or the street opened it early (a
/// closed step has started too).
pub async fn started(db: &Db, campaign_id: i64, code: &str) -> AppResult<bool> {
    Ok(Progress::load(db, campaign_id).await?.state(code) != StepState::Waiting)
}

/// [`require_writable`] naming what the step's closing freezes, from the table.
pub async fn require_open(db: &Db, c: &Campaign, code: &str) -> AppResult<()> {
    require_writable(db, c, code, &frozen(code)).await
}

/// What a step's closing freezes, as one phrase for messages (the table's notes in brackets
/// left out).
pub fn frozen(code: &str) -> String {
    let items: Vec<&str> = procedure::step(code)
        .map(|s| s.freezes)
        .unwrap_or_default()
        .iter()
        .map(|f| f.split('（').next().unwrap_or(f))
        .collect();
    if items.is_empty() {
        "本步骤的记录".to_owned()
    } else {
        items.join("、")
    }
}

/// Closes step `code` in `tx` and audits it with `after` (what its close conditions found).
/// Refused when the step is already closed or has not started: the caller checked its own
/// close conditions.
pub async fn close(
    tx: &mut Tx,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    code: &str,
    after: Value,
) -> AppResult<()> {
    let step =
        procedure::step(code).ok_or_else(|| AppError::internal(format!("unknown step {code}")))?;
    let now = crate::now();
    let n = Q::new("update campaign_steps set done_at = $1, updated_at = $1 where campaign_id = $2 and code = $3 and done_at is null")
        .bind(now)
        .bind(c.id)
        .bind(code)
        .execute(&mut *tx)
        .await?;
    if n == 0 {
        return Err(AppError::conflict(format!(
            "{} {}已经结束。",
            step.code, step.name
        )));
    }
    audit::append(
        tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "done",
            entity: "campaign_step",
            entity_id: format!("{}:{code}", c.id),
            before: None,
            after: Some(after),
        },
    )
    .await?;
    Ok(())
}

/// The street's reason for reopening a step.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReopenInput {
    /// Why (required).
    pub reason: String,
}

/// Reopens a closed step: the street only (the route's access), with a reason, and only while
/// no later step that waits for it has closed (those are named: they reopen first).
pub async fn reopen(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    code: &str,
    f: &ReopenInput,
) -> AppResult<&'static Step> {
    let step = procedure::step(code).ok_or(AppError::NotFound)?;
    if crate::street_steps::is_street_wide(step) {
        // The street's own steps close and reopen street-wide, never one campaign alone.
        return crate::street_steps::reopen(state, ctx, code, f).await;
    }
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "重新开放步骤必须写明理由"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("理由", "最多 500 字"));
    }
    let mut tx = state.db.begin().await?;
    // The campaign's row serialises closing and reopening its steps.
    let lock = tx.for_update();
    Q::new(format!("select id from campaigns where id = $1{lock}"))
        .bind(c.id)
        .scalar(&mut tx)
        .await?;
    let done: Vec<(String, DateTime<Utc>)> = Q::new(
        "select code, done_at from campaign_steps where campaign_id = $1 and done_at is not null",
    )
    .bind(c.id)
    .all(&mut tx)
    .await?;
    let progress = Progress::from_rows(done, Vec::new());
    let Some(closed_at) = progress.closed_at(code) else {
        return Err(AppError::conflict(format!(
            "{} {}尚未结束，无需重新开放。",
            step.code, step.name
        )));
    };
    let later = progress.closed_dependents(code);
    if !later.is_empty() {
        let names: Vec<String> = later.iter().map(|d| procedure::label(d)).collect();
        return Err(AppError::conflict(format!(
            "{} {}之后的 {} 已结束，须先重新开放这些步骤。",
            step.code,
            step.name,
            names.join("、")
        )));
    }
    Q::new("update campaign_steps set done_at = null, updated_at = $1 where campaign_id = $2 and code = $3")
        .bind(crate::now())
        .bind(c.id)
        .bind(code)
        .execute(&mut tx)
        .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "reopen",
            entity: "campaign_step",
            entity_id: format!("{}:{code}", c.id),
            before: Some(json!({"step": code, "done_at": closed_at})),
            after: Some(json!({"step": code, "done_at": null, "reason": reason})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(step)
}

/// One step of a campaign as the API shows it.
#[derive(Clone, Debug, Serialize)]
pub struct StepOut {
    /// Code (`P-2`).
    pub code: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// `waiting`, `open` or `closed`.
    pub state: StepState,
    /// Chinese label of the state.
    pub state_label: &'static str,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The street's reason for opening it early.
    pub opened_early: Option<String>,
    /// The steps it waits for.
    pub after: &'static [&'static str],
    /// Its predecessors still open.
    pub waiting_for: Vec<&'static str>,
    /// Later steps that have closed (they must reopen before this one can).
    pub closed_dependents: Vec<&'static str>,
    /// What its closing freezes.
    pub freezes: &'static [&'static str],
}

/// Every step of the table with the campaign's progress.
pub fn overview(p: &Progress) -> Vec<StepOut> {
    procedure::STEPS
        .iter()
        .map(|s| {
            let state = p.state(s.code);
            StepOut {
                code: s.code,
                name: s.name,
                state,
                state_label: state.zh(),
                closed_at: p.closed_at(s.code),
                opened_early: p.opened_early(s.code).map(str::to_string),
                after: s.after,
                waiting_for: p.waiting_for(s.code).iter().map(|w| w.code).collect(),
                closed_dependents: p.closed_dependents(s.code),
                freezes: s.freezes,
            }
        })
        .collect()
}

/// `GET /api/v1/campaigns/{campaign}/steps`.
async fn api_list(State(state): State<AppState>, scope: CampaignScope) -> AppResult<Json<Value>> {
    let p = Progress::load(&state.db, scope.campaign.id).await?;
    Ok(Json(
        json!({"campaign": scope.campaign.id, "steps": overview(&p)}),
    ))
}

/// `POST /api/v1/campaigns/{campaign}/steps/{step}/reopen`.
async fn api_reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Path((_, code)): Path<(i64, String)>,
    Json(f): Json<ReopenInput>,
) -> AppResult<Json<Value>> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    reopen(&state, &ctx, &c, &community, &code, &f).await?;
    let p = Progress::load(&state.db, c.id).await?;
    let out = overview(&p).into_iter().find(|s| s.code == code);
    Ok(Json(json!({"step": out})))
}

async fn reopen_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Path((_, _, code)): Path<(String, i64, String)>,
    Form(f): Form<ReopenInput>,
) -> AppResult<Response> {
    let back = scope.page("");
    let r = reopen(&state, &ctx, &scope.campaign, &scope.community, &code, &f).await;
    finish(&session, &back, r, |s| {
        format!("已重新开放 {} {}。", s.code, s.name)
    })
    .await
}

/// The page of a campaign's step, relative to the campaign's own page; empty for the steps
/// that have no page of their own yet (the street's work, W-4, discipline).
pub fn page(code: &str) -> &'static str {
    match code {
        "P-1" => "party/nominations",
        "P-2" => "party/review",
        "P-3" => "party/recommendation",
        "P-4" => "party/preliminary",
        "P-5" => "party/candidates",
        "P-6" | "P-7" => "party/congress",
        "R-1" => "residents/representatives",
        "R-2" => "residents/committee",
        "R-3" => "residents/rules",
        "R-4" => "residents/voters",
        "R-5" => "residents/nominees",
        "R-6" => "residents/introductions",
        "R-7" => "residents/election",
        "R-8" => "residents/result",
        "W-1" => "wrapup/handover",
        "W-2" => "wrapup/organisation",
        "W-3" => "wrapup/charter",
        "W-4" => "wrapup/inspection",
        _ => "",
    }
}

/// The address of a campaign's step page, or empty when it has none (see [`page`]).
pub fn href(community_code: &str, campaign_id: i64, code: &str) -> String {
    match page(code) {
        "" => String::new(),
        p => format!("/communities/{community_code}/campaigns/{campaign_id}/{p}"),
    }
}

/// Where one pipeline of a campaign stands: its first step not yet closed, in the procedure
/// table's order, and that step's state; `None` when every step of it is closed.
pub fn current(p: &Progress, pipeline: procedure::Pipeline) -> Option<(&'static Step, StepState)> {
    procedure::STEPS
        .iter()
        .filter(|s| s.pipeline == pipeline)
        .find(|s| !p.closed(s.code))
        .map(|s| (s, p.state(s.code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn progress(done: &[&str], early: &[&str]) -> Progress {
        Progress::from_rows(
            done.iter().map(|d| (d.to_string(), at())),
            early.iter().map(|e| (e.to_string(), "理由".to_string())),
        )
    }

    #[test]
    fn a_step_waits_until_its_predecessor_closes() {
        let p = progress(&[], &[]);
        assert_eq!(p.state("P-1"), StepState::Open);
        assert_eq!(p.state("P-2"), StepState::Waiting);
        let e = p.check_write("P-2", "审查结论").unwrap_err().message();
        assert!(e.contains("公开推荐（P-1）尚未完成"), "{e}");
        assert!(e.contains("街道工作组可写明理由提前开始"), "{e}");
        assert_eq!(progress(&["P-1"], &[]).state("P-2"), StepState::Open);
    }

    #[test]
    fn the_street_opening_a_step_early_lets_it_be_written() {
        let p = progress(&[], &["P-2"]);
        assert!(p.check_write("P-2", "审查结论").is_ok());
    }

    #[test]
    fn a_closed_step_refuses_writes_naming_the_step_and_what_it_froze() {
        let p = progress(&["P-1", "P-2"], &[]);
        let e = p.check_write("P-2", "审查结论").unwrap_err().message();
        assert!(
            e.starts_with("P-2 资格审查已结束，不能再修改审查结论"),
            "{e}"
        );
    }

    #[test]
    fn a_step_without_early_opening_does_not_offer_it() {
        let e = progress(&[], &[])
            .check_write("P-7", "备案")
            .unwrap_err()
            .message();
        assert!(!e.contains("提前开始"), "{e}");
    }

    #[test]
    fn a_step_waiting_for_two_names_each_open_predecessor() {
        let e = progress(&["P-7"], &[])
            .check_write("W-1", "交接清单")
            .unwrap_err()
            .message();
        assert!(e.contains("R-8"), "{e}");
        assert!(!e.contains("P-7"), "{e}");
    }

    #[test]
    fn closed_dependents_are_the_later_steps_that_closed() {
        let p = progress(&["P-1", "P-2", "P-3"], &[]);
        assert_eq!(p.closed_dependents("P-2"), vec!["P-3"]);
        assert!(p.closed_dependents("P-3").is_empty());
    }
}
