//! W-2's JSON API under `/api/v1/campaigns/{campaign}/wrapup/organisation`: the same operations
//! as the page's forms, the same checks.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::read::{self, DISCLOSURE, FINANCE};
use super::write::{self, BodyInput, DutyInput, PlanInput};
use crate::auth::Ctx;
use crate::error::AppResult;
use crate::scope::CampaignScope;
use crate::state::AppState;

type J = AppResult<Json<Value>>;

/// `GET …/wrapup/organisation`: members with their 分工, bodies, the plan, what blocks closing.
pub async fn show(State(state): State<AppState>, scope: CampaignScope) -> J {
    let db = &state.db;
    let id = scope.campaign.id;
    let progress = crate::steps::Progress::load(db, id).await?;
    Ok(Json(json!({
        "members": read::members(db, id).await?,
        "bodies": read::bodies(db, id).await?,
        "plan": read::plan(db, id).await?,
        "blockers": read::blockers(db, id).await?,
        "state": progress.state("W-2"),
        "closed": progress.closed("W-2"),
    })))
}

/// The members' 分工.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DutiesInput {
    /// One entry per member.
    pub duties: Vec<DutyInput>,
}

/// `PUT …/wrapup/organisation/duties`.
pub async fn duties(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<DutiesInput>,
) -> J {
    let c = &scope.campaign;
    let n = write::set_duties(&state, &ctx, c, &scope.community, &f.duties).await?;
    Ok(Json(
        json!({"changed": n, "members": read::members(&state.db, c.id).await?}),
    ))
}

/// `POST …/wrapup/organisation/subcommittees` (create).
pub async fn subcommittee_create(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<BodyInput>,
) -> AppResult<Response> {
    let b = write::add_subcommittee(&state, &ctx, &scope.campaign, &scope.community, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"body": b}))).into_response())
}

/// `PUT …/wrapup/organisation/subcommittees/{body}`.
pub async fn body_update(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Path((_, id)): Path<(i64, i64)>,
    Json(f): Json<BodyInput>,
) -> J {
    let b = write::update_body(&state, &ctx, &scope.campaign, &scope.community, id, &f).await?;
    Ok(Json(json!({"body": b})))
}

/// `DELETE …/wrapup/organisation/subcommittees/{body}`.
pub async fn body_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Path((_, id)): Path<(i64, i64)>,
) -> J {
    let b = write::remove_body(&state, &ctx, &scope.campaign, &scope.community, id).await?;
    Ok(Json(json!({"removed": b})))
}

/// `PUT …/wrapup/organisation/finance`.
pub async fn finance(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<BodyInput>,
) -> J {
    let (c, m) = (&scope.campaign, &scope.community);
    let b = write::set_group(&state, &ctx, c, m, FINANCE, &f).await?;
    Ok(Json(json!({"body": b})))
}

/// `PUT …/wrapup/organisation/disclosure`.
pub async fn disclosure(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<BodyInput>,
) -> J {
    let (c, m) = (&scope.campaign, &scope.community);
    let b = write::set_group(&state, &ctx, c, m, DISCLOSURE, &f).await?;
    Ok(Json(json!({"body": b})))
}

/// `PUT …/wrapup/organisation/plan`.
pub async fn plan(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<PlanInput>,
) -> J {
    let p = write::set_plan(&state, &ctx, &scope.campaign, &scope.community, &f).await?;
    Ok(Json(json!({"plan": p})))
}

/// `POST …/wrapup/organisation/close`.
pub async fn close(State(state): State<AppState>, ctx: Ctx, scope: CampaignScope) -> J {
    write::close(&state, &ctx, &scope.campaign, &scope.community).await?;
    Ok(Json(json!({"closed": true, "step": "W-2"})))
}
