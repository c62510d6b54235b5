//! P-6/P-7 as JSON API, and the route table of P-6/P-7 (pages, documents, API).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::auth::Ctx;
use crate::counting::Vote;
use crate::domain::rules::RuleCheck;
use crate::error::AppResult;
use crate::party::p2_review::write::ReasonInput;
use crate::party::p6_congress::close::{self as close, DecisionInput};
use crate::party::p6_congress::docs;
use crate::party::p6_congress::read::Roll;
use crate::party::p6_congress::reduce::{self as reduce, ReduceInput};
use crate::party::p6_congress::roll::{
    self as roll, ExclusionDecision, ExclusionInput, ExclusionOutcome,
};
use crate::party::p6_congress::votes::{self as votes, ReplacementInput};
use crate::party::p6_congress::web::{self as web, View};
use crate::party::p6_congress::write::{self as congress, CongressInput};
use crate::party::store;
use crate::routes::{Access, RouteDef, create, delete, get, post, put};
use crate::scope::CampaignScope;
use crate::state::AppState;

/// P-6/P-7's routes: pages and documents, then JSON API.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/party/congress",
            Access::Community,
            r::get(web::congress_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/congress/open",
            Access::Street,
            r::post(web::open_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/congress",
            Access::Community,
            r::post(web::congress_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/congress/roll",
            Access::Community,
            r::post(web::roll_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/congress/roll/{person}/exclusion",
            Access::Community,
            r::post(web::exclusion_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/congress/roll/{person}/exclusion/remove",
            Access::Community,
            r::post(web::include_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/congress/roll/{person}/exclusion/approve",
            Access::Street,
            r::post(web::approve_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/congress/roll/{person}/exclusion/reject",
            Access::Street,
            r::post(web::reject_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/congress/roll/{person}/checkin",
            Access::Community,
            r::post(web::checkin_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/congress/roll/{person}/checkin/undo",
            Access::Community,
            r::post(web::undo_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/party/congress/votes/members",
            Access::Community,
            r::post(web::members_vote_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/congress/members/reduce",
            Access::Community,
            r::post(web::reduce_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/party/congress/replacements",
            Access::Street,
            r::post(web::replacement_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/party/congress/votes/leaders",
            Access::Community,
            r::post(web::leaders_vote_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/steps/P-6/done",
            Access::Community,
            r::post(web::p6_done_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/party/approvals/{person}",
            Access::Street,
            r::post(web::approval_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/party/congress/sheet",
            Access::Community,
            r::get(docs::roll_get),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/party/congress/report",
            Access::Community,
            r::get(docs::report_get),
        ),
        // JSON API.
        get(
            "/api/v1/campaigns/{campaign}/party/congress",
            Access::Community,
            r::get(api_get),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/congress/open",
            Access::Street,
            r::post(api_open),
        ),
        put(
            "/api/v1/campaigns/{campaign}/party/congress",
            Access::Community,
            r::put(api_set),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/congress/roll",
            Access::Community,
            r::post(api_roll),
        ),
        put(
            "/api/v1/campaigns/{campaign}/party/congress/roll/{person}/exclusion",
            Access::Community,
            r::put(api_exclude),
        ),
        delete(
            "/api/v1/campaigns/{campaign}/party/congress/roll/{person}/exclusion",
            Access::Community,
            r::delete(api_include),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/congress/roll/{person}/exclusion/approve",
            Access::Street,
            r::post(api_approve),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/congress/roll/{person}/exclusion/reject",
            Access::Street,
            r::post(api_reject),
        ),
        put(
            "/api/v1/campaigns/{campaign}/party/congress/roll/{person}/checkin",
            Access::Community,
            r::put(api_check_in),
        ),
        delete(
            "/api/v1/campaigns/{campaign}/party/congress/roll/{person}/checkin",
            Access::Community,
            r::delete(api_undo),
        ),
        create(
            "/api/v1/campaigns/{campaign}/party/congress/votes/members",
            Access::Community,
            r::post(api_members_vote),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/congress/members/reduce",
            Access::Community,
            r::post(api_reduce),
        ),
        create(
            "/api/v1/campaigns/{campaign}/party/congress/replacements",
            Access::Street,
            r::post(api_replace),
        ),
        create(
            "/api/v1/campaigns/{campaign}/party/congress/votes/leaders",
            Access::Community,
            r::post(api_leaders_vote),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/steps/P-6/done",
            Access::Community,
            r::post(api_p6_done),
        ),
        post(
            "/api/v1/campaigns/{campaign}/party/approvals/{person}",
            Access::Street,
            r::post(api_decide),
        ),
    ]
}

type J = AppResult<Json<Value>>;

fn roll_json(roll: &Roll) -> Value {
    let entries: Vec<Value> = roll
        .entries
        .iter()
        .map(|e| {
            json!({
                "person_id": e.person_id, "name": e.name, "due": e.due(), "checked_in": e.present(),
                "exclusion": e.exclusion, "exclusion_label": e.exclusion_label(),
                "exclusion_note": e.exclusion_note, "exclusion_approval": e.exclusion_approval,
                "exclusion_status": e.exclusion_status, "exclusion_status_label": e.status_label(),
                "exclusion_decided_by": e.exclusion_decided_by, "exclusion_decided_at": e.exclusion_decided_at,
                "exclusion_rejection": e.exclusion_rejection,
            })
        })
        .collect();
    let left_out: Vec<Value> = roll
        .left_out
        .iter()
        .map(|(why, n)| json!({"reason": why, "count": n}))
        .collect();
    json!({
        "due": roll.due, "present": roll.present, "excluded": roll.excluded, "pending": roll.pending,
        "left_out": left_out, "left_out_total": roll.left_out_total(), "entries": entries,
    })
}

/// The view as JSON.
fn view_json(v: &View) -> Value {
    json!({
        "open": v.open, "p5_done": v.p5_done, "list_approved": v.list_approved, "override": v.override_reason,
        "congress": v.congress, "roll": roll_json(&v.roll),
        "quorum": {"check": v.quorum, "needed": v.needed()},
        "checks": v.stored.iter().map(|k| json!({"id": k.id, "passed": k.passed, "message": k.message})).collect::<Vec<_>>(),
        "members": v.members, "leaders": v.leaders,
        "slate": v.slate, "leaders_check": v.leaders_check,
        "approvals": v.approvals.iter().map(|a| json!({
            "person_id": a.person_id, "name": a.name, "post": a.post, "status": a.status, "status_label": a.status_label(),
        })).collect::<Vec<_>>(),
        "p6_done": v.p6_done, "p7_done": v.p7_done, "blockers": v.blockers,
    })
}

fn quorum_json(q: &RuleCheck) -> Value {
    json!({"check": q, "needed": q.numbers["needed"]})
}

/// An exclusion change's answer: the quorum as before, plus where the request stands.
fn exclusion_json(o: &ExclusionOutcome) -> Value {
    json!({
        "quorum": quorum_json(&o.check),
        "exclusion": {"name": o.name, "status": o.status, "status_label": o.status.map_or("", |s| s.label())},
    })
}

/// `GET …/party/congress`: everything P-6/P-7 shows.
pub async fn api_get(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    Ok(Json(view_json(&web::view(&state, &c).await?)))
}

/// `POST …/party/congress/open` (street): opens P-6 early with a reason.
pub async fn api_open(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<ReasonInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    congress::open_p6(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"ok": true})))
}

/// `PUT …/party/congress`: the record.
pub async fn api_set(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<CongressInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let (g, q) = congress::set_congress(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"congress": g, "quorum": quorum_json(&q)})))
}

/// `POST …/party/congress/roll`: regenerates the roll.
pub async fn api_roll(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let ((added, dropped), q) = roll::refresh_roll(&state, &ctx, &c, &community).await?;
    Ok(Json(
        json!({"added": added, "dropped": dropped, "quorum": quorum_json(&q)}),
    ))
}

/// `PUT …/congress/roll/{person}/exclusion`.
pub async fn api_exclude(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, person)): Path<(i64, i64)>,
    Json(f): Json<ExclusionInput>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let o = roll::exclude(&state, &ctx, &c, &community, person, &f).await?;
    Ok(Json(exclusion_json(&o)))
}

/// `DELETE …/congress/roll/{person}/exclusion`.
pub async fn api_include(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, person)): Path<(i64, i64)>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let o = roll::include(&state, &ctx, &c, &community, person).await?;
    Ok(Json(exclusion_json(&o)))
}

/// `POST …/congress/roll/{person}/exclusion/approve` (street).
pub async fn api_approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, person)): Path<(i64, i64)>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let o = roll::decide(&state, &ctx, &c, &community, person, None).await?;
    Ok(Json(exclusion_json(&o)))
}

/// `POST …/congress/roll/{person}/exclusion/reject` (street), with a reason.
pub async fn api_reject(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, person)): Path<(i64, i64)>,
    Json(f): Json<ExclusionDecision>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let o = roll::decide(&state, &ctx, &c, &community, person, Some(&f)).await?;
    Ok(Json(exclusion_json(&o)))
}

async fn api_checkin(state: AppState, ctx: Ctx, (id, person): (i64, i64), on: bool) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let (name, q) = roll::check_in(&state, &ctx, &c, &community, person, on).await?;
    Ok(Json(
        json!({"name": name, "checked_in": on, "quorum": quorum_json(&q)}),
    ))
}

/// `PUT …/congress/roll/{person}/checkin` (a repeat changes nothing).
pub async fn api_check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(ids): Path<(i64, i64)>,
) -> J {
    api_checkin(state, ctx, ids, true).await
}

/// `DELETE …/congress/roll/{person}/checkin`.
pub async fn api_undo(State(state): State<AppState>, ctx: Ctx, Path(ids): Path<(i64, i64)>) -> J {
    api_checkin(state, ctx, ids, false).await
}

fn created(v: &Vote) -> Response {
    (StatusCode::CREATED, Json(json!({"vote": v.to_json()}))).into_response()
}

/// `POST …/congress/votes/members` (create).
pub async fn api_members_vote(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    Ok(created(
        &votes::members_vote(&state, &ctx, &c, &community).await?,
    ))
}

/// `POST …/congress/votes/leaders` (create).
pub async fn api_leaders_vote(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    Ok(created(
        &votes::leaders_vote(&state, &ctx, &c, &community).await?,
    ))
}

/// `POST …/congress/members/reduce`: reduces the 委员 seats instead of a 另行选举.
pub async fn api_reduce(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<ReduceInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let n = reduce::reduce_members(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"members": n})))
}

/// `POST …/congress/replacements` (street, create).
pub async fn api_replace(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<ReplacementInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let check = votes::replace(&state, &ctx, &c, &community, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"check": check}))).into_response())
}

/// `POST …/party/steps/P-6/done`.
pub async fn api_p6_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let n = close::finish_p6(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"pending": n})))
}

/// `POST …/party/approvals/{person}` (street).
pub async fn api_decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, person)): Path<(i64, i64)>,
    Json(f): Json<DecisionInput>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let rows = close::decide(&state, &ctx, &c, &community, person, &f).await?;
    let rows: Vec<Value> = rows
        .iter()
        .map(|a| json!({"post": a.post, "status": a.status, "status_label": a.status_label()}))
        .collect();
    Ok(Json(
        json!({"approvals": rows, "p7_done": store::step_done(&state.db, c.id, "P-7").await?}),
    ))
}
