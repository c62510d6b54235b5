//! 换届我承诺: the commitment text the street sets, and each nominee's and candidate's signed
//! commitment (one per person and campaign, the text kept as signed). Who must sign: the
//! campaign's Party nominees not failed in review, its Party candidates (P-5) and its residents'
//! nominees not withdrawn. The street and the community's own staff record signatures; each is
//! audited in the community's chain, the text in the street's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::discipline::DEFAULT_COMMITMENT;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The people who must sign in campaign `$1` (`$2`: false, for "not withdrawn").
const DUE_IDS: &str = "select person_id from party_nominations where campaign_id = $1 and (decision is null or decision <> 'failed') \
     union select person_id from party_list_entries where campaign_id = $1 and list = 'candidate' \
     union select person_id from resident_nominees where campaign_id = $1 and withdrawn = $2";

/// The commitment text in force: the street's, else the default.
pub async fn text(db: &Db) -> AppResult<String> {
    let row: Option<(String,)> =
        Q::new("select commitment_text from discipline_settings order by street_id limit 1")
            .optional(db)
            .await?;
    Ok(row.map_or_else(|| DEFAULT_COMMITMENT.to_string(), |(t,)| t))
}

/// Input for the commitment text.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TextInput {
    /// The text (prose).
    pub text: String,
}

/// Sets the street's commitment text (signatures already recorded keep the text they signed).
pub async fn set_text(state: &AppState, ctx: &Ctx, f: &TextInput) -> AppResult<String> {
    let new = super::required("承诺书内容", &f.text)?;
    let before = text(&state.db).await?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let street = crate::street_id(&mut tx).await?;
    Q::new(
        "insert into discipline_settings (street_id, commitment_text, created_at, updated_at) values ($1, $2, $3, $3) \
         on conflict (street_id) do update set commitment_text = excluded.commitment_text, updated_at = excluded.updated_at",
    )
    .bind(street)
    .bind(&new)
    .bind(now)
    .execute(&mut tx)
    .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "update",
            entity: "commitment_text",
            entity_id: street.to_string(),
            before: Some(json!({"text": before})),
            after: Some(json!({"text": new})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}

/// A person who must sign in a campaign, and whether they have.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Due {
    /// The person.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// 男 / 女.
    pub gender: String,
    /// When signed, if signed.
    pub signed_on: Option<NaiveDate>,
}

impl Due {
    /// Signed.
    pub fn signed(&self) -> bool {
        self.signed_on.is_some()
    }
}

/// Everyone who must sign in campaign `campaign_id`, by id.
pub async fn due(db: &Db, campaign_id: i64) -> AppResult<Vec<Due>> {
    Q::new(format!(
        "select p.id as person_id, p.name, p.gender, d.signed_on from people p \
         left join discipline_commitments d on d.person_id = p.id and d.campaign_id = $1 \
         where p.id in ({DUE_IDS}) order by p.id"
    ))
    .bind(campaign_id)
    .bind(false)
    .all(db)
    .await
}

/// The names of those who have not signed in campaign `campaign_id`.
pub async fn unsigned(db: &Db, campaign_id: i64) -> AppResult<Vec<String>> {
    Ok(due(db, campaign_id)
        .await?
        .into_iter()
        .filter(|d| !d.signed())
        .map(|d| d.name)
        .collect())
}

/// Across the campaigns of `year`: (people who must sign, people who have), one per person and
/// campaign.
pub async fn year_counts(db: &Db, year: i64) -> AppResult<(i64, i64)> {
    let (due, signed): (i64, i64) = Q::new(
        "select count(*), count(d.id) from ( \
           select n.campaign_id, n.person_id from party_nominations n join campaigns c on c.id = n.campaign_id \
             where c.year = $1 and (n.decision is null or n.decision <> 'failed') \
           union select e.campaign_id, e.person_id from party_list_entries e join campaigns c on c.id = e.campaign_id \
             where c.year = $1 and e.list = 'candidate' \
           union select r.campaign_id, r.person_id from resident_nominees r join campaigns c on c.id = r.campaign_id \
             where c.year = $1 and r.withdrawn = $2 \
         ) x left join discipline_commitments d on d.campaign_id = x.campaign_id and d.person_id = x.person_id",
    )
    .bind(year)
    .bind(false)
    .one(db)
    .await?;
    Ok((due, signed))
}

/// A recorded signature, as a document shows it.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Signed {
    /// The person.
    pub person_id: i64,
    /// When signed.
    pub signed_on: NaiveDate,
    /// The text signed.
    pub text: String,
}

/// The signatures of campaign `campaign_id`.
pub async fn signatures(db: &Db, campaign_id: i64) -> AppResult<Vec<Signed>> {
    Q::new("select person_id, signed_on, text from discipline_commitments where campaign_id = $1 order by person_id")
        .bind(campaign_id)
        .all(db)
        .await
}

/// Input for recording a signature.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInput {
    /// The person who signed.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub person_id: Option<i64>,
    /// The day signed.
    pub signed_on: String,
}

/// Records that a nominee or candidate of campaign `c` signed the commitment (the text in force
/// is kept with it). Refused for someone who need not sign, or who has signed already.
pub async fn sign(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &SignInput,
) -> AppResult<Due> {
    let person = f
        .person_id
        .ok_or_else(|| AppError::invalid("人员", "请选择签订承诺书的人"))?;
    let on = super::date("签订日期", &f.signed_on)?;
    let list = due(&state.db, c.id).await?;
    let who = list
        .into_iter()
        .find(|d| d.person_id == person)
        .ok_or_else(|| AppError::invalid("人员", "不是本届换届的被提名人或候选人"))?;
    if let Some(d) = who.signed_on {
        return Err(AppError::conflict(format!(
            "{}已于 {d} 签订承诺书。",
            who.name
        )));
    }
    let body = text(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let id = Q::new(
        "insert into discipline_commitments (campaign_id, person_id, signed_on, text, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(c.id)
    .bind(person)
    .bind(on)
    .bind(&body)
    .bind(ctx.user()?.id)
    .bind(crate::now())
    .scalar(&mut tx)
    .await?;
    audit::record(
        &mut tx,
        ctx,
        community,
        ("create", "discipline_commitment", id.to_string()),
        json!({"campaign_id": c.id, "person_id": person, "name": who.name, "signed_on": on}),
    )
    .await?;
    tx.commit().await?;
    Ok(Due {
        signed_on: Some(on),
        ..who
    })
}
