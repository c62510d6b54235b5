//! The discipline register (street only): each report's date, channel, reporter (anonymous
//! allowed), against whom (a person and/or a community), category and summary; the handling
//! steps with their dates and who handled them; the outcome and the day it closed. Every change
//! is audited in the street's chain, never a community's: a community never learns of a report.
//! The flags other pages read (a person with an open report) come from here.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::db::{Db, Q, Tx};
use crate::domain::discipline::{Category, Channel, category_zh, channel_zh};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A report with its handling.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Id.
    pub id: i64,
    /// The day received.
    pub received_on: NaiveDate,
    /// Channel code.
    pub channel: String,
    /// Who reported (`None`: anonymous).
    pub reporter: Option<String>,
    /// Against whom: the person.
    pub person_id: Option<i64>,
    /// The person's name.
    pub person_name: Option<String>,
    /// Against which community.
    pub community_id: Option<i64>,
    /// The community's name.
    pub community_name: Option<String>,
    /// Category code.
    pub category: String,
    /// What was reported.
    pub summary: String,
    /// The outcome (set when closed).
    pub outcome: Option<String>,
    /// The day it closed.
    pub closed_on: Option<NaiveDate>,
    /// The handling steps, oldest first.
    pub steps: Vec<Step>,
}

impl Report {
    /// Still open.
    pub fn open(&self) -> bool {
        self.closed_on.is_none()
    }
    /// The channel in words.
    pub fn channel_zh(&self) -> &str {
        channel_zh(&self.channel)
    }
    /// The category in words.
    pub fn category_zh(&self) -> &str {
        category_zh(&self.category)
    }
    /// Against whom, in words.
    pub fn against(&self) -> String {
        match (&self.person_name, &self.community_name) {
            (Some(p), Some(c)) => format!("{p}（{c}）"),
            (Some(p), None) => p.clone(),
            (None, Some(c)) => c.clone(),
            (None, None) => "未指明".into(),
        }
    }
    /// The reporter in words.
    pub fn reporter_zh(&self) -> &str {
        self.reporter.as_deref().unwrap_or("匿名")
    }
}

/// One handling step.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Step {
    /// Id.
    pub id: i64,
    /// The report.
    pub report_id: i64,
    /// The day.
    pub done_on: NaiveDate,
    /// What was done.
    pub action: String,
    /// Who handled it.
    pub handled_by: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    received_on: NaiveDate,
    channel: String,
    reporter: Option<String>,
    person_id: Option<i64>,
    person_name: Option<String>,
    community_id: Option<i64>,
    community_name: Option<String>,
    category: String,
    summary: String,
    outcome: Option<String>,
    closed_on: Option<NaiveDate>,
}

const SELECT: &str = "select r.id, r.received_on, r.channel, r.reporter, r.person_id, p.name as person_name, \
     r.community_id, m.name as community_name, r.category, r.summary, r.outcome, r.closed_on \
     from discipline_reports r left join people p on p.id = r.person_id left join communities m on m.id = r.community_id";

fn assemble(rows: Vec<Row>, steps: Vec<Step>) -> Vec<Report> {
    rows.into_iter()
        .map(|r| Report {
            steps: steps
                .iter()
                .filter(|s| s.report_id == r.id)
                .cloned()
                .collect(),
            id: r.id,
            received_on: r.received_on,
            channel: r.channel,
            reporter: r.reporter,
            person_id: r.person_id,
            person_name: r.person_name,
            community_id: r.community_id,
            community_name: r.community_name,
            category: r.category,
            summary: r.summary,
            outcome: r.outcome,
            closed_on: r.closed_on,
        })
        .collect()
}

/// Every report: open ones first, then by day received, latest first.
pub async fn list(db: &Db) -> AppResult<Vec<Report>> {
    let rows: Vec<Row> = Q::new(format!(
        "{SELECT} order by case when r.closed_on is null then 0 else 1 end, r.received_on desc, r.id desc"
    ))
    .all(db)
    .await?;
    let steps: Vec<Step> = Q::new(
        "select id, report_id, done_on, action, handled_by from discipline_report_steps order by done_on, id",
    )
    .all(db)
    .await?;
    Ok(assemble(rows, steps))
}

/// One report (404 if none).
pub async fn get(db: &Db, id: i64) -> AppResult<Report> {
    let rows: Vec<Row> = Q::new(format!("{SELECT} where r.id = $1"))
        .bind(id)
        .all(db)
        .await?;
    let steps: Vec<Step> = Q::new(
        "select id, report_id, done_on, action, handled_by from discipline_report_steps where report_id = $1 order by done_on, id",
    )
    .bind(id)
    .all(db)
    .await?;
    assemble(rows, steps).pop().ok_or(AppError::NotFound)
}

/// How many reports are open (for the dashboard and D-1).
pub async fn open_reports(db: &Db) -> AppResult<i64> {
    Q::new("select count(*) from discipline_reports where closed_on is null")
        .scalar(db)
        .await
}

/// The people with an open report against them. Street pages only: a community's staff must
/// never be shown anything read from here.
pub async fn flagged(db: &Db) -> AppResult<HashSet<i64>> {
    let rows: Vec<(i64,)> = Q::new(
        "select distinct person_id from discipline_reports where closed_on is null and person_id is not null",
    )
    .all(db)
    .await?;
    Ok(rows.into_iter().map(|(p,)| p).collect())
}

/// [`flagged`] for the user of `ctx`: the people with an open report for 街道工作组, and nobody
/// for anyone else — the one call every page and API outside the register uses, so a
/// community's staff learn nothing of a report.
pub async fn flags_for(db: &Db, ctx: &Ctx) -> AppResult<HashSet<i64>> {
    match &ctx.user {
        Some(u) if u.is_street() => flagged(db).await,
        _ => Ok(HashSet::new()),
    }
}

/// Input for a report.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportInput {
    /// The day received.
    pub received_on: String,
    /// Channel (code or word).
    pub channel: String,
    /// Who reported (empty: anonymous).
    pub reporter: String,
    /// Against whom: a person.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub person_id: Option<i64>,
    /// Against which community (its code; empty: none).
    pub community: String,
    /// Category (code or word).
    pub category: String,
    /// What was reported (prose).
    pub summary: String,
}

async fn log(
    tx: &mut Tx,
    ctx: &Ctx,
    action: &'static str,
    id: i64,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> AppResult<()> {
    audit::append(
        tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action,
            entity: "discipline_report",
            entity_id: id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await?;
    Ok(())
}

/// Registers a report.
pub async fn create(state: &AppState, ctx: &Ctx, f: &ReportInput) -> AppResult<Report> {
    let received_on = super::date("收到日期", &f.received_on)?;
    let channel = Channel::parse(&f.channel)
        .ok_or_else(|| AppError::invalid("反映方式", "应为来信、来访、电话、网络或现场"))?;
    let category = Category::parse(&f.category).ok_or_else(|| {
        AppError::invalid("问题类别", "应为拉票贿选、暴力、威胁、欺骗、伪造选票或其他")
    })?;
    let summary = super::required("反映内容", &f.summary)?;
    let reporter = Some(f.reporter.trim().to_string()).filter(|r| !r.is_empty());
    if let Some(p) = f.person_id {
        let n = Q::new("select count(*) from people where id = $1")
            .bind(p)
            .scalar(&state.db)
            .await?;
        if n == 0 {
            return Err(AppError::invalid("被反映人", format!("人员 {p} 不存在")));
        }
    }
    let community = match f.community.trim() {
        "" => None,
        code => Some(
            crate::communities::by_code(&state.db, code)
                .await?
                .ok_or_else(|| AppError::invalid("被反映社区", format!("社区“{code}”不存在")))?
                .id,
        ),
    };
    if f.person_id.is_none() && community.is_none() {
        return Err(AppError::invalid("被反映人", "请选择被反映人或被反映社区"));
    }
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let id = Q::new(
        "insert into discipline_reports (received_on, channel, reporter, person_id, community_id, category, summary, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning id",
    )
    .bind(received_on)
    .bind(channel.code())
    .bind(reporter.clone())
    .bind(f.person_id)
    .bind(community)
    .bind(category.code())
    .bind(&summary)
    .bind(ctx.user()?.id)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    log(
        &mut tx,
        ctx,
        "create",
        id,
        None,
        json!({"received_on": received_on, "channel": channel.code(), "reporter": reporter, "person_id": f.person_id,
               "community_id": community, "category": category.code(), "summary": summary}),
    )
    .await?;
    tx.commit().await?;
    get(&state.db, id).await
}

/// Input for a handling step.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepInput {
    /// The day.
    pub done_on: String,
    /// What was done.
    pub action: String,
    /// Who handled it.
    pub handled_by: String,
}

/// Adds a handling step to an open report.
pub async fn add_step(state: &AppState, ctx: &Ctx, id: i64, f: &StepInput) -> AppResult<Step> {
    let report = get(&state.db, id).await?;
    if !report.open() {
        return Err(AppError::conflict("该举报已办结，不能再登记办理情况。"));
    }
    let done_on = super::date("办理日期", &f.done_on)?;
    if done_on < report.received_on {
        return Err(AppError::invalid("办理日期", "不能早于收到日期"));
    }
    let action = super::required("办理情况", &f.action)?;
    let handled_by = super::required("承办人", &f.handled_by)?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let sid = Q::new(
        "insert into discipline_report_steps (report_id, done_on, action, handled_by, created_by, created_at) values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(id)
    .bind(done_on)
    .bind(&action)
    .bind(&handled_by)
    .bind(ctx.user()?.id)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    Q::new("update discipline_reports set updated_at = $1 where id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut tx)
        .await?;
    let step = Step {
        id: sid,
        report_id: id,
        done_on,
        action,
        handled_by,
    };
    log(&mut tx, ctx, "handle", id, None, json!({"step": step})).await?;
    tx.commit().await?;
    Ok(step)
}

/// Input for closing a report.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CloseInput {
    /// The outcome (required).
    pub outcome: String,
    /// The day it closed.
    pub closed_on: String,
}

/// Closes a report with its outcome (required).
pub async fn close(state: &AppState, ctx: &Ctx, id: i64, f: &CloseInput) -> AppResult<Report> {
    let report = get(&state.db, id).await?;
    if !report.open() {
        return Err(AppError::conflict("该举报已经办结。"));
    }
    let outcome = f.outcome.trim();
    if outcome.is_empty() {
        return Err(AppError::invalid("处理结果", "办结须写明处理结果"));
    }
    let closed_on = super::date("办结日期", &f.closed_on)?;
    if closed_on < report.received_on {
        return Err(AppError::invalid("办结日期", "不能早于收到日期"));
    }
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    Q::new(
        "update discipline_reports set outcome = $1, closed_on = $2, updated_at = $3 where id = $4",
    )
    .bind(outcome)
    .bind(closed_on)
    .bind(now)
    .bind(id)
    .execute(&mut tx)
    .await?;
    log(
        &mut tx,
        ctx,
        "close",
        id,
        Some(json!({"outcome": null, "closed_on": null})),
        json!({"outcome": outcome, "closed_on": closed_on}),
    )
    .await?;
    tx.commit().await?;
    get(&state.db, id).await
}
