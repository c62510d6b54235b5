//! R-8's faces: the result page (elected, every other candidate's votes, the ballots of each
//! round, the filing) with its forms, the street's list of every community's filing, and the
//! same operations as JSON API; the routes, documents included (`results_docs`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Form, Json};
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::{self, Community};
use crate::db::Q;
use crate::error::AppResult;
use crate::residents::r8_results::docs as results_docs;
use crate::residents::r8_results::read::{self as read, Filing, ResultView};
use crate::residents::r8_results::write::{self as results, PublishInput, ReportInput};
use crate::residents::store::scope;
use crate::routes::{Access, RouteDef, get, post};
use crate::state::AppState;
use crate::web::Layout;
use crate::web::finish;

type Ids = Path<(String, i64)>;
type J = AppResult<Json<Value>>;

fn page(community: &Community, c: &Campaign) -> String {
    format!(
        "/communities/{}/campaigns/{}/residents/result",
        community.code, c.id
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/result.html")]
pub struct ResultPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    v: ResultView,
    blockers: Vec<String>,
    status: String,
}

pub async fn result_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
) -> AppResult<ResultPage> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let v = read::result(&state.db, c.id).await?;
    Ok(ResultPage {
        layout: Layout::new(&ctx, &session, format!("{} 公布选举结果", community.name)).await,
        base: page(&community, &c),
        blockers: results::blockers(&state.db, &c).await?,
        status: v.filing.status(),
        v,
        c,
        community,
    })
}

pub async fn publish_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<PublishInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = results::publish(&state, &ctx, &c, &community, &f).await;
    finish(&session, &page(&community, &c), r, |d| {
        format!("已记录选举结果公告于 {d} 公布。")
    })
    .await
}

pub async fn report_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<ReportInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = results::report(&state, &ctx, &c, &community, &f).await;
    finish(&session, &page(&community, &c), r, |f| {
        format!("已记录备案。{}", f.status())
    })
    .await
}

pub async fn done_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = results::finish(&state, &ctx, &c, &community).await;
    finish(&session, &page(&community, &c), r, |_| {
        "公布结果（R-8）已完成。".to_string()
    })
    .await
}

/// One community's line on the street's filing list.
pub struct FilingLine {
    community: Community,
    campaign: Option<Campaign>,
    elected: usize,
    filing: Filing,
    done: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/filings.html")]
pub struct FilingsPage {
    layout: Layout,
    lines: Vec<FilingLine>,
}

/// The street's list: each community's latest campaign with its result's filing.
pub async fn filings_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<FilingsPage> {
    let mut lines = Vec::new();
    for community in communities::visible(&state.db, &ctx).await? {
        let campaign: Option<Campaign> = Q::new(
            "select id, community_id, term, year, reference_date, party_election_day, residents_election_day from campaigns \
             where community_id = $1 order by year desc, id desc limit 1",
        )
        .bind(community.id)
        .optional(&state.db)
        .await?;
        let (elected, filing, done) = match &campaign {
            Some(c) => (
                read::elected(&state.db, c.id).await?.len(),
                read::filing(&state.db, c.id).await?,
                crate::residents::store::step_done(&state.db, c.id, "R-8").await?,
            ),
            None => (0, Filing::default(), false),
        };
        lines.push(FilingLine {
            community,
            campaign,
            elected,
            filing,
            done,
        });
    }
    Ok(FilingsPage {
        layout: Layout::new(&ctx, &session, "居民委员会选举结果备案").await,
        lines,
    })
}

// JSON API.

pub async fn api_get(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = scope(&state, &ctx, id).await?;
    let v = read::result(&state.db, c.id).await?;
    Ok(Json(json!({
        "result": v,
        "filing_status": v.filing.status(),
        "blockers": results::blockers(&state.db, &c).await?,
    })))
}

pub async fn api_publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<PublishInput>,
) -> J {
    let (c, community) = scope(&state, &ctx, id).await?;
    let on = results::publish(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(json!({"published_on": on})))
}

pub async fn api_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<ReportInput>,
) -> J {
    let (c, community) = scope(&state, &ctx, id).await?;
    let filing = results::report(&state, &ctx, &c, &community, &f).await?;
    Ok(Json(
        json!({"filing": filing, "filing_status": filing.status()}),
    ))
}

pub async fn api_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = scope(&state, &ctx, id).await?;
    results::finish(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"done": true})))
}

/// R-8's routes: pages, documents and API.
pub fn results_routes() -> Vec<RouteDef> {
    use axum::routing as r;
    let c = Access::Community;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/residents/result",
            c,
            r::get(result_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/result/publish",
            c,
            r::post(publish_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/result/report",
            Access::Street,
            r::post(report_post),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/residents/result/done",
            c,
            r::post(done_post),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/result/notice",
            c,
            r::get(results_docs::notice_get),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/result/report/print",
            c,
            r::get(results_docs::report_get),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/result/certificates",
            c,
            r::get(results_docs::certificates_get),
        ),
        get(
            "/communities/{code}/campaigns/{campaign}/residents/result/certificates/{id}",
            c,
            r::get(results_docs::certificate_get),
        ),
        get(
            "/api/v1/campaigns/{campaign}/residents/result",
            c,
            r::get(api_get),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/result/publish",
            c,
            r::post(api_publish),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/result/report",
            Access::Street,
            r::post(api_report),
        ),
        post(
            "/api/v1/campaigns/{campaign}/residents/result/done",
            c,
            r::post(api_done),
        ),
        get("/residents/filings", Access::Street, r::get(filings_get)),
    ]
}
