//! P-4's two faces, and closing P-3: the preliminary-list page (the gate, the P-3 results to
//! choose from, the list with its size check, the street's 考察 records, the 公示 with
//! objections, closing P-4), and the same operations as JSON API.

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
use crate::domain::party::preliminary_min;
use crate::error::AppResult;
use crate::party::p2_review::write::{PublicityInput, ReasonInput};
use crate::party::p4_preliminary::gate as lists_gate;
use crate::party::p4_preliminary::read::{
    self as read, Entry, List, PRELIMINARY, PRELIMINARY_SUBJECT, Standing,
};
use crate::party::p4_preliminary::write::{self as lists, InspectionInput, ListInput};
use crate::party::pages::{CheckView, base, finish};
use crate::party::store::{self, Objection, Publicity};
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::Layout;

type Fields = Form<Vec<(String, String)>>;

fn back(community: &Community, c: &Campaign) -> String {
    format!("{}/preliminary", base(community, c))
}

/// The date and the ticked `person` boxes of a list form, in the page's order.
pub(crate) fn list_of(fields: &[(String, String)]) -> ListInput {
    ListInput {
        date: fields
            .iter()
            .find(|(k, _)| k == "date")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        people: fields
            .iter()
            .filter(|(k, _)| k == "person")
            .map(|(_, v)| v.trim().parse().unwrap_or(-1))
            .collect(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "party/preliminary.html")]
pub struct PreliminaryPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    street: bool,
    open: bool,
    done: bool,
    p3_done: bool,
    override_reason: Option<String>,
    seats: i64,
    min: u32,
    /// The P-3 results, each with whether the person is on the list.
    standings: Vec<(Standing, bool)>,
    list: Option<List>,
    people: Vec<Entry>,
    checks: Vec<CheckView>,
    publicity: Vec<Publicity>,
    objections: Vec<Objection>,
    blockers: Vec<String>,
}

pub async fn preliminary_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<PreliminaryPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let db = &state.db;
    let seats = store::size(db, c.id).await?.map_or(0, |s| s.members);
    let publicity = store::publicities(db, c.id, "P-4").await?;
    let objections = store::objections(db, c.id)
        .await?
        .into_iter()
        .filter(|o| publicity.iter().any(|p| p.id == o.publicity_id))
        .collect();
    let people = read::entries(db, c.id, PRELIMINARY).await?;
    let title = format!("{} 初步人选", community.name);
    Ok(PreliminaryPage {
        layout: Layout::new(&ctx, &session, title)
            .await
            .for_step(&state.db, &c, "P-4")
            .await?,
        base: base(&community, &c),
        street: ctx.user()?.is_street(),
        open: read::p4_open(db, c.id).await?,
        done: store::step_done(db, c.id, "P-4").await?,
        p3_done: read::p3_done(db, c.id).await?,
        override_reason: store::gate_override(db, c.id, "P-4").await?,
        seats,
        min: preliminary_min(u32::try_from(seats).unwrap_or(0)),
        standings: read::standings(db, c.id)
            .await?
            .into_iter()
            .map(|s| {
                let on = people.iter().any(|e| e.person_id == s.person_id);
                (s, on)
            })
            .collect(),
        list: read::list(db, c.id, PRELIMINARY).await?,
        people,
        checks: read::checks(db, PRELIMINARY_SUBJECT, c.id)
            .await?
            .iter()
            .map(|(id, r)| CheckView::of(*id, r))
            .collect(),
        publicity,
        objections,
        blockers: read::p4_blockers(db, c.id, state.today()).await?,
        c,
        community,
    })
}

pub async fn p3_done_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = lists_gate::finish_p3(&state, &ctx, &c, &community).await;
    let to = format!("{}/recommendation", base(&community, &c));
    finish(&session, &to, r, |_| {
        "全额定向民主推荐（P-3）已完成。".to_string()
    })
    .await
}

pub async fn open_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = lists_gate::open_p4(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |_| {
        "已提前开始确定初步人选。".to_string()
    })
    .await
}

pub async fn list_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(fields): Fields,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = lists::set_preliminary(&state, &ctx, &c, &community, &list_of(&fields)).await;
    finish(&session, &back(&community, &c), r, |(_, checks)| {
        let said: Vec<String> = checks
            .iter()
            .map(|(_, r)| r.check.message.clone())
            .collect();
        format!("已保存初步人选名单。{}", said.join(""))
    })
    .await
}

pub async fn inspection_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<InspectionInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = lists::inspect(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |e| {
        format!("已登记{}的考察情况。", e.name)
    })
    .await
}

pub async fn publicity_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<PublicityInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = lists::publicise(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |p| {
        format!(
            "已登记考察对象公示：{} 至 {}，共 {} 天。",
            p.start_date,
            p.end_date,
            p.days()
        )
    })
    .await
}

pub async fn p4_done_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = lists_gate::finish_p4(&state, &ctx, &c, &community).await;
    finish(&session, &back(&community, &c), r, |_| {
        "初步人选（P-4）已完成。".to_string()
    })
    .await
}

// JSON API.

type J = AppResult<Json<Value>>;

fn checks_json(checks: &[(i64, crate::domain::rules::CheckRecord)]) -> Vec<Value> {
    checks
        .iter()
        .map(|(id, r)| json!({"id": id, "record": r, "satisfied": r.satisfied()}))
        .collect()
}

/// `POST …/party/steps/P-3/done` (street).
pub async fn api_p3_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    lists_gate::finish_p3(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"ok": true})))
}

/// `GET …/party/preliminary`: the gate, the P-3 results, the list, its check, the 公示.
pub async fn api_get(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    let db = &state.db;
    let seats = store::size(db, c.id).await?.map_or(0, |s| s.members);
    let (publicity, open_objections) = read::p4_publicity(db, c.id).await?;
    Ok(Json(json!({
        "open": read::p4_open(db, c.id).await?,
        "p3_done": read::p3_done(db, c.id).await?,
        "done": store::step_done(db, c.id, "P-4").await?,
        "override": store::gate_override(db, c.id, "P-4").await?,
        "seats": seats,
        "min": preliminary_min(u32::try_from(seats).unwrap_or(0)),
        "standings": read::standings(db, c.id).await?,
        "list": read::list(db, c.id, PRELIMINARY).await?,
        "people": read::entries(db, c.id, PRELIMINARY).await?,
        "checks": checks_json(&read::checks(db, PRELIMINARY_SUBJECT, c.id).await?),
        "publicity": publicity,
        "open_objections": open_objections,
        "blockers": read::p4_blockers(db, c.id, state.today()).await?,
    })))
}

/// `POST …/party/preliminary/open` (street): opens P-4 early with a reason.
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
    lists_gate::open_p4(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"ok": true})))
}

/// `PUT …/party/preliminary`: fixes or replaces the list; answers its size check.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<ListInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let (list, checks) = lists::set_preliminary(&state, &ctx, &c, &community, &f).await?;
    let people = read::entries(&state.db, c.id, PRELIMINARY).await?;
    let satisfied = read::unmet(&checks).is_empty();
    Ok(Json(
        json!({"list": list, "people": people, "checks": checks_json(&checks), "satisfied": satisfied}),
    ))
}

/// `POST …/party/preliminary/inspections` (street): one person's 考察 record.
pub async fn api_inspection(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<InspectionInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let e = lists::inspect(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"entry": e})))
}

/// `POST …/party/preliminary/publicity` (street; create): the 公示 of the people inspected.
pub async fn api_publicity(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<PublicityInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let p = lists::publicise(&state, &ctx, &c, &community, &f).await?;
    let days = p.days();
    Ok((
        StatusCode::CREATED,
        Json(json!({"publicity": p, "days": days})),
    )
        .into_response())
}

/// `POST …/party/steps/P-4/done` (street).
pub async fn api_p4_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    lists_gate::finish_p4(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"ok": true})))
}
