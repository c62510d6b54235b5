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
    let (mut seq, mut prev): (i64, String) = Q::new(format!(
        "select seq, hash from audit_heads where scope = $1{lock}"
    ))
    .bind(scope)
    .one(&mut *tx)
    .await?;
    let at = Utc::now().trunc_subsecs(6);
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
