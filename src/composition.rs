//! The composition of a community's two new committees (C-5, C-6) and C-5 on the candidate
//! lists. C-5 on the elected (P-6's, R-7's) is stored as a rule check with the campaign, so the
//! street may override a failure with a reason like C-3/C-4 (audited by `crate::checks`); it is
//! refreshed whenever the composition is read, and an override stands while the outcome stays
//! the same. C-5 on a candidate list is a warning, computed when shown. C-6 (交叉任职, 一肩挑) is
//! reported once both committees are elected. One page and one API route show both.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::checks::CheckView;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::composition::{CrossAppointment, Seat, Team, check_gender, cross_appointment};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, get, post};
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::{Layout, finish};

/// Rule-check subject of C-5 on the elected Party committee (subject id: the campaign).
pub const PARTY_SUBJECT: &str = "composition_party";
/// Rule-check subject of C-5 on the elected residents' committee (subject id: the campaign).
pub const RESIDENTS_SUBJECT: &str = "composition_residents";

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get(
            "/communities/{code}/campaigns/{campaign}/composition",
            Access::Community,
            r::get(page_get),
        ),
        post(
            "/communities/{code}/campaigns/{campaign}/composition/override",
            Access::Street,
            r::post(override_post),
        ),
        get(
            "/api/v1/campaigns/{campaign}/composition",
            Access::Community,
            r::get(api_get),
        ),
        post(
            "/api/v1/campaigns/{campaign}/composition/override",
            Access::Street,
            r::post(api_override),
        ),
    ]
}

/// The genders of `people`, in order (unknown people are left out).
async fn genders(db: &Db, people: &[i64]) -> AppResult<Vec<String>> {
    let mut out = Vec::with_capacity(people.len());
    for p in people {
        let row: Option<(String,)> = Q::new("select gender from people where id = $1")
            .bind(*p)
            .optional(db)
            .await?;
        out.extend(row.map(|(g,)| g));
    }
    Ok(out)
}

/// C-5 on a candidate list (`people`: the candidates): a warning for the list's page.
pub async fn candidates_check(db: &Db, team: Team, people: &[i64]) -> AppResult<RuleCheck> {
    let rule = crate::plan::settings(db).await?.c5;
    let g = genders(db, people).await?;
    let refs: Vec<&str> = g.iter().map(String::as_str).collect();
    Ok(check_gender(&rule, team, &refs))
}

#[derive(sqlx::FromRow)]
struct SeatRow {
    person_id: Option<i64>,
    name: String,
    gender: Option<String>,
    post: String,
}

fn seats(rows: Vec<SeatRow>) -> (Vec<Seat>, Vec<String>) {
    let mut list: Vec<(Seat, String)> = Vec::new();
    for r in rows {
        let post = crate::domain::rules::value_label(&r.post).to_string();
        let same = |s: &Seat| match (s.person_id, r.person_id) {
            (Some(a), Some(b)) => a == b,
            _ => s.name == r.name,
        };
        match list.iter_mut().find(|(s, _)| same(s)) {
            Some((s, _)) => {
                if !s.posts.contains(&post) {
                    s.posts.push(post);
                }
            }
            None => list.push((
                Seat {
                    person_id: r.person_id,
                    name: r.name,
                    posts: vec![post],
                },
                r.gender.unwrap_or_default(),
            )),
        }
    }
    list.into_iter().unzip()
}

/// The elected Party committee (P-6, as listed for P-7) with each member's gender.
pub async fn party_elected(db: &Db, campaign_id: i64) -> AppResult<(Vec<Seat>, Vec<String>)> {
    let rows: Vec<SeatRow> = Q::new(
        "select a.person_id, p.name, p.gender, a.post from party_approvals a join people p on p.id = a.person_id \
         where a.campaign_id = $1 order by case a.post when '书记' then 0 when '副书记' then 1 else 2 end, a.person_id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    Ok(seats(rows))
}

/// The elected residents' committee with each member's gender (empty when the
/// elected has no person record).
pub async fn residents_elected(db: &Db, campaign_id: i64) -> AppResult<(Vec<Seat>, Vec<String>)> {
    let rows: Vec<SeatRow> = Q::new(
        "select e.person_id, e.name, p.gender, e.post from resident_elected e left join people p on p.id = e.person_id \
         where e.campaign_id = $1 order by case e.post when 'director' then 0 when 'deputy' then 1 else 2 end, e.id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    Ok(seats(rows))
}

/// One elected committee with its C-5 check.
#[derive(Clone, Debug, Serialize)]
pub struct Elected {
    /// Its members with their posts.
    pub seats: Vec<Seat>,
    /// C-5, stored (with the street's override, if any).
    pub c5: CheckView,
}

impl Elected {
    /// The members in words: `张三（书记）、李四（委员）`.
    pub fn members(&self) -> String {
        self.seats
            .iter()
            .map(|s| format!("{}（{}）", s.name, s.posts.join("、")))
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// The composition of a campaign's new committees.
#[derive(Clone, Debug, Serialize)]
pub struct Composition {
    /// The elected Party committee, once P-6 has listed it.
    pub party: Option<Elected>,
    /// The elected residents' committee, once R-7 has elected it.
    pub residents: Option<Elected>,
    /// C-6, once both are elected.
    pub c6: Option<CrossAppointment>,
    /// The street's C-5 rule in words.
    pub rule: String,
}

/// Stores (refreshing) C-5 on an elected committee and returns it.
async fn stored_c5(
    state: &AppState,
    subject: &str,
    campaign_id: i64,
    team: Team,
    genders: &[String],
) -> AppResult<CheckView> {
    let rule = crate::plan::settings(&state.db).await?.c5;
    let refs: Vec<&str> = genders.iter().map(String::as_str).collect();
    let check = check_gender(&rule, team, &refs);
    let mut tx = state.db.begin().await?;
    crate::checks::save(&mut tx, subject, campaign_id, &check).await?;
    tx.commit().await?;
    let (id, record) = crate::checks::of(&state.db, subject, campaign_id)
        .await?
        .into_iter()
        .find(|(_, r)| r.check.rule == "C-5")
        .ok_or_else(|| AppError::internal("C-5 check not stored"))?;
    Ok(CheckView::of(id, &record))
}

/// The composition of campaign `c`, C-5 refreshed on whatever is elected.
pub async fn composition(state: &AppState, c: &Campaign) -> AppResult<Composition> {
    let (ps, pg) = party_elected(&state.db, c.id).await?;
    let (rs, rg) = residents_elected(&state.db, c.id).await?;
    let party = if ps.is_empty() {
        None
    } else {
        Some(Elected {
            c5: stored_c5(state, PARTY_SUBJECT, c.id, Team::PartyElected, &pg).await?,
            seats: ps,
        })
    };
    let residents = if rs.is_empty() {
        None
    } else {
        Some(Elected {
            c5: stored_c5(state, RESIDENTS_SUBJECT, c.id, Team::ResidentElected, &rg).await?,
            seats: rs,
        })
    };
    let c6 = match (&party, &residents) {
        (Some(p), Some(r)) => Some(cross_appointment(&p.seats, &r.seats)),
        _ => None,
    };
    Ok(Composition {
        party,
        residents,
        c6,
        rule: crate::plan::settings(&state.db).await?.c5.zh(),
    })
}

/// The street's override of a failed C-5 on an elected committee.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverrideInput {
    /// `party` or `residents`.
    pub team: String,
    /// Why (required).
    pub reason: String,
}

/// Overrides C-5 on campaign `c`'s elected committee `f.team` with a reason (refused when it
/// passed, or nothing is elected yet).
pub async fn override_c5(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    f: &OverrideInput,
) -> AppResult<CheckView> {
    let comp = composition(state, c).await?;
    let elected = match f.team.trim() {
        "party" => comp.party,
        "residents" => comp.residents,
        _ => return Err(AppError::invalid("班子", "应为党组织委员会或居民委员会")),
    }
    .ok_or_else(|| AppError::conflict("该班子尚未选举产生。"))?;
    let r = crate::checks::override_check(state, ctx, elected.c5.id, &f.reason, None).await?;
    Ok(CheckView::of(elected.c5.id, &r))
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/composition.html")]
struct CompositionPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    v: Composition,
    street: bool,
}

impl CompositionPage {
    fn teams(&self) -> [(&'static str, &'static str, Option<&Elected>); 2] {
        [
            ("party", "党组织委员会", self.v.party.as_ref()),
            ("residents", "居民委员会", self.v.residents.as_ref()),
        ]
    }
}

async fn page_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<CompositionPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    Ok(CompositionPage {
        layout: Layout::new(&ctx, &session, format!("{} 班子结构", community.name)).await,
        v: composition(&state, &c).await?,
        street: ctx.user()?.is_street(),
        c,
        community,
    })
}

async fn override_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<OverrideInput>,
) -> AppResult<Response> {
    let back = scope.page("/composition");
    let r = override_c5(&state, &ctx, &scope.campaign, &f).await;
    finish(&session, &back, r, |_| "已批准放宽。".to_string()).await
}

async fn api_get(State(state): State<AppState>, scope: CampaignScope) -> AppResult<Json<Value>> {
    let v = composition(&state, &scope.campaign).await?;
    let c6 = v.c6.as_ref().map(|x| {
        let mut j = json!(x);
        j["message"] = json!(x.message());
        j
    });
    Ok(Json(json!({
        "rule": v.rule,
        "c5": {"party": v.party.as_ref().map(|e| &e.c5), "residents": v.residents.as_ref().map(|e| &e.c5)},
        "party": v.party.as_ref().map(|e| &e.seats),
        "residents": v.residents.as_ref().map(|e| &e.seats),
        "c6": c6,
    })))
}

async fn api_override(
    State(state): State<AppState>,
    ctx: Ctx,
    scope: CampaignScope,
    Json(f): Json<OverrideInput>,
) -> AppResult<Json<Value>> {
    let k = override_c5(&state, &ctx, &scope.campaign, &f).await?;
    Ok(Json(json!({"check": k})))
}
