//! W-4 换届工作总结: the street's summary of its campaign year. The page offers a draft written
//! from the figures ([`crate::domain::statistics::summary`]) until the street saves its own
//! text; the street edits, submits (W-4's `summary` condition), may withdraw a submission with a
//! reason, and prints it. Audited in the street's chain.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use axum::{Form, Json};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::db::{Db, Q};
use crate::domain::discipline::Category;
use crate::domain::statistics::summary::{Record, draft};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, get, post, put};
use crate::state::AppState;
use crate::web::{Layout, finish};

/// The longest summary kept, in characters.
pub const MAX_CHARS: usize = 20_000;

/// This module's routes (the street's).
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get("/summary", Access::Street, r::get(page_get)),
        post("/summary", Access::Street, r::post(save_post)),
        post("/summary/submit", Access::Street, r::post(submit_post)),
        post("/summary/withdraw", Access::Street, r::post(withdraw_post)),
        get("/summary/print", Access::Street, r::get(print_get)),
        get("/api/v1/summary", Access::Street, r::get(api_get)),
        put("/api/v1/summary", Access::Street, r::put(api_put)),
        post(
            "/api/v1/summary/submit",
            Access::Street,
            r::post(api_submit),
        ),
        post(
            "/api/v1/summary/withdraw",
            Access::Street,
            r::post(api_withdraw),
        ),
    ]
}

/// The summary of a year as stored, or the draft when none is.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The campaign year.
    pub year: i64,
    /// The text: the street's saved text, else the draft.
    pub body: String,
    /// Whether the text is the street's (saved) rather than the draft.
    pub saved: bool,
    /// When it was submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The draft from today's figures.
    pub draft: String,
}

impl Summary {
    /// The day (Beijing) it was submitted.
    pub fn submitted_on(&self) -> Option<NaiveDate> {
        self.submitted_at.map(crate::clock::beijing_date)
    }
}

/// What the draft is written from, read from the records of `year`.
async fn record(db: &Db, year: i64) -> AppResult<Record> {
    let done = |code: &'static str| {
        Q::new(
            "select count(*) from campaign_steps s join campaigns c on c.id = s.campaign_id \
             where c.year = $1 and s.code = $2 and s.done_at is not null",
        )
        .bind(year)
        .bind(code)
    };
    let from = NaiveDate::from_ymd_opt(year as i32, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year as i32, 12, 31).unwrap_or_default();
    let rows: Vec<(String, i64, i64)> = Q::new(
        "select category, count(*), count(closed_on) from discipline_reports \
         where received_on >= $1 and received_on <= $2 group by category",
    )
    .bind(from)
    .bind(to)
    .all(db)
    .await?;
    let reports = Category::ALL
        .iter()
        .map(|k| {
            let (n, c) = rows
                .iter()
                .filter(|(c, _, _)| Category::parse(c) == Some(*k))
                .fold((0, 0), |(n, c), (_, a, b)| (n + *a as u32, c + *b as u32));
            (k.zh().to_string(), n, c)
        })
        .collect();
    let objections = |extra: &str| {
        Q::new(format!(
            "select count(*) from party_objections o join party_publicities p on p.id = o.publicity_id \
             join campaigns c on c.id = p.campaign_id where c.year = $1{extra}"
        ))
        .bind(year)
    };
    Ok(Record {
        year,
        party_done: done("P-7").scalar(db).await? as u32,
        residents_done: done("R-8").scalar(db).await? as u32,
        reports,
        party_objections: (
            objections("").scalar(db).await? as u32,
            objections(" and o.answered_at is not null")
                .scalar(db)
                .await? as u32,
        ),
        voter_objections: Q::new(
            "select count(*) from resident_voter_decisions d join campaigns c on c.id = d.campaign_id where c.year = $1",
        )
        .bind(year)
        .scalar(db)
        .await? as u32,
    })
}

#[derive(sqlx::FromRow)]
struct Row {
    body: String,
    submitted_at: Option<DateTime<Utc>>,
}

/// The street's summary of its campaign year.
pub async fn load(state: &AppState) -> AppResult<Summary> {
    let year = crate::street_steps::year(&state.db, state.today()).await?;
    let stats = super::statistics::of_street(&state.db, year).await?;
    let d = draft(&stats, &record(&state.db, year).await?);
    let row: Option<Row> =
        Q::new("select body, submitted_at from wrapup_summaries where year = $1")
            .bind(year)
            .optional(&state.db)
            .await?;
    Ok(match row {
        Some(r) => Summary {
            year,
            body: r.body,
            saved: true,
            submitted_at: r.submitted_at,
            draft: d,
        },
        None => Summary {
            year,
            body: d.clone(),
            saved: false,
            submitted_at: None,
            draft: d,
        },
    })
}

/// Whether the summary of `year` is submitted (W-4's `summary` condition).
pub async fn submitted(db: &Db, year: i64) -> AppResult<bool> {
    let n = Q::new(
        "select count(*) from wrapup_summaries where year = $1 and submitted_at is not null",
    )
    .bind(year)
    .scalar(db)
    .await?;
    Ok(n > 0)
}

/// The summary's text as the street saves it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct BodyInput {
    /// The text.
    pub body: String,
}

/// A withdrawal's reason.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReasonInput {
    /// Why (required).
    pub reason: String,
}

async fn log(state: &AppState, ctx: &Ctx, action: &'static str, after: Value) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action,
            entity: "wrapup_summary",
            entity_id: after["year"].to_string(),
            before: None,
            after: Some(after),
        },
    )
    .await?;
    tx.commit().await
}

/// Saves the street's text (refused once submitted: withdraw first).
pub async fn save(state: &AppState, ctx: &Ctx, f: &BodyInput) -> AppResult<Summary> {
    let body = f.body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("总结", "不能为空"));
    }
    if body.chars().count() > MAX_CHARS {
        return Err(AppError::invalid("总结", format!("最多 {MAX_CHARS} 字")));
    }
    let s = load(state).await?;
    if s.submitted_at.is_some() {
        return Err(AppError::conflict(
            "换届工作总结已提交，不能再修改；如需修改，请先撤回提交并写明理由。",
        ));
    }
    if s.saved && s.body == body {
        return Ok(s);
    }
    let now = crate::now();
    let uid = ctx.user()?.id;
    let mut tx = state.db.begin().await?;
    Q::new("delete from wrapup_summaries where year = $1")
        .bind(s.year)
        .execute(&mut tx)
        .await?;
    Q::new("insert into wrapup_summaries (year, body, updated_by, created_at, updated_at) values ($1, $2, $3, $4, $4)")
        .bind(s.year)
        .bind(body)
        .bind(uid)
        .bind(now)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    log(
        state,
        ctx,
        "update",
        json!({"year": s.year, "chars": body.chars().count()}),
    )
    .await?;
    load(state).await
}

/// Submits the summary (the draft is saved first when the street has not edited it).
pub async fn submit(state: &AppState, ctx: &Ctx) -> AppResult<Summary> {
    let s = load(state).await?;
    if s.submitted_at.is_some() {
        return Err(AppError::conflict("换届工作总结已经提交。"));
    }
    if !s.saved {
        save(
            state,
            ctx,
            &BodyInput {
                body: s.body.clone(),
            },
        )
        .await?;
    }
    Q::new("update wrapup_summaries set submitted_at = $1, submitted_by = $2 where year = $3")
        .bind(crate::now())
        .bind(ctx.user()?.id)
        .bind(s.year)
        .execute(&state.db)
        .await?;
    log(state, ctx, "submitted", json!({"year": s.year})).await?;
    load(state).await
}

/// Withdraws the submission, with a reason.
pub async fn withdraw(state: &AppState, ctx: &Ctx, f: &ReasonInput) -> AppResult<Summary> {
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "撤回提交必须写明理由"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("理由", "最多 500 字"));
    }
    let s = load(state).await?;
    if s.submitted_at.is_none() {
        return Err(AppError::conflict("换届工作总结尚未提交。"));
    }
    Q::new("update wrapup_summaries set submitted_at = null, submitted_by = null where year = $1")
        .bind(s.year)
        .execute(&state.db)
        .await?;
    log(
        state,
        ctx,
        "withdraw",
        json!({"year": s.year, "reason": reason}),
    )
    .await?;
    load(state).await
}

#[derive(Template, WebTemplate)]
#[template(path = "wrapup/summary.html")]
struct SummaryPage {
    layout: Layout,
    s: Summary,
}

async fn page_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<SummaryPage> {
    let s = load(&state).await?;
    Ok(SummaryPage {
        layout: Layout::new(&ctx, &session, format!("{} 年换届工作总结", s.year)).await,
        s,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "wrapup/summary_print.html")]
struct SummaryPrint {
    title: String,
    paragraphs: Vec<String>,
}

async fn print_get(State(state): State<AppState>) -> AppResult<SummaryPrint> {
    let s = load(&state).await?;
    let mut lines = s.body.lines().map(str::trim).filter(|l| !l.is_empty());
    let title = lines.next().unwrap_or("换届工作总结").to_string();
    Ok(SummaryPrint {
        title,
        paragraphs: lines.map(str::to_string).collect(),
    })
}

async fn save_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<BodyInput>,
) -> AppResult<Response> {
    let r = save(&state, &ctx, &f).await;
    finish(&session, "/summary", r, |_| "已保存换届工作总结。".into()).await
}

async fn submit_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<Response> {
    let r = submit(&state, &ctx).await;
    finish(&session, "/summary", r, |_| "已提交换届工作总结。".into()).await
}

async fn withdraw_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    let r = withdraw(&state, &ctx, &f).await;
    finish(&session, "/summary", r, |_| "已撤回提交，可以修改。".into()).await
}

async fn api_get(State(state): State<AppState>) -> AppResult<Json<Summary>> {
    Ok(Json(load(&state).await?))
}

async fn api_put(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<BodyInput>,
) -> AppResult<Json<Summary>> {
    Ok(Json(save(&state, &ctx, &f).await?))
}

async fn api_submit(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Summary>> {
    Ok(Json(submit(&state, &ctx).await?))
}

async fn api_withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<ReasonInput>,
) -> AppResult<Json<Summary>> {
    Ok(Json(withdraw(&state, &ctx, &f).await?))
}
