//! Writing many people in one short transaction: multi-row inserts within both backends'
//! bind-parameter limits (SQLite 32,766, PostgreSQL 65,535), and their audit entries appended to
//! each chain in bulk.
//!
//! Every person still gets its own audit entry, with the hash `audit::entry_hash` gives it, so
//! `audit::verify` reads a bulk-written chain like any other. What changes is the work done
//! while the transaction is open: each chain's head is locked, read and moved once per import
//! rather than once per person, and the JSON of each entry is made before the transaction, so
//! that hashing inside it is string assembly and SHA-256 (see [`Template`]).
//! (`append_created` belongs beside `audit::append`; it lives here while `src/audit` is being
//! reworked.)

use std::collections::{BTreeMap, btree_map};

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Resolved;
use super::store::scope_of;
use crate::audit::{Actor, Entry, GENESIS, canonical_time, entry_hash};
use crate::db::{Q, Tx, is_unique_violation};
use crate::domain::person::PersonDraft;
use crate::error::{AppError, AppResult};

/// People per insert: 21 parameters each.
const PEOPLE_PER_INSERT: usize = 1_000;
/// Audit entries per insert: 12 parameters each (their rows are wide: statements of 500 measured
/// faster than of 2,500).
const ENTRIES_PER_INSERT: usize = 500;
/// The smaller of the two backends' limits on bind parameters in one statement (SQLite's;
/// PostgreSQL allows 65,535).
const MAX_PARAMS: usize = 32_766;
const _: () = assert!(21 * PEOPLE_PER_INSERT <= MAX_PARAMS);
const _: () = assert!(12 * ENTRIES_PER_INSERT <= MAX_PARAMS);

/// A person ready to be inserted, with the JSON its audit entry records, made in advance.
pub struct NewPerson {
    draft: PersonDraft,
    resolved: Resolved,
    /// The entry's `after`, as stored.
    after: String,
    /// The same as `entry_hash` writes it into the text it hashes.
    after_canonical: String,
}

impl NewPerson {
    /// Prepares a checked draft and its resolved references for [`insert_people`].
    pub fn new(draft: PersonDraft, resolved: Resolved) -> NewPerson {
        let after = json!(draft).to_string();
        let after_canonical = serde_json::from_str::<Value>(&after)
            .unwrap_or(Value::Null)
            .to_string();
        NewPerson {
            draft,
            resolved,
            after,
            after_canonical,
        }
    }
}

/// `count` rows of `width` placeholders each, numbered on from 1, in the backend's style.
fn values(tx: &Tx, count: usize, width: usize) -> String {
    let rows: Vec<String> = (0..count)
        .map(|row| {
            let params: Vec<String> = (1..=width).map(|i| tx.param(row * width + i)).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    rows.join(", ")
}

/// An ID number registered meanwhile (between the checks and the write) refuses the import.
fn taken_id(e: AppError) -> AppError {
    match e {
        AppError::Db(e) if is_unique_violation(&e) => AppError::invalid(
            "身份证号",
            "文件中有人员的身份证号刚刚已在本街道登记，请重新导入",
        ),
        e => e,
    }
}

/// Inserts the people (each audited in its residence community's chain, else the street's) and
/// returns their ids in the order given. All writes: the transaction should do its reading
/// before it begins.
pub async fn insert_people(
    tx: &mut Tx,
    actor: &Actor,
    people: &[NewPerson],
) -> AppResult<Vec<i64>> {
    let street_id = crate::street_id(tx).await?;
    let now = crate::now();
    let mut ids = Vec::with_capacity(people.len());
    for chunk in people.chunks(PEOPLE_PER_INSERT) {
        let sql = format!(
            "insert into people (street_id, created_at, updated_at, name, gender, birth_date, ethnicity, education, id_number, \
             hukou_community_id, residence_community_id, resident_group_id, rights_removed, party_status, party_org, party_org_name, \
             party_joined, npc_deputy, cppcc_member, phone, household_no) values {}{}",
            values(tx, chunk.len(), 21),
            if matches!(tx, Tx::Sqlite(_)) {
                ""
            } else {
                " returning id, name"
            }
        );
        let mut q = Q::new(sql);
        for NewPerson {
            draft: d,
            resolved: r,
            ..
        } in chunk
        {
            q = super::store::bind_fields(q.bind(street_id).bind(now).bind(now), d, r);
        }
        if matches!(tx, Tx::Sqlite(_)) {
            // One statement under the write lock numbers its rows consecutively, so the last
            // rowid gives them all; cheaper than returning 20 000 rows.
            let n = q.execute(&mut *tx).await.map_err(taken_id)? as i64;
            let last = Q::new("select last_insert_rowid()")
                .scalar(&mut *tx)
                .await?;
            if n != chunk.len() as i64 {
                return Err(AppError::internal("bulk insert: rows missing"));
            }
            ids.extend(last - n + 1..=last);
            continue;
        }
        let mut inserted: Vec<(i64, String)> = q.all(&mut *tx).await.map_err(taken_id)?;
        // Both backends number the rows of one insert in the order of its VALUES, whatever
        // order RETURNING gives them back in; the names confirm the pairing.
        inserted.sort_unstable_by_key(|(id, _)| *id);
        let paired = inserted.len() == chunk.len()
            && inserted
                .iter()
                .zip(chunk)
                .all(|((_, name), p)| *name == p.draft.name);
        if !paired {
            return Err(AppError::internal(
                "bulk insert: the returned rows do not match the input",
            ));
        }
        ids.extend(inserted.into_iter().map(|(id, _)| id));
    }
    let mut scopes: BTreeMap<Option<i64>, String> = BTreeMap::new();
    let mut chains: BTreeMap<String, Vec<(String, &NewPerson)>> = BTreeMap::new();
    for (p, id) in people.iter().zip(&ids) {
        let residence = p.resolved.residence;
        if let btree_map::Entry::Vacant(slot) = scopes.entry(residence) {
            slot.insert(scope_of(tx, residence).await?);
        }
        chains
            .entry(scopes[&residence].clone())
            .or_default()
            .push((id.to_string(), p));
    }
    // In scope order, so that two bulk writers lock the heads in the same order.
    for (scope, entries) in chains {
        append_created(tx, actor, &scope, "person", &entries).await?;
    }
    Ok(ids)
}

/// The columns of a person as an import writes them, in [`super::store::bind_fields`]' order
/// after the street and the two times.
const PEOPLE_COLUMNS: &str = "street_id, created_at, updated_at, name, gender, birth_date, ethnicity, education, id_number, \
     hukou_community_id, residence_community_id, resident_group_id, rights_removed, party_status, party_org, party_org_name, \
     party_joined, npc_deputy, cppcc_member, phone, household_no";
/// The columns of an audit entry, in [`Entry::bind_row`]'s order.
const AUDIT_COLUMNS: &str = "scope, seq, at, actor_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash";

/// Imports the people: inserts them with their audit entries and returns their ids in the
/// order given and how long the write transaction was open.
///
/// On SQLite the write lock is what every counting room waits for, so the rows are first
/// written to temporary tables of one connection (no lock on the database), with the audit
/// entries hashed for the ids and chain heads the database predicts; then the write
/// transaction checks the predictions and moves the rows in with two `insert … select`. If a
/// prediction no longer holds (someone wrote meanwhile), it writes the way PostgreSQL does,
/// inside the transaction ([`insert_people`]).
pub async fn import(
    db: &crate::db::Db,
    actor: &Actor,
    people: &[NewPerson],
) -> AppResult<(Vec<i64>, std::time::Duration)> {
    import_between(db, actor, people, async {}).await
}

/// [`import`] with `between` run after the staging and before the write transaction: the
/// moment another writer can make the predictions fail (tests write there).
#[doc(hidden)]
pub async fn import_between(
    db: &crate::db::Db,
    actor: &Actor,
    people: &[NewPerson],
    between: impl std::future::Future<Output = ()>,
) -> AppResult<(Vec<i64>, std::time::Duration)> {
    let Some(mut conn) = db.sqlite_conn().await? else {
        between.await;
        let started = std::time::Instant::now();
        let mut tx = db.begin().await?;
        let ids = insert_people(&mut tx, actor, people).await?;
        tx.commit().await?;
        return Ok((ids, started.elapsed()));
    };
    let plan = stage(&mut conn, actor, people).await;
    between.await;
    let started = std::time::Instant::now();
    let mut tx = Tx::begin_immediate(conn).await?;
    let ids = match plan {
        Ok(plan) if plan.holds(&mut tx).await? => plan.apply(&mut tx).await?,
        _ => insert_people(&mut tx, actor, people).await?,
    };
    for t in ["import_people", "import_audit"] {
        Q::new(format!("drop table if exists temp.{t}"))
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok((ids, started.elapsed()))
}

/// A chain's head: its sequence number and hash.
type Head = (i64, String);

/// What the staged rows were made for: the first id and each chain's head before and after.
struct Staged {
    /// The ids the people were numbered with (the first, and how many).
    first: i64,
    count: usize,
    /// Each chain: its head when staged (`None`: no head yet) and its new head.
    heads: Vec<(String, Option<Head>, Head)>,
}

/// The id the next inserted person gets (`people.id` is AUTOINCREMENT).
const NEXT_ID: &str = "select max(coalesce((select seq from sqlite_sequence where name = 'people'), 0), \
     coalesce((select max(id) from people), 0)) + 1";

/// Writes the people and their audit entries to temporary tables of `conn`.
async fn stage(
    conn: &mut sqlx::pool::PoolConnection<sqlx::Sqlite>,
    actor: &Actor,
    people: &[NewPerson],
) -> AppResult<Staged> {
    let street_id = Q::new("select id from streets order by id limit 1")
        .scalar(&mut *conn)
        .await?;
    let now = crate::now();
    let first = Q::new(NEXT_ID).scalar(&mut *conn).await?;
    let ids: Vec<i64> = (first..first + people.len() as i64).collect();
    let mut scopes: BTreeMap<Option<i64>, String> = BTreeMap::new();
    let mut chains: BTreeMap<String, Vec<(String, &NewPerson)>> = BTreeMap::new();
    for (p, id) in people.iter().zip(&ids) {
        let residence = p.resolved.residence;
        if let btree_map::Entry::Vacant(slot) = scopes.entry(residence) {
            let code: Option<(String,)> = Q::new("select code from communities where id = $1")
                .bind(residence.unwrap_or(-1))
                .optional(&mut *conn)
                .await?;
            slot.insert(code.map_or_else(
                || crate::audit::STREET.to_string(),
                |(c,)| crate::audit::community_scope(&c),
            ));
        }
        chains
            .entry(scopes[&residence].clone())
            .or_default()
            .push((id.to_string(), p));
    }
    for (t, from, columns) in [
        ("import_people", "people", PEOPLE_COLUMNS),
        ("import_audit", "audit_log", AUDIT_COLUMNS),
    ] {
        Q::new(format!("drop table if exists temp.{t}"))
            .execute(&mut *conn)
            .await?;
        Q::new(format!(
            "create temp table {t} as select {columns} from {from} where 0"
        ))
        .execute(&mut *conn)
        .await?;
    }
    let placeholders = |count: usize, width: usize| {
        let row = format!("({})", vec!["?"; width].join(", "));
        vec![row; count].join(", ")
    };
    for chunk in people.chunks(PEOPLE_PER_INSERT) {
        let mut q = Q::new(format!(
            "insert into temp.import_people ({PEOPLE_COLUMNS}) values {}",
            placeholders(chunk.len(), 21)
        ));
        for p in chunk {
            q = super::store::bind_fields(
                q.bind(street_id).bind(now).bind(now),
                &p.draft,
                &p.resolved,
            );
        }
        q.execute(&mut *conn).await?;
    }
    let at = Utc::now().trunc_subsecs(6);
    let mut heads = Vec::new();
    for (scope, entries) in &chains {
        let head: Option<(i64, String)> =
            Q::new("select seq, hash from audit_heads where scope = $1")
                .bind(scope.as_str())
                .optional(&mut *conn)
                .await?;
        let start = head.clone().unwrap_or((0, GENESIS.to_string()));
        let chain = chain_entries(scope, actor, at, "person", start.clone(), entries);
        let end = chain.last().map_or(start, |e| (e.seq, e.hash.clone()));
        for chunk in chain.chunks(ENTRIES_PER_INSERT) {
            let mut q = Q::new(format!(
                "insert into temp.import_audit ({AUDIT_COLUMNS}) values {}",
                placeholders(chunk.len(), 12)
            ));
            for e in chunk {
                q = e.bind_row(q);
            }
            q.execute(&mut *conn).await?;
        }
        heads.push((scope.clone(), head, end));
    }
    Ok(Staged {
        first,
        count: people.len(),
        heads,
    })
}

impl Staged {
    /// Whether the predictions still hold under the write lock: the next id and every head.
    async fn holds(&self, tx: &mut Tx) -> AppResult<bool> {
        if Q::new(NEXT_ID).scalar(&mut *tx).await? != self.first {
            return Ok(false);
        }
        for (scope, before, _) in &self.heads {
            let now: Option<(i64, String)> =
                Q::new("select seq, hash from audit_heads where scope = $1")
                    .bind(scope.as_str())
                    .optional(&mut *tx)
                    .await?;
            if now != *before {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Moves the staged rows in and the heads on; the ids given.
    async fn apply(&self, tx: &mut Tx) -> AppResult<Vec<i64>> {
        let n = Q::new(format!(
            "insert into people ({PEOPLE_COLUMNS}) select {PEOPLE_COLUMNS} from temp.import_people order by rowid"
        ))
        .execute(&mut *tx)
        .await
        .map_err(taken_id)?;
        let last = Q::new("select last_insert_rowid()")
            .scalar(&mut *tx)
            .await?;
        let expected = self.first + self.count as i64 - 1;
        if n != self.count as u64 || last != expected {
            return Err(AppError::internal(format!(
                "staged import: {n} people inserted up to id {last}, expected {} up to {expected}",
                self.count
            )));
        }
        Q::new(format!(
            "insert into audit_log ({AUDIT_COLUMNS}) select {AUDIT_COLUMNS} from temp.import_audit order by rowid"
        ))
        .execute(&mut *tx)
        .await?;
        for (scope, before, (seq, hash)) in &self.heads {
            let sql = if before.is_some() {
                "update audit_heads set seq = $1, hash = $2 where scope = $3"
            } else {
                "insert into audit_heads (seq, hash, scope) values ($1, $2, $3)"
            };
            Q::new(sql)
                .bind(*seq)
                .bind(hash.as_str())
                .bind(scope.as_str())
                .execute(&mut *tx)
                .await?;
        }
        Ok((self.first..=expected).collect())
    }
}

/// Appends one `create` entry per `(entity id, person)` to the chain `scope`, in order: its
/// head locked and read once, the entries hashed in turn, inserted by multi-row statements, the
/// head moved once.
async fn append_created(
    tx: &mut Tx,
    actor: &Actor,
    scope: &str,
    entity: &str,
    entries: &[(String, &NewPerson)],
) -> AppResult<()> {
    Q::new("insert into audit_heads (scope, seq, hash) values ($1, 0, $2) on conflict (scope) do nothing")
        .bind(scope)
        .bind(GENESIS)
        .execute(&mut *tx)
        .await?;
    let lock = tx.for_update();
    let (mut seq, prev): (i64, String) = Q::new(format!(
        "select seq, hash from audit_heads where scope = $1{lock}"
    ))
    .bind(scope)
    .one(&mut *tx)
    .await?;
    let at = Utc::now().trunc_subsecs(6);
    let chain = chain_entries(scope, actor, at, entity, (seq, prev.clone()), entries);
    if let Some(last) = chain.last() {
        seq = last.seq;
    }
    for chunk in chain.chunks(ENTRIES_PER_INSERT) {
        let sql = format!(
            "insert into audit_log (scope, seq, at, actor_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash) values {}",
            values(tx, chunk.len(), 12)
        );
        let mut q = Q::new(sql);
        for e in chunk {
            q = e.bind_row(q);
        }
        q.execute(&mut *tx).await?;
    }
    let last = chain.last().map_or(prev, |e| e.hash.clone());
    Q::new("update audit_heads set seq = $1, hash = $2 where scope = $3")
        .bind(seq)
        .bind(&last)
        .bind(scope)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The `create` entries of `entries` on chain `scope`, after its head `(seq, hash)`, hashed in
/// turn (by the template, checked against `entry_hash` on the first entry).
fn chain_entries(
    scope: &str,
    actor: &Actor,
    at: DateTime<Utc>,
    entity: &str,
    (mut seq, mut prev): (i64, String),
    entries: &[(String, &NewPerson)],
) -> Vec<Entry> {
    let template = Template::new(scope, at, actor, "create", entity);
    let mut chain: Vec<Entry> = Vec::with_capacity(entries.len());
    for (entity_id, p) in entries {
        seq += 1;
        let mut e = Entry {
            id: 0,
            scope: scope.into(),
            seq,
            at,
            actor_id: actor.id,
            actor: actor.name.clone(),
            action: "create".into(),
            entity: entity.into(),
            entity_id: entity_id.clone(),
            before_json: None,
            after_json: Some(p.after.clone()),
            prev_hash: prev,
            hash: String::new(),
        };
        e.hash = match &template {
            Some(t) => t.hash(seq, entity_id, &p.after_canonical, &e.prev_hash),
            None => entry_hash(&e),
        };
        prev = e.hash.clone();
        chain.push(e);
    }
    // The template must hash as `entry_hash` does: checked on the chain's first new entry, and
    // the slow way taken for the chain if the two ever differ.
    if template.is_some() && chain.first().is_some_and(|e| entry_hash(e) != e.hash) {
        tracing::warn!(
            scope,
            "audit template differs from entry_hash: hashing entry by entry"
        );
        let mut prev = chain[0].prev_hash.clone();
        for e in &mut chain {
            e.prev_hash = prev;
            e.hash = entry_hash(e);
            prev = e.hash.clone();
        }
    }
    chain
}

/// The text `entry_hash` hashes for the entries of one chain, one actor, one time and one kind
/// of change, cut where each entry's own values go. It is made by serialising the same object
/// as `entry_hash` with markers for those values, so serde_json decides key order and escaping.
struct Template(Vec<Piece>);

enum Piece {
    Text(String),
    Seq,
    EntityId,
    After,
    PrevHash,
}

impl Template {
    /// `None` if the markers cannot be found (then entries are hashed one by one).
    fn new(
        scope: &str,
        at: DateTime<Utc>,
        actor: &Actor,
        action: &str,
        entity: &str,
    ) -> Option<Template> {
        let mark = |name: &str| format!("\u{1}{name}\u{1}");
        let canonical = json!({
            "scope": scope, "seq": mark("seq"), "at": canonical_time(&at),
            "actor_id": actor.id, "actor": actor.name, "action": action,
            "entity": entity, "entity_id": mark("entity_id"),
            "before": Value::Null, "after": mark("after"),
            "prev_hash": mark("prev_hash"),
        })
        .to_string();
        let names = ["seq", "entity_id", "after", "prev_hash"];
        let marks = names.map(|name| serde_json::to_string(&mark(name)).unwrap_or_default());
        let mut pieces = Vec::new();
        let mut rest = canonical.as_str();
        loop {
            let next = marks
                .iter()
                .enumerate()
                .filter_map(|(i, m)| rest.find(m.as_str()).map(|at| (at, i)))
                .min();
            let Some((at, i)) = next else {
                pieces.push(Piece::Text(rest.to_string()));
                break;
            };
            pieces.push(Piece::Text(rest[..at].to_string()));
            pieces.push(match i {
                0 => Piece::Seq,
                1 => Piece::EntityId,
                2 => Piece::After,
                _ => Piece::PrevHash,
            });
            rest = &rest[at + marks[i].len()..];
        }
        (pieces.len() == 9).then_some(Template(pieces))
    }

    /// An entry's hash: `after` as serde_json writes the parsed JSON.
    fn hash(&self, seq: i64, entity_id: &str, after: &str, prev_hash: &str) -> String {
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let mut text = String::with_capacity(after.len() + 400);
        for piece in &self.0 {
            match piece {
                Piece::Text(t) => text.push_str(t),
                Piece::Seq => text.push_str(&seq.to_string()),
                Piece::EntityId => text.push_str(&quoted(entity_id)),
                Piece::After => text.push_str(after),
                Piece::PrevHash => text.push_str(&quoted(prev_hash)),
            }
        }
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_hashes_an_entry_exactly_as_entry_hash_does() {
        let draft = PersonDraft {
            name: "欧阳\"娜娜\"\\\n".into(),
            gender: "女".into(),
            birth_date: chrono::NaiveDate::from_ymd_opt(1990, 3, 7),
            ethnicity: "回族".into(),
            education: None,
            id_number: Some("110101199003070011".into()),
            hukou_community: None,
            residence_community: Some("sg01".into()),
            resident_group: Some("第一\u{1}小组".into()),
            rights_removed: false,
            party_status: "none".into(),
            party_org: None,
            party_org_name: None,
            party_joined: None,
            npc_deputy: true,
            cppcc_member: false,
            phone: None,
            household_no: Some("0001".into()),
        };
        let p = NewPerson::new(draft, Resolved::default());
        let at = Utc::now().trunc_subsecs(6);
        for actor in [
            Actor::system(),
            Actor {
                id: Some(7),
                name: "社区\"甲\"".into(),
            },
        ] {
            let t = Template::new("community:sg01", at, &actor, "create", "person").unwrap();
            let e = Entry {
                id: 0,
                scope: "community:sg01".into(),
                seq: 12_345,
                at,
                actor_id: actor.id,
                actor: actor.name.clone(),
                action: "create".into(),
                entity: "person".into(),
                entity_id: "987".into(),
                before_json: None,
                after_json: Some(p.after.clone()),
                prev_hash: GENESIS.into(),
                hash: String::new(),
            };
            assert_eq!(
                t.hash(12_345, "987", &p.after_canonical, GENESIS),
                entry_hash(&e)
            );
        }
    }
}
