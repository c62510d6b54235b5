//! R-7's faces: the election page (meeting, link to the counting room's staff, proxies, mobile
//! boxes, participation counts, closing the polls with the quorum, the rounds, write-in
//! decisions, closing R-7), the station page for the scanner, the printable list of principals
//! and proxies, and the same operations as JSON API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Serialize;
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::counting::stage::Stage;
use crate::counting::{Meeting, load_meeting};
use crate::db::{Db, Q};
use crate::error::AppResult;
use crate::residents::r4_voters::web::scope;
use crate::residents::r5_nominees::read::{self as nominees_read, Nominee};
use crate::residents::r7_election::poll::{self as poll, ParticipationInput, WriteinInput};
use crate::residents::r7_election::read::{
    self as read, BoxRow, Election, Flag, ParticipationRow, ProxyRow,
};
use crate::residents::r7_election::vacancy::Vacancy;
use crate::residents::r7_election::write::{self as election, BoxInput, ElectionInput, ProxyInput};
use crate::residents::store::{self, CheckView};
use crate::state::AppState;
use crate::web::Layout;
use crate::web::finish;

type Ids = Path<(String, i64)>;
type J = AppResult<Json<Value>>;

fn page(community: &Community, c: &Campaign) -> String {
    format!(
        "/communities/{}/campaigns/{}/residents/election",
        community.code, c.id
    )
}

/// Everything the election page and `GET …/election` show.
#[derive(Clone, Debug, Serialize)]
pub struct State7 {
    /// R-7 open.
    pub open: bool,
    /// R-7 done.
    pub done: bool,
    /// The election meeting.
    pub election: Option<Election>,
    /// Its counting-room meeting.
    pub meeting: Option<Meeting>,
    /// The chair's name.
    pub chair: Option<String>,
    /// The official candidates in ballot order.
    pub candidates: Vec<Nominee>,
    /// Registered voters not removed.
    pub electorate: usize,
    /// Approved proxies.
    pub proxies: Vec<ProxyRow>,
    /// Approved mobile boxes.
    pub boxes: Vec<BoxRow>,
    /// Participation per channel (label, count).
    pub counts: Vec<(&'static str, usize)>,
    /// Participation in total.
    pub present: usize,
    /// The quorum check, once the polls are closed.
    pub quorum: Option<CheckView>,
    /// The rounds and what remains.
    pub stage: Option<Stage>,
    /// Write-in winners who are not voters.
    pub flags: Vec<Flag>,
    /// Seats left vacant by unconfirmed write-ins.
    pub vacancies: Vec<Vacancy>,
    /// The elected with certificate numbers, once R-7 is done.
    pub elected: Vec<ElectedOut>,
}

/// A row of `resident_elected`.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ElectedOut {
    /// Post (stored form).
    pub post: String,
    /// Name.
    pub name: String,
    /// Votes.
    pub votes: i64,
    /// 当选证书 number.
    pub certificate_no: String,
}

impl ElectedOut {
    /// The post as people read it (主任, 副主任, 委员).
    pub fn post_label(&self) -> &str {
        crate::domain::rules::value_label(&self.post)
    }
}

impl State7 {
    /// A vacant seat still waits for its further election.
    pub fn further_due(&self) -> bool {
        self.vacancies.iter().any(|v| v.open)
    }
}

async fn state7(db: &Db, c: &Campaign) -> AppResult<State7> {
    let election = read::election(db, c.id).await?;
    let meeting = match &election {
        Some(e) => Some(load_meeting(db, e.meeting_id).await?),
        None => None,
    };
    let chair = match election.as_ref().and_then(|e| e.chair_person_id) {
        Some(id) => Q::new("select name from people where id = $1")
            .bind(id)
            .optional(db)
            .await?
            .map(|(n,): (String,)| n),
        None => None,
    };
    let parts: Vec<ParticipationRow> = read::participations(db, c.id).await?;
    let (counts, present) = read::counts(&parts);
    let (stage, flags, vacancies) = match &election {
        Some(e) => (
            read::rounds(db, e).await?,
            read::flags(db, e).await?,
            crate::residents::r7_election::vacancy::vacancies(db, e).await?,
        ),
        None => (None, Vec::new(), Vec::new()),
    };
    Ok(State7 {
        open: store::is_open(db, c.id, "R-7").await?,
        done: read::done(db, c).await?,
        chair,
        candidates: nominees_read::official(db, c.id).await?,
        electorate: read::electorate(db, c.id).await?.len(),
        proxies: read::proxies(db, c.id).await?,
        boxes: read::boxes(db, c.id).await?,
        counts,
        present,
        quorum: read::quorum(db, c.id).await?,
        stage,
        flags,
        vacancies,
        elected: Q::new("select post, name, votes, certificate_no from resident_elected where campaign_id = $1 order by id")
            .bind(c.id)
            .all(db)
            .await?,
        election,
        meeting,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/election.html")]
pub struct ElectionPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    street: bool,
    s: State7,
}

pub async fn election_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
) -> AppResult<ElectionPage> {
    let (c, community) = scope(&state, &ctx, id).await?;
    Ok(ElectionPage {
        layout: Layout::new(&ctx, &session, format!("{} 正式投票", community.name)).await,
        base: page(&community, &c),
        street: ctx.user()?.is_street(),
        s: state7(&state.db, &c).await?,
        c,
        community,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/election_station.html")]
pub struct StationPage {
    layout: Layout,
    community: Community,
    base: String,
    counts: Vec<(&'static str, usize)>,
    present: usize,
    electorate: usize,
    recent: Vec<ParticipationRow>,
    proxies: Vec<ProxyRow>,
    boxes: Vec<BoxRow>,
    /// Why nobody can be registered now (the polls' own check), if so.
    closed: Option<String>,
}

pub async fn station_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
) -> AppResult<StationPage> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let parts = read::participations(&state.db, c.id).await?;
    let (counts, present) = read::counts(&parts);
    let closed = crate::web::refusal(super::poll::station_open(&state, &c).await)?;
    Ok(StationPage {
        layout: Layout::new(&ctx, &session, format!("{} 投票站", community.name)).await,
        base: page(&community, &c),
        counts,
        present,
        electorate: read::electorate(&state.db, c.id).await?.len(),
        recent: parts.into_iter().rev().take(10).collect(),
        proxies: read::proxies(&state.db, c.id).await?,
        boxes: read::boxes(&state.db, c.id).await?,
        closed,
        community,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "residents/election_proxies.html")]
pub struct ProxiesDoc {
    title: String,
    community: Community,
    c: Campaign,
    proxies: Vec<ProxyRow>,
}

pub async fn proxies_print(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Ids,
) -> AppResult<ProxiesDoc> {
    let (c, community) = scope(&state, &ctx, id).await?;
    Ok(ProxiesDoc {
        title: format!("{} 居民委员会选举委托投票公示", community.name),
        proxies: read::proxies(&state.db, c.id).await?,
        community,
        c,
    })
}

pub async fn election_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<ElectionInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = election::create(&state, &ctx, &c, &community, &f).await;
    finish(&session, &page(&community, &c), r, |(_, v)| {
        format!("已创建选举大会和投票“{}”。", v.title)
    })
    .await
}

pub async fn proxies_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<ProxyInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = election::add_proxy(&state, &ctx, &c, &community, &f).await;
    finish(&session, &page(&community, &c), r, |(_, k)| k.message).await
}

pub async fn boxes_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<BoxInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = election::add_box(&state, &ctx, &c, &community, &f).await;
    finish(&session, &page(&community, &c), r, |(_, k)| k.message).await
}

pub async fn participations_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<ParticipationInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = poll::participate(&state, &ctx, &c, &community, &f).await;
    let back = format!("{}/station", page(&community, &c));
    finish(&session, &back, r, |(name, _)| {
        format!("{name}已登记参加投票。")
    })
    .await
}

pub async fn close_polls_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = poll::close_polls(&state, &ctx, &c, &community).await;
    finish(&session, &page(&community, &c), r, |k| k.message).await
}

pub async fn writeins_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
    Form(f): Form<WriteinInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r = poll::decide_writein(&state, &ctx, &c, &community, &f).await;
    finish(&session, &page(&community, &c), r, |_| {
        "已记录居民选举委员会的决定。".to_string()
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
    let r = poll::finish(&state, &ctx, &c, &community).await;
    finish(&session, &page(&community, &c), r, |rows| {
        format!("正式投票（R-7）已完成，当选 {} 人。", rows.len())
    })
    .await
}

pub async fn api_get(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, _) = scope(&state, &ctx, id).await?;
    Ok(Json(json!(state7(&state.db, &c).await?)))
}

fn created(v: Value) -> AppResult<Response> {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

pub async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<ElectionInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let (e, v) = election::create(&state, &ctx, &c, &community, &f).await?;
    created(json!({"election": e, "vote": v.to_json()}))
}

pub async fn api_proxy(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<ProxyInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let (id, check) = election::add_proxy(&state, &ctx, &c, &community, &f).await?;
    created(json!({"id": id, "check": check}))
}

pub async fn api_box(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<BoxInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let (id, check) = election::add_box(&state, &ctx, &c, &community, &f).await?;
    created(json!({"id": id, "check": check}))
}

pub async fn api_participate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<ParticipationInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let (name, check) = poll::participate(&state, &ctx, &c, &community, &f).await?;
    let parts = read::participations(&state.db, c.id).await?;
    let (counts, present) = read::counts(&parts);
    created(json!({"voter": name, "check": check, "counts": counts, "present": present}))
}

pub async fn api_close_polls(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = scope(&state, &ctx, id).await?;
    let check = poll::close_polls(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"quorum": check})))
}

pub async fn api_writein(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<WriteinInput>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let check = poll::decide_writein(&state, &ctx, &c, &community, &f).await?;
    created(json!({"check": check}))
}

/// The further round (另行选举) for seats left vacant by unconfirmed write-ins (page).
pub async fn further_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Ids,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let r =
        crate::residents::r7_election::vacancy::create_further(&state, &ctx, &c, &community).await;
    finish(&session, &page(&community, &c), r, |v| {
        format!("已安排“{}”，请在计票室进行投票。", v.title)
    })
    .await
}

/// The further round for the vacant seats (API): `201 {"vote"}`.
pub async fn api_further(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (c, community) = scope(&state, &ctx, id).await?;
    let v = crate::residents::r7_election::vacancy::create_further(&state, &ctx, &c, &community)
        .await?;
    created(json!({"vote": v.to_json()}))
}

pub async fn api_done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> J {
    let (c, community) = scope(&state, &ctx, id).await?;
    let rows = poll::finish(&state, &ctx, &c, &community).await?;
    Ok(Json(json!({"elected": rows})))
}
