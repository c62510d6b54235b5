//! Reading the Party pipeline's records: the committee size and its C-1 check, nominations
//! with their backer counts, publicity periods with their objections, and the step gates.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::rules::CheckRecord;
use crate::error::{AppError, AppResult};

/// Posts a nomination may be for, in the order of the summary.
pub const POSTS: [&str; 3] = ["书记", "副书记", "委员"];

/// Nomination channels of SPEC P-1: stored value and label.
pub const CHANNELS: [(&str, &str); 6] = [
    ("street", "街道党工委推荐"),
    ("community", "社区党组织及下属党组织推荐"),
    ("unit", "驻区单位党组织推荐"),
    ("self", "党员自荐"),
    ("members", "党员联名推荐"),
    ("residents", "居民联名推荐"),
];

/// Label of a stored channel.
pub fn channel_label(v: &str) -> &'static str {
    CHANNELS
        .iter()
        .find(|(k, _)| *k == v)
        .map(|(_, l)| *l)
        .unwrap_or("未知渠道")
}

/// The rule-check subject of a campaign's committee size (C-1).
pub const SIZE_SUBJECT: &str = "party_size";
/// The rule-check subject of a nomination (C-3/C-4 in P-2).
pub const NOMINATION_SUBJECT: &str = "party_nomination";

/// The committee's size (C-1).
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Size {
    /// Campaign.
    pub campaign_id: i64,
    /// N 委员.
    pub members: i64,
    /// Number of 副书记 (0–2).
    pub deputies: i64,
    /// `zongzhi` | `zhibu`, from the community.
    pub org_type: String,
}

/// A nomination with its nominee's data (ID number masked) and backer count.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Nomination {
    /// Id.
    pub id: i64,
    /// Campaign.
    pub campaign_id: i64,
    /// Nominee.
    pub person_id: i64,
    /// Nominee's name.
    pub name: String,
    /// Nominee's ID number, masked once loaded.
    pub id_number: Option<String>,
    /// Nominee's Party status (`full` …).
    pub party_status: String,
    /// Nominee's organisation (`community` | `unit`).
    pub party_org: Option<String>,
    /// Intended post.
    pub post: String,
    /// Channel.
    pub channel: String,
    /// The nominee's consent, dated.
    pub consent_date: Option<NaiveDate>,
    /// Number of backers (joint channels).
    pub backers: i64,
    /// P-2 decision: `passed` | `failed`.
    pub decision: Option<String>,
    /// Its reason.
    pub decision_reason: Option<String>,
    /// When recorded.
    pub created_at: DateTime<Utc>,
}

impl Nomination {
    /// A joint channel (≥10 Party members, ≥50 residents), which needs consent.
    pub fn joint(&self) -> bool {
        is_joint(&self.channel)
    }
    /// Counted: not joint, or joint with the nominee's consent recorded.
    pub fn counted(&self) -> bool {
        !self.joint() || self.consent_date.is_some()
    }
    /// Membership outside the community's organisation (flagged).
    pub fn outside(&self) -> bool {
        self.party_org.as_deref() == Some("unit")
    }
    /// Channel label.
    pub fn channel_label(&self) -> &'static str {
        channel_label(&self.channel)
    }
    /// Decision label.
    pub fn decision_label(&self) -> &'static str {
        match self.decision.as_deref() {
            Some("passed") => "审查通过",
            Some("failed") => "审查未通过",
            _ => "待审查",
        }
    }
}

/// True for the joint channels.
pub fn is_joint(channel: &str) -> bool {
    matches!(channel, "members" | "residents")
}

const NOMINATION_SELECT: &str = "select n.id, n.campaign_id, n.person_id, p.name, p.id_number, p.party_status, p.party_org, \
    n.post, n.channel, n.consent_date, (select count(*) from party_backers b where b.nomination_id = n.id) as backers, \
    n.decision, n.decision_reason, n.created_at from party_nominations n join people p on p.id = n.person_id";

/// The campaign's nominations in the order recorded, ID numbers masked.
pub async fn nominations(db: &Db, campaign_id: i64) -> AppResult<Vec<Nomination>> {
    let list: Vec<Nomination> = Q::new(format!(
        "{NOMINATION_SELECT} where n.campaign_id = $1 order by n.id"
    ))
    .bind(campaign_id)
    .all(db)
    .await?;
    Ok(list.into_iter().map(masked).collect())
}

/// One nomination of the campaign (404 when it belongs to another), ID number masked.
pub async fn nomination(db: &Db, campaign_id: i64, id: i64) -> AppResult<Nomination> {
    let n: Nomination = Q::new(format!(
        "{NOMINATION_SELECT} where n.id = $1 and n.campaign_id = $2"
    ))
    .bind(id)
    .bind(campaign_id)
    .optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(masked(n))
}

fn masked(mut n: Nomination) -> Nomination {
    n.id_number = n.id_number.as_deref().map(crate::web::mask_id);
    n
}

/// The committee size, if set.
pub async fn size(db: &Db, campaign_id: i64) -> AppResult<Option<Size>> {
    Q::new(
        "select campaign_id, members, deputies, org_type from party_sizes where campaign_id = $1",
    )
    .bind(campaign_id)
    .optional(db)
    .await
}

/// The stored C-1 check of the size, with its id.
pub async fn size_check(db: &Db, campaign_id: i64) -> AppResult<Option<(i64, CheckRecord)>> {
    Ok(crate::checks::of(db, SIZE_SUBJECT, campaign_id)
        .await?
        .into_iter()
        .next())
}

/// A publicity period (公示).
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Publicity {
    /// Id.
    pub id: i64,
    /// Campaign.
    pub campaign_id: i64,
    /// Step (`P-2`).
    pub step: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
}

impl Publicity {
    /// Its length in calendar days, both ends included (SPEC §9).
    pub fn days(&self) -> i64 {
        (self.end_date - self.start_date).num_days() + 1
    }
}

/// An objection raised during a publicity period.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Objection {
    /// Id.
    pub id: i64,
    /// Publicity period.
    pub publicity_id: i64,
    /// What was raised.
    pub text: String,
    /// The answer, once given.
    pub answer: Option<String>,
}

/// The campaign's publicity periods of a step.
pub async fn publicities(db: &Db, campaign_id: i64, step: &str) -> AppResult<Vec<Publicity>> {
    Q::new("select id, campaign_id, step, start_date, end_date from party_publicities where campaign_id = $1 and step = $2 order by id")
        .bind(campaign_id)
        .bind(step)
        .all(db)
        .await
}

/// One publicity period of the campaign (404 otherwise).
pub async fn publicity(db: &Db, campaign_id: i64, id: i64) -> AppResult<Publicity> {
    Q::new("select id, campaign_id, step, start_date, end_date from party_publicities where id = $1 and campaign_id = $2")
        .bind(id)
        .bind(campaign_id)
        .optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The objections of the campaign's publicity periods.
pub async fn objections(db: &Db, campaign_id: i64) -> AppResult<Vec<Objection>> {
    Q::new("select o.id, o.publicity_id, o.text, o.answer from party_objections o join party_publicities p on p.id = o.publicity_id where p.campaign_id = $1 order by o.id")
        .bind(campaign_id)
        .all(db)
        .await
}

/// One objection of the campaign (404 otherwise).
pub async fn objection(db: &Db, campaign_id: i64, id: i64) -> AppResult<Objection> {
    Q::new("select o.id, o.publicity_id, o.text, o.answer from party_objections o join party_publicities p on p.id = o.publicity_id where o.id = $1 and p.campaign_id = $2")
        .bind(id)
        .bind(campaign_id)
        .optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The street's reason for opening `step` early, if given.
pub async fn gate_override(db: &Db, campaign_id: i64, step: &str) -> AppResult<Option<String>> {
    let row: Option<(String,)> =
        Q::new("select reason from party_step_overrides where campaign_id = $1 and step = $2")
            .bind(campaign_id)
            .bind(step)
            .optional(db)
            .await?;
    Ok(row.map(|r| r.0))
}

/// Whether a step of the campaign is marked done.
pub async fn step_done(db: &Db, campaign_id: i64, step: &str) -> AppResult<bool> {
    let n = Q::new("select count(*) from campaign_steps where campaign_id = $1 and code = $2 and done_at is not null")
        .bind(campaign_id)
        .bind(step)
        .scalar(db)
        .await?;
    Ok(n > 0)
}

/// P-2 is open when P-1 is done or the street opened it with a reason.
pub async fn p2_open(db: &Db, campaign_id: i64) -> AppResult<bool> {
    crate::steps::started(db, campaign_id, "P-2").await
}

/// The campaign (visible to the user) and its community; the path's community, if any, must
/// be the campaign's.
pub async fn scope(
    state: &crate::state::AppState,
    ctx: &crate::auth::Ctx,
    campaign_id: i64,
) -> AppResult<(Campaign, Community)> {
    let s = crate::scope::CampaignScope::load(state, ctx, campaign_id).await?;
    Ok((s.campaign, s.community))
}
