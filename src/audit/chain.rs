//! The hash chain: appending an entry in the caller's transaction, and verifying every chain.
//!
//! The hashed form is canonical JSON (sorted keys) of the entry with its timestamp as UTC at
//! microsecond precision, so the same history hashes the same on SQLite and PostgreSQL.

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

/// Formats an instant the way it is hashed.
pub fn canonical_time(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn parse_json(text: &Option<String>) -> Value {
    text.as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
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
    Q::new("insert into audit_heads (scope, seq, hash) values ($1, 0, $2) on conflict (scope) do nothing")
        .bind(&change.scope)
        .bind(GENESIS)
        .execute(&mut *tx)
        .await?;
    let lock = tx.for_update();
    let (seq, prev): (i64, String) = Q::new(format!(
        "select seq, hash from audit_heads where scope = $1{lock}"
    ))
    .bind(&change.scope)
    .one(&mut *tx)
    .await?;
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
        before_json: change.before.map(|v| v.to_string()),
        after_json: change.after.map(|v| v.to_string()),
        prev_hash: prev,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    e.id = Q::new(
        "insert into audit_log (scope, seq, at, actor_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id",
    )
    .bind(&e.scope)
    .bind(e.seq)
    .bind(e.at)
    .bind(e.actor_id)
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.entity)
    .bind(&e.entity_id)
    .bind(e.before_json.clone())
    .bind(e.after_json.clone())
    .bind(&e.prev_hash)
    .bind(&e.hash)
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
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
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

/// Verifies every chain; returns the first break of each broken chain.
pub async fn verify(db: &Db) -> Result<Vec<Break>, AppError> {
    let heads = heads(db).await?;
    let scopes: Vec<(String,)> = Q::new(
        "select scope from audit_heads union select distinct scope from audit_log order by 1",
    )
    .all(db)
    .await?;
    let mut breaks = Vec::new();
    for (scope,) in scopes {
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
    Ok(breaks)
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
