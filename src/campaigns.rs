//! Campaigns (换届选举工作): one per community and term, with a reference date for ages,
//! election days and per-step dates copied from the street's plan (adjustable).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::communities::{self, Community};
use crate::db::{Db, Q, is_unique_violation};
use crate::domain::person::parse_date;
use crate::domain::plan::on_year;
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, create, get, post, put};
use crate::state::AppState;
use crate::web::{self, Layout};

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get("/campaigns", Access::Community, r::get(list_get)),
        create("/campaigns", Access::Community, r::post(create_post)),
        get(
            "/communities/{code}/campaigns/{campaign}",
            Access::Community,
            r::get(show_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/steps/{step}",
            Access::Community,
            r::post(step_post),
        ),
        get("/api/v1/campaigns", Access::Community, r::get(api_list)),
        create("/api/v1/campaigns", Access::Community, r::post(api_create)),
        get(
            "/api/v1/campaigns/{campaign}",
            Access::Community,
            r::get(api_show),
        ),
        put(
            "/api/v1/campaigns/{campaign}/steps/{step}",
            Access::Community,
            r::put(api_step),
        ),
    ]
}

/// A campaign row.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Campaign {
    /// Id.
    pub id: i64,
    /// Community.
    pub community_id: i64,
    /// Term, e.g. 第八届.
    pub term: String,
    /// Year of the plan.
    pub year: i64,
    /// Reference date for ages (default: first day of S-2).
    pub reference_date: NaiveDate,
    /// Party congress day.
    pub party_election_day: Option<NaiveDate>,
    /// Residents' election day.
    pub residents_election_day: Option<NaiveDate>,
}

/// A campaign's step.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Step {
    /// Code.
    pub code: String,
    /// Phase.
    pub phase: String,
    /// Title.
    pub title: String,
    /// Start.
    pub start_date: NaiveDate,
    /// End.
    pub end_date: NaiveDate,
    /// Order.
    pub sort: i64,
    /// When marked done.
    pub done_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Step {
    /// Overdue: not done and its end date has passed (China Standard Time).
    pub fn overdue(&self, today: &chrono::NaiveDate) -> bool {
        !self.is_phase() && self.done_at.is_none() && self.end_date < *today
    }
}

/// The columns of [`Campaign`].
pub(crate) const COLS: &str =
    "id, community_id, term, year, reference_date, party_election_day, residents_election_day";

/// A change of a campaign's dates, the campaign before and after: what each pipeline reads to
/// re-run the stored checks computed on a date that moved.
#[derive(Clone, Copy, Debug)]
pub struct DateChange<'a> {
    /// Before the change.
    pub before: &'a Campaign,
    /// After the change.
    pub after: &'a Campaign,
}

impl DateChange<'_> {
    /// The reference date for ages (C-3) moved.
    pub fn reference(&self) -> bool {
        self.before.reference_date != self.after.reference_date
    }
    /// The Party congress day moved (or was set or cleared).
    pub fn party_day(&self) -> bool {
        self.before.party_election_day != self.after.party_election_day
    }
    /// The residents' election day moved (or was set or cleared).
    pub fn residents_day(&self) -> bool {
        self.before.residents_election_day != self.after.residents_election_day
    }
    /// The day R-1's representatives are checked on — the residents' election day, else the
    /// reference date — moved.
    pub fn representatives_day(&self) -> bool {
        let on = |c: &Campaign| c.residents_election_day.unwrap_or(c.reference_date);
        on(self.before) != on(self.after)
    }
}

/// Loads a campaign, 404 when absent or not visible to the user.
pub async fn load_visible(db: &Db, ctx: &Ctx, id: i64) -> AppResult<(Campaign, Community)> {
    let c: Campaign = Q::new(format!("select {COLS} from campaigns where id = $1"))
        .bind(id)
        .optional(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !ctx.user()?.sees_community(c.community_id) {
        return Err(AppError::NotFound);
    }
    let community = communities::by_id(db, c.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((c, community))
}

/// A campaign's steps in plan order.
pub async fn steps(db: &Db, campaign_id: i64) -> AppResult<Vec<Step>> {
    let rows: Vec<Step> = Q::new("select code, phase, title, start_date, end_date, sort, done_at from campaign_steps where campaign_id = $1 order by sort")
        .bind(campaign_id)
        .all(db)
        .await?;
    Ok(with_phases_derived(rows))
}

/// The phase rows (S-1, S-2, S-3) are no steps anyone closes: each is done when every step of
/// its phase is, on the day the last of them closed (else never overdue by itself, its steps are).
pub fn with_phases_derived(mut rows: Vec<Step>) -> Vec<Step> {
    let phases: Vec<String> = rows
        .iter()
        .filter(|s| s.code == s.phase)
        .map(|s| s.code.clone())
        .collect();
    for phase in phases {
        let members: Vec<&Step> = rows
            .iter()
            .filter(|s| s.phase == phase && s.code != phase)
            .collect();
        let done = if members.iter().all(|s| s.done_at.is_some()) {
            members.iter().filter_map(|s| s.done_at).max()
        } else {
            None
        };
        if let Some(row) = rows.iter_mut().find(|s| s.code == phase) {
            row.done_at = done;
        }
    }
    rows
}

impl Step {
    /// A phase's own row (S-1, S-2, S-3), not a step.
    pub fn is_phase(&self) -> bool {
        self.code == self.phase
    }
}

/// Input for a new campaign.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewCampaign {
    /// Community code.
    pub community: String,
    /// Term (第八届).
    pub term: String,
    /// Year.
    #[serde(default, deserialize_with = "crate::web::opt_i64::de")]
    pub year: Option<i64>,
    /// Reference date (optional; the street only, else the first day of S-2).
    pub reference_date: String,
}

/// Creates a campaign with the plan's steps applied to its year.
pub async fn create_campaign(state: &AppState, ctx: &Ctx, f: &NewCampaign) -> AppResult<Campaign> {
    let community = communities::by_code(&state.db, f.community.trim())
        .await?
        .filter(|c| ctx.user().is_ok_and(|u| u.sees_community(c.id)));
    // Another community's (or an unknown) code answers 404: existence is not revealed.
    let community = community.ok_or(AppError::NotFound)?;
    let term = f.term.trim().to_string();
    if term.is_empty() || term.chars().count() > 20 {
        return Err(AppError::invalid("届次", "不能为空，最多 20 字"));
    }
    // The dates are the street's: community staff create a campaign on the plan's dates.
    if !f.reference_date.trim().is_empty() && !ctx.user()?.is_street() {
        return Err(AppError::Forbidden);
    }
    let year = f.year.unwrap_or_else(|| state.today().year() as i64);
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("年份", "应在 2000–2100 之间"));
    }
    let mut tx = state.db.begin().await?;
    let plan = crate::plan::steps(&mut tx).await?;
    let y = year as i32;
    let s2_start = plan
        .iter()
        .find(|s| s.code == "S-2")
        .and_then(|s| on_year(&s.start_md, y));
    let reference = match f.reference_date.trim() {
        "" => s2_start.ok_or_else(|| AppError::internal("plan without S-2"))?,
        s => parse_date(s)
            .ok_or_else(|| AppError::invalid("年龄计算基准日", format!("“{s}”不是有效日期")))?,
    };
    let day = |code: &str, end: bool| {
        plan.iter()
            .find(|s| s.code == code)
            .and_then(|s| on_year(if end { &s.end_md } else { &s.start_md }, y))
    };
    let now = crate::now();
    let id = Q::new(
        "insert into campaigns (community_id, term, year, reference_date, party_election_day, residents_election_day, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
    )
    .bind(community.id)
    .bind(&term)
    .bind(year)
    .bind(reference)
    .bind(day("P-6", false))
    .bind(day("R-7", false))
    .bind(now)
    .try_scalar(&mut tx)
    .await
    .map_err(|e| if is_unique_violation(&e) { AppError::invalid("届次", format!("{}已有“{term}”的换届工作", community.name)) } else { e.into() })?;
    for s in &plan {
        let (Some(start), Some(end)) = (on_year(&s.start_md, y), on_year(&s.end_md, y)) else {
            continue;
        };
        Q::new("insert into campaign_steps (campaign_id, code, phase, title, start_date, end_date, sort, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
            .bind(id)
            .bind(&s.code)
            .bind(&s.phase)
            .bind(&s.title)
            .bind(start)
            .bind(end)
            .bind(s.sort)
            .bind(now)
            .execute(&mut tx)
            .await?;
    }
    crate::street_steps::inherit(&mut tx, id, year).await?;
    let c: Campaign = Q::new(format!("select {COLS} from campaigns where id = $1"))
        .bind(id)
        .one(&mut tx)
        .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "create",
            entity: "campaign",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!(c)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}

/// A date field of a form or JSON body: absent keeps `old`, empty clears it, else it must
/// parse (422 naming `field`).
pub(crate) fn date_field(
    field: &str,
    v: &Option<String>,
    old: Option<NaiveDate>,
) -> AppResult<Option<NaiveDate>> {
    match v.as_deref().map(str::trim) {
        None => Ok(old),
        Some("") => Ok(None),
        Some(s) => parse_date(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, format!("“{s}”不是有效日期"))),
    }
}

/// Changes to one step of a campaign.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepUpdate {
    /// Start date.
    pub start_date: Option<String>,
    /// End date.
    pub end_date: Option<String>,
}

async fn update_step(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    code: &str,
    f: &StepUpdate,
) -> AppResult<Step> {
    let mut tx = state.db.begin().await?;
    let before: Step = Q::new("select code, phase, title, start_date, end_date, sort, done_at from campaign_steps where campaign_id = $1 and code = $2")
        .bind(c.id)
        .bind(code)
        .optional(&mut tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let start = date_field("开始日期", &f.start_date, Some(before.start_date))?
        .ok_or_else(|| AppError::invalid("开始日期", "不能为空"))?;
    let end = date_field("结束日期", &f.end_date, Some(before.end_date))?
        .ok_or_else(|| AppError::invalid("结束日期", "不能为空"))?;
    if end < start {
        return Err(AppError::invalid("结束日期", "不能早于开始日期"));
    }
    Q::new("update campaign_steps set start_date = $1, end_date = $2, updated_at = $3 where campaign_id = $4 and code = $5")
        .bind(start)
        .bind(end)
        .bind(crate::now())
        .bind(c.id)
        .bind(code)
        .execute(&mut tx)
        .await?;
    let after = Step {
        start_date: start,
        end_date: end,
        ..before.clone()
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "update",
            entity: "campaign_step",
            entity_id: format!("{}:{code}", c.id),
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

async fn visible_campaigns(db: &Db, ctx: &Ctx) -> AppResult<Vec<(Campaign, Community)>> {
    let mut out = Vec::new();
    for community in communities::visible(db, ctx).await? {
        let list: Vec<Campaign> = Q::new(format!(
            "select {COLS} from campaigns where community_id = $1 order by year desc, id desc"
        ))
        .bind(community.id)
        .all(db)
        .await?;
        out.extend(list.into_iter().map(|c| (c, community.clone())));
    }
    Ok(out)
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<(Campaign, Community)>,
    communities: Vec<Community>,
    year: i32,
    street: bool,
}

async fn list_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<ListPage> {
    let rows = visible_campaigns(&state.db, &ctx).await?;
    let communities = communities::visible(&state.db, &ctx).await?;
    Ok(ListPage {
        layout: Layout::new(&ctx, &session, "换届工作").await,
        rows,
        communities,
        year: state.today().year() + 1,
        street: ctx.user()?.is_street(),
    })
}

async fn create_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<NewCampaign>,
) -> AppResult<Response> {
    match create_campaign(&state, &ctx, &f).await {
        Ok(c) => {
            web::flash(&session, "ok", format!("已创建{}换届工作。", c.term)).await;
            Ok(web::see_other(&format!(
                "/communities/{}/campaigns/{}",
                f.community.trim(),
                c.id
            )))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, "/campaigns", e).await,
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/show.html")]
struct ShowPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    steps: Vec<Step>,
    /// Where each step stands in the procedure table.
    progress: crate::steps::Progress,
    today: chrono::NaiveDate,
    street: bool,
}

/// The campaign of the path, checked to belong to the path's community.
pub(crate) async fn from_path(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> AppResult<(Campaign, Community)> {
    let (c, community) = load_visible(&state.db, ctx, id).await?;
    if ctx.community()?.id != community.id {
        return Err(AppError::NotFound);
    }
    Ok((c, community))
}

async fn show_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<ShowPage> {
    let (c, community) = from_path(&state, &ctx, id).await?;
    let steps = steps(&state.db, c.id).await?;
    let progress = crate::steps::Progress::load(&state.db, c.id).await?;
    let layout = Layout::new(
        &ctx,
        &session,
        format!("{} {}换届工作", community.name, c.term),
    )
    .await;
    Ok(ShowPage {
        layout,
        c,
        community,
        progress,
        steps,
        today: state.today(),
        street: ctx.user()?.is_street(),
    })
}

async fn step_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((code, id, step)): Path<(String, i64, String)>,
    Form(f): Form<StepUpdate>,
) -> AppResult<Response> {
    let (c, community) = from_path(&state, &ctx, id).await?;
    let back = format!("/communities/{code}/campaigns/{id}");
    match update_step(&state, &ctx, &c, &community, &step, &f).await {
        Ok(s) => {
            web::flash(&session, "ok", format!("已修改 {} 的日期。", s.title)).await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

async fn api_list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<serde_json::Value>> {
    let rows = visible_campaigns(&state.db, &ctx).await?;
    let list: Vec<_> = rows
        .into_iter()
        .map(|(c, community)| json!({"campaign": c, "community": community.code}))
        .collect();
    Ok(Json(json!({ "campaigns": list })))
}

async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<NewCampaign>,
) -> AppResult<Response> {
    let c = create_campaign(&state, &ctx, &f).await?;
    let steps = steps(&state.db, c.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "campaign": c, "steps": steps })),
    )
        .into_response())
}

async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Json<serde_json::Value>> {
    let (c, community) = load_visible(&state.db, &ctx, id).await?;
    let steps = steps(&state.db, c.id).await?;
    Ok(Json(
        json!({ "campaign": c, "community": community.code, "steps": steps }),
    ))
}

async fn api_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, step)): Path<(i64, String)>,
    Json(f): Json<StepUpdate>,
) -> AppResult<Json<serde_json::Value>> {
    let (c, community) = load_visible(&state.db, &ctx, id).await?;
    Ok(Json(
        json!({ "step": update_step(&state, &ctx, &c, &community, &step, &f).await? }),
    ))
}
