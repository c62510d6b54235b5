//! D-1's JSON API under `/api/v1/discipline` and `/api/v1/campaigns/{campaign}/commitments`:
//! the same operations as the pages, the same checks. The register's routes are street only
//! and hidden (404) from everyone else.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::commitments::{self, SignInput, TextInput};
use super::register::{self, CloseInput, Report, ReportInput, StepInput};
use super::talks::{self, TalkInput};
use crate::auth::Ctx;
use crate::error::AppResult;
use crate::scope::CampaignScope;
use crate::state::AppState;

type J = AppResult<Json<Value>>;

fn created(v: Value) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

fn report_json(r: &Report) -> Value {
    let mut v = json!(r);
    v["open"] = json!(r.open());
    v["channel_label"] = json!(r.channel_zh());
    v["category_label"] = json!(r.category_zh());
    v
}

/// `GET /api/v1/discipline`: the year, the commitment text, signatures per campaign, talks,
/// open reports and D-1's close condition.
pub async fn overview(State(state): State<AppState>) -> J {
    let (year, steps) = crate::street_steps::overview(&state).await?;
    let step = steps.into_iter().find(|s| s.code == "D-1");
    let campaigns: Vec<Value> = super::web::campaign_rows(&state, year)
        .await?
        .into_iter()
        .map(|c| json!({"campaign": c.label, "due": c.due, "signed": c.signed, "unsigned": c.unsigned}))
        .collect();
    Ok(Json(json!({
        "year": year,
        "commitment_text": commitments::text(&state.db).await?,
        "campaigns": campaigns,
        "talks": talks::count_in(&state.db, year).await?,
        "open_reports": register::open_reports(&state.db).await?,
        "step": step,
    })))
}

/// `PUT /api/v1/discipline/commitment`.
pub async fn commitment_text(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<TextInput>,
) -> J {
    let text = commitments::set_text(&state, &ctx, &f).await?;
    Ok(Json(json!({"commitment_text": text})))
}

/// `GET /api/v1/campaigns/{campaign}/commitments`: who must sign and who has.
pub async fn commitments(State(state): State<AppState>, scope: CampaignScope) -> J {
    let due = commitments::due(&state.db, scope.campaign.id).await?;
    let unsigned: Vec<&str> = due
        .iter()
        .filter(|d| !d.signed())
        .map(|d| d.name.as_str())
        .collect();
    Ok(Json(json!({
        "commitment_text": commitments::text(&state.db).await?,
        "due": due,
        "unsigned": unsigned,
    })))
}

/// `POST /api/v1/campaigns/{campaign}/commitments` (create).
pub async fn sign(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<SignInput>,
) -> AppResult<Response> {
    let d = commitments::sign(&state, &ctx, &scope.campaign, &scope.community, &f).await?;
    Ok(created(json!({"commitment": d})))
}

/// `GET /api/v1/discipline/talks`.
pub async fn talks(State(state): State<AppState>) -> J {
    Ok(Json(json!({"talks": talks::list(&state.db).await?})))
}

/// `POST /api/v1/discipline/talks` (create).
pub async fn talk_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<TalkInput>,
) -> AppResult<Response> {
    let t = talks::create(&state, &ctx, &f).await?;
    Ok(created(json!({"talk": t})))
}

/// `GET /api/v1/discipline/reports`.
pub async fn reports(State(state): State<AppState>) -> J {
    let list = register::list(&state.db).await?;
    Ok(Json(json!({
        "open": list.iter().filter(|r| r.open()).count(),
        "reports": list.iter().map(report_json).collect::<Vec<_>>(),
    })))
}

/// `POST /api/v1/discipline/reports` (create).
pub async fn report_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<ReportInput>,
) -> AppResult<Response> {
    let r = register::create(&state, &ctx, &f).await?;
    Ok(created(json!({"report": report_json(&r)})))
}

/// `GET /api/v1/discipline/reports/{report}`.
pub async fn report(State(state): State<AppState>, Path(id): Path<i64>) -> J {
    let r = register::get(&state.db, id).await?;
    Ok(Json(json!({"report": report_json(&r)})))
}

/// `POST /api/v1/discipline/reports/{report}/steps` (create).
pub async fn step_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<StepInput>,
) -> AppResult<Response> {
    let s = register::add_step(&state, &ctx, id, &f).await?;
    Ok(created(json!({"step": s})))
}

/// `POST /api/v1/discipline/reports/{report}/close`.
pub async fn report_close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<CloseInput>,
) -> J {
    let r = register::close(&state, &ctx, id, &f).await?;
    Ok(Json(json!({"report": report_json(&r)})))
}
