//! W-4 验收: the street's inspection of a community's campaign. The checklist is evaluated
//! from the records — W-1 … W-3 closed, the statistics complete (P-7 and R-8 closed), the
//! street's summary submitted, the documents archived — and shown with its numbers; the
//! inspector, the day, the verdict and remarks are recorded (every inspection is kept). A
//! passing verdict needs every item to hold; it freezes the statistics and closes W-4 through
//! the procedure guard, which closes the campaign. The page also makes and lists the archives.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Form, Json};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower_sessions::Session;

use super::archive::{self, Archive};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, create, get, post};
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::steps::Progress;
use crate::street_steps::Fact;
use crate::web::{Layout, finish};

/// This module's routes: the page, the inspection, the archives (community and street).
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    let page = "/communities/{code}/campaigns/{campaign}/wrapup/inspection";
    vec![
        get(page, Access::Community, r::get(page_get)),
        post(page, Access::Street, r::post(inspect_post)),
        create(
            "/communities/{code}/campaigns/{campaign}/wrapup/archives",
            Access::Community,
            r::post(archive_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/wrapup/archives/{archive}",
            Access::Community,
            r::get(archive_get),
        ),
        get("/archive.zip", Access::Street, r::get(street_zip)),
        get(
            "/api/v1/campaigns/{campaign}/wrapup/inspection",
            Access::Community,
            r::get(api_get),
        ),
        post(
            "/api/v1/campaigns/{campaign}/wrapup/inspection",
            Access::Street,
            r::post(api_inspect),
        ),
        create(
            "/api/v1/campaigns/{campaign}/wrapup/archives",
            Access::Community,
            r::post(api_archive),
        ),
        get(
            "/api/v1/campaigns/{campaign}/wrapup/archives/{archive}",
            Access::Community,
            r::get(api_archive_get),
        ),
    ]
}

/// The checklist of a campaign's inspection, evaluated now.
pub async fn checklist(db: &Db, today: NaiveDate, c: &Campaign) -> AppResult<Vec<Fact>> {
    let p = Progress::load(db, c.id).await?;
    let mut out = Vec::new();
    for (code, what) in [
        ("W-1", "新老班子交接"),
        ("W-2", "健全组织体系"),
        ("W-3", "自治章程、居民公约及制度"),
    ] {
        let closed = p.closed_at(code);
        out.push(Fact {
            id: "archived",
            condition: match code {
                "W-1" => "W-1 新老班子交接已完成",
                "W-2" => "W-2 分工、下属委员会及各小组已登记",
                _ => "W-3 自治章程、居民公约及会议制度已登记",
            },
            passed: closed.is_some(),
            detail: match closed {
                Some(at) => format!(
                    "{what}（{code}）于 {} 完成",
                    crate::clock::beijing_date(at).format("%Y年%-m月%-d日")
                ),
                None => format!("{what}（{code}）尚未完成"),
            },
        });
    }
    let word = |done: bool| if done { "已完成" } else { "尚未完成" };
    let (party, residents) = (p.closed("P-7"), p.closed("R-8"));
    out.push(Fact::of(
        "W-4",
        "statistics",
        party && residents,
        format!(
            "党组织换届（P-7）{}，居委会换届（R-8）{}；统计报表由记录自动生成",
            word(party),
            word(residents)
        ),
    ));
    let year = crate::street_steps::year(db, today).await?;
    let submitted = super::summary::submitted(db, year).await?;
    out.push(Fact::of(
        "W-4",
        "summary",
        submitted,
        format!(
            "{year} 年换届工作总结{}",
            if submitted {
                "已提交"
            } else {
                "尚未提交"
            }
        ),
    ));
    // An archive counts when made after the records it holds were complete: after W-1 … W-3
    // and both pipelines closed (an earlier one lacks their documents).
    let complete = ["W-1", "W-2", "W-3", "P-7", "R-8"]
        .iter()
        .map(|code| p.closed_at(code))
        .collect::<Option<Vec<_>>>()
        .and_then(|v| v.into_iter().max());
    let archives = archive::list(db, c.id).await?;
    let day = |at: DateTime<Utc>| {
        crate::clock::beijing_date(at)
            .format("%Y年%-m月%-d日")
            .to_string()
    };
    let latest = archives.first();
    let fresh = match (latest, complete) {
        (Some(a), Some(done)) => a.created_at >= done,
        _ => false,
    };
    out.push(Fact::of(
        "W-4",
        "archived",
        fresh,
        match (latest, complete) {
            (None, _) => "尚未归档".to_string(),
            (Some(a), _) if fresh => format!(
                "已归档 {} 次，最近一次 {}，共 {} 个文件",
                archives.len(),
                day(a.created_at),
                a.files
            ),
            (Some(a), Some(_)) => format!(
                "最近一次归档（{}）早于各步骤全部完成，缺少其后的文书，须重新归档",
                day(a.created_at)
            ),
            (Some(a), None) => format!(
                "最近一次归档（{}）时各步骤尚未全部完成，完成后须重新归档",
                day(a.created_at)
            ),
        },
    ));
    Ok(out)
}

/// One inspection as recorded.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Inspection {
    /// Id.
    pub id: i64,
    /// Who inspected.
    pub inspector: String,
    /// The day.
    pub inspected_on: NaiveDate,
    /// `passed` | `failed`.
    pub verdict: String,
    /// Remarks.
    pub remarks: String,
    /// When recorded.
    pub created_at: DateTime<Utc>,
}

impl Inspection {
    /// The verdict in words.
    pub fn verdict_zh(&self) -> &'static str {
        if self.verdict == "passed" {
            "验收合格"
        } else {
            "验收不合格"
        }
    }
}

/// The campaign's inspections, latest first.
pub async fn inspections(db: &Db, campaign_id: i64) -> AppResult<Vec<Inspection>> {
    Q::new(
        "select id, inspector, inspected_on, verdict, remarks, created_at from wrapup_inspections \
         where campaign_id = $1 order by id desc",
    )
    .bind(campaign_id)
    .all(db)
    .await
}

/// The inspection as the street records it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct InspectInput {
    /// Who inspected (names).
    pub inspector: String,
    /// The day (`2027-06-01`).
    pub inspected_on: String,
    /// `passed` (合格) or `failed` (不合格).
    pub verdict: String,
    /// Remarks (required when failed).
    pub remarks: String,
}

/// Records an inspection; a passing one needs every checklist item to hold, freezes the
/// statistics and closes W-4.
pub async fn inspect(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    m: &Community,
    f: &InspectInput,
) -> AppResult<Inspection> {
    crate::steps::require_open(&state.db, c, "W-4").await?;
    let inspector = f.inspector.trim();
    if inspector.is_empty() {
        return Err(AppError::invalid("验收人", "不能为空"));
    }
    if inspector.chars().count() > 100 {
        return Err(AppError::invalid("验收人", "最多 100 字"));
    }
    let on = crate::discipline::date("验收日期", &f.inspected_on)?;
    if on > state.today() {
        return Err(AppError::invalid("验收日期", "不能晚于今天"));
    }
    let passed = match f.verdict.trim() {
        "passed" | "合格" => true,
        "failed" | "不合格" => false,
        _ => return Err(AppError::invalid("验收结论", "应为合格或不合格")),
    };
    let remarks = f.remarks.trim();
    if remarks.chars().count() > 2000 {
        return Err(AppError::invalid("验收意见", "最多 2000 字"));
    }
    if !passed && remarks.is_empty() {
        return Err(AppError::invalid("验收意见", "验收不合格时须写明问题"));
    }
    let list = checklist(&state.db, state.today(), c).await?;
    let failing: Vec<String> = list
        .iter()
        .filter(|x| !x.passed)
        .map(|x| format!("{}（{}）", x.condition, x.detail))
        .collect();
    if passed && !failing.is_empty() {
        return Err(AppError::conflict(format!(
            "以下验收项目尚未达到，不能验收合格：{}。",
            failing.join("；")
        )));
    }
    let stats = if passed {
        Some(super::statistics::load::community(&state.db, c, m).await?)
    } else {
        None
    };
    let checklist_json =
        serde_json::to_string(&list).map_err(|e| AppError::internal(e.to_string()))?;
    let verdict = if passed { "passed" } else { "failed" };
    let mut tx = state.db.begin().await?;
    let id = Q::new(
        "insert into wrapup_inspections (campaign_id, inspector, inspected_on, verdict, remarks, checklist, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(c.id)
    .bind(inspector)
    .bind(on)
    .bind(verdict)
    .bind(remarks)
    .bind(checklist_json)
    .bind(ctx.user()?.id)
    .bind(crate::now())
    .scalar(&mut tx)
    .await?;
    crate::audit::record(
        &mut tx,
        ctx,
        m,
        ("inspect", "wrapup_inspection", id.to_string()),
        json!({"inspector": inspector, "inspected_on": on, "verdict": verdict, "remarks": remarks}),
    )
    .await?;
    if let Some(s) = &stats {
        super::statistics::freeze(&mut tx, s).await?;
        let after = json!({"inspection": id, "inspected_on": on});
        crate::steps::close(&mut tx, ctx, c, m, "W-4", after).await?;
    }
    tx.commit().await?;
    inspections(&state.db, c.id)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| AppError::internal("inspection not stored"))
}

/// The session of the request, to render the archived pages as the requester.
fn credentials(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[derive(Template, WebTemplate)]
#[template(path = "wrapup/inspection.html")]
struct InspectionPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    checklist: Vec<Fact>,
    ready: bool,
    closed: bool,
    archives: Vec<Archive>,
    inspections: Vec<Inspection>,
    street: bool,
    today: NaiveDate,
}

impl InspectionPage {
    fn on(&self, at: &DateTime<Utc>) -> String {
        crate::clock::beijing_date(*at)
            .format("%Y年%-m月%-d日")
            .to_string()
    }
}

async fn page_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<InspectionPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let checklist = checklist(&state.db, state.today(), &c).await?;
    Ok(InspectionPage {
        layout: Layout::new(&ctx, &session, format!("{} 总结验收与归档", community.name)).await,
        ready: checklist.iter().all(|x| x.passed),
        closed: Progress::load(&state.db, c.id).await?.closed("W-4"),
        archives: archive::list(&state.db, c.id).await?,
        inspections: inspections(&state.db, c.id).await?,
        street: ctx.user()?.is_street(),
        today: state.today(),
        checklist,
        c,
        community,
    })
}

async fn inspect_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<InspectInput>,
) -> AppResult<Response> {
    let back = scope.page("/wrapup/inspection");
    let r = inspect(&state, &ctx, &scope.campaign, &scope.community, &f).await;
    finish(&session, &back, r, |i| {
        format!("已登记验收：{}。", i.verdict_zh())
    })
    .await
}

async fn archive_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    headers: HeaderMap,
    scope: CampaignScope,
) -> AppResult<Response> {
    let back = scope.page("/wrapup/inspection");
    let r = archive::make(
        &state,
        &ctx,
        &credentials(&headers),
        &scope.campaign,
        &scope.community,
    )
    .await;
    finish(&session, &back, r, |a| {
        format!("已归档 {} 个文件，校验值 {}。", a.files, &a.sha256[..16])
    })
    .await
}

async fn archive_bytes(
    state: &AppState,
    ctx: &Ctx,
    scope: &CampaignScope,
    id: i64,
) -> AppResult<Response> {
    let data = archive::download(state, ctx, &scope.campaign, &scope.community, id).await?;
    Ok(crate::web::download(
        "application/zip",
        &format!(
            "archive-{}-{}-{id}.zip",
            scope.community.code, scope.campaign.id
        ),
        &format!(
            "{}{}换届档案.zip",
            scope.community.name, scope.campaign.term
        ),
        data,
    ))
}

async fn archive_get(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Path((_, _, id)): Path<(String, i64, i64)>,
) -> AppResult<Response> {
    archive_bytes(&state, &ctx, &scope, id).await
}

async fn street_zip(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let year = crate::street_steps::year(&state.db, state.today()).await?;
    let data = archive::street(&state, &ctx, year).await?;
    Ok(crate::web::download(
        "application/zip",
        &format!("archive-{year}.zip"),
        &format!("{year}年社区两委换届档案.zip"),
        data,
    ))
}

async fn api_get(State(state): State<AppState>, scope: CampaignScope) -> AppResult<Json<Value>> {
    let c = &scope.campaign;
    let list = checklist(&state.db, state.today(), c).await?;
    Ok(Json(json!({
        "campaign": c.id,
        "ready": list.iter().all(|x| x.passed),
        "closed": Progress::load(&state.db, c.id).await?.closed("W-4"),
        "checklist": list,
        "archives": archive::list(&state.db, c.id).await?,
        "inspections": inspections(&state.db, c.id).await?,
    })))
}

async fn api_inspect(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<InspectInput>,
) -> AppResult<Json<Value>> {
    let i = inspect(&state, &ctx, &scope.campaign, &scope.community, &f).await?;
    let closed = Progress::load(&state.db, scope.campaign.id)
        .await?
        .closed("W-4");
    Ok(Json(json!({"inspection": i, "closed": closed})))
}

async fn api_archive(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    scope: CampaignScope,
) -> AppResult<Json<Value>> {
    let a = archive::make(
        &state,
        &ctx,
        &credentials(&headers),
        &scope.campaign,
        &scope.community,
    )
    .await?;
    Ok(Json(json!({"archive": a})))
}

async fn api_archive_get(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Path((_, id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    archive_bytes(&state, &ctx, &scope, id).await
}
