//! The street's dashboard (S-4): the street's home is a matrix of every community × every step
//! of its two pipelines and the wrap-up, with the street's own steps, this week's meetings and
//! votes, open objections and the counts above it; filters; an Excel export coloured as on
//! screen; the same row on each community's page. Loading is [`load`], the matrix [`matrix`],
//! the workbook [`export`].

pub mod export;
pub mod load;
pub mod matrix;

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::auth::Ctx;
use crate::db::Db;
use crate::domain::procedure::{Pipeline, Step};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, get};
use crate::state::AppState;
use crate::street_steps::StreetStepOut;
use crate::web::Layout;
pub use load::{Board, Row};
pub use matrix::{Cell, CellState};

/// This module's routes (the page itself is the street's home, `/`).
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get("/dashboard.xlsx", Access::Street, r::get(xlsx_get)),
        get("/api/v1/dashboard", Access::Street, r::get(api_get)),
    ]
}

/// The dashboard's filters (query string; empty: everything).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// `party`, `residents` or `wrapup`.
    pub pipeline: String,
    /// `S-2` (the elections) or `S-3` (the wrap-up).
    pub phase: String,
    /// Non-empty: only communities with an overdue step among the columns shown.
    pub overdue: String,
}

impl Filter {
    /// Whether the column of `step` is shown.
    pub fn shows(&self, step: &Step) -> bool {
        let pipeline = match self.pipeline.as_str() {
            "party" => step.pipeline == Pipeline::Party,
            "residents" => step.pipeline == Pipeline::Residents,
            "wrapup" => step.pipeline == Pipeline::WrapUp,
            _ => true,
        };
        let phase = match self.phase.as_str() {
            "S-2" => matches!(step.pipeline, Pipeline::Party | Pipeline::Residents),
            "S-3" => step.pipeline == Pipeline::WrapUp,
            _ => true,
        };
        pipeline && phase
    }

    /// Whether the overdue-only filter is on.
    pub fn overdue_only(&self) -> bool {
        !self.overdue.is_empty()
    }

    /// Applies the filters to a board: drops hidden columns, and rows without an overdue cell
    /// when asked.
    pub fn apply(&self, mut board: Board) -> Board {
        let shown: Vec<&'static str> = matrix::columns()
            .into_iter()
            .filter(|s| self.shows(s))
            .map(|s| s.code)
            .collect();
        for row in &mut board.rows {
            row.cells.retain(|c| shown.contains(&c.code));
        }
        if self.overdue_only() {
            board.rows.retain(|r| r.overdue() > 0);
        }
        board
    }

    /// The query string that reproduces the filters (for the export link).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("pipeline", &self.pipeline),
            ("phase", &self.phase),
            ("overdue", &self.overdue),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", crate::web::urlencode(v)));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// The street cadre assigned to each community (S-1.1), by community id.
pub async fn liaisons(db: &Db) -> AppResult<HashMap<i64, String>> {
    crate::street::leading_group::liaisons(db).await
}

/// The whole board as the street sees it, filtered.
pub async fn street_board(state: &AppState, ctx: &Ctx, f: &Filter) -> AppResult<Board> {
    let communities = crate::communities::visible(&state.db, ctx).await?;
    Ok(f.apply(load::board(&state.db, communities, state.today()).await?))
}

/// One community's own row (its page shows it with the next thing to do).
pub async fn community_row(
    state: &AppState,
    community: &crate::communities::Community,
) -> AppResult<Option<Row>> {
    let board = load::board(&state.db, vec![community.clone()], state.today()).await?;
    Ok(board.rows.into_iter().next())
}

/// The street's home.
#[derive(Template, WebTemplate)]
#[template(path = "dashboard/show.html")]
pub struct DashboardPage {
    layout: Layout,
    board: Board,
    columns: Vec<&'static Step>,
    street_steps: Vec<StreetStepOut>,
    filter: Filter,
    states: [CellState; 5],
    /// Open discipline reports (the street's register; this page is the street's only).
    reports: Vec<OpenReport>,
}

/// An open report of the discipline register, as the street's home lists it.
pub struct OpenReport {
    /// Id (the register's page).
    pub id: i64,
    /// Received on.
    pub received_on: chrono::NaiveDate,
    /// Whom it is against: a person's name and the community, as known.
    pub against: String,
    /// The communities it concerns (the person's residence, the community named).
    pub communities: Vec<i64>,
}

/// A report's row: id, received, the person's name and residence, the community named and its name.
type ReportRow = (
    i64,
    chrono::NaiveDate,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// The register's open reports. Street only: never call this for another role's page.
async fn open_reports(db: &Db) -> AppResult<Vec<OpenReport>> {
    let rows: Vec<ReportRow> = crate::db::Q::new(
        "select d.id, d.received_on, p.name, p.residence_community_id, d.community_id, c.name \
             from discipline_reports d left join people p on p.id = d.person_id \
             left join communities c on c.id = d.community_id \
             where d.closed_on is null order by d.received_on, d.id",
    )
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, received_on, person, residence, community, community_name)| {
                let against = match (person, community_name) {
                    (Some(p), Some(c)) => format!("{p}（{c}）"),
                    (Some(p), None) => p,
                    (None, Some(c)) => c,
                    (None, None) => "未指明".to_owned(),
                };
                OpenReport {
                    id,
                    received_on,
                    against,
                    communities: residence.into_iter().chain(community).collect(),
                }
            },
        )
        .collect())
}

/// Renders the street's home with the filters of the query string.
pub async fn page(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    f: Filter,
) -> AppResult<DashboardPage> {
    let board = street_board(state, ctx, &f).await?;
    let (_, street_steps) = crate::street_steps::overview(state).await?;
    Ok(DashboardPage {
        layout: Layout::new(ctx, session, "首页").await,
        columns: matrix::columns()
            .into_iter()
            .filter(|s| f.shows(s))
            .collect(),
        board,
        street_steps,
        filter: f,
        states: CellState::ALL,
        reports: open_reports(&state.db).await?,
    })
}

impl DashboardPage {
    /// Whether an open discipline report concerns the community (a flag beside its name).
    fn reported(&self, community: &i64) -> bool {
        self.reports
            .iter()
            .any(|r| r.communities.contains(community))
    }
}

async fn xlsx_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let board = street_board(&state, &ctx, &f).await?;
    let columns: Vec<&'static Step> = matrix::columns()
        .into_iter()
        .filter(|s| f.shows(s))
        .collect();
    let bytes =
        export::workbook(&board, &columns).map_err(|e| AppError::internal(e.to_string()))?;
    let name = format!("换届进度总表-{}.xlsx", board.today);
    let ascii = format!("dashboard-{}.xlsx", board.today);
    Ok(crate::web::download(crate::web::XLSX, &ascii, &name, bytes))
}

async fn api_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> AppResult<Json<Value>> {
    let board = street_board(&state, &ctx, &f).await?;
    let (year, street_steps) = crate::street_steps::overview(&state).await?;
    let columns: Vec<&str> = matrix::columns()
        .into_iter()
        .filter(|s| f.shows(s))
        .map(|s| s.code)
        .collect();
    Ok(Json(json!({
        "year": year,
        "columns": columns,
        "street_steps": street_steps,
        "board": board,
    })))
}
