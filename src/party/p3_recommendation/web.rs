//! P-3's two faces: the recommendation page (gate, meeting with its checks, introductions, form
//! and totals entry), the printable summary, and the same operations as JSON API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::domain::party::{ParticipantCategory, Post, RecommendationForm};
use crate::error::AppResult;
use crate::party::p2_review::write::ReasonInput;
use crate::party::p3_recommendation::gate as recommend_gate;
use crate::party::p3_recommendation::read::{self as read, Meeting, Nominee, Summary};
use crate::party::p3_recommendation::write::{
    self as recommend, IntroductionInput, MeetingInput, TotalInput,
};
use crate::party::pages::{CheckView, base, finish};
use crate::party::store;
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::Layout;

type Ids3 = Path<(String, i64, i64)>;
type Fields = Form<Vec<(String, String)>>;

fn back(community: &Community, c: &Campaign) -> String {
    format!("{}/recommendation", base(community, c))
}

/// A form from `post id → person id` pairs (checkboxes); other fields are ignored.
fn form_of(fields: &[(String, String)]) -> RecommendationForm<i64> {
    let mut form = RecommendationForm::new();
    for (k, v) in fields {
        if let (Some(post), Ok(id)) = (Post::parse(k), v.trim().parse::<i64>()) {
            form.entry(post).or_insert_with(Vec::new).push(id);
        }
    }
    form
}

/// Totals from `v_{person}_{post}` fields; empty fields are skipped, bad numbers are -1
/// (refused by the range check).
fn totals_of(fields: &[(String, String)]) -> Vec<TotalInput> {
    fields
        .iter()
        .filter_map(|(k, v)| {
            let (person, post) = k.strip_prefix("v_")?.split_once('_')?;
            let v = v.trim();
            (!v.is_empty()).then(|| TotalInput {
                person_id: person.parse().unwrap_or(-1),
                post: post.to_string(),
                votes: v.parse().unwrap_or(-1),
            })
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "party/recommend.html")]
pub struct RecommendPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    street: bool,
    open: bool,
    p2_done: bool,
    override_reason: Option<String>,
    meeting: Option<Meeting>,
    categories: Vec<(&'static str, &'static str, i64)>,
    checks: Vec<CheckView>,
    nominees: Vec<Nominee>,
    posts: Vec<(&'static str, &'static str, u32)>,
    forms: usize,
    summary: Summary,
    /// The saved totals: (person, post id, votes).
    totals: Vec<(i64, String, i64)>,
}

impl RecommendPage {
    /// The saved total of a nominee for a post, as the grid shows it (empty when none).
    fn total(&self, person: &i64, post: &&str) -> String {
        self.totals
            .iter()
            .find(|(p, q, _)| p == person && q == post)
            .map(|(_, _, v)| v.to_string())
            .unwrap_or_default()
    }
}

pub async fn recommendation_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<RecommendPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let db = &state.db;
    let meeting = read::meeting(db, c.id).await?;
    let seats = read::seats(db, c.id).await?;
    let title = format!("{} 全额定向民主推荐", community.name);
    Ok(RecommendPage {
        layout: Layout::new(&ctx, &session, title)
            .await
            .for_step(&state.db, &c, "P-3")
            .await?,
        base: base(&community, &c),
        street: ctx.user()?.is_street(),
        open: read::p3_open(db, c.id).await?,
        p2_done: read::p2_done(db, c.id).await?,
        override_reason: store::gate_override(db, c.id, "P-3").await?,
        categories: ParticipantCategory::ALL
            .into_iter()
            .map(|k| {
                (
                    k.as_str(),
                    k.label(),
                    meeting.as_ref().map_or(0, |m| m.count(k)),
                )
            })
            .collect(),
        meeting,
        checks: read::meeting_checks(db, c.id)
            .await?
            .iter()
            .map(|(id, r)| CheckView::of(*id, r))
            .collect(),
        nominees: read::nominees(db, c.id).await?,
        posts: Post::ALL
            .into_iter()
            .map(|p| (p.as_str(), p.label(), seats.map_or(0, |s| s.of(p))))
            .collect(),
        forms: read::forms(db, c.id).await?.len(),
        summary: read::summary(db, c.id).await?,
        totals: read::totals(db, c.id).await?,
        c,
        community,
    })
}

pub async fn p2_done_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = recommend_gate::finish_p2(&state, &ctx, &c, &community).await;
    let to = format!("{}/review", base(&community, &c));
    finish(&session, &to, r, |_| "资格审查（P-2）已完成。".to_string()).await
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
    let r = recommend_gate::open_p3(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |_| {
        "已提前开始全额定向民主推荐。".to_string()
    })
    .await
}

pub async fn meeting_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<MeetingInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let r = recommend::set_meeting(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back(&community, &c), r, |(_, checks)| {
        let said: Vec<String> = checks
            .iter()
            .map(|(_, r)| r.check.message.clone())
            .collect();
        format!("已保存民主推荐会。{}", said.join(""))
    })
    .await
}

pub async fn introduction_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id, nid)): Ids3,
    Form(f): Form<IntroductionInput>,
) -> AppResult<Response> {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let r = recommend::set_introduction(&state, &ctx, &c, &community, nid, &f).await;
    finish(&session, &back(&community, &c), r, |i| {
        format!("已保存书面介绍材料（{} 字）。", i.chars())
    })
    .await
}

pub async fn form_post(
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
    let r = recommend::add_form(&state, &ctx, &c, &community, &form_of(&fields)).await;
    finish(&session, &back(&community, &c), r, |(_, check)| {
        format!("已录入推荐票。{}", check.message)
    })
    .await
}

pub async fn totals_post(
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
    let confirm_zero = fields.iter().any(|(k, v)| k == "confirm_zero" && v == "1");
    let mode = recommend::TotalsSave::Merge { confirm_zero };
    let r = recommend::set_totals(&state, &ctx, &c, &community, &totals_of(&fields), mode).await;
    finish(&session, &back(&community, &c), r, |n| match n {
        0 => "推荐票合计没有改动。".to_string(),
        n => format!("已保存 {n} 项推荐票合计的改动。"),
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "party/recommend_summary.html")]
pub struct SummaryPage {
    title: String,
    community: Community,
    c: Campaign,
    meeting: Option<Meeting>,
    s: Summary,
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
    Ok(SummaryPage {
        title: format!("{} 全额定向民主推荐票统计表", community.name),
        meeting: read::meeting(&state.db, c.id).await?,
        s: read::summary(&state.db, c.id).await?,
        today: state.today().to_string(),
        community,
        c,
    })
}

// JSON API.

type J = AppResult<Json<Value>>;

/// `GET …/party/recommendation`: the gate, the meeting with its checks, the nominees.
pub async fn api_get(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    let db = &state.db;
    let checks: Vec<Value> = read::meeting_checks(db, c.id)
        .await?
        .into_iter()
        .map(|(cid, r)| json!({"id": cid, "record": r, "satisfied": r.satisfied()}))
        .collect();
    let meeting = read::meeting(db, c.id).await?;
    let participants = meeting.as_ref().map(|m| m.participants());
    Ok(Json(json!({
        "open": read::p3_open(db, c.id).await?,
        "p2_done": read::p2_done(db, c.id).await?,
        "override": store::gate_override(db, c.id, "P-3").await?,
        "meeting": meeting,
        "participants": participants.as_ref().map(|p| p.total()),
        "share_count": participants.as_ref().map(|p| p.share_count()),
        "checks": checks,
        "nominees": read::nominees(db, c.id).await?,
        "forms": read::forms(db, c.id).await?.len(),
    })))
}

/// `POST …/party/steps/P-2/done` (street).
pub async fn api_p2_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    recommend_gate::finish_p2(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"ok": true})))
}

/// `POST …/party/recommendation/open` (street): opens P-3 early with a reason.
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
    recommend_gate::open_p3(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"ok": true})))
}

/// `PUT …/party/recommendation/meeting`: the meeting with its two checks.
pub async fn api_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<MeetingInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let (m, checks) = recommend::set_meeting(&state, &ctx, &c, &community, &f).await?;
    let checks: Vec<Value> = checks
        .into_iter()
        .map(|(cid, r)| json!({"id": cid, "record": r, "satisfied": r.satisfied()}))
        .collect();
    let p = m.participants();
    Ok(Json(json!({
        "meeting": m, "participants": p.total(), "share_count": p.share_count(), "checks": checks,
    })))
}

/// `PUT …/party/recommendation/introductions/{nid}`.
pub async fn api_introduction(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, nid)): Path<(i64, i64)>,
    Json(f): Json<IntroductionInput>,
) -> J {
    let (c, community) = store::scope(&state, &ctx, id).await?;
    let i = recommend::set_introduction(&state, &ctx, &c, &community, nid, &f).await?;
    let chars = i.chars();
    Ok(Json(json!({"introduction": i, "chars": chars})))
}

/// A form as JSON: per post id, the nominees' person ids.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FormInput {
    /// 书记.
    pub secretary: Vec<i64>,
    /// 副书记.
    pub deputy_secretary: Vec<i64>,
    /// 委员.
    pub member: Vec<i64>,
}

/// `POST …/party/recommendation/forms` (create): one participant's form.
pub async fn api_form(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<FormInput>,
) -> AppResult<Response> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let form: RecommendationForm<i64> = [
        (Post::Secretary, f.secretary),
        (Post::DeputySecretary, f.deputy_secretary),
        (Post::Member, f.member),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let (fid, check) = recommend::add_form(&state, &ctx, &c, &community, &form).await?;
    let body = json!({"id": fid, "valid": check.passed, "check": check});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Totals as JSON.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TotalsInput {
    /// Per nominee and post.
    pub totals: Vec<TotalInput>,
}

/// `PUT …/party/recommendation/totals`: replaces the per-nominee totals.
pub async fn api_totals(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<TotalsInput>,
) -> J {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let n = recommend::set_totals(
        &state,
        &ctx,
        &c,
        &community,
        &f.totals,
        recommend::TotalsSave::Replace,
    )
    .await?;
    Ok(Json(json!({"stored": n})))
}

/// `GET …/party/recommendation/summary`.
pub async fn api_summary(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = store::scope(&state, &ctx, id).await?;
    Ok(Json(
        json!({"summary": read::summary(&state.db, c.id).await?}),
    ))
}
