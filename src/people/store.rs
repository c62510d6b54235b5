//! Reading and writing people, with every change audited in the community's chain.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::communities::{Community, by_code};
use crate::db::{Db, Q, Tx, is_unique_violation};
use crate::domain::person::{PersonDraft, converse, party_status_label};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::{mask_id, mask_phone};

/// A person row with the community codes resolved.
#[derive(Clone, Debug, sqlx::FromRow, Serialize, Deserialize)]
pub struct Person {
    /// Id.
    pub id: i64,
    /// 姓名.
    pub name: String,
    /// 性别.
    pub gender: String,
    /// 出生日期.
    pub birth_date: Option<NaiveDate>,
    /// 民族.
    pub ethnicity: String,
    /// 文化程度.
    pub education: Option<String>,
    /// 身份证号.
    pub id_number: Option<String>,
    /// 户籍社区 code.
    pub hukou_community: Option<String>,
    /// 居住社区 code.
    pub residence_community: Option<String>,
    /// 居民小组.
    pub resident_group: Option<String>,
    /// 被剥夺政治权利.
    pub rights_removed: bool,
    /// Party status value.
    pub party_status: String,
    /// Party organisation value.
    pub party_org: Option<String>,
    /// Organisation name.
    pub party_org_name: Option<String>,
    /// 入党日期.
    pub party_joined: Option<NaiveDate>,
    /// 人大代表.
    pub npc_deputy: bool,
    /// 政协委员.
    pub cppcc_member: bool,
    /// 联系电话.
    pub phone: Option<String>,
    /// 户号.
    pub household_no: Option<String>,
}

impl Person {
    /// ID number masked for lists.
    pub fn id_masked(&self) -> String {
        self.id_number.as_deref().map(mask_id).unwrap_or_default()
    }
    /// Phone masked for lists.
    pub fn phone_masked(&self) -> String {
        self.phone.as_deref().map(mask_phone).unwrap_or_default()
    }
    /// Party status label.
    pub fn party_label(&self) -> &'static str {
        party_status_label(&self.party_status)
    }
    /// Age in completed years on `today`.
    pub fn age_on(&self, today: &chrono::NaiveDate) -> Option<i32> {
        self.birth_date
            .map(|b| crate::domain::rules::age_on(b, *today))
    }
    /// The person as a list row: personal data masked.
    pub fn masked(&self) -> Person {
        Person {
            id_number: self.id_number.as_deref().map(mask_id),
            phone: self.phone.as_deref().map(mask_phone),
            ..self.clone()
        }
    }
}

/// A short reference to a person (relations lists).
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct PersonRef {
    /// Relation row id.
    pub id: i64,
    /// The other person.
    pub other_id: i64,
    /// Their name.
    pub name: String,
    /// Relation kind.
    pub kind: String,
}

impl PersonRef {
    /// Label of the relation kind.
    pub fn kind_label(&self) -> &'static str {
        crate::domain::person::RELATIONS
            .iter()
            .find(|(k, _)| *k == self.kind)
            .map(|(_, l)| *l)
            .unwrap_or("")
    }
}

/// The select list giving [`Person`] rows (alias `p`).
pub const SELECT: &str = "select p.id, p.name, p.gender, p.birth_date, p.ethnicity, p.education, p.id_number, \
    hc.code as hukou_community, rc.code as residence_community, g.name as resident_group, p.rights_removed, \
    p.party_status, p.party_org, p.party_org_name, p.party_joined, p.npc_deputy, p.cppcc_member, p.phone, p.household_no \
    from people p left join communities hc on hc.id = p.hukou_community_id \
    left join communities rc on rc.id = p.residence_community_id left join resident_groups g on g.id = p.resident_group_id";

/// Loads a person who lives or is registered in the community (404 otherwise).
pub async fn in_community(db: &Db, c: &Community, id: i64) -> AppResult<Person> {
    Q::new(format!(
        "{SELECT} where p.id = $1 and (p.residence_community_id = $2 or p.hukou_community_id = $2)"
    ))
    .bind(id)
    .bind(c.id)
    .optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

/// The database ids a draft refers to.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    /// 户籍社区.
    pub hukou: Option<i64>,
    /// 居住社区.
    pub residence: Option<i64>,
    /// 居民小组.
    pub group: Option<i64>,
}

/// Resolves a draft's community codes (or names) and group; problems as field errors.
pub async fn resolve(db: &Db, d: &PersonDraft) -> AppResult<Result<Resolved, Vec<FieldError>>> {
    resolve_parts(
        db,
        &d.hukou_community,
        &d.residence_community,
        &d.resident_group,
    )
    .await
}

/// Resolves community codes (or names) and a group as written; problems as field errors.
pub async fn resolve_parts(
    db: &Db,
    hukou: &Option<String>,
    residence: &Option<String>,
    resident_group: &Option<String>,
) -> AppResult<Result<Resolved, Vec<FieldError>>> {
    let mut errs = Vec::new();
    let hukou = community_id(db, "户籍社区", hukou, &mut errs).await?;
    let residence = community_id(db, "居住社区", residence, &mut errs).await?;
    let mut group = None;
    if let Some(g) = resident_group {
        match residence {
            None => errs.push(FieldError {
                field: "居民小组".into(),
                message: "须同时填写居住社区".into(),
            }),
            Some(rid) => {
                let found: Option<(i64,)> =
                    Q::new("select id from resident_groups where community_id = $1 and name = $2")
                        .bind(rid)
                        .bind(g)
                        .optional(db)
                        .await?;
                match found {
                    Some((id,)) => group = Some(id),
                    None => errs.push(FieldError {
                        field: "居民小组".into(),
                        message: format!("居住社区中没有“{g}”"),
                    }),
                }
            }
        }
    }
    Ok(if errs.is_empty() {
        Ok(Resolved {
            hukou,
            residence,
            group,
        })
    } else {
        Err(errs)
    })
}

/// A community by code or name; a missing one is reported in `errs`.
async fn community_id(
    db: &Db,
    field: &str,
    v: &Option<String>,
    errs: &mut Vec<FieldError>,
) -> AppResult<Option<i64>> {
    let Some(code) = v else { return Ok(None) };
    let found: Option<Community> = match by_code(db, code).await? {
        Some(c) => Some(c),
        None => {
            Q::new("select id, code, name, org_type, households from communities where name = $1")
                .bind(code)
                .optional(db)
                .await?
        }
    };
    if found.is_none() {
        errs.push(FieldError {
            field: field.into(),
            message: format!("社区“{code}”不存在"),
        });
    }
    Ok(found.map(|c| c.id))
}

/// The audit chain for a person: their residence community's, else the street's.
pub async fn scope_of(tx: &mut Tx, residence: Option<i64>) -> AppResult<String> {
    let code: Option<(String,)> = Q::new("select code from communities where id = $1")
        .bind(residence.unwrap_or(-1))
        .optional(tx)
        .await?;
    Ok(code
        .map(|(c,)| audit::community_scope(&c))
        .unwrap_or_else(|| audit::STREET.into()))
}

fn unique_id_error(e: sqlx::Error) -> AppError {
    if is_unique_violation(&e) {
        AppError::invalid("身份证号", "该身份证号已在本街道登记")
    } else {
        e.into()
    }
}

/// Inserts a person (audited); returns the id.
pub async fn insert_person(
    tx: &mut Tx,
    actor: &Actor,
    d: &PersonDraft,
    r: &Resolved,
) -> AppResult<i64> {
    let street_id = crate::street_id(tx).await?;
    let now = crate::now();
    let id = Q::new(
        "insert into people (street_id, name, gender, birth_date, ethnicity, education, id_number, hukou_community_id, residence_community_id, \
         resident_group_id, rights_removed, party_status, party_org, party_org_name, party_joined, npc_deputy, cppcc_member, phone, household_no, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) returning id",
    )
    .bind(street_id);
    let id = bind_fields(id, d, r)
        .bind(now)
        .try_scalar(&mut *tx)
        .await
        .map_err(unique_id_error)?;
    let scope = scope_of(tx, r.residence).await?;
    audit::append(
        tx,
        actor,
        Change {
            scope,
            action: "create",
            entity: "person",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!(d)),
        },
    )
    .await?;
    Ok(id)
}

/// Updates a person (audited).
pub async fn update_person(
    tx: &mut Tx,
    actor: &Actor,
    before: &Person,
    d: &PersonDraft,
    r: &Resolved,
) -> AppResult<()> {
    let q = Q::new(
        "update people set name = $1, gender = $2, birth_date = $3, ethnicity = $4, education = $5, id_number = $6, hukou_community_id = $7, \
         residence_community_id = $8, resident_group_id = $9, rights_removed = $10, party_status = $11, party_org = $12, party_org_name = $13, \
         party_joined = $14, npc_deputy = $15, cppcc_member = $16, phone = $17, household_no = $18, updated_at = $19 where id = $20",
    );
    bind_fields(q, d, r)
        .bind(crate::now())
        .bind(before.id)
        .try_execute(&mut *tx)
        .await
        .map_err(unique_id_error)?;
    let scope = scope_of(tx, r.residence).await?;
    audit::append(
        tx,
        actor,
        Change {
            scope,
            action: "update",
            entity: "person",
            entity_id: before.id.to_string(),
            before: Some(json!(before)),
            after: Some(json!(d)),
        },
    )
    .await?;
    Ok(())
}

/// Binds a person's stored fields, `name` … `household_no` in the order of the people table
/// (the one list the insert, the update and the import's bulk insert use).
pub fn bind_fields(q: Q, d: &PersonDraft, r: &Resolved) -> Q {
    q.bind(&d.name)
        .bind(&d.gender)
        .bind(d.birth_date)
        .bind(&d.ethnicity)
        .bind(d.education.clone())
        .bind(d.id_number.clone())
        .bind(r.hukou)
        .bind(r.residence)
        .bind(r.group)
        .bind(d.rights_removed)
        .bind(&d.party_status)
        .bind(d.party_org.clone())
        .bind(d.party_org_name.clone())
        .bind(d.party_joined)
        .bind(d.npc_deputy)
        .bind(d.cppcc_member)
        .bind(d.phone.clone())
        .bind(d.household_no.clone())
}

/// Records a relation and its converse (audited). Idempotent on the pair and kind.
pub async fn add_relation(
    tx: &mut Tx,
    actor: &Actor,
    scope: &str,
    a: i64,
    b: i64,
    kind: &str,
) -> AppResult<()> {
    let back = converse(kind)
        .ok_or_else(|| AppError::invalid("关系", "应为配偶、父母、子女或兄弟姐妹"))?;
    if a == b {
        return Err(AppError::invalid("关系", "不能与本人建立关系"));
    }
    let now = crate::now();
    for (x, y, k) in [(a, b, kind), (b, a, back)] {
        Q::new("insert into relations (person_id, other_id, kind, created_at) values ($1, $2, $3, $4) on conflict (person_id, other_id, kind) do nothing")
            .bind(x)
            .bind(y)
            .bind(k)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    // Both people's chains record it: the converse is written on the other person too.
    let after = json!({"person": a, "other": b, "kind": kind});
    audit_relation(tx, actor, scope, b, "create", None, Some(after)).await
}

/// Audits a relation change of `a` (chain `scope`) and `b` in both people's chains.
async fn audit_relation(
    tx: &mut Tx,
    actor: &Actor,
    scope: &str,
    b: i64,
    action: &'static str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AppResult<()> {
    let mut scopes = vec![scope.to_string()];
    let other_scope = scope_for(tx, b).await?;
    if other_scope != scope {
        scopes.push(other_scope);
    }
    let a = before
        .as_ref()
        .or(after.as_ref())
        .and_then(|v| v["person"].as_i64())
        .unwrap_or_default();
    for s in scopes {
        audit::append(
            tx,
            actor,
            Change {
                scope: s,
                action,
                entity: "relation",
                entity_id: format!("{a}-{b}"),
                before: before.clone(),
                after: after.clone(),
            },
        )
        .await?;
    }
    Ok(())
}

/// Removes relation `relation` of person `a` and its converse, audited in both people's chains.
pub async fn remove_relation(
    tx: &mut Tx,
    actor: &Actor,
    scope: &str,
    a: i64,
    relation: i64,
) -> AppResult<()> {
    let row: Option<(i64, String)> =
        Q::new("select other_id, kind from relations where id = $1 and person_id = $2")
            .bind(relation)
            .bind(a)
            .optional(&mut *tx)
            .await?;
    let (b, kind) = row.ok_or(AppError::NotFound)?;
    let back = converse(&kind).unwrap_or("");
    Q::new("delete from relations where (person_id = $1 and other_id = $2 and kind = $3) or (person_id = $2 and other_id = $1 and kind = $4)")
        .bind(a)
        .bind(b)
        .bind(&kind)
        .bind(back)
        .execute(&mut *tx)
        .await?;
    let before = json!({"person": a, "other": b, "kind": kind});
    audit_relation(tx, actor, scope, b, "delete", Some(before), None).await
}

/// A person's relations.
pub async fn relations(db: &Db, id: i64) -> AppResult<Vec<PersonRef>> {
    Q::new("select r.id, r.other_id, p.name, r.kind from relations r join people p on p.id = r.other_id where r.person_id = $1 order by r.id")
        .bind(id)
        .all(db)
        .await
}

/// The audit chain of a person by id.
pub async fn scope_for(tx: &mut Tx, person_id: i64) -> AppResult<String> {
    let residence: Option<(Option<i64>,)> =
        Q::new("select residence_community_id from people where id = $1")
            .bind(person_id)
            .optional(&mut *tx)
            .await?;
    scope_of(tx, residence.and_then(|(r,)| r)).await
}

/// How many people a community holds, as every page counts them: those who live in it, and
/// those only registered (户籍) in it who live elsewhere.
#[derive(Clone, Copy, Debug, Default)]
pub struct Headcount {
    /// 居住在本社区.
    pub living: i64,
    /// 仅户籍在本社区.
    pub registered_only: i64,
}

impl Headcount {
    /// Everyone the community's people list shows.
    pub fn total(&self) -> i64 {
        self.living + self.registered_only
    }

    /// Counts the people of a community.
    pub async fn of(db: &Db, community_id: i64) -> AppResult<Headcount> {
        let (living, registered_only): (i64, i64) = Q::new(
            "select coalesce(sum(case when residence_community_id = $1 then 1 else 0 end), 0), \
                    coalesce(sum(case when residence_community_id = $1 then 0 else 1 end), 0) \
             from people where residence_community_id = $1 or hukou_community_id = $1",
        )
        .bind(community_id)
        .one(db)
        .await?;
        Ok(Headcount {
            living,
            registered_only,
        })
    }
}
