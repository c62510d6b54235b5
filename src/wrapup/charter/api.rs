//! W-3's JSON API under `/api/v1/campaigns/{campaign}/wrapup/charter`: the same operations as
//! the page's forms, the same checks (the file as `multipart/form-data`, field `file`).

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::read::{self, Doc};
use super::write::{self, DocumentInput, SystemInput};
use crate::auth::Ctx;
use crate::error::AppResult;
use crate::scope::CampaignScope;
use crate::state::AppState;

type J = AppResult<Json<Value>>;

/// `GET …/wrapup/charter`: both documents (without file bytes), the systems, what blocks closing.
pub async fn show(State(state): State<AppState>, scope: CampaignScope) -> J {
    let db = &state.db;
    let id = scope.campaign.id;
    let progress = crate::steps::Progress::load(db, id).await?;
    Ok(Json(json!({
        "documents": read::documents(db, id).await?,
        "systems": read::systems(db, id).await?,
        "blockers": read::blockers(db, id).await?,
        "state": progress.state("W-3"),
        "closed": progress.closed("W-3"),
    })))
}

/// `PUT …/wrapup/charter/documents/{doc}`.
pub async fn document(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Path((_, doc)): Path<(i64, Doc)>,
    Json(f): Json<DocumentInput>,
) -> J {
    let d = write::set_document(&state, &ctx, &scope.campaign, &scope.community, doc, &f).await?;
    Ok(Json(json!({"document": d})))
}

/// `POST …/wrapup/charter/documents/{doc}/file` (create, multipart).
pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Path((_, doc)): Path<(i64, Doc)>,
    mp: Multipart,
) -> AppResult<Response> {
    let (name, bytes) = super::web::uploaded(mp).await?;
    let (c, m) = (&scope.campaign, &scope.community);
    let f = write::attach(&state, &ctx, c, m, doc, &name, bytes).await?;
    Ok((StatusCode::CREATED, Json(json!({"file": f}))).into_response())
}

/// `POST …/wrapup/charter/systems` (create).
pub async fn system_create(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<SystemInput>,
) -> AppResult<Response> {
    let s = write::add_system(&state, &ctx, &scope.campaign, &scope.community, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"system": s}))).into_response())
}

/// `DELETE …/wrapup/charter/systems/{system}`.
pub async fn system_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Path((_, id)): Path<(i64, i64)>,
) -> J {
    let s = write::remove_system(&state, &ctx, &scope.campaign, &scope.community, id).await?;
    Ok(Json(json!({"removed": s})))
}

/// `POST …/wrapup/charter/close`.
pub async fn close(State(state): State<AppState>, ctx: Ctx, scope: CampaignScope) -> J {
    write::close(&state, &ctx, &scope.campaign, &scope.community).await?;
    Ok(Json(json!({"closed": true, "step": "W-3"})))
}
