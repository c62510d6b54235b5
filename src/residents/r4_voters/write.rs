//! R-4 选民登记, changes before publication: register one person on a basis, bulk registration
//! from the people table (all or nothing, with the list of who was not registered and why), and
//! unregister with a reason; publication and decisions are in `voters_publish`. The adopted
//! voting mode (`voters_mode`) limits who registers: one 户代表 per household, or the 居民代表.
//! Each change is audited in the community's chain in its own transaction.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Q, Tx};
use crate::domain::residents::{
    Basis, CertificateKind, Registration, bulk_by_mode, bulk_register, certificate_number,
    check_voter,
};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult};
use crate::residents::r4_voters::mode as voters_mode;
use crate::residents::r4_voters::read::{self as read, VOTER_SUBJECT};
use crate::state::AppState;

/// The term's number from its name (`第八届` → 8, `第十二届` → 12); 0 when unreadable.
pub fn term_number(term: &str) -> u32 {
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    let t: Vec<char> = term
        .trim_start_matches('第')
        .trim_end_matches('届')
        .chars()
        .collect();
    if let Ok(n) = t.iter().collect::<String>().parse() {
        return n;
    }
    match t.as_slice() {
        [a] => digit(*a).unwrap_or(if *a == '十' { 10 } else { 0 }),
        ['十', b] => 10 + digit(*b).unwrap_or(0),
        [a, '十'] => digit(*a).map_or(0, |a| a * 10),
        [a, '十', b] => digit(*a).map_or(0, |a| a * 10 + digit(*b).unwrap_or(0)),
        _ => 0,
    }
}

/// The 选民证 number of a voter: unique, since the voter id is.
pub fn voter_certificate(community: &Community, c: &Campaign, voter_id: i64) -> String {
    certificate_number(
        CertificateKind::Voter,
        &community.code,
        term_number(&c.term),
        voter_id as u32,
    )
}

/// 409 unless the campaign has its residents' election day.
pub fn election_day(c: &Campaign) -> AppResult<chrono::NaiveDate> {
    c.residents_election_day.ok_or_else(|| {
        AppError::conflict(
            "本届换届尚未确定居民委员会选举日，须由街道工作组在换届计划中填写选举日，再登记选民。",
        )
    })
}

/// Input for registering one person.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterInput {
    /// The person.
    pub person_id: i64,
    /// Basis (`hukou` by default, `residence`, `posted`, or the label).
    pub basis: String,
    /// 居住地: the proof of not voting at the 户籍 place.
    pub proof: String,
    /// Posted staff: the representatives' meeting's approval.
    pub approval: String,
}

/// What a registration did.
#[derive(Clone, Debug, Serialize)]
pub struct Registered {
    /// Voter id.
    pub id: i64,
    /// 选民证 number.
    pub certificate_no: String,
    /// The R-4 check.
    pub check: RuleCheck,
}

/// Inserts a voter with its check; the caller has checked it.
pub(crate) async fn insert(
    tx: &mut Tx,
    ctx: &Ctx,
    community: &Community,
    c: &Campaign,
    person_id: i64,
    reg: (&Basis, Option<&str>, Option<&str>),
    checks: (&RuleCheck, Option<&RuleCheck>),
) -> AppResult<Registered> {
    let (check, mode) = checks;
    let (basis, proof, approval) = reg;
    let id = Q::new(
        "insert into resident_voters (campaign_id, person_id, basis, proof, approval, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(c.id)
    .bind(person_id)
    .bind(basis.as_str())
    .bind(proof)
    .bind(approval)
    .bind(ctx.user()?.id)
    .bind(crate::now())
    .scalar(&mut *tx)
    .await?;
    let no = voter_certificate(community, c, id);
    Q::new("update resident_voters set certificate_no = $1 where id = $2")
        .bind(&no)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    crate::checks::save(tx, VOTER_SUBJECT, id, check).await?;
    if let Some(m) = mode {
        crate::checks::save(tx, VOTER_SUBJECT, id, m).await?;
    }
    let after = json!({"person_id": person_id, "basis": basis.as_str(), "certificate_no": no, "check": check, "mode": mode});
    audit::record(
        tx,
        ctx,
        community,
        ("create", "resident_voter", id.to_string()),
        after,
    )
    .await?;
    Ok(Registered {
        id,
        certificate_no: no,
        check: check.clone(),
    })
}

/// A person checked for registration: the basis, the voter check and the voting mode's check
/// (none with all voters).
pub(crate) type Checked = (Basis, RuleCheck, Option<RuleCheck>);

/// Checks one person for registration, then under the voting mode; refuses (422 with the
/// check's message) when either fails.
pub(crate) async fn checked(
    tx: &mut Tx,
    community: &Community,
    c: &Campaign,
    f: &RegisterInput,
) -> AppResult<Checked> {
    let day = election_day(c)?;
    let basis = if f.basis.trim().is_empty() {
        Basis::Hukou
    } else {
        Basis::parse(&f.basis).ok_or_else(|| {
            AppError::invalid("登记方式", "登记方式应为户籍地、居住地或派驻本社区工作人员")
        })?
    };
    let r = read::person(tx, f.person_id)
        .await?
        .ok_or_else(|| AppError::invalid("人员", "未找到该人员"))?;
    let elsewhere = read::registered_elsewhere(tx, community.id).await?;
    let reg = Registration {
        basis,
        hukou_place_proof: !f.proof.trim().is_empty(),
        representatives_approval: !f.approval.trim().is_empty(),
        registered_elsewhere: elsewhere.get(&r.person_id).cloned(),
    };
    let check = check_voter(&r, &community.code, &reg, day);
    if !check.passed {
        // The field names the rule; the message need not name it again.
        let why = check.message.trim_start_matches("选民资格（R-4）：");
        return Err(AppError::invalid("选民资格", why));
    }
    let mode = voters_mode::check_one(tx, c.id, &r).await?;
    if let Some(m) = mode.as_ref().filter(|m| !m.passed) {
        return Err(AppError::invalid("选举方式", &m.message));
    }
    Ok((basis, check, mode))
}

pub(crate) fn text(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// 409 until R-4 is open (the rules adopted, or opened early by the street) and once the list
/// is published (changes then go through a decision).
pub(crate) async fn require_unpublished(state: &AppState, c: &Campaign) -> AppResult<()> {
    if read::publication(&state.db, c.id).await?.is_some() {
        return Err(AppError::conflict(
            "选民名单已公布，此后只能通过对异议的处理决定变更名单。",
        ));
    }
    crate::residents::setup::require_open(state, c, "R-4").await
}

/// registers one person.
pub async fn register(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &RegisterInput,
) -> AppResult<Registered> {
    election_day(c)?;
    require_unpublished(state, c).await?;
    let mut tx = state.db.begin().await?;
    if read::voter_of(&mut tx, c.id, f.person_id).await?.is_some() {
        return Err(AppError::invalid("人员", "该人员已登记为本社区选民"));
    }
    let (basis, check, mode) = checked(&mut tx, community, c, f).await?;
    let out = insert(
        &mut tx,
        ctx,
        community,
        c,
        f.person_id,
        (&basis, text(&f.proof), text(&f.approval)),
        (&check, mode.as_ref()),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// A person bulk registration left out, and why.
#[derive(Clone, Debug, Serialize)]
pub struct NotRegistered {
    /// The person.
    pub person_id: i64,
    /// 姓名.
    pub name: String,
    /// The check's message.
    pub reason: String,
}

/// What bulk registration did.
#[derive(Clone, Debug, Serialize)]
pub struct Bulk {
    /// Newly registered.
    pub registered: Vec<Registered>,
    /// Not registered, each with the reason.
    pub not_registered: Vec<NotRegistered>,
    /// Already registered before (left alone).
    pub already: usize,
}

/// registers every eligible person of the community at once (all in one transaction);
/// re-running adds only the new ones.
pub async fn bulk(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<Bulk> {
    let day = election_day(c)?;
    require_unpublished(state, c).await?;
    let mut tx = state.db.begin().await?;
    let done: Vec<(i64,)> = Q::new("select person_id from resident_voters where campaign_id = $1")
        .bind(c.id)
        .all(&mut tx)
        .await?;
    let done: std::collections::BTreeSet<i64> = done.into_iter().map(|(p,)| p).collect();
    let people: Vec<_> = read::people_of(&mut tx, community.id)
        .await?
        .into_iter()
        .filter(|r| !done.contains(&r.person_id))
        .collect();
    let elsewhere = read::registered_elsewhere(&mut tx, community.id).await?;
    let checks = bulk_register(&people, &community.code, day, &elsewhere);
    let mode = voters_mode::rules_in(&mut tx, c.id).await?.mode;
    let facts = voters_mode::facts_of(&mut tx, c.id, &people).await?;
    let households = voters_mode::household_voters(&mut tx, c.id).await?;
    let modes = bulk_by_mode(mode, &people, &facts, &checks, &households);
    let mut out = Bulk {
        registered: Vec::new(),
        not_registered: Vec::new(),
        already: done.len(),
    };
    for ((r, check), mode) in people.iter().zip(checks).zip(modes) {
        let mode_failed = mode.as_ref().is_some_and(|m| !m.passed);
        if check.passed && !mode_failed {
            let basis = Registration::default_for(r, &community.code).basis;
            out.registered.push(
                insert(
                    &mut tx,
                    ctx,
                    community,
                    c,
                    r.person_id,
                    (&basis, None, None),
                    (&check, mode.as_ref()),
                )
                .await?,
            );
        } else {
            out.not_registered.push(NotRegistered {
                person_id: r.person_id,
                name: r.name.clone(),
                reason: match mode.filter(|_| mode_failed) {
                    Some(m) => m.message,
                    None => check.message,
                },
            });
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// A reason (and the person it concerns).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct UnregisterInput {
    /// The person.
    pub person_id: i64,
    /// The reason.
    pub reason: String,
}

/// removes a voter before publication, with a reason.
pub async fn unregister(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &UnregisterInput,
) -> AppResult<()> {
    let reason =
        text(&f.reason).ok_or_else(|| AppError::invalid("理由", "取消登记必须写明理由"))?;
    require_unpublished(state, c).await?;
    let mut tx = state.db.begin().await?;
    let v = read::voter_of(&mut tx, c.id, f.person_id)
        .await?
        .ok_or_else(|| AppError::invalid("人员", "该人员未登记为选民"))?;
    Q::new("delete from rule_checks where subject_type = $1 and subject_id = $2")
        .bind(VOTER_SUBJECT)
        .bind(v.id)
        .execute(&mut tx)
        .await?;
    Q::new("delete from resident_voters where id = $1")
        .bind(v.id)
        .execute(&mut tx)
        .await?;
    audit::record(
        &mut tx,
        ctx,
        community,
        ("delete", "resident_voter", v.id.to_string()),
        json!({"person_id": v.person_id, "name": v.name, "reason": reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::term_number;

    #[test]
    fn term_names_read_as_numbers() {
        assert_eq!(term_number("第八届"), 8);
        assert_eq!(term_number("第十届"), 10);
        assert_eq!(term_number("第十二届"), 12);
        assert_eq!(term_number("第二十一届"), 21);
        assert_eq!(term_number("第9届"), 9);
    }
}
