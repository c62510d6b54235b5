//! P-5's two faces: the candidate-list page (the gate, the list chosen from the preliminary
//! list with the proposed 书记 and 副书记 in order, its checks, submission, the street's approval
//! or return), and the same operations as JSON API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Form, Json};
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::domain::party::candidate_min;
use crate::error::AppResult;
use crate::party::p2_review::write::ReasonInput;
use crate::party::p4_preliminary::read::{
    self as read, CANDIDATE, CANDIDATE_SUBJECT, Entry, List, PRELIMINARY,
};
use crate::party::p4_preliminary::web::list_of;
use crate::party::p5_candidates::write::{self as candidates, CandidateInput};
use crate::party::pages::{CheckView, base, finish};
use crate::party::store;
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::Layout;

type Fields = Form<Vec<(String, String)>>;

fn back(community: &Community, c: &Campaign) -> String {
    format!("{}/candidates", base(community, c))
}

/// The candidate form: the list's fields plus `secretary` and `deputy_1`, `deputy_2` … in order.
fn candidates_of(fields: &[(String, String)]) -> CandidateInput {
    let l = list_of(fields);
    let id = |v: &str| v.trim().parse::<i64>().ok();
    let mut deputies: Vec<(u32, i64)> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("deputy_")?.parse().ok()?, id(v)?)))
        .collect();
    deputies.sort_by_key(|(k, _)| *k);
    CandidateInput {
        date: l.date,
        people: l.people,
        secretary: fields
            .iter()
            .find(|(k, _)| k == "secretary")
            .and_then(|(_, v)| id(v)),
        deputies: deputies.into_iter().map(|(_, p)| p).collect(),
    }
}

/// A person of the preliminary list as the candidate form shows them.
pub struct Choice {
    /// The person on the preliminary list.
    pub e: Entry,
    /// On the candidate list.
    pub on: bool,
    /// Proposed 书记.
    pub secretary: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/candidates.html")]
pub struct CandidatesPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    street: bool,
    open: bool,
    p4_done: bool,
    override_reason: Option<String>,
    seats: i64,
    min: u32,
    choices: Vec<Choice>,
    /// Per 副书记 seat: its number and the person proposed there (0: nobody yet).
    deputy_slots: Vec<(usize, i64)>,
    list: Option<List>,
    people: Vec<Entry>,
    checks: Vec<CheckView>,
    blockers: Vec<String>,
    /// C-5 on the list, once it has people: a warning, not a refusal.
    c5: Option<crate::domain::rules::RuleCheck>,
}

pub async fn candidates_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<CandidatesPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let db = &state.db;
    let size = store::size(db, c.id).await?;
    let seats = size.as_ref().map_or(0, |s| s.members);
    let people = read::entries(db, c.id, CANDIDATE).await?;
    let lead = |post: &str| -> Vec<i64> {
        let mut v: Vec<&Entry> = people
            .iter()
            .filter(|e| e.leader_post.as_deref() == Some(post))
            .collect();
        v.sort_by_key(|e| e.leader_order);
        v.iter().map(|e| e.person_id).collect()
    };
    let (secretary, deputies) = (lead("书记"), lead("副书记"));
    let choices = read::entries(db, c.id, PRELIMINARY)
        .await?
        .into_iter()
        .map(|e| Choice {
            on: people.iter().any(|p| p.person_id == e.person_id),
            secretary: secretary.contains(&e.person_id),
            e,
        })
        .collect();
    let slots = size.as_ref().map_or(0, |s| s.deputies) as usize;
    let title = format!("{} 候选人预备人选", community.name);
    let c5 = if people.is_empty() {
        None
    } else {
        let ids: Vec<i64> = people.iter().map(|e| e.person_id).collect();
        Some(
            crate::composition::candidates_check(
                db,
                crate::domain::composition::Team::PartyCandidates,
                &ids,
            )
            .await?,
        )
    };
    Ok(CandidatesPage {
        c5,
        layout: Layout::new(&ctx, &session, title)
            .await
            .for_step(&state.db, &c, "P-5")
            .await?,
        base: base(&community, &c),
        street: ctx.user()?.is_street(),
        open: read::p5_open(db, c.id).await?,
        p4_done: store::step_done(db, c.id, "P-4").await?,
        override_reason: store::gate_override(db, c.id, "P-5").await?,
        seats,
        min: candidate_min(u32::try_from(seats).unwrap_or(0)),
        choices,
        deputy_slots: (1..=slots)
            .map(|k| (k, deputies.get(k - 1).copied().unwrap_or(0)))
            .collect(),
        list: read::list(db, c.id, CANDIDATE).await?,
        people,
        checks: read::checks(db, CANDIDATE_SUBJECT, c.id)
            .await?
            .iter()
            .map(|(id, r)| CheckView::of(*id, r))
            .collect(),
        blockers: read::p5_blockers(db, c.id).await?,
        c,
        community,
    })
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
    let r = candidates::open_p5(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |_| {
        "已提前开始确定候选人预备人选。".to_string()
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
    let r = candidates::set_candidates(&state, &ctx, &c, &community, &candidates_of(&fields)).await;
    finish(&session, &back(&community, &c), r, |(_, checks)| {
        let said: Vec<String> = checks
            .iter()
            .map(|(_, r)| r.check.message.clone())
            .collect();
        format!("已保存候选人预备人选名单。{}", said.join(""))
    })
    .await
}

pub async fn submit_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = candidates::submit(&state, &ctx, &c, &community).await;
    finish(&session, &back(&community, &c), r, |_| {
        "已将候选人预备人选名单报街道工作组审批。".to_string()
    })
    .await
}

pub async fn approve_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = candidates::approve(&state, &ctx, &c, &community).await;
    finish(&session, &back(&community, &c), r, |_| {
        "已批准候选人预备人选名单，候选人预备人选（P-5）已完成。".to_string()
    })
    .await
}

pub async fn return_post(
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
    let r = candidates::give_back(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |_| {
        "已退回候选人预备人选名单。".to_string()
    })
    .await
}

// JSON API.

type J = AppResult<Json<Value>>;

async fn answer(state: &AppState, c: &Campaign, list: Option<List>) -> J {
    let db = &state.db;
    let checks: Vec<Value> = read::checks(db, CANDIDATE_SUBJECT, c.id)
        .await?
        .into_iter()
        .map(|(id, r)| json!({"id": id, "record": r, "satisfied": r.satisfied()}))
        .collect();
    Ok(Json(json!({
        "open": read::p5_open(db, c.id).await?,
        "done": store::step_done(db, c.id, "P-5").await?,
        "override": store::gate_override(db, c.id, "P-5").await?,
        "list": list,
        "people": read::entries(db, c.id, CANDIDATE).await?,
        "checks": checks,
        "blockers": read::p5_blockers(db, c.id).await?,
    })))
}

/// `GET …/party/candidates`: the gate, the list with its proposed leaders, its checks.
pub async fn api_get(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    let list = read::list(&state.db, c.id, CANDIDATE).await?;
    answer(&state, &c, list).await
}

/// `POST …/party/candidates/open` (street): opens P-5 early with a reason.
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
    candidates::open_p5(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"ok": true})))
}

/// `PUT …/party/candidates`: fixes or corrects the list (draft or returned only).
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<CandidateInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let (list, _) = candidates::set_candidates(&state, &ctx, &c, &community, &f).await?;
    answer(&state, &c, Some(list)).await
}

/// `POST …/party/candidates/submit` (community).
pub async fn api_submit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let list = candidates::submit(&state, &ctx, &c, &community).await?;
    answer(&state, &c, Some(list)).await
}

/// `POST …/party/candidates/approve` (street): P-5 done.
pub async fn api_approve(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let list = candidates::approve(&state, &ctx, &c, &community).await?;
    answer(&state, &c, Some(list)).await
}

/// `POST …/party/candidates/return` (street) `{"reason"}`.
pub async fn api_return(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<ReasonInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let list = candidates::give_back(&state, &ctx, &c, &community, &f).await?;
    answer(&state, &c, Some(list)).await
}
