//! The Party pipeline's pages: the pipeline overview with the size form, the nominations
//! (P-1) with the printable 报名汇总表, and the street's review (P-2). Every form posts,
//! then redirects back with a flash message (errors too: nothing is stored).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::p1_nominations::write::{
    self as nominations, ConsentInput, NominationInput, SummaryRow,
};
use super::p2_review::write::{
    self as review, DecisionInput, PublicityInput, ReasonInput, TextInput,
};
use super::size::{self, Pipeline, SizeInput};
use super::store::{self, CHANNELS, Nomination, Objection, POSTS, Publicity};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::error::AppResult;
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::Layout;
pub(super) use crate::web::finish;

pub use crate::checks::CheckView;

type Ids3 = Path<(String, i64, i64)>;

/// The pipeline's page path.
pub(super) fn base(community: &Community, c: &Campaign) -> String {
    format!("/communities/{}/campaigns/{}/party", community.code, c.id)
}

#[derive(Template, WebTemplate)]
#[template(path = "party/pipeline.html")]
pub struct PipelinePage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    p: Pipeline,
    c1: Option<CheckView>,
    /// Why the size can no longer change (the save's own check), if so.
    size_closed: Option<String>,
    street: bool,
    today: chrono::NaiveDate,
}

pub async fn pipeline_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<PipelinePage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let p = size::pipeline(&state.db, &c, state.today()).await?;
    let c1 = p.c1.as_ref().map(|(id, r)| CheckView::of(*id, r));
    let title = format!("{} {}党组织换届", community.name, c.term);
    let size_closed = crate::web::refusal(size::size_open(&state.db, &c).await)?;
    Ok(PipelinePage {
        size_closed,
        layout: Layout::new(&ctx, &session, title).await,
        base: base(&community, &c),
        street: ctx.user()?.is_street(),
        today: state.today(),
        c,
        community,
        p,
        c1,
    })
}

pub async fn size_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<SizeInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = size::set_size(&state, &ctx, &c, &community, &f).await;
    finish(&session, &base(&community, &c), r, |(_, check)| {
        format!("已保存委员会职数。{}", check.check.message)
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "party/nominations.html")]
pub struct NominationsPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    list: Vec<Nomination>,
    posts: [&'static str; 3],
    channels: [(&'static str, &'static str); 6],
    p1_done: bool,
}

pub async fn nominations_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<NominationsPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let list = store::nominations(&state.db, c.id).await?;
    let title = format!("{} 公开推荐", community.name);
    Ok(NominationsPage {
        layout: Layout::new(&ctx, &session, title)
            .await
            .for_step(&state.db, &c, "P-1")
            .await?,
        base: base(&community, &c),
        p1_done: store::step_done(&state.db, c.id, "P-1").await?,
        c,
        community,
        list,
        posts: POSTS,
        channels: CHANNELS,
    })
}

pub async fn nomination_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<NominationInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = nominations::create(&state, &ctx, &c, &community, &f).await;
    let back = format!("{}/nominations", base(&community, &c));
    finish(&session, &back, r, |n| {
        let mut m = format!(
            "已登记推荐：{}（{}，{}）。",
            n.name,
            n.post,
            n.channel_label()
        );
        if !n.counted() {
            m.push_str("尚无本人同意，暂未计入。");
        }
        m
    })
    .await
}

pub async fn consent_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, nid)): Ids3,
    Form(f): Form<ConsentInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = nominations::consent(&state, &ctx, &c, &community, nid, &f).await;
    let back = format!("{}/nominations", base(&community, &c));
    finish(&session, &back, r, |n| {
        format!("已记录{}本人同意。", n.name)
    })
    .await
}

pub async fn p1_done_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = nominations::finish_p1(&state, &ctx, &c, &community).await;
    finish(&session, &base(&community, &c), r, |_| {
        "公开推荐（P-1）已完成。".to_string()
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "party/summary.html")]
pub struct SummaryPage {
    title: String,
    community: Community,
    c: Campaign,
    groups: Vec<(&'static str, Vec<SummaryRow>)>,
    today: String,
}

pub async fn summary_get(
    State(state): State<AppState>,
    scope: CampaignScope,
) -> AppResult<SummaryPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let rows = nominations::summary(&store::nominations(&state.db, c.id).await?);
    Ok(SummaryPage {
        title: format!("{} 社区党组织换届公开推荐报名汇总表", community.name),
        community,
        c,
        groups: POSTS
            .iter()
            .map(|p| (*p, rows.iter().filter(|r| r.post == *p).cloned().collect()))
            .collect(),
        today: state.today().to_string(),
    })
}

/// A nomination on the review page with its checks.
pub struct ReviewRow {
    /// The nomination.
    pub n: Nomination,
    /// Its C-3/C-4 checks.
    pub checks: Vec<CheckView>,
    /// An open discipline report names the nominee (street users only).
    pub flagged: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/review.html")]
pub struct ReviewPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    open: bool,
    rows: Vec<ReviewRow>,
    publicity: Vec<Publicity>,
    objections: Vec<Objection>,
    /// Nominees and candidates who have not signed the commitment (D-1).
    unsigned: Vec<String>,
}

pub async fn review_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<ReviewPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let flags = crate::discipline::flags_for(&state.db, &ctx).await?;
    let mut rows = Vec::new();
    for n in store::nominations(&state.db, c.id).await? {
        let checks = review::checks_of(&state, n.id)
            .await?
            .iter()
            .map(|(id, r)| CheckView::of(*id, r))
            .collect();
        let flagged = flags.contains(&n.person_id);
        rows.push(ReviewRow { n, checks, flagged });
    }
    let p2 = store::publicities(&state.db, c.id, "P-2").await?;
    let title = format!("{} 资格审查", community.name);
    Ok(ReviewPage {
        layout: Layout::new(&ctx, &session, title)
            .await
            .for_step(&state.db, &c, "P-2")
            .await?,
        base: base(&community, &c),
        open: store::p2_open(&state.db, c.id).await?,
        objections: store::objections(&state.db, c.id)
            .await?
            .into_iter()
            .filter(|o| p2.iter().any(|p| p.id == o.publicity_id))
            .collect(),
        publicity: p2,
        unsigned: crate::discipline::commitments::unsigned(&state.db, c.id).await?,
        c,
        community,
        rows,
    })
}

fn review_back(community: &Community, c: &Campaign) -> String {
    format!("{}/review", base(community, c))
}

/// Where a publicity's objections are shown: P-4's on the preliminary-list page, P-2's on the
/// review page.
async fn publicity_back(
    state: &AppState,
    community: &Community,
    c: &Campaign,
    pid: i64,
) -> AppResult<String> {
    Ok(
        match store::publicity(&state.db, c.id, pid).await?.step.as_str() {
            "P-4" => format!("{}/preliminary", base(community, c)),
            _ => review_back(community, c),
        },
    )
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
    let r = review::open_p2(&state, &ctx, &c, &community, &f).await;
    finish(&session, &review_back(&community, &c), r, |_| {
        "已提前开始资格审查。".to_string()
    })
    .await
}

pub async fn checks_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = review::run_checks(&state, &ctx, &c, &community).await;
    finish(&session, &review_back(&community, &c), r, |n| {
        format!("已核对 {n} 项推荐的年龄和文化程度。")
    })
    .await
}

/// Override form: reason and, for the 55-year limit, the honour relied on.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverrideInput {
    reason: String,
    honour: String,
}

pub async fn override_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, chk)): Ids3,
    Form(f): Form<OverrideInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let honour = Some(f.honour.as_str()).filter(|h| !h.trim().is_empty());
    let r = review::override_check(&state, &ctx, &c, chk, &f.reason, honour).await;
    // The size's check is shown on the pipeline page, P-3's on the recommendation page, a
    // nomination's on the review page.
    let p3 = super::p3_recommendation::read::meeting_checks(&state.db, c.id).await?;
    let back = match store::size_check(&state.db, c.id).await? {
        Some((sid, _)) if sid == chk => base(&community, &c),
        _ if p3.iter().any(|(id, _)| *id == chk) => {
            format!("{}/recommendation", base(&community, &c))
        }
        _ if super::p4_preliminary::read::checks(
            &state.db,
            super::p4_preliminary::read::PRELIMINARY_SUBJECT,
            c.id,
        )
        .await?
        .iter()
        .any(|(id, _)| *id == chk) =>
        {
            format!("{}/preliminary", base(&community, &c))
        }
        _ if super::p4_preliminary::read::checks(
            &state.db,
            super::p4_preliminary::read::CANDIDATE_SUBJECT,
            c.id,
        )
        .await?
        .iter()
        .any(|(id, _)| *id == chk) =>
        {
            format!("{}/candidates", base(&community, &c))
        }
        _ => review_back(&community, &c),
    };
    finish(&session, &back, r, |_| "已批准放宽。".to_string()).await
}

pub async fn decide_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, nid)): Ids3,
    Form(f): Form<DecisionInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = review::decide(&state, &ctx, &c, &community, nid, &f).await;
    finish(&session, &review_back(&community, &c), r, |n| {
        format!("已记录审查结论：{}{}。", n.name, n.decision_label())
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
    let r = review::publicise(&state, &ctx, &c, &community, &f).await;
    finish(&session, &review_back(&community, &c), r, |p| {
        format!(
            "已登记公示：{} 至 {}，共 {} 天。",
            p.start_date,
            p.end_date,
            p.days()
        )
    })
    .await
}

pub async fn objection_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, pid)): Ids3,
    Form(f): Form<TextInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = review::object(&state, &ctx, &c, &community, pid, &f).await;
    let back = publicity_back(&state, &community, &c, pid).await?;
    finish(&session, &back, r, |_| "已登记异议。".to_string()).await
}

pub async fn answer_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, oid)): Ids3,
    Form(f): Form<TextInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let pid = store::objection(&state.db, c.id, oid).await?.publicity_id;
    let r = review::answer(&state, &ctx, &c, &community, oid, &f).await;
    let back = publicity_back(&state, &community, &c, pid).await?;
    finish(&session, &back, r, |_| "已登记答复。".to_string()).await
}
