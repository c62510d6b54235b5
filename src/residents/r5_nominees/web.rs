//! The pages of R-5 候选人提名 (the nominees by post with their reviews, checks and status; forms
//! to nominate, review, withdraw and close) and R-6 宣传介绍 (each official candidate's
//! introduction and statement; close).
//! Every form posts, then redirects back with a flash message (errors too: nothing is stored).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::domain::residents::{NominationChannel, Post, Review};
use crate::domain::rules::RuleCheck;
use crate::error::AppResult;
use crate::residents::r5_nominees::close::{self as nominees_close, slate, slate_rules};
use crate::residents::r5_nominees::read::{self as read, Nominee};
use crate::residents::r5_nominees::write::{
    self as nominees, NOMINEE_SUBJECT, NominateInput, ReviewInput, WithdrawInput,
};
use crate::residents::r6_introductions::write::{
    self as introductions, IntroductionInput, Profile,
};
use crate::residents::store::{self, CheckView};
use crate::residents::web::{PersonOpt, people};
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::Layout;
use crate::web::finish;

type NIds = Path<(String, i64, i64)>;

fn base(community: &Community, c: &Campaign) -> String {
    format!(
        "/communities/{}/campaigns/{}/residents",
        community.code, c.id
    )
}

/// A nominee as the page shows it: the C-3/C-4 checks and the check of the four reviews.
pub struct NomineeRow {
    /// The nominee.
    pub n: Nominee,
    /// The stored C-3/C-4 checks.
    pub checks: Vec<CheckView>,
    /// The four reviews' check.
    pub reviews: RuleCheck,
    /// The next review due (stored form), if any.
    pub next: Option<&'static str>,
    /// An open discipline report names the nominee (only ever set for street users).
    pub flagged: bool,
}

/// The nominees of one post.
pub struct PostGroup {
    /// 主任 | 副主任 | 委员.
    pub label: &'static str,
    /// The post's seats.
    pub seats: u32,
    /// Its nominees.
    pub rows: Vec<NomineeRow>,
}

/// The nominees by post, with their checks; `flags` are the people with an open discipline
/// report ([`crate::discipline::flags_for`]: empty for anyone but the street).
pub async fn groups(
    state: &AppState,
    c: &Campaign,
    flags: &std::collections::HashSet<i64>,
) -> AppResult<Vec<PostGroup>> {
    let rules = slate_rules(&state.db, c).await?;
    let all = read::nominees(&state.db, c.id).await?;
    let mut out = Vec::new();
    for post in Post::ALL {
        let mut rows = Vec::new();
        for n in all.iter().filter(|n| n.post() == Some(post)) {
            rows.push(NomineeRow {
                checks: store::checks(&state.db, NOMINEE_SUBJECT, n.id).await?,
                reviews: nominees::reviews_check(n),
                next: crate::domain::residents::next_review(&n.reviews).map(Review::as_str),
                flagged: flags.contains(&n.person_id),
                n: n.clone(),
            });
        }
        out.push(PostGroup {
            label: post.label(),
            seats: rules.seats.of(post),
            rows,
        });
    }
    Ok(out)
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/nominees.html")]
pub struct NomineesPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    open: bool,
    done: bool,
    rules_adopted: bool,
    groups: Vec<PostGroup>,
    preview: Vec<RuleCheck>,
    slate_checks: Vec<CheckView>,
    people: Vec<PersonOpt>,
    channels: Vec<(&'static str, &'static str)>,
    street: bool,
    /// Nominees who have not signed the commitment (D-1).
    unsigned: Vec<String>,
    /// C-5 on the official candidates: a warning, not a refusal.
    c5: RuleCheck,
}

pub async fn nominees_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<NomineesPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let rules = slate_rules(&state.db, &c).await?;
    let official = read::official(&state.db, c.id).await?;
    Ok(NomineesPage {
        layout: Layout::new(
            &ctx,
            &session,
            format!("{} 候选人提名（R-5）", community.name),
        )
        .await,
        base: base(&community, &c),
        open: store::is_open(&state.db, c.id, "R-5").await?,
        done: store::step_done(&state.db, c.id, "R-5").await?,
        rules_adopted: store::rules(&state.db, c.id)
            .await?
            .is_some_and(|r| r.adopted_at.is_some()),
        groups: groups(
            &state,
            &c,
            &crate::discipline::flags_for(&state.db, &ctx).await?,
        )
        .await?,
        unsigned: crate::discipline::commitments::unsigned(&state.db, c.id).await?,
        c5: crate::composition::candidates_check(
            &state.db,
            crate::domain::composition::Team::ResidentCandidates,
            &official.iter().map(|n| n.person_id).collect::<Vec<_>>(),
        )
        .await?,
        preview: slate(&rules, &official),
        slate_checks: nominees_close::stored(&state.db, &c).await?,
        people: people(&state.db, &c).await?,
        channels: NominationChannel::ALL
            .into_iter()
            .map(|ch| (ch.as_str(), ch.label()))
            .collect(),
        street: ctx.user()?.is_street(),
        c,
        community,
    })
}

pub async fn nominate_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<NominateInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = nominees::nominate(&state, &ctx, &c, &community, &f).await;
    finish(
        &session,
        &format!("{}/nominees", base(&community, &c)),
        r,
        |n| {
            let checks: String = n
                .checks
                .iter()
                .map(|k| format!("{}。", k.message))
                .collect();
            format!(
                "已提名{}为{}候选人。{checks}{}",
                n.name,
                n.post,
                n.stepped_down.join("")
            )
        },
    )
    .await
}

pub async fn review_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, nid)): NIds,
    Form(f): Form<ReviewInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = nominees::review(&state, &ctx, &c, &community, nid, &f).await;
    finish(
        &session,
        &format!("{}/nominees", base(&community, &c)),
        r,
        |(_, k)| format!("已记录审查结果。{}", k.message),
    )
    .await
}

pub async fn withdraw_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, nid)): NIds,
    Form(f): Form<WithdrawInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = nominees::withdraw(&state, &ctx, &c, &community, nid, &f).await;
    finish(
        &session,
        &format!("{}/nominees", base(&community, &c)),
        r,
        |n| format!("{}已退出{}候选人提名。", n.name, n.post_label()),
    )
    .await
}

pub async fn r5_done_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = nominees_close::finish_r5(&state, &ctx, &c, &community).await;
    finish(
        &session,
        &format!("{}/nominees", base(&community, &c)),
        r,
        |ks| {
            let text: String = ks.iter().map(|k| k.message.clone()).collect();
            format!("候选人提名（R-5）已完成。{text}")
        },
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/introductions.html")]
pub struct IntroductionsPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    open: bool,
    done: bool,
    profiles: Vec<Profile>,
}

pub async fn introductions_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<IntroductionsPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    Ok(IntroductionsPage {
        layout: Layout::new(
            &ctx,
            &session,
            format!("{} 宣传介绍（R-6）", community.name),
        )
        .await,
        base: base(&community, &c),
        open: store::is_open(&state.db, c.id, "R-6").await?,
        done: store::step_done(&state.db, c.id, "R-6").await?,
        profiles: introductions::profiles(&state.db, &c).await?,
        c,
        community,
    })
}

pub async fn introduction_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, nid)): NIds,
    Form(f): Form<IntroductionInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = introductions::set_introduction(&state, &ctx, &c, &community, nid, &f).await;
    finish(
        &session,
        &format!("{}/introductions", base(&community, &c)),
        r,
        |n| format!("已保存{}的简介和竞职承诺。", n.name),
    )
    .await
}

pub async fn r6_done_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = introductions::finish_r6(&state, &ctx, &c, &community).await;
    finish(
        &session,
        &format!("{}/introductions", base(&community, &c)),
        r,
        |n| format!("宣传介绍（R-6）已完成，已介绍正式候选人 {n} 名。"),
    )
    .await
}
