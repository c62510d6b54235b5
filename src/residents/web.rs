//! The residents' pipeline's pages: the overview with the seats (C-2), the representatives
//! the election committee and the election rules with their printable text.
//! Every form posts, then redirects back with a flash message (errors too: nothing is stored).

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use tower_sessions::Session;

use super::r3_rules::write::{self as rules, AdoptInput, Overview, RulesInput};
use super::setup::{self, CommitteeInput, OpenInput, PersonInput, RepresentativeInput, SeatsInput};
use super::store::{self, CheckView, Committee, GroupRow, Rules, SubstitutionRow};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::residents::{ElectionRules, Post, VotingMode};
use crate::error::{AppError, AppResult};
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::Layout;
use crate::web::finish;

/// The pipeline's page path.
pub(super) fn base(community: &Community, c: &Campaign) -> String {
    format!(
        "/communities/{}/campaigns/{}/residents",
        community.code, c.id
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/overview.html")]
pub struct OverviewPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    o: Overview,
    street: bool,
    /// The steps the street may open early: (code, name), from the procedure table.
    openable: Vec<(&'static str, &'static str)>,
    today: chrono::NaiveDate,
    /// Why the seats can no longer change (the save's own check), if so.
    seats_closed: Option<String>,
}

pub async fn overview_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<OverviewPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let o = rules::overview(&state.db, &c).await?;
    let seats_closed = crate::web::refusal(setup::seats_open(&state.db, &c).await)?;
    let title = format!("{} {}居民委员会换届", community.name, c.term);
    Ok(OverviewPage {
        layout: Layout::new(&ctx, &session, title).await,
        base: base(&community, &c),
        street: ctx.user()?.is_street(),
        openable: crate::domain::procedure::openable_early(
            crate::domain::procedure::Pipeline::Residents,
        )
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect(),
        c,
        community,
        o,
        today: state.today(),
        seats_closed,
    })
}

pub async fn seats_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<SeatsInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = setup::set_seats(&state, &ctx, &c, &community, &f).await;
    finish(&session, &base(&community, &c), r, |(s, k)| {
        format!("已保存职数：共 {} 名。{}", s.total(), k.message)
    })
    .await
}

pub async fn open_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<OpenInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = setup::open_step(&state, &ctx, &c, &community, &f).await;
    finish(&session, &base(&community, &c), r, |_| {
        format!("已提前开始 {}。", f.step.trim())
    })
    .await
}

/// A person of the community, for the forms' lists.
pub struct PersonOpt {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

pub(super) async fn people(db: &Db, c: &Campaign) -> AppResult<Vec<PersonOpt>> {
    let rows: Vec<(i64, String)> =
        Q::new("select id, name from people where residence_community_id = $1 order by name, id")
            .bind(c.community_id)
            .all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| PersonOpt { id, name })
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/representatives.html")]
pub struct RepresentativesPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    groups: Vec<GroupRow>,
    people: Vec<PersonOpt>,
    done: bool,
    street: bool,
}

pub async fn representatives_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<RepresentativesPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    Ok(RepresentativesPage {
        layout: Layout::new(
            &ctx,
            &session,
            format!("{} 推选居民代表（R-1）", community.name),
        )
        .await,
        base: base(&community, &c),
        groups: store::groups(&state.db, &c).await?,
        people: people(&state.db, &c).await?,
        done: store::step_done(&state.db, c.id, "R-1").await?,
        street: ctx.user()?.is_street(),
        c,
        community,
    })
}

pub async fn add_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<RepresentativeInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = setup::add_representative(&state, &ctx, &c, &community, &f).await;
    finish(
        &session,
        &format!("{}/representatives", base(&community, &c)),
        r,
        |(_, k)| format!("已添加居民代表。{}", k.message),
    )
    .await
}

pub async fn remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<PersonInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = setup::remove_representative(&state, &ctx, &c, &community, &f).await;
    finish(
        &session,
        &format!("{}/representatives", base(&community, &c)),
        r,
        |k| format!("已移除居民代表。{}", k.message),
    )
    .await
}

pub async fn r1_done_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = setup::finish_r1(&state, &ctx, &c, &community).await;
    finish(
        &session,
        &format!("{}/representatives", base(&community, &c)),
        r,
        |_| "推选居民代表（R-1）已完成。".into(),
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/committee.html")]
pub struct CommitteePage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    open: bool,
    done: bool,
    k: Committee,
    subs: Vec<SubstitutionRow>,
    checks: Vec<CheckView>,
    proposed: Option<i64>,
    street: bool,
}

pub async fn committee_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<CommitteePage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    Ok(CommitteePage {
        layout: Layout::new(
            &ctx,
            &session,
            format!("{} 居民选举委员会（R-2）", community.name),
        )
        .await,
        base: base(&community, &c),
        open: store::is_open(&state.db, c.id, "R-2").await?,
        done: store::step_done(&state.db, c.id, "R-2").await?,
        k: store::committee(&state.db, c.id).await?,
        subs: store::substitutions(&state.db, c.id).await?,
        checks: store::checks(&state.db, store::COMMITTEE_SUBJECT, c.id).await?,
        proposed: setup::party_secretary(&state.db, &c).await?,
        street: ctx.user()?.is_street(),
        c,
        community,
    })
}

/// The committee form: person ids separated by commas; the chair's id (empty: the 书记).
#[derive(Clone, Debug, Deserialize)]
pub struct CommitteeForm {
    members: String,
    #[serde(default)]
    chair: String,
    #[serde(default)]
    alternates: String,
}

fn ids(s: &str) -> AppResult<Vec<i64>> {
    s.split([',', '，', ' ', '、'])
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            t.trim().parse().map_err(|_| {
                AppError::invalid("人员", format!("“{t}”不是有效的人员，请从列表中选择"))
            })
        })
        .collect()
}

pub async fn committee_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<CommitteeForm>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let back = format!("{}/committee", base(&community, &c));
    let r = async {
        let input = CommitteeInput {
            members: ids(&f.members)?,
            chair: ids(&f.chair)?.first().copied(),
            alternates: ids(&f.alternates)?,
        };
        setup::set_committee(&state, &ctx, &c, &community, &input).await
    }
    .await;
    finish(&session, &back, r, |ks| {
        ks.iter().map(|k| k.message.clone()).collect::<String>()
    })
    .await
}

/// The step-down form: the candidates' person ids.
#[derive(Clone, Debug, Deserialize)]
pub struct StepDownForm {
    candidates: String,
}

pub async fn step_down_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<StepDownForm>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let back = format!("{}/committee", base(&community, &c));
    let r = async {
        let set: BTreeSet<i64> = ids(&f.candidates)?.into_iter().collect();
        setup::step_down(&state, &ctx, &c, &community, &set).await
    }
    .await;
    finish(&session, &back, r, |r| {
        format!("已办理 {} 人回避替补。", r.substitutions.len())
    })
    .await
}

pub async fn r2_done_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = setup::finish_r2(&state, &ctx, &c, &community).await;
    finish(
        &session,
        &format!("{}/committee", base(&community, &c)),
        r,
        |_| "居民选举委员会（R-2）已完成。".into(),
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/rules.html")]
pub struct RulesPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    open: bool,
    adopted: bool,
    rules: Option<Rules>,
    settings: ElectionRules,
    described: Vec<(&'static str, String)>,
    modes: Vec<(&'static str, &'static str)>,
    /// (field name, post, checked) of the 等额 checkboxes.
    uncontested: Vec<(String, &'static str, bool)>,
    checks: Vec<CheckView>,
    street: bool,
}

pub async fn rules_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<RulesPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let rules = store::rules(&state.db, c.id).await?;
    let settings = rules
        .as_ref()
        .map(|r| r.settings.clone())
        .unwrap_or_default();
    Ok(RulesPage {
        layout: Layout::new(
            &ctx,
            &session,
            format!("{} 选举办法（R-3）", community.name),
        )
        .await,
        base: base(&community, &c),
        open: store::is_open(&state.db, c.id, "R-3").await?,
        described: settings.describe(),
        uncontested: Post::ALL
            .iter()
            .map(|p| {
                let checked = settings.uncontested_posts.contains(p);
                (format!("uncontested_{}", p.as_str()), p.label(), checked)
            })
            .collect(),
        adopted: rules.as_ref().is_some_and(|r| r.adopted_at.is_some()),
        settings,
        rules,
        modes: VotingMode::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
        checks: store::checks(&state.db, rules::ADOPTION_SUBJECT, c.id).await?,
        street: ctx.user()?.is_street(),
        c,
        community,
    })
}

/// The rules form: the text and the main settings.
#[derive(Clone, Debug, Deserialize)]
pub struct RulesForm {
    body: String,
    mode: String,
    #[serde(default)]
    two_posts: Option<String>,
    proxy_limit: u32,
    further_election_days: u32,
    /// 等额 allowed for 主任 / 副主任 / 委员 (checkboxes).
    #[serde(default)]
    uncontested_director: Option<String>,
    #[serde(default)]
    uncontested_deputy: Option<String>,
    #[serde(default)]
    uncontested_member: Option<String>,
}

pub async fn rules_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<RulesForm>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let back = format!("{}/rules", base(&community, &c));
    let r = async {
        let mode = VotingMode::parse(&f.mode)
            .ok_or_else(|| AppError::invalid("选举方式", "未知的选举方式"))?;
        let mut settings = store::rules(&state.db, c.id)
            .await?
            .map(|r| r.settings)
            .unwrap_or_default();
        settings.mode = mode;
        settings.two_posts = f.two_posts.is_some();
        settings.proxy_limit = f.proxy_limit;
        settings.further_election_days = f.further_election_days;
        settings.uncontested_posts = [
            (Post::Director, &f.uncontested_director),
            (Post::Deputy, &f.uncontested_deputy),
            (Post::Member, &f.uncontested_member),
        ]
        .into_iter()
        .filter(|(_, on)| on.is_some())
        .map(|(p, _)| p)
        .collect();
        rules::set_rules(
            &state,
            &ctx,
            &c,
            &community,
            &RulesInput {
                body: f.body.clone(),
                settings,
            },
        )
        .await
    }
    .await;
    finish(&session, &back, r, |_| "已保存选举办法。".into()).await
}

/// The adoption form (dates arrive as text).
#[derive(Clone, Debug, Deserialize)]
pub struct AdoptForm {
    meeting_date: NaiveDate,
    attending: i64,
    votes_for: i64,
    #[serde(default)]
    votes_against: i64,
}

pub async fn adopt_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<AdoptForm>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let input = AdoptInput {
        meeting_date: f.meeting_date,
        attending: f.attending,
        votes_for: f.votes_for,
        votes_against: f.votes_against,
    };
    let r = rules::adopt(&state, &ctx, &c, &community, &input).await;
    finish(
        &session,
        &format!("{}/rules", base(&community, &c)),
        r,
        |k| k.message,
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/rules_print.html")]
pub struct RulesDoc {
    title: String,
    community: Community,
    c: Campaign,
    rules: Rules,
    described: Vec<(&'static str, String)>,
}

pub async fn rules_print(
    State(state): State<AppState>,
    scope: CampaignScope,
) -> AppResult<RulesDoc> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    // Before the rules are drafted the document is an empty draft with the default settings.
    let rules = store::rules(&state.db, c.id)
        .await?
        .unwrap_or_else(|| Rules {
            body: "（选举办法尚未起草）".into(),
            settings: ElectionRules::default(),
            meeting_date: None,
            representatives: None,
            attending: None,
            votes_for: None,
            votes_against: None,
            adopted_at: None,
        });
    Ok(RulesDoc {
        title: format!("{} {}居民委员会选举办法", community.name, c.term),
        described: rules.settings.describe(),
        community,
        c,
        rules,
    })
}
