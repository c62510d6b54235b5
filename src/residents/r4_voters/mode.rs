//! R-4 under the adopted election rules: the voting mode fixes who may register (every
//! voter, one 户代表 per household, or the 居民代表) and the rules set how many days before
//! election day the voter list is published. Reads only; `voters` applies them.

use std::collections::{BTreeMap, BTreeSet};

use crate::db::{Db, Q, Tx};
use crate::domain::residents::{
    ElectionRules, HouseholdVoter, ModeFacts, Resident, VotingMode, check_mode,
};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult};

/// The stored election rules' settings (adopted or still a draft), the defaults when none.
pub async fn rules_in(tx: &mut Tx, campaign_id: i64) -> AppResult<ElectionRules> {
    let row: Option<(String,)> =
        Q::new("select settings from residents_rules where campaign_id = $1")
            .bind(campaign_id)
            .optional(tx)
            .await?;
    match row {
        Some((s,)) => serde_json::from_str(&s).map_err(|e| AppError::internal(e.to_string())),
        None => Ok(ElectionRules::default()),
    }
}

/// The same read outside a transaction, for pages and documents.
pub async fn rules_of(db: &Db, campaign_id: i64) -> AppResult<ElectionRules> {
    Ok(crate::residents::store::rules(db, campaign_id)
        .await?
        .map(|r| r.settings)
        .unwrap_or_default())
}

/// The mode in words for pages and documents: `全体选民直接选举，选民为登记选民`.
pub fn describe(mode: VotingMode) -> String {
    format!(
        "选举方式：{}，选民（计算参加投票人数是否过半的基数）为{}",
        mode.label(),
        mode.electorate_label()
    )
}

/// 户号 → the name of the household's representative already registered (not removed).
pub async fn household_voters(
    tx: &mut Tx,
    campaign_id: i64,
) -> AppResult<BTreeMap<String, String>> {
    let rows: Vec<(Option<String>, String)> = Q::new(
        "select p.household_no, p.name from resident_voters v join people p on p.id = v.person_id \
         where v.campaign_id = $1 and v.removed = $2 order by v.id",
    )
    .bind(campaign_id)
    .bind(false)
    .all(tx)
    .await?;
    let mut out = BTreeMap::new();
    for (h, name) in rows {
        if let Some(h) = h.map(|h| h.trim().to_string()).filter(|h| !h.is_empty()) {
            out.entry(h).or_insert(name);
        }
    }
    Ok(out)
}

/// The persons who are the campaign's resident representatives.
async fn representatives(tx: &mut Tx, campaign_id: i64) -> AppResult<BTreeSet<i64>> {
    let rows: Vec<(i64,)> =
        Q::new("select person_id from residents_representatives where campaign_id = $1")
            .bind(campaign_id)
            .all(tx)
            .await?;
    Ok(rows.into_iter().map(|(p,)| p).collect())
}

/// The mode facts of these people, in order.
pub async fn facts_of(
    tx: &mut Tx,
    campaign_id: i64,
    people: &[Resident],
) -> AppResult<Vec<ModeFacts>> {
    let reps = representatives(tx, campaign_id).await?;
    let rows: Vec<(i64, Option<String>)> = Q::new(
        "select p.id, p.household_no from people p join campaigns c on c.id = $1 \
         where p.hukou_community_id = c.community_id or p.residence_community_id = c.community_id",
    )
    .bind(campaign_id)
    .all(&mut *tx)
    .await?;
    let mut households: BTreeMap<i64, Option<String>> = rows.into_iter().collect();
    for r in people {
        if households.contains_key(&r.person_id) {
            continue;
        }
        let h: Option<(Option<String>,)> = Q::new("select household_no from people where id = $1")
            .bind(r.person_id)
            .optional(&mut *tx)
            .await?;
        households.insert(r.person_id, h.and_then(|(h,)| h));
    }
    Ok(people
        .iter()
        .map(|r| ModeFacts {
            household_no: households.get(&r.person_id).cloned().flatten(),
            representative: reps.contains(&r.person_id),
        })
        .collect())
}

/// The mode check of one person registering now; `None` with all voters (nothing to add).
pub async fn check_one(
    tx: &mut Tx,
    campaign_id: i64,
    r: &Resident,
) -> AppResult<Option<RuleCheck>> {
    let mode = rules_in(tx, campaign_id).await?.mode;
    if mode == VotingMode::AllVoters {
        return Ok(None);
    }
    let facts = facts_of(tx, campaign_id, std::slice::from_ref(r)).await?;
    let f = facts.into_iter().next().unwrap_or_default();
    let registered = household_voters(tx, campaign_id).await?;
    let other = f
        .household_no
        .as_deref()
        .map(str::trim)
        .and_then(|h| registered.get(h))
        .map(|n| HouseholdVoter::Registered(n.as_str()))
        .filter(|_| mode == VotingMode::Households);
    Ok(Some(check_mode(mode, r, &f, other)))
}
