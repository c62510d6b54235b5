//! P-6/P-7's print documents on `print.html`: the 党员大会's roll and sign-in sheet
//! (应到会党员名册及签到表) and the report of the result to the street
//! (关于社区党组织委员会选举结果的报告), both from the stored roll and certified results.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::counting::stage::Elected;
use crate::error::{AppError, AppResult};
use crate::party::p6_congress::read::{Congress, RollEntry};
use crate::party::p6_congress::web::{View, view};
use crate::party::store;
use crate::state::AppState;

type Ids = Path<(String, i64)>;

fn chinese_date(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

async fn load(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> AppResult<(Campaign, Community, View, Congress)> {
    let (c, community) = store::scope(state, ctx, id).await?;
    let v = view(state, &c).await?;
    let g = v
        .congress
        .clone()
        .ok_or_else(|| AppError::conflict("尚未登记党员大会，没有名册。"))?;
    Ok((c, community, v, g))
}

#[derive(Template, WebTemplate)]
#[template(path = "party/congress_sheet.html")]
pub struct SheetDoc {
    title: String,
    community: Community,
    c: Campaign,
    date: String,
    due: Vec<RollEntry>,
    excluded: Vec<RollEntry>,
    v: View,
    rule: &'static str,
}

/// 应到会党员名册及签到表.
pub async fn roll_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<SheetDoc> {
    let (c, community, v, g) = load(&state, &ctx, id).await?;
    Ok(SheetDoc {
        title: format!("{} 党员大会应到会党员名册及签到表", community.name),
        date: chinese_date(g.meeting_date),
        due: v.roll.due_entries().cloned().collect(),
        excluded: v.roll.excluded_entries().cloned().collect(),
        rule: g.rule_label(),
        community,
        c,
        v,
    })
}

/// One line of the report: an elected person with their votes and status.
pub struct Line {
    /// Name.
    pub name: String,
    /// Votes for.
    pub votes: u64,
    /// The votes needed to be elected in that round.
    pub threshold: u64,
    /// 待批准 / 已备案 / 已批准.
    pub status: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/congress_report.html")]
pub struct ReportDoc {
    title: String,
    community: Community,
    c: Campaign,
    date: String,
    today: String,
    v: View,
    members: Vec<Line>,
    secretary: Vec<Line>,
    deputies: Vec<Line>,
    done: bool,
}

fn lines(v: &View, elected: Vec<&Elected>, post: &str) -> Vec<Line> {
    elected
        .into_iter()
        .map(|e| Line {
            name: e.name.clone(),
            votes: e.votes,
            threshold: e.threshold,
            status: v
                .approvals
                .iter()
                .find(|a| Some(a.person_id) == e.person_id && a.post == post)
                .map_or("待批准", |a| a.status_label()),
        })
        .collect()
}

/// 关于社区党组织委员会选举结果的报告.
pub async fn report_get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<ReportDoc> {
    let (c, community, v, g) = load(&state, &ctx, id).await?;
    let members = v
        .members
        .as_ref()
        .map_or_else(Vec::new, |s| lines(&v, s.of_post("委员"), "委员"));
    let (secretary, deputies) = v.leaders.as_ref().map_or_else(
        || (Vec::new(), Vec::new()),
        |s| {
            (
                lines(&v, s.of_post("书记"), "书记"),
                lines(&v, s.of_post("副书记"), "副书记"),
            )
        },
    );
    let done = v.members.as_ref().is_some_and(|s| s.complete)
        && v.leaders.as_ref().is_some_and(|s| s.complete);
    Ok(ReportDoc {
        title: format!("{} 关于社区党组织委员会选举结果的报告", community.name),
        date: chinese_date(g.meeting_date),
        today: chinese_date(state.today()),
        community,
        c,
        v,
        members,
        secretary,
        deputies,
        done,
    })
}
