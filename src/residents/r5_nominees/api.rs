//! R-5's and R-6's JSON API under `/api/v1/campaigns/{campaign}/residents/…`: the nominees by
//! post with their reviews, checks and status; nominate, review, withdraw, close R-5; the
//! introductions; set one, close R-6. The same operations and checks as the pages. Also the
//! route table of both slices, pages and API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::auth::Ctx;
use crate::error::AppResult;
use crate::residents::r5_nominees::close::{self as nominees_close, slate, slate_rules};
use crate::residents::r5_nominees::read::{self as read, Nominee};
use crate::residents::r5_nominees::write::{
    self as nominees, NOMINEE_SUBJECT, NominateInput, ReviewInput, WithdrawInput,
};
use crate::residents::r6_introductions::write::{self as introductions, IntroductionInput};
use crate::residents::store;
use crate::residents::{r5_nominees::docs, r5_nominees::web};
use crate::routes::{Access, RouteDef, create, get, post, put};
use crate::scope::CampaignScope;
use crate::state::AppState;

type J = AppResult<Json<Value>>;

/// A nominee as JSON: the record, its status, the next review, the four reviews' check and the
/// stored C-3/C-4 checks.
async fn nominee_json(state: &AppState, n: &Nominee) -> AppResult<Value> {
    Ok(json!({
        "nominee": n,
        "post_label": n.post_label(),
        "status": n.status(),
        "status_text": n.status_text(),
        "official": n.is_official(),
        "next_review": crate::domain::residents::next_review(&n.reviews),
        "reviews_check": nominees::reviews_check(n),
        "checks": store::checks(&state.db, NOMINEE_SUBJECT, n.id).await?,
    }))
}

/// `GET …/residents/nominees`: every nominee, the official candidates in ballot order, the
/// slate's checks now and as stored at the last close.
pub async fn list(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    let mut all = Vec::new();
    for n in read::nominees(&state.db, c.id).await? {
        all.push(nominee_json(&state, &n).await?);
    }
    let official = read::official(&state.db, c.id).await?;
    let rules = slate_rules(&state.db, &c).await?;
    let flags = crate::discipline::flags_for(&state.db, &ctx).await?;
    let mut out = json!({
        "unsigned_commitments": crate::discipline::commitments::unsigned(&state.db, c.id).await?,
        "c5": crate::composition::candidates_check(
            &state.db,
            crate::domain::composition::Team::ResidentCandidates,
            &official.iter().map(|n| n.person_id).collect::<Vec<_>>(),
        )
        .await?,
        "open": store::is_open(&state.db, c.id, "R-5").await?,
        "done": store::step_done(&state.db, c.id, "R-5").await?,
        "seats": rules.seats,
        "nominees": all,
        "official": official.iter().map(|n| json!({"id": n.id, "name": n.name, "post": n.post})).collect::<Vec<_>>(),
        "slate": slate(&rules, &official),
        "slate_checks": nominees_close::stored(&state.db, &c).await?,
    });
    if !flags.is_empty() {
        // Street users only: the nominees named by an open discipline report.
        let named: std::collections::BTreeSet<String> = read::nominees(&state.db, c.id)
            .await?
            .into_iter()
            .filter(|n| flags.contains(&n.person_id))
            .map(|n| n.name)
            .collect();
        out["open_reports"] = json!(named);
    }
    Ok(Json(out))
}

/// `POST …/residents/nominees`: 201 with the nominee, its C-3/C-4 checks and any committee
/// member's stepping down.
pub async fn nominate(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<NominateInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let n = nominees::nominate(&state, &ctx, &c, &community, &f).await?;
    Ok((StatusCode::CREATED, Json(json!(n))).into_response())
}

/// `POST …/residents/nominees/{nominee}/reviews`: 201 with the nominee and its reviews' check.
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, nid)): Path<(i64, i64)>,
    Json(f): Json<ReviewInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let (n, _) = nominees::review(&state, &ctx, &c, &community, nid, &f).await?;
    Ok((StatusCode::CREATED, Json(nominee_json(&state, &n).await?)).into_response())
}

/// `POST …/residents/nominees/{nominee}/withdraw`.
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, nid)): Path<(i64, i64)>,
    Json(f): Json<WithdrawInput>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let n = nominees::withdraw(&state, &ctx, &c, &community, nid, &f).await?;
    Ok(Json(nominee_json(&state, &n).await?))
}

/// `POST …/residents/nominees/done`: the slate's checks; 409 naming the failed ones.
pub async fn r5_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let checks = nominees_close::finish_r5(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"done": true, "checks": checks})))
}

/// `GET …/residents/introductions`: the official candidates' particulars, introductions and
/// statements (no ID numbers).
pub async fn introductions(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    Ok(Json(json!({
        "open": store::is_open(&state.db, c.id, "R-6").await?,
        "done": store::step_done(&state.db, c.id, "R-6").await?,
        "candidates": introductions::profiles(&state.db, &c).await?,
    })))
}

/// `PUT …/residents/nominees/{nominee}/introduction`.
pub async fn introduction(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, nid)): Path<(i64, i64)>,
    Json(f): Json<IntroductionInput>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let n = introductions::set_introduction(&state, &ctx, &c, &community, nid, &f).await?;
    Ok(Json(json!({"nominee": n})))
}

/// `POST …/residents/introductions/done`.
pub async fn r6_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let n = introductions::finish_r6(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"done": true, "candidates": n})))
}

/// R-5's and R-6's routes: pages, print documents and API.
pub fn nominees_routes() -> Vec<RouteDef> {
    use axum::routing as r;
    let c = Access::Community;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/residents/nominees",
            c,
            r::get(web::nominees_get),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/residents/nominees",
            c,
            r::post(web::nominate_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/residents/nominees/{nominee}/reviews",
            c,
            r::post(web::review_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/nominees/{nominee}/withdraw",
            c,
            r::post(web::withdraw_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/nominees/done",
            c,
            r::post(web::r5_done_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/nominees/print",
            c,
            r::get(docs::nominees_print),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/introductions",
            c,
            r::get(web::introductions_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/nominees/{nominee}/introduction",
            c,
            r::post(web::introduction_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/introductions/done",
            c,
            r::post(web::r6_done_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/introductions/print",
            c,
            r::get(docs::introductions_print),
        ),
        get(
            "/api/v1/campaigns/{campaign}/residents/nominees",
            c,
            r::get(list),
        ),
        create(
            "/api/v1/campaigns/{campaign}/residents/nominees",
            c,
            r::post(nominate),
        ),
        create(
            "/api/v1/campaigns/{campaign}/residents/nominees/{nominee}/reviews",
            c,
            r::post(review),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/nominees/{nominee}/withdraw",
            c,
            r::post(withdraw),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/nominees/done",
            c,
            r::post(r5_done),
        ),
        get(
            "/api/v1/campaigns/{campaign}/residents/introductions",
            c,
            r::get(introductions),
        ),
        put(
            "/api/v1/campaigns/{campaign}/residents/nominees/{nominee}/introduction",
            c,
            r::put(introduction),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/introductions/done",
            c,
            r::post(r6_done),
        ),
    ]
}
