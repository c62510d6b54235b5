//! The residents' pipeline's JSON API under `/api/v1/campaigns/{campaign}/residents`: the same
//! operations as the pages, the same checks, JSON in and out.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::r3_rules::write::{self as rules, AdoptInput, RulesInput};
use super::setup::{
    self, CommitteeInput, OpenInput, PersonInput, RepresentativeInput, SeatsInput, StepDownInput,
};
use super::store;
use crate::auth::Ctx;
use crate::error::AppResult;
use crate::scope::CampaignScope;
use crate::state::AppState;

type J = AppResult<Json<Value>>;

/// `GET …/residents`: the steps, seats and blockers.
pub async fn overview(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let o = rules::overview(&state.db, &c).await?;
    Ok(Json(json!({"community": community.code, "overview": o})))
}

/// `PUT …/residents/seats`: the seats with their C-2 check.
pub async fn seats(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<SeatsInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let (seats, check) = setup::set_seats(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(
        json!({"seats": seats, "total": seats.total(), "check": check}),
    ))
}

/// `GET …/residents/representatives`: every group with its representatives and check.
pub async fn representatives(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    let groups = store::groups(&state.db, &c).await?;
    let done = store::step_done(&state.db, c.id, "R-1").await?;
    Ok(Json(json!({"groups": groups, "done": done})))
}

/// `POST …/residents/representatives`: adds one.
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<RepresentativeInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let (rid, group) = setup::add_representative(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"id": rid, "group_check": group})))
}

/// `POST …/residents/representatives/remove`: removes one.
pub async fn remove(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<PersonInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let group = setup::remove_representative(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"group_check": group})))
}

/// `POST …/residents/representatives/done`: R-1 done.
pub async fn r1_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    setup::finish_r1(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"step": "R-1", "done": true})))
}

/// `POST …/residents/open`: the street opens early with a reason.
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<OpenInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    setup::open_step(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(
        json!({"step": f.step.trim(), "open": true, "reason": f.reason.trim()}),
    ))
}

/// `GET …/residents/committee`: members, alternates, substitutions, checks.
pub async fn committee(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    Ok(Json(json!({
        "open": store::is_open(&state.db, c.id, "R-2").await?,
        "done": store::step_done(&state.db, c.id, "R-2").await?,
        "committee": store::committee(&state.db, c.id).await?,
        "substitutions": store::substitutions(&state.db, c.id).await?,
        "checks": store::checks(&state.db, store::COMMITTEE_SUBJECT, c.id).await?,
        "proposed_chair": setup::party_secretary(&state.db, &c).await?,
    })))
}

/// `PUT …/residents/committee`: sets the committee.
pub async fn set_committee(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<CommitteeInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let checks = setup::set_committee(&state, &ctx, &c, &community, &f).await?;
    let satisfied = checks.iter().all(|k| k.passed);
    Ok(Json(json!({"checks": checks, "satisfied": satisfied})))
}

/// `POST …/residents/committee/step-down`: candidates step down, alternates take the seats.
pub async fn step_down(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<StepDownInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let set: BTreeSet<i64> = f.candidates.iter().copied().collect();
    let r = setup::step_down(&state, &ctx, &c, &community, &set).await?;
    Ok(Json(json!({"reshuffle": r})))
}

/// `POST …/residents/committee/done`: R-2 done.
pub async fn r2_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    setup::finish_r2(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"step": "R-2", "done": true})))
}

/// `GET …/residents/rules`: the document, its settings and its adoption.
pub async fn get_rules(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    Ok(Json(json!({
        "open": store::is_open(&state.db, c.id, "R-3").await?,
        "rules": store::rules(&state.db, c.id).await?,
        "checks": store::checks(&state.db, rules::ADOPTION_SUBJECT, c.id).await?,
    })))
}

/// `PUT …/residents/rules`: the document and its settings.
pub async fn put_rules(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<RulesInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let settings = rules::set_rules(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"settings": settings})))
}

/// `POST …/residents/rules/adopt`: the representatives' vote.
pub async fn adopt(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<AdoptInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let check = rules::adopt(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"adopted": check.passed, "check": check})))
}
