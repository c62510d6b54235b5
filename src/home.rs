//! The home page: for the street, the dashboard ([`crate::dashboard`], S-4); for community staff,
//! their community with its campaign's steps and what is overdue; for scrutineers and counters,
//! where to go on counting day.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::auth::{Ctx, Role};
use crate::campaigns::{self, Campaign, Step};
use crate::communities::{self, Community};
use crate::db::Q;
use crate::domain::procedure::Pipeline;
use crate::error::AppResult;
use crate::routes::{Access, RouteDef, get};
use crate::state::AppState;
use crate::steps::Progress;
use crate::web::Layout;

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![get("/", Access::Login, r::get(home_get))]
}

/// One community's line on the dashboard.
pub struct Line {
    /// The community.
    pub community: Community,
    /// Its latest campaign, if any.
    pub campaign: Option<Campaign>,
    /// Steps done / total.
    pub done: usize,
    /// Total steps.
    pub total: usize,
    /// Overdue steps.
    pub overdue: Vec<Step>,
    /// People on record, counted as the community pages count them.
    pub people: crate::people::Headcount,
    /// Where the Party pipeline stands (none before a campaign).
    pub party: Option<Now>,
    /// Where the residents' pipeline stands.
    pub residents: Option<Now>,
}

impl Line {
    /// Where each pipeline stands, Party first.
    pub fn nows(&self) -> Vec<&Now> {
        self.party.iter().chain(self.residents.iter()).collect()
    }
}

/// Where one pipeline of a campaign stands: its first step not closed, or finished.
pub struct Now {
    /// 党组织 or 居委会.
    pub label: &'static str,
    /// The step's code and name (`P-3 全额定向民主推荐`), or empty when every step is done.
    pub step: String,
    /// The step's state in the procedure table's words.
    pub state: &'static str,
    /// The step's page.
    pub href: String,
    /// Its planned end has passed.
    pub overdue: bool,
}

impl Now {
    fn of(
        label: &'static str,
        pipeline: Pipeline,
        progress: &Progress,
        steps: &[Step],
        community: &Community,
        campaign: &Campaign,
        today: chrono::NaiveDate,
    ) -> Now {
        match crate::steps::current(progress, pipeline) {
            None => Now {
                label,
                step: String::new(),
                state: "已全部完成",
                href: String::new(),
                overdue: false,
            },
            Some((s, st)) => Now {
                label,
                step: format!("{} {}", s.code, s.name),
                state: st.zh(),
                href: crate::steps::href(&community.code, campaign.id, s.code),
                overdue: steps.iter().any(|p| p.code == s.code && p.overdue(&today)),
            },
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    lines: Vec<Line>,
    counting_role: bool,
    /// A scrutineer (else, in a counting role, a counter).
    scrutineer: bool,
    /// For scrutineers and counters: the votes of their meetings (id, title, meeting, state).
    my_votes: Vec<MyVote>,
}

/// A vote of a meeting a scrutineer or counter works at.
struct MyVote {
    id: i64,
    title: String,
    meeting: String,
    state: &'static str,
    /// Ballots are being entered.
    counting: bool,
}

async fn home_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Query(filter): Query<crate::dashboard::Filter>,
) -> AppResult<Response> {
    let role = ctx.user()?.role();
    if role == Role::Street {
        // The street's home is the dashboard (S-4).
        return Ok(crate::dashboard::page(&state, &ctx, &session, filter)
            .await?
            .into_response());
    }
    let mut lines = Vec::new();
    if matches!(role, Role::Street | Role::Community) {
        for community in communities::visible(&state.db, &ctx).await? {
            let campaign: Option<Campaign> = Q::new(
                "select id, community_id, term, year, reference_date, party_election_day, residents_election_day from campaigns \
                 where community_id = $1 order by year desc, id desc limit 1",
            )
            .bind(community.id)
            .optional(&state.db)
            .await?;
            let steps = match &campaign {
                Some(c) => campaigns::steps(&state.db, c.id).await?,
                None => Vec::new(),
            };
            let people = crate::people::Headcount::of(&state.db, community.id).await?;
            let (party, residents) = match &campaign {
                Some(c) => {
                    let progress = Progress::load(&state.db, c.id).await?;
                    let now = |label, pipeline| {
                        Now::of(
                            label,
                            pipeline,
                            &progress,
                            &steps,
                            &community,
                            c,
                            state.today(),
                        )
                    };
                    (
                        Some(now("党组织", Pipeline::Party)),
                        Some(now("居委会", Pipeline::Residents)),
                    )
                }
                None => (None, None),
            };
            lines.push(Line {
                done: steps.iter().filter(|s| s.done_at.is_some()).count(),
                total: steps.len(),
                overdue: steps
                    .iter()
                    .filter(|s| s.overdue(&state.today()))
                    .cloned()
                    .collect(),
                community,
                campaign,
                people,
                party,
                residents,
            });
        }
    }
    let counting_role = matches!(role, Role::Scrutineer | Role::Counter);
    let mut my_votes = Vec::new();
    if counting_role {
        let rows: Vec<(i64, String, String, String)> = Q::new(
            "select v.id, v.title, m.title, v.state from votes v join meetings m on m.id = v.meeting_id \
             where v.meeting_id in (select meeting_id from grants where user_id = $1 and meeting_id is not null) \
             order by m.date desc, v.id",
        )
        .bind(ctx.user()?.id)
        .all(&state.db)
        .await?;
        for (id, title, meeting, st) in rows {
            my_votes.push(MyVote {
                id,
                title,
                meeting,
                state: crate::domain::counting::VoteState::parse(&st)
                    .map(|s| s.label())
                    .unwrap_or("未知"),
                counting: st == "counting",
            });
        }
    }
    Ok(HomePage {
        layout: Layout::new(&ctx, &session, "首页").await,
        lines,
        counting_role,
        scrutineer: role == Role::Scrutineer,
        my_votes,
    }
    .into_response())
}
