//! W-1's JSON API under `/api/v1/campaigns/{campaign}/wrapup/handover`: the same operations as
//! the page's forms, the same checks.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::read;
use super::write::{self, ItemInput, MeetingInput, OverrideInput, TickInput};
use crate::auth::Ctx;
use crate::domain::wrapup::handover_deadline;
use crate::error::AppResult;
use crate::scope::CampaignScope;
use crate::state::AppState;

type J = AppResult<Json<Value>>;

/// `GET …/wrapup/handover`: the formation, the deadline, the meeting with its check, the
/// checklist, what blocks closing and the step's state.
pub async fn show(State(state): State<AppState>, scope: CampaignScope) -> J {
    let db = &state.db;
    let c = &scope.campaign;
    let formation = read::formation(db, c.id).await?;
    let progress = crate::steps::Progress::load(db, c.id).await?;
    Ok(Json(json!({
        "formation": formation,
        "formed_on": formation.on(),
        "deadline": formation.on().map(handover_deadline),
        "meeting": read::meeting(db, c.id).await?,
        "check": read::check(db, c.id).await?,
        "items": read::items(db, c.id).await?,
        "blockers": read::blockers(db, c.id).await?,
        "state": progress.state("W-1"),
        "closed": progress.closed("W-1"),
    })))
}

/// `PUT …/wrapup/handover/meeting`.
pub async fn meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<MeetingInput>,
) -> J {
    let r = write::set_meeting(&state, &ctx, &scope.campaign, &scope.community, &f).await?;
    Ok(Json(json!({"meeting": r.meeting, "check": r.check})))
}

/// `POST …/wrapup/handover/items` (create).
pub async fn item_create(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<ItemInput>,
) -> AppResult<Response> {
    let i = write::add_item(&state, &ctx, &scope.campaign, &scope.community, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"item": i}))).into_response())
}

/// `POST …/wrapup/handover/items/defaults` (create).
pub async fn defaults(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
) -> AppResult<Response> {
    let n = write::add_defaults(&state, &ctx, &scope.campaign, &scope.community).await?;
    let items = read::items(&state.db, scope.campaign.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"added": n, "items": items})),
    )
        .into_response())
}

/// The checklist's quantities and ticks.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicksInput {
    /// One entry per item changed.
    pub items: Vec<TickInput>,
}

/// `PUT …/wrapup/handover/items`.
pub async fn ticks(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<TicksInput>,
) -> J {
    let c = &scope.campaign;
    let n = write::save_ticks(&state, &ctx, c, &scope.community, &f.items).await?;
    Ok(Json(
        json!({"changed": n, "items": read::items(&state.db, c.id).await?}),
    ))
}

/// `DELETE …/wrapup/handover/items/{item}`.
pub async fn item_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Path((_, id)): Path<(i64, i64)>,
) -> J {
    let i = write::remove_item(&state, &ctx, &scope.campaign, &scope.community, id).await?;
    Ok(Json(json!({"removed": i})))
}

/// `POST …/wrapup/handover/override` (street).
pub async fn override_late(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<OverrideInput>,
) -> J {
    let k = write::override_late(&state, &ctx, &scope.campaign, &f).await?;
    Ok(Json(json!({"check": k})))
}

/// `POST …/wrapup/handover/close`.
pub async fn close(State(state): State<AppState>, ctx: Ctx, scope: CampaignScope) -> J {
    write::close(&state, &ctx, &scope.campaign, &scope.community).await?;
    Ok(Json(json!({"closed": true, "step": "W-1"})))
}
