//! W-4 统计报表: the statistics of each community's campaign and of the street's campaign year,
//! computed from the records ([`load`]) — or, once a campaign's W-4 has closed, as they were
//! frozen then — shown as tables with SVG bar charts ([`svg`]), as JSON, and as an Excel
//! workbook with formula totals ([`xlsx`]).

pub mod load;
pub mod svg;
pub mod xlsx;

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q, Tx};
use crate::domain::statistics::table::{Table, tables};
use crate::domain::statistics::{AGE_BANDS, CommunityStats, EDUCATION_BANDS};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, get};
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::Layout;

/// This module's routes: the street's report, a campaign's, their workbooks and JSON.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get("/statistics", Access::Street, r::get(street_get)),
        get("/statistics.xlsx", Access::Street, r::get(street_xlsx)),
        get("/api/v1/statistics", Access::Street, r::get(street_api)),
        get(
            "/communities/{code}/campaigns/{campaign}/wrapup/statistics",
            Access::Community,
            r::get(campaign_get),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/wrapup/statistics.xlsx",
            Access::Community,
            r::get(campaign_xlsx),
        ),
        get(
            "/api/v1/campaigns/{campaign}/statistics",
            Access::Community,
            r::get(campaign_api),
        ),
    ]
}

/// A campaign's statistics: as frozen when its W-4 closed, else computed now; and whether
/// they are the frozen ones.
pub async fn of_campaign(
    db: &Db,
    c: &Campaign,
    m: &Community,
) -> AppResult<(CommunityStats, bool)> {
    // The figures frozen at the inspection stand while W-4 stays closed; reopened, it counts
    // from the records again.
    let closed = crate::steps::Progress::load(db, c.id).await?.closed("W-4");
    let frozen: Option<(String,)> = if closed {
        Q::new("select figures from wrapup_statistics where campaign_id = $1")
            .bind(c.id)
            .optional(db)
            .await?
    } else {
        None
    };
    if let Some((f,)) = frozen {
        let s = serde_json::from_str(&f).map_err(|e| AppError::internal(e.to_string()))?;
        return Ok((s, true));
    }
    Ok((load::community(db, c, m).await?, false))
}

/// Freezes a campaign's statistics as they are now (W-4 closing).
pub async fn freeze(tx: &mut Tx, s: &CommunityStats) -> AppResult<()> {
    let figures = serde_json::to_string(s).map_err(|e| AppError::internal(e.to_string()))?;
    Q::new("delete from wrapup_statistics where campaign_id = $1")
        .bind(s.campaign_id)
        .execute(&mut *tx)
        .await?;
    Q::new("insert into wrapup_statistics (campaign_id, figures, created_at) values ($1, $2, $3)")
        .bind(s.campaign_id)
        .bind(figures)
        .bind(crate::now())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The street's statistics for its campaign year, each campaign frozen or live.
pub async fn of_street(db: &Db, year: i64) -> AppResult<Vec<CommunityStats>> {
    let mut out = Vec::new();
    for (c, m) in load::campaigns_of_year(db, year).await? {
        out.push(of_campaign(db, &c, &m).await?.0);
    }
    Ok(out)
}

/// The report's tables over `stats`.
pub fn report_tables(stats: &[CommunityStats]) -> Vec<Table> {
    tables(stats, &load::channels())
}

/// A table as a page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Shown {
    /// The table's name.
    pub name: &'static str,
    /// The headers.
    pub headers: Vec<String>,
    /// The communities' rows, as text.
    pub rows: Vec<Vec<String>>,
    /// The total row, as text.
    pub total: Vec<String>,
}

/// The tables as text.
pub fn shown(tables: &[Table]) -> Vec<Shown> {
    tables
        .iter()
        .map(|t| {
            let text = |r: &Vec<crate::domain::statistics::table::Cell>| {
                r.iter()
                    .zip(&t.columns)
                    .map(|(c, col)| c.show(col.kind))
                    .collect()
            };
            Shown {
                name: t.name,
                headers: t.columns.iter().map(|c| c.header.clone()).collect(),
                rows: t.rows.iter().map(text).collect(),
                total: text(&t.total),
            }
        })
        .collect()
}

/// The charts of the report (SVG).
pub fn charts(stats: &[CommunityStats]) -> Vec<String> {
    let name = |s: &CommunityStats| s.name.clone();
    let mut out = vec![
        svg::percent_bars(
            "居委会选举参选率",
            &stats
                .iter()
                .map(|s| (name(s), s.residents_vote.as_ref().and_then(|v| v.turnout())))
                .collect::<Vec<_>>(),
        ),
        svg::percent_bars(
            "党员大会到会率",
            &stats
                .iter()
                .map(|s| (name(s), s.party_vote.as_ref().and_then(|v| v.turnout())))
                .collect::<Vec<_>>(),
        ),
    ];
    for (title, pick) in [
        (
            "新一届党组织委员会",
            (|s: &CommunityStats| &s.party)
                as fn(&CommunityStats) -> &crate::domain::statistics::Makeup,
        ),
        ("新一届居民委员会", |s: &CommunityStats| {
            &s.residents
        }),
    ] {
        out.push(svg::stacked_bars(
            &format!("{title}性别结构"),
            &["女性", "男性"],
            &stats
                .iter()
                .map(|s| {
                    let m = pick(s);
                    (name(s), vec![m.women, m.members - m.women.min(m.members)])
                })
                .collect::<Vec<_>>(),
        ));
        out.push(svg::stacked_bars(
            &format!("{title}年龄结构"),
            &AGE_BANDS,
            &stats
                .iter()
                .map(|s| (name(s), pick(s).age_bands.clone()))
                .collect::<Vec<_>>(),
        ));
        out.push(svg::stacked_bars(
            &format!("{title}文化程度"),
            &EDUCATION_BANDS,
            &stats
                .iter()
                .map(|s| (name(s), pick(s).education.clone()))
                .collect::<Vec<_>>(),
        ));
    }
    out
}

#[derive(Template, WebTemplate)]
#[template(path = "wrapup/statistics.html")]
struct StatisticsPage {
    layout: Layout,
    heading: String,
    back: String,
    xlsx: String,
    frozen: bool,
    street_wide: bool,
    tables: Vec<Shown>,
    charts: Vec<String>,
}

fn workbook(title: &str, stats: &[CommunityStats]) -> AppResult<Vec<u8>> {
    xlsx::workbook(title, &report_tables(stats)).map_err(|e| AppError::internal(e.to_string()))
}

async fn street_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<StatisticsPage> {
    let year = crate::street_steps::year(&state.db, state.today()).await?;
    let stats = of_street(&state.db, year).await?;
    Ok(StatisticsPage {
        layout: Layout::new(&ctx, &session, format!("{year} 年换届统计报表")).await,
        heading: format!("{year} 年社区“两委”换届统计报表"),
        back: "/".into(),
        xlsx: "/statistics.xlsx".into(),
        frozen: false,
        street_wide: true,
        tables: shown(&report_tables(&stats)),
        charts: charts(&stats),
    })
}

async fn street_xlsx(State(state): State<AppState>) -> AppResult<Response> {
    let year = crate::street_steps::year(&state.db, state.today()).await?;
    let stats = of_street(&state.db, year).await?;
    let title = format!("{year} 年社区“两委”换届统计报表");
    let bytes = workbook(&title, &stats)?;
    Ok(crate::web::download(
        crate::web::XLSX,
        &format!("statistics-{year}.xlsx"),
        &format!("{title}.xlsx"),
        bytes,
    ))
}

async fn street_api(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let year = crate::street_steps::year(&state.db, state.today()).await?;
    let stats = of_street(&state.db, year).await?;
    Ok(Json(json!({
        "year": year,
        "communities": stats,
        "tables": report_tables(&stats),
    })))
}

async fn campaign_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<StatisticsPage> {
    let (s, frozen) = of_campaign(&state.db, &scope.campaign, &scope.community).await?;
    let stats = [s];
    Ok(StatisticsPage {
        layout: Layout::new(&ctx, &session, format!("{} 换届统计", scope.community.name)).await,
        heading: format!(
            "{} · {} · 换届统计",
            scope.community.name, scope.campaign.term
        ),
        back: scope.page(""),
        xlsx: scope.page("/wrapup/statistics.xlsx"),
        frozen,
        street_wide: false,
        tables: shown(&report_tables(&stats)),
        charts: charts(&stats),
    })
}

async fn campaign_xlsx(State(state): State<AppState>, scope: CampaignScope) -> AppResult<Response> {
    let (s, _) = of_campaign(&state.db, &scope.campaign, &scope.community).await?;
    let title = format!(
        "{}{}换届统计报表",
        scope.community.name, scope.campaign.term
    );
    let bytes = workbook(&title, &[s])?;
    Ok(crate::web::download(
        crate::web::XLSX,
        &format!(
            "statistics-{}-{}.xlsx",
            scope.community.code, scope.campaign.id
        ),
        &format!("{title}.xlsx"),
        bytes,
    ))
}

async fn campaign_api(
    State(state): State<AppState>,
    scope: CampaignScope,
) -> AppResult<Json<Value>> {
    let (s, frozen) = of_campaign(&state.db, &scope.campaign, &scope.community).await?;
    let t = report_tables(std::slice::from_ref(&s));
    Ok(Json(json!({
        "campaign": scope.campaign.id,
        "frozen": frozen,
        "statistics": s,
        "tables": t,
    })))
}
