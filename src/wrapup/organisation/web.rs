//! W-2's page: the members of both new committees with their 分工, the subcommittees (the five
//! usual ones offered), the 民主理财小组 and the 居务公开小组, the work plan and "完成". Every form
//! posts, then redirects back with a flash message.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use super::read::{self, Body, DISCLOSURE, FINANCE, Member, SUBCOMMITTEE};
use super::write::{self, BodyInput, DutyInput, PlanInput};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::domain::wrapup::SUBCOMMITTEES;
use crate::error::AppResult;
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::{Layout, finish};

const PAGE: &str = "/wrapup/organisation";

/// The W-2 page: 分工, subcommittees, the two groups, the plan and closing.
#[derive(Template, WebTemplate)]
#[template(path = "wrapup/organisation.html")]
pub struct OrganisationPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    members: Vec<Member>,
    subcommittees: Vec<Body>,
    finance: Option<Body>,
    disclosure: Option<Body>,
    offered: Vec<&'static str>,
    plan: String,
    blockers: Vec<String>,
    closed: bool,
}

/// `GET …/wrapup/organisation`.
pub async fn page_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<OrganisationPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let db = &state.db;
    let bodies = read::bodies(db, c.id).await?;
    let group = |kind: &str| bodies.iter().find(|b| b.kind == kind).cloned();
    let subcommittees: Vec<Body> = bodies
        .iter()
        .filter(|b| b.kind == SUBCOMMITTEE)
        .cloned()
        .collect();
    Ok(OrganisationPage {
        layout: Layout::new(&ctx, &session, format!("{} 健全组织体系", community.name))
            .await
            .for_step(db, &c, "W-2")
            .await?,
        base: format!("/communities/{}/campaigns/{}", community.code, c.id),
        members: read::members(db, c.id).await?,
        offered: SUBCOMMITTEES
            .iter()
            .copied()
            .filter(|n| !subcommittees.iter().any(|b| b.name == *n))
            .collect(),
        finance: group(FINANCE),
        disclosure: group(DISCLOSURE),
        subcommittees,
        plan: read::plan(db, c.id).await?,
        blockers: read::blockers(db, c.id).await?,
        closed: crate::steps::Progress::load(db, c.id).await?.closed("W-2"),
        c,
        community,
    })
}

/// The duties form's fields as 分工: each member's row sends `committee`, `name`, `duty` in order.
pub fn duties_of(fields: &[(String, String)]) -> Vec<DutyInput> {
    let mut out: Vec<DutyInput> = Vec::new();
    for (k, v) in fields {
        match k.as_str() {
            "committee" => out.push(DutyInput {
                committee: v.clone(),
                ..DutyInput::default()
            }),
            "name" => {
                if let Some(d) = out.last_mut() {
                    d.name = v.clone();
                }
            }
            "duty" => {
                if let Some(d) = out.last_mut() {
                    d.duty = v.clone();
                }
            }
            _ => {}
        }
    }
    out
}

/// `POST …/wrapup/organisation/duties`.
pub async fn duties_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let list = duties_of(&fields);
    let r = write::set_duties(&state, &ctx, &scope.campaign, &scope.community, &list).await;
    finish(&session, &scope.page(PAGE), r, |n| {
        format!("已保存分工（{n} 人有变动）。")
    })
    .await
}

/// `POST …/wrapup/organisation/subcommittees` (create).
pub async fn subcommittee_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<BodyInput>,
) -> AppResult<Response> {
    let r = write::add_subcommittee(&state, &ctx, &scope.campaign, &scope.community, &f).await;
    finish(&session, &scope.page(PAGE), r, |b| {
        format!("已登记{}（{} 人）。", b.name, b.members.len())
    })
    .await
}

/// `POST …/wrapup/organisation/subcommittees/{body}`.
pub async fn body_update_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Path((_, _, id)): Path<(String, i64, i64)>,
    Form(f): Form<BodyInput>,
) -> AppResult<Response> {
    let (c, m) = (&scope.campaign, &scope.community);
    let r = write::update_body(&state, &ctx, c, m, id, &f).await;
    finish(&session, &scope.page(PAGE), r, |b| {
        format!("已保存{}的成员。", b.name)
    })
    .await
}

/// `POST …/wrapup/organisation/subcommittees/{body}/delete`.
pub async fn body_remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Path((_, _, id)): Path<(String, i64, i64)>,
) -> AppResult<Response> {
    let r = write::remove_body(&state, &ctx, &scope.campaign, &scope.community, id).await;
    finish(&session, &scope.page(PAGE), r, |b| {
        format!("已删除{}。", b.name)
    })
    .await
}

async fn group_post(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    scope: &CampaignScope,
    kind: &str,
    f: &BodyInput,
) -> AppResult<Response> {
    let r = write::set_group(state, ctx, &scope.campaign, &scope.community, kind, f).await;
    finish(session, &scope.page(PAGE), r, |b| {
        format!("已保存{}成员（{} 人）。", b.name, b.members.len())
    })
    .await
}

/// `POST …/wrapup/organisation/finance`.
pub async fn finance_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<BodyInput>,
) -> AppResult<Response> {
    group_post(&state, &ctx, &session, &scope, FINANCE, &f).await
}

/// `POST …/wrapup/organisation/disclosure`.
pub async fn disclosure_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<BodyInput>,
) -> AppResult<Response> {
    group_post(&state, &ctx, &session, &scope, DISCLOSURE, &f).await
}

/// `POST …/wrapup/organisation/plan`.
pub async fn plan_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<PlanInput>,
) -> AppResult<Response> {
    let r = write::set_plan(&state, &ctx, &scope.campaign, &scope.community, &f).await;
    finish(&session, &scope.page(PAGE), r, |_| {
        "已保存工作计划。".to_owned()
    })
    .await
}

/// `POST …/wrapup/organisation/close`.
pub async fn close_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let r = write::close(&state, &ctx, &scope.campaign, &scope.community).await;
    finish(&session, &scope.page(PAGE), r, |_| {
        "健全组织体系（W-2）已完成。".to_owned()
    })
    .await
}
