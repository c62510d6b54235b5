//! Reading the residents' pipeline's first slice: the seats (C-2), the representatives per
//! resident group, the election committee with its substitutions, the election
//! rules, the step gates, and the overview of R-1 … R-8 with what blocks the next step.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::residents::{CommitteeMember, ElectionRules, Seats};
use crate::error::{AppError, AppResult};

/// Rule-check subject of a campaign's seats (C-2).
pub const SEATS_SUBJECT: &str = "residents_seats";
/// Rule-check subject of a resident group's representatives, id = the group.
pub const GROUP_SUBJECT: &str = "residents_group";
/// Rule-check subject of a representative, id = the representative row.
pub const REPRESENTATIVE_SUBJECT: &str = "residents_representative";
/// Rule-check subject of the election committee, id = the campaign.
pub const COMMITTEE_SUBJECT: &str = "residents_committee";

/// The campaign and its community, 404 outside the caller's community.
pub async fn scope(
    state: &crate::state::AppState,
    ctx: &crate::auth::Ctx,
    id: i64,
) -> AppResult<(Campaign, Community)> {
    let s = crate::scope::CampaignScope::load(state, ctx, id).await?;
    Ok((s.campaign, s.community))
}

pub use crate::checks::CheckView;

/// The checks stored for a subject.
pub async fn checks(db: &Db, subject: &str, id: i64) -> AppResult<Vec<CheckView>> {
    Ok(crate::checks::of(db, subject, id)
        .await?
        .iter()
        .map(|(id, r)| CheckView::of(*id, r))
        .collect())
}

/// The seats stored (the default when none) and whether they were set.
pub async fn seats(db: &Db, campaign: i64) -> AppResult<(Seats, bool)> {
    let row: Option<(i64, i64, i64)> =
        Q::new("select deputies, members, part_time from residents_seats where campaign_id = $1")
            .bind(campaign)
            .optional(db)
            .await?;
    Ok(match row {
        Some((d, m, p)) => (
            Seats {
                director: crate::domain::residents::DIRECTOR_SEATS,
                deputies: d as u32,
                members: m as u32,
                part_time: p as u32,
            },
            true,
        ),
        None => (Seats::default(), false),
    })
}

/// A representative.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Representative {
    /// Row id.
    pub id: i64,
    /// Group.
    pub group_id: i64,
    /// Person.
    pub person_id: i64,
    /// Name.
    pub name: String,
}

/// A resident group with its representatives and its check.
#[derive(Clone, Debug, Serialize)]
pub struct GroupRow {
    /// Group id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Representatives.
    pub representatives: Vec<Representative>,
    /// The 2–3 check, once stored.
    pub check: Option<CheckView>,
}

impl GroupRow {
    /// Whether the group passes (or the street overrode its check).
    pub fn satisfied(&self) -> bool {
        self.check.as_ref().is_some_and(|k| k.satisfied)
    }
}

/// Every resident group of the community with its representatives.
pub async fn groups(db: &Db, c: &Campaign) -> AppResult<Vec<GroupRow>> {
    let gs: Vec<(i64, String)> =
        Q::new("select id, name from resident_groups where community_id = $1 order by id")
            .bind(c.community_id)
            .all(db)
            .await?;
    let reps: Vec<Representative> = Q::new(
        "select r.id, r.group_id, r.person_id, p.name from residents_representatives r join people p on p.id = r.person_id \
         where r.campaign_id = $1 order by r.id",
    )
    .bind(c.id)
    .all(db)
    .await?;
    let mut out = Vec::new();
    for (id, name) in gs {
        let check = checks(db, GROUP_SUBJECT, id).await?.into_iter().next();
        out.push(GroupRow {
            representatives: reps.iter().filter(|r| r.group_id == id).cloned().collect(),
            id,
            name,
            check,
        });
    }
    Ok(out)
}

/// The committee: members in order (chair first as stored), alternates in order, and those
/// who stepped down.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Committee {
    /// Members.
    pub members: Vec<CommitteeMember>,
    /// Alternates, in order.
    pub alternates: Vec<CommitteeMember>,
    /// Members who stepped down.
    pub stepped_down: Vec<CommitteeMember>,
}

/// The election committee as stored.
pub async fn committee(db: &Db, campaign: i64) -> AppResult<Committee> {
    let rows: Vec<(i64, String, String)> = Q::new(
        "select k.person_id, p.name, k.role from residents_committee k join people p on p.id = k.person_id \
         where k.campaign_id = $1 order by k.sort, k.id",
    )
    .bind(campaign)
    .all(db)
    .await?;
    let mut out = Committee::default();
    for (person_id, name, role) in rows {
        let m = CommitteeMember {
            person_id,
            name,
            chair: role == "chair",
        };
        match role.as_str() {
            "chair" | "member" => out.members.push(m),
            "alternate" => out.alternates.push(m),
            _ => out.stepped_down.push(m),
        }
    }
    Ok(out)
}

/// A recorded substitution.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct SubstitutionRow {
    /// Id.
    pub id: i64,
    /// The sentence.
    pub message: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The substitutions recorded, oldest first.
pub async fn substitutions(db: &Db, campaign: i64) -> AppResult<Vec<SubstitutionRow>> {
    Q::new("select id, message, created_at from residents_substitutions where campaign_id = $1 order by id")
        .bind(campaign)
        .all(db)
        .await
}

/// The election rules document with its adoption.
#[derive(Clone, Debug, Serialize)]
pub struct Rules {
    /// The text.
    pub body: String,
    /// The settings.
    pub settings: ElectionRules,
    /// The representatives' meeting day.
    pub meeting_date: Option<NaiveDate>,
    /// Representatives in office when it voted.
    pub representatives: Option<i64>,
    /// Attending.
    pub attending: Option<i64>,
    /// Votes for.
    pub votes_for: Option<i64>,
    /// Votes against.
    pub votes_against: Option<i64>,
    /// When adopted.
    pub adopted_at: Option<DateTime<Utc>>,
}

impl Rules {
    /// The meeting day as text (empty when not held).
    pub fn meeting_day(&self) -> String {
        self.meeting_date.map(|d| d.to_string()).unwrap_or_default()
    }
}

#[derive(sqlx::FromRow)]
struct RulesRow {
    body: String,
    settings: String,
    meeting_date: Option<NaiveDate>,
    representatives: Option<i64>,
    attending: Option<i64>,
    votes_for: Option<i64>,
    votes_against: Option<i64>,
    adopted_at: Option<DateTime<Utc>>,
}

/// The rules stored, if any.
pub async fn rules(db: &Db, campaign: i64) -> AppResult<Option<Rules>> {
    let row: Option<RulesRow> = Q::new(
        "select body, settings, meeting_date, representatives, attending, votes_for, votes_against, adopted_at \
         from residents_rules where campaign_id = $1",
    )
    .bind(campaign)
    .optional(db)
    .await?;
    row.map(|r| {
        let settings =
            serde_json::from_str(&r.settings).map_err(|e| AppError::internal(e.to_string()))?;
        Ok(Rules {
            body: r.body,
            settings,
            meeting_date: r.meeting_date,
            representatives: r.representatives,
            attending: r.attending,
            votes_for: r.votes_for,
            votes_against: r.votes_against,
            adopted_at: r.adopted_at,
        })
    })
    .transpose()
}

/// Whether a step is marked done.
pub async fn step_done(db: &Db, campaign: i64, code: &str) -> AppResult<bool> {
    let n = Q::new("select count(*) from campaign_steps where campaign_id = $1 and code = $2 and done_at is not null")
        .bind(campaign)
        .bind(code)
        .scalar(db)
        .await?;
    Ok(n > 0)
}

/// Whether `step` has started: its predecessors closed, or the street opened it early (the
/// procedure guard; a closed step has started too).
pub async fn is_open(db: &Db, campaign: i64, step: &str) -> AppResult<bool> {
    let p = crate::steps::Progress::load(db, campaign).await?;
    Ok(p.state(step) != crate::steps::StepState::Waiting)
}
