//! The street and its work plan (S-1.2): created from the seed's template on first start,
//! editable by 街道工作组; campaigns copy it with their year.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::db::{Db, Q, Tx};
use crate::domain::composition::{Gender, GenderRule};
use crate::domain::plan::{TEMPLATE, md, parse_md};
use crate::domain::residents::AdoptionQuorum;
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, get, post, put};
use crate::state::AppState;
use crate::web::{self, Layout};

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get("/plan", Access::Community, r::get(plan_get)),
        post("/plan/steps/{step}", Access::Street, r::post(step_post)),
        post("/plan/settings", Access::Street, r::post(settings_post)),
        get("/api/v1/plan", Access::Community, r::get(api_plan)),
        put(
            "/api/v1/plan/settings",
            Access::Street,
            r::put(api_settings),
        ),
        put(
            "/api/v1/plan/steps/{step}",
            Access::Street,
            r::put(api_step),
        ),
    ]
}

/// A plan step row.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct PlanStep {
    /// Step code (S-1, P-3, R-4 …).
    pub code: String,
    /// Phase code.
    pub phase: String,
    /// Title.
    pub title: String,
    /// Start, `mm-dd`.
    pub start_md: String,
    /// End, `mm-dd`.
    pub end_md: String,
    /// Order.
    pub sort: i64,
}

/// Creates the street and its plan from the template if the database has none.
pub async fn ensure_street(db: &Db, name: &str) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let n = Q::new("select count(*) from streets")
        .scalar(&mut tx)
        .await?;
    if n == 0 {
        let now = crate::now();
        let id = Q::new("insert into streets (name, settings, created_at, updated_at) values ($1, '{}', $2, $2) returning id")
            .bind(name)
            .bind(now)
            .scalar(&mut tx)
            .await?;
        for (i, (code, phase, title, s, e)) in TEMPLATE.iter().enumerate() {
            Q::new("insert into plan_steps (street_id, code, phase, title, start_md, end_md, sort, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
                .bind(id)
                .bind(*code)
                .bind(*phase)
                .bind(*title)
                .bind(md(s.0, s.1))
                .bind(md(e.0, e.1))
                .bind(i as i64)
                .bind(now)
                .execute(&mut tx)
                .await?;
        }
        audit::append(
            &mut tx,
            &audit::Actor::system(),
            Change {
                scope: audit::STREET.into(),
                action: "create",
                entity: "street",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({"name": name, "plan_steps": TEMPLATE.len()})),
            },
        )
        .await?;
    }
    tx.commit().await
}

/// The street's settings of the procedure (stored in `streets.settings`).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StreetSettings {
    /// How many representatives must attend the meeting that adopts the election rules.
    pub r3_quorum: AdoptionQuorum,
    /// C-5: at least N members of a gender in each team (default: a woman).
    pub c5: GenderRule,
}

/// The street's settings (defaults where none are stored).
pub async fn settings(db: &Db) -> AppResult<StreetSettings> {
    let raw: Option<(String,)> = Q::new("select settings from streets order by id limit 1")
        .optional(db)
        .await?;
    Ok(raw
        .and_then(|(s,)| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// Input for the settings (codes; an absent field keeps its value).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsInput {
    /// `more_than_half` or `two_thirds`.
    pub r3_quorum: Option<String>,
    /// C-5's gender: 男 or 女.
    pub c5_gender: Option<String>,
    /// C-5's minimum (0–9).
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub c5_min: Option<i64>,
}

async fn update_settings(
    state: &AppState,
    ctx: &Ctx,
    f: &SettingsInput,
) -> AppResult<StreetSettings> {
    let before = settings(&state.db).await?;
    let mut after = before;
    if let Some(code) = f.r3_quorum.as_deref() {
        after.r3_quorum = AdoptionQuorum::parse(code.trim()).ok_or_else(|| {
            AppError::invalid(
                "选举办法表决的到会人数",
                "应为“超过居民代表的半数”或“不少于居民代表的三分之二”",
            )
        })?;
    }
    if let Some(g) = f.c5_gender.as_deref() {
        after.c5.gender = Gender::parse(g)
            .ok_or_else(|| AppError::invalid("班子性别结构", "性别应为“男”或“女”"))?;
    }
    if let Some(n) = f.c5_min {
        after.c5.min = u32::try_from(n)
            .ok()
            .filter(|n| *n <= 9)
            .ok_or_else(|| AppError::invalid("班子性别结构", "最少人数应为 0–9"))?;
    }
    let mut tx = state.db.begin().await?;
    let street = crate::street_id(&mut tx).await?;
    Q::new("update streets set settings = $1, updated_at = $2 where id = $3")
        .bind(json!(after).to_string())
        .bind(crate::now())
        .bind(street)
        .execute(&mut tx)
        .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "update",
            entity: "street_settings",
            entity_id: street.to_string(),
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

async fn settings_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<SettingsInput>,
) -> AppResult<Response> {
    let r = update_settings(&state, &ctx, &f).await;
    web::finish(&session, "/plan", r, |s| {
        format!(
            "已保存：选举办法表决时到会居民代表须{}；每个班子{}。",
            s.r3_quorum.zh(),
            s.c5.zh()
        )
    })
    .await
}

async fn api_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<SettingsInput>,
) -> AppResult<Json<serde_json::Value>> {
    let s = update_settings(&state, &ctx, &f).await?;
    Ok(Json(json!({ "settings": s })))
}

/// The plan's steps in order.
pub async fn steps(tx: &mut Tx) -> AppResult<Vec<PlanStep>> {
    Q::new("select code, phase, title, start_md, end_md, sort from plan_steps order by sort")
        .all(tx)
        .await
}

/// Input for changing a step's dates.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepInput {
    /// Start `mm-dd` (or `m/d`).
    pub start: String,
    /// End.
    pub end: String,
}

async fn update_step(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    f: &StepInput,
) -> AppResult<PlanStep> {
    let start = parse_md(&f.start)
        .ok_or_else(|| AppError::invalid("开始日期", format!("“{}”无效，应为 月-日", f.start)))?;
    let end = parse_md(&f.end)
        .ok_or_else(|| AppError::invalid("结束日期", format!("“{}”无效，应为 月-日", f.end)))?;
    if end < start {
        return Err(AppError::invalid("结束日期", "不能早于开始日期"));
    }
    let mut tx = state.db.begin().await?;
    let before: PlanStep =
        Q::new("select code, phase, title, start_md, end_md, sort from plan_steps where code = $1")
            .bind(code)
            .optional(&mut tx)
            .await?
            .ok_or(AppError::NotFound)?;
    Q::new("update plan_steps set start_md = $1, end_md = $2, updated_at = $3 where code = $4")
        .bind(&start)
        .bind(&end)
        .bind(crate::now())
        .bind(code)
        .execute(&mut tx)
        .await?;
    let after = PlanStep {
        start_md: start,
        end_md: end,
        ..before.clone()
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "update",
            entity: "plan_step",
            entity_id: code.into(),
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

#[derive(Template, WebTemplate)]
#[template(path = "plan/show.html")]
struct PlanPage {
    layout: Layout,
    steps: Vec<PlanStep>,
    street: bool,
    settings: StreetSettings,
    quorums: [AdoptionQuorum; 2],
    genders: [Gender; 2],
}

async fn plan_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<PlanPage> {
    let mut tx = state.db.begin().await?;
    let steps = steps(&mut tx).await?;
    tx.commit().await?;
    let street = ctx.user()?.is_street();
    Ok(PlanPage {
        layout: Layout::new(&ctx, &session, "工作方案").await,
        steps,
        street,
        settings: settings(&state.db).await?,
        quorums: AdoptionQuorum::ALL,
        genders: Gender::ALL,
    })
}

async fn step_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(code): Path<String>,
    Form(f): Form<StepInput>,
) -> AppResult<Response> {
    match update_step(&state, &ctx, &code, &f).await {
        Ok(s) => {
            web::flash(
                &session,
                "ok",
                format!("已修改 {} {} 的日期。", s.code, s.title),
            )
            .await;
            Ok(web::see_other("/plan"))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, "/plan", e).await,
        Err(e) => Err(e),
    }
}

async fn api_plan(State(state): State<AppState>) -> AppResult<Json<serde_json::Value>> {
    let mut tx = state.db.begin().await?;
    let steps = steps(&mut tx).await?;
    tx.commit().await?;
    let settings = settings(&state.db).await?;
    Ok(Json(json!({ "steps": steps, "settings": settings })))
}

async fn api_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(f): Json<StepInput>,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(
        json!({ "step": update_step(&state, &ctx, &code, &f).await? }),
    ))
}
