//! The pages of D-1: the street's overview (`/discipline`: the commitment text, who has signed in
//! each campaign, the talks, the open reports, the close condition and its button), a
//! campaign's commitments (the street and the community's staff), the talks, and the register
//! (street only). Every form posts, then redirects back with a flash message.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, FixedOffset, Utc};
use tower_sessions::Session;

use super::commitments::{self, Due, SignInput, TextInput};
use super::register::{self, CloseInput, Report, ReportInput, StepInput};
use super::talks::{self, Talk, TalkInput};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::Q;
use crate::domain::discipline::{Category, Channel};
use crate::error::AppResult;
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::street_steps::Fact;
use crate::web::{Layout, finish};

/// The day of an instant in China Standard Time.
fn cst_day(at: DateTime<Utc>) -> String {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    at.with_timezone(&cst).date_naive().to_string()
}

/// One campaign of the year on the overview: who must sign and who has.
pub struct CampaignRow {
    /// The commitments page.
    pub href: String,
    /// 舜华社区 第八届.
    pub label: String,
    /// Must sign.
    pub due: usize,
    /// Have signed.
    pub signed: usize,
    /// Names not signed.
    pub unsigned: String,
}

/// The campaigns of `year` with their signatures.
pub async fn campaign_rows(state: &AppState, year: i64) -> AppResult<Vec<CampaignRow>> {
    let list: Vec<(i64, String, String, String)> = Q::new(
        "select c.id, m.code, m.name, c.term from campaigns c join communities m on m.id = c.community_id where c.year = $1 order by m.code, c.id",
    )
    .bind(year)
    .all(&state.db)
    .await?;
    let mut out = Vec::new();
    for (id, code, name, term) in list {
        let due = commitments::due(&state.db, id).await?;
        out.push(CampaignRow {
            href: format!("/communities/{code}/campaigns/{id}/commitments"),
            label: format!("{name} {term}"),
            signed: due.iter().filter(|d| d.signed()).count(),
            unsigned: due
                .iter()
                .filter(|d| !d.signed())
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            due: due.len(),
        });
    }
    Ok(out)
}

#[derive(Template, WebTemplate)]
#[template(path = "discipline/index.html")]
pub struct IndexPage {
    layout: Layout,
    year: i64,
    text: String,
    campaigns: Vec<CampaignRow>,
    talks: usize,
    open_reports: i64,
    reports: usize,
    facts: Vec<Fact>,
    closed_on: Option<String>,
}

impl IndexPage {
    fn closable(&self) -> bool {
        self.facts.iter().all(|f| f.passed)
    }
}

/// `GET /discipline`.
pub async fn index_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<IndexPage> {
    let (year, steps) = crate::street_steps::overview(&state).await?;
    let step = steps.into_iter().find(|s| s.code == "D-1");
    Ok(IndexPage {
        layout: Layout::new(&ctx, &session, "换届纪律").await,
        text: commitments::text(&state.db).await?,
        campaigns: campaign_rows(&state, year).await?,
        talks: talks::list(&state.db).await?.len(),
        open_reports: register::open_reports(&state.db).await?,
        reports: register::list(&state.db).await?.len(),
        facts: step.as_ref().map(|s| s.facts.clone()).unwrap_or_default(),
        closed_on: step.and_then(|s| s.closed_at).map(cst_day),
        year,
    })
}

/// `POST /discipline/commitment`.
pub async fn commitment_text_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<TextInput>,
) -> AppResult<Response> {
    let r = commitments::set_text(&state, &ctx, &f).await;
    finish(&session, "/discipline", r, |_| "已保存承诺书内容。".into()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "discipline/commitments.html")]
pub struct CommitmentsPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    due: Vec<Due>,
    text: String,
    today: String,
}

impl CommitmentsPage {
    fn unsigned(&self) -> Vec<&Due> {
        self.due.iter().filter(|d| !d.signed()).collect()
    }
}

/// `GET …/campaigns/{campaign}/commitments`.
pub async fn commitments_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<CommitmentsPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    Ok(CommitmentsPage {
        layout: Layout::new(&ctx, &session, format!("{} 换届我承诺", community.name)).await,
        base: format!("/communities/{}/campaigns/{}", community.code, c.id),
        due: commitments::due(&state.db, c.id).await?,
        text: commitments::text(&state.db).await?,
        today: state.today().to_string(),
        c,
        community,
    })
}

/// `POST …/campaigns/{campaign}/commitments` (create).
pub async fn sign_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<SignInput>,
) -> AppResult<Response> {
    let back = scope.page("/commitments");
    let r = commitments::sign(&state, &ctx, &scope.campaign, &scope.community, &f).await;
    finish(&session, &back, r, |d| {
        format!("已登记{}签订承诺书。", d.name)
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "discipline/talks.html")]
pub struct TalksPage {
    layout: Layout,
    talks: Vec<Talk>,
    today: String,
}

/// `GET /discipline/talks`.
pub async fn talks_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<TalksPage> {
    Ok(TalksPage {
        layout: Layout::new(&ctx, &session, "集体谈话").await,
        talks: talks::list(&state.db).await?,
        today: state.today().to_string(),
    })
}

/// `POST /discipline/talks` (create).
pub async fn talk_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<TalkInput>,
) -> AppResult<Response> {
    let r = talks::create(&state, &ctx, &f).await;
    finish(&session, "/discipline/talks", r, |t| {
        format!("已登记 {} 的集体谈话（{} 人）。", t.held_on, t.people.len())
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "discipline/reports.html")]
pub struct ReportsPage {
    layout: Layout,
    reports: Vec<Report>,
    communities: Vec<Community>,
    channels: [Channel; 5],
    categories: [Category; 6],
    today: String,
}

/// `GET /discipline/reports` (street only).
pub async fn reports_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<ReportsPage> {
    Ok(ReportsPage {
        layout: Layout::new(&ctx, &session, "违纪举报登记").await,
        reports: register::list(&state.db).await?,
        communities: crate::communities::visible(&state.db, &ctx).await?,
        channels: Channel::ALL,
        categories: Category::ALL,
        today: state.today().to_string(),
    })
}

/// `POST /discipline/reports` (create).
pub async fn report_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<ReportInput>,
) -> AppResult<Response> {
    match register::create(&state, &ctx, &f).await {
        Ok(r) => {
            crate::web::flash(&session, "ok", format!("已登记第 {} 号举报。", r.id)).await;
            Ok(crate::web::see_other(&format!(
                "/discipline/reports/{}",
                r.id
            )))
        }
        Err(e) => {
            finish(&session, "/discipline/reports", Err::<(), _>(e), |_| {
                String::new()
            })
            .await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "discipline/report.html")]
pub struct ReportPage {
    layout: Layout,
    r: Report,
    today: String,
}

/// `GET /discipline/reports/{report}` (street only).
pub async fn report_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<ReportPage> {
    let r = register::get(&state.db, id).await?;
    Ok(ReportPage {
        layout: Layout::new(&ctx, &session, format!("违纪举报第 {id} 号")).await,
        r,
        today: state.today().to_string(),
    })
}

/// `POST /discipline/reports/{report}/steps` (create).
pub async fn step_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<StepInput>,
) -> AppResult<Response> {
    let r = register::add_step(&state, &ctx, id, &f).await;
    finish(&session, &format!("/discipline/reports/{id}"), r, |s| {
        format!("已登记 {} 的办理情况。", s.done_on)
    })
    .await
}

/// `POST /discipline/reports/{report}/close`.
pub async fn close_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<CloseInput>,
) -> AppResult<Response> {
    let r = register::close(&state, &ctx, id, &f).await;
    finish(&session, &format!("/discipline/reports/{id}"), r, |r| {
        format!("第 {} 号举报已办结。", r.id)
    })
    .await
}
