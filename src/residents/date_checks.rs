//! The residents' pipeline's stored checks that were computed on a campaign date, re-run when
//! the street moves that date: R-1's representatives (≥ 18 on the election day, else on the
//! reference date), R-4's voters (≥ 18 on the election day) and the list's publication (at
//! least N days before it), and R-5's C-3 ages (on the reference date). Only checks already
//! stored are re-run; each keeps its override while its outcome stays the same.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::NaiveDate;

use super::r4_voters::mode as voters_mode;
use super::r4_voters::read::{self as read, LIST_SUBJECT, VOTER_SUBJECT};
use super::r5_nominees::write::NOMINEE_SUBJECT;
use super::store::REPRESENTATIVE_SUBJECT;
use crate::campaigns::{Campaign, DateChange};
use crate::checks::{Rerun, rerun, stored_by_subject};
use crate::communities::Community;
use crate::db::{Q, Tx};
use crate::domain::residents::{
    Basis, Post, Registration, Resident, check_list_published, check_representative, check_voter,
};
use crate::domain::rules::check_qualification;
use crate::error::AppResult;

/// Re-runs what `change` moved the date of, in the order of the steps.
pub async fn rerun_date_checks(
    tx: &mut Tx,
    community: &Community,
    change: DateChange<'_>,
) -> AppResult<Vec<Rerun>> {
    let c = change.after;
    let mut out = Vec::new();
    if change.representatives_day() {
        out.extend(representatives(tx, community, c).await?);
    }
    if let Some(day) = c.residents_election_day.filter(|_| change.residents_day()) {
        out.extend(voters(tx, community, c, day).await?);
        out.extend(publication(tx, c, day).await?);
    }
    if change.reference() {
        out.extend(nominee_ages(tx, c).await?);
    }
    Ok(out)
}

/// The people of the community as the rules see them, with `ids` not among them looked up one
/// by one (a posted member of staff may live and be registered elsewhere).
async fn residents(
    tx: &mut Tx,
    community: &Community,
    ids: impl Iterator<Item = i64>,
) -> AppResult<HashMap<i64, Resident>> {
    let mut people: HashMap<i64, Resident> = read::people_of(tx, community.id)
        .await?
        .into_iter()
        .map(|r| (r.person_id, r))
        .collect();
    for id in ids {
        if let Entry::Vacant(slot) = people.entry(id) {
            if let Some(r) = read::person(tx, id).await? {
                slot.insert(r);
            }
        }
    }
    Ok(people)
}

/// each representative's check, on the election day (or the reference date without one).
async fn representatives(
    tx: &mut Tx,
    community: &Community,
    c: &Campaign,
) -> AppResult<Vec<Rerun>> {
    let ids = "select id from residents_representatives where campaign_id = $1";
    let stored =
        stored_by_subject(tx, REPRESENTATIVE_SUBJECT, "R-1.representative", ids, c.id).await?;
    if stored.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, i64)> = Q::new(
        "select id, person_id from residents_representatives where campaign_id = $1 order by id",
    )
    .bind(c.id)
    .all(&mut *tx)
    .await?;
    let people = residents(tx, community, rows.iter().map(|r| r.1)).await?;
    let on = c.residents_election_day.unwrap_or(c.reference_date);
    let mut out = Vec::new();
    for (id, person) in rows {
        let (Some(before), Some(r)) = (stored.get(&id), people.get(&person)) else {
            continue;
        };
        let check = check_representative(r, &community.code, on);
        let subject = format!("居民代表（R-1）{}", r.name);
        out.push(
            rerun(
                tx,
                (REPRESENTATIVE_SUBJECT, id, subject),
                before,
                &check,
                &["on"],
            )
            .await?,
        );
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct VoterRow {
    id: i64,
    person_id: i64,
    basis: String,
    proof: Option<String>,
    approval: Option<String>,
}

/// each registered voter's check on the election day (voters removed by a decision are off
/// the list and left alone).
async fn voters(
    tx: &mut Tx,
    community: &Community,
    c: &Campaign,
    day: NaiveDate,
) -> AppResult<Vec<Rerun>> {
    let ids = "select id from resident_voters where campaign_id = $1";
    let stored = stored_by_subject(tx, VOTER_SUBJECT, "R-4.voter", ids, c.id).await?;
    if stored.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<VoterRow> = Q::new(
        "select id, person_id, basis, proof, approval from resident_voters where campaign_id = $1 and removed = $2 order by id",
    )
    .bind(c.id)
    .bind(false)
    .all(&mut *tx)
    .await?;
    let people = residents(tx, community, rows.iter().map(|v| v.person_id)).await?;
    let elsewhere = read::registered_elsewhere(tx, community.id).await?;
    let filled = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
    let mut out = Vec::new();
    for v in rows {
        let (Some(before), Some(r)) = (stored.get(&v.id), people.get(&v.person_id)) else {
            continue;
        };
        let reg = Registration {
            basis: Basis::parse(&v.basis).unwrap_or(Basis::Hukou),
            hukou_place_proof: filled(&v.proof),
            representatives_approval: filled(&v.approval),
            registered_elsewhere: elsewhere.get(&v.person_id).cloned(),
        };
        let check = check_voter(r, &community.code, &reg, day);
        let subject = format!("选民资格（R-4）{}", r.name);
        out.push(
            rerun(
                tx,
                (VOTER_SUBJECT, v.id, subject),
                before,
                &check,
                &["election_day"],
            )
            .await?,
        );
    }
    Ok(out)
}

/// the published list's notice period to the election day.
async fn publication(tx: &mut Tx, c: &Campaign, day: NaiveDate) -> AppResult<Vec<Rerun>> {
    let stored = stored_by_subject(
        tx,
        LIST_SUBJECT,
        "R-4.publication",
        "select id from campaigns where id = $1",
        c.id,
    )
    .await?;
    let Some(before) = stored.get(&c.id) else {
        return Ok(Vec::new());
    };
    let published: Option<(NaiveDate,)> =
        Q::new("select published_on from resident_voter_lists where campaign_id = $1")
            .bind(c.id)
            .optional(&mut *tx)
            .await?;
    let Some((published,)) = published else {
        return Ok(Vec::new());
    };
    let min_days = voters_mode::rules_in(tx, c.id).await?.voter_list_days;
    let check = check_list_published(published, day, min_days);
    let subject = "选民名单公布（R-4）".to_string();
    Ok(vec![
        rerun(
            tx,
            (LIST_SUBJECT, c.id, subject),
            before,
            &check,
            &["election_day"],
        )
        .await?,
    ])
}

#[derive(sqlx::FromRow)]
struct AgeRow {
    id: i64,
    post: String,
    name: String,
    birth_date: Option<NaiveDate>,
    education: Option<String>,
    incumbent: i64,
}

/// each nominee's C-3 age check on the reference date.
async fn nominee_ages(tx: &mut Tx, c: &Campaign) -> AppResult<Vec<Rerun>> {
    let ids = "select id from resident_nominees where campaign_id = $1";
    let stored = stored_by_subject(tx, NOMINEE_SUBJECT, "C-3.age", ids, c.id).await?;
    if stored.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<AgeRow> = Q::new(
        "select n.id, n.post, p.name, p.birth_date, p.education, (select count(*) from incumbencies i where i.person_id = p.id) as incumbent \
         from resident_nominees n join people p on p.id = n.person_id where n.campaign_id = $1 order by n.id",
    )
    .bind(c.id)
    .all(&mut *tx)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let Some(before) = stored.get(&r.id) else {
            continue;
        };
        let post = Post::parse(&r.post).unwrap_or(Post::Member).label();
        let checks = check_qualification(
            post,
            r.incumbent > 0,
            r.birth_date,
            r.education.as_deref(),
            c.reference_date,
        );
        let Some(age) = checks.iter().find(|k| k.rule == "C-3.age") else {
            continue;
        };
        let subject = format!("候选人资格审查（R-5）{}（{post}）", r.name);
        out.push(
            rerun(
                tx,
                (NOMINEE_SUBJECT, r.id, subject),
                before,
                age,
                &["reference_date"],
            )
            .await?,
        );
    }
    Ok(out)
}
