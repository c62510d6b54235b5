//! R-8's print documents (print base, A4): the 选举结果公告 (the elected by post with votes,
//! then every other candidate's votes), the report to the street leading group and the district
//! civil affairs bureau (关于社区居民委员会选举结果的报告), and the 当选证书, one per page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use chrono::{Datelike, NaiveDate};

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::error::{AppError, AppResult};
use crate::residents::r8_results::read::{self as read, Elected, ResultView};
use crate::residents::store::scope;
use crate::state::AppState;

type Ids = Path<(String, i64)>;

/// `2027年5月30日`.
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The date or a blank line to fill in by hand.
fn cn_or_blank(d: Option<NaiveDate>) -> String {
    d.map_or("　　年　　月　　日".to_string(), cn_date)
}

/// The term as `第N届` (the campaign's term as written, or its number).
fn term(c: &Campaign) -> String {
    if c.term.starts_with('第') {
        c.term.clone()
    } else {
        format!(
            "第{}届",
            crate::residents::r4_voters::write::term_number(&c.term)
        )
    }
}

/// The issuer of the notice and the certificates.
fn issuer(community: &Community) -> String {
    format!("{}居民选举委员会", community.name)
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/result_notice.html")]
pub struct NoticeDoc {
    title: String,
    community: Community,
    term: String,
    election_day: String,
    v: ResultView,
    date: String,
    issuer: String,
}

pub async fn notice_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<NoticeDoc> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let v = read::result(&state.db, c.id).await?;
    Ok(NoticeDoc {
        title: format!("{} 选举结果公告", community.name),
        term: term(&c),
        election_day: cn_or_blank(c.residents_election_day),
        date: cn_or_blank(v.filing.published_on),
        issuer: issuer(&community),
        v,
        community,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/result_report.html")]
pub struct ReportDoc {
    title: String,
    community: Community,
    term: String,
    election_day: String,
    v: ResultView,
    electorate: i64,
    date: String,
    issuer: String,
}

pub async fn report_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<ReportDoc> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let v = read::result(&state.db, c.id).await?;
    Ok(ReportDoc {
        title: format!("{} 关于社区居民委员会选举结果的报告", community.name),
        term: term(&c),
        election_day: cn_or_blank(c.residents_election_day),
        electorate: crate::residents::r4_voters::read::electorate(&state.db, c.id).await?,
        date: cn_or_blank(v.filing.reported_street_on),
        issuer: issuer(&community),
        v,
        community,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/result_certificates.html")]
pub struct CertificatesDoc {
    title: String,
    community: Community,
    term: String,
    election_day: String,
    elected: Vec<Elected>,
    issuer: String,
    date: String,
}

async fn certificates(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    only: Option<i64>,
) -> AppResult<CertificatesDoc> {
    let (c, community) = scope(state, ctx, id).await?;
    let mut elected = read::elected(&state.db, c.id).await?;
    if let Some(one) = only {
        elected.retain(|e| e.id == one);
        if elected.is_empty() {
            return Err(AppError::NotFound);
        }
    }
    let published = read::filing(&state.db, c.id).await?.published_on;
    Ok(CertificatesDoc {
        title: format!("{} 当选证书", community.name),
        term: term(&c),
        election_day: cn_or_blank(c.residents_election_day),
        date: cn_or_blank(published.or(c.residents_election_day)),
        issuer: issuer(&community),
        elected,
        community,
    })
}

/// Every elected member's 当选证书, one per A4 page.
pub async fn certificates_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<CertificatesDoc> {
    certificates(&state, &ctx, id, None).await
}

/// One elected member's 当选证书 (404 for another campaign's).
pub async fn certificate_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id, elected)): Path<(String, i64, i64)>,
) -> AppResult<CertificatesDoc> {
    certificates(&state, &ctx, id, Some(elected)).await
}
