//! R-4 reads: the campaign's registered voters, the people of the community as the rules see
//! them, who is registered in another community, the published list and its decisions.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::db::{Db, Q, Tx};
use crate::domain::residents::Resident;
use crate::error::AppResult;

/// Subject type of a voter's R-4 check.
pub const VOTER_SUBJECT: &str = "resident_voter";
/// Subject type of the list's publication check (subject id = campaign id).
pub const LIST_SUBJECT: &str = "resident_voter_list";

/// A registered voter with what the list shows of the person.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Voter {
    /// Voter id.
    pub id: i64,
    /// Person id.
    pub person_id: i64,
    /// 姓名.
    pub name: String,
    /// 性别.
    pub gender: String,
    /// 出生日期.
    pub birth_date: Option<NaiveDate>,
    /// ID number (masked on pages and documents).
    pub id_number: Option<String>,
    /// 居民小组.
    pub group_name: Option<String>,
    /// Basis (stored form).
    pub basis: String,
    /// Proof of not voting at the 户籍 place.
    pub proof: Option<String>,
    /// The representatives' meeting's approval.
    pub approval: Option<String>,
    /// 选民证 number.
    pub certificate_no: Option<String>,
    /// Removed by a decision after publication.
    pub removed: bool,
}

impl Voter {
    /// The basis as a label.
    pub fn basis_label(&self) -> &'static str {
        crate::domain::residents::Basis::parse(&self.basis).map_or("", |b| b.label())
    }
    /// The masked ID number.
    pub fn masked_id(&self) -> String {
        self.id_number
            .as_deref()
            .map(crate::web::mask_id)
            .unwrap_or_default()
    }
    /// The group name or a dash.
    pub fn group(&self) -> &str {
        self.group_name.as_deref().unwrap_or("未分组")
    }
}

const VOTER_COLS: &str = "v.id, v.person_id, p.name, p.gender, p.birth_date, p.id_number, g.name as group_name, v.basis, v.proof, \
     v.approval, v.certificate_no, v.removed from resident_voters v join people p on p.id = v.person_id \
     left join resident_groups g on g.id = p.resident_group_id";

/// The campaign's voters (removed ones included), by group and name.
pub async fn voters(db: &Db, campaign_id: i64) -> AppResult<Vec<Voter>> {
    Q::new(format!(
        "select {VOTER_COLS} where v.campaign_id = $1 order by g.name, p.name, v.id"
    ))
    .bind(campaign_id)
    .all(db)
    .await
}

/// The electorate of the quorum (SPEC §6 R-4): the registered voters not removed. In every
/// voting mode registration admits only that mode's voters (户代表, 居民代表), so the count is
/// the mode's electorate.
pub async fn electorate(db: &Db, campaign_id: i64) -> AppResult<i64> {
    Q::new("select count(*) from resident_voters where campaign_id = $1 and removed = $2")
        .bind(campaign_id)
        .bind(false)
        .scalar(db)
        .await
}

/// One voter of the campaign by person.
pub async fn voter_of(tx: &mut Tx, campaign_id: i64, person_id: i64) -> AppResult<Option<Voter>> {
    Q::new(format!(
        "select {VOTER_COLS} where v.campaign_id = $1 and v.person_id = $2"
    ))
    .bind(campaign_id)
    .bind(person_id)
    .optional(tx)
    .await
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    name: String,
    birth_date: Option<NaiveDate>,
    rights_removed: bool,
    id_number: Option<String>,
    hukou: Option<String>,
    residence: Option<String>,
}

const PERSON_COLS: &str = "select p.id, p.name, p.birth_date, p.rights_removed, p.id_number, h.code as hukou, r.code as residence \
     from people p left join communities h on h.id = p.hukou_community_id left join communities r on r.id = p.residence_community_id";

fn resident(r: PersonRow) -> Resident {
    Resident {
        person_id: r.id,
        name: r.name,
        birth_date: r.birth_date,
        rights_removed: r.rights_removed,
        has_id_number: r.id_number.is_some_and(|s| !s.trim().is_empty()),
        hukou_community: r.hukou,
        residence_community: r.residence,
    }
}

/// One person as the rules see them.
pub async fn person(tx: &mut Tx, person_id: i64) -> AppResult<Option<Resident>> {
    let row: Option<PersonRow> = Q::new(format!("{PERSON_COLS} where p.id = $1"))
        .bind(person_id)
        .optional(tx)
        .await?;
    Ok(row.map(resident))
}

/// The people whose 户籍 or residence is the community, by id.
pub async fn people_of(tx: &mut Tx, community_id: i64) -> AppResult<Vec<Resident>> {
    let rows: Vec<PersonRow> = Q::new(format!(
        "{PERSON_COLS} where p.hukou_community_id = $1 or p.residence_community_id = $1 order by p.id"
    ))
    .bind(community_id)
    .all(tx)
    .await?;
    Ok(rows.into_iter().map(resident).collect())
}

/// Person id → name of the other community where that person is a registered voter.
pub async fn registered_elsewhere(
    tx: &mut Tx,
    community_id: i64,
) -> AppResult<BTreeMap<i64, String>> {
    let rows: Vec<(i64, String)> = Q::new(
        "select v.person_id, m.name from resident_voters v join campaigns c on c.id = v.campaign_id \
         join communities m on m.id = c.community_id where c.community_id <> $1 and v.removed = $2",
    )
    .bind(community_id)
    .bind(false)
    .all(tx)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The published voter list.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Publication {
    /// 公布日期.
    pub published_on: NaiveDate,
    /// The street's reason when the check failed.
    pub override_reason: Option<String>,
    /// When recorded.
    pub created_at: DateTime<Utc>,
}

/// The publication of the campaign's list, if published.
pub async fn publication(db: &Db, campaign_id: i64) -> AppResult<Option<Publication>> {
    Q::new("select published_on, override_reason, created_at from resident_voter_lists where campaign_id = $1")
        .bind(campaign_id)
        .optional(db)
        .await
}

/// A decision on an objection after publication.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Decision {
    /// Id.
    pub id: i64,
    /// The person concerned.
    pub person_id: Option<i64>,
    /// The person's name.
    pub name: Option<String>,
    /// The objection.
    pub objection: String,
    /// add | remove | none.
    pub decision: String,
    /// The reason.
    pub reason: String,
}

impl Decision {
    /// The decision as a label.
    pub fn label(&self) -> &'static str {
        match self.decision.as_str() {
            "add" => "补登入名单",
            "remove" => "从名单中除名",
            _ => "维持名单不变",
        }
    }
}

/// The campaign's decisions in order.
pub async fn decisions(db: &Db, campaign_id: i64) -> AppResult<Vec<Decision>> {
    Q::new(
        "select d.id, d.person_id, p.name, d.objection, d.decision, d.reason from resident_voter_decisions d \
         left join people p on p.id = d.person_id where d.campaign_id = $1 order by d.id",
    )
    .bind(campaign_id)
    .all(db)
    .await
}
