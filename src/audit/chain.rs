//! The hash chain: appending an entry in the caller's transaction, and verifying every chain.
//!
//! The hashed form is canonical JSON (sorted keys) of the entry with its timestamp as UTC at
//! microsecond precision, so the same history hashes the same on SQLite and PostgreSQL.
//!
//! The payloads (`before_json`, `after_json`) enter the hash as parsed JSON, as they always have,
//! so chains written by earlier versions still verify. What the hash alone does not see —
//! unreadable text, the same JSON spelt differently, the text `null` in place of NULL — the
//! verification catches by another rule: a stored payload must be exactly the compact, key-sorted
//! text [`append`] writes ([`payload_problem`]). Together, any change of a payload's text is found.

use std::collections::BTreeSet;

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::db::{Db, Q, Tx};
use crate::error::AppError;

/// The hash a chain starts from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who made a change.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The user id, if a user (not the system) acted.
    pub id: Option<i64>,
    /// The user name or `system`.
    pub name: String,
}

impl Actor {
    /// The system itself (start-up, command line).
    pub fn system() -> Actor {
        Actor {
            id: None,
            name: "system".into(),
        }
    }
}

/// One change to record.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    /// Chain: `street` or `community:CODE`.
    pub scope: String,
    /// Verb, e.g. `create`, `update`, `delete`, `login`.
    pub action: &'a str,
    /// Kind of thing changed, e.g. `person`.
    pub entity: &'a str,
    /// Its id (text, so composite ids fit).
    pub entity_id: String,
    /// State before, if any.
    pub before: Option<Value>,
    /// State after, if any.
    pub after: Option<Value>,
}

/// A stored entry.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct Entry {
    /// Row id.
    pub id: i64,
    /// Chain.
    pub scope: String,
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Acting user id.
    pub actor_id: Option<i64>,
    /// Acting user name.
    pub actor: String,
    /// Verb.
    pub action: String,
    /// Kind of thing.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// JSON text before.
    pub before_json: Option<String>,
    /// JSON text after.
    pub after_json: Option<String>,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl Entry {
    /// Binds the entry's stored columns, `scope` … `hash`, in the order of `audit_log`'s insert
    /// (the one list the single append and bulk appends use).
    pub fn bind_row(&self, q: Q) -> Q {
        q.bind(&self.scope)
            .bind(self.seq)
            .bind(self.at)
            .bind(self.actor_id)
            .bind(&self.actor)
            .bind(&self.action)
            .bind(&self.entity)
            .bind(&self.entity_id)
            .bind(self.before_json.clone())
            .bind(self.after_json.clone())
            .bind(&self.prev_hash)
            .bind(&self.hash)
    }
}

/// Formats an instant the way it is hashed.
pub fn canonical_time(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn parse_json(text: &Option<String>) -> Value {
    text.as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

/// What is wrong with a stored payload's text, if anything: it must be NULL or exactly the text
/// [`append`] writes for a non-null value (compact JSON, keys sorted).
pub fn payload_problem(text: Option<&str>) -> Option<&'static str> {
    let text = text?;
    match serde_json::from_str::<Value>(text) {
        Err(_) => Some("不是有效的 JSON"),
        // `append` stores an absent or null payload as NULL, never as the text `null`.
        Ok(Value::Null) => Some("写入时为空（NULL），现为文本 null"),
        // (Not `v != text`: a Value compares with a str as a JSON string.)
        Ok(v) if serde_json::to_string(&v).is_ok_and(|t| t != text) => {
            Some("与写入时的文本不同（空白、键的顺序或转义被改动）")
        }
        Ok(_) => None,
    }
}

/// The hash of an entry given its fields and the previous hash.
pub fn entry_hash(e: &Entry) -> String {
    // serde_json's map is ordered by key, so this serialisation is canonical.
    let canonical = json!({
        "scope": e.scope, "seq": e.seq, "at": canonical_time(&e.at),
        "actor_id": e.actor_id, "actor": e.actor, "action": e.action,
        "entity": e.entity, "entity_id": e.entity_id,
        "before": parse_json(&e.before_json), "after": parse_json(&e.after_json),
        "prev_hash": e.prev_hash,
    });
    let mut h = Sha256::new();
    h.update(canonical.to_string().as_bytes());
    hex::encode(h.finalize())
}

/// Appends a change to its chain inside the caller's transaction.
pub async fn append(tx: &mut Tx, actor: &Actor, change: Change<'_>) -> Result<Entry, AppError> {
    let lock = tx.for_update();
    let head_sql = format!("select seq, hash from audit_heads where scope = $1{lock}");
    let head: Option<(i64, String)> = Q::new(head_sql.clone())
        .bind(&change.scope)
        .optional(&mut *tx)
        .await?;
    let (seq, prev) = match head {
        Some(head) => head,
        None => {
            // A chain's first entry: its head starts at the genesis hash.
            Q::new("insert into audit_heads (scope, seq, hash) values ($1, 0, $2) on conflict (scope) do nothing")
                .bind(&change.scope)
                .bind(GENESIS)
                .execute(&mut *tx)
                .await?;
            Q::new(head_sql).bind(&change.scope).one(&mut *tx).await?
        }
    };
    let mut e = Entry {
        id: 0,
        scope: change.scope,
        seq: seq + 1,
        at: Utc::now().trunc_subsecs(6),
        actor_id: actor.id,
        actor: actor.name.clone(),
        action: change.action.to_string(),
        entity: change.entity.to_string(),
        entity_id: change.entity_id,
        // A null payload is stored as NULL: the text `null` never verifies (`payload_problem`).
        before_json: change
            .before
            .filter(|v| !v.is_null())
            .map(|v| v.to_string()),
        after_json: change.after.filter(|v| !v.is_null()).map(|v| v.to_string()),
        prev_hash: prev,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    e.id = e.bind_row(Q::new(
        "insert into audit_log (scope, seq, at, actor_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id",
    ))
    .scalar(&mut *tx)
    .await?;
    Q::new("update audit_heads set seq = $1, hash = $2 where scope = $3")
        .bind(e.seq)
        .bind(&e.hash)
        .bind(&e.scope)
        .execute(&mut *tx)
        .await?;
    Ok(e)
}

/// A chain's head as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct Head {
    /// Chain.
    pub scope: String,
    /// Number of entries.
    pub seq: i64,
    /// Hash of the last entry.
    pub hash: String,
}

/// The first problem found in one chain.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Break {
    /// Chain.
    pub scope: String,
    /// Position where the chain breaks (the entry, or the head).
    pub seq: i64,
    /// Row id of the entry, if the break is at an entry.
    pub entry_id: Option<i64>,
    /// What is wrong, in Chinese.
    pub problem: String,
}

/// All chain heads.
pub async fn heads(db: &Db) -> Result<Vec<Head>, AppError> {
    Q::new("select scope, seq, hash from audit_heads order by scope")
        .all(db)
        .await
}

/// Verifies every chain; returns the first break of each broken chain, and a break for each
/// chain that must exist but does not: a chain deleted together with its head leaves nothing
/// else behind, so verification asks for every community's chain (its creation is its first
/// entry) and, once there is an account or a community, the street's.
pub async fn verify(db: &Db) -> Result<Vec<Break>, AppError> {
    let heads = heads(db).await?;
    let found: Vec<(String,)> = Q::new(
        "select scope from audit_heads union select distinct scope from audit_log order by 1",
    )
    .all(db)
    .await?;
    let found: BTreeSet<String> = found.into_iter().map(|(s,)| s).collect();
    let mut breaks = Vec::new();
    for scope in required_scopes(db).await? {
        if !found.contains(&scope) {
            breaks.push(Break {
                scope,
                seq: 0,
                entry_id: None,
                problem: "整条链连同链头都不存在：该链被删除".into(),
            });
        }
    }
    for scope in found {
        let entries: Vec<Entry> =
            Q::new("select * from audit_log where scope = $1 order by seq, id")
                .bind(&scope)
                .all(db)
                .await?;
        let head = heads.iter().find(|h| h.scope == scope);
        if let Some(b) = verify_chain(&scope, &entries, head) {
            breaks.push(b);
        }
    }
    breaks.sort_by(|a, b| a.scope.cmp(&b.scope));
    Ok(breaks)
}

/// The chains that must exist: one per community, and the street's once the database holds an
/// account or a community (the first account is written to it).
async fn required_scopes(db: &Db) -> Result<Vec<String>, AppError> {
    let codes: Vec<(String,)> = Q::new("select code from communities order by code")
        .all(db)
        .await?;
    let users = Q::new("select count(*) from users").scalar(db).await?;
    let mut scopes = Vec::new();
    if users > 0 || !codes.is_empty() {
        scopes.push(super::STREET.to_string());
    }
    scopes.extend(codes.iter().map(|(c,)| super::community_scope(c)));
    Ok(scopes)
}

/// Checks one chain's entries (ordered by seq) against its stored head.
pub fn verify_chain(scope: &str, entries: &[Entry], head: Option<&Head>) -> Option<Break> {
    let mut prev = GENESIS.to_string();
    for (i, e) in entries.iter().enumerate() {
        let expected = i as i64 + 1;
        let at = |problem: String| {
            Some(Break {
                scope: scope.into(),
                seq: e.seq,
                entry_id: Some(e.id),
                problem,
            })
        };
        if e.seq != expected {
            return at(format!(
                "序号应为 {expected}，实为 {}：有记录被插入或删除",
                e.seq
            ));
        }
        if e.prev_hash != prev {
            return at("前一条记录的哈希不符：此前有记录被删除、插入或修改".into());
        }
        for (field, text) in [
            ("before_json", &e.before_json),
            ("after_json", &e.after_json),
        ] {
            if let Some(problem) = payload_problem(text.as_deref()) {
                return at(format!("{field} {problem}：该记录被修改"));
            }
        }
        if entry_hash(e) != e.hash {
            return at("记录内容与其哈希不符：该记录被修改".into());
        }
        prev = e.hash.clone();
    }
    let count = entries.len() as i64;
    match head {
        None => Some(Break {
            scope: scope.into(),
            seq: count,
            entry_id: None,
            problem: "缺少链头记录".into(),
        }),
        Some(h) if h.seq != count || h.hash != prev => Some(Break {
            scope: scope.into(),
            seq: h.seq,
            entry_id: None,
            problem: format!(
                "链头记录为 {} 条，实有 {count} 条或末条哈希不符：末尾记录被删除或追加",
                h.seq
            ),
        }),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(after: Option<&str>) -> Entry {
        Entry {
            id: 1,
            scope: "community:sg01".into(),
            seq: 1,
            at: DateTime::parse_from_rfc3339("2027-04-01T08:00:00.123456Z")
                .unwrap()
                .into(),
            actor_id: Some(2),
            actor: "t-community".into(),
            action: "create".into(),
            entity: "resident_group".into(),
            entity_id: "5".into(),
            before_json: None,
            after_json: after.map(str::to_string),
            prev_hash: GENESIS.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn the_text_append_writes_passes_and_any_other_spelling_does_not() {
        let v = json!({"name": "第一居民小组", "households": 12, "x": [1.5, null, "\"引号\""]});
        assert_eq!(payload_problem(Some(&v.to_string())), None);
        assert_eq!(payload_problem(None), None);
        for text in [
            "{\"name\":",
            "篡改",
            "null",
            " null",
            &serde_json::to_string_pretty(&v).unwrap(),
            "{\"x\":[1.5,null,\"\\\"引号\\\"\"],\"name\":\"第一居民小组\",\"households\":12}",
            "{\"households\":12,\"name\":\"\\u7b2c一居民小组\",\"x\":[1.5,null,\"\\\"引号\\\"\"]}",
        ] {
            assert!(payload_problem(Some(text)).is_some(), "{text}");
        }
    }

    #[test]
    fn the_hash_of_well_formed_payloads_is_the_one_earlier_versions_wrote() {
        // Chains written before the text rule must still verify: this is the hash the earlier
        // versions compute (also SHA-256 of the sorted, compact JSON computed independently).
        let e = entry(Some("{\"households\":0,\"name\":\"第一居民小组\"}"));
        assert_eq!(
            entry_hash(&e),
            "3b05571e415b2b65478b9db7fd4553d817d2fe17599a5cdab245428cfb17042e"
        );
        // NULL and the text `null` hash alike (the text rule tells them apart).
        assert_eq!(entry_hash(&entry(None)), entry_hash(&entry(Some("null"))));
    }
}
