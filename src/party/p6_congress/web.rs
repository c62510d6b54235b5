//! P-6/P-7 pages: the 党员大会 page (gate, record, roll with exclusions and check-in, quorum,
//! the two votes' rounds, the proposed leaders and the street's replacements, the new
//! committee's filing/approval). Every form posts, then redirects back with a flash message.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::counting::stage::Stage;
use crate::domain::party::Exclusion;
use crate::domain::rules::RuleCheck;
use crate::error::AppResult;
use crate::party::p2_review::write::ReasonInput;
use crate::party::p6_congress::close::{self as close, DecisionInput};
use crate::party::p6_congress::read::{self as read, Approval, Congress, Proposed, Roll};
use crate::party::p6_congress::reduce::{self as reduce, ReduceInput};
use crate::party::p6_congress::roll::{self as roll, ExclusionDecision, ExclusionInput};
use crate::party::p6_congress::votes::{self as votes, ReplacementInput, leaders_check};
use crate::party::p6_congress::write::{self as congress, CongressInput};
use crate::party::pages::{CheckView, base, finish};
use crate::party::store;
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::Layout;

type Ids3 = Path<(String, i64, i64)>;

/// Everything the page and the API show.
pub struct View {
    /// P-6 open.
    pub open: bool,
    /// P-5 done.
    pub p5_done: bool,
    /// The candidate list approved.
    pub list_approved: bool,
    /// The street's reason for opening P-6 early.
    pub override_reason: Option<String>,
    /// The record.
    pub congress: Option<Congress>,
    /// The roll.
    pub roll: Roll,
    /// The quorum check as it stands.
    pub quorum: RuleCheck,
    /// The stored checks (quorum, leaders among the elected) with their ids.
    pub stored: Vec<CheckView>,
    /// The 委员 stage.
    pub members: Option<Stage>,
    /// The 书记/副书记 stage.
    pub leaders: Option<Stage>,
    /// The proposed leaders after replacements.
    pub slate: Vec<Proposed>,
    /// Whether the proposed leaders are among the elected 委员 (once that stage is complete).
    pub leaders_check: Option<RuleCheck>,
    /// P-7 rows.
    pub approvals: Vec<Approval>,
    /// P-6 done.
    pub p6_done: bool,
    /// P-7 done.
    pub p7_done: bool,
    /// What P-6/P-7 still lack.
    pub blockers: Vec<String>,
}

impl View {
    /// The needed number of members present.
    pub fn needed(&self) -> u64 {
        self.quorum.numbers["needed"].as_u64().unwrap_or(0)
    }
    /// The votes a candidate needs under the Party preset's default majority: more than half of
    /// the members due to attend with a vote (2020 条例).
    pub fn majority(&self) -> u64 {
        crate::domain::tally::law::MAJORITY.more_than(u64::from(self.roll.due))
    }
    /// Elected 委员 not already proposed as leaders (the street's replacement choices).
    pub fn replacements(&self) -> Vec<(i64, String)> {
        self.members.as_ref().map_or_else(Vec::new, |s| {
            s.of_post("委员")
                .into_iter()
                .filter_map(|e| e.person_id.map(|p| (p, e.name.clone())))
                .filter(|(p, _)| !self.slate.iter().any(|s| s.person_id == *p))
                .collect()
        })
    }
    /// Proposed leaders not elected 委员 (to be replaced).
    pub fn not_elected(&self) -> Vec<&Proposed> {
        let Some(s) = self.members.as_ref().filter(|s| s.complete) else {
            return Vec::new();
        };
        let elected = s.of_post("委员");
        self.slate
            .iter()
            .filter(|p| !elected.iter().any(|e| e.person_id == Some(p.person_id)))
            .collect()
    }
}

/// Gathers the view of a campaign.
pub async fn view(state: &AppState, c: &Campaign) -> AppResult<View> {
    let db = &state.db;
    let congress = read::congress(db, c.id).await?;
    let roll = read::roll(db, c.id, c.community_id).await?;
    let rule = congress
        .as_ref()
        .map_or(crate::domain::party::QUORUM_DEFAULT, |g| g.rule());
    let (mut members, mut leaders) = (None, None);
    if let Some(g) = &congress {
        members = votes::members_stage(state, c, g).await?;
        leaders = close::leaders_stage(state, c, g).await?;
    }
    let slate = read::slate(db, c.id).await?;
    let leaders_check = members
        .as_ref()
        .filter(|s| s.complete)
        .map(|s| leaders_check(s, &slate));
    Ok(View {
        open: read::p6_open(db, c.id).await?,
        p5_done: store::step_done(db, c.id, "P-5").await?,
        list_approved: read::list_approved(db, c.id).await?,
        override_reason: store::gate_override(db, c.id, "P-6").await?,
        quorum: read::quorum(&roll, rule),
        stored: read::checks(db, c.id)
            .await?
            .iter()
            .map(|(id, r)| CheckView::of(*id, r))
            .collect(),
        approvals: read::approvals(db, c.id).await?,
        p6_done: store::step_done(db, c.id, "P-6").await?,
        p7_done: store::step_done(db, c.id, "P-7").await?,
        blockers: close::blockers(db, c.id).await?,
        congress,
        roll,
        members,
        leaders,
        slate,
        leaders_check,
    })
}

fn back(community: &Community, c: &Campaign) -> String {
    format!("{}/congress", base(community, c))
}

#[derive(Template, WebTemplate)]
#[template(path = "party/congress.html")]
pub struct CongressPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    street: bool,
    v: View,
    exclusions: Vec<(&'static str, &'static str)>,
    /// Why members can no longer be checked in (the check-in's own check), if so.
    check_in_closed: Option<String>,
    /// Why the roll can no longer be regenerated, if so.
    roll_closed: Option<String>,
    /// Why nothing of the congress can change now (P-6 closed), if so.
    step_closed: Option<String>,
}

pub async fn congress_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<CongressPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let title = format!("{} 党员大会及报批", community.name);
    let v = view(&state, &c).await?;
    let step_closed = crate::web::refusal(super::write::require_open(&state, &c).await)?;
    let (check_in_closed, roll_closed) = match &v.congress {
        Some(g) => (
            step_closed
                .clone()
                .or(crate::web::refusal(super::roll::check_in_open(g))?),
            step_closed
                .clone()
                .or(crate::web::refusal(super::roll::roll_fixed(g))?),
        ),
        None => (None, None),
    };
    Ok(CongressPage {
        layout: Layout::new(&ctx, &session, title).await,
        base: base(&community, &c),
        street: ctx.user()?.is_street(),
        v,
        check_in_closed,
        roll_closed,
        step_closed,
        exclusions: Exclusion::ALL
            .iter()
            .map(|e| (e.as_str(), e.label()))
            .collect(),
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
    let r = congress::open_p6(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |_| {
        "已提前开始党员大会（P-6）。".into()
    })
    .await
}

pub async fn congress_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<CongressInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = congress::set_congress(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |(_, q)| {
        format!("已保存党员大会。{}", q.message)
    })
    .await
}

pub async fn roll_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = roll::refresh_roll(&state, &ctx, &c, &community).await;
    finish(&session, &back(&community, &c), r, |((a, d), q)| {
        format!(
            "已按人员信息重新生成名册：新增 {a} 名，移出 {d} 名。{}",
            q.message
        )
    })
    .await
}

pub async fn exclusion_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, person)): Ids3,
    Form(f): Form<ExclusionInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = roll::exclude(&state, &ctx, &c, &community, person, &f).await;
    finish(&session, &back(&community, &c), r, |o| {
        format!(
            "已申请{}不计入应到会人数，待街道审批；批准前仍计入应到会人数。{}",
            o.name, o.check.message
        )
    })
    .await
}

pub async fn include_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, person)): Ids3,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = roll::include(&state, &ctx, &c, &community, person).await;
    finish(&session, &back(&community, &c), r, |o| {
        format!("已撤销，{}重新计入应到会人数。{}", o.name, o.check.message)
    })
    .await
}

pub async fn approve_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, person)): Ids3,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = roll::decide(&state, &ctx, &c, &community, person, None).await;
    finish(&session, &back(&community, &c), r, |o| {
        format!("已批准{}不计入应到会人数。{}", o.name, o.check.message)
    })
    .await
}

pub async fn reject_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, person)): Ids3,
    Form(f): Form<ExclusionDecision>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = roll::decide(&state, &ctx, &c, &community, person, Some(&f)).await;
    finish(&session, &back(&community, &c), r, |o| {
        format!(
            "未批准{}不计入应到会人数，仍计入应到会人数。{}",
            o.name, o.check.message
        )
    })
    .await
}

async fn check_in(
    state: AppState,
    ctx: Ctx,
    session: Session,
    (id, person): (i64, i64),
    on: bool,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = roll::check_in(&state, &ctx, &c, &community, person, on).await;
    finish(&session, &back(&community, &c), r, |(name, q)| {
        let what = if on { "已签到" } else { "已撤销签到" };
        format!("{name}{what}。{}", q.message)
    })
    .await
}

pub async fn checkin_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, person)): Ids3,
) -> AppResult<Response> {
    check_in(state, ctx, session, (id, person), true).await
}

pub async fn undo_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, person)): Ids3,
) -> AppResult<Response> {
    check_in(state, ctx, session, (id, person), false).await
}

pub async fn members_vote_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = votes::members_vote(&state, &ctx, &c, &community).await;
    finish(&session, &back(&community, &c), r, |v| {
        format!(
            "已创建委员选举投票（应到 {} 名，实到 {} 名），请到计票室进行投票和计票。",
            v.electorate,
            v.present.unwrap_or(0)
        )
    })
    .await
}

pub async fn leaders_vote_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = votes::leaders_vote(&state, &ctx, &c, &community).await;
    finish(&session, &back(&community, &c), r, |v| {
        format!(
            "已创建书记、副书记选举投票（等额，实到 {} 名）。",
            v.present.unwrap_or(0)
        )
    })
    .await
}

pub async fn reduce_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<ReduceInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = reduce::reduce_members(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |n| {
        format!("已减少委员名额，本届委员会由 {n} 名当选委员组成。")
    })
    .await
}

pub async fn replacement_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<ReplacementInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = votes::replace(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |k| {
        format!("已确定替补人选。{}", k.message)
    })
    .await
}

pub async fn p6_done_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = close::finish_p6(&state, &ctx, &c, &community).await;
    finish(&session, &back(&community, &c), r, |n| {
        format!("党员大会（P-6）已完成，{n} 项当选职务报街道待批准。")
    })
    .await
}

pub async fn approval_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, person)): Ids3,
    Form(f): Form<DecisionInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = close::decide(&state, &ctx, &c, &community, person, &f).await;
    finish(&session, &back(&community, &c), r, |rows| {
        let said: Vec<String> = rows
            .iter()
            .map(|a| format!("{}（{}）{}", a.name, a.post, a.status_label()))
            .collect();
        said.join("，") + "。"
    })
    .await
}
