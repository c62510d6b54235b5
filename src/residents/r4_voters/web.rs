//! R-4's two faces: the voter registration page (register, bulk, unregister, publish,
//! decisions), the printable voter list and 选民证 sheet, and the same operations as JSON API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::domain::residents::Basis;
use crate::error::AppResult;
use crate::residents::r4_voters::docs as voters_docs;
use crate::residents::r4_voters::publish::{self as voters_publish, DecisionInput, PublishInput};
use crate::residents::r4_voters::read::{self as read, Decision, LIST_SUBJECT, Publication, Voter};
use crate::residents::r4_voters::write::{self as voters, RegisterInput, UnregisterInput};
use crate::routes::{Access, RouteDef, create, get, post};
use crate::state::AppState;
use crate::web::Layout;
use crate::web::finish;

type Ids = Path<(String, i64)>;
type J = AppResult<Json<Value>>;

pub(crate) use crate::residents::store::scope;

fn page(community: &Community, c: &Campaign) -> String {
    format!(
        "/communities/{}/campaigns/{}/residents/voters",
        community.code, c.id
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/voters.html")]
pub struct VotersPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    street: bool,
    today: chrono::NaiveDate,
    voters: Vec<Voter>,
    publication: Option<Publication>,
    decisions: Vec<Decision>,
    bases: Vec<(&'static str, &'static str)>,
    mode: String,
    /// Why objections cannot be decided now (the decision's own check), if so.
    decisions_closed: Option<String>,
}

pub async fn voters_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
) -> AppResult<VotersPage> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let decisions_closed = crate::web::refusal(voters_publish::decisions_open(&state, &c).await)?;
    Ok(VotersPage {
        decisions_closed,
        layout: Layout::new(&ctx, &session, format!("{} 选民登记", community.name)).await,
        base: page(&community, &c),
        street: ctx.user()?.is_street(),
        today: state.today(),
        voters: read::voters(&state.db, c.id).await?,
        publication: read::publication(&state.db, c.id).await?,
        decisions: read::decisions(&state.db, c.id).await?,
        bases: Basis::ALL
            .into_iter()
            .map(|b| (b.as_str(), b.label()))
            .collect(),
        mode: crate::residents::r4_voters::mode::describe(
            crate::residents::r4_voters::mode::rules_of(&state.db, c.id)
                .await?
                .mode,
        ),
        c,
        community,
    })
}

pub async fn register_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<RegisterInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = voters::register(&state, &ctx, &c, &community, &f).await;
    finish(&session, &page(&community, &c), r, |v| {
        format!("已登记，选民证编号 {}。", v.certificate_no)
    })
    .await
}

pub async fn bulk_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = voters::bulk(&state, &ctx, &c, &community).await;
    finish(&session, &page(&community, &c), r, |b| {
        let why: Vec<String> = b.not_registered.iter().map(|n| n.reason.clone()).collect();
        format!(
            "批量登记 {} 人，未登记 {} 人。{}",
            b.registered.len(),
            b.not_registered.len(),
            why.join("")
        )
    })
    .await
}

pub async fn unregister_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<UnregisterInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = voters::unregister(&state, &ctx, &c, &community, &f).await;
    finish(&session, &page(&community, &c), r, |_| {
        "已取消登记。".to_string()
    })
    .await
}

pub async fn publish_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<PublishInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = voters_publish::publish(&state, &ctx, &c, &community, &f).await;
    finish(&session, &page(&community, &c), r, |check| {
        format!("选民名单已公布。{}", check.message)
    })
    .await
}

pub async fn decision_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<DecisionInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = voters_publish::decide(&state, &ctx, &c, &community, &f).await;
    finish(&session, &page(&community, &c), r, |_| {
        "已记录异议处理决定。".to_string()
    })
    .await
}

// JSON API.

pub async fn api_get(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = scope(&state, &ctx, id).await?;
    let voters: Vec<Value> = read::voters(&state.db, c.id)
        .await?
        .into_iter()
        .map(|v| {
            let masked = v.masked_id();
            let mut j = serde_json::to_value(&v).unwrap_or_default();
            j["id_number"] = json!(masked);
            j
        })
        .collect();
    let rules = crate::residents::r4_voters::mode::rules_of(&state.db, c.id).await?;
    Ok(Json(json!({
        "election_day": c.residents_election_day,
        "mode": rules.mode,
        "electorate_label": rules.mode.electorate_label(),
        "electorate": read::electorate(&state.db, c.id).await?,
        "voter_list_days": rules.voter_list_days,
        "voters": voters,
        "publication": read::publication(&state.db, c.id).await?,
        "publication_checks": crate::checks::of(&state.db, LIST_SUBJECT, c.id).await?,
        "decisions": read::decisions(&state.db, c.id).await?,
    })))
}

pub async fn api_register(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<RegisterInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let v = voters::register(&state, &ctx, &c, &community, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"voter": v}))).into_response())
}

pub async fn api_bulk(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = scope(&state, &ctx, id).await?;
    Ok(Json(json!(
        voters::bulk(&state, &ctx, &c, &community).await?
    )))
}

pub async fn api_unregister(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<UnregisterInput>,
) -> J {
    let (c, community) = scope(&state, &ctx, id).await?;
    voters::unregister(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"ok": true})))
}

pub async fn api_publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<PublishInput>,
) -> J {
    let (c, community) = scope(&state, &ctx, id).await?;
    let check = voters_publish::publish(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"check": check})))
}

pub async fn api_decision(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<DecisionInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let id = voters_publish::decide(&state, &ctx, &c, &community, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"decision": id}))).into_response())
}

/// R-4's routes: pages and API.
pub fn voters_routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/residents/voters",
            Access::Community,
            r::get(voters_get),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/residents/voters",
            Access::Community,
            r::post(register_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/voters/bulk",
            Access::Community,
            r::post(bulk_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/voters/unregister",
            Access::Community,
            r::post(unregister_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/voters/publish",
            Access::Community,
            r::post(publish_post),
        ),
        create(
            "/communities/{code}/campaigns/{campaign}/residents/voters/decisions",
            Access::Community,
            r::post(decision_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/voters/list",
            Access::Community,
            r::get(voters_docs::list_get),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/voters/certificates",
            Access::Community,
            r::get(voters_docs::certificates_get),
        ),
        get(
            "/api/v1/campaigns/{campaign}/residents/voters",
            Access::Community,
            r::get(api_get),
        ),
        create(
            "/api/v1/campaigns/{campaign}/residents/voters",
            Access::Community,
            r::post(api_register),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/voters/bulk",
            Access::Community,
            r::post(api_bulk),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/voters/unregister",
            Access::Community,
            r::post(api_unregister),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/voters/publish",
            Access::Community,
            r::post(api_publish),
        ),
        create(
            "/api/v1/campaigns/{campaign}/residents/voters/decisions",
            Access::Community,
            r::post(api_decision),
        ),
    ]
}
