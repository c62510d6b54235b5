//! The Party pipeline's JSON API under `/api/v1/campaigns/{campaign}/party`: the same
//! operations as the pages, the same checks, JSON in and out.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::p1_nominations::write::{self as nominations, ConsentInput, NominationInput};
use super::p2_review::write::{
    self as review, DecisionInput, PublicityInput, ReasonInput, TextInput,
};
use super::size::{self, SizeInput};
use super::store;
use crate::auth::Ctx;
use crate::error::AppResult;
use crate::scope::CampaignScope;
use crate::state::AppState;

type J = AppResult<Json<Value>>;

/// `GET …/party`: where the pipeline stands.
pub async fn pipeline(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let p = size::pipeline(&state.db, &c, state.today()).await?;
    Ok(Json(json!({"community": community.code, "pipeline": p})))
}

/// `PUT …/party/size`: the committee size with its C-1 check.
pub async fn size(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<SizeInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let (size, check) = size::set_size(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(
        json!({"size": size, "check": check, "satisfied": check.satisfied()}),
    ))
}

fn nomination_json(n: &store::Nomination) -> Value {
    let mut v = json!(n);
    v["counted"] = json!(n.counted());
    v["outside_org"] = json!(n.outside());
    v
}

/// `GET …/party/nominations`: every nomination, ID numbers masked.
pub async fn nominations(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    let list = store::nominations(&state.db, c.id).await?;
    Ok(Json(
        json!({"nominations": list.iter().map(nomination_json).collect::<Vec<_>>()}),
    ))
}

/// `POST …/party/nominations` (create).
pub async fn nominate(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<NominationInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let n = nominations::create(&state, &ctx, &c, &community, &f).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"nomination": nomination_json(&n)})),
    )
        .into_response())
}

/// `GET …/party/nominations/summary`: the 报名汇总表 (counted nominations only).
pub async fn summary(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    let list = store::nominations(&state.db, c.id).await?;
    Ok(Json(json!({"summary": nominations::summary(&list)})))
}

/// `POST …/party/nominations/{nid}/consent`.
pub async fn consent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, nid)): Path<(i64, i64)>,
    Json(f): Json<ConsentInput>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let n = nominations::consent(&state, &ctx, &c, &community, nid, &f).await?;
    Ok(Json(json!({"nomination": nomination_json(&n)})))
}

/// `POST …/party/steps/P-1/done`.
pub async fn p1_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    nominations::finish_p1(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"ok": true})))
}

/// `GET …/party/review` (street): nominations with their checks, the 公示 and objections.
pub async fn review(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    let flags = crate::discipline::flags_for(&state.db, &ctx).await?;
    let mut list = Vec::new();
    for n in store::nominations(&state.db, c.id).await? {
        let checks: Vec<Value> = review::checks_of(&state, n.id)
            .await?
            .into_iter()
            .map(|(cid, r)| json!({"id": cid, "record": r, "satisfied": r.satisfied()}))
            .collect();
        let mut v = nomination_json(&n);
        v["checks"] = json!(checks);
        if flags.contains(&n.person_id) {
            v["open_report"] = json!(true);
        }
        list.push(v);
    }
    Ok(Json(json!({
        "unsigned_commitments": crate::discipline::commitments::unsigned(&state.db, c.id).await?,
        "open": store::p2_open(&state.db, c.id).await?,
        "nominations": list,
        "publicity": store::publicities(&state.db, c.id, "P-2").await?,
        "objections": store::objections(&state.db, c.id).await?,
    })))
}

/// `POST …/party/review/open` (street): opens P-2 before P-1 is done, with a reason.
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<ReasonInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    review::open_p2(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"ok": true})))
}

/// `POST …/party/review/checks` (street): runs C-3/C-4 for every counted nomination.
pub async fn run_checks(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let n = review::run_checks(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"checked": n})))
}

/// `POST …/party/nominations/{nid}/review` (street): the decision.
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, nid)): Path<(i64, i64)>,
    Json(f): Json<DecisionInput>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let n = review::decide(&state, &ctx, &c, &community, nid, &f).await?;
    Ok(Json(json!({"nomination": nomination_json(&n)})))
}

/// `POST …/party/publicity` (street; create): P-2's 公示.
pub async fn publicity(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<PublicityInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let p = review::publicise(&state, &ctx, &c, &community, &f).await?;
    let days = p.days();
    Ok((
        StatusCode::CREATED,
        Json(json!({"publicity": p, "days": days})),
    )
        .into_response())
}

/// `POST …/party/publicity/{pid}/objections` (street; create).
pub async fn objection(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pid)): Path<(i64, i64)>,
    Json(f): Json<TextInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let o = review::object(&state, &ctx, &c, &community, pid, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"objection": o}))).into_response())
}

/// `POST …/party/objections/{oid}/answer` (street).
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, oid)): Path<(i64, i64)>,
    Json(f): Json<TextInput>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let o = review::answer(&state, &ctx, &c, &community, oid, &f).await?;
    Ok(Json(json!({"objection": o})))
}
